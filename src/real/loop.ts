/**
 * Running an engine on the wall clock next to real I/O (TAP workers, UDP sockets).
 *
 * The loop breathes while packets move, yielding to the event loop with setImmediate between
 * breaths (so sockets and control messages are served between two breaths, never during one).
 * When a breath moved nothing it keeps breathing for `spinUs` more (30 µs by default), then
 * sleeps until the doorbell rings (a TAP has frames), the next engine timer is due, or `idleMs`
 * passes, with Atomics.waitAsync: no latency added to a frame that arrives while the loop sleeps.
 * Why the short spin: under a TCP stream a breath often finds nothing because the sender's next
 * packet is a few microseconds away, and a sleep costs a wakeup through the TAP worker and the
 * event loop each time. Spinning that long took the one-stream TAP-to-TAP run from 3,200-4,300
 * sleeps in 5 s to 1,200-2,300, and from 8.35 to 9.10 Gbit/s (means of 7 alternating pairs; in
 * a second set of 4, 9.87 to 10.72, every pair faster).
 * While the loop has been busy for at least half of the last milliseconds (`busyShare`, moving
 * packets, not spinning) it spins `busySpinUs` instead (500 µs by default): then the next packet
 * is nearly always on its way, and the spin at most doubles the CPU time of the work. With 64 KB TCP
 * segments about 50 µs apart, a fixed 500 µs spin instead of 30 took one stream TAP to TAP from
 * a mean of 9.29 to 10.38 Gbit/s over 8 alternating pairs (7 faster), and this busy-only spin
 * from 9.42 to 10.34 (6 of 8 faster). A loop that idles or sees sparse traffic keeps the short
 * spin: it pays at most `spinUs` after each wakeup, so an idle loop at most `spinUs` per `idleMs`.
 * Apps that read their I/O from the engine thread (TAP ports) only ring the doorbell when asked
 * to: before every sleep the loop calls `armWakeup()` on each app that has one (`WakeArming`).
 * The bell's value is read before the breath, so a frame that arrives between the breath and the
 * sleep still wakes it.
 * While an app says its input comes from a polling thread of ours that may share the loop's CPU
 * (`spinYield`, a vhost-user ring worker), the spin yields the CPU after each empty breath: on
 * two CPUs with testpmd on one, vnet's vhost-user worker and the engine take turns on the other,
 * and the yield took testpmd -> vnet 64-byte frames from 1.07 to 1.26 Mpps (means of three
 * alternating pairs). TAP ports do not ask for it: their input comes from the kernel, and four
 * alternating pairs of one TCP stream gave 10.10 Gbit/s with the yield against 10.95 without.
 * A virtual clock, if the engine has one, is moved forward to real elapsed time before every breath.
 */
import type { Engine } from '../engine/engine.js';
import { VirtualClock } from '../engine/clock.js';
import { Libc } from '../nics/sys/libc.js';

/** An app that must be told when the loop is about to sleep, so its next input rings the doorbell. */
export interface WakeArming {
  armWakeup(): void;
  /**
   * True when the app's input comes from a thread of ours that polls and may share the loop's CPU
   * (a vhost-user ring worker): the loop then yields the CPU between the breaths of its spin, so
   * that thread runs while the loop waits for it.
   */
  readonly spinYield?: boolean;
}

function armsWakeup(app: object): app is WakeArming {
  return typeof (app as Partial<WakeArming>).armWakeup === 'function';
}

/** The loop counts as busy, and spins `busySpinUs`, from this share of time moving packets. */
const BUSY_SHARE = 0.5;
/** Length of the windows the busy share is measured over (each new one weighs half). */
const BUSY_WINDOW_MS = 1;

export interface RealLoopOptions {
  /** Longest sleep when idle, in milliseconds (default 50). */
  readonly idleMs?: number;
  /** Breaths in a row before yielding to the event loop (default 8). */
  readonly burst?: number;
  /** Microseconds to keep breathing after a breath that moved nothing, before sleeping (default 30; 0 sleeps at once). */
  readonly spinUs?: number;
  /** The spin instead while the loop has been busy at least half of the time lately (default 500; at least `spinUs`). */
  readonly busySpinUs?: number;
  /** The doorbell to wait on (4 bytes), when the apps were given one before the loop existed; default a new one. */
  readonly doorbell?: SharedArrayBuffer;
}

export class RealLoop {
  readonly engine: Engine;
  /** Ring word 0 to wake the loop; give it to TAP ports as their `doorbell`. */
  readonly doorbell: SharedArrayBuffer;
  readonly #bell: Int32Array;
  readonly #idleMs: number;
  readonly #burst: number;
  readonly #spinMs: number;
  readonly #busySpinMs: number;
  #busyShare = 0;
  /** Some app asks for `spinYield`; the libc binding whose sched_yield the spin then calls is made once, when first needed. */
  #spinYield = false;
  #yieldLibc: Libc | null = null;
  #running = false;
  #stopped: Promise<void> | null = null;
  #stopRequested = false;
  /** Times the loop went to sleep. */
  sleeps = 0;
  /** Spins of `busySpinUs` (the loop was busy) rather than `spinUs`. */
  busySpins = 0;

