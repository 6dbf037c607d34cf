import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../engine/engine.js';
import { assertConserved } from '../testing/conservation.js';
import { Veth } from './veth.js';
import { FrameEnd } from '../testing/frame-end.js';
import { Peer } from '../hosts/testkit.js';
import { VIRTIO_NET_HDR_GSO_TCPV4 } from './tap/offload.js';
function pair(conf = {}) {
    const e = new Engine();
    e.configure(new Graph()
        .app('veth', Veth, conf)
        .app('ha', FrameEnd)
        .app('hb', FrameEnd)
        .link('ha.tx -> veth.a')
        .link('veth.a -> ha.rx')
        .link('hb.tx -> veth.b')
        .link('veth.b -> hb.rx'));
    return { e, veth: e.app('veth'), a: e.app('ha'), b: e.app('hb') };
}
/** An Ethernet frame with `payload` bytes after the header and the given VLAN tags. */
function frame(payload, tags = []) {
    const head = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    for (const t of tags)
        head.push(t >> 8, t & 0xff, 0, 10);
    return [...head, 0x08, 0x00, ...new Array(payload).fill(0x5a)];
}
test('what enters one end leaves the other, in both directions, with counters per direction', () => {
    const { e, veth, a, b } = pair();
    const f = frame(46);
    a.send(f);
    a.send(f);
    b.send(frame(100));
    e.runBreaths(2);
    assert.deepEqual(b.received, [f, f]);
    assert.deepEqual(a.received, [frame(100)]);
    assert.deepEqual(veth.aToB, { packets: 2, bytes: 120, drops: 0 });
    assert.deepEqual(veth.bToA, { packets: 1, bytes: 114, drops: 0 });
    assertConserved(e);
});
test('a frame with exactly the MTU of payload passes and one byte more is dropped', () => {
    const { e, veth, a, b } = pair({ mtu: 1500 });
    a.send(frame(1500));
    a.send(frame(1501));
    e.runBreaths(2);
    assert.deepEqual(b.received.map((r) => r.length), [1514]);
    assert.equal(veth.dropCounts['mtu-exceeded'], 1);
    assert.deepEqual(veth.aToB, { packets: 1, bytes: 1514, drops: 1 });
    assertConserved(e);
});
test('each VLAN tag adds four bytes to what the MTU allows', () => {
    const { e, veth, a, b } = pair({ mtu: 100 });
    a.send(frame(100, [0x8100]));
    a.send(frame(100, [0x88a8, 0x8100]));
    a.send(frame(101, [0x8100]));
    e.runBreaths(2);
    assert.deepEqual(b.received.map((r) => r.length), [118, 122]);
    assert.equal(veth.dropCounts['mtu-exceeded'], 1);
    assertConserved(e);
});
test('runts and traffic on a pair that is down are drops with reasons', () => {
    const { e, veth, a, b } = pair({ up: false });
    a.send(frame(46));
    e.runBreaths(2);
    assert.equal(veth.dropCounts['link-down'], 1);
    veth.setUp(true);
    b.send([1, 2, 3]);
    a.send(frame(46));
    e.runBreaths(2);
    assert.equal(veth.dropCounts.runt, 1);
    assert.equal(b.received.length, 1);
    assert.deepEqual(veth.bToA, { packets: 0, bytes: 0, drops: 1 });
    assertConserved(e);
});
test('reconfiguring the MTU applies to the next frame', () => {
    const { e, veth, a, b } = pair({ mtu: 1500 });
    e.configure(new Graph()
        .app('veth', Veth, { mtu: 200 })
        .app('ha', FrameEnd)
        .app('hb', FrameEnd)
        .link('ha.tx -> veth.a')
        .link('veth.a -> ha.rx')
        .link('hb.tx -> veth.b')
        .link('veth.b -> hb.rx'));
    assert.equal(veth.mtu, 200);
    a.send(frame(300));
    e.runBreaths(2);
    assert.equal(b.received.length, 0);
    assert.equal(veth.dropCounts['mtu-exceeded'], 1);
    assert.throws(() => new Engine().configure(new Graph().app('v', Veth, { mtu: 10 })), /veth v: mtu must be/);
    assertConserved(e);
});
test('a TSO packet crosses whole when its wire segments fit the MTU, and is dropped when they do not', () => {
    const e = new Engine();
    e.configure(new Graph().app('veth', Veth, { mtu: 600 }).app('pa', Peer).app('pb', Peer).connect('veth.a', 'pa.port').connect('veth.b', 'pb.port'));
    const veth = e.app('veth');
    const [pa, pb] = [e.app('pa'), e.app('pb')];
    // Ethernet, IPv4 (IHL 5), TCP (data offset 5), 1800 payload bytes: 1854 bytes on one packet.
    const f = new Uint8Array(14 + 20 + 20 + 1800);
    f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45], 0);
    f[14 + 9] = 6;
    f[34 + 12] = 5 << 4;
    const tso = (gsoSize) => ({ csumStart: 34, csumOffset: 16, gsoType: VIRTIO_NET_HDR_GSO_TCPV4, gsoSize });
    pa.send(f, false, tso(560)); // segments of 20 + 20 + 560 = 600 bytes after the Ethernet header
    pa.send(f, false, tso(561));
    pa.send(f); // the same bytes as one plain frame
    e.runBreaths(2);
    assert.deepEqual(pb.received.map((r) => r.length), [f.length]);
    assert.deepEqual(pb.receivedOffloads, [tso(560)]);
    assert.equal(veth.dropCounts['mtu-exceeded'], 2);
    assertConserved(e);
});
//# sourceMappingURL=veth.test.js.map