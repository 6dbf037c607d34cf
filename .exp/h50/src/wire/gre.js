/**
 * GRE (RFC 2784) with the key and sequence number extensions (RFC 2890).
 *
 * The first 16 bits are C (checksum present), R (routing, RFC 1701), K (key present),
 * S (sequence present), nine more bits RFC 2784 reserves, and a 3-bit version. Then the
 * protocol type (an EtherType: 0x0800 for IPv4, 0x6558 for Ethernet), then in this order the
 * optional checksum + reserved1 (4 bytes), key (4) and sequence number (4).
 *
 * `wrap` rejects a version other than 0 ('unsupported-version': version 1 is PPTP's enhanced
 * GRE, a different layout) and the RFC 1701 routing bit ('routing-present': without parsing
 * source routes the payload cannot be found). The other reserved bits are kept as
 * `reserved0` and ignored, as RFC 2784 allows for RFC 1701 compatibility.
 */
import { ByteView, readU16, readU32, truncated, writeU16, writeU32 } from './byte-view.js';
import { internetChecksum, internetSum } from './checksum.js';
export const GRE_MIN_HEADER_LEN = 4;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_ROUTING = 0x4000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
const RESERVED0_MASK = 0x0ff8;
function lengthFor(word) {
    return (GRE_MIN_HEADER_LEN +
        ((word & GRE_FLAG_CHECKSUM) !== 0 ? 4 : 0) +
        ((word & GRE_FLAG_KEY) !== 0 ? 4 : 0) +
        ((word & GRE_FLAG_SEQUENCE) !== 0 ? 4 : 0));
}
function check(b, o, len) {
    if (truncated(b, o, len, GRE_MIN_HEADER_LEN))
        return 'truncated';
    const word = readU16(b, o);
    if ((word & 7) !== 0)
        return 'unsupported-version';
    if ((word & GRE_FLAG_ROUTING) !== 0)
        return 'routing-present';
    if (lengthFor(word) > len)
        return 'truncated';
    return null;
}
/** A reusable zero-copy view of a GRE header. Absent optional fields read as 0 and ignore writes. */
export class GreView extends ByteView {
    /** Points the view at `len` bytes at `off` (the IPv4 payload); returns null or the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return check(buf, off, len);
    }
    /** The first 16 bits: flags, reserved bits and version. */
    get flagsAndVersion() {
        return readU16(this.bytes, this.start);
    }
    get checksumPresent() {
        return (this.bytes[this.start] & 0x80) !== 0;
    }
    get keyPresent() {
        return (this.bytes[this.start] & 0x20) !== 0;
    }
    get sequencePresent() {
        return (this.bytes[this.start] & 0x10) !== 0;
    }
    /** Version field (0 after a successful wrap). */
    get version() {
        return this.bytes[this.start + 1] & 7;
    }
    /** Reserved bits 4-12. */
    get reserved0() {
        return (readU16(this.bytes, this.start) & RESERVED0_MASK) >>> 3;
    }
    /** Payload protocol as an EtherType. */
    get protocolType() {
        return readU16(this.bytes, this.start + 2);
    }
    set protocolType(value) {
        writeU16(this.bytes, this.start + 2, value);
    }
    /** Checksum field, 0 when absent. */
    get checksum() {
        return this.checksumPresent ? readU16(this.bytes, this.start + 4) : 0;
    }
    set checksum(value) {
        if (this.checksumPresent)
            writeU16(this.bytes, this.start + 4, value);
    }
    /** Key (uint32), 0 when absent. */
    get key() {
        return this.keyPresent ? readU32(this.bytes, this.#keyOffset()) : 0;
    }
    set key(value) {
        if (this.keyPresent)
            writeU32(this.bytes, this.#keyOffset(), value);
    }
    /** Sequence number (uint32), 0 when absent. */
    get sequence() {
        return this.sequencePresent ? readU32(this.bytes, this.start + this.headerLength - 4) : 0;
    }
    set sequence(value) {
        if (this.sequencePresent)
            writeU32(this.bytes, this.start + this.headerLength - 4, value);
    }
    get headerLength() {
        return lengthFor(readU16(this.bytes, this.start));
    }
    get payloadOffset() {
        return this.start + this.headerLength;
    }
    get payloadLength() {
        return this.len - this.headerLength;
    }
    /** True when the checksum over header and payload verifies, or when there is none. */
    get checksumOk() {
        return !this.checksumPresent || internetSum(this.bytes, this.start, this.len) === 0xffff;
    }
    /** Recomputes the checksum over header and payload (no-op without the C bit). */
    fillChecksum() {
        if (!this.checksumPresent)
            return;
        this.checksum = 0;
        this.checksum = internetChecksum(this.bytes, this.start, this.len);
    }
    #keyOffset() {
        return this.start + (this.checksumPresent ? 8 : 4);
    }
}
export function parseGre(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    const word = readU16(buf, off);
    const checksumPresent = (word & GRE_FLAG_CHECKSUM) !== 0;
    let at = off + 4;
    let checksum = null;
    if (checksumPresent) {
        checksum = readU16(buf, at);
        at += 4;
    }
    let key = null;
    if ((word & GRE_FLAG_KEY) !== 0) {
        key = readU32(buf, at);
        at += 4;
    }
    let sequence = null;
    if ((word & GRE_FLAG_SEQUENCE) !== 0) {
        sequence = readU32(buf, at);
        at += 4;
    }
    const headerLength = at - off;
    return {
        protocolType: readU16(buf, off + 2),
        checksumPresent,
        key,
        sequence,
        reserved0: (word & RESERVED0_MASK) >>> 3,
        payloadLength: len - headerLength,
        headerLength,
        checksum,
        checksumOk: !checksumPresent || internetSum(buf, off, len) === 0xffff,
    };
}
/** Header length `emitGre` writes: 4, plus 4 for each of checksum, key and sequence present. */
export function greHeaderLen(repr) {
    return GRE_MIN_HEADER_LEN + (repr.checksumPresent ? 4 : 0) + (repr.key !== null ? 4 : 0) + (repr.sequence !== null ? 4 : 0);
}
/**
 * Writes the header at `off` (version 0); with `checksumPresent` the checksum covers the
 * header and the `repr.payloadLength` bytes after it, which must already be in place.
 * Returns the header length.
 */
export function emitGre(repr, buf, off) {
    const word = (repr.checksumPresent ? GRE_FLAG_CHECKSUM : 0) |
        (repr.key !== null ? GRE_FLAG_KEY : 0) |
        (repr.sequence !== null ? GRE_FLAG_SEQUENCE : 0) |
        ((repr.reserved0 << 3) & RESERVED0_MASK);
    writeU16(buf, off, word);
    writeU16(buf, off + 2, repr.protocolType);
    let at = off + 4;
    if (repr.checksumPresent) {
        writeU32(buf, at, 0);
        at += 4;
    }
    if (repr.key !== null) {
        writeU32(buf, at, repr.key);
        at += 4;
    }
    if (repr.sequence !== null) {
        writeU32(buf, at, repr.sequence);
        at += 4;
    }
    const hlen = at - off;
    if (repr.checksumPresent) {
        writeU16(buf, off + 4, internetChecksum(buf, off, hlen + repr.payloadLength));
    }
    return hlen;
}
//# sourceMappingURL=gre.js.map