import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { NS_PER_S } from '../../engine/clock.js';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { Host } from '../../hosts/host.js';
import { Peer } from '../../hosts/testkit.js';
import { assertConserved } from '../../testing/conservation.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { Ipv4View } from '../../wire/ipv4.js';
import { UdpView } from '../../wire/udp.js';
import { TcpView } from '../../wire/tcp.js';
import { Icmpv4View } from '../../wire/icmpv4.js';
import { formatIpv4Addr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import { NatGateway } from './nat-gateway.js';
const GW_IN = '02:00:00:00:01:01';
const GW_OUT = '02:00:00:00:02:01';
const IN_PEER = '02:00:00:00:01:99';
const OUT_PEER = '02:00:00:00:02:99';
const BASE = {
    inside: { ip: '10.0.0.1/24', mac: GW_IN },
    outside: { ip: '203.0.113.1/24', mac: GW_OUT },
    portForwards: [{ proto: 'udp', port: 8080, to: '10.0.0.3:80' }, { proto: 'tcp', port: 2222, to: '10.0.0.3:22' }],
};
/** Inside: h1, h2 on a bridge; outside: the internet host `inet`. */
function hostLab(conf = BASE) {
    const e = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('nat', NatGateway, conf)
        .app('br', LearningBridge, {})
        .app('h1', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } }, gateway: '10.0.0.1' })
        .app('h2', Host, { interfaces: { eth0: { ip: '10.0.0.3/24' } }, gateway: '10.0.0.1' })
        .app('inet', Host, { interfaces: { eth0: { ip: '203.0.113.2/24' } }, gateway: '203.0.113.1' });
    g.connect('h1.eth0', 'br.p1').connect('h2.eth0', 'br.p2').connect('nat.inside', 'br.p3').connect('nat.outside', 'inet.eth0');
    e.configure(g);
    return { e, nat: e.app('nat'), h1: e.app('h1'), h2: e.app('h2'), inet: e.app('inet') };
}
/** A Peer answering ARP with `mac` for every address of the /24 of `ip` but .1 (the gateway). */
function arpAnswering(ip, mac) {
    const want = parseIpv4Addr(ip);
    return {
        onFrame: (f) => {
            if (f[12] !== 0x08 || f[13] !== 0x06 || f[21] !== 1)
                return [];
            const tpa = ((f[38] << 24) | (f[39] << 16) | (f[40] << 8) | f[41]) >>> 0;
            if (tpa >>> 8 !== want >>> 8 || (tpa & 0xff) === 1)
                return [];
            const spa = formatIpv4Addr(((f[28] << 24) | (f[29] << 16) | (f[30] << 8) | f[31]) >>> 0);
            const sha = [...f.subarray(22, 28)].map((x) => x.toString(16).padStart(2, '0')).join(':');
            return [encodeSpec(`eth(src=${mac},dst=${sha}),arp(op=reply,sha=${mac},spa=${formatIpv4Addr(tpa)},tha=${sha},tpa=${spa})`)];
        },
    };
}
/** Raw peers on both sides, for byte-level checks. */
function peerLab(conf = BASE) {
    const e = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('nat', NatGateway, conf)
        .app('inside', Peer, arpAnswering('10.0.0.2', IN_PEER))
        .app('outside', Peer, arpAnswering('203.0.113.2', OUT_PEER));
    g.connect('inside.port', 'nat.inside').connect('outside.port', 'nat.outside');
    e.configure(g);
    return { e, nat: e.app('nat'), inside: e.app('inside'), outside: e.app('outside') };
}
const settle = (e, ns = NS_PER_S / 10) => e.runFor(ns);
const ipFrames = (peer) => peer.received.filter((f) => f[12] === 0x08 && f[13] === 0x00);
/** Every checksum of an Ethernet/IPv4 frame, recomputed from scratch and through the views. */
function assertChecksums(frame) {
    const ip = new Ipv4View();
    assert.equal(ip.wrap(frame, 14, frame.length - 14), null);
    assert.ok(ip.checksumOk, 'IPv4 header checksum (view)');
    assert.equal(internetChecksum(frame, 14, ip.headerLength), 0, 'IPv4 header checksum (from scratch)');
    const l4 = ip.payloadOffset;
    const len = ip.payloadLength;
    if (ip.protocol === 17) {
        const u = new UdpView();
        assert.equal(u.wrap(frame, l4, len), null);
        assert.ok(u.checksumOk(ip.src, ip.dst), 'UDP checksum (view)');
        assert.equal(internetChecksum(frame, l4, len, ipv4PseudoHeaderSum(ip.src, ip.dst, 17, len)), 0, 'UDP checksum (from scratch)');
    }
    else if (ip.protocol === 6) {
        const t = new TcpView();
        assert.equal(t.wrap(frame, l4, len), null);
        assert.ok(t.checksumOk(ip.src, ip.dst), 'TCP checksum (view)');
        assert.equal(internetChecksum(frame, l4, len, ipv4PseudoHeaderSum(ip.src, ip.dst, 6, len)), 0, 'TCP checksum (from scratch)');
    }
    else if (ip.protocol === 1) {
        const c = new Icmpv4View();
        assert.equal(c.wrap(frame, l4, len), null);
        assert.ok(c.checksumOk, 'ICMP checksum (view)');
        assert.equal(internetChecksum(frame, l4, len), 0, 'ICMP checksum (from scratch)');
    }
}
function udpFrom(sport, dst = '203.0.113.2', dport = 7, src = '10.0.0.2', payload = 'cafe') {
    return encodeSpec(`eth(src=${IN_PEER},dst=${GW_IN}),ipv4(src=${src},dst=${dst},id=9),udp(src=${sport},dst=${dport}),payload(hex=${payload})`);
}
test('inside hosts ping and send UDP to the internet, which sees the outside address', () => {
    const { e, nat, h1, inet } = hostLab();
    const s = h1.ping('203.0.113.2', { count: 2, interval: NS_PER_S / 10, timeout: NS_PER_S });
    e.runUntil(() => s.done, 5 * NS_PER_S);
    assert.equal(s.received, 2);
    const seen = [];
    inet.udpBind(7, (ip, port, data) => {
        seen.push(`${ip}:${port}`);
        inet.udpSend(ip, port, data, { srcPort: 7 });
    });
    let echoed = '';
    h1.udpBind(4000, (ip, port) => { echoed = `${ip}:${port}`; });
    h1.udpSend('203.0.113.2', 7, new Uint8Array([1, 2, 3]), { srcPort: 4000 });
    e.runUntil(() => echoed !== '', NS_PER_S);
    assert.deepEqual(seen, ['203.0.113.1:4000'], 'the internet host sees the public address, source port kept');
    assert.equal(echoed, '203.0.113.2:7');
    const table = nat.showConntrack();
    assert.match(table, /^udp {6}17 29 src=10\.0\.0\.2 dst=203\.0\.113\.2 sport=4000 dport=7 src=203\.0\.113\.2 dst=203\.0\.113\.1 sport=7 dport=4000 mark=0 zone=0 use=1$/m);
    assert.match(table, /^icmp {5}1 \d+ src=10\.0\.0\.2 dst=203\.0\.113\.2 type=8 code=0 id=\d+ src=203\.0\.113\.2 dst=203\.0\.113\.1 type=0 code=0 id=\d+ mark=0 zone=0 use=1$/m);
    assertConserved(e);
});
test('the internet cannot reach inside hosts directly, only through a port forward', () => {
    const { e, nat, h2, inet } = hostLab();
    const s = inet.ping('10.0.0.2', { count: 1, timeout: NS_PER_S });
    e.runUntil(() => s.done, 3 * NS_PER_S);
    assert.equal(s.received, 0);
    assert.ok(nat.dropCounts['unsolicited-inbound'] >= 1);
    const seen = [];
    h2.udpBind(80, (ip, port, data) => {
        seen.push(`${ip}:${port}`);
        h2.udpSend(ip, port, data, { srcPort: 80 });
    });
    let echoed = '';
    inet.udpBind(5555, (ip, port) => { echoed = `${ip}:${port}`; });
    inet.udpSend('203.0.113.1', 8080, new Uint8Array([9]), { srcPort: 5555 });
    e.runUntil(() => echoed !== '', NS_PER_S);
    assert.deepEqual(seen, ['203.0.113.2:5555'], 'the target sees the real client');
    assert.equal(echoed, '203.0.113.1:8080', 'the answer comes from the public address and port');
    inet.udpSend('203.0.113.1', 8081, new Uint8Array([9]), { srcPort: 5555 });
    settle(e);
    assert.equal(nat.dropCounts['no-port-forward'], 1);
    const ping = inet.ping('203.0.113.1', { count: 1 });
    e.runUntil(() => ping.done, 2 * NS_PER_S);
    assert.equal(ping.received, 1, 'the gateway answers pings to its own address');
    assertConserved(e);
});
test('hairpin: an inside host reaches a port forward through the public address', () => {
    const { e, nat, h1, h2 } = hostLab();
    const seen = [];
    h2.udpBind(80, (ip, port, data) => {
        seen.push(`${ip}:${port}`);
        h2.udpSend(ip, port, data, { srcPort: 80 });
    });
    let echoed = '';
    h1.udpBind(4100, (ip, port) => { echoed = `${ip}:${port}`; });
    h1.udpSend('203.0.113.1', 8080, new Uint8Array([7]), { srcPort: 4100 });
    e.runUntil(() => echoed !== '', NS_PER_S);
    assert.deepEqual(seen, ['10.0.0.1:4100'], 'the target answers the gateway, so the reply comes back through it');
    assert.equal(echoed, '203.0.113.1:8080');
    assert.match(nat.showConntrack(), /src=10\.0\.0\.2 dst=203\.0\.113\.1 sport=4100 dport=8080 src=10\.0\.0\.3 dst=10\.0\.0\.1 sport=80 dport=4100/);
    assertConserved(e);
});
test('an ICMP port unreachable for a masqueraded datagram reaches the inside sender', () => {
    const { e, h1 } = hostLab();
    const errors = [];
    h1.udpBind(4200, () => { }, (r) => errors.push(`${r.from} ${r.kind}`));
    h1.udpSend('203.0.113.2', 9999, new Uint8Array([1]), { srcPort: 4200 });
    settle(e, NS_PER_S);
    assert.equal(errors.length, 1, 'the quoted header was restored, so the host matched it to its socket');
    assert.match(errors[0], /^203\.0\.113\.2 /);
    assertConserved(e);
});
test('translation rewrites addresses and ports with checksums that verify from scratch, and the reply restores them', () => {
    const { e, nat, inside, outside } = peerLab();
    inside.send(udpFrom(1111));
    settle(e);
    const out = ipFrames(outside);
    assert.equal(out.length, 1);
    const f = out[0];
    assertChecksums(f);
    const ip = new Ipv4View();
    ip.wrap(f, 14, f.length - 14);
    assert.equal(formatIpv4Addr(ip.src), '203.0.113.1');
    assert.equal(ip.ttl, 63);
    assert.equal((f[34] << 8) | f[35], 1111);
    outside.send(encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=203.0.113.2,dst=203.0.113.1,id=3),udp(src=7,dst=1111),payload(hex=beef)`));
    settle(e);
    const back = ipFrames(inside);
    assert.equal(back.length, 1);
    assertChecksums(back[0]);
    ip.wrap(back[0], 14, back[0].length - 14);
    assert.equal(formatIpv4Addr(ip.dst), '10.0.0.2');
    assert.equal(nat.translatedPackets, 2);
    assertConserved(e);
});
test('an ICMP error quoting a translated packet gets its inner header, inner checksums and outer address restored', () => {
    const { e, inside, outside } = peerLab();
    const original = udpFrom(1111);
    inside.send(original);
    settle(e);
    const out = ipFrames(outside)[0];
    // A router on the internet reports the translated datagram: quote its IPv4 header and 8 bytes.
    const quote = out.subarray(14, 14 + 28);
    const icmp = new Uint8Array(8 + quote.length);
    icmp[0] = 11;
    icmp.set(quote, 8);
    const sum = internetChecksum(icmp, 0, icmp.length);
    icmp[2] = sum >>> 8;
    icmp[3] = sum & 0xff;
    const head = encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=198.51.100.9,dst=203.0.113.1,proto=1,id=5,len=${20 + icmp.length})`);
    const err = new Uint8Array(head.length + icmp.length);
    err.set(head);
    err.set(icmp, head.length);
    // The spec wrote the header checksum for the length given; refresh it to be sure.
    const ipv = new Ipv4View();
    ipv.wrap(err, 14, err.length - 14);
    ipv.fillChecksum();
    outside.send(err);
    settle(e);
    const back = ipFrames(inside);
    assert.equal(back.length, 1);
    const b = back[0];
    assertChecksums(b);
    ipv.wrap(b, 14, b.length - 14);
    assert.equal(formatIpv4Addr(ipv.src), '198.51.100.9', 'the reporting router keeps its address');
    assert.equal(formatIpv4Addr(ipv.dst), '10.0.0.2');
    const inner = b.subarray(14 + 20 + 8);
    const sent = original.subarray(14, 14 + 28);
    // Everything but the TTL (and so the header checksum) is what the inside host sent.
    assert.deepEqual([...inner.subarray(0, 8)], [...sent.subarray(0, 8)]);
    assert.deepEqual([...inner.subarray(12, 28)], [...sent.subarray(12, 28)], 'addresses, ports and UDP checksum restored');
    assert.equal(inner[8], sent[8] - 1);
    assert.equal(internetChecksum(inner, 0, 20), 0, 'inner IPv4 checksum verifies');
    assertConserved(e);
});
test('ICMP echo identifiers are translated and the checksum follows', () => {
    const { e, inside, outside } = peerLab({ ...BASE, portRange: [30000, 30010] });
    inside.send(encodeSpec(`eth(src=${IN_PEER},dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),icmp(type=echo-request,id=77,seq=1),payload(hex=0102)`));
    settle(e);
    const f = ipFrames(outside)[0];
    assertChecksums(f);
    const id = (f[38] << 8) | f[39];
    assert.equal(id, 30000, 'identifier 77 is outside the range, so the first free one is used');
    outside.send(encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=203.0.113.2,dst=203.0.113.1),icmp(type=echo-reply,id=${id},seq=1),payload(hex=0102)`));
    settle(e);
    const b = ipFrames(inside)[0];
    assertChecksums(b);
    assert.equal((b[38] << 8) | b[39], 77);
    assertConserved(e);
});
test('ports run out with a reason and come back when their connections expire', () => {
    const { e, nat, inside, outside } = peerLab({ ...BASE, portRange: [2000, 2001] });
    inside.send(udpFrom(1000));
    inside.send(udpFrom(1001));
    inside.send(udpFrom(1002));
    settle(e);
    const ports = ipFrames(outside).map((f) => (f[34] << 8) | f[35]);
    assert.deepEqual(ports, [2000, 2001]);
    assert.equal(nat.dropCounts['nat-ports-exhausted'], 1);
    assert.equal(nat.outsidePorts.exhausted, 1);
    inside.send(udpFrom(1003, '203.0.113.2', 8));
    settle(e);
    assert.equal(ipFrames(outside).length, 3, 'another destination port may share an external port');
    e.runFor(31 * NS_PER_S);
    inside.send(udpFrom(1002));
    settle(e);
    assert.equal(ipFrames(outside).length, 4, 'after the UDP timeout the ports are free again');
    assert.equal(nat.dropCounts['nat-ports-exhausted'], 1);
    assertConserved(e);
});
test('TCP through the gateway: bad flags and strays are dropped with reasons, a handshake is tracked', () => {
    const { e, nat, inside, outside } = peerLab();
    const tcp = (flags, sport = 40000) => encodeSpec(`eth(src=${IN_PEER},dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),tcp(src=${sport},dst=80,seq=1,flags=${flags})`);
    inside.send(tcp('SF'));
    inside.send(tcp('SR'));
    inside.send(tcp('A'));
    settle(e);
    assert.equal(nat.dropCounts['tcp-bad-flags'], 2);
    assert.equal(nat.dropCounts['tcp-invalid'], 1);
    assert.equal(ipFrames(outside).length, 0);
    inside.send(tcp('S'));
    settle(e);
    const syn = ipFrames(outside)[0];
    assertChecksums(syn);
    outside.send(encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=203.0.113.2,dst=203.0.113.1),tcp(src=80,dst=40000,seq=5,ack=2,flags=SA)`));
    settle(e);
    inside.send(tcp('A'));
    settle(e);
    assert.match(nat.showConntrack(), /^tcp {6}6 43199\d ESTABLISHED src=10\.0\.0\.2 dst=203\.0\.113\.2 sport=40000 dport=80 src=203\.0\.113\.2 dst=203\.0\.113\.1 sport=80 dport=40000 \[ASSURED\]/m);
    assertChecksums(ipFrames(inside)[0]);
    assertConserved(e);
});
test('random flows through the NAT and back restore the original headers exactly', () => {
    const { e, inside, outside } = peerLab({ ...BASE, portRange: [10000, 60000] });
    let seed = 99;
    const rnd = (n) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % n;
    };
    const sent = [];
    for (let i = 0; i < 300; i++) {
        const kind = rnd(3);
        const src = `10.0.0.${2 + rnd(50)}`;
        const dst = `203.0.113.2`;
        const payload = rnd(1 << 16).toString(16).padStart(4, '0');
        const l4 = kind === 0 ? `udp(src=${1 + rnd(65535)},dst=${1 + rnd(65535)})` : kind === 1 ? `tcp(src=${1 + rnd(65535)},dst=${1 + rnd(65535)},seq=${rnd(1e9)},flags=S)` : `icmp(type=echo-request,id=${rnd(65536)},seq=${rnd(100)})`;
        const f = encodeSpec(`eth(src=${IN_PEER},dst=${GW_IN}),ipv4(src=${src},dst=${dst},id=${rnd(65536)},ttl=${2 + rnd(200)}),${l4},payload(hex=${payload})`);
        sent.push(f);
        inside.send(f);
        e.runFor(NS_PER_S / 1000);
    }
    settle(e);
    const out = ipFrames(outside);
    assert.equal(out.length, sent.length, `every flow was translated: ${JSON.stringify(e.app("nat").dropCounts)}`);
    // The far end answers each packet by swapping addresses and ports (echo: type 0), checksums from scratch.
    for (const f of out) {
        assertChecksums(f);
        const r = new Uint8Array(f);
        r.set(f.subarray(0, 6), 6);
        r.set(f.subarray(6, 12), 0);
        r.set(f.subarray(26, 30), 30);
        r.set(f.subarray(30, 34), 26);
        const proto = r[23];
        if (proto === 1)
            r[34] = 0;
        else {
            r.set(f.subarray(34, 36), 36);
            r.set(f.subarray(36, 38), 34);
        }
        if (proto === 6)
            r[47] = 0x12;
        const ip = new Ipv4View();
        ip.wrap(r, 14, r.length - 14);
        ip.fillChecksum();
        const l4 = ip.payloadOffset;
        const len = ip.payloadLength;
        const sumOff = proto === 17 ? l4 + 6 : proto === 6 ? l4 + 16 : l4 + 2;
        r[sumOff] = 0;
        r[sumOff + 1] = 0;
        const sum = internetChecksum(r, l4, len, proto === 1 ? 0 : ipv4PseudoHeaderSum(ip.src, ip.dst, proto, len));
        r[sumOff] = sum >>> 8;
        r[sumOff + 1] = sum & 0xff;
        outside.send(r);
        e.runFor(NS_PER_S / 1000);
    }
    settle(e);
    const back = ipFrames(inside);
    assert.equal(back.length, sent.length);
    for (let i = 0; i < sent.length; i++) {
        const s = sent[i];
        const b = back[i];
        assertChecksums(b);
        assert.deepEqual([...b.subarray(26, 30)], [...s.subarray(30, 34)], `reply ${i} comes from the original destination`);
        assert.deepEqual([...b.subarray(30, 34)], [...s.subarray(26, 30)], `reply ${i} goes to the original source`);
        if (s[23] === 1)
            assert.deepEqual([...b.subarray(38, 40)], [...s.subarray(38, 40)], `echo ${i} identifier`);
        else {
            assert.deepEqual([...b.subarray(34, 36)], [...s.subarray(36, 38)], `reply ${i} source port`);
            assert.deepEqual([...b.subarray(36, 38)], [...s.subarray(34, 36)], `reply ${i} destination port`);
        }
        assert.deepEqual([...b.subarray(b.length - 2)], [...s.subarray(s.length - 2)], 'payload untouched');
    }
    assertConserved(e);
});
test('with translation off the gateway only routes and decrements the TTL', () => {
    const { e, nat, inside, outside } = peerLab({ ...BASE, translate: false });
    inside.send(udpFrom(1111));
    settle(e);
    const f = ipFrames(outside)[0];
    assertChecksums(f);
    assert.equal(formatIpv4Addr(((f[26] << 24) | (f[27] << 16) | (f[28] << 8) | f[29]) >>> 0), '10.0.0.2');
    assert.equal(nat.conntrack.size, 0);
    assertConserved(e);
});
test('configuration errors name the field', () => {
    const e = new Engine();
    const bad = (conf, msg) => assert.throws(() => e.configure(new Graph().app('gw', NatGateway, conf)), msg);
    bad({ ...BASE, inside: { ip: '10.0.0.300/24' } }, /gw: inside\.ip: invalid IPv4 address/);
    bad({ ...BASE, portForwards: [{ proto: 'tcp', port: 80, to: '192.168.9.9:80' }] }, /portForwards\[0\]\.to 192\.168\.9\.9 is not in the inside subnet/);
    bad({ ...BASE, outside: { ip: '203.0.113.1/24', gateway: '198.51.100.1' } }, /outside\.gateway 198\.51\.100\.1 is not in the outside subnet/);
});
test('ARP is the shared resolver: a bounded queue per neighbour, three requests, then arp-timeout, with counters and the cache gauge', () => {
    const e = new Engine({ pool: new PacketPool({ count: 1024 }) });
    const g = new Graph()
        .app('nat', NatGateway, { ...BASE, neighbours: { capacity: 4, queueLength: 2 } })
        .app('inside', Peer, arpAnswering('10.0.0.2', IN_PEER))
        .app('outside', Peer, {});
    g.connect('inside.port', 'nat.inside').connect('outside.port', 'nat.outside');
    e.configure(g);
    const nat = e.app('nat');
    const inside = e.app('inside');
    const outside = e.app('outside');
    for (let i = 0; i < 3; i++)
        inside.send(udpFrom(2000 + i));
    settle(e);
    assert.equal(nat.dropCounts['arp-queue-full'], 1);
    assert.equal(nat.held(), 2);
    assert.deepEqual(nat.neighbourCounts(), { entries: 1, capacity: 4, overflow: 0, evictions: 0, queued: 2 });
    e.runFor(5 * NS_PER_S);
    const requests = outside.received.filter((f) => f[12] === 0x08 && f[13] === 0x06 && f[21] === 1);
    assert.equal(requests.length, 3);
    assert.deepEqual(requests[0], encodeSpec(`eth(src=${GW_OUT},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${GW_OUT},spa=203.0.113.1,tpa=203.0.113.2)`));
    assert.equal(nat.dropCounts['arp-timeout'], 2);
    assert.equal(nat.arpCounters().requestsSent, 3);
    assert.equal(nat.arpCounters().resolutionFailures, 1);
    assert.equal(nat.neighbourCounts().entries, 0);
    assert.equal(nat.held(), 0);
    assertConserved(e);
});
/** Sums a frame's partial L4 checksum (the pseudo-header sum in the field at `l4 + field`) over its segment, as a NIC or the kernel finishes it. */
function finishChecksum(f, field) {
    const c = internetChecksum(f, 34, f.length - 34);
    f[34 + field] = c >>> 8;
    f[34 + field + 1] = c & 0xff;
}
/** Replaces a frame's L4 checksum with the folded pseudo-header sum, as a TAP with offloads hands it over. */
function makePartial(f, proto, field) {
    const v = new DataView(f.buffer, f.byteOffset);
    const sum = ipv4PseudoHeaderSum(v.getUint32(26), v.getUint32(30), proto, f.length - 34);
    v.setUint16(34 + field, sum);
    return f;
}
test('a partial checksum (a TAP with offloads) gets only the address change, and verifies once finished, both ways', () => {
    const { e, nat, inside, outside } = peerLab();
    const offload = { csumStart: 34, csumOffset: 6, gsoType: 0, gsoSize: 0 };
    inside.send(makePartial(udpFrom(1111, '203.0.113.2', 7, '10.0.0.2', 'cafe0102'), 17, 6), false, offload);
    settle(e);
    const out = ipFrames(outside);
    assert.equal(out.length, 1);
    assert.deepEqual(outside.receivedOffloads.at(-1), offload, 'still partial: whoever sends it on finishes it');
    const f = out[0];
    assert.equal(formatIpv4Addr(new DataView(f.buffer, f.byteOffset).getUint32(26)), '203.0.113.1');
    finishChecksum(f, 6);
    assertChecksums(f);
    const port = (f[34] << 8) | f[35];
    outside.send(makePartial(encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=203.0.113.2,dst=203.0.113.1,id=3),udp(src=7,dst=${port}),payload(hex=beef)`), 17, 6), false, offload);
    settle(e);
    const back = ipFrames(inside);
    assert.equal(back.length, 1);
    finishChecksum(back[0], 6);
    assertChecksums(back[0]);
    assert.equal((back[0][36] << 8) | back[0][37], 1111);
    assert.equal(nat.translatedPackets, 2);
    assertConserved(e);
});
test('a TSO packet crosses the gateway whole, translated, its partial checksum right for the new addresses', () => {
    const { e, inside, outside } = peerLab();
    const tcp = (flags, payload = '') => encodeSpec(`eth(src=${IN_PEER},dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),tcp(src=40000,dst=5201,seq=1,ack=6,flags=${flags})${payload === '' ? '' : `,payload(hex=${payload})`}`);
    inside.send(tcp('S'));
    settle(e);
    const syn = ipFrames(outside)[0];
    const port = (syn[34] << 8) | syn[35];
    outside.send(encodeSpec(`eth(src=${OUT_PEER},dst=${GW_OUT}),ipv4(src=203.0.113.2,dst=203.0.113.1),tcp(src=5201,dst=${port},seq=5,ack=2,flags=SA)`));
    settle(e);
    const data = Array.from({ length: 1800 }, (_, i) => (i * 7) & 0xff).map((x) => x.toString(16).padStart(2, '0')).join('');
    const tso = { csumStart: 34, csumOffset: 16, gsoType: 1, gsoSize: 600 };
    inside.send(makePartial(tcp('A', data), 6, 16), false, tso);
    settle(e);
    const frames = ipFrames(outside);
    const f = frames.at(-1);
    assert.equal(f.length, 14 + 20 + 20 + 1800, 'one packet, not segments');
    assert.deepEqual(outside.receivedOffloads.at(-1), tso);
    assert.equal((f[34] << 8) | f[35], port);
    finishChecksum(f, 16);
    assertChecksums(f);
    assertConserved(e);
});
//# sourceMappingURL=nat-gateway.test.js.map