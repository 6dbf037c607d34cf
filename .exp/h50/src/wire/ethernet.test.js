import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitEthernet, ETHERNET_HEADER_LEN, ETHERTYPE_IPV4, ETHERTYPE_ARP, EthernetView, parseEthernet } from './ethernet.js';
import { ARP_REQUEST_FRAME, hex, PADDED_UDP_FRAME, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the view reads the outer and inner Ethernet headers of the VXLAN frame', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const eth = new EthernetView();
    assert.equal(eth.wrap(frame, 0, frame.length), null);
    assert.equal(eth.dst, 0x020000000002);
    assert.equal(eth.src, 0x020000000001);
    assert.equal(eth.etherType, ETHERTYPE_IPV4);
    assert.equal(eth.headerLength, 14);
    assert.equal(eth.payloadOffset, 14);
    assert.equal(eth.payloadLength, 89);
    assert.equal(eth.wrap(frame, 50, frame.length - 50), null);
    assert.equal(eth.src, 0x021ab0002a01);
    assert.equal(eth.dst, 0x021ab0002a02);
    assert.equal(eth.payloadOffset, 64);
});
test('parseEthernet gives the repr, and emitEthernet writes the same 14 bytes back', () => {
    const frame = hex(ARP_REQUEST_FRAME);
    const repr = parseEthernet(frame, 0, frame.length);
    assert.deepEqual(repr, { dst: 0xffffffffffff, src: 0x020000000001, etherType: ETHERTYPE_ARP });
    if ('error' in repr)
        return;
    const out = new Uint8Array(16);
    assert.equal(emitEthernet(repr, out, 2), ETHERNET_HEADER_LEN);
    assert.deepEqual(out.subarray(2), frame.subarray(0, 14));
});
test('a padded 60-byte frame passes and fewer than 14 bytes is truncated', () => {
    const frame = hex(PADDED_UDP_FRAME);
    const eth = new EthernetView();
    assert.equal(eth.wrap(frame, 0, 60), null);
    assert.equal(eth.payloadLength, 46);
    assert.equal(eth.wrap(frame, 0, 13), 'truncated');
    assert.equal(eth.wrap(frame, 50, 14), 'truncated', 'len beyond the buffer');
    assert.deepEqual(parseEthernet(frame, 0, 13), { error: 'truncated' });
});
test('setters rewrite MACs and EtherType in place', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const eth = new EthernetView();
    eth.wrap(frame, 0, frame.length);
    eth.dst = 0x0a0b0c0d0e0f;
    eth.src = 0xffffffffffff;
    eth.etherType = 0x86dd;
    assert.deepEqual([...frame.subarray(0, 14)], [0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 255, 255, 255, 255, 255, 255, 0x86, 0xdd]);
});
//# sourceMappingURL=ethernet.test.js.map