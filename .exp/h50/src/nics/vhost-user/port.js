import { App } from '../../engine/app.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { FRAME_ROOM, FrameRing } from '../virtio/frame-ring.js';
import { BACKEND_FEATURES, VIRTIO_NET_F_MRG_RXBUF, bit } from './protocol.js';
import { CTL_SLOTS, STATE_NAMES, STAT_SLOTS, WORKER_DROP_NAMES } from './shared.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, Sys } from './sys.js';
const PORT_DROPS = {
    'to-guest-ring-full': 'the frame ring toward the front-end was full (the worker is behind or the front-end posts no buffers)',
    'too-big': 'a frame larger than a frame-ring slot',
};
export const LOG_LIMIT = 64;
const PULL_BUDGET = 256;
export class VhostUserPort extends App {
    #sys = new Sys();
    #toEngine;
    #toGuest;
    #stats;
    #ctl;
    #wakeFd;
    #scratch = Buffer.alloc(8);
    #worker;
    #exited;
    /** Resolves once the socket is listening; rejects when the worker cannot start. */
    ready;
    /** The last LOG_LIMIT log lines of the backend (connections, disconnections, protocol errors). */
    log = [];
    logOverflows = 0;
    /** Called for every log line. */
    onLog = null;
    /** Frames moved to the engine and taken from it. */
    framesIn = 0;
    framesOut = 0;
    #stopped = false;
    #closed = false;
    constructor(ctx, conf) {
        super(ctx, conf, PORT_DROPS);
        if (conf === null || typeof conf !== 'object' || typeof conf.socket !== 'string' || conf.socket === '') {
            throw new Error(`vhost-user port ${ctx.name}: conf.socket must name the Unix socket path to listen on`);
        }
        const slots = conf.ringSlots ?? 1024;
        this.#toEngine = new FrameRing(slots);
        this.#toGuest = new FrameRing(slots);
        const statsSab = new SharedArrayBuffer(8 * STAT_SLOTS);
        const ctlSab = new SharedArrayBuffer(4 * CTL_SLOTS);
        this.#stats = new Float64Array(statsSab);
        this.#ctl = new Int32Array(ctlSab);
        this.#wakeFd = this.#sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (this.#wakeFd < 0)
            throw new Error(`vhost-user port ${ctx.name}: eventfd failed (errno ${this.#sys.errno()})`);
        const features = conf.mergeable === false ? BACKEND_FEATURES & ~bit(VIRTIO_NET_F_MRG_RXBUF) : BACKEND_FEATURES;
        const data = {
            socketPath: conf.socket,
            toEngine: this.#toEngine.sab,
            fromEngine: this.#toGuest.sab,
            stats: statsSab,
            control: ctlSab,
            wakeFd: this.#wakeFd,
            features: `0x${features.toString(16)}`,
            ...(conf.idleRounds === undefined ? {} : { idleRounds: conf.idleRounds }),
        };
        this.#worker = startWorker(siblingModule(import.meta.url, 'worker'), data);
        let listening = () => { };
        let failed = () => { };
        this.ready = new Promise((resolve, reject) => {
            listening = resolve;
            failed = reject;
        });
        this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
        this.#worker.on('message', (e) => {
            if (e.type === 'listening')
                listening();
            else if (e.type === 'log')
                this.#addLog(e.text);
            else if (e.type === 'fatal') {
                this.#addLog(`worker failed: ${e.text}`);
                failed(new Error(`vhost-user port ${this.name}: ${e.text}`));
            }
        });
        this.#worker.on('error', (e) => {
            this.#addLog(`worker failed: ${e.message}`);
            failed(e);
        });
        void this.#exited.then(() => failed(new Error(`vhost-user port ${this.name}: the worker exited`)));
        // Callers that await `ready` still see a rejection; nobody awaiting it is not an unhandled one.
        this.ready.catch(() => { });
    }
    #addLog(line) {
        if (this.log.length >= LOG_LIMIT) {
            this.log.shift();
            this.logOverflows++;
        }
        this.log.push(line);
        this.onLog?.(line);
    }
    ports() {
        return ['wire'];
    }
    /** listening, connected (negotiating), running (both rings live) or stopped. */
    get state() {
        return STATE_NAMES[this.#stats[0 /* Stat.State */]] ?? 'stopped';
    }
    stat(s) {
        return this.#stats[s];
    }
    /** Drops counted by the worker, by reason. */
    workerDrops() {
        const out = {};
        WORKER_DROP_NAMES.forEach((name, i) => {
            out[name] = this.#stats[16 /* Stat.DropBase */ + i];
        });
        return out;
    }
    get toEngineQueued() {
        return this.#toEngine.queued;
    }
    get toGuestQueued() {
        return this.#toGuest.queued;
    }
    pull() {
        const out = this.output.wire;
        if (out === undefined)
            return;
        const ring = this.#toEngine;
        const src = ring.bytes;
        let n = 0;
        while (n < PULL_BUDGET && !out.full()) {
            const at = ring.peek();
            if (at < 0)
                break;
            const p = this.alloc();
            if (p === null)
                break; // the pool counts it; the frame waits in the ring
            const len = ring.peekLength();
            const dst = p.buf;
            const o = p.off;
            if (len <= 96)
                for (let i = 0; i < len; i++)
                    dst[o + i] = src[at + i];
            else
                dst.set(src.subarray(at, at + len), o);
            p.len = len;
            ring.release();
            out.transmit(p);
            n++;
        }
        this.framesIn += n;
    }
    push() {
        const input = this.input.wire;
        if (input === undefined)
            return;
        const ring = this.#toGuest;
        const dst = ring.bytes;
        let queued = false;
        while (!input.empty()) {
            const p = input.receive();
            if (p.len > FRAME_ROOM) {
                this.drop(p, 'too-big');
                continue;
            }
            const at = ring.reserve();
            if (at < 0) {
                this.drop(p, 'to-guest-ring-full');
                continue;
            }
            const len = p.len;
            const src = p.buf;
            const o = p.off;
            if (len <= 96)
                for (let i = 0; i < len; i++)
                    dst[at + i] = src[o + i];
            else
                dst.set(src.subarray(o, o + len), at);
            ring.commit(len);
            this.framesOut++;
            this.consume(p);
            queued = true;
        }
        if (queued && Atomics.load(this.#ctl, 1 /* Ctl.Sleeping */) !== 0)
            this.#sys.signal(this.#wakeFd, this.#scratch);
    }
    /** Asks the worker to close the connection and the socket and exit (see `close` to wait for it). */
    stop() {
        if (this.#stopped)
            return;
        this.#stopped = true;
        Atomics.store(this.#ctl, 0 /* Ctl.Stop */, 1);
        this.#sys.signal(this.#wakeFd, this.#scratch);
    }
    /** Stops the worker and waits until it has unmapped everything, closed its fds and removed the socket. */
    async close() {
        this.stop();
        const timer = setTimeout(() => void this.#worker.terminate(), 3000);
        await this.#exited;
        clearTimeout(timer);
        if (!this.#closed)
            this.#sys.close(this.#wakeFd);
        this.#closed = true;
    }
}
//# sourceMappingURL=port.js.map