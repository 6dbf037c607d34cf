import { VirtualClock } from '../engine/clock.js';
function armsWakeup(app) {
    return typeof app.armWakeup === 'function';
}
/** The loop counts as busy, and spins `busySpinUs`, from this share of time moving packets. */
const BUSY_SHARE = 0.5;
/** Length of the windows the busy share is measured over (each new one weighs half). */
const BUSY_WINDOW_MS = 1;
export class RealLoop {
    engine;
    /** Ring word 0 to wake the loop; give it to TAP ports as their `doorbell`. */
    doorbell;
    #bell;
    #idleMs;
    #burst;
    #spinMs;
    #busySpinMs;
    #busyShare = 0;
    #running = false;
    #stopped = null;
    #stopRequested = false;
    /** Times the loop went to sleep. */
    sleeps = 0;
    /** Spins of `busySpinUs` (the loop was busy) rather than `spinUs`. */
    busySpins = 0;
    constructor(engine, options = {}) {
        this.engine = engine;
        this.doorbell = options.doorbell ?? new SharedArrayBuffer(4);
        if (this.doorbell.byteLength < 4)
            throw new RangeError(`real loop: the doorbell needs 4 bytes, got ${this.doorbell.byteLength}`);
        this.#bell = new Int32Array(this.doorbell, 0, 1);
        this.#idleMs = options.idleMs ?? 50;
        this.#burst = options.burst ?? 8;
        const spinUs = options.spinUs ?? 30;
        if (!(spinUs >= 0 && spinUs <= 10_000))
            throw new RangeError(`real loop: spinUs must be between 0 and 10000, got ${spinUs}`);
        const busySpinUs = options.busySpinUs ?? Math.max(spinUs, 500);
        if (!(busySpinUs >= spinUs && busySpinUs <= 10_000))
            throw new RangeError(`real loop: busySpinUs must be between spinUs (${spinUs}) and 10000, got ${busySpinUs}`);
        this.#spinMs = spinUs / 1000;
        this.#busySpinMs = busySpinUs / 1000;
    }
    /** Share of the recent time (about the last few milliseconds) spent in breaths that moved packets, 0 to 1. */
    get busyShare() {
        return this.#busyShare;
    }
    get running() {
        return this.#running;
    }
    /** Wakes the loop if it sleeps (after configuring the engine, injecting packets...). */
    wake() {
        Atomics.add(this.#bell, 0, 1);
        Atomics.notify(this.#bell, 0);
    }
    start() {
        if (this.#running)
            return;
        this.#running = true;
        this.#stopRequested = false;
        this.#stopped = this.#run();
    }
    /** Stops after the current breath; resolves when the loop has left. */
    async stop() {
        this.#stopRequested = true;
        this.wake();
        await this.#stopped;
    }
    async #run() {
        const engine = this.engine;
        const clock = engine.clock instanceof VirtualClock ? engine.clock : null;
        const origin = performance.now();
        const base = engine.now();
        // The doorbell's value before the last breath: a ring after it cuts the next sleep short.
        let seen = 0;
        const breathe = () => {
            if (clock !== null) {
                const now = base + Math.round((performance.now() - origin) * 1e6);
                if (now > clock.now())
                    clock.advanceTo(now);
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
                    if (!moved)
                        break;
                    anyMoved = true;
                }
                let now = performance.now();
                if (anyMoved)
                    busyMs += now - burstStart;
                const spinMs = this.#busyShare >= BUSY_SHARE ? this.#busySpinMs : this.#spinMs;
                if (!moved && spinMs > 0) {
                    if (spinMs > this.#spinMs)
                        this.busySpins++;
                    const spinEnd = now + spinMs;
                    while (!moved && !this.#stopRequested && now < spinEnd) {
                        const before = now;
                        moved = breathe();
                        now = performance.now();
                        if (moved)
                            busyMs += now - before;
                    }
                }
                if (now - windowStart >= BUSY_WINDOW_MS) {
                    this.#busyShare += (busyMs / (now - windowStart) - this.#busyShare) / 2;
                    windowStart = now;
                    busyMs = 0;
                }
                if (moved)
                    await new Promise((resolve) => setImmediate(resolve));
                else
                    await this.#sleep(seen);
            }
        }
        finally {
            this.#running = false;
        }
    }
    async #sleep(seen) {
        const next = this.engine.nextTimer();
        const untilTimer = next === Infinity ? this.#idleMs : Math.max(0, (next - this.engine.now()) / 1e6);
        const ms = Math.min(this.#idleMs, untilTimer);
        if (ms <= 0)
            return;
        for (const app of this.engine.apps.values())
            if (armsWakeup(app))
                app.armWakeup();
        this.sleeps++;
        // Atomics.waitAsync is in Node 20 but not in the ES2022 lib typings.
        const waitAsync = Atomics.waitAsync;
        const w = waitAsync(this.#bell, 0, seen, ms);
        if (w.async)
            await w.value;
    }
}
//# sourceMappingURL=loop.js.map