/** A test endpoint app: sends the frames it is given on `tx`, keeps a copy of what arrives on `rx`. */
import { App } from '../engine/app.js';
export class FrameEnd extends App {
    received = [];
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    /** Sends one frame on `tx` (the test wires `tx` before calling). */
    send(bytes) {
        const p = this.alloc();
        p.setData(Uint8Array.from(bytes));
        this.output.tx.transmit(p);
    }
    push() {
        const l = this.input.rx;
        if (l === undefined)
            return;
        while (!l.empty()) {
            const p = l.receive();
            this.received.push([...p.bytes()]);
            this.consume(p);
        }
    }
    /** The frames received since the last call. */
    take() {
        return this.received.splice(0);
    }
}
//# sourceMappingURL=frame-end.js.map