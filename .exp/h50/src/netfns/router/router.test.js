import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { Peer } from '../../hosts/testkit.js';
import { VIRTIO_NET_HDR_GSO_TCPV4 } from '../../nics/tap/offload.js';
import { assertConserved } from '../../testing/conservation.js';
import { ARP_OP_REPLY, ARP_OP_REQUEST, emitArp, parseArp } from '../../wire/arp.js';
import { internetSum } from '../../wire/checksum.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet } from '../../wire/ethernet.js';
import { ICMP_DEST_UNREACHABLE, ICMP_ECHO_REPLY, ICMP_TIME_EXCEEDED, emitIcmpv4 } from '../../wire/icmpv4.js';
import { formatIpv4Addr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, emitIpv4, parseIpv4 } from '../../wire/ipv4.js';
import { formatMac, parseMac, readMac } from '../../wire/mac.js';
import { Router, flowHash, renderRouterRoutes } from './router.js';
const R0 = '02:00:00:00:01:00';
const R1 = '02:00:00:00:01:01';
const R2 = '02:00:00:00:01:02';
const H0 = '02:00:00:00:00:10';
const H1 = '02:00:00:00:00:11';
const H2 = '02:00:00:00:00:12';
const BASE = {
    interfaces: {
        eth0: { ip: '10.0.0.1/24', mac: R0 },
        eth1: { ip: '10.0.1.1/24', mac: R1 },
        eth2: { ip: '10.0.2.1/24', mac: R2, mtu: 600 },
    },
    neighbours: [
        { ip: '10.0.0.10', dev: 'eth0', mac: H0 },
        { ip: '10.0.1.10', dev: 'eth1', mac: H1 },
        { ip: '10.0.2.10', dev: 'eth2', mac: H2 },
    ],
};
function lab(conf = BASE, ports = ['eth0', 'eth1', 'eth2']) {
    const engine = new Engine();
    const g = new Graph().app('r1', Router, conf);
    ports.forEach((port, i) => g.app(`p${i}`, Peer, {}).connect(`r1.${port}`, `p${i}.port`));
    engine.configure(g);
    return {
        engine,
        router: engine.app('r1'),
        peers: ports.map((_, i) => engine.app(`p${i}`)),
        run: () => engine.runFor(5e6),
    };
}
/** Ethernet + IPv4 (+ a UDP-looking payload) with a correct header checksum. */
function frame(s = {}) {
    let payload = s.payload;
    if (payload === undefined) {
        payload = new Uint8Array(16);
        payload[0] = (s.srcPort ?? 1000) >> 8;
        payload[1] = (s.srcPort ?? 1000) & 0xff;
        payload[2] = (s.dstPort ?? 2000) >> 8;
        payload[3] = (s.dstPort ?? 2000) & 0xff;
    }
    const b = new Uint8Array(34 + payload.length);
    emitEthernet({ dst: parseMac(s.dstMac ?? R0), src: parseMac(s.srcMac ?? H0), etherType: ETHERTYPE_IPV4 }, b, 0);
    b.set(payload, 34);
    emitIpv4({
        dscp: 0, ecn: 0, identification: 7, dontFragment: s.df ?? false, moreFragments: s.mf ?? false, fragmentOffset: s.fragmentOffset ?? 0,
        ttl: s.ttl ?? 64, protocol: s.protocol ?? IPPROTO_UDP, src: parseIpv4Addr(s.src ?? '10.0.0.10'), dst: parseIpv4Addr(s.dst ?? '10.0.1.10'),
        options: new Uint8Array(0), payloadLength: payload.length,
    }, b, 14);
    return b;
}
function echoRequest(s) {
    const icmp = new Uint8Array(8 + 12).fill(0x61);
    emitIcmpv4({ kind: 'echo-request', identifier: s.id ?? 1, sequence: s.seq ?? 1, payloadLength: 12 }, icmp, 0);
    return frame({ ...s, protocol: IPPROTO_ICMP, payload: icmp });
}
function arpRequest(senderMac, senderIp, targetIp) {
    const b = new Uint8Array(14 + 28);
    emitEthernet({ dst: 0xffff_ffff_ffff, src: parseMac(senderMac), etherType: ETHERTYPE_ARP }, b, 0);
    emitArp({ op: ARP_OP_REQUEST, senderMac: parseMac(senderMac), senderIp: parseIpv4Addr(senderIp), targetMac: 0, targetIp: parseIpv4Addr(targetIp) }, b, 14);
    return b;
}
function arpReply(toMac, toIp, fromMac, fromIp) {
    const b = new Uint8Array(14 + 28);
    emitEthernet({ dst: parseMac(toMac), src: parseMac(fromMac), etherType: ETHERTYPE_ARP }, b, 0);
    emitArp({ op: ARP_OP_REPLY, senderMac: parseMac(fromMac), senderIp: parseIpv4Addr(fromIp), targetMac: parseMac(toMac), targetIp: parseIpv4Addr(toIp) }, b, 14);
    return b;
}
function ipOf(f) {
    return parseIpv4(f, 14, f.length - 14);
}
/** The parsed IPv4 header of a frame, failing the test when it does not parse. */
function ip(f) {
    const r = ipOf(f);
    if ('error' in r)
        assert.fail(`not IPv4: ${r.error}`);
    return r;
}
test('a packet is forwarded with TTL decremented, a valid checksum and rewritten MACs', () => {
    const l = lab();
    const sent = frame({ ttl: 9 });
    l.peers[0].send(sent);
    l.run();
    const got = l.peers[1].received;
    assert.equal(got.length, 1);
    const f = got[0];
    assert.equal(formatMac(readMac(f, 0)), H1);
    assert.equal(formatMac(readMac(f, 6)), R1);
    const h = ip(f);
    assert.equal(h.ttl, 8);
    assert.ok(h.checksumOk);
    assert.deepEqual(f.subarray(34), sent.subarray(34));
    // Only TTL and checksum changed in the IPv4 header.
    assert.deepEqual([...f.subarray(14, 22)], [...sent.subarray(14, 22)]);
    assert.equal(l.router.stats().forwarded, 1);
    assert.equal(l.peers[0].received.length, 0);
    assertConserved(l.engine);
});
test('the next hop is resolved by ARP and the waiting packet leaves once the reply comes', () => {
    const l = lab({ interfaces: BASE.interfaces });
    l.peers[0].send(frame({ dst: '10.0.1.20' }));
    l.run();
    const req = l.peers[1].received;
    assert.equal(req.length, 1);
    const arp = parseArp(req[0], 14, 28);
    assert.ok(!('error' in arp));
    assert.equal(arp.op, ARP_OP_REQUEST);
    assert.equal(formatIpv4Addr(arp.targetIp), '10.0.1.20');
    assert.equal(formatIpv4Addr(arp.senderIp), '10.0.1.1');
    assert.equal(l.router.held(), 1);
    assertConserved(l.engine);
    l.peers[1].send(arpReply(R1, '10.0.1.1', H1, '10.0.1.20'));
    l.run();
    assert.equal(l.peers[1].received.length, 2);
    assert.equal(formatMac(readMac(l.peers[1].received[1], 0)), H1);
    assert.equal(l.router.held(), 0);
    assert.deepEqual(l.router.neighbours().map((n) => n.text), ['10.0.1.20 dev eth1 lladdr 02:00:00:00:00:11 REACHABLE']);
    // The next packet uses the cache: no new request.
    l.peers[0].send(frame({ dst: '10.0.1.20' }));
    l.run();
    assert.equal(l.peers[1].received.length, 3);
    assert.equal(l.router.stats().arp.requestsSent, 1);
    assertConserved(l.engine);
});
test('the router answers ARP for the receiving interface only', () => {
    const l = lab();
    l.peers[0].send(arpRequest(H0, '10.0.0.10', '10.0.0.1'));
    l.peers[0].send(arpRequest(H0, '10.0.0.10', '10.0.1.1'));
    l.peers[0].send(arpRequest(H0, '10.0.0.10', '10.0.0.99'));
    l.run();
    const replies = l.peers[0].received;
    assert.equal(replies.length, 1);
    const a = parseArp(replies[0], 14, 28);
    assert.ok(!('error' in a));
    assert.equal(a.op, ARP_OP_REPLY);
    assert.equal(formatMac(a.senderMac), R0);
    assert.equal(formatIpv4Addr(a.senderIp), '10.0.0.1');
    assert.equal(formatMac(readMac(replies[0], 0)), H0);
    assertConserved(l.engine);
});
test('the router answers ping on its own addresses, also on another interface of its table', () => {
    const l = lab();
    l.peers[0].send(echoRequest({ dst: '10.0.0.1', seq: 1 }));
    l.peers[0].send(echoRequest({ dst: '10.0.2.1', seq: 2 }));
    l.run();
    const got = l.peers[0].received;
    assert.equal(got.length, 2);
    for (const [i, f] of got.entries()) {
        const h = ip(f);
        assert.equal(formatIpv4Addr(h.dst), '10.0.0.10');
        assert.equal(formatIpv4Addr(h.src), i === 0 ? '10.0.0.1' : '10.0.2.1');
        assert.ok(h.checksumOk);
        assert.equal(f[34], ICMP_ECHO_REPLY);
        assert.equal(internetSum(f, 34, h.payloadLength), 0xffff);
    }
    assert.equal(l.router.stats().icmp.echoRepliesOut, 2);
    assertConserved(l.engine);
});
test('TTL 1 and TTL 0 earn ICMP time exceeded quoting the packet as received', () => {
    const l = lab();
    const sent = frame({ ttl: 1 });
    l.peers[0].send(sent);
    l.peers[0].send(frame({ ttl: 0 }));
    l.run();
    assert.equal(l.peers[1].received.length, 0);
    const got = l.peers[0].received;
    assert.equal(got.length, 2);
    const h = ip(got[0]);
    assert.equal(formatIpv4Addr(h.src), '10.0.0.1');
    assert.equal(formatIpv4Addr(h.dst), '10.0.0.10');
    assert.equal(h.protocol, IPPROTO_ICMP);
    assert.equal(got[0][34], ICMP_TIME_EXCEEDED);
    assert.equal(got[0][35], 0);
    assert.equal(internetSum(got[0], 34, h.payloadLength), 0xffff);
    assert.deepEqual(got[0].subarray(42), sent.subarray(14));
    assert.equal(l.router.dropCounts['ttl-exceeded'], 2);
    assert.equal(l.router.stats().icmp.timeExceededOut, 2);
    assertConserved(l.engine);
});
test('no route earns ICMP destination net unreachable', () => {
    const l = lab();
    l.peers[0].send(frame({ dst: '192.0.2.1' }));
    l.run();
    const got = l.peers[0].received;
    assert.equal(got.length, 1);
    assert.equal(got[0][34], ICMP_DEST_UNREACHABLE);
    assert.equal(got[0][35], 0);
    assert.equal(l.router.dropCounts['no-route'], 1);
    assertConserved(l.engine);
});
test('too big with DF earns fragmentation needed with the next-hop MTU; without DF it is a counted drop', () => {
    const l = lab();
    l.peers[0].send(frame({ dst: '10.0.2.10', df: true, payload: new Uint8Array(700) }));
    l.peers[0].send(frame({ dst: '10.0.2.10', df: false, payload: new Uint8Array(700) }));
    l.peers[0].send(frame({ dst: '10.0.2.10', df: true, payload: new Uint8Array(580) }));
    l.run();
    assert.equal(l.peers[2].received.length, 1);
    const got = l.peers[0].received;
    assert.equal(got.length, 1);
    assert.equal(got[0][34], ICMP_DEST_UNREACHABLE);
    assert.equal(got[0][35], 4);
    assert.equal((got[0][40] << 8) | got[0][41], 600);
    // The quote stops where the error would pass 576 bytes.
    assert.equal(ip(got[0]).totalLength, 576);
    assert.equal(l.router.dropCounts['frag-needed'], 1);
    assert.equal(l.router.dropCounts['mtu-exceeded'], 1);
    assertConserved(l.engine);
});
/** A TSO packet as a TAP with offloads hands it over: TCP, 1800 payload bytes, DF, `gsoSize` per wire segment, partial checksum. */
function tsoFrame(dst, gsoSize) {
    const tcp = new Uint8Array(20 + 1800);
    tcp[0] = 0x9c;
    tcp[1] = 0x40;
    tcp[2] = 0x14;
    tcp[3] = 0x51; // ports 40000 -> 5201
    tcp[12] = 5 << 4;
    tcp[13] = 0x10;
    for (let i = 20; i < tcp.length; i++)
        tcp[i] = i & 0xff;
    const f = frame({ dst, df: true, protocol: IPPROTO_TCP, payload: tcp });
    return { frame: f, offload: { csumStart: 34, csumOffset: 16, gsoType: VIRTIO_NET_HDR_GSO_TCPV4, gsoSize } };
}
test('a TSO packet is forwarded whole when its wire segments fit the egress MTU, its offload state kept', () => {
    const l = lab();
    // 1840 bytes of IP packet, far above eth2's MTU of 600; its segments are 20 + 20 + 500 = 540.
    const { frame: sent, offload } = tsoFrame('10.0.2.10', 500);
    l.peers[0].send(sent, false, offload);
    l.run();
    assert.equal(l.peers[2].received.length, 1);
    const f = l.peers[2].received[0];
    assert.equal(f.length, sent.length);
    assert.equal(ip(f).ttl, 63);
    assert.ok(ip(f).checksumOk);
    assert.deepEqual(f.subarray(34), sent.subarray(34));
    assert.deepEqual(l.peers[2].receivedOffloads[0], offload);
    assert.equal(l.peers[0].received.length, 0);
    assertConserved(l.engine);
});
test('a TSO packet whose wire segments would not fit the egress MTU earns fragmentation needed', () => {
    const l = lab();
    const { frame: sent, offload } = tsoFrame('10.0.2.10', 700);
    l.peers[0].send(sent, false, offload);
    l.run();
    assert.equal(l.peers[2].received.length, 0);
    const got = l.peers[0].received;
    assert.equal(got.length, 1);
    assert.equal(got[0][34], ICMP_DEST_UNREACHABLE);
    assert.equal(got[0][35], 4);
    assert.equal((got[0][40] << 8) | got[0][41], 600);
    assert.equal(l.router.dropCounts['frag-needed'], 1);
    assertConserved(l.engine);
});
test('a next hop that never answers ARP earns host unreachable for each waiting packet', () => {
    const l = lab({ interfaces: BASE.interfaces, neighbours: [{ ip: '10.0.0.10', dev: 'eth0', mac: H0 }], arp: { probes: 2, retransTime: 1e6 } });
    l.peers[0].send(frame({ dst: '10.0.1.77', srcPort: 1 }));
    l.peers[0].send(frame({ dst: '10.0.1.77', srcPort: 2 }));
    l.engine.runFor(10e6);
    assert.equal(l.peers[1].received.length, 2, 'two ARP requests');
    const got = l.peers[0].received;
    assert.equal(got.length, 2);
    for (const f of got) {
        assert.equal(f[34], ICMP_DEST_UNREACHABLE);
        assert.equal(f[35], 1);
    }
    assert.equal(l.router.dropCounts['arp-failed'], 2);
    assert.equal(l.router.held(), 0);
    assert.deepEqual(l.router.neighbours().filter((n) => n.dev === 'eth1'), []);
    assertConserved(l.engine);
});
test('the queue of packets waiting for ARP is bounded: overflow pushes the oldest out', () => {
    const l = lab({ interfaces: BASE.interfaces, neighbours: [{ ip: '10.0.0.10', dev: 'eth0', mac: H0 }], arp: { queueLength: 2 } });
    for (let i = 1; i <= 5; i++)
        l.peers[0].send(frame({ dst: '10.0.1.20', srcPort: i }));
    l.run();
    assert.equal(l.router.dropCounts['arp-queue-full'], 3);
    assert.equal(l.router.held(), 2);
    assertConserved(l.engine);
    l.peers[1].send(arpReply(R1, '10.0.1.1', H1, '10.0.1.20'));
    l.run();
    const data = l.peers[1].received.slice(1);
    assert.deepEqual(data.map((f) => (f[34] << 8) | f[35]), [4, 5]);
    assertConserved(l.engine);
});
test('bad headers and truncated frames are counted drops and send nothing', () => {
    const l = lab();
    const badIhl = frame();
    badIhl[14] = 0x44;
    const badVersion = frame();
    badVersion[14] = 0x65;
    const badChecksum = frame();
    badChecksum[24] ^= 0xff;
    const tooLong = frame();
    tooLong[16] = 0x01; // total length 256+ beyond the frame
    const belowHeader = frame();
    belowHeader[16] = 0;
    belowHeader[17] = 12;
    const cases = [
        [badIhl, 'ip-bad-ihl'],
        [badVersion, 'ip-bad-version'],
        [badChecksum, 'ip-bad-checksum'],
        [tooLong, 'ip-bad-length'],
        [belowHeader, 'ip-bad-length'],
        [frame().subarray(0, 10), 'truncated'],
        [frame().subarray(0, 30), 'ip-truncated'],
        [frame({ src: '224.0.0.5' }), 'ip-bad-source'],
        [frame({ src: '127.0.0.1' }), 'ip-bad-source'],
        [frame({ dst: '239.1.1.1' }), 'multicast'],
        [frame({ dst: '10.0.1.255' }), 'broadcast'],
        [frame({ dst: '255.255.255.255' }), 'broadcast'],
        [frame({ dstMac: '02:00:00:00:09:09' }), 'not-my-mac'],
        [frame({ dstMac: 'ff:ff:ff:ff:ff:ff' }), 'l2-broadcast-ip'],
    ];
    for (const [f] of cases)
        l.peers[0].send(f);
    l.run();
    const expected = {};
    for (const [, reason] of cases)
        expected[reason] = (expected[reason] ?? 0) + 1;
    for (const [reason, n] of Object.entries(expected))
        assert.equal(l.router.dropCounts[reason], n, reason);
    assert.equal(l.router.totalDrops(), cases.length);
    assert.equal(l.peers[0].received.length + l.peers[1].received.length + l.peers[2].received.length, 0);
    assertConserved(l.engine);
});
test('fragments are forwarded as they are; a non-first fragment that expires gets no ICMP error', () => {
    const l = lab();
    const first = frame({ mf: true });
    const later = frame({ fragmentOffset: 64 });
    l.peers[0].send(first);
    l.peers[0].send(later);
    l.peers[0].send(frame({ fragmentOffset: 64, ttl: 1 }));
    l.run();
    const got = l.peers[1].received;
    assert.equal(got.length, 2);
    assert.ok(ip(got[0]).moreFragments);
    assert.equal(ip(got[1]).fragmentOffset, 64);
    assert.deepEqual(got[1].subarray(34), later.subarray(34));
    assert.equal(l.peers[0].received.length, 0);
    assert.equal(l.router.dropCounts['ttl-exceeded'], 1);
    assert.equal(l.router.stats().icmp.suppressed, 1);
    assertConserved(l.engine);
});
test('no ICMP error is sent about an ICMP error', () => {
    const l = lab();
    const err = new Uint8Array(8 + 28);
    emitIcmpv4({ kind: 'dest-unreachable', code: 3, nextHopMtu: 0, payloadLength: 28 }, err, 0);
    l.peers[0].send(frame({ dst: '192.0.2.9', protocol: IPPROTO_ICMP, payload: err }));
    l.run();
    assert.equal(l.peers[0].received.length, 0);
    assert.equal(l.router.dropCounts['no-route'], 1);
    assertConserved(l.engine);
});
test('ICMP errors are rate limited by a token bucket', () => {
    const l = lab({ ...BASE, icmpErrorBurst: 3, icmpErrorRate: 10 });
    for (let i = 0; i < 10; i++)
        l.peers[0].send(frame({ dst: '192.0.2.1' }));
    l.run();
    assert.equal(l.peers[0].received.length, 3);
    assert.equal(l.router.stats().icmp.rateLimited, 7);
    assert.equal(l.router.dropCounts['no-route'], 10);
    // A tenth of a second later, one more token.
    l.engine.clock.advance(100e6);
    l.peers[0].send(frame({ dst: '192.0.2.1' }));
    l.peers[0].send(frame({ dst: '192.0.2.1' }));
    l.run();
    assert.equal(l.peers[0].received.length, 4);
    assertConserved(l.engine);
});
test('an ECMP route spreads flows over its next hops and keeps each flow on one', () => {
    const conf = {
        ...BASE,
        neighbours: [...BASE.neighbours, { ip: '10.0.2.20', dev: 'eth2', mac: H2 }],
        routes: [{ dst: '172.16.0.0/16', nexthops: [{ via: '10.0.1.10' }, { via: '10.0.2.20' }] }],
    };
    const l = lab(conf);
    for (let round = 0; round < 2; round++)
        for (let port = 1; port <= 64; port++)
            l.peers[0].send(frame({ dst: '172.16.5.5', srcPort: port }));
    l.run();
    const via1 = l.peers[1].received.map((f) => (f[34] << 8) | f[35]);
    const via2 = l.peers[2].received.map((f) => (f[34] << 8) | f[35]);
    assert.equal(via1.length + via2.length, 128);
    assert.ok(via1.length >= 16 && via2.length >= 16, `spread ${via1.length}/${via2.length}`);
    for (const port of via1)
        assert.ok(!via2.includes(port), `flow ${port} took both paths`);
    assertConserved(l.engine);
});
test('the flow hash ignores ports for fragments and uses them otherwise', () => {
    const a = frame({ srcPort: 1, mf: true });
    const b = frame({ srcPort: 2, mf: true });
    assert.equal(flowHash(a, 14), flowHash(b, 14));
    assert.notEqual(flowHash(frame({ srcPort: 1 }), 14), flowHash(frame({ srcPort: 2 }), 14));
});
test('VRFs keep overlapping subnets apart: each interface routes in its own table', () => {
    const conf = {
        interfaces: {
            eth0: { ip: '10.0.0.1/24', mac: R0 },
            eth1: { ip: '10.0.1.1/24', mac: R1 },
            eth2: { ip: '10.0.0.1/25', mac: R2, vrf: 'blue' },
        },
        neighbours: BASE.neighbours,
    };
    assert.throws(() => lab(conf), /already on eth0/);
    const ok = {
        ...conf,
        interfaces: { ...conf.interfaces, eth2: { ip: '10.0.0.2/25', mac: R2, vrf: 'blue' } },
        neighbours: [...BASE.neighbours, { ip: '10.0.0.10', dev: 'eth2', mac: H2 }],
    };
    const l = lab(ok);
    // From blue, 10.0.1.10 has no route; from main it does.
    l.peers[2].send(frame({ src: '10.0.0.10', dst: '10.0.1.10', dstMac: R2, srcMac: H2 }));
    l.peers[0].send(frame({ dst: '10.0.1.10' }));
    l.run();
    assert.equal(l.peers[1].received.length, 1);
    assert.equal(l.peers[2].received[0][34], ICMP_DEST_UNREACHABLE);
    assert.deepEqual(l.router.tables(), ['main', 'blue']);
    assert.deepEqual(l.router.routes('blue').map((r) => r.dst), ['10.0.0.0/25']);
    assertConserved(l.engine);
});
test('routes read like ip -j route and ip route, and can be added and removed', () => {
    const conf = {
        ...BASE,
        routes: [
            { dst: 'default', via: '10.0.1.10' },
            { dst: '172.16.0.0/16', nexthops: [{ via: '10.0.1.10' }, { via: '10.0.2.20' }] },
        ],
    };
    const l = lab(conf);
    assert.deepEqual(l.router.routes()[0], { dst: 'default', gateway: '10.0.1.10', dev: 'eth1', protocol: 'static', flags: [] });
    assert.deepEqual(l.router.routes()[1], { dst: '10.0.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.1', flags: [] });
    assert.deepEqual(l.router.routes()[4], {
        dst: '172.16.0.0/16', protocol: 'static', flags: [],
        nexthops: [{ gateway: '10.0.1.10', dev: 'eth1', weight: 1, flags: [] }, { gateway: '10.0.2.20', dev: 'eth2', weight: 1, flags: [] }],
    });
    assert.equal(renderRouterRoutes(l.router, false), [
        'default via 10.0.1.10 dev eth1 proto static',
        '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1',
        '10.0.1.0/24 dev eth1 proto kernel scope link src 10.0.1.1',
        '10.0.2.0/24 dev eth2 proto kernel scope link src 10.0.2.1',
        '172.16.0.0/16 proto static',
        '\tnexthop via 10.0.1.10 dev eth1 weight 1',
        '\tnexthop via 10.0.2.20 dev eth2 weight 1',
    ].join('\n'));
    l.router.addRoute({ dst: '192.168.0.0/16', dev: 'eth2' });
    assert.equal(l.router.routeGet('192.168.1.1')?.dev, 'eth2');
    assert.throws(() => l.router.addRoute({ dst: '192.168.0.0/16', via: '10.0.1.10' }), /already exists/);
    assert.throws(() => l.router.addRoute({ dst: '10.9.0.0/16', via: '10.9.9.9' }), /not in any connected subnet/);
    assert.throws(() => l.router.addRoute({ dst: '10.0.0.1/32', dev: 'eth0' }), /own address/);
    assert.throws(() => l.router.delRoute('10.0.0.0/24'), /connected route/);
    assert.equal(l.router.delRoute('192.168.0.0/16'), true);
    assert.equal(l.router.delRoute('192.168.0.0/16'), false);
    assert.equal(l.router.routeGet('192.168.1.1')?.dst, 'default');
    assert.equal(l.router.delRoute('default'), true);
    assert.equal(l.router.routeGet('192.168.1.1'), null);
});
test('configuration errors name the router, the interface or route and the problem', () => {
    const engine = new Engine();
    const bad = (conf, re) => assert.throws(() => engine.configure(new Graph().app('rx', Router, conf)), re);
    bad({ interfaces: {} }, /router rx: no interfaces/);
    bad({ interfaces: { eth0: { ip: '10.0.0.0/24' } } }, /interface eth0: 10\.0\.0\.0\/24 is not a usable host address/);
    bad({ interfaces: { eth0: { ip: '10.0.0.1/24', mtu: 20 } } }, /interface eth0: mtu/);
    bad({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, routes: [{ dst: '10.1.0.0/16' }] }, /route 10\.1\.0\.0\/16: a next hop needs via or dev/);
    bad({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, routes: [{ dst: '10.1.0.0/16', dev: 'eth9' }] }, /no interface eth9/);
    bad({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, maxRoutes: 2 }, /table main full/);
});
//# sourceMappingURL=router.test.js.map