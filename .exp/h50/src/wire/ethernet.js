/**
 * Ethernet II frames (IEEE 802.3 clause 3.2.6 type interpretation): destination, source,
 * EtherType. The view accepts any buffer of at least 14 bytes, so padded minimum-size frames
 * pass; an EtherType below 0x0600 is an 802.3 length field and is kept as a number like any
 * unknown type. The frame check sequence is not part of the buffer.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
import { readMac, writeMac } from './mac.js';
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** 802.1Q customer VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service VLAN tag (QinQ outer tag). */
export const ETHERTYPE_QINQ = 0x88a8;
/** Transparent Ethernet bridging: an Ethernet frame carried inside GRE (or NVGRE). */
export const ETHERTYPE_TEB = 0x6558;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_LLDP = 0x88cc;
/** Destination, source and EtherType. */
export const ETHERNET_HEADER_LEN = 14;
/** Smallest frame on the wire without the FCS: shorter frames are padded up to it. */
export const ETHERNET_MIN_FRAME_LEN = 60;
/** A reusable zero-copy view of an Ethernet header. */
export class EthernetView extends ByteView {
    /** Points the view at `len` bytes at `off`; returns null when they hold an Ethernet header, else the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return truncated(buf, off, len, ETHERNET_HEADER_LEN) ? 'truncated' : null;
    }
    /** Destination address (48-bit number). */
    get dst() {
        return readMac(this.bytes, this.start);
    }
    set dst(mac) {
        writeMac(this.bytes, this.start, mac);
    }
    /** Source address (48-bit number). */
    get src() {
        return readMac(this.bytes, this.start + 6);
    }
    set src(mac) {
        writeMac(this.bytes, this.start + 6, mac);
    }
    /** EtherType field. */
    get etherType() {
        return readU16(this.bytes, this.start + 12);
    }
    set etherType(value) {
        writeU16(this.bytes, this.start + 12, value);
    }
    get headerLength() {
        return ETHERNET_HEADER_LEN;
    }
    /** Absolute offset in `buf` of the first byte after the header. */
    get payloadOffset() {
        return this.start + ETHERNET_HEADER_LEN;
    }
    /** Bytes after the header (padding included: Ethernet has no length of its own). */
    get payloadLength() {
        return this.len - ETHERNET_HEADER_LEN;
    }
}
export function parseEthernet(buf, off, len) {
    if (truncated(buf, off, len, ETHERNET_HEADER_LEN))
        return { error: 'truncated' };
    return { dst: readMac(buf, off), src: readMac(buf, off + 6), etherType: readU16(buf, off + 12) };
}
export function ethernetHeaderLen(_repr) {
    return ETHERNET_HEADER_LEN;
}
/** Writes the 14-byte header at `off`; returns the bytes written. */
export function emitEthernet(repr, buf, off) {
    writeMac(buf, off, repr.dst);
    writeMac(buf, off + 6, repr.src);
    writeU16(buf, off + 12, repr.etherType);
    return ETHERNET_HEADER_LEN;
}
//# sourceMappingURL=ethernet.js.map