/**
 * Overlay tunnels on 64-byte inner frames, each row against plain L3 forwarding measured in the
 * same run with the same source and sink (bench/suites/router.ts, `measureRouterForwarding`).
 *
 *   router.forward.64B           source -> router -> sink                        (1 traversal)
 *   router.forward.64B.two-hops  source -> router -> router -> sink              (2 traversals)
 *   MODE.64B.encap               source -> ep1.p_a (encap) -> ep1.underlay -> sink
 *   MODE.64B.decap               source -> ep2.underlay (decap) -> ep2.p_a -> sink
 *   MODE.64B.encap+decap         source -> ep1 (encap) -> ep2 (decap) -> sink     (2 traversals)
 *
 * `ratio` of the encap and decap rows is against one router hop, that of encap+decap against two
 * hops, so every ratio compares the same number of app traversals per packet. Every source
 * writes 44 bytes of precomputed header per packet (256 flows, round-robin) into a preformed
 * frame: the router's and the encapsulator's Ethernet+IPv4+UDP header of the inner frame, the
 * decapsulator's outer Ethernet+IPv4+UDP (VXLAN) or +GRE header of a frame that ep1 produced.
 *
 * Per packet, encap: learn the inner source MAC, FDB lookup (a static entry for the
 * destination), MTU check, flow hash, 50 (VXLAN) or 42 (GRE with key) bytes of outer headers
 * with the IPv4 checksum from a per-remote partial sum. Decap: outer Ethernet and IPv4 checks
 * including the header checksum, the remote endpoint lookup, the tunnel header, learning of the
 * inner source MAC, FDB lookup (ep2 learned the destination from one warm-up frame). Nothing
 * floods while measuring. The old comparison (the chain with each endpoint replaced by a Wire
 * app that does nothing) is kept as the `tunnels.two-wires.64B` row and in the notes. All rows
 * are measured in alternating slices (`measureInterleavedPaired`, packets per second of process
 * CPU time), so they share the load of a busy machine; each ratio is the median of the ratios
 * within a round.
 */
