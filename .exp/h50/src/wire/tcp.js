/**
 * TCP headers (RFC 9293) and options: End of Option List, NOP, MSS (RFC 9293), window scale
 * and timestamps (RFC 7323), SACK-permitted and SACK blocks (RFC 2018); other kinds kept raw.
 *
 * `wrap` checks that the data offset is at least 5 ('bad-data-offset') and that the whole
 * header is present ('truncated'). TCP has no length field, so `wrap` must be given the IPv4
 * payload length: the segment is exactly `len` bytes and the checksum covers all of them.
 * Options stay bytes in the view (`findOption` walks them without allocating, for MSS
 * clamping and the like); `parseTcp` decodes them and reports a malformed list ('bad-option').
 */
import { ByteView, readU16, readU32, truncated, writeU16, writeU32 } from './byte-view.js';
import { internetChecksum, internetSum, ipv4PseudoHeaderSum } from './checksum.js';
export const TCP_MIN_HEADER_LEN = 20;
export const TCP_MAX_HEADER_LEN = 60;
/** Flag bits as they sit in the 9-bit flags field. */
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
/** ECN nonce (RFC 3540, historic); kept because it shares the byte with the data offset. */
export const TCP_NS = 0x100;
export const TCP_OPT_EOL = 0;
export const TCP_OPT_NOP = 1;
export const TCP_OPT_MSS = 2;
export const TCP_OPT_WINDOW_SCALE = 3;
export const TCP_OPT_SACK_PERMITTED = 4;
export const TCP_OPT_SACK = 5;
export const TCP_OPT_TIMESTAMPS = 8;
const IPPROTO_TCP = 6;
function check(b, o, len) {
    if (truncated(b, o, len, TCP_MIN_HEADER_LEN))
        return 'truncated';
    const hlen = (b[o + 12] >>> 4) << 2;
    if (hlen < TCP_MIN_HEADER_LEN)
        return 'bad-data-offset';
    if (hlen > len)
        return 'truncated';
    return null;
}
/** A reusable zero-copy view of a TCP header. */
export class TcpView extends ByteView {
    /** Points the view at the `len`-byte segment at `off` (the IPv4 payload); returns null or the reason. */
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
    /** Sequence number (uint32). */
    get seq() {
        return readU32(this.bytes, this.start + 4);
    }
    set seq(value) {
        writeU32(this.bytes, this.start + 4, value);
    }
    /** Acknowledgment number (uint32). */
    get ack() {
        return readU32(this.bytes, this.start + 8);
    }
    set ack(value) {
        writeU32(this.bytes, this.start + 8, value);
    }
    /** Data offset in 32-bit words. */
    get dataOffset() {
        return this.bytes[this.start + 12] >>> 4;
    }
    /** Header length in bytes (data offset * 4). */
    get headerLength() {
        return (this.bytes[this.start + 12] >>> 4) << 2;
    }
    /** The 9 flag bits (TCP_FIN...TCP_NS). */
    get flags() {
        return readU16(this.bytes, this.start + 12) & 0x1ff;
    }
    set flags(value) {
        writeU16(this.bytes, this.start + 12, (readU16(this.bytes, this.start + 12) & 0xf000) | (value & 0x1ff));
    }
    get fin() {
        return (this.bytes[this.start + 13] & TCP_FIN) !== 0;
    }
    get syn() {
        return (this.bytes[this.start + 13] & TCP_SYN) !== 0;
    }
    get rst() {
        return (this.bytes[this.start + 13] & TCP_RST) !== 0;
    }
    get psh() {
        return (this.bytes[this.start + 13] & TCP_PSH) !== 0;
    }
    get ackFlag() {
        return (this.bytes[this.start + 13] & TCP_ACK) !== 0;
    }
    get urg() {
        return (this.bytes[this.start + 13] & TCP_URG) !== 0;
    }
    get window() {
        return readU16(this.bytes, this.start + 14);
    }
    set window(value) {
        writeU16(this.bytes, this.start + 14, value);
    }
    get checksum() {
        return readU16(this.bytes, this.start + 16);
    }
    set checksum(value) {
        writeU16(this.bytes, this.start + 16, value);
    }
    get urgentPointer() {
        return readU16(this.bytes, this.start + 18);
    }
    set urgentPointer(value) {
        writeU16(this.bytes, this.start + 18, value);
    }
    /** Absolute offset of the options. */
    get optionsOffset() {
        return this.start + TCP_MIN_HEADER_LEN;
    }
    get optionsLength() {
        return this.headerLength - TCP_MIN_HEADER_LEN;
    }
    get payloadOffset() {
        return this.start + this.headerLength;
    }
    get payloadLength() {
        return this.len - this.headerLength;
    }
    /**
     * Absolute offset of the first option of `kind` (its kind byte), or -1 when absent or the
     * list is malformed before it. The option's own length is at the returned offset + 1.
     */
    findOption(kind) {
        const b = this.bytes;
        const end = this.start + this.headerLength;
        let i = this.start + TCP_MIN_HEADER_LEN;
        while (i < end) {
            const k = b[i];
            if (k === TCP_OPT_EOL)
                return -1;
            if (k === TCP_OPT_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end)
                return -1;
            const optLen = b[i + 1];
            if (optLen < 2 || i + optLen > end)
                return -1;
            if (k === kind)
                return i;
            i += optLen;
        }
        return -1;
    }
    /** True when the checksum verifies over the pseudo-header of `src`/`dst` and the whole segment. */
    checksumOk(src, dst) {
        return internetSum(this.bytes, this.start, this.len, ipv4PseudoHeaderSum(src, dst, IPPROTO_TCP, this.len)) === 0xffff;
    }
    /** Computes the checksum over the pseudo-header and the whole segment. */
    fillChecksum(src, dst) {
        this.checksum = 0;
        this.checksum = internetChecksum(this.bytes, this.start, this.len, ipv4PseudoHeaderSum(src, dst, IPPROTO_TCP, this.len));
    }
}
/** Decodes the option list in [start, end); returns null when it is malformed. */
function parseOptions(b, start, end) {
    const out = [];
    let i = start;
    while (i < end) {
        const kind = b[i];
        if (kind === TCP_OPT_EOL) {
            out.push({ kind: 'eol' });
            return out;
        }
        if (kind === TCP_OPT_NOP) {
            out.push({ kind: 'nop' });
            i++;
            continue;
        }
        if (i + 1 >= end)
            return null;
        const len = b[i + 1];
        if (len < 2 || i + len > end)
            return null;
        switch (kind) {
            case TCP_OPT_MSS:
                if (len !== 4)
                    return null;
                out.push({ kind: 'mss', mss: readU16(b, i + 2) });
                break;
            case TCP_OPT_WINDOW_SCALE:
                if (len !== 3)
                    return null;
                out.push({ kind: 'window-scale', shift: b[i + 2] });
                break;
            case TCP_OPT_SACK_PERMITTED:
                if (len !== 2)
                    return null;
                out.push({ kind: 'sack-permitted' });
                break;
            case TCP_OPT_SACK: {
                if (len < 10 || (len - 2) % 8 !== 0)
                    return null;
                const blocks = [];
                for (let j = i + 2; j < i + len; j += 8)
                    blocks.push({ left: readU32(b, j), right: readU32(b, j + 4) });
                out.push({ kind: 'sack', blocks });
                break;
            }
            case TCP_OPT_TIMESTAMPS:
                if (len !== 10)
                    return null;
                out.push({ kind: 'timestamps', value: readU32(b, i + 2), echo: readU32(b, i + 6) });
                break;
            default:
                out.push({ kind: 'unknown', type: kind, data: b.slice(i + 2, i + len) });
        }
        i += len;
    }
    return out;
}
export function parseTcp(buf, off, len) {
    const error = check(buf, off, len);
    if (error !== null)
        return { error };
    const headerLength = (buf[off + 12] >>> 4) << 2;
    const options = parseOptions(buf, off + TCP_MIN_HEADER_LEN, off + headerLength);
    if (options === null)
        return { error: 'bad-option' };
    return {
        srcPort: readU16(buf, off),
        dstPort: readU16(buf, off + 2),
        seq: readU32(buf, off + 4),
        ack: readU32(buf, off + 8),
        flags: readU16(buf, off + 12) & 0x1ff,
        window: readU16(buf, off + 14),
        urgentPointer: readU16(buf, off + 18),
        options,
        payloadLength: len - headerLength,
        headerLength,
        checksum: readU16(buf, off + 16),
    };
}
function optionLen(opt) {
    switch (opt.kind) {
        case 'eol':
        case 'nop':
            return 1;
        case 'mss':
            return 4;
        case 'window-scale':
            return 3;
        case 'sack-permitted':
            return 2;
        case 'sack':
            return 2 + 8 * opt.blocks.length;
        case 'timestamps':
            return 10;
        case 'unknown':
            return 2 + opt.data.length;
    }
}
/** Header length `emitTcp` writes: 20 plus the options padded to a multiple of 4. */
export function tcpHeaderLen(repr) {
    let n = 0;
    for (const opt of repr.options)
        n += optionLen(opt);
    return TCP_MIN_HEADER_LEN + ((n + 3) & ~3);
}
/**
 * Writes the header and options at `off` and the checksum over the pseudo-header of
 * `src`/`dst`, the header and the `repr.payloadLength` bytes after it, which must already be
 * in place. Returns the header length. Throws when the options exceed 40 bytes or a SACK
 * option has no block or more than 4 (caller bugs, not packet data).
 */
