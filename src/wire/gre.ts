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
import { internetChecksum, internetSum } from './checksum.js';

export const GRE_MIN_HEADER_LEN = 4;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_ROUTING = 0x4000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
const RESERVED0_MASK = 0x0ff8;

export type GreError =
  /** Fewer than 4 bytes, or fewer than the flags say the header holds. */
  | 'truncated'
  /** Version field is not 0. */
  | 'unsupported-version'
  /** The RFC 1701 routing bit is set. */
  | 'routing-present';
export interface GreDecodeError {
  readonly error: GreError;
}

/** What a GRE header means; the input of `emitGre`. */
export interface GreRepr {
  /** Payload protocol as an EtherType (ETHERTYPE_IPV4, ETHERTYPE_TEB...). */
  readonly protocolType: number;
  /** Whether a checksum over header and payload is present. */
  readonly checksumPresent: boolean;
  /** The key (RFC 2890), or null when absent. */
  readonly key: number | null;
  /** The sequence number (RFC 2890), or null when absent. */
  readonly sequence: number | null;
  /** The nine reserved bits between S and the version (bits 4-12), normally zero. */
  readonly reserved0: number;
  /** Bytes after the header; the checksum covers them. */
  readonly payloadLength: number;
}
/** What `parseGre` returns: the repr plus the header length and the checksum as received. */
export interface GreParsed extends GreRepr {
  readonly headerLength: number;
  /** The checksum field, or null when absent. */
  readonly checksum: number | null;
  /** True when the checksum verifies or is absent. */
  readonly checksumOk: boolean;
}

function lengthFor(word: number): number {
  return (
    GRE_MIN_HEADER_LEN +
    ((word & GRE_FLAG_CHECKSUM) !== 0 ? 4 : 0) +
    ((word & GRE_FLAG_KEY) !== 0 ? 4 : 0) +
    ((word & GRE_FLAG_SEQUENCE) !== 0 ? 4 : 0)
  );
}

