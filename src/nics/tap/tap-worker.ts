/**
 * The I/O thread of one TAP port. It does not read frames: the engine thread reads the TAP fd
 * itself, straight into packet buffers, every breath (see tap-port.ts). This thread has two jobs:
 *
 * - Watch: it sleeps in epoll_wait on the port's `TapWatch` set. When the engine is about to
 *   sleep it arms the TAP entry (one-shot); the first frame then wakes this thread, which rings
 *   the engine loop's doorbell and goes back to sleep, the TAP disarmed until the next arming.
 * - Transmit backlog: frames the engine could not write directly (the kernel pushed back with
 *   EAGAIN, or TSO segments cut by vnet) wait in the TX ring; this thread writes them. The
 *   engine wakes it through the eventfd only when it announced that it sleeps.
 *
 * Control words in `ctl` (Int32, shared): STOP set by the engine; ERRNO set here when the TAP
 * failed for good (the thread then exits); TX_DOWN counts frames the kernel refused because the
 * interface was down (EIO); RX_WAKEUPS counts doorbells rung for frames; WATCHING is 1 while the
 * TAP entry is armed (set by the engine before arming, cleared here when it fired).
 */
import { workerData } from 'node:worker_threads';
import { FrameRing, type FrameRingLayout } from '../sys/frame-ring.js';
import { EAGAIN, EINTR, EIO, Libc } from '../sys/libc.js';
import { TapWatch } from './tun.js';

export const CTL_STOP = 0;
export const CTL_ERRNO = 1;
export const CTL_TX_DOWN = 2;
export const CTL_RX_WAKEUPS = 3;
export const CTL_RUNNING = 4;
export const CTL_WATCHING = 5;
export const CTL_WORDS = 8;

export interface TapWorkerData {
  readonly fd: number;
  readonly eventFd: number;
  /** The epoll fd of the port's `TapWatch` (made by the engine thread, which arms it). */
  readonly epollFd: number;
  readonly tx: FrameRingLayout & { readonly sab: SharedArrayBuffer };
  readonly ctl: SharedArrayBuffer;
  /** Int32 word 0 is bumped and notified when the TAP has frames for a sleeping engine. */
  readonly bell: SharedArrayBuffer;
}

const BATCH = 64;
/** Sleep between retries while the kernel refuses TX ring frames with EAGAIN. */
const TX_RETRY_MS = 1;
/** Longest sleep: STOP is also checked this often, in case the eventfd kick is lost. */
const IDLE_MS = 100;

function slotViews(ring: FrameRing): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let i = 0; i < ring.slots; i++) views.push(ring.bytes.subarray(i * ring.slotSize, (i + 1) * ring.slotSize));
  return views;
}

function run(data: TapWorkerData): void {
  const libc = new Libc();
  const tx = new FrameRing(data.tx, data.tx.sab);
  const ctl = new Int32Array(data.ctl);
  const bell = new Int32Array(data.bell);
  const txViews = slotViews(tx);
  const txMask = tx.slots - 1;
  const watch = new TapWatch(libc, data.epollFd, data.fd);
  const drain = new Uint8Array(8);
  const probe = new Uint8Array(1);
  const fd = data.fd;
  Atomics.store(ctl, CTL_RUNNING, 1);
  const ring = (): void => {
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  };
  const fail = (errno: number): void => {
    Atomics.store(ctl, CTL_ERRNO, errno);
    ring();
  };
  for (;;) {
    if (Atomics.load(ctl, CTL_STOP) !== 0) break;
    let sent = 0;
    let blocked = false;
    while (sent < BATCH && tx.readable()) {
      const slot = txViews[(tx.peekOffset() / tx.slotSize) & txMask]!;
      const w = libc.write(fd, slot, tx.peekLength());
      if (w < 0) {
        const e = libc.errno();
        if (e === EAGAIN || e === EINTR) {
          blocked = true;
          break;
        }
        if (e !== EIO) return fail(e);
        Atomics.add(ctl, CTL_TX_DOWN, 1);
      }
      tx.release();
      sent++;
    }
    if (sent > 0 && !blocked) continue;
    if (!blocked && !tx.prepareSleep()) continue;
    const ready = watch.wait(blocked ? TX_RETRY_MS : IDLE_MS);
    tx.takeSleeper();
    if (ready < 0) {
      if (-ready === EINTR) continue;
      return fail(-ready);
    }
    if ((ready & 2) !== 0) libc.read(data.eventFd, drain, 8);
    if ((ready & 5) !== 0) {
      Atomics.store(ctl, CTL_WATCHING, 0);
      if ((ready & 1) === 0) {
        // Error or hangup with nothing to read: the TAP's interface was deleted.
        const n = libc.read(fd, probe, 0);
        if (n < 0 && libc.errno() !== EAGAIN) return fail(libc.errno());
      }
      Atomics.add(ctl, CTL_RX_WAKEUPS, 1);
      ring();
    }
  }
}

if (workerData !== null && typeof workerData === 'object' && 'fd' in (workerData as object)) run(workerData as TapWorkerData);
