/**
 * The NAT gateway on 64-byte UDP frames from the inside to one outside host, each row against
 * plain L3 forwarding through the router (bench/suites/router.ts, `measureRouterForwarding`:
 * source -> router -> sink, one traversal) measured in the same run, with the same source (44
 * bytes of precomputed Ethernet+IPv4+UDP header written per packet, round-robin over the flows)
 * and the same sink. Rows:
 *   - route-only: the gateway with `translate: false` (its own parsing, routing, TTL and
 *     neighbour work, no conntrack, no NAT);
 *   - masquerade on established flows (1k and 64k flows, every flow already in the table): per
 *     packet the IPv4 checks, the conntrack lookup, state refresh, source address and port
 *     rewrite with incremental IPv4 and UDP checksum updates, TTL, neighbour and MACs;
 *   - new connections per second (each frame a new flow from a counter-driven source, the
 *     virtual clock moved past the UDP timeout between rounds so expired entries are reclaimed
 *     as the table fills). Its ratio is connections against forwarded packets.
 * The notes keep the old comparison: each NAT row against the route-only gateway.
 * All rows are measured in alternating slices (`measureInterleavedPaired`, packets per second
 * of process CPU time), so they share the load of a busy machine; each ratio is the median of
 * the ratios within a round. Goal: established NAT >= 0.7 of plain forwarding.
 */
