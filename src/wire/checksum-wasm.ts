/**
 * The Internet checksum's ones'-complement sum in WebAssembly SIMD, for memory that a
 * WebAssembly.Memory backs: about 0.08 ns per byte where `internetSumView` takes 0.26-0.37
 * (1448 bytes, same process). VXLAN over a real UDP socket sums every byte twice per direction
 * (a segment's TCP checksum when the socket cuts a 64 KB packet, and each received segment's
 * before it is merged), and that was the largest item of its JS time.
 *
 * How: a module of one function, `sum(off, len) -> i32`, over an imported memory. It loads 16
 * bytes at a time, widens the eight little-endian 16-bit lanes pairwise into four 32-bit lanes
 * (`i32x4.extadd_pairwise_i16x8_u`) and adds them up, two loads a round; then the lanes, the
 * 16-bit tail and an odd last byte go into an i64, which is folded to 16 bits. Little-endian
 * lanes are the big-endian words with their bytes swapped, and the ones'-complement sum of
 * swapped words is the swapped sum (RFC 1071 section 2 (B)), so the caller swaps the result
 * once. A lane grows by at most 2 x 65535 per 16 bytes: 2^32 is 512 KB away, and callers sum
 * packets (`MAX_LEN`).
 *
 * A memory gets its own instance (`MemoryChecksum`); `sumFor(view)` gives a function with
 * `internetSumView`'s contract that takes the WebAssembly path for that one view (compared by
 * identity: `view.buffer` would cost a runtime call) and the JS one for any other, so a caller
 * whose frames sometimes live elsewhere (a packet of the engine's pool) stays correct. Where
 * WebAssembly SIMD is missing, `sumFor` returns `internetSumView` itself. `checksumMemory`
 * makes memories whose maximum is their initial size: they never grow, so their buffer is never
 * detached, and views of it (and native addresses taken of them, ../nics/sys/copy.ts) stay valid.
 *
 * The module, as text (locals: 0 off, 1 len, 2 end, 3 end16, 4 acc v128, 5 s i64):
 *   end = off + len; end16 = off + (len & -16)
 *   loop while off + 32 <= end16: acc += extadd(load(off)) + extadd(load(off + 16)); off += 32
 *   loop while off < end16: acc += extadd(load(off)); off += 16
 *   s = lane0 + lane1 + lane2 + lane3 (as u64)
 *   loop while off + 2 <= end: s += load16_u(off); off += 2
 *   if off < end: s += load8_u(off)
 *   4 times: s = (s & 0xffff) + (s >> 16)
 *   return wrap(s)
 */
import { foldSum, internetSumView } from './checksum.js';

/** `internetSumView`'s contract: the folded ones'-complement sum (not complemented) of `len` bytes at `off` in `view`, plus `seed`. */
export type OnesSum = (view: DataView, off: number, len: number, seed: number) => number;

/** Longest range one call sums (a lane cannot overflow below this). */
export const MAX_LEN = 256 * 1024;

const PAGE = 65536;

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, bytes: readonly number[]): number[] {
  return [id, ...leb(bytes.length), ...bytes];
}

// Opcodes used below.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I64_CONST = 0x42;
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_GE_U = 0x4f;
const I32_GT_U = 0x4b;
const I32_LT_U = 0x49;
const I64_ADD = 0x7c;
const I64_AND = 0x83;
const I64_SHR_U = 0x88;
const I64_EXTEND_I32_U = 0xad;
const I32_WRAP_I64 = 0xa7;
const I32_LOAD16_U = 0x2f;
const I32_LOAD8_U = 0x2d;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const VOID = 0x40;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const I32X4_EXTRACT_LANE = 0x1b;
const I32X4_EXTADD_PAIRWISE_I16X8_U = 0x7f;
const I32X4_ADD = [0xae, 0x01];
const I32 = 0x7f;
const I64 = 0x7e;
const V128 = 0x7b;

