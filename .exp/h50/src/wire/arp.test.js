import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST, ArpView, emitArp, parseArp } from './arp.js';
import { ARP_REPLY_FRAME, ARP_REQUEST_FRAME, hex } from './fixtures.js';
test('parseArp reads a real request and reply', () => {
    const req = hex(ARP_REQUEST_FRAME);
    assert.deepEqual(parseArp(req, 14, 28), {
        op: ARP_OP_REQUEST, senderMac: 0x020000000001, senderIp: 0x0a000001, targetMac: 0, targetIp: 0x0a000002,
    });
    const rep = hex(ARP_REPLY_FRAME);
    assert.deepEqual(parseArp(rep, 14, 28), {
        op: ARP_OP_REPLY, senderMac: 0x020000000002, senderIp: 0x0a000002, targetMac: 0x020000000001, targetIp: 0x0a000001,
    });
});
test('emitArp writes the fixture bytes', () => {
    const rep = hex(ARP_REPLY_FRAME);
    const out = new Uint8Array(ARP_LEN);
    const n = emitArp({ op: 2, senderMac: 0x020000000002, senderIp: 0x0a000002, targetMac: 0x020000000001, targetIp: 0x0a000001 }, out, 0);
    assert.equal(n, ARP_LEN);
    assert.deepEqual(out, rep.subarray(14));
});
test('the view turns a request into a reply in place', () => {
    const frame = hex(ARP_REQUEST_FRAME);
    const arp = new ArpView();
    assert.equal(arp.wrap(frame, 14, frame.length - 14), null);
    assert.equal(arp.hardwareType, 1);
    assert.equal(arp.protocolType, 0x0800);
    arp.op = ARP_OP_REPLY;
    arp.targetMac = arp.senderMac;
    arp.targetIp = arp.senderIp;
    arp.senderMac = 0x020000000002;
    arp.senderIp = 0x0a000002;
    assert.deepEqual(frame.subarray(14), hex(ARP_REPLY_FRAME).subarray(14));
});
test('padding after the 28 bytes passes; other hardware or protocol types are named reasons', () => {
    const frame = new Uint8Array(60);
    frame.set(hex(ARP_REQUEST_FRAME));
    const arp = new ArpView();
    assert.equal(arp.wrap(frame, 14, 46), null);
    assert.equal(arp.payloadLength, 18);
    assert.equal(arp.wrap(frame, 14, 27), 'truncated');
    const bad = frame.slice();
    bad[15] = 6; // IEEE 802 hardware type
    assert.deepEqual(parseArp(bad, 14, 28), { error: 'unsupported-hardware' });
    const v6 = frame.slice();
    v6[16] = 0x86;
    v6[17] = 0xdd;
    assert.deepEqual(parseArp(v6, 14, 28), { error: 'unsupported-protocol' });
    const plen = frame.slice();
    plen[19] = 16;
    assert.deepEqual(parseArp(plen, 14, 28), { error: 'unsupported-protocol' });
});
//# sourceMappingURL=arp.test.js.map