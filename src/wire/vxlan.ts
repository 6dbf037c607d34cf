/**
 * VXLAN headers (RFC 7348 section 5): 8 flag bits of which only I (0x08, "VNI valid") is
 * defined, 24 reserved bits, the 24-bit VNI, 8 more reserved bits. The UDP destination port
 * is 4789; the payload is an inner Ethernet frame.
 *
 * `wrap` rejects a header without the I flag ('vni-flag-not-set'), as RFC 7348 receivers do;
 * the other flag bits and both reserved fields are ignored on receipt but kept readable, so
 * a dissector can show what a peer (a VXLAN-GPE or GBP speaker, say) actually sent.
 */
export { UDP_PORT_VXLAN } from './udp.js';

export const VXLAN_HEADER_LEN = 8;
/** The I flag: the VNI field is valid. */
export const VXLAN_FLAG_I = 0x08;
export const VXLAN_VNI_MAX = 0xffffff;

export type VxlanError =
  /** Fewer than 8 bytes. */
  | 'truncated'
  /** The I flag (0x08) is clear, so the header carries no valid VNI. */
  | 'vni-flag-not-set';
export interface VxlanDecodeError {
  readonly error: VxlanError;
}

/** What a VXLAN header means; the input of `emitVxlan`. */
export interface VxlanRepr {
  /** The flags octet; VXLAN_FLAG_I for a plain RFC 7348 header. */
  readonly flags: number;
  /** VXLAN network identifier, 24 bits. */
  readonly vni: number;
  /** The 24 reserved bits after the flags (zero on transmission per RFC 7348). */
  readonly reserved1: number;
  /** The 8 reserved bits after the VNI. */
  readonly reserved2: number;
}

function check(b: Uint8Array, o: number, len: number): VxlanError | null {
  if (o < 0 || len < VXLAN_HEADER_LEN || len > b.length - o) return 'truncated';
  if ((b[o]! & VXLAN_FLAG_I) === 0) return 'vni-flag-not-set';
  return null;
}

/** A reusable zero-copy view of a VXLAN header. */
export class VxlanView {
  #b: Uint8Array = new Uint8Array(0);
  #o = 0;
  #len = 0;

  /** Points the view at `len` bytes at `off` (the UDP payload); returns null or the reason. */
  wrap(buf: Uint8Array, off: number, len: number): VxlanError | null {
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
  /** The flags octet. */
  get flags(): number {
    return this.#b[this.#o]!;
  }
  set flags(value: number) {
    this.#b[this.#o] = value;
  }
  /** VXLAN network identifier (24 bits). */
  get vni(): number {
    const b = this.#b;
    const o = this.#o + 4;
    return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }
  set vni(value: number) {
    const o = this.#o + 4;
    this.#b[o] = value >>> 16;
    this.#b[o + 1] = value >>> 8;
    this.#b[o + 2] = value;
  }
  /** Reserved bits 8-31. */
  get reserved1(): number {
    const b = this.#b;
    const o = this.#o + 1;
    return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
  }
  /** Reserved bits 56-63. */
  get reserved2(): number {
    return this.#b[this.#o + 7]!;
  }
  get headerLength(): number {
    return VXLAN_HEADER_LEN;
  }
  /** Absolute offset of the inner Ethernet frame. */
  get payloadOffset(): number {
    return this.#o + VXLAN_HEADER_LEN;
  }
  get payloadLength(): number {
    return this.#len - VXLAN_HEADER_LEN;
  }
}

export function parseVxlan(buf: Uint8Array, off: number, len: number): VxlanRepr | VxlanDecodeError {
  const error = check(buf, off, len);
  if (error !== null) return { error };
  return {
    flags: buf[off]!,
    vni: (buf[off + 4]! << 16) | (buf[off + 5]! << 8) | buf[off + 6]!,
    reserved1: (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!,
    reserved2: buf[off + 7]!,
  };
}

export function vxlanHeaderLen(_repr?: VxlanRepr): number {
  return VXLAN_HEADER_LEN;
}

/** Writes the 8-byte header at `off`; returns the bytes written. */
export function emitVxlan(repr: VxlanRepr, buf: Uint8Array, off: number): number {
  buf[off] = repr.flags;
  buf[off + 1] = repr.reserved1 >>> 16;
  buf[off + 2] = repr.reserved1 >>> 8;
  buf[off + 3] = repr.reserved1;
  buf[off + 4] = repr.vni >>> 16;
  buf[off + 5] = repr.vni >>> 8;
  buf[off + 6] = repr.vni;
  buf[off + 7] = repr.reserved2;
  return VXLAN_HEADER_LEN;
}
