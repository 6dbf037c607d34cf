/**
 * The I/O thread of one UDP endpoint: recvmmsg straight into the RX ring's slots, sendmmsg
 * straight out of the TX ring's slots, and poll() when there is nothing to do.
 *
 * Every ring slot has a fixed mmsghdr whose name points at the slot's sockaddr_in and whose
 * iovec points at the slot's payload, so the kernel writes a datagram and its sender's address
 * into shared memory with no copy and nothing allocated; one call moves up to BATCH datagrams
 * (as many as are free and contiguous in the ring). A datagram longer than a slot comes back
 * with MSG_TRUNC and is published with length -1, so the engine counts it as a drop. With
 * UDP_GRO on the socket, one slot may hold a run of one sender's datagrams, all one size but
 * the last; the worker notes that size (from the cmsg) in the slot and the engine splits it.
 *
 * When the RX ring is full the thread stops reading (the socket buffer then fills and the kernel
 * drops, as it does for any slow reader) and counts the stall. The TX ring is only used when
 * the engine's own sendmmsg met EAGAIN; here a send that meets EAGAIN waits for POLLOUT.
 *
 * Control words in `ctl` (Int32, shared) are listed below; ERRNO is set when the socket failed
 * for good, and the thread then exits.
 */
import koffi from 'koffi';
import { workerData } from 'node:worker_threads';
import { FrameRing, type FrameRingLayout } from '../sys/frame-ring.js';
import { EAGAIN, EINTR, Libc, POLLIN } from '../sys/libc.js';
import { ENOBUFS, GRO_CMSG_SPACE, MmsgVector, MSG_DONTWAIT, MSG_TRUNC, POLLOUT, SOL_UDP, UDP_GRO, UdpSys } from './udp-sys.js';

export const CTL_STOP = 0;
export const CTL_RUNNING = 1;
export const CTL_ERRNO = 2;
/** Batches of received datagrams handed to the engine (doorbell rings). */
export const CTL_RX_BATCHES = 3;
/** Times the RX ring filled up and the thread stopped reading (counted once per stall). */
export const CTL_RX_RING_FULL = 4;
/** Datagrams from the TX ring the kernel refused (no route...); they are lost. */
export const CTL_TX_ERRORS = 5;
/** errno of the last refused send. */
export const CTL_TX_LAST_ERRNO = 6;
/** Datagrams sent from the TX ring. */
export const CTL_TX_SENT = 7;
export const CTL_WORDS = 8;

/**
 * Slot layout: sockaddr_in (0..15); at 16 (u32, little-endian) the payload length for TX, or for
 * RX the size of the datagrams coalesced in the slot (0: one datagram); the RX cmsg area
 * (24..47); the payload from 48.
 */
export const SLOT_NAME = 0;
export const SLOT_TX_LENGTH = 16;
export const SLOT_SEGMENT = 16;
export const SLOT_CONTROL = 24;
export const SLOT_PAYLOAD = 48;

export interface UdpWorkerData {
  readonly kind: 'udp';
  readonly fd: number;
  readonly eventFd: number;
  readonly rx: FrameRingLayout & { readonly sab: SharedArrayBuffer };
  readonly tx: FrameRingLayout & { readonly sab: SharedArrayBuffer };
  readonly ctl: SharedArrayBuffer;
  /** Longest payload a slot takes (RX: a coalesced run); a longer one is cut (MSG_TRUNC) and published as -1. */
  readonly rxSlotPayload: number;
  /** Longest datagram in the TX ring. */
  readonly txSlotPayload: number;
  /** Int32 word 0 is bumped and notified after every RX batch (the engine loop waits on it). */
  readonly bell: SharedArrayBuffer;
}

const BATCH = 64;

/** One mmsghdr per slot, its name and buffer inside the slot. */
function slotVector(ring: FrameRing, payload: number, control: boolean): MmsgVector {
  const vec = new MmsgVector(ring.slots);
  const base = Number(koffi.address(ring.bytes) as bigint);
  for (let i = 0; i < ring.slots; i++) {
    const slot = base + i * ring.slotSize;
    vec.pointName(i, slot + SLOT_NAME);
    vec.setBuffer(i, slot + SLOT_PAYLOAD, payload);
    if (control) vec.setControl(i, slot + SLOT_CONTROL, GRO_CMSG_SPACE);
  }
  return vec;
}

