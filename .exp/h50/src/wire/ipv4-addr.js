/**
 * IPv4 addresses as unsigned 32-bit numbers (`>>> 0` keeps them non-negative), with the text
 * and prefix helpers the control plane needs. Text parsing throws (it is configuration);
 * the byte helpers are for the datapath and allocate nothing.
 */
/** 255.255.255.255 */
export const IPV4_BROADCAST = 0xffff_ffff;
/** 0.0.0.0 */
export const IPV4_ANY = 0;
const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** Parses dotted-quad text (`192.0.2.1`) into a uint32; throws a clear error on anything else (no octal, no short forms). */
export function parseIpv4Addr(text) {
    const m = DOTTED_QUAD.exec(text.trim());
    if (m !== null) {
        let n = 0;
        let ok = true;
        for (let i = 1; i <= 4; i++) {
            const part = m[i];
            const v = Number(part);
            if (v > 255 || (part.length > 1 && part[0] === '0'))
                ok = false;
            n = n * 256 + v;
        }
        if (ok)
            return n;
    }
    throw new Error(`invalid IPv4 address ${JSON.stringify(text)}: expected four decimal octets 0-255 like 192.0.2.1`);
}
/** Formats a uint32 as dotted-quad text. */
export function formatIpv4Addr(addr) {
    return `${(addr >>> 24) & 0xff}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}
/** Parses `10.0.0.1/24` (a bare address means /32); throws a clear error on a bad address or prefix length. */
export function parseCidr(text) {
    const slash = text.indexOf('/');
    if (slash < 0)
        return { addr: parseIpv4Addr(text), prefixLen: 32 };
    const lenText = text.slice(slash + 1).trim();
    const prefixLen = Number(lenText);
    if (!/^\d{1,2}$/.test(lenText) || prefixLen > 32) {
        throw new Error(`invalid IPv4 prefix ${JSON.stringify(text)}: prefix length must be 0-32`);
    }
    return { addr: parseIpv4Addr(text.slice(0, slash)), prefixLen };
}
/** Formats an address and prefix length as `a.b.c.d/n`. */
export function formatCidr(addr, prefixLen) {
    return `${formatIpv4Addr(addr)}/${prefixLen}`;
}
/** The netmask of a prefix length as a uint32: 24 -> 0xffffff00, 0 -> 0. */
export function prefixMask(prefixLen) {
    return prefixLen <= 0 ? 0 : prefixLen >= 32 ? 0xffff_ffff : (0xffff_ffff << (32 - prefixLen)) >>> 0;
}
/** The network address: `addr` with the host bits cleared. */
export function networkOf(addr, prefixLen) {
    return (addr & prefixMask(prefixLen)) >>> 0;
}
/** The directed broadcast address of the prefix: `addr` with all host bits set. */
export function broadcastOf(addr, prefixLen) {
    return (addr | ~prefixMask(prefixLen)) >>> 0;
}
/** True when `addr` lies in `network/prefixLen` (host bits of `network` ignored). */
export function inPrefix(addr, network, prefixLen) {
    const mask = prefixMask(prefixLen);
    return ((addr ^ network) & mask) === 0;
}
/** The prefix length of a contiguous netmask (0xffffff00 -> 24), or -1 if the mask has holes. */
export function maskToPrefixLen(mask) {
    const inverted = ~mask >>> 0;
    if ((inverted & (inverted + 1)) !== 0)
        return -1;
    return 32 - Math.round(Math.log2(inverted + 1));
}
/** True for 224.0.0.0/4. */
export function isIpv4Multicast(addr) {
    return addr >>> 28 === 0xe;
}
/** Reads 4 bytes at `off` as a uint32 address. */
export function readIpv4Addr(buf, off) {
    return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}
/** Writes a uint32 address as 4 bytes at `off`. */
export function writeIpv4Addr(buf, off, addr) {
    buf[off] = addr >>> 24;
    buf[off + 1] = addr >>> 16;
    buf[off + 2] = addr >>> 8;
    buf[off + 3] = addr;
}
//# sourceMappingURL=ipv4-addr.js.map