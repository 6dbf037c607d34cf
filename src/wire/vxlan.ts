/**
 * VXLAN headers (RFC 7348 section 5): 8 flag bits of which only I (0x08, "VNI valid") is
 * defined, 24 reserved bits, the 24-bit VNI, 8 more reserved bits. The UDP destination port
 * is 4789; the payload is an inner Ethernet frame.
 *
 * `wrap` rejects a header without the I flag ('vni-flag-not-set'), as RFC 7348 receivers do;
 * the other flag bits and both reserved fields are ignored on receipt but kept readable, so
 * a dissector can show what a peer (a VXLAN-GPE or GBP speaker, say) actually sent.
 */
import { ByteView, readU32, truncated, writeU32 } from './byte-view.js';

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
  if (truncated(b, o, len, VXLAN_HEADER_LEN)) return 'truncated';
  if ((b[o]! & VXLAN_FLAG_I) === 0) return 'vni-flag-not-set';
  return null;
}

/** A reusable zero-copy view of a VXLAN header. */
export class VxlanView extends ByteView<VxlanError> {
  /** Points the view at `len` bytes at `off` (the UDP payload); returns null or the reason. */
  override wrap(buf: Uint8Array, off: number, len: number): VxlanError | null {
    this.pointAt(buf, off, len);
    return check(buf, off, len);
  }

  /** The flags octet. */
  get flags(): number {
    return this.bytes[this.start]!;
  }
  set flags(value: number) {
    this.bytes[this.start] = value;
  }
  /** VXLAN network identifier (24 bits). */
  get vni(): number {
    return readU32(this.bytes, this.start + 4) >>> 8;
  }
  set vni(value: number) {
    // One 32-bit write of the VNI with the reserved byte after it kept as it was.
    writeU32(this.bytes, this.start + 4, (value << 8) | this.bytes[this.start + 7]!);
  }
  /** Reserved bits 8-31. */
  get reserved1(): number {
    return readU32(this.bytes, this.start) & 0xffffff;
  }
  /** Reserved bits 56-63. */
  get reserved2(): number {
    return this.bytes[this.start + 7]!;
  }
  get headerLength(): number {
    return VXLAN_HEADER_LEN;
  }
  /** Absolute offset of the inner Ethernet frame. */
  get payloadOffset(): number {
    return this.start + VXLAN_HEADER_LEN;
  }
  get payloadLength(): number {
    return this.len - VXLAN_HEADER_LEN;
  }
}

export function parseVxlan(buf: Uint8Array, off: number, len: number): VxlanRepr | VxlanDecodeError {
  const error = check(buf, off, len);
  if (error !== null) return { error };
  return {
    flags: buf[off]!,
    vni: readU32(buf, off + 4) >>> 8,
    reserved1: readU32(buf, off) & 0xffffff,
    reserved2: buf[off + 7]!,
  };
}

export function vxlanHeaderLen(_repr?: VxlanRepr): number {
  return VXLAN_HEADER_LEN;
}

/** Writes the 8-byte header at `off`; returns the bytes written. */
export function emitVxlan(repr: VxlanRepr, buf: Uint8Array, off: number): number {
  writeU32(buf, off, ((repr.flags & 0xff) << 24) | (repr.reserved1 & 0xffffff));
  writeU32(buf, off + 4, ((repr.vni & 0xffffff) << 8) | (repr.reserved2 & 0xff));
  return VXLAN_HEADER_LEN;
}
