import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../engine/engine.js';
import { ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST, emitArp, parseArp } from '../wire/arp.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../wire/ethernet.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { MAC_BROADCAST, parseMac } from '../wire/mac.js';
import { ArpResolver } from './arp-resolver.js';
const MS = 1_000_000;
const OUR_MAC = parseMac('02:00:00:00:00:01');
const PEER_MAC = parseMac('02:00:00:00:00:02');
const OUR_IP = parseIpv4Addr('10.0.0.1');
const PEER_IP = parseIpv4Addr('10.0.0.2');
const LINK = 14;
const iface = { index: 0, mac: OUR_MAC, owns: (ip) => ip === OUR_IP, sourceFor: () => OUR_IP };
function lab(overrides = {}, statics = []) {
    const engine = new Engine();
    const sent = [];
    const drops = [];
    const unresolved = [];
    let consumed = 0;
    const options = {
        reachableTime: 1000 * MS, staleTime: 5000 * MS, retransTime: 100 * MS, probes: 3, queueLength: 2, cacheSize: 4,
        learnGratuitous: false, linkHeaderLen: LINK, traceLearned: false, ...overrides,
    };
    const arp = new ArpResolver(engine, options, {
        alloc: () => engine.pool.alloc(),
        transmit: (p, _i, dstMac, etherType) => {
            sent.push({ dstMac, etherType, bytes: p.buf.slice(p.off, p.off + p.len) });
            p.pool.free(p);
        },
        drop: (p, reason) => {
            drops.push(reason);
            p.pool.free(p);
        },
        consume: (p) => {
            consumed++;
            p.pool.free(p);
        },
        note: () => { },
        unresolved: (p, ip) => {
            unresolved.push(ip);
            p.pool.free(p);
        },
        isStatic: (_ifIndex, ip) => statics.includes(ip),
    });
    /** Feeds an ARP packet (after a 14-byte link header) to the resolver. */
    const receive = (op, senderMac, senderIp, targetIp) => {
        const p = engine.pool.alloc();
        emitArp({ op, senderMac, senderIp, targetMac: 0, targetIp }, p.buf, p.off + LINK);
        p.len = LINK + ARP_LEN;
        arp.receive(p, iface, p.off + LINK, ARP_LEN, engine.now());
    };
    const datagram = (marker) => {
        const p = engine.pool.alloc();
        p.buf[p.off + LINK] = marker;
        p.len = LINK + 20;
        return p;
    };
    return { engine, arp, sent, drops, unresolved, receive, datagram, consumed: () => consumed };
}
test('a request for an address of the interface is answered in place with its MAC, and teaches the sender', () => {
    const { engine, arp, sent, receive } = lab();
    receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, OUR_IP);
    assert.equal(sent.length, 1);
    const reply = sent[0];
    assert.equal(reply.dstMac, PEER_MAC);
    assert.equal(reply.etherType, ETHERTYPE_ARP);
    assert.equal(reply.bytes.length, LINK + ARP_LEN);
    assert.deepEqual(parseArp(reply.bytes, LINK, ARP_LEN), { op: ARP_OP_REPLY, senderMac: OUR_MAC, senderIp: OUR_IP, targetMac: PEER_MAC, targetIp: PEER_IP });
    const n = arp.lookup(0, PEER_IP, engine.now());
    assert.equal(n.mac, PEER_MAC);
    assert.equal(arp.cache.state(n, engine.now()), 'reachable');
    assert.equal(arp.requestsReceived, 1);
    assert.equal(arp.repliesSent, 1);
});
test('a request for someone else teaches nothing new and is consumed; a multicast sender is dropped', () => {
    const { engine, arp, sent, drops, receive, consumed } = lab();
    receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, parseIpv4Addr('10.0.0.9'));
    assert.equal(sent.length, 0);
    assert.equal(consumed(), 1);
    assert.equal(arp.lookup(0, PEER_IP, engine.now()), undefined);
    receive(ARP_OP_REQUEST, parseMac('01:00:5e:00:00:01'), PEER_IP, OUR_IP);
    assert.deepEqual(drops, ['arp-bad-sender']);
});
test('gratuitous announcements are learned only when that is switched on, and static neighbours are never touched', () => {
    const off = lab();
    off.receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, PEER_IP);
    assert.equal(off.arp.lookup(0, PEER_IP, 0), undefined);
    const on = lab({ learnGratuitous: true });
    on.receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, PEER_IP);
    assert.equal(on.arp.lookup(0, PEER_IP, 0)?.mac, PEER_MAC);
    const fixed = lab({}, [PEER_IP]);
    fixed.receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, OUR_IP);
    assert.equal(fixed.arp.lookup(0, PEER_IP, 0), undefined);
    assert.equal(fixed.sent.length, 1, 'the request is still answered');
});
test('packets for an unknown next hop wait while a request is broadcast, and leave in order with the MAC of the reply', () => {
    const { engine, arp, sent, drops, datagram, receive } = lab();
    assert.equal(arp.wait(datagram(1), iface, PEER_IP, arp.lookup(0, PEER_IP, 0), 0), true);
    assert.equal(arp.wait(datagram(2), iface, PEER_IP, arp.lookup(0, PEER_IP, 0), 0), true);
    assert.equal(arp.wait(datagram(3), iface, PEER_IP, arp.lookup(0, PEER_IP, 0), 0), true);
    assert.deepEqual(drops, ['arp-queue-full'], 'the oldest was pushed out of the two-packet queue');
    assert.equal(arp.held, 2);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].dstMac, MAC_BROADCAST);
    assert.deepEqual(parseArp(sent[0].bytes, LINK, ARP_LEN), { op: ARP_OP_REQUEST, senderMac: OUR_MAC, senderIp: OUR_IP, targetMac: 0, targetIp: PEER_IP });
    receive(ARP_OP_REPLY, PEER_MAC, PEER_IP, OUR_IP);
    assert.deepEqual(sent.slice(1).map((s) => [s.dstMac, s.etherType, s.bytes[LINK]]), [[PEER_MAC, ETHERTYPE_IPV4, 2], [PEER_MAC, ETHERTYPE_IPV4, 3]]);
    assert.equal(arp.held, 0);
    engine.runFor(1000 * MS);
    assert.equal(sent.length, 3, 'no retransmission after the answer');
});
test('an unanswered resolution is retried every retransTime and fails its queue after the last probe', () => {
    const { engine, arp, sent, unresolved, datagram } = lab();
    arp.wait(datagram(1), iface, PEER_IP, undefined, engine.now());
    engine.runFor(250 * MS);
    assert.equal(sent.length, 3);
    assert.deepEqual(unresolved, []);
    engine.runFor(100 * MS);
    assert.equal(sent.length, 3, 'three probes in all');
    assert.deepEqual(unresolved, [PEER_IP]);
    assert.equal(arp.failures, 1);
    assert.equal(arp.cache.size, 0);
    assert.equal(arp.held, 0);
});
test('a stale neighbour is still used and re-confirmed with one unicast request per retransTime', () => {
    const { engine, arp, sent, receive } = lab();
    receive(ARP_OP_REQUEST, PEER_MAC, PEER_IP, OUR_IP);
    sent.length = 0;
    const n = arp.lookup(0, PEER_IP, engine.now());
    arp.refreshIfStale(n, iface, 500 * MS);
    assert.equal(sent.length, 0, 'still reachable');
    arp.refreshIfStale(n, iface, 1000 * MS);
    arp.refreshIfStale(n, iface, 1050 * MS);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].dstMac, PEER_MAC);
    arp.refreshIfStale(n, iface, 1100 * MS);
    assert.equal(sent.length, 2);
});
test('flushing drops every waiting packet as flushed and empties the cache', () => {
    const { engine, arp, drops, datagram } = lab();
    arp.wait(datagram(1), iface, PEER_IP, undefined, 0);
    arp.stop(engine.now());
    assert.deepEqual(drops, ['flushed']);
    assert.equal(arp.cache.size, 0);
    engine.runFor(1000 * MS);
    assert.equal(arp.failures, 0, 'the cancelled timer never fires');
});
//# sourceMappingURL=arp-resolver.test.js.map