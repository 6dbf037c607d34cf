import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitVlan, ETHERTYPE_QINQ, ETHERTYPE_VLAN, parseVlan, VLAN_HEADER_LEN, VLAN_TAG_LEN, VlanView } from './vlan.js';
import { hex, QINQ_ARP_FRAME, VLAN_UDP_FRAME } from './fixtures.js';
test('an 802.1Q tag reads PCP 5, DEI 1, VID 100 and inner EtherType IPv4', () => {
    const frame = hex(VLAN_UDP_FRAME);
    const tag = new VlanView();
    assert.equal(tag.wrap(frame, 12, frame.length - 12), null);
    assert.equal(tag.tpid, ETHERTYPE_VLAN);
    assert.equal(tag.tci, 0xb064);
    assert.equal(tag.pcp, 5);
    assert.equal(tag.dei, true);
    assert.equal(tag.vid, 100);
    assert.equal(tag.innerEtherType, 0x0800);
    assert.equal(tag.payloadOffset, 18);
    assert.equal(tag.payloadLength, frame.length - 18);
});
test('stacked 802.1ad and 802.1Q tags chain at VLAN_TAG_LEN', () => {
    const frame = hex(QINQ_ARP_FRAME);
    const tag = new VlanView();
    assert.equal(tag.wrap(frame, 12, frame.length - 12), null);
    assert.deepEqual([tag.tpid, tag.pcp, tag.vid, tag.innerEtherType], [ETHERTYPE_QINQ, 3, 200, ETHERTYPE_VLAN]);
    assert.equal(tag.wrap(frame, 12 + VLAN_TAG_LEN, frame.length - 16), null);
    assert.deepEqual([tag.tpid, tag.pcp, tag.vid, tag.innerEtherType, tag.payloadOffset], [ETHERTYPE_VLAN, 0, 4094, 0x0806, 22]);
});
test('parseVlan and emitVlan round-trip the tag bytes of both fixtures', () => {
    for (const [fixture, at] of [[VLAN_UDP_FRAME, 12], [QINQ_ARP_FRAME, 12], [QINQ_ARP_FRAME, 16]]) {
        const frame = hex(fixture);
        const repr = parseVlan(frame, at, frame.length - at);
        assert.ok(!('error' in repr));
        const out = new Uint8Array(VLAN_HEADER_LEN);
        assert.equal(emitVlan(repr, out, 0), VLAN_HEADER_LEN);
        assert.deepEqual(out, frame.subarray(at, at + VLAN_HEADER_LEN));
    }
    const frame = hex(VLAN_UDP_FRAME);
    assert.deepEqual(parseVlan(frame, 12, 100), { error: 'truncated' });
    assert.deepEqual(parseVlan(frame, 12, 5), { error: 'truncated' });
});
test('setters change PCP, DEI and VID without disturbing each other', () => {
    const frame = hex(VLAN_UDP_FRAME);
    const tag = new VlanView();
    tag.wrap(frame, 12, frame.length - 12);
    tag.vid = 4095;
    tag.dei = false;
    assert.deepEqual([tag.pcp, tag.dei, tag.vid], [5, false, 4095]);
    tag.dei = true;
    assert.deepEqual([tag.pcp, tag.dei, tag.vid], [5, true, 4095]);
    tag.pcp = 0;
    tag.dei = false;
    tag.vid = 1;
    assert.deepEqual([tag.pcp, tag.dei, tag.vid, tag.tci], [0, false, 1, 0x0001]);
    assert.deepEqual(emitVlan({ tpid: 0x88a8, pcp: 7, dei: true, vid: 0xabc, innerEtherType: 0x8100 }, frame, 0), 6);
    assert.deepEqual([...frame.subarray(0, 6)], [0x88, 0xa8, 0xfa, 0xbc, 0x81, 0x00]);
});
//# sourceMappingURL=vlan.test.js.map