function run(data: UdpWorkerData): void {
  const libc = new Libc();
  const sys = new UdpSys();
  const rx = new FrameRing(data.rx, data.rx.sab);
  const tx = new FrameRing(data.tx, data.tx.sab);
  const ctl = new Int32Array(data.ctl);
  const bell = new Int32Array(data.bell);
  const rxVec = slotVector(rx, data.rxSlotPayload, true);
  const txVec = slotVector(tx, data.txSlotPayload, false);
  const rxView = new DataView(rx.bytes.buffer, rx.bytes.byteOffset, rx.bytes.byteLength);
  const txView = new DataView(tx.bytes.buffer, tx.bytes.byteOffset, tx.bytes.byteLength);
  const mask = rx.slots - 1;
  const txMask = tx.slots - 1;
  const fds = new Int32Array(4);
  const drain = new Uint8Array(8);
  const fd = data.fd;
  fds[0] = fd;
  fds[2] = data.eventFd;
  let stalled = false;
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
    while (received < BATCH) {
      const free = rx.slots - rx.queued;
      if (free === 0) {
        rxFull = true;
        if (!stalled) Atomics.add(ctl, CTL_RX_RING_FULL, 1);
        break;
      }
      const first = (rx.nextSlotOffset() / rx.slotSize) & mask;
      const n = Math.min(free, rx.slots - first, BATCH - received);
      for (let i = 0; i < n; i++) {
        rxVec.resetNameLength(first + i);
        rxVec.resetControlLength(first + i, GRO_CMSG_SPACE);
      }
      const got = sys.recvmmsg(fd, rxVec.addressOf(first), n, MSG_DONTWAIT, 0);
      if (got < 0) {
        const e = libc.errno();
        if (e === EAGAIN) break;
        if (e === EINTR) continue;
        // A pending ICMP error (ECONNREFUSED, EHOSTUNREACH, ENETUNREACH) is reported once; reading goes on.
        if (e === 111 || e === 113 || e === 101) continue;
        fail(e);
        return;
      }
      for (let i = 0; i < got; i++) {
        const slot = (first + i) * rx.slotSize;
        // struct cmsghdr { size_t len; int level; int type; } then the int segment size.
        const coalesced = rxVec.controlLength(first + i) >= 20 && rxView.getInt32(slot + SLOT_CONTROL + 8, true) === SOL_UDP && rxView.getInt32(slot + SLOT_CONTROL + 12, true) === UDP_GRO;
        rxView.setUint32(slot + SLOT_SEGMENT, coalesced ? rxView.getInt32(slot + SLOT_CONTROL + 16, true) : 0, true);
        rx.publish((rxVec.messageFlags(first + i) & MSG_TRUNC) !== 0 ? -1 : rxVec.messageLength(first + i));
      }
      received += got;
      if (got < n) break;
    }
    stalled = rxFull;
    if (received > 0) {
      Atomics.add(ctl, CTL_RX_BATCHES, 1);
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
    }
    let sent = 0;
    let txBlocked = false;
    while (sent < BATCH && tx.readable()) {
      const first = (tx.peekOffset() / tx.slotSize) & txMask;
      const n = Math.min(tx.queued, tx.slots - first, BATCH - sent);
      for (let i = 0; i < n; i++) txVec.setLength(first + i, txView.getUint32((first + i) * tx.slotSize + SLOT_TX_LENGTH, true));
      const w = sys.sendmmsg(fd, txVec.addressOf(first), n, 0);
      if (w < 0) {
        const e = libc.errno();
        if (e === EAGAIN || e === ENOBUFS) {
          txBlocked = true;
          break;
        }
        if (e === EINTR) continue;
        // The first datagram was refused (no route, message too long...): lose it, keep going.
        Atomics.add(ctl, CTL_TX_ERRORS, 1);
        Atomics.store(ctl, CTL_TX_LAST_ERRNO, e);
        tx.release();
        sent++;
        continue;
      }
      for (let i = 0; i < w; i++) tx.release();
      Atomics.add(ctl, CTL_TX_SENT, w);
      sent += w;
    }
    if (received > 0 || (sent > 0 && !txBlocked)) continue;
    if (!txBlocked && !tx.prepareSleep()) continue;
    // struct pollfd { int fd; short events; short revents; }: events and revents share word 1.
    fds[1] = (rxFull ? 0 : POLLIN) | (txBlocked ? POLLOUT : 0);
    fds[3] = POLLIN;
    const ready = libc.poll(fds, 2, rxFull ? 1 : 100);
    tx.takeSleeper();
    if (ready < 0) {
      const e = libc.errno();
      if (e !== EINTR) {
        fail(e);
        return;
      }
      continue;
    }
    // A socket error (POLLERR) needs nothing here: the next recvmmsg reports and clears it.
    if (((fds[3]! >>> 16) & POLLIN) !== 0) libc.read(data.eventFd, drain, 8);
  }
}

if (workerData !== null && typeof workerData === 'object' && (workerData as { kind?: unknown }).kind === 'udp') run(workerData as UdpWorkerData);
