/**
 * ICMP for IPv4 (RFC 792, RFC 1191 for the fragmentation-needed MTU).
 *
 * Every message has type, code, checksum and four "rest of header" bytes whose meaning
 * depends on the type: identifier and sequence for echo, the next-hop MTU for
 * fragmentation-needed, a pointer for parameter problem, a gateway for redirect. The view
 * reads all of them as plain fields; `parseIcmpv4` gives a tagged repr for the messages vnet
 * acts on and keeps every other type as `kind: 'other'` with its raw rest-of-header.
 * The payload (echo data, or the quoted original datagram of an error) is not decoded here.
 *
 * The checksum covers the whole message, so `wrap` must be given the IPv4 payload length,
 * not the frame length with its padding.
 */
import { ByteView, readU16, readU32, truncated, writeU16, writeU32 } from './byte-view.js';
import { internetChecksum, internetSum } from './checksum.js';
export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACHABLE = 3;
export const ICMP_REDIRECT = 5;
export const ICMP_ECHO_REQUEST = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETER_PROBLEM = 12;
/** Destination-unreachable codes. */
export const ICMP_UNREACH_NET = 0;
export const ICMP_UNREACH_HOST = 1;
export const ICMP_UNREACH_PROTOCOL = 2;
export const ICMP_UNREACH_PORT = 3;
/** Fragmentation needed and DF set: the next-hop MTU is in bytes 6-7 (RFC 1191). */
export const ICMP_UNREACH_FRAG_NEEDED = 4;
export const ICMP_UNREACH_ADMIN_PROHIBITED = 13;
/** Time-exceeded codes. */
export const ICMP_TIME_EXCEEDED_TTL = 0;
export const ICMP_TIME_EXCEEDED_REASSEMBLY = 1;
export const ICMPV4_HEADER_LEN = 8;
/** A reusable zero-copy view of an ICMPv4 message. */
export class Icmpv4View extends ByteView {
    /** Points the view at the `len` bytes of the message at `off` (the IPv4 payload); returns null or the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return truncated(buf, off, len, ICMPV4_HEADER_LEN) ? 'truncated' : null;
    }
    get type() {
        return this.bytes[this.start];
    }
    set type(value) {
        this.bytes[this.start] = value;
    }
    get code() {
        return this.bytes[this.start + 1];
    }
    set code(value) {
        this.bytes[this.start + 1] = value;
    }
    get checksum() {
        return readU16(this.bytes, this.start + 2);
    }
    set checksum(value) {
        writeU16(this.bytes, this.start + 2, value);
    }
    /** Bytes 4-7 as a uint32, whatever the type. */
    get restOfHeader() {
        return readU32(this.bytes, this.start + 4);
    }
    set restOfHeader(value) {
        writeU32(this.bytes, this.start + 4, value);
    }
    /** Echo identifier (bytes 4-5). */
    get identifier() {
        return readU16(this.bytes, this.start + 4);
    }
    set identifier(value) {
        writeU16(this.bytes, this.start + 4, value);
    }
    /** Echo sequence number (bytes 6-7). */
    get sequence() {
        return readU16(this.bytes, this.start + 6);
    }
    set sequence(value) {
        writeU16(this.bytes, this.start + 6, value);
    }
    /** Next-hop MTU of a fragmentation-needed message (bytes 6-7). */
    get nextHopMtu() {
        return this.sequence;
    }
    set nextHopMtu(value) {
        this.sequence = value;
    }
    /** Parameter-problem pointer (byte 4). */
    get pointer() {
        return this.bytes[this.start + 4];
    }
    /** Redirect gateway address (bytes 4-7). */
    get gateway() {
        return this.restOfHeader;
    }
    get headerLength() {
        return ICMPV4_HEADER_LEN;
    }
    /** Absolute offset of echo data or the quoted datagram. */
    get payloadOffset() {
        return this.start + ICMPV4_HEADER_LEN;
    }
    get payloadLength() {
        return this.len - ICMPV4_HEADER_LEN;
    }
    /** True when the checksum over the whole message verifies. */
    get checksumOk() {
        return internetSum(this.bytes, this.start, this.len) === 0xffff;
    }
    /** Recomputes the checksum over the whole message. */
    fillChecksum() {
        this.checksum = 0;
        this.checksum = internetChecksum(this.bytes, this.start, this.len);
    }
}
export function parseIcmpv4(buf, off, len) {
    if (truncated(buf, off, len, ICMPV4_HEADER_LEN))
        return { error: 'truncated' };
    const type = buf[off];
    const code = buf[off + 1];
    const checksum = readU16(buf, off + 2);
    const checksumOk = internetSum(buf, off, len) === 0xffff;
    const payloadLength = len - ICMPV4_HEADER_LEN;
    const hi = readU16(buf, off + 4);
    const lo = readU16(buf, off + 6);
    if ((type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) && code === 0) {
        const kind = type === ICMP_ECHO_REQUEST ? 'echo-request' : 'echo-reply';
        return { kind, identifier: hi, sequence: lo, payloadLength, checksum, checksumOk };
    }
    if (type === ICMP_DEST_UNREACHABLE && hi === 0) {
        return { kind: 'dest-unreachable', code, nextHopMtu: lo, payloadLength, checksum, checksumOk };
    }
    if (type === ICMP_TIME_EXCEEDED && hi === 0 && lo === 0) {
        return { kind: 'time-exceeded', code, payloadLength, checksum, checksumOk };
    }
    return { kind: 'other', type, code, restOfHeader: ((hi << 16) | lo) >>> 0, payloadLength, checksum, checksumOk };
}
export function icmpv4HeaderLen(_repr) {
    return ICMPV4_HEADER_LEN;
}
/**
 * Writes the 8-byte header at `off` and the checksum over it and the `repr.payloadLength`
 * bytes that follow, which must already be in place. Returns the bytes written (8).
 */
export function emitIcmpv4(repr, buf, off) {
    let type;
    let code;
    let rest;
    switch (repr.kind) {
        case 'echo-request':
        case 'echo-reply':
            type = repr.kind === 'echo-request' ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY;
            code = 0;
            rest = (((repr.identifier & 0xffff) << 16) | (repr.sequence & 0xffff)) >>> 0;
            break;
        case 'dest-unreachable':
            type = ICMP_DEST_UNREACHABLE;
            code = repr.code;
            rest = repr.nextHopMtu & 0xffff;
            break;
        case 'time-exceeded':
            type = ICMP_TIME_EXCEEDED;
            code = repr.code;
            rest = 0;
            break;
        case 'other':
            type = repr.type;
            code = repr.code;
            rest = repr.restOfHeader;
            break;
    }
    buf[off] = type;
    buf[off + 1] = code;
    writeU16(buf, off + 2, 0);
    writeU32(buf, off + 4, rest);
    writeU16(buf, off + 2, internetChecksum(buf, off, ICMPV4_HEADER_LEN + repr.payloadLength));
    return ICMPV4_HEADER_LEN;
}
//# sourceMappingURL=icmpv4.js.map