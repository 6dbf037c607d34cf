import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitIpv4, ipv4HeaderLen, Ipv4View, IPPROTO_ICMP, IPPROTO_UDP, IPV4_OPT_END, IPV4_OPT_RECORD_ROUTE, IPV4_OPT_ROUTER_ALERT, parseIpv4, } from './ipv4.js';
import { hex, IPV4_FRAGMENT_PACKET, IPV4_OPTIONS_UDP_PACKET, PADDED_UDP_FRAME, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the view reads every field of the outer IPv4 header of the VXLAN frame', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const ip = new Ipv4View();
    assert.equal(ip.wrap(frame, 14, frame.length - 14), null);
    assert.deepEqual([ip.version, ip.ihl, ip.headerLength, ip.dscp, ip.ecn, ip.totalLength, ip.identification, ip.dontFragment, ip.moreFragments, ip.fragmentOffset, ip.ttl, ip.protocol, ip.checksum, ip.src, ip.dst], [4, 5, 20, 0, 0, 89, 1, false, false, 0, 64, IPPROTO_UDP, 0x6691, 0x0a000001, 0x0a000002]);
    assert.equal(ip.payloadOffset, 34);
    assert.equal(ip.payloadLength, 69);
    assert.equal(ip.checksumOk, true);
    assert.equal(ip.isFragment, false);
});
test('options, DSCP and DF are read from a header with IHL 9', () => {
    const pkt = hex(IPV4_OPTIONS_UDP_PACKET);
    const r = parseIpv4(pkt, 0, pkt.length);
    assert.ok(!('error' in r), JSON.stringify(r));
    assert.equal(r.headerLength, 36);
    assert.equal(r.dscp, 46);
    assert.equal(r.dontFragment, true);
    assert.equal(r.ttl, 17);
    assert.equal(r.checksum, 0x7706);
    assert.equal(r.checksumOk, true);
    assert.deepEqual(r.optionKinds, [IPV4_OPT_RECORD_ROUTE, IPV4_OPT_ROUTER_ALERT, IPV4_OPT_END]);
    assert.deepEqual(r.options, pkt.subarray(20, 36));
    assert.equal(r.payloadLength, 11);
    const ip = new Ipv4View();
    assert.equal(ip.wrap(pkt, 0, pkt.length), null);
    assert.equal(ip.optionsOffset, 20);
    assert.equal(ip.optionsLength, 16);
    assert.equal(ip.payloadOffset, 36);
});
test('a fragment reports MF and its offset in bytes', () => {
    const pkt = hex(IPV4_FRAGMENT_PACKET);
    const r = parseIpv4(pkt, 0, pkt.length);
    assert.ok(!('error' in r));
    assert.deepEqual([r.moreFragments, r.dontFragment, r.fragmentOffset, r.identification, r.protocol, r.ttl], [true, false, 1480, 0xbeef, IPPROTO_ICMP, 255]);
    const ip = new Ipv4View();
    ip.wrap(pkt, 0, pkt.length);
    assert.equal(ip.isFragment, true);
    ip.fragmentOffset = 8 * 0x1fff;
    ip.moreFragments = false;
    ip.dontFragment = true;
    assert.deepEqual([pkt[6], pkt[7]], [0x5f, 0xff]);
    assert.deepEqual([ip.fragmentOffset, ip.moreFragments, ip.dontFragment], [65528, false, true]);
});
test('emitIpv4 reproduces the fixture headers byte for byte, checksum included', () => {
    for (const fixture of [IPV4_OPTIONS_UDP_PACKET, IPV4_FRAGMENT_PACKET]) {
        const pkt = hex(fixture);
        const r = parseIpv4(pkt, 0, pkt.length);
        assert.ok(!('error' in r));
        const out = new Uint8Array(r.headerLength);
        assert.equal(emitIpv4(r, out, 0), r.headerLength);
        assert.deepEqual(out, pkt.subarray(0, r.headerLength));
    }
    const frame = hex(VXLAN_ICMP_FRAME);
    const repr = {
        dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64,
        protocol: IPPROTO_ICMP, src: 0xc0a82a01, dst: 0xc0a82a02, options: new Uint8Array(0), payloadLength: 19,
    };
    const out = new Uint8Array(20);
    assert.equal(ipv4HeaderLen(repr), 20);
    emitIpv4(repr, out, 0);
    assert.deepEqual(out, frame.subarray(64, 84));
});
test('emitIpv4 pads options to 4 bytes and refuses more than 40', () => {
    const base = {
        dscp: 0, ecn: 0, identification: 0, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 1,
        protocol: 2, src: 1, dst: 0xe0000016, options: hex('94040000 01'), payloadLength: 0,
    };
    assert.equal(ipv4HeaderLen(base), 28);
    const out = new Uint8Array(28).fill(0xee);
    emitIpv4(base, out, 0);
    assert.deepEqual([...out.subarray(24)], [1, 0, 0, 0]);
    const r = parseIpv4(out, 0, 28);
    assert.ok(!('error' in r) && r.checksumOk);
    assert.deepEqual(r.optionKinds, [IPV4_OPT_ROUTER_ALERT, 1, IPV4_OPT_END]);
    assert.throws(() => emitIpv4({ ...base, options: new Uint8Array(41) }, new Uint8Array(64), 0), /exceed the 40-byte maximum/);
});
test('a padded Ethernet frame passes and the payload length comes from the total length', () => {
    const frame = hex(PADDED_UDP_FRAME);
    const ip = new Ipv4View();
    assert.equal(ip.wrap(frame, 14, frame.length - 14), null);
    assert.equal(ip.totalLength, 30);
    assert.equal(ip.payloadLength, 10);
});
test('each inconsistency is a named reason', () => {
    const good = hex(IPV4_OPTIONS_UDP_PACKET);
    const ip = new Ipv4View();
    const mutate = (at, value) => {
        const b = good.slice();
        b[at] = value;
        return b;
    };
    assert.equal(ip.wrap(good, 0, 19), 'truncated');
    assert.equal(ip.wrap(good, 0, 30), 'truncated', 'IHL 9 needs 36 bytes');
    assert.equal(ip.wrap(mutate(0, 0x69), 0, 47), 'bad-version');
    assert.equal(ip.wrap(mutate(0, 0x44), 0, 47), 'bad-ihl');
    assert.equal(ip.wrap(mutate(3, 35), 0, 47), 'bad-total-length');
    assert.equal(ip.wrap(mutate(3, 36), 0, 47), null, 'an empty payload is fine');
    assert.equal(ip.wrap(good, 0, 46), 'total-length-exceeds-buffer');
    assert.equal(ip.wrap(good, 1, 47), 'truncated', 'len beyond the buffer');
    assert.deepEqual(parseIpv4(mutate(21, 40), 0, 47), { error: 'bad-option' });
    assert.deepEqual(parseIpv4(mutate(21, 1), 0, 47), { error: 'bad-option' });
    assert.deepEqual(parseIpv4(mutate(0, 0x46), 0, 47), { error: 'bad-option' }, 'IHL 6 cuts the Record Route option');
});
test('decrementTtl patches the checksum to what a full recomputation gives', () => {
    const pkt = hex(IPV4_OPTIONS_UDP_PACKET);
    const ip = new Ipv4View();
    ip.wrap(pkt, 0, pkt.length);
    for (let i = 0; i < 17; i++) {
        ip.decrementTtl();
        assert.equal(ip.checksumOk, true, `after ${i + 1} decrements`);
    }
    assert.equal(ip.ttl, 0);
    ip.src = 0x01020304;
    assert.equal(ip.checksumOk, false);
    ip.fillChecksum();
    assert.equal(ip.checksumOk, true);
    assert.equal(ip.src, 0x01020304);
});
//# sourceMappingURL=ipv4.test.js.map