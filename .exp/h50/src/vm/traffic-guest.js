/**
 * A minimal guest for measuring NICs: a raw frame generator and sink with no IP stack, so that what a
 * measurement times is the NIC path (driver, rings, device, backend), not ARP, routing and UDP.
 *
 * One port per interface. `send(port, frame, count)` writes `count` copies of a prepared frame toward
 * the NIC driver (the guest building its packets); frames arriving from the NIC are counted and freed,
 * or with `reflect` sent straight back out of the port they came in on with the MAC addresses swapped
 * in place (the far end of a ping-pong). Nothing is allocated per packet beyond the packet buffers.
 */
import { App } from '../engine/app.js';
const TRAFFIC_GUEST_DROPS = {
    'no-output': 'a reflected frame\'s port has no link toward a NIC',
    'ring-full': 'the link toward the NIC driver was full for a reflected frame',
};
export class TrafficGuest extends App {
    /** Frames received from the NICs, and their bytes. */
    received = 0;
    receivedBytes = 0;
    /** Frames `send` could not build or queue (no link, link full, no buffer): never packets, so not drops. */
    sendRefused = 0;
    /** Frames sent back (reflect mode). */
    reflected = 0;
    /** Send every received frame back out of its port, MACs swapped. */
    reflect = false;
    #pairs = [];
    constructor(ctx, conf) {
        super(ctx, conf, TRAFFIC_GUEST_DROPS);
        if (conf.ports.length === 0)
            throw new Error(`traffic guest ${ctx.name}: needs at least one port`);
        this.relink();
    }
    ports() {
        return this.conf.ports;
    }
    relink() {
        this.#pairs = this.conf.ports.map((p) => ({ input: this.input[p], output: this.output[p] }));
    }
    /** Sends `count` copies of `frame` out of `port`; returns how many went (the rest count in `sendRefused`). */
    send(port, frame, count) {
        const out = this.output[port];
        let sent = 0;
        for (; out !== undefined && sent < count; sent++) {
            if (out.full())
                break;
            const p = this.alloc();
            if (p === null)
                break;
            p.buf.set(frame, p.off);
            p.len = frame.length;
            out.transmit(p);
        }
        this.sendRefused += count - sent;
        return sent;
    }
    push() {
        const pairs = this.#pairs;
        for (let k = 0; k < pairs.length; k++) {
            const { input, output } = pairs[k];
            if (input === undefined)
                continue;
            while (!input.empty()) {
                const p = input.receive();
                this.received++;
                this.receivedBytes += p.len;
                if (!this.reflect || p.len < 12) {
                    this.consume(p);
                    continue;
                }
                if (output === undefined) {
                    this.drop(p, 'no-output');
                    continue;
                }
                if (output.full()) {
                    this.drop(p, 'ring-full');
                    continue;
                }
                const b = p.buf;
                const o = p.off;
                for (let i = 0; i < 6; i++) {
                    const t = b[o + i];
                    b[o + i] = b[o + 6 + i];
                    b[o + 6 + i] = t;
                }
                this.reflected++;
                output.transmit(p);
            }
        }
    }
}
//# sourceMappingURL=traffic-guest.js.map