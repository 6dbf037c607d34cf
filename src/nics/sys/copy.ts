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
import type { Libc } from './libc.js';
import { copyBytes } from '../../engine/copy-bytes.js';
import type { Packet, PacketPool } from '../../engine/packet.js';

/** Below this many bytes a JS loop beats the foreign call. */
const NATIVE_MIN = 256;

export class ByteCopier {
  readonly #libc: Libc;
  /** Native address of each view's first byte. */
  readonly #addresses = new WeakMap<Uint8Array, number>();
  #lastDst: Uint8Array | null = null;
  #lastDstAddress = 0;
  #lastSrc: Uint8Array | null = null;
  #lastSrcAddress = 0;
  /** Two pools and the native address of their backing memory, for `packetAddress`. */
  #poolA: PacketPool | null = null;
  #poolAAddress = 0;
  #poolB: PacketPool | null = null;
  #poolBAddress = 0;

  constructor(libc: Libc) {
    this.#libc = libc;
  }

  /** Copies `src[srcOff, srcOff + len)` to `dst[dstOff, ...)`; the ranges must not overlap. */
  copy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
    if (len <= 0) return;
    if (dstOff < 0 || srcOff < 0 || dstOff + len > dst.length || srcOff + len > src.length) {
      throw new RangeError(`byte copy out of bounds: ${len} bytes from ${srcOff}/${src.length} to ${dstOff}/${dst.length}`);
    }
    if (len < NATIVE_MIN) {
      copyBytes(dst, dstOff, src, srcOff, len);
      return;
    }
    this.#libc.memcpy(this.#dstAddress(dst) + dstOff, this.#srcAddress(src) + srcOff, len);
  }

  #dstAddress(dst: Uint8Array): number {
    if (dst === this.#lastDst) return this.#lastDstAddress;
    const d = this.#address(dst);
    this.#lastDst = dst;
    this.#lastDstAddress = d;
    return d;
  }

  #srcAddress(src: Uint8Array): number {
    if (src === this.#lastSrc) return this.#lastSrcAddress;
    const s = this.#address(src);
    this.#lastSrc = src;
    this.#lastSrcAddress = s;
    return s;
  }

  /** Copies `len` bytes of `src` from `srcOff` into packet `p` at `p.off` (the packet's length is the caller's). */
  intoPacket(p: Packet, src: Uint8Array, srcOff: number, len: number): void {
    if (len <= 0) return;
    if (srcOff < 0 || srcOff + len > src.length || p.off + len > p.buf.length) {
      throw new RangeError(`byte copy out of bounds: ${len} bytes from ${srcOff}/${src.length} into a packet at ${p.off}/${p.buf.length}`);
    }
    if (len < NATIVE_MIN) {
      copyBytes(p.buf, p.off, src, srcOff, len);
      return;
    }
    this.#libc.memcpy(this.packetAddress(p) + p.off, this.#srcAddress(src) + srcOff, len);
  }

  /** Copies packet `p`'s `p.len` bytes into `dst` at `dstOff`. */
  fromPacket(dst: Uint8Array, dstOff: number, p: Packet): void {
    const len = p.len;
    if (len <= 0) return;
    if (dstOff < 0 || dstOff + len > dst.length || p.off + len > p.buf.length) {
      throw new RangeError(`byte copy out of bounds: a packet's ${len} bytes at ${p.off}/${p.buf.length} to ${dstOff}/${dst.length}`);
    }
    if (len < NATIVE_MIN) {
      copyBytes(dst, dstOff, p.buf, p.off, len);
      return;
    }
    this.#libc.memcpy(this.#dstAddress(dst) + dstOff, this.packetAddress(p) + p.off, len);
  }

  /** Native address of `view[0]`, as a number (user-space addresses fit in 53 bits). */
  address(view: Uint8Array): number {
    return this.#address(view);
  }

  /**
   * Native address of `p.buf[0]`: its pool's base address plus `p.base`. The last two pools are
   * remembered, so a port sending from the packets of one or two pools (its own and the engine's)
   * makes no WeakMap lookup per packet.
   */
  packetAddress(p: Packet): number {
    const pool = p.pool;
    if (pool === this.#poolA) return this.#poolAAddress + p.base;
    if (pool === this.#poolB) return this.#poolBAddress + p.base;
    const at = this.#address(new Uint8Array(pool.backing, 0, 1));
    this.#poolB = this.#poolA;
    this.#poolBAddress = this.#poolAAddress;
    this.#poolA = pool;
    this.#poolAAddress = at;
    return at + p.base;
  }

  #address(view: Uint8Array): number {
    let at = this.#addresses.get(view);
    if (at === undefined) {
      // Materializes the backing store off the heap (a no-op for one that already is).
      void view.buffer;
      at = Number(koffi.address(view) as bigint);
      this.#addresses.set(view, at);
    }
    return at;
  }
}
