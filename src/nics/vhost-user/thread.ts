/**
 * The engine side of the thread placement of the vhost-user backend: a ring worker thread
 * (worker.ts) owns the socket, the session, the front-end's memory and the data path, and trades
 * frames with the engine through two SharedArrayBuffer frame rings, one each way. `pull` copies
 * frames from the ring toward the engine into packets, `push` copies packets into the ring toward
 * the front-end and wakes the worker's eventfd only when it sleeps.
 */
import type { Worker } from 'node:worker_threads';
import type { Link } from '../../engine/link.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { ByteCopier } from '../sys/copy.js';
import { FrameRing } from '../sys/frame-ring.js';
import { CTL_SLOTS, Ctl, FRAME_ROOM, frameRingLayout, type PlacementHost } from './shared.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, type Sys } from './sys.js';
import type { WorkerData, WorkerEvent } from './worker.js';

export interface ThreadOptions {
  readonly socketPath: string;
  readonly features: bigint;
  readonly budget: number;
  readonly ringSlots: number;
  readonly idleRounds?: number;
  readonly doorbell: SharedArrayBuffer | null;
}

export class ThreadPlacement {
  readonly #sys: Sys;
  readonly #host: PlacementHost;
  /** Frame-ring copies: shared memory, which V8 copies byte by byte (memcpy from 256 bytes, words below). */
  readonly #copier: ByteCopier;
  readonly #toEngine: FrameRing;
  readonly #toGuest: FrameRing;
  readonly #ctl: Int32Array;
  readonly #budget: number;
  readonly #wakeFd: number;
  readonly #scratch = Buffer.alloc(8);
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  /** Resolves once the socket is listening; rejects when the worker cannot start. */
  readonly ready: Promise<void>;
  #stopped = false;
  #closed = false;

  constructor(sys: Sys, host: PlacementHost, stats: SharedArrayBuffer, options: ThreadOptions) {
    this.#sys = sys;
    this.#host = host;
    this.#copier = new ByteCopier(sys);
    this.#budget = options.budget;
    const slots = options.ringSlots;
    this.#toEngine = new FrameRing(frameRingLayout(slots));
    this.#toGuest = new FrameRing(frameRingLayout(slots));
    const ctlSab = new SharedArrayBuffer(4 * CTL_SLOTS);
    this.#ctl = new Int32Array(ctlSab);
    this.#wakeFd = sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wakeFd < 0) throw new Error(`eventfd failed (errno ${sys.errno()})`);
    const data: WorkerData = {
      socketPath: options.socketPath,
      toEngine: this.#toEngine.sab,
      fromEngine: this.#toGuest.sab,
      ringSlots: slots,
      stats,
      control: ctlSab,
      wakeFd: this.#wakeFd,
      ...(options.doorbell === null ? {} : { doorbell: options.doorbell }),
      features: `0x${options.features.toString(16)}`,
      ...(options.idleRounds === undefined ? {} : { idleRounds: options.idleRounds }),
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
      else if (e.type === 'log') host.log(e.text);
      else if (e.type === 'fatal') {
        host.log(`worker failed: ${e.text}`);
        failed(new Error(e.text));
      }
    });
    this.#worker.on('error', (e) => {
      host.log(`worker failed: ${e.message}`);
      failed(e);
    });
    void this.#exited.then(() => failed(new Error('the worker exited')));
  }

  get toEngineQueued(): number {
    return this.#toEngine.queued;
  }

  get toGuestQueued(): number {
    return this.#toGuest.queued;
  }

  /** Frames from the ring toward the engine into packets on `out`; returns frames moved. */
  pull(out: Link): number {
    const ring = this.#toEngine;
    const src = ring.bytes;
    const copier = this.#copier;
    const host = this.#host;
    let n = 0;
    while (n < this.#budget && !out.full() && ring.readable()) {
      const at = ring.peekOffset();
      const p = host.alloc();
      if (p === null) break; // the pool counts it; the frame waits in the ring
      const len = ring.peekLength();
      if (len > p.buf.length - p.off) {
        ring.release();
        host.drop(p, 'too-big');
        continue;
      }
      copier.intoPacket(p, src, at, len);
      ring.release();
      p.len = len;
      out.transmit(p);
      n++;
    }
    return n;
  }

  /** Packets from `input` into the ring toward the front-end. */
  push(input: Link): void {
    const ring = this.#toGuest;
    const dst = ring.bytes;
    const copier = this.#copier;
    const host = this.#host;
    let queued = false;
    let yielded = false;
    while (!input.empty()) {
      const p = input.receive();
      if (p.len > FRAME_ROOM) {
        host.drop(p, 'too-big');
        continue;
      }
      if (!ring.writable()) {
        // The ring worker may share this CPU: give it one turn to drain the ring before dropping.
        if (!yielded) {
          yielded = true;
          this.#sys.schedYield();
        }
        if (!ring.writable()) {
          host.drop(p, 'to-guest-ring-full');
          continue;
        }
      }
      copier.fromPacket(dst, ring.nextSlotOffset(), p);
      ring.publish(p.len);
      host.consume(p);
      queued = true;
    }
    if (queued && Atomics.load(this.#ctl, Ctl.Sleeping) !== 0) this.#sys.signal(this.#wakeFd, this.#scratch);
  }

  /**
   * The engine loop is about to sleep: the worker rings the doorbell for the next frames it
   * queues. Frames queued before the flag was set ring it here, so none wait for the loop's timeout.
   */
  armWakeup(bell: Int32Array): void {
    Atomics.store(this.#ctl, Ctl.EngineAsleep, 1);
    if (this.#toEngine.readable() && Atomics.exchange(this.#ctl, Ctl.EngineAsleep, 0) !== 0) {
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    }
  }

  /** Asks the worker to close the connection and the socket and exit (see `close` to wait for it). */
  stop(): void {
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
