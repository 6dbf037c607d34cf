/**
 * A single-producer single-consumer ring of frames in a SharedArrayBuffer: how a vhost-user backend
 * (in another worker or process) and the switch exchange packets without sharing packet pools.
 *
 * Layout: two Int32 counters (frames written, frames read; free-running) then `slots` fixed slots of
 * SLOT_BYTES: [length u32][pad][12 bytes for a virtio_net_hdr][frame]. The producer fills a slot with
 * plain writes and publishes it with an Atomics store of the write counter; the consumer reads the slot
 * after an Atomics load of it and frees it with an Atomics store of the read counter. A full ring
 * refuses (the caller counts the drop).
 */
import { copyBytes } from '../../engine/copy-bytes.js';
export const FRAME_SLOT_BYTES = 2048 + 16;
/** Offset of the frame inside a slot (the 12 bytes before it hold a virtio_net_hdr when wanted). */
export const FRAME_DATA_OFFSET = 16;
export const FRAME_ROOM = FRAME_SLOT_BYTES - FRAME_DATA_OFFSET;
export class FrameRing {
    sab;
    slots;
    bytes;
    #ctrl;
    #lens;
    #mask;
    /** Frames refused because the ring was full (the overflow counter). */
    overflows = 0;
    constructor(slotsOrBuffer) {
        if (typeof slotsOrBuffer === 'number') {
            if (!Number.isInteger(slotsOrBuffer) || slotsOrBuffer < 2 || (slotsOrBuffer & (slotsOrBuffer - 1)) !== 0)
                throw new RangeError(`frame ring: slots must be a power of two >= 2, got ${slotsOrBuffer}`);
            this.sab = new SharedArrayBuffer(64 + slotsOrBuffer * FRAME_SLOT_BYTES);
        }
        else
            this.sab = slotsOrBuffer;
        this.slots = (this.sab.byteLength - 64) / FRAME_SLOT_BYTES;
        this.#mask = this.slots - 1;
        this.#ctrl = new Int32Array(this.sab, 0, 2);
        this.bytes = new Uint8Array(this.sab, 64);
        this.#lens = new DataView(this.sab, 64);
    }
    /** Frames waiting (the ring's gauge). */
    get queued() {
        return (Atomics.load(this.#ctrl, 0) - Atomics.load(this.#ctrl, 1)) | 0;
    }
    /** Producer: byte offset (in `bytes`) of the next free slot's frame area, or -1 when full (counted). */
    reserve() {
        const w = Atomics.load(this.#ctrl, 0);
        if (((w - Atomics.load(this.#ctrl, 1)) | 0) >= this.slots) {
            this.overflows++;
            return -1;
        }
        return (w & this.#mask) * FRAME_SLOT_BYTES + FRAME_DATA_OFFSET;
    }
    /** Producer: publishes the reserved slot holding `len` frame bytes. */
    commit(len) {
        const w = Atomics.load(this.#ctrl, 0);
        this.#lens.setUint32((w & this.#mask) * FRAME_SLOT_BYTES, len, true);
        Atomics.store(this.#ctrl, 0, (w + 1) | 0);
    }
    /** Producer: copies a frame in; false when full. */
    push(src, off, len) {
        if (len > FRAME_ROOM)
            return false;
        const at = this.reserve();
        if (at < 0)
            return false;
        copyBytes(this.bytes, at, src, off, len);
        this.commit(len);
        return true;
    }
    /** Consumer: byte offset of the oldest frame, or -1 when empty; its length is `peekLength()`. */
    peek() {
        const r = Atomics.load(this.#ctrl, 1);
        if (r === Atomics.load(this.#ctrl, 0))
            return -1;
        return (r & this.#mask) * FRAME_SLOT_BYTES + FRAME_DATA_OFFSET;
    }
    peekLength() {
        return this.#lens.getUint32((Atomics.load(this.#ctrl, 1) & this.#mask) * FRAME_SLOT_BYTES, true);
    }
    /** Consumer: frees the oldest frame. */
    release() {
        Atomics.store(this.#ctrl, 1, (Atomics.load(this.#ctrl, 1) + 1) | 0);
    }
    toJSON() {
        return `frame ring (${this.slots} slots)`;
    }
}
//# sourceMappingURL=frame-ring.js.map