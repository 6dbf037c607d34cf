/**
 * IEEE 802.1Q VLAN tags (TPID 0x8100) and 802.1ad service tags (TPID 0x88a8).
 *
 * A tag sits between the source MAC and the EtherType: TPID (2 bytes), TCI (PCP 3 bits,
 * DEI 1 bit, VID 12 bits), then the EtherType of what follows. The view is placed at the TPID
 * (offset 12 of an untagged-looking frame) and covers TPID, TCI and that inner EtherType, so a
 * tag reads as one self-contained header of `VLAN_HEADER_LEN` bytes whose payload starts after
 * the inner EtherType.
 *
 * Stacked tags overlap by design: in QinQ the outer tag's inner EtherType is the inner tag's
 * TPID, so the inner tag view wraps at `off + VLAN_TAG_LEN`, not at `payloadOffset`.
 * Pushing or popping a tag moves the frame by `VLAN_TAG_LEN` (4) bytes.
 *
 * The view does not insist that the TPID is 0x8100 or 0x88a8: some switches use 0x9100, and
 * the caller chose to decode a tag here because of the EtherType it saw.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
export { ETHERTYPE_VLAN, ETHERTYPE_QINQ } from './ethernet.js';
/** TPID, TCI and inner EtherType: what the view covers and `emitVlan` writes. */
export const VLAN_HEADER_LEN = 6;
/** TPID and TCI: the bytes a tag push inserts or a pop removes. */
export const VLAN_TAG_LEN = 4;
/** Largest VLAN identifier (4095 is reserved, 0 means priority-tagged only). */
export const VLAN_VID_MAX = 4095;
/** A reusable zero-copy view of one VLAN tag, placed at its TPID. */
export class VlanView extends ByteView {
    /** Points the view at `len` bytes at `off` (the TPID); returns null when they hold a tag and an inner EtherType. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return truncated(buf, off, len, VLAN_HEADER_LEN) ? 'truncated' : null;
    }
    /** Tag protocol identifier. */
    get tpid() {
        return readU16(this.bytes, this.start);
    }
    set tpid(value) {
        writeU16(this.bytes, this.start, value);
    }
    /** Tag control information: PCP, DEI and VID as one 16-bit field. */
    get tci() {
        return readU16(this.bytes, this.start + 2);
    }
    set tci(value) {
        writeU16(this.bytes, this.start + 2, value);
    }
    /** Priority code point (802.1p class), 0-7. */
    get pcp() {
        return this.bytes[this.start + 2] >>> 5;
    }
    set pcp(value) {
        this.bytes[this.start + 2] = (this.bytes[this.start + 2] & 0x1f) | ((value & 7) << 5);
    }
    /** Drop eligible indicator. */
    get dei() {
        return (this.bytes[this.start + 2] & 0x10) !== 0;
    }
    set dei(value) {
        const byte = this.bytes[this.start + 2];
        this.bytes[this.start + 2] = value ? byte | 0x10 : byte & 0xef;
    }
    /** VLAN identifier, 0-4095. */
    get vid() {
        return readU16(this.bytes, this.start + 2) & 0x0fff;
    }
    set vid(value) {
        writeU16(this.bytes, this.start + 2, (readU16(this.bytes, this.start + 2) & 0xf000) | (value & 0x0fff));
    }
    /** EtherType after the tag. */
    get innerEtherType() {
        return readU16(this.bytes, this.start + 4);
    }
    set innerEtherType(value) {
        writeU16(this.bytes, this.start + 4, value);
    }
    get headerLength() {
        return VLAN_HEADER_LEN;
    }
    /** Absolute offset of the first byte after the inner EtherType. */
    get payloadOffset() {
        return this.start + VLAN_HEADER_LEN;
    }
    get payloadLength() {
        return this.len - VLAN_HEADER_LEN;
    }
}
export function parseVlan(buf, off, len) {
    if (truncated(buf, off, len, VLAN_HEADER_LEN))
        return { error: 'truncated' };
    const tci = readU16(buf, off + 2);
    return {
        tpid: readU16(buf, off),
        pcp: tci >>> 13,
        dei: (tci & 0x1000) !== 0,
        vid: tci & 0x0fff,
        innerEtherType: readU16(buf, off + 4),
    };
}
export function vlanHeaderLen(_repr) {
    return VLAN_HEADER_LEN;
}
/** Writes TPID, TCI and inner EtherType at `off`; returns the bytes written (6). */
export function emitVlan(repr, buf, off) {
    const tci = ((repr.pcp & 7) << 13) | (repr.dei ? 0x1000 : 0) | (repr.vid & 0x0fff);
    writeU16(buf, off, repr.tpid);
    writeU16(buf, off + 2, tci);
    writeU16(buf, off + 4, repr.innerEtherType);
    return VLAN_HEADER_LEN;
}
//# sourceMappingURL=vlan.js.map