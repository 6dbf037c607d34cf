/**
 * Poptrie longest-prefix match (Asai, Ohara, "Poptrie: A Compressed Trie with Population Count
 * for Fast and Scalable Software IP Routing Table Lookup", SIGCOMM 2015), rebuilt chunk by chunk
 * from a DIR-24-8 table that serves as its control plane.
 *
 * Why: DIR-24-8 answers in one load, but from a 64 MB tbl24, so with many prefixes nearly every
 * random lookup misses the caches and the TLB. Poptrie keeps the same answers in a few MB of
 * small arrays: a trie whose nodes hold no pointers, only bit vectors and two base indexes.
 *
 * Layout (every array typed, no object per node):
 *   `direct`   Int32Array, one entry per chunk of the top s bits (`directBits`):
 *              hop << 1 (even, >= 0)  the whole chunk has one answer;
 *              NO_ROUTE (-2)          no prefix of length 1-32 covers it: the default route answers;
 *              FALL_BACK (-4)         ask the control plane (see Updates);
 *              node << 1 | 1          the chunk's root node.
 *   `nodes`    Int32Array, 4H words per node (k = `stride`, 5 or 6; H = 2^k / 32 words per
 *              vector): [vector(H), leafvec(H), child base(H), leaf base(H)]. Bit v of `vector`
 *              says slot v (the next k address bits) holds a child node; otherwise it holds a
 *              leaf. `leafvec` has a bit at a leaf slot whose answer differs from the previous
 *              leaf slot's (leaf compression), so runs of equal leaves are stored once.
 *   `leaves`   Int32Array of next hops, -1 for "no prefix of length 1-32".
 * The children of a node, and its leaves, are contiguous: slot v's child is
 * `childBase + popcount(vector bits 0..v)`, its leaf `leafBase + popcount(leafvec bits 0..v)`.
 * Bases are stored minus one, and for the high half of a 64-bit vector plus the population of
 * the low half, so the lookup picks the half by the slot's top bit and needs no branch for it.
 * A node at bit offset o reads `(addr << o) >>> (32 - k)`; past bit 31 that pads with zeros, so
 * a last-level node only uses slots whose pad bits are zero (the others are never read).
 *
 * Invariants: a chunk's nodes are one contiguous block in breadth-first order, its leaves one
 * block; bases are absolute indexes into `nodes` and `leaves`; a node's first leaf slot always
 * has its leafvec bit; a slot is a child only when its address range holds more than one answer,
 * so nodes exist only below bit 32; every chunk answers exactly as the control plane does.
 * Values stay below 2^30 so V8 keeps them small integers.
 *
 * Updates: the DIR-24-8 table takes the insert or delete, then every chunk the prefix overlaps
 * (one for /s and longer, 2^(s-len) for shorter) is rebuilt from that table's runs (the answer as
 * a step function over the chunk) into scratch arrays, then copied into its blocks: in place when
 * it fits in the old ones, else at the end of the pool; when the end is reached the live blocks
 * are slid down in address order (compaction, relocating their bases). An insert first counts
 * the nodes and leaves the new chunks need; when they would not fit, the control plane is put
 * back and the insert refused ('nodes-full', 'leaves-full'), so a refused insert leaves the
 * table as it was. A delete must apply: a chunk it leaves without room falls back to the control
 * plane (exact, slower) until a later update makes room for it. The default route changes only
 * `#defaultHop`.
 *
 * Bounds: `maxPrefixes`, `maxTbl8Groups` (the control plane's), `maxNodes`, `maxLeaves`; gauges
 * `size`, `nodesInUse`, `leavesInUse`, `fallbackChunks`, `lookupBytes`; `overflow` counts every
 * refused insert, `nodesOverflow` and `leavesOverflow` those refused for their own reason.
 * Memory: the lookup reads `direct` (4 * 2^s bytes), 16H bytes per node and 4 bytes per leaf in
 * use; the pools are allocated at their maximum (`maxNodes * 16H + maxLeaves * 4` bytes), plus
 * 16 bytes per chunk of bookkeeping, the build scratch and the control plane.
 */
