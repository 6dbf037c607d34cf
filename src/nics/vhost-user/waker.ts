/**
 * The waker of the inline vhost-user placement (inline.ts): a thread that sleeps in poll() on the
 * fds the engine thread hands it while the engine loop sleeps, and rings the loop's doorbell when
 * one becomes readable. It reads nothing from those fds (the engine thread drains and handles
 * them), so an fd closed and reused under it costs at most one needless wakeup.
 *
 * Protocol over `control` (Int32Array, WAKER_SLOTS words):
 * - the engine stores the fds (Waker.Fd0..), bumps Waker.Gen when they changed and signals
 *   `wakeFd` so a poll() under way starts again with the new set, then stores Waker.Armed = 1;
 * - the waker polls; on input it swaps Armed back to 0 (only one of the two sides wins it),
 *   stores Waker.Rang = 1 and rings the doorbell; then it waits for the next Armed;
 * - Waker.Stop ends it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { POLLIN, Sys } from './sys.js';

export const enum Waker {
  Armed = 0,
  Stop = 1,
  Gen = 2,
  /** Set by the waker when it rang: the engine looks at the socket at its next pull. */
  Rang = 3,
  /** Times the waker rang the doorbell (a counter, for tests and stats). */
  Rings = 4,
  /** The fds to watch: the listening socket or the connection, then the transmit kick (-1: none). */
  Fd0 = 5,
  FdCount = 2,
}
export const WAKER_SLOTS = 8;
const POLLNVAL = 0x20;

export interface WakerData {
  readonly control: SharedArrayBuffer;
  readonly doorbell: SharedArrayBuffer;
  readonly wakeFd: number;
}

function run(data: WakerData): void {
  const sys = new Sys();
  const ctl = new Int32Array(data.control);
  const bell = new Int32Array(data.doorbell, 0, 1);
  const fds = new Int32Array(2 * (Waker.FdCount + 1));
  const scratch = Buffer.alloc(8);
  while (Atomics.load(ctl, Waker.Stop) === 0) {
    if (Atomics.load(ctl, Waker.Armed) === 0) {
      Atomics.wait(ctl, Waker.Armed, 0, 1000);
      continue;
    }
    const gen = Atomics.load(ctl, Waker.Gen);
    for (let i = 0; i < Waker.FdCount; i++) {
      fds[2 * i] = Atomics.load(ctl, Waker.Fd0 + i);
      fds[2 * i + 1] = POLLIN;
    }
    fds[2 * Waker.FdCount] = data.wakeFd;
    fds[2 * Waker.FdCount + 1] = POLLIN;
    const n = sys.poll(fds, Waker.FdCount + 1, 1000);
    if (n <= 0) continue;
    if (fds[2 * Waker.FdCount + 1]! >>> 16 !== 0) sys.drain(data.wakeFd, scratch);
    let input = false;
    let stale = false;
    for (let i = 0; i < Waker.FdCount; i++) {
      const revents = fds[2 * i + 1]! >>> 16;
      if (revents === POLLNVAL) stale = true;
      else if (revents !== 0) input = true;
    }
    if (input) {
      if (Atomics.compareExchange(ctl, Waker.Armed, 1, 0) === 1) {
        Atomics.store(ctl, Waker.Rang, 1);
        Atomics.add(ctl, Waker.Rings, 1);
        Atomics.add(bell, 0, 1);
        Atomics.notify(bell, 0);
      }
    } else if (stale) {
      // An fd was closed under us: wait for the engine to hand over the new set.
      Atomics.wait(ctl, Waker.Gen, gen, 100);
    }
  }
}

try {
  run(workerData as WakerData);
} catch (e) {
  parentPort?.postMessage({ type: 'fatal', text: (e as Error).message });
}
