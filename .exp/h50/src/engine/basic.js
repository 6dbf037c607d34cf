/**
 * Basic apps for building and measuring graphs: a packet source, a sink, a repeater.
 */
import { App } from './app.js';
const SOURCE_DROPS = {
    'pool-empty': 'no free packet buffer to generate into',
    'no-output': 'the source has no output link',
};
/** Generates copies of one frame on its `output` link, `batch` per breath. */
export class Source extends App {
    #frame;
    #batch;
    #left;
    constructor(ctx, conf) {
        super(ctx, conf, SOURCE_DROPS);
        this.#frame = Uint8Array.from(conf.frame);
        this.#batch = conf.batch ?? 64;
        this.#left = conf.limit ?? Infinity;
    }
    pull() {
        const out = this.output.output;
        if (out === undefined || this.#left <= 0)
            return;
        const n = Math.min(this.#batch, this.#left, out.writable());
        const frame = this.#frame;
        let sent = 0;
        for (; sent < n; sent++) {
            const p = this.alloc();
            if (p === null) {
                this.countDrop('pool-empty');
                break;
            }
            p.buf.set(frame, p.off);
            p.len = frame.length;
            out.transmit(p);
        }
        this.#left -= sent;
    }
}
const SINK_DROPS = {};
/** Consumes everything that reaches any of its inputs. */
export class Sink extends App {
    #inputs = Object.values(this.input);
    constructor(ctx, conf) {
        super(ctx, conf, SINK_DROPS);
    }
    relink() {
        this.#inputs = Object.values(this.input);
    }
    push() {
        const ins = this.#inputs;
        let n = 0;
        for (let i = 0; i < ins.length; i++) {
            const l = ins[i];
            while (!l.empty()) {
                const p = l.receive();
                p.pool.free(p);
                n++;
            }
        }
        // Counted once per push rather than per packet: what consume() would have counted.
        this.consumed += n;
    }
}
const WIRE_DROPS = { 'no-output': 'the other side of the wire is not connected' };
/** Forwards `input` to `output` unchanged: a cable, useful as a measuring point. */
export class Wire extends App {
    constructor(ctx, conf) {
        super(ctx, conf, WIRE_DROPS);
    }
    push() {
        const i = this.input.input;
        const o = this.output.output;
        if (i === undefined)
            return;
        while (!i.empty()) {
            const p = i.receive();
            if (o === undefined)
                this.drop(p, 'no-output');
            else
                o.transmit(p);
        }
    }
}
//# sourceMappingURL=basic.js.map