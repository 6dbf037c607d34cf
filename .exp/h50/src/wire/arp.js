/**
 * ARP for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair vnet speaks.
 * The view rejects other pairs with a reason rather than misreading their addresses;
 * operation codes other than request and reply (RARP, InARP...) are kept as numbers.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
import { readMac, writeMac } from './mac.js';
import { readIpv4Addr, writeIpv4Addr } from './ipv4-addr.js';
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;
/** An Ethernet/IPv4 ARP packet: 8 fixed bytes plus two (MAC, IPv4) pairs. */
export const ARP_LEN = 28;
function check(buf, off, len) {
    if (truncated(buf, off, len, ARP_LEN))
        return 'truncated';
    if (buf[off] !== 0 || buf[off + 1] !== ARP_HTYPE_ETHERNET || buf[off + 4] !== 6)
        return 'unsupported-hardware';
    if (buf[off + 2] !== 0x08 || buf[off + 3] !== 0x00 || buf[off + 5] !== 4)
        return 'unsupported-protocol';
    return null;
}
/** A reusable zero-copy view of an Ethernet/IPv4 ARP packet. */
export class ArpView extends ByteView {
    /** Points the view at `len` bytes at `off`; returns null for an Ethernet/IPv4 ARP packet, else the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return check(buf, off, len);
    }
    /** Hardware type (always 1 after a successful wrap). */
    get hardwareType() {
        return readU16(this.bytes, this.start);
    }
    /** Protocol type (always 0x0800 after a successful wrap). */
    get protocolType() {
        return readU16(this.bytes, this.start + 2);
    }
    /** Operation code. */
    get op() {
        return readU16(this.bytes, this.start + 6);
    }
    set op(value) {
        writeU16(this.bytes, this.start + 6, value);
    }
    get senderMac() {
        return readMac(this.bytes, this.start + 8);
    }
    set senderMac(mac) {
        writeMac(this.bytes, this.start + 8, mac);
    }
    get senderIp() {
        return readIpv4Addr(this.bytes, this.start + 14);
    }
    set senderIp(addr) {
        writeIpv4Addr(this.bytes, this.start + 14, addr);
    }
    get targetMac() {
        return readMac(this.bytes, this.start + 18);
    }
    set targetMac(mac) {
        writeMac(this.bytes, this.start + 18, mac);
    }
    get targetIp() {
        return readIpv4Addr(this.bytes, this.start + 24);
    }
    set targetIp(addr) {
        writeIpv4Addr(this.bytes, this.start + 24, addr);
    }
    get headerLength() {
        return ARP_LEN;
    }
    /** ARP has no payload: this is where the Ethernet padding starts. */
    get payloadOffset() {
        return this.start + ARP_LEN;
    }
    /** Trailing bytes after the ARP packet (Ethernet padding). */
    get payloadLength() {
        return this.len - ARP_LEN;
    }
}
export function parseArp(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    return {
        op: readU16(buf, off + 6),
        senderMac: readMac(buf, off + 8),
        senderIp: readIpv4Addr(buf, off + 14),
        targetMac: readMac(buf, off + 18),
        targetIp: readIpv4Addr(buf, off + 24),
    };
}
export function arpHeaderLen(_repr) {
    return ARP_LEN;
}
/** Writes the 28-byte Ethernet/IPv4 ARP packet at `off`; returns the bytes written. */
export function emitArp(repr, buf, off) {
    buf[off] = 0;
    buf[off + 1] = ARP_HTYPE_ETHERNET;
    buf[off + 2] = ARP_PTYPE_IPV4 >>> 8;
    buf[off + 3] = ARP_PTYPE_IPV4 & 0xff;
    buf[off + 4] = 6;
    buf[off + 5] = 4;
    writeU16(buf, off + 6, repr.op);
    writeMac(buf, off + 8, repr.senderMac);
    writeIpv4Addr(buf, off + 14, repr.senderIp);
    writeMac(buf, off + 18, repr.targetMac);
    writeIpv4Addr(buf, off + 24, repr.targetIp);
    return ARP_LEN;
}
//# sourceMappingURL=arp.js.map