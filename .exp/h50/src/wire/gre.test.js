import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitGre, greHeaderLen, GreView, parseGre } from './gre.js';
import { ETHERTYPE_IPV4, ETHERTYPE_TEB } from './ethernet.js';
import { GRE_CKS_KEY_SEQ_PACKET, GRE_PLAIN_PACKET, hex } from './fixtures.js';
test('a plain GRE header is 4 bytes carrying IPv4', () => {
    const pkt = hex(GRE_PLAIN_PACKET);
    assert.deepEqual(parseGre(pkt, 20, 32), {
        protocolType: ETHERTYPE_IPV4, checksumPresent: false, key: null, sequence: null, reserved0: 0,
        payloadLength: 28, headerLength: 4, checksum: null, checksumOk: true,
    });
    const gre = new GreView();
    assert.equal(gre.wrap(pkt, 20, 32), null);
    assert.deepEqual([gre.version, gre.headerLength, gre.payloadOffset, gre.key, gre.sequence, gre.checksum], [0, 4, 24, 0, 0, 0]);
});
test('checksum, key and sequence are read in order and the checksum verifies', () => {
    const pkt = hex(GRE_CKS_KEY_SEQ_PACKET);
    assert.deepEqual(parseGre(pkt, 20, 33), {
        protocolType: ETHERTYPE_TEB, checksumPresent: true, key: 0xdeadbeef, sequence: 7, reserved0: 0,
        payloadLength: 17, headerLength: 16, checksum: 0x4e85, checksumOk: true,
    });
    const gre = new GreView();
    gre.wrap(pkt, 20, 33);
    assert.deepEqual([gre.checksumPresent, gre.keyPresent, gre.sequencePresent, gre.key, gre.sequence, gre.payloadOffset], [true, true, true, 0xdeadbeef, 7, 36]);
    gre.key = 1;
    assert.equal(gre.checksumOk, false);
    gre.fillChecksum();
    assert.equal(gre.checksumOk, true);
});
test('emitGre reproduces both fixtures, checksum included', () => {
    for (const fixture of [GRE_PLAIN_PACKET, GRE_CKS_KEY_SEQ_PACKET]) {
        const want = hex(fixture);
        const r = parseGre(want, 20, want.length - 20);
        assert.ok(!('error' in r));
        assert.equal(greHeaderLen(r), r.headerLength);
        const buf = want.slice();
        buf.fill(0x33, 20, 20 + r.headerLength);
        assert.equal(emitGre(r, buf, 20), r.headerLength);
        assert.deepEqual(buf, want);
    }
});
test('a key without checksum sits right after the protocol type', () => {
    const buf = new Uint8Array(12);
    emitGre({ protocolType: ETHERTYPE_TEB, checksumPresent: false, key: 0x01020304, sequence: null, reserved0: 0, payloadLength: 0 }, buf, 0);
    assert.deepEqual([...buf.subarray(0, 8)], [0x20, 0, 0x65, 0x58, 1, 2, 3, 4]);
    const gre = new GreView();
    assert.equal(gre.wrap(buf, 0, 8), null);
    assert.equal(gre.key, 0x01020304);
    gre.sequence = 9; // absent: ignored
    assert.deepEqual([...buf.subarray(8)], [0, 0, 0, 0]);
});
test('version 1, the routing bit and missing optional fields are named reasons', () => {
    const gre = new GreView();
    assert.equal(gre.wrap(hex('30018881 00000000 00000001'), 0, 12), 'unsupported-version', 'PPTP enhanced GRE');
    assert.equal(gre.wrap(hex('40000800 00000000'), 0, 8), 'routing-present');
    assert.equal(gre.wrap(hex('b0006558 0000'), 0, 6), 'truncated');
    assert.equal(gre.wrap(hex('000008'), 0, 3), 'truncated');
    assert.deepEqual(parseGre(hex('00080800'), 0, 4), {
        protocolType: 0x0800, checksumPresent: false, key: null, sequence: null, reserved0: 1,
        payloadLength: 0, headerLength: 4, checksum: null, checksumOk: true,
    });
});
//# sourceMappingURL=gre.test.js.map