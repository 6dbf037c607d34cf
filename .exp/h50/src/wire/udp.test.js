import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitUdp, parseUdp, UDP_HEADER_LEN, UDP_PORT_VXLAN, UdpView } from './udp.js';
import { hex, IPV4_OPTIONS_UDP_PACKET, PADDED_UDP_FRAME, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the VXLAN frame UDP header reads 49152 -> 4789, length 69, checksum verified', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const udp = new UdpView();
    assert.equal(udp.wrap(frame, 34, 69), null);
    assert.deepEqual([udp.srcPort, udp.dstPort, udp.length, udp.checksum], [49152, UDP_PORT_VXLAN, 69, 0x2673]);
    assert.equal(udp.payloadOffset, 42);
    assert.equal(udp.payloadLength, 61);
    assert.equal(udp.checksumOk(0x0a000001, 0x0a000002), true);
    assert.equal(udp.checksumOk(0x0a000001, 0x0a000003), false);
    assert.deepEqual(parseUdp(frame, 34, 69), { srcPort: 49152, dstPort: 4789, payloadLength: 61, checksum: 0x2673 });
});
test('emitUdp writes the fixture headers with their checksums', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const buf = frame.slice();
    buf.fill(0, 34, 42);
    assert.equal(emitUdp({ srcPort: 49152, dstPort: 4789, payloadLength: 61 }, buf, 34, 0x0a000001, 0x0a000002), UDP_HEADER_LEN);
    assert.deepEqual(buf, frame);
    const pkt = hex(IPV4_OPTIONS_UDP_PACKET);
    const out = pkt.slice();
    out.fill(0xaa, 36, 44);
    emitUdp({ srcPort: 5000, dstPort: 53, payloadLength: 3 }, out, 36, 0x0a010203, 0xac100009);
    assert.deepEqual(out, pkt);
    emitUdp({ srcPort: 5000, dstPort: 53, payloadLength: 3 }, out, 36, 0, 0, false);
    assert.deepEqual([out[42], out[43]], [0, 0]);
});
test('a zero checksum means none and verifies; a padded frame measures by the length field', () => {
    const frame = hex(PADDED_UDP_FRAME);
    const udp = new UdpView();
    assert.equal(udp.wrap(frame, 34, frame.length - 34), null);
    assert.equal(udp.payloadLength, 2);
    assert.equal(udp.checksumOk(0x0a000001, 0x0a000002), true);
    udp.checksum = 0;
    assert.equal(udp.checksumOk(1, 2), true);
    udp.fillChecksum(0x0a000001, 0x0a000002);
    assert.equal(udp.checksum, 0x8360);
});
test('a computed zero checksum is sent as 0xffff', () => {
    // Ports chosen so the ones'-complement sum of pseudo-header and header is 0xffff.
    const buf = new Uint8Array(8);
    const seedless = 0xffff - ((0 + 0 + 17 + 8 + 8) & 0xffff);
    emitUdp({ srcPort: seedless, dstPort: 0, payloadLength: 0 }, buf, 0, 0, 0);
    assert.deepEqual([buf[6], buf[7]], [0xff, 0xff]);
    const udp = new UdpView();
    udp.wrap(buf, 0, 8);
    assert.equal(udp.checksumOk(0, 0), true);
});
test('bad lengths are named reasons', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const udp = new UdpView();
    assert.equal(udp.wrap(frame, 34, 7), 'truncated');
    assert.equal(udp.wrap(frame, 34, 68), 'length-exceeds-buffer');
    const b = frame.slice();
    b[39] = 7;
    b[38] = 0;
    assert.equal(udp.wrap(b, 34, 69), 'bad-length');
    assert.deepEqual(parseUdp(b, 34, 69), { error: 'bad-length' });
});
//# sourceMappingURL=udp.test.js.map