/**
 * Idle waiting on a doorbell: word 0 of a SharedArrayBuffer that input sources on other threads
 * ring (`Atomics.add` then `Atomics.notify`, as the UDP and TAP workers do). `arm` reads the bell
 * before a breath and `wait` sleeps only while it still holds that value, so a ring between the
 * breath and the wait ends the wait at once. It blocks the calling thread (`Atomics.wait`), which
 * is what a synchronous `Engine.runUntil` on the wall clock does anyway while it breathes.
 */
import type { IdleWait } from './engine.js';

export class DoorbellIdleWait implements IdleWait {
  readonly #bell: Int32Array;
  #seen = 0;
  /** Waits that ended because the bell rang (the rest timed out). */
  rings = 0;
  waits = 0;

  constructor(doorbell: SharedArrayBuffer) {
    if (doorbell.byteLength < 4) throw new RangeError(`doorbell wait: the doorbell needs 4 bytes, got ${doorbell.byteLength}`);
    this.#bell = new Int32Array(doorbell, 0, 1);
  }

  arm(): void {
    this.#seen = Atomics.load(this.#bell, 0);
  }

  wait(maxNs: number): void {
    this.waits++;
    if (Atomics.wait(this.#bell, 0, this.#seen, maxNs / 1e6) !== 'timed-out') this.rings++;
  }
}
