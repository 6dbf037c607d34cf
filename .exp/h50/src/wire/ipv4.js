/**
 * IPv4 headers (RFC 791): version/IHL, DSCP/ECN, total length, identification, flags
 * (reserved, DF, MF), fragment offset, TTL, protocol, header checksum, addresses, options.
 *
 * `wrap` checks, in order: at least 20 bytes ('truncated'), version 4 ('bad-version'),
 * IHL >= 5 ('bad-ihl'), the whole header present ('truncated'), total length covering the
 * header ('bad-total-length') and not beyond the buffer ('total-length-exceeds-buffer').
 * A buffer longer than the total length is fine (Ethernet padding): `payloadLength` comes
 * from the total length, never from the buffer. The header checksum is not a wrap condition:
 * a router verifies it (`checksumOk`) and counts its own drop.
 *
 * Options stay raw bytes in the view; `parseIpv4` also lists their type octets and reports
 * a malformed option list ('bad-option'), which the view never walks.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
import { internetChecksum, internetSum, checksumUpdate16 } from './checksum.js';
import { readIpv4Addr, writeIpv4Addr } from './ipv4-addr.js';
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_SCTP = 132;
/** Header without options. */
export const IPV4_MIN_HEADER_LEN = 20;
/** IHL 15: 40 bytes of options. */
export const IPV4_MAX_HEADER_LEN = 60;
export const IPV4_MAX_OPTIONS_LEN = 40;
/** Option type octets (copied flag, class and number together, as on the wire). */
export const IPV4_OPT_END = 0;
export const IPV4_OPT_NOP = 1;
export const IPV4_OPT_RECORD_ROUTE = 7;
export const IPV4_OPT_TIMESTAMP = 68;
export const IPV4_OPT_LOOSE_SOURCE_ROUTE = 131;
export const IPV4_OPT_STRICT_SOURCE_ROUTE = 137;
export const IPV4_OPT_ROUTER_ALERT = 148;
function check(b, o, len) {
    if (truncated(b, o, len, IPV4_MIN_HEADER_LEN))
        return 'truncated';
    const vihl = b[o];
    if (vihl >>> 4 !== 4)
        return 'bad-version';
    const hlen = (vihl & 0x0f) << 2;
    if (hlen < IPV4_MIN_HEADER_LEN)
        return 'bad-ihl';
    if (hlen > len)
        return 'truncated';
    const total = readU16(b, o + 2);
    if (total < hlen)
        return 'bad-total-length';
    if (total > len)
        return 'total-length-exceeds-buffer';
    return null;
}
/** A reusable zero-copy view of an IPv4 header. */
export class Ipv4View extends ByteView {
    /** Points the view at `len` bytes at `off`; returns null when they start with a consistent IPv4 header, else the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return check(buf, off, len);
    }
    /** Version field (4 after a successful wrap). */
    get version() {
        return this.bytes[this.start] >>> 4;
    }
    /** Internet header length in 32-bit words. */
    get ihl() {
        return this.bytes[this.start] & 0x0f;
    }
    /** Header length in bytes (IHL * 4). */
    get headerLength() {
        return (this.bytes[this.start] & 0x0f) << 2;
    }
    /** The whole type-of-service octet (DSCP << 2 | ECN). */
    get tos() {
        return this.bytes[this.start + 1];
    }
    set tos(value) {
        this.bytes[this.start + 1] = value;
    }
    get dscp() {
        return this.bytes[this.start + 1] >>> 2;
    }
    set dscp(value) {
        this.bytes[this.start + 1] = ((value & 0x3f) << 2) | (this.bytes[this.start + 1] & 3);
    }
    get ecn() {
        return this.bytes[this.start + 1] & 3;
    }
    set ecn(value) {
        this.bytes[this.start + 1] = (this.bytes[this.start + 1] & 0xfc) | (value & 3);
    }
    /** Total length of header and payload. */
    get totalLength() {
        return readU16(this.bytes, this.start + 2);
    }
    set totalLength(value) {
        writeU16(this.bytes, this.start + 2, value);
    }
    get identification() {
        return readU16(this.bytes, this.start + 4);
    }
    set identification(value) {
        writeU16(this.bytes, this.start + 4, value);
    }
    /** The reserved flag bit (must be zero). */
    get reservedFlag() {
        return (this.bytes[this.start + 6] & 0x80) !== 0;
    }
    /** DF: do not fragment. */
    get dontFragment() {
        return (this.bytes[this.start + 6] & 0x40) !== 0;
    }
    set dontFragment(value) {
        const byte = this.bytes[this.start + 6];
        this.bytes[this.start + 6] = value ? byte | 0x40 : byte & 0xbf;
    }
    /** MF: more fragments follow. */
    get moreFragments() {
        return (this.bytes[this.start + 6] & 0x20) !== 0;
    }
    set moreFragments(value) {
        const byte = this.bytes[this.start + 6];
        this.bytes[this.start + 6] = value ? byte | 0x20 : byte & 0xdf;
    }
    /** Fragment offset in bytes (the field times 8). */
    get fragmentOffset() {
        return (readU16(this.bytes, this.start + 6) & 0x1fff) << 3;
    }
    set fragmentOffset(bytes) {
        writeU16(this.bytes, this.start + 6, (readU16(this.bytes, this.start + 6) & 0xe000) | ((bytes >>> 3) & 0x1fff));
    }
    /** True for any fragment: MF set or a non-zero offset. */
    get isFragment() {
        return (readU16(this.bytes, this.start + 6) & 0x3fff) !== 0;
    }
    get ttl() {
        return this.bytes[this.start + 8];
    }
    set ttl(value) {
        this.bytes[this.start + 8] = value;
    }
    get protocol() {
        return this.bytes[this.start + 9];
    }
    set protocol(value) {
        this.bytes[this.start + 9] = value;
    }
    /** Header checksum field. */
    get checksum() {
        return readU16(this.bytes, this.start + 10);
    }
    set checksum(value) {
        writeU16(this.bytes, this.start + 10, value);
    }
    /** Source address (uint32). */
    get src() {
        return readIpv4Addr(this.bytes, this.start + 12);
    }
    set src(addr) {
        writeIpv4Addr(this.bytes, this.start + 12, addr);
    }
    /** Destination address (uint32). */
    get dst() {
        return readIpv4Addr(this.bytes, this.start + 16);
    }
    set dst(addr) {
        writeIpv4Addr(this.bytes, this.start + 16, addr);
    }
    /** Absolute offset of the options (right after the fixed 20 bytes). */
    get optionsOffset() {
        return this.start + IPV4_MIN_HEADER_LEN;
    }
    get optionsLength() {
        return this.headerLength - IPV4_MIN_HEADER_LEN;
    }
    /** Absolute offset of the payload. */
    get payloadOffset() {
        return this.start + this.headerLength;
    }
    /** Payload bytes by the total length (trailing Ethernet padding excluded). */
    get payloadLength() {
        return this.totalLength - this.headerLength;
    }
    /** True when the header checksum verifies. */
    get checksumOk() {
        return internetSum(this.bytes, this.start, this.headerLength) === 0xffff;
    }
    /** Recomputes the header checksum after fields changed. */
    fillChecksum() {
        this.checksum = 0;
        this.checksum = internetChecksum(this.bytes, this.start, this.headerLength);
    }
    /** Decrements the TTL and patches the checksum incrementally (RFC 1624), as a router forwarding does. */
    decrementTtl() {
        const oldWord = readU16(this.bytes, this.start + 8);
        this.bytes[this.start + 8] = this.bytes[this.start + 8] - 1;
        this.checksum = checksumUpdate16(this.checksum, oldWord, readU16(this.bytes, this.start + 8));
    }
}
/** Walks an option list, pushing type octets to `kinds`; returns false when an option is malformed. */
function walkOptions(b, start, end, kinds) {
    let i = start;
    while (i < end) {
        const kind = b[i];
        kinds.push(kind);
        if (kind === IPV4_OPT_END)
            return true;
        if (kind === IPV4_OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= end)
            return false;
        const optLen = b[i + 1];
        if (optLen < 2 || i + optLen > end)
            return false;
        i += optLen;
    }
    return true;
}
export function parseIpv4(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    const headerLength = (buf[off] & 0x0f) << 2;
    const optionKinds = [];
    if (!walkOptions(buf, off + IPV4_MIN_HEADER_LEN, off + headerLength, optionKinds))
        return { error: 'bad-option' };
    const totalLength = readU16(buf, off + 2);
    const flags = buf[off + 6];
    return {
        dscp: buf[off + 1] >>> 2,
        ecn: buf[off + 1] & 3,
        identification: readU16(buf, off + 4),
        dontFragment: (flags & 0x40) !== 0,
        moreFragments: (flags & 0x20) !== 0,
        fragmentOffset: (((flags & 0x1f) << 8) | buf[off + 7]) << 3,
        ttl: buf[off + 8],
        protocol: buf[off + 9],
        src: readIpv4Addr(buf, off + 12),
        dst: readIpv4Addr(buf, off + 16),
        options: buf.slice(off + IPV4_MIN_HEADER_LEN, off + headerLength),
        payloadLength: totalLength - headerLength,
        headerLength,
        totalLength,
        reservedFlag: (flags & 0x80) !== 0,
        checksum: readU16(buf, off + 10),
        checksumOk: internetSum(buf, off, headerLength) === 0xffff,
        optionKinds,
    };
}
/** Header length `emitIpv4` writes: 20 plus the options padded to a multiple of 4. */
export function ipv4HeaderLen(repr) {
    return IPV4_MIN_HEADER_LEN + ((repr.options.length + 3) & ~3);
}
/**
 * Writes the header at `off` with a correct checksum; returns the bytes written.
 * Throws when the options do not fit in 40 bytes (a caller bug, not packet data).
 */
