import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitIcmpv4, ICMP_ECHO_REQUEST, ICMP_UNREACH_FRAG_NEEDED, Icmpv4View, ICMPV4_HEADER_LEN, parseIcmpv4, } from './icmpv4.js';
import { parseIpv4 } from './ipv4.js';
import { hex, ICMP_FRAG_NEEDED_PACKET, ICMP_TIME_EXCEEDED_PACKET, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the echo request inside the VXLAN frame has id 0x4242, seq 1 and a good checksum', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const icmp = new Icmpv4View();
    assert.equal(icmp.wrap(frame, 84, 19), null);
    assert.deepEqual([icmp.type, icmp.code, icmp.checksum, icmp.identifier, icmp.sequence], [ICMP_ECHO_REQUEST, 0, 0x20e3, 0x4242, 1]);
    assert.equal(icmp.checksumOk, true);
    assert.equal(icmp.payloadOffset, 92);
    assert.equal(icmp.payloadLength, 11);
    assert.deepEqual(parseIcmpv4(frame, 84, 19), {
        kind: 'echo-request', identifier: 0x4242, sequence: 1, payloadLength: 11, checksum: 0x20e3, checksumOk: true,
    });
});
test('fragmentation needed carries the next-hop MTU and quotes the original datagram', () => {
    const pkt = hex(ICMP_FRAG_NEEDED_PACKET);
    const r = parseIcmpv4(pkt, 20, pkt.length - 20);
    assert.deepEqual(r, { kind: 'dest-unreachable', code: ICMP_UNREACH_FRAG_NEEDED, nextHopMtu: 1400, payloadLength: 28, checksum: 0xdb88, checksumOk: true });
    const icmp = new Icmpv4View();
    icmp.wrap(pkt, 20, pkt.length - 20);
    assert.equal(icmp.nextHopMtu, 1400);
    // The quoted header claims 1500 bytes of which 28 were quoted: it parses only with the room it claims.
    const quoted = parseIpv4(pkt, icmp.payloadOffset, icmp.payloadLength);
    assert.deepEqual(quoted, { error: 'total-length-exceeds-buffer' });
});
test('time exceeded parses with its code and quoted probe', () => {
    const pkt = hex(ICMP_TIME_EXCEEDED_PACKET);
    assert.deepEqual(parseIcmpv4(pkt, 20, 36), { kind: 'time-exceeded', code: 0, payloadLength: 28, checksum: 0xefc1, checksumOk: true });
});
test('emitIcmpv4 reproduces the three fixtures, checksum included', () => {
    const cases = [
        [VXLAN_ICMP_FRAME, 84, { kind: 'echo-request', identifier: 0x4242, sequence: 1, payloadLength: 11 }],
        [ICMP_FRAG_NEEDED_PACKET, 20, { kind: 'dest-unreachable', code: 4, nextHopMtu: 1400, payloadLength: 28 }],
        [ICMP_TIME_EXCEEDED_PACKET, 20, { kind: 'time-exceeded', code: 0, payloadLength: 28 }],
    ];
    for (const [fixture, at, repr] of cases) {
        const want = hex(fixture);
        const buf = want.slice();
        buf.fill(0x55, at, at + ICMPV4_HEADER_LEN);
        assert.equal(emitIcmpv4(repr, buf, at), ICMPV4_HEADER_LEN);
        assert.deepEqual(buf, want, repr.kind);
    }
});
test('unknown types are kept as other with their raw rest-of-header', () => {
    const buf = new Uint8Array(12);
    emitIcmpv4({ kind: 'other', type: 42, code: 7, restOfHeader: 0xdeadbeef, payloadLength: 4 }, buf, 0);
    assert.deepEqual(parseIcmpv4(buf, 0, 12), { kind: 'other', type: 42, code: 7, restOfHeader: 0xdeadbeef, payloadLength: 4, checksum: (buf[2] << 8) | buf[3], checksumOk: true });
    buf[0] = 8;
    buf[1] = 1; // echo request with a non-zero code is not an echo
    assert.equal(parseIcmpv4(buf, 0, 12).kind, 'other');
});
test('the view turns an echo request into a reply and refills the checksum', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const icmp = new Icmpv4View();
    icmp.wrap(frame, 84, 19);
    icmp.type = 0;
    assert.equal(icmp.checksumOk, false);
    icmp.fillChecksum();
    assert.equal(icmp.checksumOk, true);
    assert.equal(icmp.checksum, 0x28e3);
    assert.equal(icmp.wrap(frame, 84, 7), 'truncated');
    assert.deepEqual(parseIcmpv4(frame, 100, 7), { error: 'truncated' });
});
//# sourceMappingURL=icmpv4.test.js.map