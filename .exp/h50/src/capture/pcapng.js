/**
 * pcapng files (draft-ietf-opsawg-pcapng): a writer and a reader.
 *
 * A file is a sequence of blocks, each `type, total length, body, total length again`, the body
 * padded to 32 bits. We write one Section Header Block, one Interface Description Block per
 * captured port (so Wireshark shows "h1/eth0" as the interface), then Enhanced Packet Blocks
 * whose `epb_flags` option carries the direction (bits 0-1: 1 inbound, 2 outbound). Timestamps
 * are nanoseconds (`if_tsresol` = 9), written little-endian.
 *
 * The reader accepts either byte order, several sections, any `if_tsresol` (decimal or binary),
 * `if_tsoffset`, Simple Packet Blocks, and skips block types it does not know. It never throws on
 * bad bytes: it returns what it read up to the first problem plus the problem's reason and offset.
 * Packet data it returns are views into the input (no copy).
 */
import { ByteBuilder, splitU64, toBigIntNs } from './bytes.js';
export const LINKTYPE_ETHERNET = 1;
/** tcpdump's default snapshot length. */
export const DEFAULT_SNAPLEN = 262144;
export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const EPB_FLAGS = 2;
/** epb_flags bits 0-1 for a direction. */
export function directionFlags(d) {
    return d === 'inbound' ? 1 : d === 'outbound' ? 2 : 0;
}
export function directionFromFlags(flags) {
    const d = flags & 3;
    return d === 1 ? 'inbound' : d === 2 ? 'outbound' : 'unknown';
}
const utf8 = new TextEncoder();
function writeOption(b, code, value) {
    b.u16(code);
    b.u16(value.length);
    b.bytes(value);
    b.pad4();
}
/** Writes `type, length placeholder`; returns the block start for `endBlock`. */
function beginBlock(b, type) {
    const start = b.length;
    b.u32(type);
    b.u32(0);
    return start;
}
function endBlock(b, start) {
    b.pad4();
    const total = b.length - start + 4;
    b.u32(total);
    b.patchU32(start + 4, total);
}
/** Builds a pcapng file in memory: a section header, then interfaces and packets in call order. */
export class PcapngWriter {
    #b = new ByteBuilder(1 << 16);
    #snaplens = [];
    #packets = 0;
    constructor(options = {}) {
        const b = this.#b;
        const start = beginBlock(b, BLOCK_SHB);
        b.u32(BYTE_ORDER_MAGIC);
        b.u16(1);
        b.u16(0);
        b.i64(-1n); // section length not specified
        writeOption(b, SHB_USERAPPL, utf8.encode(options.application ?? 'vnet'));
        writeOption(b, OPT_ENDOFOPT, new Uint8Array(0));
        endBlock(b, start);
    }
    get interfaceCount() {
        return this.#snaplens.length;
    }
    get packetCount() {
        return this.#packets;
    }
    /** Adds an Interface Description Block; returns its interface id. */
    addInterface(spec) {
        const snaplen = spec.snaplen ?? DEFAULT_SNAPLEN;
        if (!Number.isInteger(snaplen) || snaplen < 0 || snaplen > 0xffffffff)
            throw new RangeError(`pcapng: interface ${spec.name}: bad snaplen ${snaplen}`);
        const linktype = spec.linktype ?? LINKTYPE_ETHERNET;
        if (!Number.isInteger(linktype) || linktype < 0 || linktype > 0xffff)
            throw new RangeError(`pcapng: interface ${spec.name}: bad linktype ${linktype}`);
        const b = this.#b;
        const start = beginBlock(b, BLOCK_IDB);
        b.u16(linktype);
        b.u16(0);
        b.u32(snaplen);
        writeOption(b, IF_NAME, utf8.encode(spec.name));
        if (spec.description !== undefined)
            writeOption(b, IF_DESCRIPTION, utf8.encode(spec.description));
        writeOption(b, IF_TSRESOL, Uint8Array.of(9));
        writeOption(b, OPT_ENDOFOPT, new Uint8Array(0));
        endBlock(b, start);
        this.#snaplens.push(snaplen);
        return this.#snaplens.length - 1;
    }
    /** Adds an Enhanced Packet Block. */
    addPacket(p) {
        const snaplen = this.#snaplens[p.interfaceId];
        if (snaplen === undefined)
            throw new RangeError(`pcapng: packet for interface ${p.interfaceId}, but only ${this.#snaplens.length} interfaces were added`);
        const original = p.originalLength ?? p.data.length;
        if (!Number.isInteger(original) || original < p.data.length || original > 0xffffffff)
            throw new RangeError(`pcapng: original length ${original} is shorter than the ${p.data.length} captured bytes`);
        const data = snaplen > 0 && p.data.length > snaplen ? p.data.subarray(0, snaplen) : p.data;
        const ts = splitU64(toBigIntNs(p.timestampNs, 'pcapng'));
        const b = this.#b;
        const start = beginBlock(b, BLOCK_EPB);
        b.u32(p.interfaceId);
        b.u32(ts.high);
        b.u32(ts.low);
        b.u32(data.length);
        b.u32(original);
        b.bytes(data);
        b.pad4();
        const dir = p.direction ?? 'unknown';
        const hasOptions = dir !== 'unknown' || p.comment !== undefined;
        if (dir !== 'unknown') {
            const v = new Uint8Array(4);
            new DataView(v.buffer).setUint32(0, directionFlags(dir), true);
            writeOption(b, EPB_FLAGS, v);
        }
        if (p.comment !== undefined)
            writeOption(b, OPT_COMMENT, utf8.encode(p.comment));
        if (hasOptions)
            writeOption(b, OPT_ENDOFOPT, new Uint8Array(0));
        endBlock(b, start);
        this.#packets++;
    }
    /** The file so far (a copy; the writer can keep going). */
    toBytes() {
        return this.#b.toBytes();
    }
}
/** Writes a whole pcapng file from interface and packet lists. */
export function writePcapng(interfaces, packets, options = {}) {
    const w = new PcapngWriter(options);
    for (const i of interfaces)
        w.addInterface(i);
    for (const p of packets)
        w.addPacket(p);
    return w.toBytes();
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
/** Options from `start` to `end`; null when one runs past the end. */
function readOptions(bytes, dv, start, end, le) {
    const out = [];
    let pos = start;
    while (pos + 4 <= end) {
        const code = dv.getUint16(pos, le);
        const len = dv.getUint16(pos + 2, le);
        if (code === OPT_ENDOFOPT)
            break;
        if (pos + 4 + len > end)
            return null;
        out.push({ code, value: bytes.subarray(pos + 4, pos + 4 + len) });
        pos += 4 + ((len + 3) & ~3);
    }
    return out;
}
/** Converts a raw timestamp in `if_tsresol` units to nanoseconds. */
export function timestampToNs(raw, tsresol) {
    if (tsresol & 0x80) {
        const exp = BigInt(tsresol & 0x7f);
        return (raw * 1000000000n) >> exp;
    }
    if (tsresol <= 9)
        return raw * 10n ** BigInt(9 - tsresol);
    return raw / 10n ** BigInt(tsresol - 9);
}
/** Reads a pcapng file. Never throws: problems end the read with a reason. */
export function readPcapng(bytes) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const interfaces = [];
    const packets = [];
    let section = -1;
    let sectionIfs = [];
    let le = true;
    let skipped = 0;
    let off = 0;
    const fail = (reason, at) => ({ interfaces, packets, sections: section + 1, skippedBlocks: skipped, error: { reason, offset: at } });
    if (bytes.length < 12 || dv.getUint32(0, true) !== BLOCK_SHB)
        return fail('no-section-header', 0);
    while (off < bytes.length) {
        if (bytes.length - off < 12)
            return fail('truncated-block', off);
        const typeRaw = dv.getUint32(off, true);
        if (typeRaw === BLOCK_SHB) {
            const magic = dv.getUint32(off + 8, true);
            if (magic === BYTE_ORDER_MAGIC)
                le = true;
            else if (magic === 0x4d3c2b1a)
                le = false;
            else
                return fail('bad-byte-order-magic', off + 8);
        }
        const type = dv.getUint32(off, le);
        const total = dv.getUint32(off + 4, le);
        if (total < 12 || total % 4 !== 0)
            return fail('bad-block-length', off + 4);
        if (total > bytes.length - off)
            return fail('truncated-block', off);
        if (dv.getUint32(off + total - 4, le) !== total)
            return fail('trailer-mismatch', off + total - 4);
        const body = off + 8;
        const end = off + total - 4;
        if (type === BLOCK_SHB) {
            if (end - body < 16)
                return fail('bad-block-body', off);
            const major = dv.getUint16(body + 4, le);
            if (major !== 1)
                return fail('unsupported-version', body + 4);
            section++;
            sectionIfs = [];
        }
        else if (section < 0) {
            return fail('no-section-header', off);
        }
        else if (type === BLOCK_IDB) {
            if (end - body < 8)
                return fail('bad-block-body', off);
            const opts = readOptions(bytes, dv, body + 8, end, le);
            if (opts === null)
                return fail('bad-option', off);
            let name;
            let description;
            let tsresol = 6;
            let tsoffsetNs = 0n;
            for (const o of opts) {
                if (o.code === IF_NAME)
                    name = utf8Decoder.decode(o.value);
                else if (o.code === IF_DESCRIPTION)
                    description = utf8Decoder.decode(o.value);
                else if (o.code === IF_TSRESOL && o.value.length >= 1)
                    tsresol = o.value[0];
                else if (o.code === IF_TSOFFSET && o.value.length >= 8) {
                    tsoffsetNs = new DataView(o.value.buffer, o.value.byteOffset, 8).getBigInt64(0, le) * 1000000000n;
                }
            }
            const snaplen = dv.getUint32(body + 4, le);
            interfaces.push({ section, linktype: dv.getUint16(body, le), snaplen, name, description, tsresol });
            sectionIfs.push({ global: interfaces.length - 1, tsresol, tsoffsetNs, snaplen });
        }
        else if (type === BLOCK_EPB) {
            if (end - body < 20)
                return fail('bad-block-body', off);
            const ifc = sectionIfs[dv.getUint32(body, le)];
            if (ifc === undefined)
                return fail('unknown-interface', body);
            const raw = (BigInt(dv.getUint32(body + 4, le)) << 32n) | BigInt(dv.getUint32(body + 8, le));
            const caplen = dv.getUint32(body + 12, le);
            const original = dv.getUint32(body + 16, le);
            const dataStart = body + 20;
            if (caplen > end - dataStart)
                return fail('bad-capture-length', body + 12);
            const opts = readOptions(bytes, dv, dataStart + ((caplen + 3) & ~3), end, le);
            if (opts === null)
                return fail('bad-option', off);
            let flags;
            const comments = [];
            for (const o of opts) {
                if (o.code === EPB_FLAGS && o.value.length >= 4)
                    flags = new DataView(o.value.buffer, o.value.byteOffset, 4).getUint32(0, le);
                else if (o.code === OPT_COMMENT)
                    comments.push(utf8Decoder.decode(o.value));
            }
            packets.push({
                interfaceId: ifc.global,
                timestampNs: timestampToNs(raw, ifc.tsresol) + ifc.tsoffsetNs,
                data: bytes.subarray(dataStart, dataStart + caplen),
                originalLength: original,
                direction: directionFromFlags(flags ?? 0),
                flags,
                comments,
            });
        }
        else if (type === BLOCK_SPB) {
            if (end - body < 4)
                return fail('bad-block-body', off);
            const ifc = sectionIfs[0];
            if (ifc === undefined)
                return fail('unknown-interface', body);
            const original = dv.getUint32(body, le);
            let caplen = Math.min(original, end - body - 4);
            if (ifc.snaplen > 0)
                caplen = Math.min(caplen, ifc.snaplen);
            packets.push({ interfaceId: ifc.global, timestampNs: 0n, data: bytes.subarray(body + 4, body + 4 + caplen), originalLength: original, direction: 'unknown', flags: undefined, comments: [] });
        }
        else {
            skipped++;
        }
        off += total;
    }
    return { interfaces, packets, sections: section + 1, skippedBlocks: skipped, error: null };
}
//# sourceMappingURL=pcapng.js.map