export function emitIpv4(repr, buf, off) {
    const hlen = ipv4HeaderLen(repr);
    if (hlen > IPV4_MAX_HEADER_LEN)
        throw new RangeError(`emitIpv4: ${repr.options.length} bytes of options exceed the 40-byte maximum`);
    const total = hlen + repr.payloadLength;
    const frag = (repr.dontFragment ? 0x4000 : 0) | (repr.moreFragments ? 0x2000 : 0) | ((repr.fragmentOffset >>> 3) & 0x1fff);
    buf[off] = 0x40 | (hlen >>> 2);
    buf[off + 1] = ((repr.dscp & 0x3f) << 2) | (repr.ecn & 3);
    writeU16(buf, off + 2, total);
    writeU16(buf, off + 4, repr.identification);
    writeU16(buf, off + 6, frag);
    buf[off + 8] = repr.ttl;
    buf[off + 9] = repr.protocol;
    writeU16(buf, off + 10, 0);
    writeIpv4Addr(buf, off + 12, repr.src);
    writeIpv4Addr(buf, off + 16, repr.dst);
    buf.set(repr.options, off + IPV4_MIN_HEADER_LEN);
    buf.fill(IPV4_OPT_END, off + IPV4_MIN_HEADER_LEN + repr.options.length, off + hlen);
    writeU16(buf, off + 10, internetChecksum(buf, off, hlen));
    return hlen;
}
//# sourceMappingURL=ipv4.js.map