import { App } from '../../src/engine/app.js';
import { Sink } from '../../src/engine/basic.js';
import { VirtualClock } from '../../src/engine/clock.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { NatGateway } from '../../src/netfns/nat/nat-gateway.js';
import { encodeSpec } from '../../src/wire/spec.js';
import { FrameHeaderSource, headerWords, measureInterleavedPaired, prepareRouterForwarding, preformPoolWith } from './router.js';
const GW_IN = '02:00:00:00:01:01';
const GW_OUT = '02:00:00:00:02:01';
const BATCH = 64;
/** Sends 64-byte UDP frames, cycling through `flows` source ports (or a counter), UDP checksum zero. */
class FlowSource extends App {
    #frame = encodeSpec(`eth(src=02:00:00:00:01:99,dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),udp(src=1024,dst=7,csum=0),payload(hex=${'00'.repeat(22)})`);
    #n = 0;
    constructor(ctx, conf) {
        super(ctx, conf, { 'pool-empty': 'no buffer' });
    }
    pull() {
        const out = this.output.output;
        if (out === undefined)
            return;
        const n = Math.min(BATCH, out.writable());
        const f = this.#frame;
        const flows = this.conf.flows;
        for (let i = 0; i < n; i++) {
            const p = this.alloc();
            if (p === null)
                return this.countDrop('pool-empty');
            const b = p.buf;
            const o = p.off;
            b.set(f, o);
            p.len = f.length;
            const k = this.conf.fresh ? this.#n : this.#n % flows;
            const sport = 1024 + (k % 64000);
            const dport = 1 + ((k / 64000) | 0) % 65000;
            b[o + 34] = sport >>> 8;
            b[o + 35] = sport;
            b[o + 36] = dport >>> 8;
            b[o + 37] = dport;
            this.#n++;
            out.transmit(p);
        }
    }
}
/** One 64-byte UDP frame per flow, inside host to the outside host, as the established rows send them. */
function flowFrames(flows) {
    const frame = encodeSpec(`eth(src=02:00:00:00:01:99,dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),udp(src=1024,dst=7,csum=0),payload(hex=${'00'.repeat(22)})`);
    const out = [];
    for (let k = 0; k < flows; k++) {
        const f = frame.slice();
        const sport = 1024 + (k % 64000);
        const dport = 1 + (((k / 64000) | 0) % 65000);
        f[34] = sport >>> 8;
        f[35] = sport;
        f[36] = dport >>> 8;
        f[37] = dport;
        out.push(f);
    }
    return out;
}
/** One row set up and warmed up, ready to measure (exported for same-process A/B comparisons). */
export function prepareNat(translate, flows, fresh) {
    const clock = new VirtualClock();
    const pool = new PacketPool({ count: 8192, dataRoom: 256 });
    const e = new Engine({ clock, pool });
    const g = new Graph();
    if (fresh)
        g.app('src', FlowSource, { flows, fresh });
    else {
        const frames = flowFrames(flows);
        preformPoolWith(pool, frames[0]);
        g.app('src', FrameHeaderSource, { headers: headerWords(frames) });
    }
    g
        .app('nat', NatGateway, { inside: { ip: '10.0.0.1/24', mac: GW_IN }, outside: { ip: '203.0.113.1/24', mac: GW_OUT }, translate, conntrack: { capacity: 1 << 17 } })
        .app('inject', Injector, {})
        .app('snk', Sink, {});
    g.link('src.output -> nat.inside').link('nat.outside -> snk.input').link('inject.output -> nat.outside');
    e.configure(g);
    // Teach the gateway the outside host's MAC (again after each clock jump, as a live neighbour would).
    const arpReply = encodeSpec(`eth(src=02:00:00:00:02:99,dst=${GW_OUT}),arp(op=reply,sha=02:00:00:00:02:99,spa=203.0.113.2,tha=${GW_OUT},tpa=203.0.113.1)`);
    const injector = e.app('inject');
    injector.send(arpReply);
    e.runBreaths(2);
    const nat = e.app('nat');
    const snk = e.app('snk');
    if (!fresh)
        e.runBreaths(Math.ceil(flows / BATCH) + 2);
    // Packets that arrived before the ARP reply overflowed the neighbour queue: setup, not measured.
    const dropsBefore = { ...nat.dropCounts };
    return {
        step: () => {
            const before = snk.consumed;
            if (fresh) {
                clock.advance(31e9);
                injector.send(arpReply);
            }
            e.runBreaths(16);
            return snk.consumed - before;
        },
        finish: () => {
            const during = Object.entries(nat.dropCounts).map(([k, v]) => [k, v - (dropsBefore[k] ?? 0)]).filter(([, v]) => v > 0);
            e.stop();
            return during.length > 0 ? `drops while measuring: ${JSON.stringify(Object.fromEntries(during))}` : undefined;
        },
    };
}
class Injector extends App {
    constructor(ctx, conf) {
        super(ctx, conf, { 'no-output': 'not linked' });
    }
    send(frame) {
        const p = this.alloc();
        if (p === null)
            return;
        p.setData(frame);
        const out = this.output.output;
        if (out === undefined)
            return this.drop(p, 'no-output');
        out.transmit(p);
    }
}
const r3 = (x) => Math.round(x * 1000) / 1000;
export const natSuite = {
    name: 'nat',
    async run(ctx) {
        const rows = [];
        const ids = ['nat.route-only.64B-udp', 'nat.masquerade.64B-udp.established.1k-flows', 'nat.masquerade.64B-udp.established.64k-flows', 'nat.masquerade.new-connections'];
        if (!ids.some((id) => ctx.wants(id)))
            return rows;
        ctx.progress('nat (interleaved with the router baseline)');
        const wanted = ids.filter((id, i) => i === 0 || ctx.wants(id));
        const setups = {
            'nat.route-only.64B-udp': () => prepareNat(false, 1024, false),
            'nat.masquerade.64B-udp.established.1k-flows': () => prepareNat(true, 1024, false),
            'nat.masquerade.64B-udp.established.64k-flows': () => prepareNat(true, 65536, false),
            'nat.masquerade.new-connections': () => prepareNat(true, 0, true),
        };
        const prepared = [prepareRouterForwarding(1), ...wanted.map((id) => setups[id]())];
        const measured = measureInterleavedPaired(prepared, ctx.seconds, ctx.warmupSeconds);
        const pps = measured.pps;
        const notes = prepared.map((b) => b.finish());
        await Promise.resolve();
        const router = pps[0];
        const indexOf = (id) => 1 + wanted.indexOf(id);
        const ppsOf = (id) => pps[indexOf(id)];
        const noteOf = (id) => notes[1 + wanted.indexOf(id)];
        const base = { name: 'router forwarding, one hop, same run', value: r3(router / 1e6) };
        const row = (id, unit, extra) => {
            const note = [...extra, noteOf(id)].filter((x) => x !== undefined && x !== '').join('; ');
            return { id, unit, value: r3(ppsOf(id) / 1e6), nsPerPacket: r3(1e9 / ppsOf(id)), baseline: base, ratio: r3(measured.ratio(indexOf(id), 0)), ...(note ? { note } : {}) };
        };
        rows.push({ id: 'nat.baseline.router.forward.64B', unit: 'Mpps', value: base.value, nsPerPacket: r3(1e9 / router), baseline: null, ratio: null, note: ['plain L3 forwarding, one hop, interleaved with the nat rows: their baseline', notes[0]].filter(Boolean).join('; ') });
        if (ctx.wants(ids[0]))
            rows.push(row(ids[0], 'Mpps', ['the gateway with translate: false (parsing, routing, TTL, ARP; no conntrack)']));
        for (const id of [ids[1], ids[2]])
            if (ctx.wants(id))
                rows.push(row(id, 'Mpps', [`${r3(measured.ratio(indexOf(id), indexOf(ids[0])))} of the route-only gateway`]));
        if (ctx.wants(ids[3]))
            rows.push(row(ids[3], 'M conn/s', ['every frame opens a UDP connection with port allocation; ratio is connections against forwarded packets']));
        return rows;
    },
};
//# sourceMappingURL=nat.js.map