/**
 * 48-bit MAC addresses as plain numbers: `hi16 * 2^32 + lo32`, which a double holds exactly.
 * The datapath compares and hashes MACs as numbers; strings exist only at the edges
 * (configuration, CLI, traces), so `parseMac` throws on bad text and `formatMac` allocates.
 */
const TWO_32 = 0x1_0000_0000;
/** ff:ff:ff:ff:ff:ff */
export const MAC_BROADCAST = 0xffff_ffff_ffff;
/** Length of a MAC address in bytes. */
export const MAC_LEN = 6;
const MAC_TEXT = /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/;
/** Parses `02:00:5e:10:00:01` (or with `-` separators) into a 48-bit number; throws a clear error on anything else. */
export function parseMac(text) {
    const m = MAC_TEXT.exec(text.trim());
    if (m === null)
        throw new Error(`invalid MAC address ${JSON.stringify(text)}: expected six hex octets like 02:00:00:00:00:01`);
    let n = 0;
    for (let i = 1; i <= 6; i++)
        n = n * 256 + parseInt(m[i], 16);
    return n;
}
/** Formats a 48-bit number as lower-case `xx:xx:xx:xx:xx:xx`; throws if `mac` is not a 48-bit integer. */
export function formatMac(mac) {
    if (!isMac(mac))
        throw new Error(`invalid MAC address value ${mac}: expected an integer in [0, 2^48)`);
    const hex = mac.toString(16).padStart(12, '0');
    return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
}
/** True for an integer in [0, 2^48). */
export function isMac(value) {
    return Number.isInteger(value) && value >= 0 && value <= MAC_BROADCAST;
}
/** Reads the 6 bytes at `off` as a 48-bit number. */
export function readMac(buf, off) {
    const hi = (buf[off] << 8) | buf[off + 1];
    const lo = ((buf[off + 2] << 24) | (buf[off + 3] << 16) | (buf[off + 4] << 8) | buf[off + 5]) >>> 0;
    return hi * TWO_32 + lo;
}
/** Writes a 48-bit number as 6 bytes at `off`. */
export function writeMac(buf, off, mac) {
    const hi = Math.floor(mac / TWO_32);
    const lo = mac >>> 0;
    buf[off] = hi >>> 8;
    buf[off + 1] = hi;
    buf[off + 2] = lo >>> 24;
    buf[off + 3] = lo >>> 16;
    buf[off + 4] = lo >>> 8;
    buf[off + 5] = lo;
}
/** True when the I/G bit (least significant bit of the first octet) is set: multicast, broadcast included. */
export function isMulticast(mac) {
    return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}
/** True for ff:ff:ff:ff:ff:ff. */
export function isBroadcast(mac) {
    return mac === MAC_BROADCAST;
}
/** True for an individual (unicast) address: the I/G bit is clear. */
export function isUnicast(mac) {
    return !isMulticast(mac);
}
/** True when the U/L bit (second least significant bit of the first octet) is set: a locally administered address. */
export function isLocallyAdministered(mac) {
    return (Math.floor(mac / 0x100_0000_0000) & 2) === 2;
}
//# sourceMappingURL=mac.js.map