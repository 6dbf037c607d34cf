/**
 * VhostUserPort: a vhost-user backend (device side) as one engine port. A front-end such as DPDK
 * virtio-user or QEMU connects to the Unix socket `socket`; frames it transmits leave the app on
 * `output.wire` and frames arriving on `input.wire` go to its receive ring, so the port can sit on a
 * learning bridge like any other (`graph.connect('vu.wire', 'br.p1')`; `conf.port` renames `wire`).
 * In a lab it is `kind: vhost-user` (control/lab/kinds/vhost-user.ts).
 *
 * Placement: the rings are served by a worker thread (worker.ts) that owns the socket, the front-end's
 * memory and the data path; this app trades frames with it through two SharedArrayBuffer frame rings
 * (one copy each side: guest memory to frame ring in the worker, frame ring to packet here). The
 * worker polls while traffic flows and sleeps in poll() when idle; `push` rings the worker's wake
 * eventfd only when it sleeps.
 *
 * Bounded everything: each frame ring holds `ringSlots` frames (gauges `toEngineQueued`,
 * `toGuestQueued`; overflows are drops with a reason here or in `workerDrops()`), the log keeps the
 * last LOG_LIMIT lines (`logOverflows` counts the rest).
 */
import type { Worker } from 'node:worker_threads';
import { App, type AppContext } from '../../engine/app.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { ByteCopier } from '../sys/copy.js';
import { FrameRing } from '../sys/frame-ring.js';
import { BACKEND_FEATURES, VIRTIO_NET_F_MRG_RXBUF, bit } from './protocol.js';
import { CTL_SLOTS, Ctl, FRAME_ROOM, frameRingLayout, STATE_NAMES, STAT_SLOTS, Stat, type BackendState, WORKER_DROP_NAMES, type WorkerDrop } from './shared.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, Sys } from './sys.js';
import type { WorkerData, WorkerEvent } from './worker.js';

const PORT_DROPS = {
  'to-guest-ring-full': 'the frame ring toward the front-end was full (the worker is behind or the front-end posts no buffers)',
  'too-big': 'a frame larger than a frame-ring slot, or than the engine\'s packet buffers',
} as const;

export const LOG_LIMIT = 64;
const PULL_BUDGET = 256;

export interface VhostUserPortConf {
  /** Path of the Unix socket to listen on (a stale file there is replaced). */
  readonly socket: string;
  /** Name of the engine port (default `wire`; a lab names it after the node's interface). */
  readonly port?: string;
  /** Frames each frame ring holds (a power of two, default 1024). */
  readonly ringSlots?: number;
  /** Offer MRG_RXBUF (default true). */
  readonly mergeable?: boolean;
  /** Rounds without work before the worker sleeps (default 20000, about a millisecond). */
  readonly idleRounds?: number;
  /**
   * The engine loop's doorbell (RealLoop's `doorbell`): word 0 is bumped when frames from the
   * front-end arrive after `armWakeup()`, so a sleeping loop wakes for them.
   */
  readonly doorbell?: SharedArrayBuffer;
}

export class VhostUserPort extends App<typeof PORT_DROPS, VhostUserPortConf> {
  readonly #sys = new Sys();
  /** Frame-ring copies: shared memory, which V8 copies byte by byte (memcpy from 256 bytes, words below). */
  readonly #copier = new ByteCopier(this.#sys);
  readonly #toEngine: FrameRing;
  readonly #toGuest: FrameRing;
  readonly #stats: Float64Array;
  readonly #ctl: Int32Array;
  readonly #bell: Int32Array | null;
  readonly #port: string;
  readonly #wakeFd: number;
  readonly #scratch = Buffer.alloc(8);
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  /** Resolves once the socket is listening; rejects when the worker cannot start. */
  readonly ready: Promise<void>;
  /** The last LOG_LIMIT log lines of the backend (connections, disconnections, protocol errors). */
  readonly log: string[] = [];
  logOverflows = 0;
  /** Called for every log line. */
  onLog: ((line: string) => void) | null = null;
  /** Frames moved to the engine and taken from it. */
  framesIn = 0;
  framesOut = 0;
  #stopped = false;
  #closed = false;