export function emitTcp(repr, buf, off, src, dst) {
    const hlen = tcpHeaderLen(repr);
    if (hlen > TCP_MAX_HEADER_LEN)
        throw new RangeError(`emitTcp: options need ${hlen - TCP_MIN_HEADER_LEN} bytes, more than the 40-byte maximum`);
    writeU16(buf, off, repr.srcPort);
    writeU16(buf, off + 2, repr.dstPort);
    writeU32(buf, off + 4, repr.seq);
    writeU32(buf, off + 8, repr.ack);
    writeU16(buf, off + 12, ((hlen >>> 2) << 12) | (repr.flags & 0x1ff));
    writeU16(buf, off + 14, repr.window);
    writeU16(buf, off + 16, 0);
    writeU16(buf, off + 18, repr.urgentPointer);
    let i = off + TCP_MIN_HEADER_LEN;
    for (const opt of repr.options) {
        switch (opt.kind) {
            case 'eol':
                buf[i++] = TCP_OPT_EOL;
                break;
            case 'nop':
                buf[i++] = TCP_OPT_NOP;
                break;
            case 'mss':
                buf[i] = TCP_OPT_MSS;
                buf[i + 1] = 4;
                writeU16(buf, i + 2, opt.mss);
                i += 4;
                break;
            case 'window-scale':
                buf[i] = TCP_OPT_WINDOW_SCALE;
                buf[i + 1] = 3;
                buf[i + 2] = opt.shift;
                i += 3;
                break;
            case 'sack-permitted':
                buf[i] = TCP_OPT_SACK_PERMITTED;
                buf[i + 1] = 2;
                i += 2;
                break;
            case 'sack':
                if (opt.blocks.length < 1 || opt.blocks.length > 4)
                    throw new RangeError(`emitTcp: a SACK option holds 1 to 4 blocks, got ${opt.blocks.length}`);
                buf[i] = TCP_OPT_SACK;
                buf[i + 1] = 2 + 8 * opt.blocks.length;
                i += 2;
                for (const block of opt.blocks) {
                    writeU32(buf, i, block.left);
                    writeU32(buf, i + 4, block.right);
                    i += 8;
                }
                break;
            case 'timestamps':
                buf[i] = TCP_OPT_TIMESTAMPS;
                buf[i + 1] = 10;
                writeU32(buf, i + 2, opt.value);
                writeU32(buf, i + 6, opt.echo);
                i += 10;
                break;
            case 'unknown':
                if (opt.data.length > 38)
                    throw new RangeError(`emitTcp: option kind ${opt.type} has ${opt.data.length} data bytes, more than fit`);
                buf[i] = opt.type;
                buf[i + 1] = 2 + opt.data.length;
                buf.set(opt.data, i + 2);
                i += 2 + opt.data.length;
                break;
        }
    }
    buf.fill(TCP_OPT_EOL, i, off + hlen);
    const segmentLen = hlen + repr.payloadLength;
    writeU16(buf, off + 16, internetChecksum(buf, off, segmentLen, ipv4PseudoHeaderSum(src, dst, IPPROTO_TCP, segmentLen)));
    return hlen;
}
//# sourceMappingURL=tcp.js.map