import { Dir248Lpm } from './dir24-8.js';
import { type LpmEntry, type LpmInsertResult, type LpmTable, checkMaxPrefixes, checkNextHop, checkPrefix } from './lpm.js';

export interface PoptrieOptions {
  /** Prefixes the table holds at most (default 1,048,576). */
  readonly maxPrefixes?: number;
  /** Second-level groups of the DIR-24-8 control plane, for prefixes longer than /24 (default 16384). */
  readonly maxTbl8Groups?: number;
  /** s: bits of the address that index the direct array, 16-20 (default 18). */
  readonly directBits?: number;
  /** k: address bits each node resolves, 5 (one 32-bit vector) or 6 (two halves); default 6. */
  readonly stride?: number;
  /** Nodes the pool holds (default 1,048,576). */
  readonly maxNodes?: number;
  /** Leaves the pool holds (default 4,194,304). */
  readonly maxLeaves?: number;
}

const MIN_DIRECT_BITS = 16;
const MAX_DIRECT_BITS = 20;
const NO_ROUTE = -2;
const FALL_BACK = -4;
/** Node and leaf indexes stay below 2^28 so every stored value stays a small integer. */
const MAX_POOL = 1 << 28;
/** Lookups per group in `lookupBatch`. */
const BATCH = 64;

/** Set bits of a 32-bit value (SWAR; JS has no popcount instruction). */
function popcount(x: number): number {
  x = (x - ((x >>> 1) & 0x5555_5555)) | 0;
  x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
  x = (x + (x >>> 4)) & 0x0f0f_0f0f;
  return Math.imul(x, 0x0101_0101) >>> 24;
}

export class PoptrieLpm implements LpmTable {
  readonly maxPrefixes: number;
  readonly maxNodes: number;
  readonly maxLeaves: number;
  readonly directBits: number;
  readonly stride: number;
  readonly #control: Dir248Lpm;
  readonly #direct: Int32Array;
  readonly #nodes: Int32Array;
  readonly #leaves: Int32Array;
  /** Words per vector (1 or 2), words per node (4H) and log2 of the latter. */
  readonly #halves: number;
  readonly #nodeWords: number;
  readonly #nodeShift: number;
  /** Per chunk: its node and leaf blocks (start, length); length 0 when it has none. */
  readonly #nodeStart: Int32Array;
  readonly #nodeLen: Int32Array;
  readonly #leafStart: Int32Array;
  readonly #leafLen: Int32Array;
  #nodeTop = 0;
  #nodesInUse = 0;
  #leafTop = 0;
  #leavesInUse = 0;
  /** Next hop of the default route, or -1. */
  #defaultHop = -1;
  /** Chunks whose direct entry is FALL_BACK. */
  readonly #fallbacks = new Set<number>();
  /** Control-plane runs of the chunk being built. */
  readonly #runStarts: Uint32Array;
  readonly #runHops: Int32Array;
  /** The chunk being built: nodes (bases relative to the chunk), their address and first run, leaves. */
  #buildNodes: Int32Array;
  #buildLo: Float64Array;
  #buildRun: Int32Array;
  #buildOffset: Int32Array;
  #buildLeaves: Int32Array;
  #builtNodes = 0;
  #builtLeaves = 0;
  /** The direct entry of a chunk built as a single answer. */
  #builtEntry = 0;
  /** `lookupBatch` state: per address, the node (or -1 once answered) and its bit offset. */
  readonly #batchNode = new Int32Array(BATCH);
  readonly #batchOffset = new Int32Array(BATCH);
  overflow = 0;
  nodesOverflow = 0;
  leavesOverflow = 0;
  /** Times a pool was compacted. */
  compactions = 0;

