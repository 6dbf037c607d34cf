import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Host } from '../../hosts/host.js';
import { Peer } from '../../hosts/testkit.js';
import { assertConserved } from '../../testing/conservation.js';
import { parseGre } from '../../wire/gre.js';
import { parseIpv4 } from '../../wire/ipv4.js';
import { encodeSpec } from '../../wire/spec.js';
import { GreTunnel } from './gre-tunnel.js';
import { VTEP1_IP, VTEP1_MAC, VTEP2_IP, VTEP2_MAC } from './testkit.js';
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
function oneEndpoint(conf = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('gre', GreTunnel, {
        underlay: { ip: `${VTEP1_IP}/24`, neighbours: { [VTEP2_IP]: VTEP2_MAC } },
        ports: { p1: { key: 1000 } },
        flood: { 1000: [VTEP2_IP] },
        ...conf,
    })
        .app('wire', Peer, {})
        .app('host', Peer, {});
    g.connect('gre.underlay', 'wire.port').connect('gre.p1', 'host.port');
    engine.configure(g);
    return { engine, gre: engine.app('gre'), wire: engine.app('wire'), host: engine.app('host'), run: () => engine.runFor(5_000_000) };
}
const INNER = `eth(src=${B},dst=${A}),payload(len=46)`;
function greFrame(gre, inner = INNER) {
    return encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),gre(${gre}),${inner}`);
}
test('gretap encapsulation carries the key, protocol 0x6558, a verifying checksum and a sequence number per remote and key', () => {
    const t = oneEndpoint({ sequence: true, checksum: true });
    const inner = encodeSpec(`eth(src=${A},dst=${B}),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=18)`);
    t.host.send(inner);
    t.host.send(inner);
    t.run();
    assert.equal(t.wire.received.length, 2);
    t.wire.received.forEach((f, i) => {
        const ip = parseIpv4(f, 14, f.length - 14);
        assert.ok(!('error' in ip));
        assert.equal(ip.protocol, 47);
        assert.equal(ip.checksumOk, true);
        assert.equal(ip.dontFragment, true);
        const gre = parseGre(f, 34, f.length - 34);
        assert.ok(!('error' in gre));
        assert.equal(gre.protocolType, 0x6558);
        assert.equal(gre.key, 1000);
        assert.equal(gre.sequence, i);
        assert.equal(gre.checksumOk, true);
        assert.equal(gre.headerLength, 16);
        assert.deepEqual(f.subarray(50), inner);
    });
    assert.equal(t.gre.overlayMtu, 1500 - 50);
});
test('a gretap frame with a served key is decapsulated; bad GRE headers are counted drops with their reasons', () => {
    const t = oneEndpoint({ sequence: true });
    t.wire.send(greFrame('key=1000,seq=5'));
    t.run();
    assert.deepEqual(t.host.received, [encodeSpec(INNER)]);
    const cases = [
        ['gre-duplicate', greFrame('key=1000,seq=5')],
        ['gre-out-of-order', greFrame('key=1000,seq=4')],
        ['gre-no-sequence', greFrame('key=1000')],
        ['gre-bad-version', greFrame('key=1000,seq=9,ver=1')],
        ['gre-unknown-flags', greFrame('key=1000,seq=9,rsv0=256')],
        ['gre-unknown-flags', greFrame('key=1000,seq=9').map((b, i) => (i === 34 ? b | 0x40 : b))],
        ['gre-no-key', greFrame('seq=9')],
        ['unknown-key', greFrame('key=2000,seq=9')],
        ['gre-wrong-protocol', greFrame('key=1000,seq=9,proto=0x0800')],
        ['gre-bad-checksum', greFrame('key=1000,seq=9,csum=0x1234')],
        ['gre-truncated', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},proto=47),payload(hex=30006558000003e8)`)],
        ['gre-truncated', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},proto=47),payload(hex=2000)`)],
    ];
    for (const [reason, frame] of cases) {
        const before = t.gre.dropCounts[reason];
        t.wire.send(frame);
        t.run();
        assert.equal(t.gre.dropCounts[reason], before + 1, `expected a drop '${reason}'`);
    }
    // Serial number arithmetic: 2^31 + 4 after 5 is "older", 6 is newer.
    t.wire.send(greFrame(`key=1000,seq=${2 ** 31 + 4}`));
    t.wire.send(greFrame('key=1000,seq=6'));
    t.run();
    assert.equal(t.host.received.length, 2);
    assert.equal(t.gre.dropCounts['gre-out-of-order'], 2);
    assert.equal(t.gre.totalDrops(), cases.length + 1);
    assertConserved(t.engine);
});
test('IPv4 over GRE (protocol 0x0800) joins two hosts through point-to-point ports with proxy ARP', () => {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('h1', Host, { interfaces: { eth0: { ip: '10.1.0.1/24' } }, gateway: '10.1.0.254' })
        .app('h2', Host, { interfaces: { eth0: { ip: '10.2.0.1/24' } }, gateway: '10.2.0.254' })
        .app('t1', GreTunnel, { underlay: { ip: `${VTEP1_IP}/24` }, ports: { p: { key: 7, payload: 'ip' } }, flood: { 7: [VTEP2_IP] } })
        .app('t2', GreTunnel, { underlay: { ip: `${VTEP2_IP}/24` }, ports: { p: { key: 7, payload: 'ip' } }, flood: { 7: [VTEP1_IP] } })
        .app('ul', LearningBridge, {});
    g.connect('h1.eth0', 't1.p').connect('h2.eth0', 't2.p').connect('t1.underlay', 'ul.a').connect('t2.underlay', 'ul.b');
    engine.configure(g);
    let captured = null;
    engine.links.get('t1.underlay -> ul.a').tap = (p) => {
        if (p.buf[p.off + 23] === 47)
            captured ??= p.bytes();
    };
    const s = engine.app('h1').ping('10.2.0.1', { count: 2, interval: 10_000_000, timeout: 500_000_000 });
    engine.runUntil(() => s.done, 2_000_000_000);
    assert.equal(s.received, 2);
    assert.ok(captured !== null);
    const gre = parseGre(captured, 34, captured.length - 34);
    assert.ok(!('error' in gre));
    assert.equal(gre.protocolType, 0x0800);
    assert.equal(gre.key, 7);
    assert.equal(captured[34 + 8] >>> 4, 4, 'an IPv4 header follows the GRE header directly');
    assertConserved(engine);
});
//# sourceMappingURL=gre-tunnel.test.js.map