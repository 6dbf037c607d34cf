/**
 * The I/O thread of one TAP port: batched blocking reads and writes on the TAP fd with koffi.
 *
 * Frames read from the TAP go into the RX ring (the engine thread takes them in `pull`); frames
 * the engine puts into the TX ring are written to the TAP. When there is nothing to do, the
 * thread sleeps in poll() on the TAP fd and an eventfd the engine writes after it fills an empty
 * TX ring. When the RX ring is full it stops reading (the kernel's TAP queue then fills and the
 * kernel drops, as with any slow NIC) and polls only the eventfd, with a short timeout.
 *
 * Control words in `ctl` (Int32, shared): STOP set by the engine, ERRNO set here when the TAP
 * failed for good (the thread then exits), TX_DOWN counts frames the kernel refused because the
 * interface was down (EIO), RX_BATCHES counts wakeups of the engine.
 */
import { workerData } from 'node:worker_threads';
import { FrameRing, type FrameRingLayout } from './frame-ring.js';
import { EAGAIN, EINTR, EIO, Libc } from '../sys/libc.js';
import { Poller } from './tun.js';

export const CTL_STOP = 0;
export const CTL_ERRNO = 1;
export const CTL_TX_DOWN = 2;
export const CTL_RX_BATCHES = 3;
export const CTL_RUNNING = 4;
export const CTL_WORDS = 8;

export interface TapWorkerData {
  readonly fd: number;
  readonly eventFd: number;
  readonly rx: FrameRingLayout & { readonly sab: SharedArrayBuffer };
  readonly tx: FrameRingLayout & { readonly sab: SharedArrayBuffer };
  readonly ctl: SharedArrayBuffer;
  /** Int32 word 0 is bumped and notified after every RX batch (the engine loop waits on it). */
  readonly bell: SharedArrayBuffer;
}

const BATCH = 64;

function slotViews(ring: FrameRing): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let i = 0; i < ring.slots; i++) views.push(ring.bytes.subarray(i * ring.slotSize, (i + 1) * ring.slotSize));
  return views;
}

function run(data: TapWorkerData): void {
  const libc = new Libc();
  const rx = new FrameRing(data.rx, data.rx.sab);
  const tx = new FrameRing(data.tx, data.tx.sab);
  const ctl = new Int32Array(data.ctl);
  const bell = new Int32Array(data.bell);
  const rxViews = slotViews(rx);
  const txViews = slotViews(tx);
  const rxMask = rx.slots - 1;
  const txMask = tx.slots - 1;
  const poller = new Poller(libc, data.fd, data.eventFd);
  const drain = new Uint8Array(8);
  const fd = data.fd;
  Atomics.store(ctl, CTL_RUNNING, 1);
  const fail = (errno: number): void => {
    Atomics.store(ctl, CTL_ERRNO, errno);
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  };
  for (;;) {
    if (Atomics.load(ctl, CTL_STOP) !== 0) break;
    let received = 0;
    let rxFull = false;
    let failed = 0;
    while (received < BATCH) {
      if (!rx.writable()) {
        rxFull = true;
        break;
      }
      const slot = rxViews[(rx.nextSlotOffset() / rx.slotSize) & rxMask]!;
      const n = libc.read(fd, slot, rx.slotSize);
      if (n > 0) {
        rx.publish(n);
        received++;
        continue;
      }
      if (n === 0) break;
      const e = libc.errno();
      if (e === EAGAIN) break;
      if (e === EINTR) continue;
      failed = e;
      break;
    }
    if (received > 0) {
      Atomics.add(ctl, CTL_RX_BATCHES, 1);
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    }
    if (failed !== 0) return fail(failed);
    let sent = 0;
    while (sent < BATCH && tx.readable()) {
      const slot = txViews[(tx.peekOffset() / tx.slotSize) & txMask]!;
      const w = libc.write(fd, slot, tx.peekLength());
      if (w < 0) {
        const e = libc.errno();
        if (e === EAGAIN || e === EINTR) break;
        if (e !== EIO) return fail(e);
        Atomics.add(ctl, CTL_TX_DOWN, 1);
      }
      tx.release();
      sent++;
    }
    if (received > 0 || sent > 0) continue;
    if (!tx.prepareSleep()) continue;
    const ready = poller.wait(!rxFull, rxFull ? 1 : 100);
    tx.takeSleeper();
    if (ready > 0 && (ready & 2) !== 0) libc.read(data.eventFd, drain, 8);
    if (ready > 0 && (ready & 4) !== 0 && (ready & 1) === 0) {
      // Error or hangup with nothing to read: the TAP's interface was deleted.
      const n = libc.read(fd, rxViews[0]!, 0);
      if (n < 0 && libc.errno() !== EAGAIN) return fail(libc.errno());
    }
  }
}

if (workerData !== null && typeof workerData === 'object' && 'fd' in (workerData as object)) run(workerData as TapWorkerData);
