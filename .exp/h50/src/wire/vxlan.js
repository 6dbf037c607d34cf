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
function check(b, o, len) {
    if (truncated(b, o, len, VXLAN_HEADER_LEN))
        return 'truncated';
    if ((b[o] & VXLAN_FLAG_I) === 0)
        return 'vni-flag-not-set';
    return null;
}
/** A reusable zero-copy view of a VXLAN header. */
export class VxlanView extends ByteView {
    /** Points the view at `len` bytes at `off` (the UDP payload); returns null or the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return check(buf, off, len);
    }
    /** The flags octet. */
    get flags() {
        return this.bytes[this.start];
    }
    set flags(value) {
        this.bytes[this.start] = value;
    }
    /** VXLAN network identifier (24 bits). */
    get vni() {
        return readU32(this.bytes, this.start + 4) >>> 8;
    }
    set vni(value) {
        // One 32-bit write of the VNI with the reserved byte after it kept as it was.
        writeU32(this.bytes, this.start + 4, (value << 8) | this.bytes[this.start + 7]);
    }
    /** Reserved bits 8-31. */
    get reserved1() {
        return readU32(this.bytes, this.start) & 0xffffff;
    }
    /** Reserved bits 56-63. */
    get reserved2() {
        return this.bytes[this.start + 7];
    }
    get headerLength() {
        return VXLAN_HEADER_LEN;
    }
    /** Absolute offset of the inner Ethernet frame. */
    get payloadOffset() {
        return this.start + VXLAN_HEADER_LEN;
    }
    get payloadLength() {
        return this.len - VXLAN_HEADER_LEN;
    }
}
export function parseVxlan(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    return {
        flags: buf[off],
        vni: readU32(buf, off + 4) >>> 8,
        reserved1: readU32(buf, off) & 0xffffff,
        reserved2: buf[off + 7],
    };
}
export function vxlanHeaderLen(_repr) {
    return VXLAN_HEADER_LEN;
}
/** Writes the 8-byte header at `off`; returns the bytes written. */
export function emitVxlan(repr, buf, off) {
    writeU32(buf, off, ((repr.flags & 0xff) << 24) | (repr.reserved1 & 0xffffff));
    writeU32(buf, off + 4, ((repr.vni & 0xffffff) << 8) | (repr.reserved2 & 0xff));
    return VXLAN_HEADER_LEN;
}
//# sourceMappingURL=vxlan.js.map