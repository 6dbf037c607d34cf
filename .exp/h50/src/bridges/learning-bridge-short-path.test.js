/**
 * The bridge's short unicast path must never change an outcome: the same seeded traffic and the
 * same control operations go through two bridges, one fed from the engine's own pool (eligible for
 * the short path) and one fed from a foreign pool (its frames always take the full `#forward`
 * path), and everything observable must match: frames delivered per host, counters, drops, FDB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../engine/app.js';
import { Engine, Graph } from '../engine/engine.js';
import { PacketPool } from '../engine/packet.js';
import { assertConserved } from '../testing/conservation.js';
import { LearningBridge } from './learning-bridge.js';
const PORTS = ['p0', 'p1', 'p2', 'p3'];
class Host extends App {
    received = [];
    #from;
    constructor(ctx, conf) {
        super(ctx, conf, {});
        this.#from = conf?.pool ?? this.pool;
    }
    send(bytes, traceId) {
        const p = this.#from.fromBytes(bytes);
        this.generated++;
        p.traceId = traceId;
        this.output.tx.transmit(p);
    }
    push() {
        const l = this.input.rx;
        while (!l.empty()) {
            const p = l.receive();
            this.received.push(Buffer.from(p.bytes()).toString('hex'));
            this.consume(p);
        }
    }
}
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
function side(conf, foreign) {
    const e = new Engine();
    const pool = foreign ? new PacketPool({ count: 4096 }) : undefined;
    const g = new Graph().app('br', LearningBridge, conf);
    for (const p of PORTS)
        g.app(`h${p}`, Host, pool === undefined ? {} : { pool }).link(`h${p}.tx -> br.${p}`).link(`br.${p} -> h${p}.rx`);
    e.configure(g);
    return { e, br: e.app('br'), hosts: PORTS.map((p) => e.app(`h${p}`)) };
}
/** A random frame biased towards known unicast, with every kind of odd case mixed in. */
function frame(rand) {
    const kind = rand();
    const macs = 10;
    const unicast = () => [0x02, 0, 0, 0, 0, 1 + Math.floor(rand() * macs)];
    let dst = unicast();
    let src = unicast();
    if (kind < 0.05)
        dst = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    else if (kind < 0.08)
        dst = [0x01, 0x00, 0x5e, 0, 0, 1];
    else if (kind < 0.1)
        dst = [0x01, 0x80, 0xc2, 0, 0, Math.floor(rand() * 3)];
    else if (kind < 0.12)
        src = [0x01, 0, 0, 0, 0, 1];
    else if (kind < 0.14)
        src = [0, 0, 0, 0, 0, 0];
    const r = rand();
    let type = [0x08, 0x00];
    if (r < 0.1)
        type = [0x81, 0x00, 0x00, 0x05];
    let len = 60;
    const l = rand();
    if (l < 0.03)
        len = Math.floor(rand() * 14);
    else if (l < 0.06)
        len = 14 + Math.floor(rand() * 4);
    const bytes = new Uint8Array(Math.max(len, 0));
    const head = [...dst, ...src, ...type];
    for (let i = 0; i < bytes.length; i++)
        bytes[i] = i < head.length ? head[i] : i & 0xff;
    return bytes;
}
function snapshot(s) {
    return {
        received: s.hosts.map((h) => h.received),
        counters: PORTS.map((p) => s.br.portCounters(p)),
        drops: { ...s.br.dropCounts },
        fdb: s.br.fdb(),
        stats: s.br.fdbStats(),
    };
}
function runDifferential(seed, conf) {
    const rand = mulberry32(seed);
    const fast = side(conf, false);
    const full = side(conf, true);
    const both = (fn) => {
        fn(fast);
        fn(full);
    };
    for (let step = 0; step < 3000; step++) {
        const op = rand();
        if (op < 0.9) {
            const from = Math.floor(rand() * PORTS.length);
            const bytes = frame(rand);
            const traceId = rand() < 0.02 ? 7 : 0;
            both((s) => s.hosts[from].send(bytes, traceId));
        }
        else if (op < 0.93) {
            both((s) => s.e.runBreaths(1));
        }
        else if (op < 0.95) {
            const port = PORTS[Math.floor(rand() * PORTS.length)];
            const flags = { learning: rand() < 0.7, flood: rand() < 0.8, hairpin: rand() < 0.3 };
            both((s) => s.br.setPortFlags(port, flags));
        }
        else if (op < 0.96) {
            const port = PORTS[Math.floor(rand() * PORTS.length)];
            const m = `02:00:00:00:00:${(1 + Math.floor(rand() * 10)).toString(16).padStart(2, '0')}`;
            both((s) => s.br.addStatic(m, port));
        }
        else if (op < 0.97) {
            const m = `02:00:00:00:00:${(1 + Math.floor(rand() * 10)).toString(16).padStart(2, '0')}`;
            both((s) => s.br.removeEntry(m));
        }
        else if (op < 0.98) {
            both((s) => s.br.flush());
        }
        else {
            // Let some time pass so entries age out (the default ageing time is 300 s; use a short one).
            both((s) => s.e.runFor(2_000_000_000));
        }
        if (step % 100 === 99) {
            both((s) => s.e.runBreaths(2));
            assert.deepEqual(snapshot(fast), snapshot(full), `seed ${seed}, step ${step}`);
        }
    }
    both((s) => s.e.runBreaths(2));
    assert.deepEqual(snapshot(fast), snapshot(full), `seed ${seed}, end`);
    assertConserved(fast.e);
    const delivered = fast.hosts.reduce((n, h) => n + h.received.length, 0);
    assert.ok(delivered > 1000, `expected most frames to be delivered, got ${delivered}`);
}
test('the short unicast path gives the same frames, counters and FDB as the full path on random traffic', () => {
    for (const seed of [1, 2, 3])
        runDifferential(seed, { ageingTime: 3 });
});
test('the short path stays out of the way when VLAN filtering is on', () => {
    const ports = Object.fromEntries(PORTS.map((p, i) => [p, { pvid: 1 + (i % 2), tagged: [5] }]));
    runDifferential(4, { ageingTime: 3, vlanFiltering: true, ports });
});
//# sourceMappingURL=learning-bridge-short-path.test.js.map