/**
 * Engine overhead: the stock Source -> Sink graph at several batch sizes. Each packet is
 * allocated, filled with a 64-byte frame, put on a link, taken off and freed; what is measured
 * is the engine (breath loop, links, pool), since neither app does anything else.
 * Baseline: bench/c/engine.c, the same pool/ring/breath structure in C.
 */
import { Sink, Source } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { measure, mppsRow } from '../lib.js';
const BATCHES = [1, 4, 16, 64, 256];
const FRAME = Array.from({ length: 64 }, (_, i) => i);
export const engineSuite = {
    name: 'engine',
    async run(ctx) {
        const rows = [];
        for (const batch of BATCHES) {
            const id = `engine.source-sink.64B.batch-${batch}`;
            if (!ctx.wants(id))
                continue;
            ctx.progress(id);
            const e = new Engine();
            e.configure(new Graph().app('src', Source, { frame: FRAME, batch }).app('snk', Sink).link('src.output -> snk.input'));
            const sink = e.app('snk');
            const breaths = Math.max(1, Math.floor(4096 / batch));
            const r = measure(() => {
                const before = sink.consumed;
                e.runBreaths(breaths);
                return sink.consumed - before;
            }, ctx.seconds, ctx.warmupSeconds);
            e.stop();
            const c = ctx.runC('engine', [batch, ctx.seconds, ctx.warmupSeconds]);
            rows.push(mppsRow(id, r.pps, c));
            await Promise.resolve();
        }
        return rows;
    },
};
//# sourceMappingURL=engine.js.map