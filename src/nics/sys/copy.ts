/**
 * Byte copies between a SharedArrayBuffer and ordinary memory at memcpy speed (and short ones at
 * word speed).
 *
 * Why: V8 copies to or from shared memory (TypedArray.prototype.set, Buffer.copy) one element at
 * a time with relaxed atomics, about 25 times slower than memcpy: 110 µs for a 64 KB TSO packet
 * against 6 µs. The TAP rings are shared, so every frame crossing them paid that twice. Large
 * copies go through libc memcpy on raw addresses instead; short ones, where the foreign call
 * costs more than it saves, stay in JS: 32-bit words when both ends are 4-byte aligned in their
 * buffers (an Int32Array over each buffer, made once per view), bytes otherwise.
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
/**
 * From this many bytes, a short copy whose two ends are 4-byte aligned in their buffers moves
 * 32-bit words: 33-47 ns for 64 bytes against 144 ns a byte at a time (ordinary, shared and
 * mapped memory alike, measured here). Loads and stores of the same words keep the byte order.
 */
const WORDS_MIN = 16;

/** Copies `len` bytes as words from byte `s` of `sw`'s buffer to byte `d` of `dw`'s (both multiples of 4), the last 0-3 as bytes. */
function copyAlignedWords(dw: Int32Array, d: number, sw: Int32Array, s: number, len: number, dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number): void {
  let i = d >> 2;
  let j = s >> 2;
  const end = j + (len >> 2);
  for (; j + 4 <= end; i += 4, j += 4) {
    dw[i] = sw[j]!;
    dw[i + 1] = sw[j + 1]!;
    dw[i + 2] = sw[j + 2]!;
    dw[i + 3] = sw[j + 3]!;
  }
  for (; j < end; i++, j++) dw[i] = sw[j]!;
  for (let k = len & ~3; k < len; k++) dst[dstOff + k] = src[srcOff + k]!;
}

/**
 * A buffer with its word view and its offset in that view's buffer, made once, for hot loops
 * that copy between the same buffers again and again (`ByteCopier.copyBetween`): then a short
 * copy costs no lookup at all.
 */
export class WordBuffer {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** `bytes.byteOffset`. */
  readonly base: number;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    const buffer = bytes.buffer;
    this.words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    this.base = bytes.byteOffset;
  }
}

export class ByteCopier {
  readonly #libc: Libc;
  /** Native address of each view's first byte. */
  readonly #addresses = new WeakMap<Uint8Array, number>();
  #lastDst: Uint8Array | null = null;
  #lastDstAddress = 0;
  #lastSrc: Uint8Array | null = null;
  #lastSrcAddress = 0;
  /** Each view's whole buffer as 32-bit words, for aligned short copies; the last one seen on each side first. */
  readonly #wordViews = new WeakMap<Uint8Array, Int32Array>();
  #lastDstWordsOf: Uint8Array | null = null;
  #lastDstWords: Int32Array | null = null;
  #lastSrcWordsOf: Uint8Array | null = null;
  #lastSrcWords: Int32Array | null = null;
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
      const d = dst.byteOffset + dstOff;
      const s = src.byteOffset + srcOff;
      if (len >= WORDS_MIN && ((d | s) & 3) === 0) copyAlignedWords(this.#dstWords(dst), d, this.#srcWords(src), s, len, dst, dstOff, src, srcOff);
      else copyBytes(dst, dstOff, src, srcOff, len);
      return;
    }
    this.#libc.memcpy(this.#dstAddress(dst) + dstOff, this.#srcAddress(src) + srcOff, len);
  }

  /** `copy` between two WordBuffers: a short aligned copy moves words with no lookup. */
  copyBetween(dst: WordBuffer, dstOff: number, src: WordBuffer, srcOff: number, len: number): void {
    if (len >= WORDS_MIN && len < NATIVE_MIN) {
      const d = dst.base + dstOff;
      const s = src.base + srcOff;
      if (((d | s) & 3) === 0 && dstOff >= 0 && srcOff >= 0 && dstOff + len <= dst.bytes.length && srcOff + len <= src.bytes.length) {
        copyAlignedWords(dst.words, d, src.words, s, len, dst.bytes, dstOff, src.bytes, srcOff);
        return;
      }
    }
    this.copy(dst.bytes, dstOff, src.bytes, srcOff, len);
  }

  #dstWords(dst: Uint8Array): Int32Array {
    if (dst === this.#lastDstWordsOf) return this.#lastDstWords!;
    const w = this.#wordsOf(dst);
    this.#lastDstWordsOf = dst;
    this.#lastDstWords = w;
    return w;
  }

  #srcWords(src: Uint8Array): Int32Array {
    if (src === this.#lastSrcWordsOf) return this.#lastSrcWords!;
    const w = this.#wordsOf(src);
    this.#lastSrcWordsOf = src;
    this.#lastSrcWords = w;
    return w;
  }

  #wordsOf(view: Uint8Array): Int32Array {
    let w = this.#wordViews.get(view);
    if (w === undefined) {
      const buffer = view.buffer;
      w = new Int32Array(buffer, 0, buffer.byteLength >> 2);
      this.#wordViews.set(view, w);
    }
    return w;
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
      const d = p.base + p.off;
      const s = src.byteOffset + srcOff;
      if (len >= WORDS_MIN && ((d | s) & 3) === 0) copyAlignedWords(p.pool.words, d, this.#srcWords(src), s, len, p.buf, p.off, src, srcOff);
      else copyBytes(p.buf, p.off, src, srcOff, len);
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
      const d = dst.byteOffset + dstOff;
      const s = p.base + p.off;
      if (len >= WORDS_MIN && ((d | s) & 3) === 0) copyAlignedWords(this.#dstWords(dst), d, p.pool.words, s, len, dst, dstOff, p.buf, p.off);
      else copyBytes(dst, dstOff, p.buf, p.off, len);
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
