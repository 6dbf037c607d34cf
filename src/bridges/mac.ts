/**
 * MAC addresses as numbers: a 48-bit address fits exactly in a JS number as hi16 * 2^32 + lo32,
 * so the data path compares and hashes addresses without strings. Text forms are for the
 * control plane only.
 */

const TWO_POW_32 = 4294967296;

/** The broadcast address ff:ff:ff:ff:ff:ff. */
export const BROADCAST_MAC = 0xffff * TWO_POW_32 + 0xffffffff;

/** Reads the 48-bit address at `off` (network order). */
export function readMac(buf: Uint8Array, off: number): number {
  const hi = (buf[off]! << 8) | buf[off + 1]!;
  const lo = ((buf[off + 2]! << 24) | (buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!) >>> 0;
  return hi * TWO_POW_32 + lo;
}

/** Writes a 48-bit address at `off` (network order). */
export function writeMac(buf: Uint8Array, off: number, mac: number): void {
  const lo = mac >>> 0;
  const hi = (mac - lo) / TWO_POW_32;
  buf[off] = hi >>> 8;
  buf[off + 1] = hi & 0xff;
  buf[off + 2] = lo >>> 24;
  buf[off + 3] = (lo >>> 16) & 0xff;
  buf[off + 4] = (lo >>> 8) & 0xff;
  buf[off + 5] = lo & 0xff;
}

/** True for group (multicast and broadcast) addresses: the I/G bit, the low bit of the first octet. */
export function isGroupMac(mac: number): boolean {
  return Math.floor(mac / 0x10000000000) % 2 === 1;
}

/** Parses "02:00:00:00:00:01" (also with '-' separators); throws naming the bad text. */
export function parseMac(text: string): number {
  const m = /^([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})[:-]([0-9a-fA-F]{2})$/.exec(text);
  if (m === null) throw new Error(`bad MAC address ${JSON.stringify(text)}, expected six hex octets like 02:00:00:00:00:01`);
  let mac = 0;
  for (let i = 1; i <= 6; i++) mac = mac * 256 + parseInt(m[i]!, 16);
  return mac;
}

/** Formats a 48-bit address as lower-case "aa:bb:cc:dd:ee:ff". */
export function formatMac(mac: number): string {
  if (!Number.isInteger(mac) || mac < 0 || mac > BROADCAST_MAC) throw new RangeError(`not a 48-bit MAC address: ${mac}`);
  const parts: string[] = [];
  let rest = mac;
  for (let i = 0; i < 6; i++) {
    parts.unshift((rest % 256).toString(16).padStart(2, '0'));
    rest = Math.floor(rest / 256);
  }
  return parts.join(':');
}
