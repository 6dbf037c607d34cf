import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Peer } from '../../hosts/testkit.js';
import { Host } from '../../hosts/host.js';
import { assertConserved } from '../../testing/conservation.js';
import { parseIpv4 } from '../../wire/ipv4.js';
import { parseUdp } from '../../wire/udp.js';
import { parseVxlan } from '../../wire/vxlan.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetSum } from '../../wire/checksum.js';
import { VxlanVtep } from './vxlan-vtep.js';
import { Collector, Injector } from '../openflow/testkit.js';
import { ROGUE_IP, VTEP1_IP, VTEP1_MAC, VTEP2_IP, VTEP2_MAC } from './testkit.js';
const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
/** One VTEP whose underlay is a peer that answers ARP for 192.168.0.2 and records the rest. */
function oneVtep(conf = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('vtep', VxlanVtep, {
        underlay: { ip: `${VTEP1_IP}/24`, neighbours: { [VTEP2_IP]: VTEP2_MAC } },
        ports: { p1: 100, trunk: [{ vni: 100, vlan: 10 }, { vni: 200, vlan: 20 }] },
        flood: { 100: [VTEP2_IP], 200: [VTEP2_IP] },
        ...conf,
    })
        .app('wire', Peer, {})
        .app('host', Peer, {})
        .app('trunk', Peer, {});
    g.connect('vtep.underlay', 'wire.port').connect('vtep.p1', 'host.port').connect('vtep.trunk', 'trunk.port');
    engine.configure(g);
    return { engine, vtep: engine.app('vtep'), wire: engine.app('wire'), host: engine.app('host'), trunk: engine.app('trunk'), run: () => engine.runFor(5_000_000) };
}
function udpFrame(src, dst, sport = 1000, extra = '') {
    return encodeSpec(`eth(src=${src},dst=${dst}),ipv4(src=10.0.0.1,dst=10.0.0.2${extra}),udp(src=${sport},dst=2000),payload(len=18)`);
}
function vxlanFrame(inner, opts = {}) {
    const flags = opts.flags === undefined ? '' : `,flags=${opts.flags}`;
    return encodeSpec(`eth(src=${VTEP2_MAC},dst=${opts.dstMac ?? VTEP1_MAC}),ipv4(src=${opts.src ?? VTEP2_IP},dst=${opts.dstIp ?? VTEP1_IP}),udp(src=50000,dst=4789,csum=0),vxlan(vni=${opts.vni ?? 100}${flags}),${inner}`);
}
test('an access frame leaves encapsulated: outer Ethernet/IPv4/UDP 4789/VXLAN with the VNI, DF, TTL 64 and a correct IP checksum', () => {
    const t = oneVtep();
    const inner = udpFrame(A, B);
    t.host.send(inner);
    t.run();
    assert.equal(t.wire.received.length, 1);
    const f = t.wire.received[0];
    assert.equal(f.length, inner.length + 50);
    assert.deepEqual([...f.subarray(0, 12)], [0x0e, 0, 192, 168, 0, 2, 0x0e, 0, 192, 168, 0, 1]);
    const ip = parseIpv4(f, 14, f.length - 14);
    assert.ok(!('error' in ip));
    assert.equal(ip.dontFragment, true);
    assert.equal(ip.ttl, 64);
    assert.equal(ip.protocol, 17);
    assert.equal(ip.checksumOk, true);
    assert.equal(ip.totalLength, inner.length + 36);
    const udp = parseUdp(f, 34, f.length - 34);
    assert.ok(!('error' in udp));
    assert.equal(udp.dstPort, 4789);
    assert.ok(udp.srcPort >= 49152 && udp.srcPort <= 65535);
    assert.equal(udp.checksum, 0);
    const vx = parseVxlan(f, 42, f.length - 42);
    assert.ok(!('error' in vx));
    assert.equal(vx.vni, 100);
    assert.equal(vx.flags, 0x08);
    assert.deepEqual(f.subarray(50), inner);
    assertConserved(t.engine);
});
test('the outer UDP source port follows the inner flow: equal flows share it, different flows spread', () => {
    const t = oneVtep();
    for (let sport = 1000; sport < 1064; sport++)
        t.host.send(udpFrame(A, B, sport));
    t.host.send(udpFrame(A, B, 1000));
    t.run();
    const ports = t.wire.received.map((f) => (f[34] << 8) | f[35]);
    assert.equal(ports[64], ports[0]);
    assert.ok(new Set(ports).size > 40, `only ${new Set(ports).size} distinct source ports for 64 flows`);
});
test('a received VXLAN frame is decapsulated to the VNI\'s port and its source learned, so the reply goes unicast', () => {
    const t = oneVtep();
    const inner = `eth(src=${B},dst=${A}),ipv4(src=10.0.0.2,dst=10.0.0.1),udp(src=2000,dst=1000),payload(len=18)`;
    t.wire.send(vxlanFrame(inner));
    t.run();
    assert.deepEqual(t.host.received, [encodeSpec(inner)]);
    // A is unknown yet, so the frame floods to both local members of VNI 100: untagged on p1, tagged 10 on the trunk.
    assert.deepEqual(t.trunk.received[0].subarray(12, 16), Uint8Array.of(0x81, 0x00, 0x00, 10));
    assert.deepEqual(t.vtep.fdbRows().find((r) => r.mac === B), { segment: 100, mac: B, where: `remote ${VTEP2_IP}`, static: false });
    t.host.send(udpFrame(A, B));
    t.run();
    assert.equal(t.wire.received.length, 1);
    assert.equal(t.vtep.stats().floods, 0);
});
test('a trunk port maps VLANs to VNIs: the tag picks the VNI and is removed, and is put back on delivery', () => {
    const t = oneVtep();
    t.trunk.send(encodeSpec(`eth(src=${A},dst=ff:ff:ff:ff:ff:ff),vlan(vid=20),ipv4(src=10.0.0.1,dst=10.0.0.255),udp(src=1,dst=2)`));
    t.run();
    assert.equal(t.host.received.length, 0, 'VNI 200 has no untagged member');
    const f = t.wire.received[0];
    assert.equal((f[46] << 16) | (f[47] << 8) | f[48], 200);
    assert.deepEqual(f.subarray(50), encodeSpec(`eth(src=${A},dst=ff:ff:ff:ff:ff:ff),ipv4(src=10.0.0.1,dst=10.0.0.255),udp(src=1,dst=2)`));
    t.wire.send(vxlanFrame(`eth(src=${B},dst=${A}),payload(len=46)`, { vni: 200 }));
    t.run();
    assert.deepEqual(t.trunk.received[0].subarray(12, 16), Uint8Array.of(0x81, 0x00, 0x00, 20));
    t.trunk.send(encodeSpec(`eth(src=${A},dst=${B}),vlan(vid=30),payload(len=46)`));
    t.run();
    assert.equal(t.vtep.dropCounts['no-segment'], 1);
    assertConserved(t.engine);
});
test('ARP requests for addresses in the suppression table are answered locally and never flooded', () => {
    const t = oneVtep({ arpSuppress: { 100: { '10.0.0.2': B } } });
    t.host.send(encodeSpec(`eth(src=${A},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${A},spa=10.0.0.1,tpa=10.0.0.2)`));
    t.host.send(encodeSpec(`eth(src=${A},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${A},spa=10.0.0.1,tpa=10.0.0.9)`));
    t.run();
    assert.deepEqual(t.host.received, [encodeSpec(`eth(src=${B},dst=${A}),arp(op=reply,sha=${B},spa=10.0.0.2,tha=${A},tpa=10.0.0.1)`)]);
    assert.equal(t.wire.received.length, 1, 'the unknown address is flooded as usual');
    assert.equal(t.vtep.stats().arpSuppressed, 1);
});
test('an oversized inner IPv4 packet with DF gets ICMP fragmentation-needed with the overlay MTU; without DF it is a counted drop', () => {
    const t = oneVtep({ underlay: { ip: `${VTEP1_IP}/24`, mtu: 1000, neighbours: { [VTEP2_IP]: VTEP2_MAC } } });
    assert.equal(t.vtep.overlayMtu, 950);
    const fits = encodeSpec(`eth(src=${A},dst=${B}),ipv4(src=10.0.0.1,dst=10.0.0.2,df),udp(src=1,dst=2),payload(len=922)`);
    assert.equal(fits.length - 14, 950);
    t.host.send(fits);
    const big = encodeSpec(`eth(src=${A},dst=${B}),ipv4(src=10.0.0.1,dst=10.0.0.2,df,id=77),udp(src=1,dst=2),payload(len=923)`);
    t.host.send(big);
    t.host.send(encodeSpec(`eth(src=${A},dst=${B}),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=923)`));
    t.run();
    assert.equal(t.wire.received.length, 1);
    assert.equal(t.host.received.length, 1);
    const icmp = t.host.received[0];
    const quote = big.subarray(14, 14 + 28);
    assert.deepEqual(icmp.subarray(0, 12), encodeSpec(`eth(src=${B},dst=${A})`).subarray(0, 12));
    const ip = parseIpv4(icmp, 14, icmp.length - 14);
    assert.ok(!('error' in ip));
    assert.equal(ip.protocol, 1);
    assert.equal(ip.checksumOk, true);
    assert.equal(ip.src, 0x0a000002);
    assert.equal(ip.dst, 0x0a000001);
    assert.deepEqual([icmp[34], icmp[35], (icmp[40] << 8) | icmp[41]], [3, 4, 950]);
    assert.equal(internetSum(icmp, 34, icmp.length - 34), 0xffff);
    assert.deepEqual(icmp.subarray(42), quote);
    assert.equal(t.vtep.dropCounts['needs-fragmentation'], 1);
    assert.equal(t.vtep.stats().fragNeeded, 1);
    assertConserved(t.engine);
});
test('with learning off a forged inner source MAC never moves a static entry, and nothing is learned', () => {
    const t = oneVtep({ learning: false, static: [{ vni: 100, mac: B, remote: VTEP2_IP }] });
    t.wire.send(vxlanFrame(`eth(src=02:00:00:00:00:77,dst=${A}),payload(len=46)`));
    t.host.send(udpFrame(A, B));
    t.run();
    assert.equal(t.wire.received.length, 1);
    assert.deepEqual(t.vtep.fdbRows().filter((r) => r.where.startsWith('remote')), [{ segment: 100, mac: B, where: `remote ${VTEP2_IP}`, static: true }]);
    // A local host claiming B's MAC learns on the local side but cannot move the static entry.
    t.host.send(udpFrame(B, A));
    t.host.send(udpFrame(A, B));
    t.run();
    assert.equal(t.vtep.dropCounts['same-port'], 1);
    assert.equal(t.wire.received.length, 2);
    assert.equal(t.vtep.fdbRows().find((r) => r.mac === B).where, `remote ${VTEP2_IP}`);
});
test('hostile underlay frames are counted drops, each with its own reason, and packets are conserved', () => {
    const t = oneVtep();
    const inner = `eth(src=${B},dst=${A}),payload(len=46)`;
    const cases = [
        ['underlay-runt', Uint8Array.of(1, 2, 3)],
        ['not-my-mac', vxlanFrame(inner, { dstMac: '02:00:00:00:99:99' })],
        ['outer-truncated', vxlanFrame(inner).subarray(0, 30)],
        ['outer-truncated', (() => { const f = vxlanFrame(inner); return f.subarray(0, f.length - 10); })()],
        ['outer-bad-ihl', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),udp(dst=4789),vxlan(vni=100),${inner}`).map((b, i) => (i === 14 ? 0x44 : b))],
        ['outer-bad-version', vxlanFrame(inner).map((b, i) => (i === 14 ? 0x65 : b))],
        ['outer-bad-total-length', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},len=10),udp(dst=4789),vxlan(vni=100),${inner}`)],
        ['outer-bad-checksum', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},csum=0x1234),udp(dst=4789),vxlan(vni=100),${inner}`)],
        ['not-my-ip', vxlanFrame(inner, { dstIp: '192.168.0.9' })],
        ['outer-fragment', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},mf),udp(dst=4789),vxlan(vni=100),${inner}`)],
        ['not-tunnel', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),gre(key=100),${inner}`)],
        ['underlay-not-ip', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC},type=0x86dd),payload(len=46)`)],
        ['unknown-vtep', vxlanFrame(inner, { src: ROGUE_IP })],
        ['udp-truncated', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP},proto=17),payload(len=4)`)],
        ['udp-bad-checksum', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),udp(dst=4789,csum=0x1234),vxlan(vni=100),${inner}`)],
        ['not-vxlan-port', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),udp(src=1,dst=4790),vxlan(vni=100),${inner}`)],
        ['vxlan-truncated', encodeSpec(`eth(src=${VTEP2_MAC},dst=${VTEP1_MAC}),ipv4(src=${VTEP2_IP},dst=${VTEP1_IP}),udp(dst=4789,csum=0),payload(hex=0800)`)],
        ['vxlan-i-flag-clear', vxlanFrame(inner, { flags: 0 })],
        ['unknown-vni', vxlanFrame(inner, { vni: 300 })],
        ['inner-truncated', vxlanFrame('payload(len=10)')],
        ['inner-bad-source', vxlanFrame(`eth(src=01:00:5e:00:00:01,dst=${A}),payload(len=46)`)],
        ['underlay-arp-malformed', encodeSpec(`eth(src=${VTEP2_MAC},dst=ff:ff:ff:ff:ff:ff,type=0x0806),payload(len=10)`)],
    ];
    for (const [reason, frame] of cases) {
        const before = t.vtep.dropCounts[reason];
        t.wire.send(frame);
        t.run();
        assert.equal(t.vtep.dropCounts[reason], before + 1, `expected a drop '${reason}'`);
    }
    assert.equal(t.host.received.length, 0);
    assert.equal(t.vtep.totalDrops(), cases.length);
    assertConserved(t.engine);
});
test('a VNI the sending VTEP is not allowed on is dropped as vni-not-allowed', () => {
    const t = oneVtep({ flood: { 100: [VTEP2_IP], 200: ['192.168.0.3'] } });
    t.wire.send(vxlanFrame(`eth(src=${B},dst=${A}),payload(len=46)`, { vni: 200 }));
    t.run();
    assert.equal(t.vtep.dropCounts['vni-not-allowed'], 1);
});
/** A VTEP with no static underlay neighbours; the wire answers its ARP requests with `answer()` as VTEP2's MAC. */
function arpLab(answer, conf = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 1024 }) });
    const g = new Graph()
        .app('vtep', VxlanVtep, { underlay: { ip: `${VTEP1_IP}/24` }, ports: { p1: 100 }, flood: { 100: [VTEP2_IP] }, ...conf })
        .app('host', Peer, {})
        .app('wire', Peer, {
        onFrame: (f) => (f[12] === 0x08 && f[13] === 0x06 && f[21] === 1
            ? [encodeSpec(`eth(src=${answer()},dst=${VTEP1_MAC}),arp(op=reply,sha=${answer()},spa=${VTEP2_IP},tha=${VTEP1_MAC},tpa=${VTEP1_IP})`)]
            : []),
    });
    g.connect('vtep.underlay', 'wire.port').connect('vtep.p1', 'host.port');
    engine.configure(g);
    return { engine, vtep: engine.app('vtep'), wire: engine.app('wire'), host: engine.app('host') };
}
test('the underlay is resolved by ARP: frames wait in a bounded queue, the VTEP answers ARP for its own address', () => {
    const { engine, vtep, wire, host } = arpLab(() => VTEP2_MAC, { pendingMax: 2 });
    for (let i = 0; i < 3; i++)
        host.send(udpFrame(A, B, 1000 + i));
    engine.runFor(1_000_000);
    assert.equal(vtep.dropCounts['underlay-queue-full'], 1);
    const kinds = wire.received.map((f) => (f[12] === 0x08 && f[13] === 0x06 ? 'arp' : 'vxlan'));
    assert.deepEqual(kinds, ['arp', 'vxlan', 'vxlan']);
    wire.send(encodeSpec(`eth(src=${VTEP2_MAC},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${VTEP2_MAC},spa=${VTEP2_IP},tpa=${VTEP1_IP})`));
    engine.runFor(1_000_000);
    assert.deepEqual(wire.received.at(-1), encodeSpec(`eth(src=${VTEP1_MAC},dst=${VTEP2_MAC}),arp(op=reply,sha=${VTEP1_MAC},spa=${VTEP1_IP},tha=${VTEP2_MAC},tpa=${VTEP2_IP})`));
    assertConserved(engine);
});
test('a next hop that never answers ARP drops its waiting frames after three tries', () => {
    const engine = new Engine({ pool: new PacketPool({ count: 1024 }) });
    const g = new Graph()
        .app('vtep', VxlanVtep, { underlay: { ip: `${VTEP1_IP}/24` }, ports: { p1: 100 }, flood: { 100: [VTEP2_IP] } })
        .app('host', Peer, {})
        .app('wire', Peer, {});
    g.connect('vtep.underlay', 'wire.port').connect('vtep.p1', 'host.port');
    engine.configure(g);
    engine.app('host').send(udpFrame(A, B));
    engine.runFor(1_000_000_000);
    const vtep = engine.app('vtep');
    assert.equal(vtep.dropCounts['underlay-unresolved'], 1);
    assert.equal(vtep.stats().arpRequests, 3);
    assert.equal(vtep.held(), 0);
    assertConserved(engine);
});
test('underlay next hops live in the shared neighbour cache: learned, counted, and a new MAC redirects the next frames', () => {
    const moved = '0e:00:c0:a8:00:99';
    let answer = VTEP2_MAC;
    const { engine, vtep, wire, host } = arpLab(() => answer);
    host.send(udpFrame(A, B, 1000));
    engine.runFor(1_000_000);
    assert.deepEqual(vtep.neighbours(), [{ ip: VTEP2_IP, mac: VTEP2_MAC }]);
    assert.deepEqual(vtep.neighbourCounts(), { entries: 1, capacity: 1024, overflow: 0, evictions: 0, queued: 0 });
    const macOf = (f) => [...f.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    assert.equal(macOf(wire.received.at(-1)), VTEP2_MAC);
    // The neighbour announces a new MAC in a request to us: the outer header follows it.
    answer = moved;
    wire.send(encodeSpec(`eth(src=${moved},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${moved},spa=${VTEP2_IP},tpa=${VTEP1_IP})`));
    engine.runFor(1_000_000);
    host.send(udpFrame(A, B, 1001));
    engine.runFor(1_000_000);
    assert.equal(macOf(wire.received.at(-1)), moved);
    assert.deepEqual(vtep.neighbours(), [{ ip: VTEP2_IP, mac: moved }]);
    assert.equal(vtep.stats().encapsulated, 2);
    assert.equal(vtep.held(), 0);
    assertConserved(engine);
});
test('two tenants with the same IPs and MACs ping across the underlay, each only within its own VNI', () => {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph();
    const mac1 = '02:00:00:00:01:01';
    const mac2 = '02:00:00:00:01:02';
    for (const [name, ip, mac] of [['a1', '10.0.0.1/24', mac1], ['b1', '10.0.0.1/24', mac1], ['a2', '10.0.0.2/24', mac2], ['b2', '10.0.0.2/24', mac2], ['a3', '10.0.0.3/24', '02:00:00:00:01:03']]) {
        g.app(name, Host, { interfaces: { eth0: { ip, mac } } });
    }
    g.app('vtep1', VxlanVtep, { underlay: { ip: `${VTEP1_IP}/24` }, ports: { a: 100, b: 200 }, flood: { 100: [VTEP2_IP], 200: [VTEP2_IP] } });
    g.app('vtep2', VxlanVtep, { underlay: { ip: `${VTEP2_IP}/24` }, ports: { a: 100, b: 200, a3: 100 }, flood: { 100: [VTEP1_IP], 200: [VTEP1_IP] } });
    g.app('ul', LearningBridge, {});
    g.connect('vtep1.underlay', 'ul.v1').connect('vtep2.underlay', 'ul.v2');
    g.connect('a1.eth0', 'vtep1.a').connect('b1.eth0', 'vtep1.b').connect('a2.eth0', 'vtep2.a').connect('b2.eth0', 'vtep2.b').connect('a3.eth0', 'vtep2.a3');
    engine.configure(g);
    const ping = (from, to) => {
        const s = engine.app(from).ping(to, { count: 1, timeout: 500_000_000 });
        engine.runUntil(() => s.done, 2_000_000_000);
        return s.received;
    };
    assert.equal(ping('a1', '10.0.0.2'), 1);
    assert.equal(ping('b1', '10.0.0.2'), 1);
    assert.equal(ping('a1', '10.0.0.3'), 1);
    assert.equal(ping('b1', '10.0.0.3'), 0, 'tenant B cannot reach tenant A\'s third host');
    assertConserved(engine);
});
/** One VTEP with a `vni: flow` port `tun` fed by an injector (frames carry a tunnelId) and drained by a collector. */
function flowVtep() {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('vtep', VxlanVtep, {
        underlay: { ip: `${VTEP1_IP}/24`, neighbours: { [VTEP2_IP]: VTEP2_MAC } },
        ports: { tun: { vni: 'flow' } },
        flood: { 100: [VTEP2_IP], 200: [VTEP2_IP] },
    })
        .app('wire', Peer, {})
        .app('inj', Injector, {})
        .app('col', Collector, {});
    g.connect('vtep.underlay', 'wire.port').link('inj.output -> vtep.tun').link('vtep.tun -> col.input');
    engine.configure(g);
    return { engine, wire: engine.app('wire'), inj: engine.app('inj'), col: engine.app('col'), run: () => engine.runFor(5_000_000) };
}
test('a flow port encapsulates with the frame\'s tunnelId as the VNI and drops a tunnelId of no flood list', () => {
    const t = flowVtep();
    const inner = udpFrame(A, B);
    t.inj.inject(inner, 200);
    t.inj.inject(inner, 100);
    t.inj.inject(inner, 300);
    t.inj.inject(inner, 0);
    t.run();
    const vnis = t.wire.received.map((f) => {
        const vx = parseVxlan(f, 42, f.length - 42);
        assert.ok(!('error' in vx));
        assert.deepEqual(f.subarray(50), inner);
        return vx.vni;
    });
    assert.deepEqual(vnis, [200, 100]);
    assert.equal(t.engine.app('vtep').dropCounts['no-segment'], 2);
    assertConserved(t.engine);
});
test('a flow port delivers a decapsulated frame untagged with its VNI as the tunnelId', () => {
    const t = flowVtep();
    const inner = `eth(src=${B},dst=${A}),ipv4(src=10.0.0.2,dst=10.0.0.1),udp(src=2000,dst=1000),payload(len=18)`;
    t.wire.send(vxlanFrame(inner, { vni: 200 }));
    t.wire.send(vxlanFrame(inner, { vni: 100 }));
    t.run();
    const plain = Buffer.from(encodeSpec(inner)).toString('hex');
    assert.deepEqual(t.col.seen, [`${plain}@tun200`, `${plain}@tun100`]);
    assertConserved(t.engine);
});
test('a flow binding needs flood lists and stands alone on its port', () => {
    const base = { underlay: { ip: `${VTEP1_IP}/24` } };
    const engine = new Engine({ pool: new PacketPool({ count: 64 }) });
    assert.throws(() => engine.configure(new Graph().app('v', VxlanVtep, { ...base, ports: { tun: { vni: 'flow' } } })), /flow port needs the segments it carries listed in flood/);
    assert.throws(() => engine.configure(new Graph().app('v', VxlanVtep, { ...base, ports: { tun: [{ vni: 'flow' }, { vni: 100, vlan: 10 }] }, flood: { 100: [VTEP2_IP] } })), /vni: flow binding is the port's only one/);
});
//# sourceMappingURL=vxlan-vtep.test.js.map