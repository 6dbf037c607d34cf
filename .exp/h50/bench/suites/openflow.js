/**
 * The OpenFlow switch: the fast path (exact-match and megaflow caches) and the slow path.
 *
 * Traffic: the L3/L4 suites' `FrameHeaderSource` writes the first 40 bytes (Ethernet, IPv4, UDP
 * ports) of each flow's precomputed 64-byte frame per packet, round-robin, into a preformed
 * pool; the switch feeds two sinks. Rates are per second of process CPU time (the machine is
 * shared and loaded; wall-clock rates there measure the load).
 *
 * Rows:
 * - openflow.harness: the source straight into a sink, the cost every row includes.
 * - openflow.hit.{100,1k,10k}-rules: 256 flows that all hit the cache, the table holding that
 *   many nw_dst rules (spread over three prefix lengths) plus a default (Mpps).
 * - openflow.setup: every frame a new source port against a table that matches on it, so every
 *   frame is an upcall, a translation and a megaflow install (setups/s).
 * - openflow.levels.{emc,megaflow,upcall}: share of packets answered at each level (%) and
 *   openflow.masks-probed (masks probed per megaflow lookup), for random headers against an ACL
 *   whose rules use many masks.
 * - openflow.tss-explosion.{single-flow,random,ratio}: that ACL with one flow and with random
 *   headers; the ratio is the tuple-space-explosion cost.
 * No C baseline: these rows are measured against their goals (>= 8 Mpps hit path at 1k rules,
 * >= 100,000 setups/s).
 */
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { OpenFlowSwitch } from '../../src/netfns/openflow/switch.js';
import { mppsRow, round } from '../lib.js';
import { FrameHeaderSource, headerWords, measureInterleaved, preformPoolWith } from './router.js';
/** Packets per second of process CPU time (the L3/L4 suites' interleaved measure, one slice set). */
function cpuPps(step, seconds, warmupSeconds) {
    return measureInterleaved([{ step, finish: () => undefined }], seconds, warmupSeconds)[0];
}
const NO_C = { ok: false, reason: 'JS only (goal-based)' };
const BATCH = 64;
/** Header words each frame of a row's traffic gets written (40 bytes: Ethernet, IPv4, the UDP ports). */
const WORDS = 10;
/** A 64-byte Ethernet/IPv4/UDP frame between fixed MACs. */
function udpFrame(src, dst, sport, dport) {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x02000000);
    v.setUint16(4, 0x0002);
    v.setUint32(6, 0x02000000);
    v.setUint16(10, 0x0001);
    v.setUint16(12, 0x0800);
    b[14] = 0x45;
    v.setUint16(16, 50);
    b[22] = 64;
    b[23] = 17;
    v.setUint32(26, src >>> 0);
    v.setUint32(30, dst >>> 0);
    v.setUint16(34, sport);
    v.setUint16(36, dport);
    v.setUint16(38, 30);
    return b;
}
function rig(flows, traffic, opts = {}) {
    const pool = new PacketPool({ count: 4096, dataRoom: 256 });
    preformPoolWith(pool, traffic[0]);
    const e = new Engine({ pool });
    const g = new Graph().app('sw', OpenFlowSwitch, { ports: ['p1', 'p2', 'p3'], flows, ...opts });
    g.app('src', FrameHeaderSource, { headers: headerWords(traffic, WORDS), words: WORDS }).link('src.output -> sw.p1');
    g.app('s2', Sink).link('sw.p2 -> s2.input').app('s3', Sink).link('sw.p3 -> s3.input');
    e.configure(g);
    const sw = e.app('sw');
    const link = e.links.get('src.output -> sw.p1');
    return {
        sw,
        engine: e,
        run(breaths) {
            // The link's read index counts what the switch took, without building port statistics.
            const before = link.rxPackets;
            e.runBreaths(breaths);
            return link.rxPackets - before;
        },
    };
}
function fastPathNote(sw, packets) {
    const s = sw.fastPathStats();
    const pct = (x) => `${round((100 * x) / Math.max(1, packets))}%`;
    return `emc hit ${pct(s.emcHits)}, megaflow hit ${pct(s.megaflowHits)}, upcalls ${pct(s.upcalls)}, masks probed/pkt ${round(s.masksProbed / Math.max(1, s.megaflowLookups))}, megaflows ${s.megaflowEntries} in ${s.masks} masks, evictions ${s.evictions}`;
}
function ip(a) {
    return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
/** The traffic source straight into a sink: what every row pays without the switch. */
function harnessRow(ctx) {
    const pool = new PacketPool({ count: 4096, dataRoom: 256 });
    const traffic = Array.from({ length: 256 }, (_, i) => udpFrame((192 << 24) + i, (10 << 24) + i * 256 + 1, 1000 + i, 53));
    preformPoolWith(pool, traffic[0]);
    const e = new Engine({ pool });
    e.configure(new Graph().app('src', FrameHeaderSource, { headers: headerWords(traffic, WORDS), words: WORDS }).app('snk', Sink).link('src.output -> snk.input'));
    const snk = e.app('snk');
    const pps = cpuPps(() => {
        const before = snk.consumed;
        e.runBreaths(16);
        return snk.consumed - before;
    }, ctx.seconds / 2, ctx.warmupSeconds);
    e.stop();
    return mppsRow('openflow.harness', pps, NO_C, 'source and sink only, no switch');
}
/**
 * Rule i owns the /24 10.(i>>8).(i&255).0: a /32, /24 or /28 inside it (priority = length), so no
 * two rules overlap and every one can be hit. The traffic is min(rules, 2048) flows spread evenly
 * over the rules, each a different destination, so there is one megaflow per flow.
 */
function hitRig(rules) {
    const flows = ['priority=0,actions=output:3'];
    const lens = [32, 24, 28];
    const host = (i) => (10 << 24) + (i << 8) + 1;
    for (let i = 0; i < rules - 1; i++) {
        const len = lens[i % 3];
        const net = len === 32 ? host(i) : (host(i) & ~((1 << (32 - len)) - 1)) >>> 0;
        flows.push(`priority=${len},ip,nw_dst=${ip(net)}/${len},actions=output:2`);
    }
    const nFlows = Math.min(rules - 1, 2048);
    const stride = (rules - 1) / nFlows;
    const traffic = Array.from({ length: nFlows }, (_, j) => udpFrame((192 << 24) + j, host(Math.floor(j * stride)), 1000 + (j & 1023), 53));
    const r = rig(flows, traffic);
    r.run(Math.ceil((4 * nFlows) / BATCH)); // fill the caches
    return { rig: r, nFlows };
}
/** The cache-hit row's switch, set up and warmed up (exported for same-process comparisons and the allocation test). */
export function prepareOpenflowHit(rules) {
    const { rig: r } = hitRig(rules);
    return { step: () => r.run(16), finish: () => { r.engine.stop(); return undefined; } };
}
function hitRow(ctx, rules, label) {
    const { rig: r, nFlows } = hitRig(rules);
    const pps = cpuPps(() => r.run(16), ctx.seconds, ctx.warmupSeconds);
    r.engine.stop();
    return mppsRow(`openflow.hit.${label}-rules`, pps, NO_C, `${nFlows} flows over ${rules} rules; ${fastPathNote(r.sw, r.sw.fastPathStats().emcLookups)}`);
}
function setupRow(ctx) {
    const n = 1 << 15;
    const traffic = Array.from({ length: n }, (_, i) => udpFrame(0xc0000001, 0x0a000001, 2 + (i % 60000), 80 + Math.floor(i / 60000)));
    const r = rig(['priority=10,udp,tp_src=1,actions=drop', 'priority=1,actions=output:2'], traffic, { megaflowCapacity: n });
    // The tp_src=1 rule makes every lookup examine tp_src, so each frame needs its own megaflow;
    // each pass over the list starts from flushed caches (one pass is n / 64 breaths).
    const breaths = n / BATCH;
    const pps = cpuPps(() => {
        r.sw.flushCaches();
        return r.run(breaths);
    }, ctx.seconds, ctx.warmupSeconds);
    r.engine.stop();
    const s = r.sw.fastPathStats();
    const setups = pps * (s.upcalls / Math.max(1, s.emcLookups));
    return { id: 'openflow.setup', unit: 'setups/s', value: Math.round(setups), nsPerPacket: round(1e9 / setups), baseline: null, ratio: null, note: fastPathNote(r.sw, s.emcLookups) };
}
function explosionRows(ctx) {
    // An ACL: allow some (source prefixes of many lengths, service ports), drop the rest.
    const flows = ['priority=0,actions=drop'];
    for (let len = 8; len <= 32; len += 2)
        flows.push(`priority=${100 + len},udp,nw_src=10.${len}.0.0/${len},tp_dst=53,actions=output:2`);
    for (let p = 0; p < 16; p++)
        flows.push(`priority=50,udp,tp_dst=${1000 + p * 7},actions=output:2`);
    const single = rig(flows, [udpFrame(0x0a0a0101, 0x0a000001, 1234, 53)]);
    single.run(16);
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const traffic = Array.from({ length: 1 << 14 }, () => udpFrame(((10 << 24) | (rnd() & 0x00ffffff)) >>> 0, rnd(), rnd() & 0xffff, [53, 1000, 1007, 80, rnd() & 0xffff][rnd() % 5]));
    const random = rig(flows, traffic);
    // Interleaved, so the ratio compares the two under the same load.
    const [p1, p2] = measureInterleaved([{ step: () => single.run(16), finish: () => undefined }, { step: () => random.run(16), finish: () => undefined }], ctx.seconds, ctx.warmupSeconds);
    single.engine.stop();
    random.engine.stop();
    const s1 = { pps: p1 };
    const s2 = { pps: p2 };
    const st = random.sw.fastPathStats();
    const ratio = s2.pps / s1.pps;
    const pct = (x) => round((100 * x) / Math.max(1, st.emcLookups));
    const stat = (id, unit, value, note) => ({ id, unit, value, nsPerPacket: round(1e9 / s2.pps), baseline: null, ratio: null, note });
    return [
        mppsRow('openflow.tss-explosion.single-flow', s1.pps, NO_C, fastPathNote(single.sw, single.sw.fastPathStats().emcLookups)),
        mppsRow('openflow.tss-explosion.random', s2.pps, NO_C, fastPathNote(random.sw, st.emcLookups)),
        stat('openflow.tss-explosion.ratio', 'x', round(ratio), 'random headers / single flow'),
        stat('openflow.levels.emc', '%', pct(st.emcHits), 'random headers: packets answered by the exact-match cache'),
        stat('openflow.levels.megaflow', '%', pct(st.megaflowHits), 'random headers: packets answered by the megaflow cache'),
        stat('openflow.levels.upcall', '%', pct(st.upcalls), 'random headers: packets that took the slow path'),
        stat('openflow.masks-probed', 'masks/pkt', round(st.masksProbed / Math.max(1, st.megaflowLookups)), `random headers: masks probed per megaflow lookup (${st.masks} masks)`),
    ];
}
export const openflowSuite = {
    name: 'openflow',
    async run(ctx) {
        const rows = [];
        if (ctx.wants('openflow.harness')) {
            ctx.progress('openflow.harness');
            rows.push(harnessRow(ctx));
        }
        for (const [n, label] of [[100, '100'], [1000, '1k'], [10000, '10k']]) {
            const id = `openflow.hit.${label}-rules`;
            if (!ctx.wants(id))
                continue;
            ctx.progress(id);
            rows.push(hitRow(ctx, n, label));
        }
        if (ctx.wants('openflow.setup')) {
            ctx.progress('openflow.setup');
            rows.push(setupRow(ctx));
        }
        if (ctx.wants('openflow.tss-explosion') || ctx.wants('openflow.levels') || ctx.wants('openflow.masks-probed')) {
            ctx.progress('openflow.tss-explosion');
            rows.push(...explosionRows(ctx));
        }
        return rows;
    },
};
//# sourceMappingURL=openflow.js.map