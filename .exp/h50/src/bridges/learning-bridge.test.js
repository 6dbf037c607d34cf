import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../engine/app.js';
import { Engine, Graph } from '../engine/engine.js';
import { assertConserved } from '../testing/conservation.js';
import { LearningBridge } from './learning-bridge.js';
import { FrameEnd } from '../testing/frame-end.js';
const S = 1_000_000_000;
/** A peer that never reads its input, so the link towards it fills up. */
class Deaf extends App {
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
}
const mac = (n) => [0x02, 0, 0, 0, 0, n];
const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const payload = (n = 46) => Array.from({ length: n }, (_, i) => i & 0xff);
function eth(dst, src, body = payload()) {
    return [...dst, ...src, 0x08, 0x00, ...body];
}
function tagged(dst, src, vlan, body = payload(), pcp = 0) {
    return [...dst, ...src, 0x81, 0x00, (pcp << 5) | (vlan >> 8), vlan & 0xff, 0x08, 0x00, ...body];
}
function lab(ports, conf = {}, options = {}) {
    const e = new Engine(options);
    const g = new Graph().app('br', LearningBridge, conf);
    for (const p of ports) {
        g.app(`h${p}`, FrameEnd).link(`h${p}.tx -> br.${p}`).link(`br.${p} -> h${p}.rx`);
    }
    e.configure(g);
    const h = {};
    for (const p of ports)
        h[p] = e.app(`h${p}`);
    return {
        e,
        br: e.app('br'),
        h,
        send(from, frame) {
            h[from].send(frame);
            e.runBreaths(3);
        },
        got() {
            const out = {};
            for (const p of ports)
                out[p] = h[p].take();
            return out;
        },
    };
}
test('a known unicast destination goes only to the port its address was learned on', () => {
    const l = lab(['p1', 'p2', 'p3']);
    const a = eth(mac(2), mac(1));
    l.send('p1', a);
    assert.deepEqual(l.got(), { p1: [], p2: [a], p3: [a] });
    assert.deepEqual(l.br.fdb().map((r) => [r.mac, r.port, r.vlan, r.static]), [['02:00:00:00:00:01', 'p1', 0, false]]);
    const b = eth(mac(1), mac(2));
    l.send('p2', b);
    assert.deepEqual(l.got(), { p1: [b], p2: [], p3: [] });
    assert.equal(l.br.portCounters('p1').learned, 1);
    assert.equal(l.br.portCounters('p1').floods, 1);
    assert.equal(l.br.portCounters('p2').floods, 0);
    assert.deepEqual(l.br.portCounters('p1'), { rxPackets: 1, rxBytes: 60, txPackets: 1, txBytes: 60, floods: 1, learned: 1, drops: 0 });
    assertConserved(l.e);
});
test('broadcast and unknown unicast flood to every other port with one clone per extra copy', () => {
    const l = lab(['p1', 'p2', 'p3', 'p4']);
    const f = eth(BCAST, mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [f], p3: [f], p4: [f] });
    assert.equal(l.br.generated, 2);
    const u = eth(mac(9), mac(1));
    l.send('p1', u);
    assert.deepEqual(l.got(), { p1: [], p2: [u], p3: [u], p4: [u] });
    assert.equal(l.e.pool.inUse, 0);
    assertConserved(l.e);
});
test('a learned address is forgotten at the ageing time and not a second before', () => {
    const l = lab(['p1', 'p2'], { ageingTime: 300 });
    l.send('p1', eth(BCAST, mac(1)));
    const learnedAt = l.e.now();
    l.e.runUntil(() => false, learnedAt + 299 * S - l.e.now());
    assert.equal(l.br.fdb().length, 1);
    assert.ok(Math.abs(l.br.fdb()[0].age - 299) < 0.01);
    l.e.runFor(1.5 * S);
    assert.deepEqual(l.br.fdb(), []);
    // And traffic to it floods again.
    l.got();
    const f = eth(mac(1), mac(2));
    l.send('p2', f);
    assert.deepEqual(l.got(), { p1: [f], p2: [] });
    assert.equal(l.br.portCounters('p2').floods, 1);
    assertConserved(l.e);
});
test('traffic keeps an entry alive past the ageing time', () => {
    const l = lab(['p1', 'p2'], { ageingTime: 10 });
    for (let i = 0; i < 4; i++) {
        l.send('p1', eth(BCAST, mac(1)));
        l.e.runFor(6 * S);
    }
    assert.equal(l.br.fdb().length, 1);
    l.e.runFor(5 * S);
    assert.equal(l.br.fdb().length, 0);
    assertConserved(l.e);
});
test('an address that shows up on another port moves there', () => {
    const l = lab(['p1', 'p2', 'p3']);
    l.send('p1', eth(BCAST, mac(1)));
    l.send('p2', eth(BCAST, mac(1)));
    l.got();
    const f = eth(mac(1), mac(3));
    l.send('p3', f);
    assert.deepEqual(l.got(), { p1: [], p2: [f], p3: [] });
    assert.equal(l.br.fdb().find((r) => r.mac === '02:00:00:00:00:01').port, 'p2');
    assertConserved(l.e);
});
test('a static entry forwards without learning, never moves and never ages', () => {
    const l = lab(['p1', 'p2', 'p3'], { ageingTime: 10, static: [{ mac: '02:00:00:00:00:07', port: 'p3' }] });
    const f = eth(mac(7), mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [], p3: [f] });
    l.send('p2', eth(BCAST, mac(7)));
    l.got();
    l.e.runFor(60 * S);
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [], p3: [f] });
    assert.deepEqual(l.br.fdb().filter((r) => r.static), [{ mac: '02:00:00:00:00:07', port: 'p3', vlan: 0, age: null, static: true }]);
    l.br.addStatic('02:00:00:00:00:08', 'p2');
    const g = eth(mac(8), mac(1));
    l.send('p1', g);
    assert.deepEqual(l.got(), { p1: [], p2: [g], p3: [] });
    assert.throws(() => l.br.addStatic('02:00:00:00:00:08', 'p9'), /no port "p9"/);
    assert.throws(() => l.br.addStatic('01:00:5e:00:00:01', 'p1'), /group address/);
    assertConserved(l.e);
});
test('flush forgets dynamic entries of one port and keeps static ones', () => {
    const l = lab(['p1', 'p2', 'p3'], { static: [{ mac: '02:00:00:00:00:07', port: 'p1' }] });
    l.send('p1', eth(BCAST, mac(1)));
    l.send('p2', eth(BCAST, mac(2)));
    assert.equal(l.br.flush('p1'), 1);
    assert.deepEqual(l.br.fdb().map((r) => r.mac), ['02:00:00:00:00:02', '02:00:00:00:00:07']);
    l.got();
    const f = eth(mac(1), mac(2));
    l.send('p2', f);
    assert.deepEqual(l.got(), { p1: [f], p2: [], p3: [f] });
    assert.equal(l.br.flush(), 1);
    assertConserved(l.e);
});
test('a frame for the port it came from is dropped unless the port is in hairpin mode', () => {
    const l = lab(['p1', 'p2']);
    l.send('p1', eth(BCAST, mac(1)));
    l.send('p1', eth(BCAST, mac(2)));
    l.got();
    l.send('p1', eth(mac(2), mac(1)));
    assert.deepEqual(l.got(), { p1: [], p2: [] });
    assert.equal(l.br.dropCounts['same-port'], 1);
    assert.equal(l.br.portCounters('p1').drops, 1);
    l.br.setPortFlags('p1', { hairpin: true });
    const f = eth(mac(2), mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [f], p2: [] });
    // Hairpin also lets floods go back out of the ingress port.
    const b = eth(BCAST, mac(1));
    l.send('p1', b);
    assert.deepEqual(l.got(), { p1: [b], p2: [b] });
    assertConserved(l.e);
});
test('a port with learning off learns nothing and a port with flood off gets only known unicast', () => {
    const l = lab(['p1', 'p2', 'p3'], { ports: { p1: { learning: false }, p3: { flood: false } } });
    const f = eth(BCAST, mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [f], p3: [] });
    assert.deepEqual(l.br.fdb(), []);
    l.send('p3', eth(BCAST, mac(3)));
    l.got();
    const u = eth(mac(3), mac(2));
    l.send('p2', u);
    assert.deepEqual(l.got(), { p1: [], p2: [], p3: [u] });
    l.br.setPortFlags('p1', { learning: true });
    l.send('p1', f);
    assert.equal(l.br.fdb().length, 3);
    assert.deepEqual(l.br.portFlags('p3'), { learning: true, flood: false, hairpin: false });
    assertConserved(l.e);
});
test('a flood with nowhere to go is a counted drop', () => {
    const l = lab(['p1', 'p2'], { ports: { p2: { flood: false } } });
    l.send('p1', eth(BCAST, mac(1)));
    assert.equal(l.br.dropCounts['no-egress'], 1);
    assertConserved(l.e);
});
test('a full FDB refuses new addresses, counts them and floods their traffic', () => {
    const l = lab(['p1', 'p2', 'p3'], { fdbMax: 2 });
    l.send('p1', eth(BCAST, mac(1)));
    l.send('p2', eth(BCAST, mac(2)));
    l.send('p3', eth(BCAST, mac(3)));
    assert.deepEqual(l.br.fdbStats(), { size: 2, capacity: 2, overflows: 1 });
    l.got();
    const f = eth(mac(3), mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [f], p3: [f] });
    assertConserved(l.e);
});
test('malformed frames and invalid sources are drops with reasons', () => {
    const l = lab(['p1', 'p2']);
    l.send('p1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    l.send('p1', [...BCAST, ...mac(1), 0x81, 0x00, 0x00]);
    l.send('p1', eth(BCAST, [0x01, 0, 0x5e, 0, 0, 1]));
    l.send('p1', eth(BCAST, [0, 0, 0, 0, 0, 0]));
    l.send('p1', eth([0x01, 0x80, 0xc2, 0, 0, 0x02], mac(1)));
    const stp = eth([0x01, 0x80, 0xc2, 0, 0, 0x00], mac(1));
    l.send('p1', stp);
    assert.deepEqual(l.got(), { p1: [], p2: [stp] });
    assert.equal(l.br.dropCounts.runt, 1);
    assert.equal(l.br.dropCounts['truncated-tag'], 1);
    assert.equal(l.br.dropCounts['multicast-source'], 1);
    assert.equal(l.br.dropCounts['zero-source'], 1);
    assert.equal(l.br.dropCounts['link-local'], 1);
    assert.equal(l.br.portCounters('p1').drops, 5);
    assertConserved(l.e);
});
test('a full output link drops and counts the copies it cannot take', () => {
    const e = new Engine({ linkCapacity: 4 });
    e.configure(new Graph()
        .app('br', LearningBridge, {})
        .app('h1', FrameEnd)
        .app('h2', FrameEnd)
        .app('mute', Deaf)
        .link('h1.tx -> br.p1')
        .link('br.p2 -> h2.rx')
        .link('br.p3 -> mute.rx'));
    const h1 = e.app('h1');
    for (let i = 0; i < 10; i++) {
        h1.send(eth(BCAST, mac(1)));
        if (i % 3 === 2)
            e.runBreaths(1);
    }
    e.runBreaths(3);
    assert.equal(e.app('h2').received.length, 10);
    const full = e.links.get('br.p3 -> mute.rx');
    assert.equal(full.queued, 4);
    assert.equal(full.drops, 6);
    assertConserved(e);
});
test('a port that loses its links is forgotten in the FDB', () => {
    const l = lab(['p1', 'p2', 'p3']);
    l.send('p3', eth(BCAST, mac(3)));
    l.send('p1', eth(BCAST, mac(1)));
    const g = new Graph().app('br', LearningBridge, {});
    for (const p of ['p1', 'p2'])
        g.app(`h${p}`, FrameEnd).link(`h${p}.tx -> br.${p}`).link(`br.${p} -> h${p}.rx`);
    l.e.configure(g);
    assert.deepEqual(l.br.fdb().map((r) => r.port), ['p1']);
    assertConserved(l.e);
});
test('a traced frame records what the bridge learned and decided', () => {
    const l = lab(['p1', 'p2', 'p3']);
    const h1 = l.h.p1;
    const p = l.e.pool.alloc();
    p.setData(Uint8Array.from(eth(BCAST, mac(1))));
    const id = l.e.tracer.start(p);
    h1.generated++;
    h1.output.tx.transmit(p);
    l.e.runBreaths(2);
    const notes = l.e.tracer.records(id).filter((r) => r.kind === 'note').map((r) => r.text);
    assert.deepEqual(notes, ['learned 02:00:00:00:00:01 on p1 vlan 0', 'flood to p2,p3']);
    l.send('p2', eth(BCAST, mac(2)));
    const q = l.e.pool.alloc();
    q.setData(Uint8Array.from(eth(mac(2), mac(1))));
    const id2 = l.e.tracer.start(q);
    h1.generated++;
    h1.output.tx.transmit(q);
    l.e.runBreaths(2);
    assert.deepEqual(l.e.tracer.records(id2).filter((r) => r.kind === 'note').map((r) => r.text), ['fdb hit -> p2']);
    assertConserved(l.e);
});
test('without VLAN filtering tags pass untouched and one FDB serves every VLAN', () => {
    const l = lab(['p1', 'p2', 'p3']);
    l.send('p1', tagged(BCAST, mac(1), 10));
    l.got();
    const f = tagged(mac(1), mac(2), 20);
    l.send('p2', f);
    assert.deepEqual(l.got(), { p1: [f], p2: [], p3: [] });
    assert.deepEqual(l.br.fdb().map((r) => r.vlan), [0, 0]);
    assertConserved(l.e);
});
// VLAN filtering: p1 access port in VLAN 10, p2 trunk (10 and 20 tagged), p3 access port in VLAN 20,
// p4 has VLAN 10 untagged and 20 tagged with PVID 20.
const vlanConf = {
    vlanFiltering: true,
    ports: {
        p1: { pvid: 10, untagged: [10] },
        p2: { tagged: [10, 20] },
        p3: { pvid: 20 },
        p4: { pvid: 20, untagged: [10], tagged: [20] },
    },
};
test('with VLAN filtering untagged ingress takes the PVID and leaves tagged ports with an inserted tag', () => {
    const l = lab(['p1', 'p2', 'p3', 'p4'], vlanConf);
    const body = payload();
    l.send('p1', eth(BCAST, mac(1), body));
    const got = l.got();
    assert.deepEqual(got.p1, []);
    assert.deepEqual(got.p2, [tagged(BCAST, mac(1), 10, body)]);
    assert.deepEqual(got.p3, []);
    assert.deepEqual(got.p4, [eth(BCAST, mac(1), body)]);
    assert.deepEqual(l.br.fdb().map((r) => [r.mac, r.port, r.vlan]), [['02:00:00:00:00:01', 'p1', 10]]);
    assertConserved(l.e);
});
test('with VLAN filtering a tagged frame is stripped on untagged members and keeps its priority on tagged ones', () => {
    const l = lab(['p1', 'p2', 'p3', 'p4'], vlanConf);
    const body = payload(50);
    l.send('p2', tagged(BCAST, mac(2), 20, body, 5));
    const got = l.got();
    assert.deepEqual(got.p1, []);
    assert.deepEqual(got.p3, [eth(BCAST, mac(2), body)]);
    assert.deepEqual(got.p4, [tagged(BCAST, mac(2), 20, body, 5)]);
    // Known unicast back from the access port gets tagged towards the trunk.
    const f = eth(mac(2), mac(3), body);
    l.send('p3', f);
    assert.deepEqual(l.got().p2, [tagged(mac(2), mac(3), 20, body)]);
    assertConserved(l.e);
});
test('with VLAN filtering the same MAC in two VLANs is two FDB entries', () => {
    const l = lab(['p1', 'p2', 'p3', 'p4'], vlanConf);
    l.send('p1', eth(BCAST, mac(1)));
    l.send('p3', eth(BCAST, mac(1)));
    assert.deepEqual(l.br.fdb().map((r) => [r.port, r.vlan]), [['p1', 10], ['p3', 20]]);
    l.got();
    const f = tagged(mac(1), mac(9), 10);
    l.send('p2', f);
    assert.deepEqual(l.got().p1, [eth(mac(1), mac(9))]);
    assertConserved(l.e);
});
test('with VLAN filtering non-member and PVID-less ingress is dropped and egress goes only to members', () => {
    const l = lab(['p1', 'p2', 'p3', 'p4'], { vlanFiltering: true, ports: { ...vlanConf.ports, p2: { tagged: [10, 20] } } });
    l.send('p1', tagged(BCAST, mac(1), 20));
    assert.equal(l.br.dropCounts['vlan-not-member'], 1);
    l.send('p2', eth(BCAST, mac(2)));
    assert.equal(l.br.dropCounts['no-pvid'], 1);
    // A priority-tagged frame (VID 0) on an access port takes the PVID.
    l.send('p3', tagged(BCAST, mac(3), 0, payload(), 3));
    const got = l.got();
    assert.deepEqual(got.p1, []);
    assert.deepEqual(got.p2, [tagged(BCAST, mac(3), 20, payload(), 3)]);
    assert.deepEqual(got.p4, [tagged(BCAST, mac(3), 20, payload(), 3)]);
    // Static entry to a port that is not in the VLAN: filtered at egress.
    l.br.addStatic('02:00:00:00:00:0a', 'p1', 20);
    l.send('p3', eth(mac(10), mac(3)));
    assert.equal(l.br.dropCounts['egress-filtered'], 1);
    assertConserved(l.e);
});
test('ports of a VLAN-filtering bridge default to VLAN 1 untagged, like Linux', () => {
    const l = lab(['p1', 'p2'], { vlanFiltering: true });
    const f = eth(BCAST, mac(1));
    l.send('p1', f);
    assert.deepEqual(l.got(), { p1: [], p2: [f] });
    assert.equal(l.br.fdb()[0].vlan, 1);
    assertConserved(l.e);
});
test('reconfiguring the bridge keeps learned entries and replaces configured static ones', () => {
    const e = new Engine();
    const graph = (conf) => {
        const g = new Graph().app('br', LearningBridge, conf);
        for (const p of ['p1', 'p2'])
            g.app(`h${p}`, FrameEnd).link(`h${p}.tx -> br.${p}`).link(`br.${p} -> h${p}.rx`);
        return g;
    };
    e.configure(graph({ static: [{ mac: '02:00:00:00:00:07', port: 'p1' }] }));
    e.app('hp1').send(eth(BCAST, mac(1)));
    e.runBreaths(2);
    const br = e.app('br');
    e.configure(graph({ ageingTime: 20, static: [{ mac: '02:00:00:00:00:08', port: 'p2' }] }));
    assert.equal(e.app('br'), br);
    assert.deepEqual(br.fdb().map((r) => [r.mac, r.port, r.static]), [['02:00:00:00:00:01', 'p1', false], ['02:00:00:00:00:08', 'p2', true]]);
    assert.equal(br.ageingTime, 20);
    e.configure(graph({ fdbMax: 1, static: [{ mac: '02:00:00:00:00:08', port: 'p2' }] }));
    assert.deepEqual(br.fdb().map((r) => r.mac), ['02:00:00:00:00:08']);
    assertConserved(e);
});
test('bad configuration is refused with the field named', () => {
    const make = (conf) => () => new Engine().configure(new Graph().app('br', LearningBridge, conf));
    assert.throws(make({ ageingTime: -1 }), /bridge br: ageingTime/);
    assert.throws(make({ fdbMax: 0 }), /bridge br: fdbMax/);
    assert.throws(make({ ports: { p1: { pvid: 4095 } } }), /ports\.p1\.pvid: VLAN id must be/);
    assert.throws(make({ ports: { p1: { untagged: [5], tagged: [5] } } }), /both untagged and tagged/);
    assert.throws(make({ static: [{ mac: 'zz', port: 'p1' }] }), /static\[0\]: invalid MAC address "zz"/);
});
test('transmit counters come from the output links and keep a replaced link\'s counts', () => {
    const e = new Engine();
    const graph = (second) => new Graph()
        .app('br', LearningBridge, {})
        .app('h1', FrameEnd)
        .link('h1.tx -> br.p1')
        .link('br.p1 -> h1.rx')
        .app(second, FrameEnd)
        .link(`${second}.tx -> br.p2`)
        .link(`br.p2 -> ${second}.rx`);
    e.configure(graph('h2'));
    const br = e.app('br');
    const frame = eth(mac(9), mac(1));
    const send = (n) => {
        for (let i = 0; i < n; i++)
            e.app('h1').send(frame);
        e.runBreaths(3);
    };
    send(2);
    assert.deepEqual([br.portCounters('p2').txPackets, br.portCounters('p2').txBytes], [2, 2 * frame.length]);
    // Another host on p2: new links, whose counts add to the old ones'.
    e.configure(graph('h2b'));
    send(3);
    assert.deepEqual([br.portCounters('p2').txPackets, br.portCounters('p2').txBytes], [5, 5 * frame.length]);
    assert.equal(e.app('h2b').take().length, 3);
    assert.equal(br.portCounters('p1').rxPackets, 5);
});
//# sourceMappingURL=learning-bridge.test.js.map