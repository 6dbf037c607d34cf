/**
 * The learning bridge forwarding 64-byte frames among 4 ports, every destination already learned.
 * MACs are spread over the ports (MAC m lives on port m % 4); each port's source sends, round-robin,
 * frames from its own MACs to MACs of the other ports. Rows: the harness alone (sources straight
 * into sinks, the cost the bridge rows include but do not owe), then the bridge with 1k and 64k MACs.
 * Baseline: bench/c/bridge.c, the same graph, rings, pool and open-addressing MAC table in C.
 */
import { LearningBridge } from '../../src/bridges/learning-bridge.js';
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { HeaderSource, preformPool } from '../apps.js';
import { measure, mppsRow } from '../lib.js';
const PORTS = 4;
const BATCH = 64;
/**
 * Frame headers for each port: 12 bytes (dst, src) per frame as three words, covering every MAC
 * as source and destination. `high` is ORed into the third byte of every MAC (the allocation test
 * sets it so the MACs' low words are above 2^30, as random MACs' often are).
 */
export function headersFor(macCount, high = 0) {
    const perPort = macCount / PORTS;
    const out = [];
    for (let port = 0; port < PORTS; port++) {
        const bytes = new Uint8Array(perPort * 12);
        const h = bytes;
        for (let i = 0; i < perPort; i++) {
            const src = port + PORTS * i;
            const dstPort = (port + 1 + (i % (PORTS - 1))) % PORTS;
            const dst = dstPort + PORTS * ((i * 7919) % perPort);
            writeBenchMac(h, i * 12, dst, high);
            writeBenchMac(h, i * 12 + 6, src, high);
        }
        const view = new DataView(bytes.buffer);
        out.push(Uint32Array.from({ length: perPort * 3 }, (_, w) => view.getUint32(w * 4)));
    }
    return out;
}
/** MAC number m as 02:00:00:xx:xx:xx (locally administered, unicast), `high` ORed into the third byte. */
function writeBenchMac(buf, off, m, high) {
    buf[off] = 0x02;
    buf[off + 1] = 0;
    buf[off + 2] = high | ((m >>> 24) & 0xff);
    buf[off + 3] = (m >>> 16) & 0xff;
    buf[off + 4] = (m >>> 8) & 0xff;
    buf[off + 5] = m & 0xff;
}
/** The bridge (or just the harness) with every source learned, ready to measure (exported for the allocation test). */
export function prepareBridge(macCount, withBridge, high = 0) {
    const pool = new PacketPool({ count: 8192, dataRoom: 256 });
    preformPool(pool);
    const e = new Engine({ pool });
    const headers = headersFor(macCount, high);
    const g = new Graph();
    if (withBridge)
        g.app('br', LearningBridge, { fdbMax: Math.max(4096, macCount) });
    for (let p = 0; p < PORTS; p++) {
        g.app(`src${p}`, HeaderSource, { headers: headers[p], batch: BATCH }).app(`snk${p}`, Sink);
        if (withBridge)
            g.link(`src${p}.output -> br.p${p}`).link(`br.p${p} -> snk${p}.input`);
        else
            g.link(`src${p}.output -> snk${p}.input`);
    }
    e.configure(g);
    const sinks = Array.from({ length: PORTS }, (_, p) => e.app(`snk${p}`));
    const delivered = () => {
        let n = 0;
        for (let i = 0; i < sinks.length; i++)
            n += sinks[i].consumed;
        return n;
    };
    // Learn every source before measuring: one full round of each port's frame list.
    if (withBridge)
        e.runBreaths(Math.ceil(macCount / PORTS / BATCH) + 2);
    const br = withBridge ? e.app('br') : null;
    const floods = () => (br === null ? 0 : [0, 1, 2, 3].reduce((n, p) => n + br.portCounters(`p${p}`).floods, 0));
    const floodsBefore = floods();
    return {
        step: () => {
            const before = delivered();
            e.runBreaths(64);
            return delivered() - before;
        },
        finish: () => {
            let note;
            if (br !== null) {
                const flooded = floods() - floodsBefore;
                const size = br.fdbStats().size;
                if (flooded !== 0 || size !== macCount)
                    note = `unexpected: ${flooded} floods while measuring, fdb holds ${size} of ${macCount}`;
            }
            e.stop();
            return note;
        },
    };
}
function run(ctx, macCount, withBridge) {
    const prepared = prepareBridge(macCount, withBridge);
    const r = measure(() => prepared.step(), ctx.seconds, ctx.warmupSeconds);
    const note = prepared.finish();
    return note === undefined ? { pps: r.pps } : { pps: r.pps, note };
}
export const bridgeSuite = {
    name: 'bridge',
    async run(ctx) {
        const rows = [];
        const cases = [
            ['bridge.harness.64B.no-bridge', 1024, false],
            ['bridge.learning.64B.1k-macs', 1024, true],
            ['bridge.learning.64B.64k-macs', 65536, true],
        ];
        for (const [id, macs, withBridge] of cases) {
            if (!ctx.wants(id))
                continue;
            ctx.progress(id);
            const r = run(ctx, macs, withBridge);
            const c = ctx.runC('bridge', [withBridge ? 'bridge' : 'noop', macs, ctx.seconds, ctx.warmupSeconds]);
            rows.push(mppsRow(id, r.pps, c, r.note));
            await Promise.resolve();
        }
        return rows;
    },
};
//# sourceMappingURL=bridge.js.map