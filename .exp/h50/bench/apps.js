/**
 * Bench-only traffic apps. The source must cost little next to what it feeds: the pool's packets
 * are preformed once with a 64-byte frame, and per packet the source only writes the 12 bytes of
 * destination and source MAC (three 32-bit stores) from a precomputed list (round-robin) before putting it on its link.
 */
import { App } from '../src/engine/app.js';
const NO_DROPS = {};
export class HeaderSource extends App {
    #headers;
    #batch;
    #cursor = 0;
    /** Breaths in which the pool ran dry. */
    poolEmpty = 0;
    constructor(ctx, conf) {
        super(ctx, conf, NO_DROPS);
        this.#headers = conf.headers;
        this.#batch = conf.batch ?? 64;
    }
    pull() {
        const out = this.output.output;
        if (out === undefined)
            return;
        const n = Math.min(this.#batch, out.writable());
        const h = this.#headers;
        const mem = this.pool.memory;
        let c = this.#cursor;
        for (let i = 0; i < n; i++) {
            const p = this.alloc();
            if (p === null) {
                this.poolEmpty++;
                break;
            }
            const at = p.base + p.off;
            mem.setUint32(at, h[c]);
            mem.setUint32(at + 4, h[c + 1]);
            mem.setUint32(at + 8, h[c + 2]);
            p.len = 64;
            c += 3;
            if (c === h.length)
                c = 0;
            out.transmit(p);
        }
        this.#cursor = c;
    }
}
/** Writes a 64-byte IPv4-in-Ethernet template into every packet of the pool, so sources only set MACs. */
export function preformPool(pool) {
    const template = new Uint8Array(64);
    template[12] = 0x08;
    template[13] = 0x00;
    for (let i = 14; i < 64; i++)
        template[i] = i;
    for (let id = 0; id < pool.capacity; id++) {
        const p = pool.byId(id);
        p.buf.set(template, pool.headroom);
    }
}
//# sourceMappingURL=apps.js.map