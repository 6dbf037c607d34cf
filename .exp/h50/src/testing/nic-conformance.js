/**
 * The NIC conformance suite: the same traffic through every NIC kind, and a programmatic two-guest lab.
 *
 * `twoGuestLab(kind)` builds two IP-stack guests with a NIC kind between them (src/vm/guest-pairs.ts:
 * plain ports, VMs behind virtio placements or e1000, SR-IOV VFs, passed-through ports). Other NIC
 * families plug in by giving `nicConformance` their own factory: a function returning a `NicUnderTest`
 * (an engine and two hosts that can reach each other).
 *
 * The suite checks ping, UDP with exact payload bytes, MTU-size frames, broadcast, that the NIC's
 * counters saw the frames, and packet conservation across the whole engine.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_NIC_KINDS, guestPair, stackPair } from '../vm/guest-pairs.js';
import { assertConserved } from './conservation.js';
/** Two IP-stack guests, 10.0.0.1 and 10.0.0.2/24, with the given NIC kind. */
export function twoGuestLab(kind, options = {}) {
    return stackPair(guestPair(kind, { ...options, guest: 'stack' }));
}
const MS = 1_000_000;
function ping(n, from, to, count, size) {
    const s = from.ping(to, { count, interval: MS, timeout: 100 * MS, ...(size !== undefined ? { size } : {}) });
    n.engine.runUntil(() => s.done, 10_000 * MS);
    return s.received;
}
/** Registers the suite for one NIC kind. */
export function nicConformance(name, make) {
    describe(`${name} conforms to the NIC suite`, () => {
        test('pings go both ways', () => {
            const n = make();
            assert.equal(ping(n, n.a, n.bIp, 3), 3);
            assert.equal(ping(n, n.b, n.aIp, 3), 3);
            assertConserved(n.engine);
        });
        test('a UDP datagram arrives with its exact payload', () => {
            const n = make();
            const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
            let got = null;
            n.b.udpBind(5000, (_ip, _port, data) => { got = data.slice(); });
            assert.equal(ping(n, n.a, n.bIp, 1), 1, 'resolve first');
            const r = n.a.udpSend(n.bIp, 5000, payload, { srcPort: 4000 });
            assert.ok(r === 'sent' || r === 'queued', r);
            n.engine.runUntil(() => got !== null, 100 * MS);
            assert.deepEqual(got, payload);
            assertConserved(n.engine);
        });
        test('MTU-size frames (1500-byte IP packets) pass', () => {
            const n = make();
            assert.equal(ping(n, n.a, n.bIp, 2, 1472), 2);
            assertConserved(n.engine);
        });
        test('a broadcast reaches the other guest', () => {
            const n = make();
            let got = 0;
            n.b.udpBind(6000, () => { got++; });
            const r = n.a.udpSend(n.broadcast, 6000, Uint8Array.of(1, 2, 3), { srcPort: 6001 });
            assert.equal(r, 'sent');
            n.engine.runUntil(() => got > 0, 100 * MS);
            assert.equal(got, 1);
            assertConserved(n.engine);
        });
        test('the NIC counters saw every frame', () => {
            const n = make();
            assert.equal(ping(n, n.a, n.bIp, 5), 5);
            // 5 requests + 5 replies + ARP request and reply at least.
            assert.ok(n.stats().frames >= 12, JSON.stringify(n.stats()));
        });
        test('packets are conserved after a burst of traffic', () => {
            const n = make();
            n.b.udpBind(7000, () => { });
            ping(n, n.a, n.bIp, 1);
            for (let i = 0; i < 200; i++)
                n.a.udpSend(n.bIp, 7000, Uint8Array.of(i & 0xff), { srcPort: 7001 });
            n.engine.runFor(10 * MS);
            assertConserved(n.engine);
            assert.equal(n.engine.pool.inUse, n.engine.queued() + [...n.engine.apps.values()].reduce((s, a) => s + a.held(), 0));
        });
    });
}
/** Runs the suite against every NIC kind. */
export function nicConformanceForAllKinds() {
    for (const kind of ALL_NIC_KINDS)
        nicConformance(kind, () => twoGuestLab(kind));
}
//# sourceMappingURL=nic-conformance.js.map