function check(b: Uint8Array, o: number, len: number): GreError | null {
  if (o < 0 || len < GRE_MIN_HEADER_LEN || len > b.length - o) return 'truncated';
  const word = (b[o]! << 8) | b[o + 1]!;
  if ((word & 7) !== 0) return 'unsupported-version';
  if ((word & GRE_FLAG_ROUTING) !== 0) return 'routing-present';
  if (lengthFor(word) > len) return 'truncated';
  return null;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** A reusable zero-copy view of a GRE header. Absent optional fields read as 0 and ignore writes. */
export class GreView {
  #b: Uint8Array = new Uint8Array(0);
  #o = 0;
  #len = 0;

  /** Points the view at `len` bytes at `off` (the IPv4 payload); returns null or the reason. */
  wrap(buf: Uint8Array, off: number, len: number): GreError | null {
    this.#b = buf;
    this.#o = off;
    this.#len = len;
    return check(buf, off, len);
  }

  get buf(): Uint8Array {
    return this.#b;
  }
  get offset(): number {
    return this.#o;
  }
  /** The first 16 bits: flags, reserved bits and version. */
  get flagsAndVersion(): number {
    return (this.#b[this.#o]! << 8) | this.#b[this.#o + 1]!;
  }
  get checksumPresent(): boolean {
    return (this.#b[this.#o]! & 0x80) !== 0;
  }
  get keyPresent(): boolean {
    return (this.#b[this.#o]! & 0x20) !== 0;
  }
  get sequencePresent(): boolean {
    return (this.#b[this.#o]! & 0x10) !== 0;
  }
  /** Version field (0 after a successful wrap). */
  get version(): number {
    return this.#b[this.#o + 1]! & 7;
  }
  /** Reserved bits 4-12. */
  get reserved0(): number {
    return (this.flagsAndVersion & RESERVED0_MASK) >>> 3;
  }
  /** Payload protocol as an EtherType. */
  get protocolType(): number {
    return (this.#b[this.#o + 2]! << 8) | this.#b[this.#o + 3]!;
  }
  set protocolType(value: number) {
    this.#b[this.#o + 2] = value >>> 8;
    this.#b[this.#o + 3] = value;
  }
  /** Checksum field, 0 when absent. */
  get checksum(): number {
    if (!this.checksumPresent) return 0;
    return (this.#b[this.#o + 4]! << 8) | this.#b[this.#o + 5]!;
  }
  set checksum(value: number) {
    if (!this.checksumPresent) return;
    this.#b[this.#o + 4] = value >>> 8;
    this.#b[this.#o + 5] = value;
  }
  /** Key (uint32), 0 when absent. */
  get key(): number {
    return this.keyPresent ? u32(this.#b, this.#keyOffset()) : 0;
  }
  set key(value: number) {
    if (this.keyPresent) writeU32(this.#b, this.#keyOffset(), value);
  }
  /** Sequence number (uint32), 0 when absent. */
  get sequence(): number {
    return this.sequencePresent ? u32(this.#b, this.#o + this.headerLength - 4) : 0;
  }
  set sequence(value: number) {
    if (this.sequencePresent) writeU32(this.#b, this.#o + this.headerLength - 4, value);
  }
  get headerLength(): number {
    return lengthFor(this.flagsAndVersion);
  }
  get payloadOffset(): number {
    return this.#o + this.headerLength;
  }
  get payloadLength(): number {
    return this.#len - this.headerLength;
  }
  /** True when the checksum over header and payload verifies, or when there is none. */
  get checksumOk(): boolean {
    return !this.checksumPresent || internetSum(this.#b, this.#o, this.#len) === 0xffff;
  }
  /** Recomputes the checksum over header and payload (no-op without the C bit). */
  fillChecksum(): void {
    if (!this.checksumPresent) return;
    this.checksum = 0;
    this.checksum = internetChecksum(this.#b, this.#o, this.#len);
  }

  #keyOffset(): number {
    return this.#o + (this.checksumPresent ? 8 : 4);
  }
}

export function parseGre(buf: Uint8Array, off: number, len: number): GreParsed | GreDecodeError {
  const error = check(buf, off, len);
  if (error !== null) return { error };
  const word = (buf[off]! << 8) | buf[off + 1]!;
  const checksumPresent = (word & GRE_FLAG_CHECKSUM) !== 0;
  let at = off + 4;
  let checksum: number | null = null;
  if (checksumPresent) {
    checksum = (buf[at]! << 8) | buf[at + 1]!;
    at += 4;
  }
  let key: number | null = null;
  if ((word & GRE_FLAG_KEY) !== 0) {
    key = u32(buf, at);
    at += 4;
  }
  let sequence: number | null = null;
  if ((word & GRE_FLAG_SEQUENCE) !== 0) {
    sequence = u32(buf, at);
    at += 4;
  }
  const headerLength = at - off;
  return {
    protocolType: (buf[off + 2]! << 8) | buf[off + 3]!,
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
export function greHeaderLen(repr: GreRepr): number {
  return GRE_MIN_HEADER_LEN + (repr.checksumPresent ? 4 : 0) + (repr.key !== null ? 4 : 0) + (repr.sequence !== null ? 4 : 0);
}

/**
 * Writes the header at `off` (version 0); with `checksumPresent` the checksum covers the
 * header and the `repr.payloadLength` bytes after it, which must already be in place.
 * Returns the header length.
 */
export function emitGre(repr: GreRepr, buf: Uint8Array, off: number): number {
  const word =
    (repr.checksumPresent ? GRE_FLAG_CHECKSUM : 0) |
    (repr.key !== null ? GRE_FLAG_KEY : 0) |
    (repr.sequence !== null ? GRE_FLAG_SEQUENCE : 0) |
    ((repr.reserved0 << 3) & RESERVED0_MASK);
  buf[off] = word >>> 8;
  buf[off + 1] = word;
  buf[off + 2] = repr.protocolType >>> 8;
  buf[off + 3] = repr.protocolType;
  let at = off + 4;
  if (repr.checksumPresent) {
    buf[at] = 0;
    buf[at + 1] = 0;
    buf[at + 2] = 0;
    buf[at + 3] = 0;
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
    const sum = internetChecksum(buf, off, hlen + repr.payloadLength);
    buf[off + 4] = sum >>> 8;
    buf[off + 5] = sum;
  }
  return hlen;
}