  constructor(ctx: AppContext, conf: VhostUserPortConf) {
    super(ctx, conf, PORT_DROPS);
    if (conf === null || typeof conf !== 'object' || typeof conf.socket !== 'string' || conf.socket === '') {
      throw new Error(`vhost-user port ${ctx.name}: conf.socket must name the Unix socket path to listen on`);
    }
    if (conf.port !== undefined && (typeof conf.port !== 'string' || conf.port === '')) throw new Error(`vhost-user port ${ctx.name}: conf.port must name the engine port`);
    this.#port = conf.port ?? 'wire';
    const slots = conf.ringSlots ?? 1024;
    this.#toEngine = new FrameRing(frameRingLayout(slots));
    this.#toGuest = new FrameRing(frameRingLayout(slots));
    const statsSab = new SharedArrayBuffer(8 * STAT_SLOTS);
    const ctlSab = new SharedArrayBuffer(4 * CTL_SLOTS);
    this.#stats = new Float64Array(statsSab);
    this.#ctl = new Int32Array(ctlSab);
    if (conf.doorbell !== undefined && !(conf.doorbell instanceof SharedArrayBuffer && conf.doorbell.byteLength >= 4)) {
      throw new Error(`vhost-user port ${ctx.name}: conf.doorbell must be a SharedArrayBuffer of at least 4 bytes (a RealLoop's doorbell)`);
    }
    this.#bell = conf.doorbell === undefined ? null : new Int32Array(conf.doorbell, 0, 1);
    this.#wakeFd = this.#sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wakeFd < 0) throw new Error(`vhost-user port ${ctx.name}: eventfd failed (errno ${this.#sys.errno()})`);
    const features = conf.mergeable === false ? BACKEND_FEATURES & ~bit(VIRTIO_NET_F_MRG_RXBUF) : BACKEND_FEATURES;
    const data: WorkerData = {
      socketPath: conf.socket,
      toEngine: this.#toEngine.sab,
      fromEngine: this.#toGuest.sab,
      ringSlots: slots,
      stats: statsSab,
      control: ctlSab,
      wakeFd: this.#wakeFd,
      ...(conf.doorbell === undefined ? {} : { doorbell: conf.doorbell }),
      features: `0x${features.toString(16)}`,
      ...(conf.idleRounds === undefined ? {} : { idleRounds: conf.idleRounds }),
    };
    this.#worker = startWorker(siblingModule(import.meta.url, 'worker'), data);
    let listening: () => void = () => {};
    let failed: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      listening = resolve;
      failed = reject;
    });
    this.#exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (e: WorkerEvent) => {
      if (e.type === 'listening') listening();
      else if (e.type === 'log') this.#addLog(e.text);
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
    this.ready.catch(() => {});
  }

  #addLog(line: string): void {
    if (this.log.length >= LOG_LIMIT) {
      this.log.shift();
      this.logOverflows++;
    }
    this.log.push(line);
    this.onLog?.(line);
  }

  override ports(): readonly string[] {
    return [this.#port];
  }

  /** listening, connected (negotiating), running (both rings live) or stopped. */
  get state(): BackendState {
    return STATE_NAMES[this.#stats[Stat.State]!] ?? 'stopped';
  }

  stat(s: Stat): number {
    return this.#stats[s]!;
  }

  /** Drops counted by the worker, by reason. */
  workerDrops(): Record<WorkerDrop, number> {
    const out = {} as Record<WorkerDrop, number>;
    WORKER_DROP_NAMES.forEach((name, i) => {
      out[name] = this.#stats[Stat.DropBase + i]!;
    });
    return out;
  }

  get toEngineQueued(): number {
    return this.#toEngine.queued;
  }

  get toGuestQueued(): number {
    return this.#toGuest.queued;
  }

  override pull(): void {
    const out = this.output[this.#port];
    if (out === undefined) return;
    const ring = this.#toEngine;
    const src = ring.bytes;
    const copier = this.#copier;
    let n = 0;
    while (n < PULL_BUDGET && !out.full() && ring.readable()) {
      const at = ring.peekOffset();
      const p = this.alloc();
      if (p === null) break; // the pool counts it; the frame waits in the ring
      const len = ring.peekLength();
      if (len > p.buf.length - p.off) {
        ring.release();
        this.drop(p, 'too-big');
        continue;
      }
      copier.intoPacket(p, src, at, len);
      ring.release();
      p.len = len;
      out.transmit(p);
      n++;
    }
    this.framesIn += n;
  }

  override push(): void {
    const input = this.input[this.#port];
    if (input === undefined) return;
    const ring = this.#toGuest;
    const dst = ring.bytes;
    const copier = this.#copier;
    let queued = false;
    let yielded = false;
    while (!input.empty()) {
      const p = input.receive();
      if (p.len > FRAME_ROOM) {
        this.drop(p, 'too-big');
        continue;
      }
      if (!ring.writable()) {
        // The ring worker may share this CPU: give it one turn to drain the ring before dropping.
        if (!yielded) {
          yielded = true;
          this.#sys.schedYield();
        }
        if (!ring.writable()) {
          this.drop(p, 'to-guest-ring-full');
          continue;
        }
      }
      copier.fromPacket(dst, ring.nextSlotOffset(), p);
      ring.publish(p.len);
      this.framesOut++;
      this.consume(p);
      queued = true;
    }
    if (queued && Atomics.load(this.#ctl, Ctl.Sleeping) !== 0) this.#sys.signal(this.#wakeFd, this.#scratch);
  }

  /** The ring worker polls and may share the engine loop's CPU: the loop yields while it spins (RealLoop). */
  readonly spinYield = true;

  /**
   * Called by the engine loop before it sleeps: the worker rings the doorbell for the next frames
   * it queues. Frames queued before the flag was set ring it here, so none wait for the loop's timeout.
   */
  armWakeup(): void {
    const bell = this.#bell;
    if (bell === null) return;
    Atomics.store(this.#ctl, Ctl.EngineAsleep, 1);
    if (this.#toEngine.readable() && Atomics.exchange(this.#ctl, Ctl.EngineAsleep, 0) !== 0) {
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    }
  }

  /** Asks the worker to close the connection and the socket and exit (see `close` to wait for it). */
  override stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    Atomics.store(this.#ctl, Ctl.Stop, 1);
    this.#sys.signal(this.#wakeFd, this.#scratch);
  }

  /** Stops the worker and waits until it has unmapped everything, closed its fds and removed the socket. */
  async close(): Promise<void> {
    this.stop();
    const timer = setTimeout(() => void this.#worker.terminate(), 3000);
    await this.#exited;
    clearTimeout(timer);
    if (!this.#closed) this.#sys.close(this.#wakeFd);
    this.#closed = true;
  }
}
