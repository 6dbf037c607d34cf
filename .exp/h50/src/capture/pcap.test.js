import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPcap, writePcap } from './pcap.js';
const hex = (s) => Uint8Array.from(s.match(/../g).map((h) => parseInt(h, 16)));
const frame = hex('02000000000202000000000108004500002100010000401166c90a0000010a00000203e807d0000d9c4768656c6c6f');
test('the global header is a nanosecond libpcap 2.4 header for Ethernet', () => {
    const f = writePcap([], { snaplen: 65535 });
    assert.deepEqual([...f], [0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0]);
    const us = writePcap([], { nanosecond: false });
    assert.deepEqual([...us.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
});
test('records carry seconds, sub-seconds and both lengths, and read back', () => {
    const f = writePcap([
        { timestampNs: 3000000007n, data: frame },
        { timestampNs: 5, data: frame, originalLength: 1500 },
    ]);
    const dv = new DataView(f.buffer);
    assert.equal(dv.getUint32(24, true), 3);
    assert.equal(dv.getUint32(28, true), 7);
    assert.equal(dv.getUint32(32, true), 47);
    assert.equal(dv.getUint32(36, true), 47);
    const r = readPcap(f);
    assert.equal(r.error, null);
    assert.equal(r.header?.nanosecond, true);
    assert.equal(r.header?.linktype, 1);
    assert.equal(r.packets[0].timestampNs, 3000000007n);
    assert.deepEqual(r.packets[0].data, frame);
    assert.equal(r.packets[1].originalLength, 1500);
});
test('microsecond files lose sub-microsecond time and snaplen cuts long packets', () => {
    const r = readPcap(writePcap([{ timestampNs: 1234567891n, data: frame }], { nanosecond: false, snaplen: 20 }));
    assert.equal(r.header?.nanosecond, false);
    assert.equal(r.packets[0].timestampNs, 1234567000n);
    assert.equal(r.packets[0].data.length, 20);
    assert.equal(r.packets[0].originalLength, 47);
});
test('a big-endian microsecond file is read', () => {
    const f = new Uint8Array(24 + 16 + 2);
    const dv = new DataView(f.buffer);
    dv.setUint32(0, 0xa1b2c3d4);
    dv.setUint16(4, 2);
    dv.setUint16(6, 4);
    dv.setUint32(16, 96);
    dv.setUint32(20, 1);
    dv.setUint32(24, 1);
    dv.setUint32(28, 2);
    dv.setUint32(32, 2);
    dv.setUint32(36, 60);
    f.set([9, 8], 40);
    const r = readPcap(f);
    assert.equal(r.error, null);
    assert.equal(r.header?.littleEndian, false);
    assert.equal(r.header?.snaplen, 96);
    assert.equal(r.packets[0].timestampNs, 1000002000n);
    assert.deepEqual([...r.packets[0].data], [9, 8]);
});
test('bad files end the read with a reason, never an exception', () => {
    const f = writePcap([{ timestampNs: 1, data: frame }, { timestampNs: 2, data: frame }]);
    assert.equal(readPcap(f.subarray(0, 10)).error?.reason, 'truncated-header');
    assert.equal(readPcap(frame).error?.reason, 'bad-magic');
    const cut = readPcap(f.subarray(0, f.length - 1));
    assert.equal(cut.error?.reason, 'truncated-record');
    assert.equal(cut.packets.length, 1);
    const huge = f.slice();
    new DataView(huge.buffer).setUint32(32, 0x7fffffff, true);
    assert.equal(readPcap(huge).error?.reason, 'bad-capture-length');
    for (let n = 0; n <= f.length; n++)
        readPcap(f.subarray(0, n));
});
//# sourceMappingURL=pcap.test.js.map