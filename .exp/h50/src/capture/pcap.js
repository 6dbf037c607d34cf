/**
 * Classic pcap files (libpcap format, version 2.4): a writer and a reader.
 *
 * A 24-byte global header (magic, version, thiszone, sigfigs, snaplen, linktype) and then per
 * packet a 16-byte record header (seconds, sub-second, captured length, original length) and the
 * bytes. Magic 0xa1b2c3d4 means microsecond timestamps, 0xa1b23c4d nanoseconds; we write
 * little-endian nanoseconds by default. Classic pcap has no interfaces or directions: use pcapng
 * when those matter.
 *
 * The reader accepts both magics in both byte orders and never throws on bad bytes: it returns the
 * packets read so far and the reason it stopped. Packet data are views into the input.
 */
import { ByteBuilder, toBigIntNs } from './bytes.js';
import { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET } from './pcapng.js';
export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** Writes a classic pcap file. Packets longer than the snaplen are cut and keep their original length. */
export function writePcap(packets, options = {}) {
    const nanos = options.nanosecond ?? true;
    const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0xffffffff)
        throw new RangeError(`pcap: bad snaplen ${snaplen}`);
    const b = new ByteBuilder(1 << 16);
    b.u32(nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS);
    b.u16(2);
    b.u16(4);
    b.i32(0);
    b.u32(0);
    b.u32(snaplen);
    b.u32(options.linktype ?? LINKTYPE_ETHERNET);
    const perSecond = nanos ? 1000000000n : 1000000n;
    for (const p of packets) {
        const ns = toBigIntNs(p.timestampNs, 'pcap');
        const units = nanos ? ns : ns / 1000n;
        const seconds = units / perSecond;
        if (seconds > 0xffffffffn)
            throw new RangeError(`pcap: timestamp ${ns} ns does not fit in 32-bit seconds`);
        const original = p.originalLength ?? p.data.length;
        if (original < p.data.length)
            throw new RangeError(`pcap: original length ${original} is shorter than the ${p.data.length} captured bytes`);
        const data = p.data.length > snaplen ? p.data.subarray(0, snaplen) : p.data;
        b.u32(Number(seconds));
        b.u32(Number(units % perSecond));
        b.u32(data.length);
        b.u32(original);
        b.bytes(data);
    }
    return b.toBytes();
}
/** Largest record we believe: libpcap rejects records above 256 KiB for most link types too. */
const MAX_RECORD = 0x40000;
/** Reads a classic pcap file. Never throws. */
export function readPcap(bytes) {
    const packets = [];
    if (bytes.length < 24)
        return { header: null, packets, error: { reason: 'truncated-header', offset: 0 } };
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const magicLe = dv.getUint32(0, true);
    const magicBe = dv.getUint32(0, false);
    let le;
    let nanos;
    if (magicLe === PCAP_MAGIC_MICROS || magicLe === PCAP_MAGIC_NANOS) {
        le = true;
        nanos = magicLe === PCAP_MAGIC_NANOS;
    }
    else if (magicBe === PCAP_MAGIC_MICROS || magicBe === PCAP_MAGIC_NANOS) {
        le = false;
        nanos = magicBe === PCAP_MAGIC_NANOS;
    }
    else {
        return { header: null, packets, error: { reason: 'bad-magic', offset: 0 } };
    }
    const snaplen = dv.getUint32(16, le);
    const header = {
        nanosecond: nanos,
        littleEndian: le,
        versionMajor: dv.getUint16(4, le),
        versionMinor: dv.getUint16(6, le),
        snaplen,
        // The upper bits of the link type field carry FCS information in newer files.
        linktype: dv.getUint32(20, le) & 0x0fffffff,
    };
    const limit = Math.max(MAX_RECORD, snaplen);
    let off = 24;
    while (off < bytes.length) {
        if (bytes.length - off < 16)
            return { header, packets, error: { reason: 'truncated-record', offset: off } };
        const seconds = BigInt(dv.getUint32(off, le));
        const sub = BigInt(dv.getUint32(off + 4, le));
        const caplen = dv.getUint32(off + 8, le);
        const original = dv.getUint32(off + 12, le);
        if (caplen > limit)
            return { header, packets, error: { reason: 'bad-capture-length', offset: off + 8 } };
        if (caplen > bytes.length - off - 16)
            return { header, packets, error: { reason: 'truncated-record', offset: off } };
        packets.push({
            timestampNs: seconds * 1000000000n + (nanos ? sub : sub * 1000n),
            data: bytes.subarray(off + 16, off + 16 + caplen),
            originalLength: original,
        });
        off += 16 + caplen;
    }
    return { header, packets, error: null };
}
//# sourceMappingURL=pcap.js.map