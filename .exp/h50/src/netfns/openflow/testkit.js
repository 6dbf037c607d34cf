/**
 * Test kit for the OpenFlow switch: a switch with N ports, an injector app per port and a
 * collector app per port, so a test pushes a frame in and gets back, port by port, the frames
 * that came out, with every packet accounted for (the conservation check passes).
 */
import { App } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { VirtualClock } from '../../engine/clock.js';
import { OpenFlowSwitch } from './switch.js';
const NO_DROPS = { 'pool-empty': 'no buffer for the injected frame' };
/** Sends frames it is handed on its `output` link. */
export class Injector extends App {
    constructor(ctx, conf) {
        super(ctx, conf, NO_DROPS);
    }
    inject(bytes, tunnelId = 0) {
        const p = this.alloc();
        if (p === null)
            return this.countDrop('pool-empty');
        p.setData(bytes);
        p.tunnelId = tunnelId;
        this.output.output.transmit(p);
    }
}
/** Records and consumes what reaches it. */
export class Collector extends App {
    seen = [];
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    push() {
        for (const l of Object.values(this.input)) {
            while (!l.empty()) {
                const q = l.receive();
                this.seen.push(Buffer.from(q.bytes()).toString('hex') + (q.tunnelId !== 0 ? `@tun${q.tunnelId}` : ''));
                this.consume(q);
            }
        }
    }
}
export function switchRig(nPorts, conf = {}) {
    const clock = new VirtualClock();
    const engine = new Engine({ clock });
    const ports = Array.from({ length: nPorts }, (_, i) => `p${i + 1}`);
    const g = new Graph().app('sw', OpenFlowSwitch, { ports, ...conf });
    for (const p of ports) {
        g.app(`in_${p}`, Injector).link(`in_${p}.output -> sw.${p}`);
        g.app(`out_${p}`, Collector).link(`sw.${p} -> out_${p}.input`);
    }
    engine.configure(g);
    const sw = engine.app('sw');
    const injectors = ports.map((p) => engine.app(`in_${p}`));
    const collectors = ports.map((p) => engine.app(`out_${p}`));
    return {
        engine,
        clock,
        sw,
        send(bytes, port, tunnelId = 0) {
            injectors[port - 1].inject(bytes, tunnelId);
            return this.drain();
        },
        drain() {
            engine.breathe();
            const out = [];
            collectors.forEach((c, i) => {
                for (const h of c.seen)
                    out.push([i + 1, h]);
                c.seen.length = 0;
            });
            return out;
        },
    };
}
//# sourceMappingURL=testkit.js.map