  constructor(options: PoptrieOptions = {}) {
    const maxPrefixes = options.maxPrefixes ?? 1 << 20;
    const bits = options.directBits ?? 18;
    const stride = options.stride ?? 6;
    const maxNodes = options.maxNodes ?? 1 << 20;
    const maxLeaves = options.maxLeaves ?? 1 << 22;
    checkMaxPrefixes('poptrie lpm', maxPrefixes);
    if (!Number.isInteger(bits) || bits < MIN_DIRECT_BITS || bits > MAX_DIRECT_BITS) throw new RangeError(`poptrie lpm: directBits must be an integer ${MIN_DIRECT_BITS}-${MAX_DIRECT_BITS}, got ${bits}`);
    if (stride !== 5 && stride !== 6) throw new RangeError(`poptrie lpm: stride must be 5 or 6, got ${stride}`);
    if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAX_POOL) throw new RangeError(`poptrie lpm: maxNodes must be an integer 1-${MAX_POOL}, got ${maxNodes}`);
    if (!Number.isInteger(maxLeaves) || maxLeaves < 1 || maxLeaves > MAX_POOL) throw new RangeError(`poptrie lpm: maxLeaves must be an integer 1-${MAX_POOL}, got ${maxLeaves}`);
    this.maxPrefixes = maxPrefixes;
    this.maxNodes = maxNodes;
    this.maxLeaves = maxLeaves;
    this.directBits = bits;
    this.stride = stride;
    this.#halves = stride === 6 ? 2 : 1;
    this.#nodeWords = 4 * this.#halves;
    this.#nodeShift = stride === 6 ? 3 : 2;
    this.#control = new Dir248Lpm({ maxPrefixes, maxTbl8Groups: options.maxTbl8Groups ?? 16384 });
    this.#direct = new Int32Array(1 << bits).fill(NO_ROUTE);
    this.#nodes = new Int32Array(maxNodes * this.#nodeWords);
    this.#leaves = new Int32Array(maxLeaves);
    this.#nodeStart = new Int32Array(1 << bits);
    this.#nodeLen = new Int32Array(1 << bits);
    this.#leafStart = new Int32Array(1 << bits);
    this.#leafLen = new Int32Array(1 << bits);
    this.#runStarts = new Uint32Array(2 ** (32 - bits));
    this.#runHops = new Int32Array(2 ** (32 - bits));
    this.#buildNodes = new Int32Array(64 * this.#nodeWords);
    this.#buildLo = new Float64Array(64);
    this.#buildRun = new Int32Array(64);
    this.#buildOffset = new Int32Array(64);
    this.#buildLeaves = new Int32Array(256);
  }

  get size(): number {
    return this.#control.size;
  }

  /** Nodes in the blocks of live chunks (a gauge). */
  get nodesInUse(): number {
    return this.#nodesInUse;
  }

  /** Leaves in the blocks of live chunks (a gauge). */
  get leavesInUse(): number {
    return this.#leavesInUse;
  }

  /** Chunks answered by the control plane because a delete left them no room (a gauge). */
  get fallbackChunks(): number {
    return this.#fallbacks.size;
  }

  /** Bytes the lookup reads from: the direct array and the node and leaf pools up to their ends. */
  get lookupBytes(): number {
    return this.#direct.byteLength + 4 * this.#nodeWords * this.#nodeTop + 4 * this.#leafTop;
  }

  lookup(addr: number): number {
    const d = this.#direct[addr >>> (32 - this.directBits)]!;
    if ((d & 1) === 0) return d >= 0 ? d >> 1 : this.#notALeafHop(d, addr);
    const nodes = this.#nodes;
    const k = this.stride;
    const keep = 32 - k;
    const h = this.#halves;
    const shift = this.#nodeShift;
    let node = d >> 1;
    let offset = this.directBits;
    for (;;) {
      const v = (addr << offset) >>> keep;
      // Slot v's bit moved to bit 31: negative when set, and its popcount counts bits 0..v.
      const up = 31 - (v & 31);
      const at = (node << shift) + (v >>> 5);
      const bits = nodes[at]! << up;
      if (bits < 0) {
        node = nodes[at + 2 * h]! + popcount(bits);
        offset += k;
        continue;
      }
      const hop = this.#leaves[nodes[at + 3 * h]! + popcount(nodes[at + h]! << up)]!;
      return hop >= 0 ? hop : this.#defaultHop;
    }
  }

  /**
   * Looks up `addrs[0..n)` into `out`, in groups of `BATCH`, one trie level per pass: the direct
   * entries for the whole group, then each pass moves every address still on a node one level
   * down (or onto its leaf). Within a pass the loads of different addresses are independent, so
   * their cache misses overlap instead of waiting on one another.
   */
  lookupBatch(addrs: Uint32Array, out: Int32Array, n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > addrs.length || n > out.length) throw new RangeError(`poptrie lpm lookupBatch: n must be an integer 0-${Math.min(addrs.length, out.length)}, got ${n}`);
    const direct = this.#direct;
    const nodes = this.#nodes;
    const leaves = this.#leaves;
    const dshift = 32 - this.directBits;
    const k = this.stride;
    const keep = 32 - k;
    const h = this.#halves;
    const shift = this.#nodeShift;
    const defaultHop = this.#defaultHop;
    const node = this.#batchNode;
    const offset = this.#batchOffset;
    for (let from = 0; from < n; from += BATCH) {
      const m = Math.min(BATCH, n - from);
      let pending = 0;
      for (let j = 0; j < m; j++) {
        const addr = addrs[from + j]!;
        const d = direct[addr >>> dshift]!;
        if ((d & 1) === 1) {
          node[j] = d >> 1;
          offset[j] = this.directBits;
          pending++;
        } else {
          node[j] = -1;
          out[from + j] = d >= 0 ? d >> 1 : this.#notALeafHop(d, addr);
        }
      }
      while (pending > 0) {
        pending = 0;
        for (let j = 0; j < m; j++) {
          const at0 = node[j]!;
          if (at0 < 0) continue;
          const o = offset[j]!;
          const v = (addrs[from + j]! << o) >>> keep;
          const up = 31 - (v & 31);
          const at = (at0 << shift) + (v >>> 5);
          const bits = nodes[at]! << up;
          if (bits < 0) {
            node[j] = nodes[at + 2 * h]! + popcount(bits);
            offset[j] = o + k;
            pending++;
          } else {
            node[j] = -1;
            const hop = leaves[nodes[at + 3 * h]! + popcount(nodes[at + h]! << up)]!;
            out[from + j] = hop >= 0 ? hop : defaultHop;
          }
        }
      }
    }
  }

  get(prefix: number, len: number): number {
    return this.#control.get(checkPrefix('poptrie lpm get', prefix, len), len);
  }

  insert(prefix: number, len: number, nextHop: number): LpmInsertResult {
    const p = checkPrefix('poptrie lpm insert', prefix, len);
    checkNextHop('poptrie lpm insert', nextHop);
    const previous = this.#control.get(p, len);
    const res = this.#control.insert(p, len, nextHop);
    if (res !== 'added' && res !== 'replaced') {
      this.overflow++;
      return res;
    }
    if (len === 0) {
      this.#defaultHop = nextHop;
      return res;
    }
    const [first, count] = this.#chunksOf(p, len);
    // Count before writing anything, so a refused insert has nothing to undo but the control plane.
    let needNodes = 0;
    let needLeaves = 0;
    for (let c = first; c < first + count; c++) {
      this.#build(c);
      needNodes += this.#builtNodes - this.#nodeLen[c]!;
      needLeaves += this.#builtLeaves - this.#leafLen[c]!;
    }
    const nodesShort = this.#nodesInUse + needNodes > this.maxNodes;
    if (nodesShort || this.#leavesInUse + needLeaves > this.maxLeaves) {
      if (previous < 0) this.#control.delete(p, len);
      else this.#control.insert(p, len, previous);
      this.overflow++;
      if (nodesShort) {
        this.nodesOverflow++;
        return 'nodes-full';
      }
      this.leavesOverflow++;
      return 'leaves-full';
    }
    for (let c = first; c < first + count; c++) {
      // One chunk is still in the scratch arrays from counting.
      if (count > 1) this.#build(c);
      this.#place(c);
      this.#fallbacks.delete(c);
    }
    this.#retryFallbacks();
    return res;
  }

  delete(prefix: number, len: number): boolean {
    const p = checkPrefix('poptrie lpm delete', prefix, len);
    if (!this.#control.delete(p, len)) return false;
    if (len === 0) {
      this.#defaultHop = -1;
      return true;
    }
    const [first, count] = this.#chunksOf(p, len);
    for (let c = first; c < first + count; c++) this.#rebuildOrFallBack(c);
    this.#retryFallbacks();
    return true;
  }

  entries(): LpmEntry[] {
    return this.#control.entries();
  }

  clear(): void {
    this.#control.clear();
    this.#direct.fill(NO_ROUTE);
    this.#nodeLen.fill(0);
    this.#leafLen.fill(0);
    this.#nodeTop = 0;
    this.#nodesInUse = 0;
    this.#leafTop = 0;
    this.#leavesInUse = 0;
    this.#defaultHop = -1;
    this.#fallbacks.clear();
  }

  #notALeafHop(d: number, addr: number): number {
    return d === NO_ROUTE ? this.#defaultHop : this.#control.lookup(addr);
  }

  /** The chunks `p/len` overlaps: [first, count]. */
  #chunksOf(p: number, len: number): [number, number] {
    const s = this.directBits;
    return [p >>> (32 - s), len >= s ? 1 : 2 ** (s - len)];
  }

  #rebuildOrFallBack(c: number): void {
    this.#build(c);
    if (this.#nodesInUse - this.#nodeLen[c]! + this.#builtNodes <= this.maxNodes && this.#leavesInUse - this.#leafLen[c]! + this.#builtLeaves <= this.maxLeaves) {
      this.#place(c);
      this.#fallbacks.delete(c);
      return;
    }
    this.#free(c);
    this.#direct[c] = FALL_BACK;
    this.#fallbacks.add(c);
  }

  #retryFallbacks(): void {
    if (this.#fallbacks.size === 0) return;
    for (const c of [...this.#fallbacks]) this.#rebuildOrFallBack(c);
  }

  #free(c: number): void {
    this.#nodesInUse -= this.#nodeLen[c]!;
    this.#leavesInUse -= this.#leafLen[c]!;
    this.#nodeLen[c] = 0;
    this.#leafLen[c] = 0;
  }

  /**
   * Builds chunk `c` from the control plane's runs into the scratch arrays: breadth first, so
   * each node's children are appended together and node i's index is its place in the order.
   * Sets `#builtNodes`, `#builtLeaves`, and `#builtEntry` when the chunk is one answer.
   */
  #build(c: number): void {
    const s = this.directBits;
    const k = this.stride;
    const h = this.#halves;
    const w = this.#nodeWords;
    const starts = this.#runStarts;
    const hops = this.#runHops;
    const runs = this.#control.runs(c << (24 - s), 1 << (24 - s), starts, hops);
    this.#builtNodes = 0;
    this.#builtLeaves = 0;
    if (runs === 1) {
      this.#builtEntry = hops[0]! >= 0 ? hops[0]! << 1 : NO_ROUTE;
      return;
    }
    let count = 1;
    let leaves = 0;
    this.#buildLo[0] = c * 2 ** (32 - s);
    this.#buildRun[0] = 0;
    this.#buildOffset[0] = s;
    for (let i = 0; i < count; i++) {
      const lo = this.#buildLo[i]!;
      const o = this.#buildOffset[i]!;
      const slotBits = 32 - o - k;
      // Past bit 31 the slot index is padded with zeros: only slots with zero pad bits are real.
      const pad = slotBits < 0 ? -slotBits : 0;
      const size = slotBits >= 0 ? 2 ** slotBits : 1;
      let r = this.#buildRun[i]!;
      let vec0 = 0;
      let vec1 = 0;
      let leaf0 = 0;
      let leaf1 = 0;
      const childBase = count;
      const leafBase = leaves;
      let previous = 0;
      let anyLeaf = false;
      for (let v = 0; v < 1 << k; v++) {
        if (pad > 0 && (v & ((1 << pad) - 1)) !== 0) continue;
        const slotLo = lo + (slotBits >= 0 ? v * size : v >>> pad);
        while (r + 1 < runs && starts[r + 1]! <= slotLo) r++;
        const bit = 1 << (v & 31);
        if (r + 1 < runs && starts[r + 1]! < slotLo + size) {
          if (v < 32) vec0 |= bit;
          else vec1 |= bit;
          this.#ensureBuildNodes(count + 1);
          this.#buildLo[count] = slotLo;
          this.#buildRun[count] = r;
          this.#buildOffset[count] = o + k;
          count++;
          continue;
        }
        const hop = hops[r]!;
        if (!anyLeaf || hop !== previous) {
          if (v < 32) leaf0 |= bit;
          else leaf1 |= bit;
          this.#ensureBuildLeaves(leaves + 1);
          this.#buildLeaves[leaves++] = hop;
          previous = hop;
          anyLeaf = true;
        }
      }
      const nodes = this.#buildNodes;
      const at = i * w;
      nodes[at] = vec0;
      nodes[at + h] = leaf0;
      nodes[at + 2 * h] = childBase - 1;
      nodes[at + 3 * h] = leafBase - 1;
      if (h === 2) {
        nodes[at + 1] = vec1;
        nodes[at + 3] = leaf1;
        nodes[at + 5] = childBase - 1 + popcount(vec0);
        nodes[at + 7] = leafBase - 1 + popcount(leaf0);
      }
    }
    this.#builtNodes = count;
    this.#builtLeaves = leaves;
  }

  #ensureBuildNodes(count: number): void {
    if (count <= this.#buildLo.length) return;
    const size = Math.max(count, this.#buildLo.length * 2);
    const nodes = new Int32Array(size * this.#nodeWords);
    nodes.set(this.#buildNodes);
    this.#buildNodes = nodes;
    const lo = new Float64Array(size);
    lo.set(this.#buildLo);
    this.#buildLo = lo;
    const run = new Int32Array(size);
    run.set(this.#buildRun);
    this.#buildRun = run;
    const offset = new Int32Array(size);
    offset.set(this.#buildOffset);
    this.#buildOffset = offset;
  }

  #ensureBuildLeaves(count: number): void {
    if (count <= this.#buildLeaves.length) return;
    const leaves = new Int32Array(Math.max(count, this.#buildLeaves.length * 2));
    leaves.set(this.#buildLeaves);
    this.#buildLeaves = leaves;
  }

  /**
   * Writes the chunk just built into its blocks, in place when they are large enough, else at
   * the end of each pool (compacting the pool first when the end is reached). The caller has
   * checked that the pools hold enough in all.
   */
  #place(c: number): void {
    const nodeCount = this.#builtNodes;
    const leafCount = this.#builtLeaves;
    if (nodeCount === 0) {
      this.#free(c);
      this.#direct[c] = this.#builtEntry;
      return;
    }
    const w = this.#nodeWords;
    const h = this.#halves;
    // The chunk's old blocks are dead from here: a compaction must not move or relocate them.
    let nodeAt = this.#nodeStart[c]!;
    if (nodeCount > this.#nodeLen[c]!) {
      this.#nodesInUse -= this.#nodeLen[c]!;
      this.#nodeLen[c] = 0;
      if (this.#nodeTop + nodeCount > this.maxNodes) this.#compactNodes();
      nodeAt = this.#nodeTop;
      this.#nodeTop += nodeCount;
      this.#nodesInUse += nodeCount;
    } else {
      this.#nodesInUse -= this.#nodeLen[c]! - nodeCount;
    }
    this.#nodeStart[c] = nodeAt;
    this.#nodeLen[c] = 0;
    let leafAt = this.#leafStart[c]!;
    if (leafCount > this.#leafLen[c]!) {
      this.#leavesInUse -= this.#leafLen[c]!;
      this.#leafLen[c] = 0;
      if (this.#leafTop + leafCount > this.maxLeaves) this.#compactLeaves();
      leafAt = this.#leafTop;
      this.#leafTop += leafCount;
      this.#leavesInUse += leafCount;
    } else {
      this.#leavesInUse -= this.#leafLen[c]! - leafCount;
    }
    this.#leafStart[c] = leafAt;
    this.#leafLen[c] = leafCount;
    this.#nodeLen[c] = nodeCount;
    const nodes = this.#nodes;
    nodes.set(this.#buildNodes.subarray(0, nodeCount * w), nodeAt * w);
    for (let i = nodeAt * w; i < (nodeAt + nodeCount) * w; i += w) {
      for (let half = 0; half < h; half++) {
        nodes[i + 2 * h + half] = nodes[i + 2 * h + half]! + nodeAt;
        nodes[i + 3 * h + half] = nodes[i + 3 * h + half]! + leafAt;
      }
    }
    this.#leaves.set(this.#buildLeaves.subarray(0, leafCount), leafAt);
    this.#direct[c] = (nodeAt << 1) | 1;
  }

  /** Chunks holding a block in the pool (by `lengths`), in the order of their block starts. */
  #chunksByStart(starts: Int32Array, lengths: Int32Array): Float64Array {
    let n = 0;
    for (let c = 0; c < lengths.length; c++) if (lengths[c]! > 0) n++;
    const keys = new Float64Array(n);
    const chunkBits = 2 ** this.directBits;
    n = 0;
    for (let c = 0; c < lengths.length; c++) if (lengths[c]! > 0) keys[n++] = starts[c]! * chunkBits + c;
    return keys.sort();
  }

  /** Slides the live node blocks down to the start of the pool, relocating child bases and roots. */
  #compactNodes(): void {
    this.compactions++;
    const w = this.#nodeWords;
    const h = this.#halves;
    const nodes = this.#nodes;
    const chunkBits = 2 ** this.directBits;
    let to = 0;
    for (const key of this.#chunksByStart(this.#nodeStart, this.#nodeLen)) {
      const c = key % chunkBits;
      const from = this.#nodeStart[c]!;
      const len = this.#nodeLen[c]!;
      if (from !== to) {
        nodes.copyWithin(to * w, from * w, (from + len) * w);
        const delta = to - from;
        for (let i = to * w; i < (to + len) * w; i += w) {
          for (let half = 0; half < h; half++) nodes[i + 2 * h + half] = nodes[i + 2 * h + half]! + delta;
        }
        this.#nodeStart[c] = to;
        this.#direct[c] = (to << 1) | 1;
      }
      to += len;
    }
    this.#nodeTop = to;
  }

  /** Slides the live leaf blocks down to the start of the pool, relocating the leaf bases of their nodes. */
  #compactLeaves(): void {
    this.compactions++;
    const w = this.#nodeWords;
    const h = this.#halves;
    const nodes = this.#nodes;
    const chunkBits = 2 ** this.directBits;
    let to = 0;
    for (const key of this.#chunksByStart(this.#leafStart, this.#leafLen)) {
      const c = key % chunkBits;
      const from = this.#leafStart[c]!;
      const len = this.#leafLen[c]!;
      if (from !== to) {
        this.#leaves.copyWithin(to, from, from + len);
        const delta = to - from;
        const first = this.#nodeStart[c]! * w;
        for (let i = first; i < first + this.#nodeLen[c]! * w; i += w) {
          for (let half = 0; half < h; half++) nodes[i + 3 * h + half] = nodes[i + 3 * h + half]! + delta;
        }
        this.#leafStart[c] = to;
      }
      to += len;
    }
    this.#leafTop = to;
  }
}