/** The module's bytes; its memory import is shared or not, as the memory it will get. */
function moduleBytes(shared: boolean): Uint8Array {
  const [off, len, end, end16, acc, s] = [0, 1, 2, 3, 4, 5];
  const load = (offset: number): number[] => [SIMD, V128_LOAD, 0, ...leb(offset), SIMD, I32X4_EXTADD_PAIRWISE_I16X8_U];
  const lane = (i: number): number[] => [LOCAL_GET, acc, SIMD, I32X4_EXTRACT_LANE, i, I64_EXTEND_I32_U];
  const advance = (n: number): number[] => [LOCAL_GET, off, I32_CONST, ...leb(n), I32_ADD, LOCAL_SET, off];
  const body = [
    3, 2, I32, 1, V128, 1, I64,
    LOCAL_GET, off, LOCAL_GET, len, I32_ADD, LOCAL_SET, end,
    LOCAL_GET, off, LOCAL_GET, len, I32_CONST, 0x70, I32_AND, I32_ADD, LOCAL_SET, end16,
    BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, off, I32_CONST, 32, I32_ADD, LOCAL_GET, end16, I32_GT_U, BR_IF, 1,
    LOCAL_GET, acc, LOCAL_GET, off, ...load(0), LOCAL_GET, off, ...load(16), SIMD, ...I32X4_ADD, SIMD, ...I32X4_ADD, LOCAL_SET, acc,
    ...advance(32), BR, 0,
    END, END,
    BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, off, LOCAL_GET, end16, I32_GE_U, BR_IF, 1,
    LOCAL_GET, acc, LOCAL_GET, off, ...load(0), SIMD, ...I32X4_ADD, LOCAL_SET, acc,
    ...advance(16), BR, 0,
    END, END,
    ...lane(0), ...lane(1), I64_ADD, ...lane(2), I64_ADD, ...lane(3), I64_ADD, LOCAL_SET, s,
    BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, off, I32_CONST, 2, I32_ADD, LOCAL_GET, end, I32_GT_U, BR_IF, 1,
    LOCAL_GET, s, LOCAL_GET, off, I32_LOAD16_U, 1, 0, I64_EXTEND_I32_U, I64_ADD, LOCAL_SET, s,
    ...advance(2), BR, 0,
    END, END,
    LOCAL_GET, off, LOCAL_GET, end, I32_LT_U, IF, VOID,
    LOCAL_GET, s, LOCAL_GET, off, I32_LOAD8_U, 0, 0, I64_EXTEND_I32_U, I64_ADD, LOCAL_SET, s,
    END,
  ];
  for (let k = 0; k < 4; k++) body.push(LOCAL_GET, s, I64_CONST, ...[0xff, 0xff, 0x03], I64_AND, LOCAL_GET, s, I64_CONST, 16, I64_SHR_U, I64_ADD, LOCAL_SET, s);
  body.push(LOCAL_GET, s, I32_WRAP_I64, END);
  // A shared memory import must declare a maximum: the largest there is, so any memory fits.
  const limits = shared ? [0x03, 1, ...leb(65536)] : [0x00, 1];
  const m = [0x6d];
  const mem = [0x6d, 0x65, 0x6d];
  const sum = [0x73, 0x75, 0x6d];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 1, I32]),
    ...section(2, [1, m.length, ...m, mem.length, ...mem, 0x02, ...limits]),
    ...section(3, [1, 0]),
    ...section(7, [1, sum.length, ...sum, 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

const compiled = new Map<boolean, WebAssembly.Module | null>();

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
function moduleFor(shared: boolean): WebAssembly.Module | null {
  let m = compiled.get(shared);
  if (m === undefined) {
    try {
      m = new WebAssembly.Module(moduleBytes(shared));
    } catch {
      m = null;
    }
    compiled.set(shared, m);
  }
  return m;
}

/** A memory of at least `bytes` bytes for `MemoryChecksum` (shared: a SharedArrayBuffer other threads can see). */
export function checksumMemory(bytes: number, shared: boolean): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  return shared ? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }) : new WebAssembly.Memory({ initial: pages, maximum: pages });
}

/** Sums over one WebAssembly memory (see the design note). */
export class MemoryChecksum {
  readonly #sum: ((off: number, len: number) => number) | null;
  readonly #size: number;

  constructor(memory: WebAssembly.Memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const m = moduleFor(shared);
    this.#sum = m === null ? null : (new WebAssembly.Instance(m, { m: { mem: memory } }).exports as { sum: (off: number, len: number) => number }).sum;
    this.#size = memory.buffer.byteLength;
  }

  /** Whether sums take the WebAssembly path (false: this runtime lacks SIMD, and `sumFor` gives `internetSumView`). */
  get fast(): boolean {
    return this.#sum !== null;
  }

  /**
   * A function with `internetSumView`'s contract that sums ranges of `view` (a view of this
   * memory) in WebAssembly, and ranges of any other view, or too long ones, in JS.
   */
  sumFor(view: DataView): OnesSum {
    const wasm = this.#sum;
    if (wasm === null) return internetSumView;
    const base = view.byteOffset;
    if (base + view.byteLength > this.#size) throw new RangeError('memory checksum: the view lies outside the memory');
    return (v, off, len, seed) => {
      if (v !== view || len > MAX_LEN || off < 0 || off + len > v.byteLength) return internetSumView(v, off, len, seed);
      const swapped = wasm(base + off, len);
      return foldSum(seed + (((swapped & 0xff) << 8) | (swapped >>> 8)));
    };
  }
}
