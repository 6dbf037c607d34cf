/**
 * A single-producer single-consumer ring of frames in a SharedArrayBuffer, between the engine
 * thread and an I/O worker: a TAP's, a UDP socket's, or a vhost-user backend's.
 *
 * Design: `slots` fixed-size byte slots (a power of two) plus a small Int32 header. The producer
 * copies a frame into the slot at `head`, stores its length, then publishes it by storing
 * `head + 1`; the consumer reads the slot at `tail` and releases it by storing `tail + 1`.
 * Both indices only grow (wrapping at 2^31 is harmless: only their difference is used), each
 * is written by one side only, and Atomics.store/load order the slot bytes before the index.
 * A full ring is the producer's decision (drop or wait), never an overwrite.
 *
 * The consumer keeps its own copy of `tail` (only it writes the index) and the last `head` it
 * loaded, which it loads again only when it has caught up with it: a consumer taking a batch
 * then costs one atomic load of `head` per batch and one store of `tail` per frame, where every
 * `readable`, `peek*` and `release` used to load both. A ring object plays one role: the
 * consumer's methods are called from one thread, on one object.
 *
 * `SLEEPING` is the consumer's "I am about to block" flag: a consumer sets it, re-checks the
 * ring, then waits; a producer that finds it set clears it and wakes the consumer. So a batch
 * costs one wakeup at most, and none while the consumer is busy.
 */

const HEAD = 0;
const TAIL = 1;
const SLEEPING = 2;
/** Slot lengths start after the header words. */
const HEADER_WORDS = 4;

export interface FrameRingLayout {
  readonly slots: number;
  readonly slotSize: number;
}

export class FrameRing {
  readonly sab: SharedArrayBuffer;
  readonly slots: number;
  readonly slotSize: number;
  readonly #mask: number;
  readonly #ctl: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** Consumer side: its own tail index, and the head index last loaded. */
  #tail: number;
  #headSeen: number;

  /** A new ring, or a view of an existing one (`sab` from the other thread), or a new one in a buffer of at least the layout's size (a WebAssembly memory's). */
  constructor(layout: FrameRingLayout, sab?: SharedArrayBuffer) {
    const { slots, slotSize } = layout;
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`frame ring: slots must be a power of two >= 2, got ${slots}`);
    if (!Number.isInteger(slotSize) || slotSize < 64 || slotSize % 8 !== 0) throw new RangeError(`frame ring: slotSize must be a multiple of 8 >= 64, got ${slotSize}`);
    const ctlBytes = (HEADER_WORDS + slots) * 4;
    const total = ctlBytes + slots * slotSize;
    // A WebAssembly memory's buffer comes in whole pages: a longer buffer is fine.
    if (sab !== undefined && sab.byteLength < total) throw new RangeError(`frame ring: shared buffer holds ${sab.byteLength} bytes, layout needs ${total}`);
    this.sab = sab ?? new SharedArrayBuffer(total);
    this.slots = slots;
    this.slotSize = slotSize;
    this.#mask = slots - 1;
    this.#ctl = new Int32Array(this.sab, 0, HEADER_WORDS + slots);
    this.#bytes = new Uint8Array(this.sab, ctlBytes);
    this.#view = new DataView(this.sab, ctlBytes);
    this.#tail = Atomics.load(this.#ctl, TAIL);
    this.#headSeen = Atomics.load(this.#ctl, HEAD);
  }

  /** Bytes of shared buffer a ring of this layout takes. */
  static bytesNeeded(layout: FrameRingLayout): number {
    return (HEADER_WORDS + layout.slots) * 4 + layout.slots * layout.slotSize;
  }

  /** Frames published and not yet released (the ring's gauge). */
  get queued(): number {
    return (Atomics.load(this.#ctl, HEAD) - Atomics.load(this.#ctl, TAIL)) | 0;
  }

  // Producer side.

  /** Room for one more frame? */
  writable(): boolean {
    return ((Atomics.load(this.#ctl, HEAD) - Atomics.load(this.#ctl, TAIL)) | 0) < this.slots;
  }

  /** The slot the next frame goes into (check `writable()` first); write at most `slotSize` bytes. */
  nextSlot(): Uint8Array {
    const i = Atomics.load(this.#ctl, HEAD) & this.#mask;
    return this.#bytes.subarray(i * this.slotSize, (i + 1) * this.slotSize);
  }

  /** Byte offset of the next slot inside `bytes` (no view allocated). */
  nextSlotOffset(): number {
    return (Atomics.load(this.#ctl, HEAD) & this.#mask) * this.slotSize;
  }

  /** All slot bytes: frame i of the ring lives at `(i & (slots - 1)) * slotSize`. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** The slot bytes as a DataView, at the same offsets as `bytes` (for 32-bit reads). */
  get view(): DataView {
    return this.#view;
  }

  /** Publishes the frame written into `nextSlot()`; returns true when the consumer was asleep. */
  publish(len: number): boolean {
    const head = Atomics.load(this.#ctl, HEAD);
    this.#ctl[HEADER_WORDS + (head & this.#mask)] = len;
    Atomics.store(this.#ctl, HEAD, (head + 1) | 0);
    if (Atomics.load(this.#ctl, SLEEPING) !== 0 && Atomics.exchange(this.#ctl, SLEEPING, 0) !== 0) {
      Atomics.notify(this.#ctl, SLEEPING);
      return true;
    }
    return false;
  }

  // Consumer side.

  /** Is a frame waiting? */
  readable(): boolean {
    if (((this.#headSeen - this.#tail) | 0) > 0) return true;
    // The seq-cst load of head orders the slot's bytes and length, written before it, for the reads after.
    this.#headSeen = Atomics.load(this.#ctl, HEAD);
    return this.#headSeen !== this.#tail;
  }

  /** Byte offset (in `bytes`) of the oldest frame; check `readable()` first. */
  peekOffset(): number {
    return (this.#tail & this.#mask) * this.slotSize;
  }

  /** Length of the oldest frame. */
  peekLength(): number {
    return this.#ctl[HEADER_WORDS + (this.#tail & this.#mask)]!;
  }

  /** Releases the oldest frame's slot to the producer. */
  release(): void {
    this.#tail = (this.#tail + 1) | 0;
    Atomics.store(this.#ctl, TAIL, this.#tail);
  }

  /**
   * Consumer: announce sleep, and return false if a frame arrived meanwhile (then do not sleep).
   * After true, block until the producer clears the flag (`waitWhileSleeping`) or use another wakeup.
   */
  prepareSleep(): boolean {
    Atomics.store(this.#ctl, SLEEPING, 1);
    if (this.readable()) {
      Atomics.store(this.#ctl, SLEEPING, 0);
      return false;
    }
    return true;
  }

  /** Consumer in a worker: blocks up to `timeoutMs` while the sleeping flag is set. */
  waitWhileSleeping(timeoutMs: number): void {
    Atomics.wait(this.#ctl, SLEEPING, 1, timeoutMs);
    Atomics.store(this.#ctl, SLEEPING, 0);
  }

  /** Is the consumer announced as sleeping? */
  consumerSleeping(): boolean {
    return Atomics.load(this.#ctl, SLEEPING) !== 0;
  }

  /** Clears the sleeping flag; true if it was set (the caller then wakes the consumer its own way). */
  takeSleeper(): boolean {
    return Atomics.load(this.#ctl, SLEEPING) !== 0 && Atomics.exchange(this.#ctl, SLEEPING, 0) !== 0;
  }
}