import { App } from '../../src/engine/app.js';
import { Sink, Source, Wire } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { GreTunnel } from '../../src/netfns/tunnels/gre-tunnel.js';
import { VxlanVtep } from '../../src/netfns/tunnels/vxlan-vtep.js';
import { round } from '../lib.js';
import { FrameHeaderSource, forwardingFrames, headerWords, measureInterleavedPaired, prepareRouterForwarding, preformPoolWith } from './router.js';
const SRC_MAC = [2, 0, 0, 0, 0, 1];
const DST_MAC = [2, 0, 0, 0, 0, 2];
const DST_MAC_TEXT = '02:00:00:00:00:02';
function endpointConf(mode, me) {
    const field = mode === 'vxlan' ? 'vni' : 'key';
    const peer = me === 1 ? '192.168.0.2' : '192.168.0.1';
    return {
        underlay: { ip: `192.168.0.${me}/24`, neighbours: { [peer]: me === 1 ? '0e:00:c0:a8:00:02' : '0e:00:c0:a8:00:01' } },
        ports: { p_a: { [field]: 100 } },
        flood: { 100: [peer] },
        static: me === 1 ? [{ [field]: 100, mac: DST_MAC_TEXT, remote: peer }] : [],
    };
}
/** The router's 256 forwarding frames with the tenant MACs: SRC_MAC to DST_MAC. */
function innerFrames() {
    return forwardingFrames().map((f) => {
        f.set(DST_MAC, 0);
        f.set(SRC_MAC, 6);
        return f;
    });
}
/** Keeps a copy of the first `max` frames it receives (setup only: allocates). */
class Capture extends App {
    frames = [];
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    push() {
        const l = this.input.input;
        if (l === undefined)
            return;
        while (!l.empty()) {
            const p = l.receive();
            if (this.frames.length < this.conf.max)
                this.frames.push(p.bytes());
            this.consume(p);
        }
    }
}
/** The frames ep1 sends on its underlay for each inner frame, in order. */
function encapsulated(mode, inner) {
    const pool = new PacketPool({ count: 1024, dataRoom: 256 });
    preformPoolWith(pool, inner[0]);
    const e = new Engine({ pool });
    const cls = mode === 'vxlan' ? VxlanVtep : GreTunnel;
    e.configure(new Graph()
        .app('src', FrameHeaderSource, { headers: headerWords(inner), batch: inner.length })
        .app('ep1', cls, endpointConf(mode, 1))
        .app('cap', Capture, { max: inner.length })
        .link('src.output -> ep1.p_a')
        .link('ep1.underlay -> cap.input'));
    e.runBreaths(1);
    const frames = e.app('cap').frames;
    e.stop();
    if (frames.length !== inner.length)
        throw new Error(`tunnels bench: ${mode} encapsulated ${frames.length} of ${inner.length} frames`);
    return frames;
}
/** One row set up and warmed up, ready to measure (exported for same-process A/B comparisons). */
export function prepareTunnel(mode, path) {
    const pool = new PacketPool({ count: 8192, dataRoom: 256 });
    const e = new Engine({ pool });
    const inner = innerFrames();
    const g = new Graph().app('snk', Sink);
    if (mode === 'wires') {
        preformPoolWith(pool, inner[0]);
        g.app('src', FrameHeaderSource, { headers: headerWords(inner) });
        g.app('ep1', Wire).app('ep2', Wire).link('src.output -> ep1.input').link('ep1.output -> ep2.input').link('ep2.output -> snk.input');
    }
    else {
        const cls = mode === 'vxlan' ? VxlanVtep : GreTunnel;
        if (path === 'decap') {
            const outer = encapsulated(mode, inner);
            preformPoolWith(pool, outer[0]);
            g.app('src', FrameHeaderSource, { headers: headerWords(outer), len: outer[0].length });
        }
        else {
            preformPoolWith(pool, inner[0]);
            g.app('src', FrameHeaderSource, { headers: headerWords(inner) });
        }
        if (path !== 'decap')
            g.app('ep1', cls, endpointConf(mode, 1)).link('src.output -> ep1.p_a');
        if (path !== 'encap') {
            g.app('ep2', cls, endpointConf(mode, 2)).link('ep2.p_a -> snk.input');
            // One frame from the destination host teaches ep2 where DST_MAC lives.
            const warm = [...SRC_MAC, ...DST_MAC, 0x08, 0x00, ...new Array(46).fill(0)];
            g.app('warm', Source, { frame: warm, limit: 1 }).link('warm.output -> ep2.p_a');
        }
        if (path === 'encap')
            g.link('ep1.underlay -> snk.input');
        else if (path === 'decap')
            g.app('usnk', Sink).link('src.output -> ep2.underlay').link('ep2.underlay -> usnk.input');
        else
            g.connect('ep1.underlay', 'ep2.underlay');
    }
    e.configure(g);
    const sink = e.app('snk');
    e.runBreaths(4);
    const eps = mode === 'wires' ? [] : (path === 'encap' ? ['ep1'] : path === 'decap' ? ['ep2'] : ['ep1', 'ep2']).map((n) => e.app(n));
    const dropsBefore = eps.reduce((n, ep) => n + ep.totalDrops(), 0);
    const floodsBefore = eps.reduce((n, ep) => n + ep.stats().floods, 0);
    return {
        step: () => {
            const before = sink.consumed;
            e.runBreaths(64);
            return sink.consumed - before;
        },
        finish: () => {
            const drops = eps.reduce((n, ep) => n + ep.totalDrops(), 0) - dropsBefore;
            const floods = eps.reduce((n, ep) => n + ep.stats().floods, 0) - floodsBefore;
            e.stop();
            return drops === 0 && floods === 0 ? undefined : `unexpected while measuring: ${drops} drops, ${floods} floods`;
        },
    };
}
const WHAT = {
    encap: 'one traversal: access frame in, encapsulated frame out; ratio against one router hop',
    decap: 'one traversal: encapsulated frame in, inner frame out; ratio against one router hop',
    'encap+decap': 'two traversals (encapsulate, then decapsulate); ratio against two router hops',
};
export const tunnelsSuite = {
    name: 'tunnels',
    async run(ctx) {
        const rows = [];
        const all = [];
        for (const mode of ['vxlan', 'gre'])
            for (const path of ['encap', 'decap', 'encap+decap'])
                all.push([mode, path, `tunnels.${mode}.64B.${path}`]);
        const wanted = all.filter(([, , id]) => ctx.wants(id));
        const wiresId = 'tunnels.two-wires.64B';
        if (wanted.length === 0 && !ctx.wants(wiresId))
            return rows;
        ctx.progress('tunnels (interleaved with the router baselines)');
        // One process holds them all and measures them in alternating slices, so they share the load.
        const prepared = [prepareRouterForwarding(1), prepareRouterForwarding(2), prepareTunnel('wires', 'encap+decap'), ...wanted.map(([mode, path]) => prepareTunnel(mode, path))];
        const measured = measureInterleavedPaired(prepared, ctx.seconds, ctx.warmupSeconds);
        const pps = measured.pps;
        const notes = prepared.map((b) => b.finish());
        await Promise.resolve();
        const [hop1, hop2, wires] = pps;
        const mpps = (x) => round(x / 1e6);
        const base = (x, id, note) => ({ id, unit: 'Mpps', value: mpps(x), nsPerPacket: round(1e9 / x), baseline: null, ratio: null, note: note.filter(Boolean).join('; ') });
        rows.push(base(hop1, 'tunnels.baseline.router.forward.64B', ['plain L3 forwarding, one hop, interleaved with the tunnel rows', notes[0]]));
        rows.push(base(hop2, 'tunnels.baseline.router.forward.64B.two-hops', ['plain L3 forwarding, two hops, interleaved with the tunnel rows', notes[1]]));
        if (ctx.wants(wiresId))
            rows.push(base(wires, wiresId, ['source -> Wire -> Wire -> sink: the harness alone', notes[2]]));
        wanted.forEach(([, path, id], i) => {
            const x = pps[3 + i];
            const ref = path === 'encap+decap' ? hop2 : hop1;
            const extra = path === 'encap+decap' ? `${round(measured.ratio(3 + i, 2))} of two Wire apps` : undefined;
            rows.push({
                id,
                unit: 'Mpps',
                value: mpps(x),
                nsPerPacket: round(1e9 / x),
                baseline: { name: path === 'encap+decap' ? 'router forwarding, two hops, same run' : 'router forwarding, one hop, same run', value: mpps(ref) },
                ratio: round(measured.ratio(3 + i, path === 'encap+decap' ? 1 : 0)),
                note: [WHAT[path], extra, notes[3 + i]].filter((n) => n !== undefined).join('; '),
            });
        });
        return rows;
    },
};
//# sourceMappingURL=tunnels.js.map