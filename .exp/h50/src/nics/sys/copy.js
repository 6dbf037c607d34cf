/**
 * Byte copies between a SharedArrayBuffer and ordinary memory at memcpy speed.
 *
 * Why: V8 copies to or from shared memory (TypedArray.prototype.set, Buffer.copy) one element at
 * a time with relaxed atomics, about 25 times slower than memcpy: 110 µs for a 64 KB TSO packet
 * against 6 µs. The TAP rings are shared, so every frame crossing them paid that twice. Large
 * copies go through libc memcpy on raw addresses instead; short ones, where the foreign call
 * costs more than it saves, stay in a plain loop.
 *
 * Invariants: an ArrayBuffer's or SharedArrayBuffer's backing store never moves while the buffer
 * lives, so each view's address is looked up once, the first time it is copied (`view.buffer`
 * then moves a small on-heap typed array's bytes off the heap for good, so the address stays
 * valid), and kept in a WeakMap keyed by the view. The view, not its buffer, is the key: reading
 * `view.buffer` is a runtime call of about 50 ns, twice per copy, and packet views live as long
 * as their pools. The last view seen on each side is checked first: a segmenter copies from one
 * packet into many, a coalescer from many into one. No allocation per copy. Callers check
 * bounds, as with memcpy (`copy` asserts them anyway, since a wrong length here would corrupt
 * memory rather than throw).
 */
import koffi from 'koffi';
import { copyBytes } from '../../engine/copy-bytes.js';
/** Below this many bytes a JS loop beats the foreign call. */
const NATIVE_MIN = 256;
export class ByteCopier {
    #libc;
    /** Native address of each view's first byte. */
    #addresses = new WeakMap();
    #lastDst = null;
    #lastDstAddress = 0;
    #lastSrc = null;
    #lastSrcAddress = 0;
    /** Two pools and the native address of their backing memory, for `packetAddress`. */
    #poolA = null;
    #poolAAddress = 0;
    #poolB = null;
    #poolBAddress = 0;
    constructor(libc) {
        this.#libc = libc;
    }
    /** Copies `src[srcOff, srcOff + len)` to `dst[dstOff, ...)`; the ranges must not overlap. */
    copy(dst, dstOff, src, srcOff, len) {
        if (len <= 0)
            return;
        if (dstOff < 0 || srcOff < 0 || dstOff + len > dst.length || srcOff + len > src.length) {
            throw new RangeError(`byte copy out of bounds: ${len} bytes from ${srcOff}/${src.length} to ${dstOff}/${dst.length}`);
        }
        if (len < NATIVE_MIN) {
            copyBytes(dst, dstOff, src, srcOff, len);
            return;
        }
        let d;
        if (dst === this.#lastDst)
            d = this.#lastDstAddress;
        else {
            d = this.#address(dst);
            this.#lastDst = dst;
            this.#lastDstAddress = d;
        }
        let s;
        if (src === this.#lastSrc)
            s = this.#lastSrcAddress;
        else {
            s = this.#address(src);
            this.#lastSrc = src;
            this.#lastSrcAddress = s;
        }
        this.#libc.memcpy(d + dstOff, s + srcOff, len);
    }
    /** Native address of `view[0]`, as a number (user-space addresses fit in 53 bits). */
    address(view) {
        return this.#address(view);
    }
    /**
     * Native address of `p.buf[0]`: its pool's base address plus `p.base`. The last two pools are
     * remembered, so a port sending from the packets of one or two pools (its own and the engine's)
     * makes no WeakMap lookup per packet.
     */
    packetAddress(p) {
        const pool = p.pool;
        if (pool === this.#poolA)
            return this.#poolAAddress + p.base;
        if (pool === this.#poolB)
            return this.#poolBAddress + p.base;
        const at = this.#address(new Uint8Array(pool.backing, 0, 1));
        this.#poolB = this.#poolA;
        this.#poolBAddress = this.#poolAAddress;
        this.#poolA = pool;
        this.#poolAAddress = at;
        return at + p.base;
    }
    #address(view) {
        let at = this.#addresses.get(view);
        if (at === undefined) {
            // Materializes the backing store off the heap (a no-op for one that already is).
            void view.buffer;
            at = Number(koffi.address(view));
            this.#addresses.set(view, at);
        }
        return at;
    }
}
//# sourceMappingURL=copy.js.map