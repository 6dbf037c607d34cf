/**
 * Engine clocks. Time is a number of nanoseconds (exact up to about 104 days).
 *
 * The virtual clock only moves when the engine moves it, so a run is deterministic and
 * idle time costs nothing: when no packet moves, the engine jumps to the next timer.
 */
export interface Clock {
  /** Current time in nanoseconds. */
  now(): number;
  /** True when time only advances under the engine's control. */
  readonly virtual: boolean;
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  #t: number;
  constructor(start = 0) {
    this.#t = start;
  }
  now(): number {
    return this.#t;
  }
  /** Moves time forward to `t`; moving backwards is a programming error. */
  advanceTo(t: number): void {
    if (t < this.#t) throw new RangeError(`virtual clock: cannot go back from ${this.#t} to ${t}`);
    this.#t = t;
  }
  advance(dt: number): void {
    this.advanceTo(this.#t + dt);
  }
}

export class RealClock implements Clock {
  readonly virtual = false;
  readonly #origin = performance.now();
  now(): number {
    return Math.round((performance.now() - this.#origin) * 1e6);
  }
}

export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
