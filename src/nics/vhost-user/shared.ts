/**
 * What the backend's parts share: two frame rings of the thread placement (../sys/frame-ring.ts,
 * one each way, a frame per slot), a stats block (Float64Array over a SharedArrayBuffer, written by
 * whichever thread serves the rings), a control block of the thread placement (Int32Array: stop
 * and sleeping flags), the names of the backend's counted drops, and what a placement needs from
 * its engine app.
 */
import type { Packet } from '../../engine/packet.js';
import type { FrameRingLayout } from '../sys/frame-ring.js';

/** The largest frame a frame-ring slot holds. */
export const FRAME_ROOM = 2048;

/** The layout of both frame rings: `slots` slots of FRAME_ROOM bytes. */
export function frameRingLayout(slots: number): FrameRingLayout {
  return { slots, slotSize: FRAME_ROOM };
}

/** Drops counted on the backend's side of the port, by the ring worker or inline (frames that never reached the engine or the front-end). */
export const WORKER_DROPS = {
  'tx-runt': 'a transmitted chain shorter than the virtio_net_hdr plus an Ethernet header',
  'tx-too-big': 'a transmitted frame larger than a frame-ring slot (thread placement) or the engine\'s packet buffers (inline)',
  'tx-offload-not-negotiated': 'a virtio_net_hdr asking for checksum or GSO offload, which this backend never offers',
  'rx-buffer-too-small': 'a receive chain too small for the frame (MRG_RXBUF not negotiated)',
  'rx-chain-fault': 'a receive chain the queue refused (wrong direction, too long)',
  'tx-chain-fault': 'a transmit chain the queue refused (wrong direction, too long)',
  'rx-not-running': 'a frame for the front-end while its receive ring is not live',
  'tx-ring-disabled': 'a frame on a transmit ring that is started but disabled: taken and discarded, as the spec asks',
} as const;
export type WorkerDrop = keyof typeof WORKER_DROPS;
export const WORKER_DROP_NAMES = Object.keys(WORKER_DROPS) as WorkerDrop[];

export const enum Stat {
  /** 0 stopped, 1 listening, 2 connected, 3 running (both rings live). */
  State = 0,
  Connections = 1,
  Disconnects = 2,
  /** Connections closed by us for a protocol or ring fault. */
  ProtocolErrors = 3,
  FramesFromGuest = 4,
  BytesFromGuest = 5,
  FramesToGuest = 6,
  BytesToGuest = 7,
  Messages = 8,
  /** Calls (interrupts) signalled to the front-end. */
  Calls = 9,
  /** Times the worker went to sleep in poll(). */
  Sleeps = 10,
  /**
   * Frames the front-end had made available on its transmit ring but that nobody took, because
   * the connection closed first (a front-end killed mid-burst): its "sent" counter includes
   * them, vnet never received them. A front-end that stops the ring with GET_VRING_BASE first
   * leaves none: the worker takes them before it answers, waiting up to half a second for an
   * engine that is behind; what it still cannot take then is counted here too.
   */
  TxLeftAtDisconnect = 11,
  /**
   * Times the worker left frames on the front-end's transmit ring because the frame ring toward
   * the engine was full (backpressure: the front-end sees a busy NIC and nothing is dropped).
   */
  TxBackpressure = 12,
  /** Times the worker rang the engine loop's doorbell for frames that arrived while the loop slept. */
  EngineWakeups = 13,
  /** First drop counter; drop i is at DropBase + i in WORKER_DROP_NAMES order. */
  DropBase = 16,
}
export const STAT_SLOTS = 32;

export const enum Ctl {
  Stop = 0,
  /** 1 while the worker sleeps in poll(): the port then signals the wake eventfd after queueing a frame. */
  Sleeping = 1,
  /**
   * 1 while the engine loop sleeps (set by the port's `armWakeup`): the worker clears it and rings
   * the loop's doorbell when it next queues frames toward the engine.
   */
  EngineAsleep = 2,
}
export const CTL_SLOTS = 4;

export const STATE_NAMES = ['stopped', 'listening', 'connected', 'running'] as const;
export type BackendState = (typeof STATE_NAMES)[number];

/** What a placement (inline.ts, thread.ts) needs from its engine app. */
export interface PlacementHost {
  /** A packet for a frame from the front-end (counted as generated), or null when the pool is empty. */
  alloc(): Packet | null;
  /** A packet handed to the front-end's side. */
  consume(p: Packet): void;
  drop(p: Packet, reason: 'to-guest-ring-full' | 'too-big'): void;
  log(line: string): void;
}
