import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcapng, timestampToNs, writePcapng, PcapngWriter, BLOCK_EPB, BLOCK_IDB, BLOCK_SHB } from './pcapng.js';
const hex = (s) => Uint8Array.from(s.match(/../g).map((h) => parseInt(h, 16)));
const udpFrame = hex('02000000000202000000000108004500002100010000401166c90a0000010a00000203e807d0000d9c4768656c6c6f');
/** Walks the blocks of a little-endian file: [type, total length, offset]. */
function blocks(file) {
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const out = [];
    for (let off = 0; off < file.length;) {
        const len = dv.getUint32(off + 4, true);
        out.push([dv.getUint32(off, true), len, off]);
        assert.equal(dv.getUint32(off + len - 4, true), len, 'trailer repeats the block length');
        off += len;
    }
    return out;
}
test('a written file is a section header, interface blocks and packet blocks with matching lengths', () => {
    const file = writePcapng([{ name: 'h1/eth0' }, { name: 'h2/eth0', description: 'second host' }], [
        { interfaceId: 0, timestampNs: 1500000123n, data: udpFrame, direction: 'outbound' },
        { interfaceId: 1, timestampNs: 1_500_000_456, data: udpFrame.subarray(0, 45), direction: 'inbound', comment: 'cut' },
    ]);
    const b = blocks(file);
    assert.deepEqual(b.map((x) => x[0]), [BLOCK_SHB, BLOCK_IDB, BLOCK_IDB, BLOCK_EPB, BLOCK_EPB]);
    for (const [, len] of b)
        assert.equal(len % 4, 0);
    const dv = new DataView(file.buffer);
    // Byte-order magic, version 1.0, section length -1.
    assert.equal(dv.getUint32(8, true), 0x1a2b3c4d);
    assert.equal(dv.getUint16(12, true), 1);
    assert.equal(dv.getUint16(14, true), 0);
    assert.equal(dv.getBigInt64(16, true), -1n);
    // First EPB: 28 bytes of header fields, 47 data bytes padded to 48, epb_flags (8) + end (4), trailer 4.
    const [, epbLen, epbOff] = b[3];
    assert.equal(epbLen, 28 + 48 + 8 + 4 + 4);
    assert.equal(dv.getUint32(epbOff + 8, true), 0, 'interface id');
    assert.equal(dv.getUint32(epbOff + 12, true), 0, 'timestamp high');
    assert.equal(dv.getUint32(epbOff + 16, true), 1_500_000_123, 'timestamp low');
    assert.equal(dv.getUint32(epbOff + 20, true), 47);
    assert.equal(dv.getUint32(epbOff + 24, true), 47);
    assert.equal(file[epbOff + 28 + 47], 0, 'padding is zero');
    assert.equal(dv.getUint16(epbOff + 76, true), 2, 'epb_flags option code');
    assert.equal(dv.getUint16(epbOff + 78, true), 4);
    assert.equal(dv.getUint32(epbOff + 80, true), 2, 'outbound');
});
test('reading a written file gives back interfaces, timestamps, directions and bytes', () => {
    const big = 0x123456789abcdef0n;
    const file = writePcapng([{ name: 'h1/eth0', snaplen: 30 }, { name: 'r1/eth1', description: 'uplink' }], [
        { interfaceId: 0, timestampNs: big, data: udpFrame, direction: 'outbound' },
        { interfaceId: 1, timestampNs: 7, data: udpFrame, direction: 'inbound', comment: 'hello' },
        { interfaceId: 1, timestampNs: 8, data: udpFrame },
    ]);
    const r = readPcapng(file);
    assert.equal(r.error, null);
    assert.equal(r.sections, 1);
    assert.deepEqual(r.interfaces.map((i) => [i.name, i.description, i.linktype, i.snaplen, i.tsresol]), [
        ['h1/eth0', undefined, 1, 30, 9],
        ['r1/eth1', 'uplink', 1, 262144, 9],
    ]);
    const [a, b, c] = r.packets;
    assert.equal(a.timestampNs, big);
    assert.deepEqual(a.data, udpFrame.subarray(0, 30), 'cut to the snaplen');
    assert.equal(a.originalLength, 47);
    assert.equal(a.direction, 'outbound');
    assert.equal(b.direction, 'inbound');
    assert.deepEqual(b.comments, ['hello']);
    assert.deepEqual(b.data, udpFrame);
    assert.equal(c.direction, 'unknown');
    assert.equal(c.flags, undefined);
});
test('timestamps convert from any decimal or binary resolution', () => {
    assert.equal(timestampToNs(5n, 6), 5000n);
    assert.equal(timestampToNs(5n, 9), 5n);
    assert.equal(timestampToNs(5000n, 12), 5n);
    assert.equal(timestampToNs(3n, 0x80 | 1), 1500000000n);
});
/** A big-endian file built field by field: SHB, IDB (tsresol 6, if_tsoffset 10 s), EPB inbound. */
function bigEndianFile() {
    const buf = new Uint8Array(200);
    const dv = new DataView(buf.buffer);
    let o = 0;
    const u32 = (v) => { dv.setUint32(o, v); o += 4; };
    const u16 = (v) => { dv.setUint16(o, v); o += 2; };
    u32(0x0a0d0d0a);
    u32(28);
    u32(0x1a2b3c4d);
    u16(1);
    u16(0);
    u32(0xffffffff);
    u32(0xffffffff);
    u32(28);
    // IDB: 8 + 8 + if_name "x" (4+4) + if_tsresol (4+4) + if_tsoffset (4+8) + end (4) + 4.
    u32(1);
    u32(52);
    u16(1);
    u16(0);
    u32(100);
    u16(2);
    u16(1);
    buf[o] = 0x78;
    o += 4;
    u16(9);
    u16(1);
    buf[o] = 6;
    o += 4;
    u16(14);
    u16(8);
    dv.setBigInt64(o, 10n);
    o += 8;
    u16(0);
    u16(0);
    u32(52);
    // EPB with 3 data bytes and epb_flags inbound.
    u32(6);
    u32(48);
    u32(0);
    u32(0);
    u32(2_000_000);
    u32(3);
    u32(3);
    buf.set([1, 2, 3], o);
    o += 4;
    u16(2);
    u16(4);
    u32(1);
    u16(0);
    u16(0);
    u32(48);
    return buf.subarray(0, o);
}
test('a big-endian file with microsecond resolution and a time offset is read', () => {
    const r = readPcapng(bigEndianFile());
    assert.equal(r.error, null);
    assert.equal(r.interfaces[0].name, 'x');
    assert.equal(r.interfaces[0].snaplen, 100);
    const p = r.packets[0];
    assert.equal(p.timestampNs, 12000000000n, '2 s + 10 s offset');
    assert.equal(p.direction, 'inbound');
    assert.deepEqual([...p.data], [1, 2, 3]);
});
test('bad files end the read with a reason and keep what came before', () => {
    const w = new PcapngWriter();
    w.addInterface({ name: 'a' });
    w.addPacket({ interfaceId: 0, timestampNs: 1, data: udpFrame, direction: 'inbound' });
    w.addPacket({ interfaceId: 0, timestampNs: 2, data: udpFrame, direction: 'inbound' });
    const file = w.toBytes();
    const lastEpb = blocks(file)[3];
    assert.equal(readPcapng(new Uint8Array(0)).error?.reason, 'no-section-header');
    assert.equal(readPcapng(udpFrame).error?.reason, 'no-section-header');
    const cut = readPcapng(file.subarray(0, file.length - 1));
    assert.equal(cut.error?.reason, 'truncated-block');
    assert.equal(cut.error?.offset, lastEpb[2]);
    assert.equal(cut.packets.length, 1);
    const trailer = file.slice();
    trailer[trailer.length - 4] = trailer[trailer.length - 4] ^ 4;
    assert.equal(readPcapng(trailer).error?.reason, 'trailer-mismatch');
    const magic = file.slice();
    magic[8] = 0;
    assert.equal(readPcapng(magic).error?.reason, 'bad-byte-order-magic');
    const iface = file.slice();
    new DataView(iface.buffer).setUint32(lastEpb[2] + 8, 5, true);
    const unknown = readPcapng(iface);
    assert.equal(unknown.error?.reason, 'unknown-interface');
    assert.equal(unknown.packets.length, 1);
    const caplen = file.slice();
    new DataView(caplen.buffer).setUint32(lastEpb[2] + 20, 1000, true);
    assert.equal(readPcapng(caplen).error?.reason, 'bad-capture-length');
    const odd = file.slice();
    new DataView(odd.buffer).setUint32(lastEpb[2] + 4, 13, true);
    assert.equal(readPcapng(odd).error?.reason, 'bad-block-length');
});
test('unknown block types are skipped and counted', () => {
    const file = writePcapng([{ name: 'a' }], [{ interfaceId: 0, timestampNs: 1, data: udpFrame }]);
    const custom = new Uint8Array(16);
    const dv = new DataView(custom.buffer);
    dv.setUint32(0, 0x00000bad, true);
    dv.setUint32(4, 16, true);
    dv.setUint32(12, 16, true);
    const both = new Uint8Array(file.length + 16);
    both.set(file);
    both.set(custom, file.length);
    const r = readPcapng(both);
    assert.equal(r.error, null);
    assert.equal(r.skippedBlocks, 1);
    assert.equal(r.packets.length, 1);
});
test('the reader never throws on truncated, mutated or random input', () => {
    const file = writePcapng([{ name: 'h1/eth0' }, { name: 'h2/eth0' }], [0, 1, 2, 3].map((i) => ({ interfaceId: i & 1, timestampNs: i, data: udpFrame.subarray(0, 40 + i), direction: 'outbound', comment: 'c' })));
    for (let n = 0; n <= file.length; n++)
        readPcapng(file.subarray(0, n));
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
    for (let i = 0; i < 20000; i++) {
        const m = file.slice();
        for (let k = 1 + (rnd() % 4); k > 0; k--)
            m[rnd() % m.length] = rnd() & 0xff;
        const r = readPcapng(m);
        for (const p of r.packets)
            assert.ok(p.data.length <= m.length);
    }
    for (let i = 0; i < 2000; i++) {
        const g = new Uint8Array(rnd() % 200);
        for (let k = 0; k < g.length; k++)
            g[k] = rnd() & 0xff;
        if (i % 2 === 0 && g.length >= 4)
            g.set([0x0a, 0x0d, 0x0d, 0x0a]);
        readPcapng(g);
    }
});
test('adding a packet for an interface that was never added is an API error', () => {
    const w = new PcapngWriter();
    assert.throws(() => w.addPacket({ interfaceId: 0, timestampNs: 0, data: udpFrame }), /only 0 interfaces/);
    w.addInterface({ name: 'a' });
    assert.throws(() => w.addPacket({ interfaceId: 0, timestampNs: -1, data: udpFrame }), /non-negative/);
});
//# sourceMappingURL=pcapng.test.js.map