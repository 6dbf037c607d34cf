/**
 * UDP (RFC 768). The header's length field bounds the datagram: `wrap` rejects a length
 * below 8 ('bad-length') or beyond the bytes given ('length-exceeds-buffer'), and the payload
 * is measured by that field, so trailing padding is ignored.
 *
 * The checksum covers an IPv4 pseudo-header, so verifying and filling take the addresses.
 * A zero checksum means "none" on IPv4 (VXLAN senders commonly use it) and verifies; a
 * computed zero is sent as 0xffff.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
import { internetChecksum, internetSum, ipv4PseudoHeaderSum } from './checksum.js';
export const UDP_HEADER_LEN = 8;
export const UDP_PORT_DNS = 53;
export const UDP_PORT_DHCP_SERVER = 67;
export const UDP_PORT_DHCP_CLIENT = 68;
/** IANA port for VXLAN (RFC 7348). */
export const UDP_PORT_VXLAN = 4789;
export const UDP_PORT_GENEVE = 6081;
const IPPROTO_UDP = 17;
function check(b, o, len) {
    if (truncated(b, o, len, UDP_HEADER_LEN))
        return 'truncated';
    const length = readU16(b, o + 4);
    if (length < UDP_HEADER_LEN)
        return 'bad-length';
    if (length > len)
        return 'length-exceeds-buffer';
    return null;
}
/** A reusable zero-copy view of a UDP header. */
export class UdpView extends ByteView {
    /** Points the view at `len` bytes at `off` (the IPv4 payload); returns null or the reason. */
    wrap(buf, off, len) {
        this.pointAt(buf, off, len);
        return check(buf, off, len);
    }
    get srcPort() {
        return readU16(this.bytes, this.start);
    }
    set srcPort(value) {
        writeU16(this.bytes, this.start, value);
    }
    get dstPort() {
        return readU16(this.bytes, this.start + 2);
    }
    set dstPort(value) {
        writeU16(this.bytes, this.start + 2, value);
    }
    /** Length field: header plus payload. */
    get length() {
        return readU16(this.bytes, this.start + 4);
    }
    set length(value) {
        writeU16(this.bytes, this.start + 4, value);
    }
    get checksum() {
        return readU16(this.bytes, this.start + 6);
    }
    set checksum(value) {
        writeU16(this.bytes, this.start + 6, value);
    }
    get headerLength() {
        return UDP_HEADER_LEN;
    }
    get payloadOffset() {
        return this.start + UDP_HEADER_LEN;
    }
    /** Payload bytes by the length field. */
    get payloadLength() {
        return this.length - UDP_HEADER_LEN;
    }
    /** True when the checksum is absent (zero) or verifies against the pseudo-header of `src` and `dst`. */
    checksumOk(src, dst) {
        if (this.checksum === 0)
            return true;
        const length = this.length;
        return internetSum(this.bytes, this.start, length, ipv4PseudoHeaderSum(src, dst, IPPROTO_UDP, length)) === 0xffff;
    }
    /** Computes the checksum over the pseudo-header, header and payload (by the length field). */
    fillChecksum(src, dst) {
        this.checksum = 0;
        const length = this.length;
        this.checksum = internetChecksum(this.bytes, this.start, length, ipv4PseudoHeaderSum(src, dst, IPPROTO_UDP, length)) || 0xffff;
    }
}
export function parseUdp(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    return {
        srcPort: readU16(buf, off),
        dstPort: readU16(buf, off + 2),
        payloadLength: readU16(buf, off + 4) - UDP_HEADER_LEN,
        checksum: readU16(buf, off + 6),
    };
}
export function udpHeaderLen(_repr) {
    return UDP_HEADER_LEN;
}
/**
 * Writes the header at `off`. With `withChecksum` (the default) the checksum covers the
 * pseudo-header of `src`/`dst` and the `repr.payloadLength` bytes after the header, which must
 * already be in place; without it the field is zero. Returns the bytes written (8).
 */
export function emitUdp(repr, buf, off, src, dst, withChecksum = true) {
    const length = UDP_HEADER_LEN + repr.payloadLength;
    writeU16(buf, off, repr.srcPort);
    writeU16(buf, off + 2, repr.dstPort);
    writeU16(buf, off + 4, length);
    writeU16(buf, off + 6, 0);
    if (withChecksum)
        writeU16(buf, off + 6, internetChecksum(buf, off, length, ipv4PseudoHeaderSum(src, dst, IPPROTO_UDP, length)) || 0xffff);
    return UDP_HEADER_LEN;
}
//# sourceMappingURL=udp.js.map