  constructor(engine: Engine, options: RealLoopOptions = {}) {
    this.engine = engine;
    this.doorbell = options.doorbell ?? new SharedArrayBuffer(4);
    if (this.doorbell.byteLength < 4) throw new RangeError(`real loop: the doorbell needs 4 bytes, got ${this.doorbell.byteLength}`);
    this.#bell = new Int32Array(this.doorbell, 0, 1);
    this.#idleMs = options.idleMs ?? 50;
    this.#burst = options.burst ?? 8;
    const spinUs = options.spinUs ?? 30;
    if (!(spinUs >= 0 && spinUs <= 10_000)) throw new RangeError(`real loop: spinUs must be between 0 and 10000, got ${spinUs}`);
    const busySpinUs = options.busySpinUs ?? Math.max(spinUs, 500);
    if (!(busySpinUs >= spinUs && busySpinUs <= 10_000)) throw new RangeError(`real loop: busySpinUs must be between spinUs (${spinUs}) and 10000, got ${busySpinUs}`);
    this.#spinMs = spinUs / 1000;
    this.#busySpinMs = busySpinUs / 1000;
  }

  /** Share of the recent time (about the last few milliseconds) spent in breaths that moved packets, 0 to 1. */
  get busyShare(): number {
    return this.#busyShare;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Wakes the loop if it sleeps (after configuring the engine, injecting packets...). */
  wake(): void {
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopRequested = false;
    this.#stopped = this.#run();
  }

  /** Stops after the current breath; resolves when the loop has left. */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.wake();
    await this.#stopped;
  }

  async #run(): Promise<void> {
    const engine = this.engine;
    const clock = engine.clock instanceof VirtualClock ? engine.clock : null;
    const origin = performance.now();
    const base = engine.now();
    // The doorbell's value before the last breath: a ring after it cuts the next sleep short.
    let seen = 0;
    const breathe = (): boolean => {
      if (clock !== null) {
        const now = base + Math.round((performance.now() - origin) * 1e6);
        if (now > clock.now()) clock.advanceTo(now);
      }
      seen = Atomics.load(this.#bell, 0);
      return engine.breathe() || engine.queued() > 0;
    };
    // Time spent in breaths that moved something, over windows of BUSY_WINDOW_MS, smoothed.
    let windowStart = performance.now();
    let busyMs = 0;
    try {
      while (!this.#stopRequested) {
        const burstStart = performance.now();
        let moved = false;
        let anyMoved = false;
        for (let i = 0; i < this.#burst; i++) {
          moved = breathe();
          if (!moved) break;
          anyMoved = true;
        }
        let now = performance.now();
        if (anyMoved) busyMs += now - burstStart;
        const spinMs = this.#busyShare >= BUSY_SHARE ? this.#busySpinMs : this.#spinMs;
        if (!moved && spinMs > 0) {
          if (spinMs > this.#spinMs) this.busySpins++;
          const spinEnd = now + spinMs;
          const yielder = this.#spinYield ? this.#yieldLibc : null;
          while (!moved && !this.#stopRequested && now < spinEnd) {
            const before = now;
            moved = breathe();
            if (!moved && yielder !== null) yielder.schedYield();
            now = performance.now();
            if (moved) busyMs += now - before;
          }
        }
        if (now - windowStart >= BUSY_WINDOW_MS) {
          this.#busyShare += (busyMs / (now - windowStart) - this.#busyShare) / 2;
          windowStart = now;
          busyMs = 0;
        }
        if (moved) await new Promise<void>((resolve) => setImmediate(resolve));
        else await this.#sleep(seen);
      }
    } finally {
      this.#running = false;
    }
  }

  async #sleep(seen: number): Promise<void> {
    const next = this.engine.nextTimer();
    const untilTimer = next === Infinity ? this.#idleMs : Math.max(0, (next - this.engine.now()) / 1e6);
    const ms = Math.min(this.#idleMs, untilTimer);
    if (ms <= 0) return;
    let spinYield = false;
    for (const app of this.engine.apps.values()) {
      if (!armsWakeup(app)) continue;
      app.armWakeup();
      if (app.spinYield === true) spinYield = true;
    }
    // Decided at each sleep, so apps configured later count from the next one.
    if (spinYield) this.#yieldLibc ??= new Libc();
    this.#spinYield = spinYield;
    this.sleeps++;
    // Atomics.waitAsync is in Node 20 but not in the ES2022 lib typings.
    const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, t: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
    const w = waitAsync(this.#bell, 0, seen, ms);
    if (w.async) await w.value;
  }
}
