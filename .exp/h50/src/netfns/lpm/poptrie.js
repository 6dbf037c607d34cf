/**
 * Poptrie longest-prefix match (Asai, Ohara, "Poptrie: A Compressed Trie with Population Count
 * for Fast and Scalable Software IP Routing Table Lookup", SIGCOMM 2015), rebuilt chunk by chunk
 * from a DIR-24-8 table that serves as its control plane.
 *
 * Why: DIR-24-8 answers in one load, but from a 64 MB tbl24, so with many prefixes nearly every
 * random lookup misses the caches and the TLB. Poptrie keeps the same answers in a few MB of
 * typed arrays: a trie whose nodes hold no pointers, only bit vectors and base offsets.
 *
 * Layout (no object per node; every value below 2^30, so V8 keeps them small integers):
 *   `direct`  Int32Array, one entry per chunk of the top s bits (`directBits`):
 *             hop << 2 (>= 0)   the whole chunk has one answer;
 *             NO_ROUTE (-4)     no prefix of length 1-32 covers it: the default route answers;
 *             FALL_BACK (-8)    ask the control plane (see Updates);
 *             block << 2 | 1    a root node (TREE) at pool offset `block`;
 *             block << 2 | 3    a flat root (FLAT).
 *   `pool`    Int32Array holding one block per chunk. A node is 4H words (k = `stride`, 5 or
 *             6; H = 2^k / 32 words per vector): [vector(H), leafvec(H), child base(H), leaf
 *             base(H)]. Bit v of `vector` says slot v (the next k address bits) holds a child
 *             node, else a leaf; `leafvec` has a bit at each leaf slot whose answer differs from
 *             the previous leaf slot's (leaf compression: a run of equal leaves is stored once).
 *   A TREE block is [root][root's leaves][deeper nodes, breadth first][their leaves], leaves
 *   of 32 bits (a next hop, or -1 for "no prefix of length 1-32"). The children of a node are
 *   contiguous, so slot v's child is at `block + childBase + popcount(vector bits 0..v) * 4H`
 *   and its leaf at `block + leafBase + popcount(leafvec bits 0..v)`, bases relative to the
 *   block, stored minus one child or leaf, the high half's counting the low half's bits.
 *   A FLAT block is [leafvec(H)][16-bit leaves, 0xffff for no prefix]: the shape of a chunk with
 *   no prefix longer than s + k and next hops below 0xffff (with s = 19, k = 5, in the
 *   benchmark's 800k-prefix table: 98% of the chunks with a block; 28% of all chunks need no
 *   block). It costs 4H bytes plus 2 per leaf, and a lookup reads one direct entry and one or two
 *   adjacent lines of its block. Keeping leaves beside their node and narrowing them are this
 *   implementation's changes to the paper's layout, whose separate leaf array costs one more
 *   dependent cache miss per lookup: with 800k random prefixes there are ~1.5 million leaves,
 *   and a first version with a separate 32-bit leaf array ran at 8-10 M lookups/s in C on the
 *   benchmark table against 20-27 with leaves beside the root (single runs, shared machine).
 *   A node at bit offset o reads `(addr << o) >>> (32 - k)`; past bit 31 that pads with zeros, so
 *   a last-level node only uses slots whose pad bits are zero (the others are never read).
 *   JS has no popcount instruction: a 64 KB table of the bit counts of every 16-bit value counts
 *   a word in two loads, fewer instructions than shifts and masks (and with the lookup's misses
 *   outstanding, fewer instructions waiting means more lookups in flight).
 *
 * Invariants: a slot is a child only when its address range holds more than one answer, so
 * nodes exist only above bit 32; a node's first leaf slot always has its leafvec bit; the blocks
 * of live chunks do not overlap and lie below `#poolTop`; `#wordsInUse` is the sum of their
 * sizes; every chunk answers exactly as the control plane does.
 *
 * Updates (as in the paper, the subtree under a direct entry is rebuilt): the DIR-24-8 table
 * takes the insert or delete, then every chunk the prefix overlaps (one for /s and longer,
 * 2^(s-len) for shorter) is rebuilt from that table's runs (the answer as a step function over
 * the chunk) into scratch arrays and copied to its block: in place when it fits in the old one,
 * else at the end of the pool. When the end is reached, or the holes left behind pass a quarter
 * of the live words, the live blocks are slid down in address order (compaction). An insert
 * first counts the words its chunks need; when they would not fit, the control plane is put
 * back and the insert refused ('pool-full'), so a refused insert leaves the table as it was. A
 * delete must apply: a chunk it leaves without room falls back to the control plane (exact,
 * slower) until a later update makes room for it. The default route changes only `#defaultHop`.
 *
 * Bounds: `maxPrefixes`, `maxTbl8Groups` (the control plane's), `maxPoolWords` (nodes and leaves
 * together); gauges `size`, `poolWordsInUse`, `nodesInUse`, `leavesInUse`, `fallbackChunks`,
 * `lookupBytes`; `overflow` counts every refused insert, `poolOverflow` those refused for room.
 * Memory: the lookup reads `direct` (4 * 2^s bytes), the pool below `#poolTop` (at most 5/4 of
 * the live words plus 256 KB) and the 64 KB count table; the pool is allocated at
 * `maxPoolWords * 4` bytes; 16 bytes per chunk of bookkeeping, the build scratch and the control
 * plane come on top. Measured at 800k prefixes (s = 19, k = 5): 5.3 MiB of blocks, 2 MiB direct.
 *
 * Costs measured (bench/suites/lpm.ts, 800k random prefixes, uniform random addresses, a
 * two-core machine shared with other work): 5-9 M lookups/s one at a time and 6-8 in batches,
 * about 0.4 of DIR-24-8 in the same process; the C build of this layout does 10 and 25. Every
 * shape was tried: s = 19, k = 5 and s = 20, k = 5 lead (k = 5 needs one popcount, and /24 ends
 * at the first node); k = 6 costs a second popcount for the high half; s = 16 and s = 18 with
 * k = 5 put /24 a level deeper and need 18-25 MiB. What limits it: a lookup is a direct load
 * and a dependent load in a block spread over 5 MiB, so most lookups pay a cache miss, and in
 * JS the popcount and bounds checks behind that miss keep fewer lookups in flight than in C.
 * Updates: ~100k per second (a delete and re-insert), a /8 over 3,000 longer prefixes in 4 ms.
 */
import { Dir248Lpm } from './dir24-8.js';
import { checkMaxPrefixes, checkNextHop, checkPrefix } from './lpm.js';
const MIN_DIRECT_BITS = 16;
const MAX_DIRECT_BITS = 20;
/** Direct entries: a next hop is hop << 2; these two are the other leaves. */
const NO_ROUTE = -4;
const FALL_BACK = -8;
/** Low bits of a direct entry that points to a block: a root with children, or a flat root. */
const TREE = 1;
const FLAT = 3;
/** A flat root's 16-bit leaf for "no prefix of length 1-32"; next hops 0-0xfffe fit beside it. */
const NO_ROUTE_16 = 0xffff;
/** Pool offsets stay below 2^27 so `offset << 2 | kind` stays a small integer. */
const MAX_POOL_WORDS = 1 << 27;
/** Pool words of holes tolerated beyond the live words before a compaction. */
const COMPACT_SLACK = 1 << 16;
/** Lookups per group in `lookupBatch`. */
const BATCH = 64;
/** Set bits of a 32-bit value (SWAR; JS has no popcount instruction). */
function popcount(x) {
    x = (x - ((x >>> 1) & 0x5555_5555)) | 0;
    x = (x & 0x3333_3333) + ((x >>> 2) & 0x3333_3333);
    x = (x + (x >>> 4)) & 0x0f0f_0f0f;
    return Math.imul(x, 0x0101_0101) >>> 24;
}
export class PoptrieLpm {
    maxPrefixes;
    maxPoolWords;
    directBits;
    stride;
    #control;
    #direct;
    #pool;
    /** The pool's words as 16-bit halves, for the leaves of flat roots. */
    #pool16;
    /** Set bits of every 16-bit value: two loads count a word, fewer instructions than shifts and masks. */
    #ones;
    /** Words per vector (H: 1 or 2), words per node (4H) and log2 of the latter. */
    #halves;
    #nodeWords;
    #nodeShift;
    /** Per chunk: its block in the pool (start, words; 0 words when it has none), nodes and leaves. */
    #blockStart;
    #blockWords;
    #blockNodes;
    #blockLeaves;
    #poolTop = 0;
    #wordsInUse = 0;
    #nodesInUse = 0;
    #leavesInUse = 0;
    /** Next hop of the default route, or -1. */
    #defaultHop = -1;
    /** Chunks whose direct entry is FALL_BACK. */
    #fallbacks = new Set();
    /** Control-plane runs of the chunk being built. */
    #runStarts;
    #runHops;
    /** The chunk being built, breadth first: per node its words (bases relative), address, first run, bit offset; the leaves. */
    #buildNodes;
    #buildLo;
    #buildRun;
    #buildOffset;
    #buildLeaves;
    /** The chunk just built, laid out as its block: `#builtWords` words of `#block`, or one answer (`#builtWords` 0). */
    #block;
    #block16;
    #builtWords = 0;
    #builtNodes = 0;
    #builtLeaves = 0;
    /** The direct entry's kind (TREE or FLAT), or the whole entry when the chunk is one answer. */
    #builtEntry = 0;
    /** `lookupBatch` state per address: its direct entry, then its root's vector word. */
    #batchEntry = new Int32Array(BATCH);
    #batchWord = new Int32Array(BATCH);
    overflow = 0;
    poolOverflow = 0;
    /** Times the pool was compacted. */
    compactions = 0;
    constructor(options = {}) {
        const maxPrefixes = options.maxPrefixes ?? 1 << 20;
        const bits = options.directBits ?? 19;
        const stride = options.stride ?? 5;
        const maxPoolWords = options.maxPoolWords ?? 1 << 23;
        checkMaxPrefixes('poptrie lpm', maxPrefixes);
        if (!Number.isInteger(bits) || bits < MIN_DIRECT_BITS || bits > MAX_DIRECT_BITS)
            throw new RangeError(`poptrie lpm: directBits must be an integer ${MIN_DIRECT_BITS}-${MAX_DIRECT_BITS}, got ${bits}`);
        if (stride !== 5 && stride !== 6)
            throw new RangeError(`poptrie lpm: stride must be 5 or 6, got ${stride}`);
        if (!Number.isInteger(maxPoolWords) || maxPoolWords < 1 || maxPoolWords > MAX_POOL_WORDS)
            throw new RangeError(`poptrie lpm: maxPoolWords must be an integer 1-${MAX_POOL_WORDS}, got ${maxPoolWords}`);
        this.maxPrefixes = maxPrefixes;
        this.maxPoolWords = maxPoolWords;
        this.directBits = bits;
        this.stride = stride;
        this.#halves = stride === 6 ? 2 : 1;
        this.#nodeWords = 4 * this.#halves;
        this.#nodeShift = stride === 6 ? 3 : 2;
        this.#control = new Dir248Lpm({ maxPrefixes, maxTbl8Groups: options.maxTbl8Groups ?? 16384 });
        this.#direct = new Int32Array(1 << bits).fill(NO_ROUTE);
        this.#pool = new Int32Array(maxPoolWords);
        this.#pool16 = new Uint16Array(this.#pool.buffer);
        this.#ones = new Uint8Array(1 << 16);
        for (let x = 1; x < 1 << 16; x++)
            this.#ones[x] = this.#ones[x >>> 1] + (x & 1);
        this.#blockStart = new Int32Array(1 << bits);
        this.#blockWords = new Int32Array(1 << bits);
        this.#blockNodes = new Int32Array(1 << bits);
        this.#blockLeaves = new Int32Array(1 << bits);
        this.#runStarts = new Uint32Array(2 ** (32 - bits));
        this.#runHops = new Int32Array(2 ** (32 - bits));
        this.#buildNodes = new Int32Array(64 * this.#nodeWords);
        this.#buildLo = new Float64Array(64);
        this.#buildRun = new Int32Array(64);
        this.#buildOffset = new Int32Array(64);
        this.#buildLeaves = new Int32Array(256);
        this.#block = new Int32Array(1024);
        this.#block16 = new Uint16Array(this.#block.buffer);
    }
    get size() {
        return this.#control.size;
    }
    /** Pool words in the blocks of live chunks (a gauge). */
    get poolWordsInUse() {
        return this.#wordsInUse;
    }
    /** Nodes in live blocks, flat roots included (a gauge). */
    get nodesInUse() {
        return this.#nodesInUse;
    }
    /** Leaves in live blocks (a gauge). */
    get leavesInUse() {
        return this.#leavesInUse;
    }
    /** Chunks answered by the control plane because a delete left them no room (a gauge). */
    get fallbackChunks() {
        return this.#fallbacks.size;
    }
    /** Bytes the lookup reads from: the direct array, the pool up to its end (holes included) and the count table. */
    get lookupBytes() {
        return this.#direct.byteLength + 4 * this.#poolTop + this.#ones.byteLength;
    }
    lookup(addr) {
        const s = this.directBits;
        const d = this.#direct[addr >>> (32 - s)];
        if ((d & 3) === FLAT) {
            // [leafvec][16-bit leaves]: slot v's bit moved to bit 31, so the popcount counts bits 0..v.
            const block = d >> 2;
            const pool = this.#pool;
            const ones = this.#ones;
            let hop;
            if (this.#halves === 1) {
                const bits = pool[block] << (31 - ((addr << s) >>> 27));
                hop = this.#pool16[2 * block + 1 + ones[bits & 0xffff] + ones[bits >>> 16]];
            }
            else {
                // The high half's leaves come after the low half's.
                const v = (addr << s) >>> 26;
                const bits = pool[block + (v >>> 5)] << (31 - (v & 31));
                const below = pool[block] & (0 - (v >>> 5));
                hop = this.#pool16[2 * block + 3 + ones[bits & 0xffff] + ones[bits >>> 16] + ones[below & 0xffff] + ones[below >>> 16]];
            }
            return hop !== NO_ROUTE_16 ? hop : this.#defaultHop;
        }
        if ((d & 1) === 0)
            return d >= 0 ? d >> 2 : this.#notALeafHop(d, addr);
        return this.#walk(d >> 2, addr);
    }
    /** The answer under the root node at `block`, walking down to the leaf. */
    #walk(block, addr) {
        const pool = this.#pool;
        const k = this.stride;
        const keep = 32 - k;
        const h = this.#halves;
        const shift = this.#nodeShift;
        let offset = this.directBits;
        let at = block;
        for (;;) {
            const v = (addr << offset) >>> keep;
            const up = 31 - (v & 31);
            const x = at + (v >>> 5);
            const bits = pool[x] << up;
            if (bits >= 0) {
                const hop = pool[block + pool[x + 3 * h] + popcount(pool[x + h] << up)];
                return hop >= 0 ? hop : this.#defaultHop;
            }
            at = block + pool[x + 2 * h] + (popcount(bits) << shift);
            offset += k;
        }
    }
    /**
     * Looks up `addrs[0..n)` into `out`, in groups of `BATCH`, in passes that each issue one kind
     * of load for the whole group: the direct entries, then each root's vector word for its slot,
     * then the leaves (mostly in the line just loaded) and, for the few addresses under a deeper
     * node, the rest of the walk. A pass's loads are independent of one another and little work
     * hangs on each, so many cache misses are in flight at once instead of one lookup's chain.
     */
    lookupBatch(addrs, out, n) {
        if (!Number.isInteger(n) || n < 0 || n > addrs.length || n > out.length)
            throw new RangeError(`poptrie lpm lookupBatch: n must be an integer 0-${Math.min(addrs.length, out.length)}, got ${n}`);
        const direct = this.#direct;
        const pool = this.#pool;
        const pool16 = this.#pool16;
        const s = this.directBits;
        const dshift = 32 - s;
        const keep = 32 - this.stride;
        const h = this.#halves;
        const entries = this.#batchEntry;
        const words = this.#batchWord;
        const ones = this.#ones;
        for (let from = 0; from < n; from += BATCH) {
            const m = n - from < BATCH ? n - from : BATCH;
            for (let j = 0; j < m; j++)
                entries[j] = direct[addrs[from + j] >>> dshift];
            for (let j = 0; j < m; j++) {
                const d = entries[j];
                // A leaf entry reads nothing here; its word is never used.
                words[j] = (d & 1) === 0 ? 0 : pool[(d >> 2) + (((addrs[from + j] << s) >>> keep) >>> 5)];
            }
            for (let j = 0; j < m; j++) {
                const d = entries[j];
                const addr = addrs[from + j];
                if ((d & 1) === 0) {
                    out[from + j] = d >= 0 ? d >> 2 : this.#notALeafHop(d, addr);
                    continue;
                }
                if ((d & 2) === 0) {
                    out[from + j] = this.#walk(d >> 2, addr);
                    continue;
                }
                const block = d >> 2;
                const v = (addr << s) >>> keep;
                const bits = words[j] << (31 - (v & 31));
                let leaf = 2 * (block + h) - 1 + ones[bits & 0xffff] + ones[bits >>> 16];
                if (h === 2) {
                    const below = pool[block] & (0 - (v >>> 5));
                    leaf += ones[below & 0xffff] + ones[below >>> 16];
                }
                const hop = pool16[leaf];
                out[from + j] = hop !== NO_ROUTE_16 ? hop : this.#defaultHop;
            }
        }
    }
    get(prefix, len) {
        return this.#control.get(checkPrefix('poptrie lpm get', prefix, len), len);
    }
    insert(prefix, len, nextHop) {
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
        let need = 0;
        for (let c = first; c < first + count; c++) {
            this.#build(c);
            need += this.#builtWords - this.#blockWords[c];
        }
        if (this.#wordsInUse + need > this.maxPoolWords) {
            if (previous < 0)
                this.#control.delete(p, len);
            else
                this.#control.insert(p, len, previous);
            this.overflow++;
            this.poolOverflow++;
            return 'pool-full';
        }
        for (let c = first; c < first + count; c++) {
            // One chunk is still in the scratch arrays from counting.
            if (count > 1)
                this.#build(c);
            this.#place(c);
            this.#fallbacks.delete(c);
        }
        this.#retryFallbacks();
        return res;
    }
    delete(prefix, len) {
        const p = checkPrefix('poptrie lpm delete', prefix, len);
        if (!this.#control.delete(p, len))
            return false;
        if (len === 0) {
            this.#defaultHop = -1;
            return true;
        }
        const [first, count] = this.#chunksOf(p, len);
        for (let c = first; c < first + count; c++)
            this.#rebuildOrFallBack(c);
        this.#retryFallbacks();
        return true;
    }
    entries() {
        return this.#control.entries();
    }
    clear() {
        this.#control.clear();
        this.#direct.fill(NO_ROUTE);
        this.#blockWords.fill(0);
        this.#blockNodes.fill(0);
        this.#blockLeaves.fill(0);
        this.#poolTop = 0;
        this.#wordsInUse = 0;
        this.#nodesInUse = 0;
        this.#leavesInUse = 0;
        this.#defaultHop = -1;
        this.#fallbacks.clear();
    }
    #notALeafHop(d, addr) {
        return d === NO_ROUTE ? this.#defaultHop : this.#control.lookup(addr);
    }
    /** The chunks `p/len` overlaps: [first, count]. */
    #chunksOf(p, len) {
        const s = this.directBits;
        return [p >>> (32 - s), len >= s ? 1 : 2 ** (s - len)];
    }
    #rebuildOrFallBack(c) {
        this.#build(c);
        if (this.#wordsInUse - this.#blockWords[c] + this.#builtWords <= this.maxPoolWords) {
            this.#place(c);
            this.#fallbacks.delete(c);
            return;
        }
        this.#free(c);
        this.#direct[c] = FALL_BACK;
        this.#fallbacks.add(c);
    }
    #retryFallbacks() {
        if (this.#fallbacks.size === 0)
            return;
        for (const c of [...this.#fallbacks])
            this.#rebuildOrFallBack(c);
    }
    /** Forgets chunk `c`'s block; its words are reclaimed by the next compaction. */
    #free(c) {
        this.#wordsInUse -= this.#blockWords[c];
        this.#nodesInUse -= this.#blockNodes[c];
        this.#leavesInUse -= this.#blockLeaves[c];
        this.#blockWords[c] = 0;
        this.#blockNodes[c] = 0;
        this.#blockLeaves[c] = 0;
    }
    /**
     * Builds chunk `c` from the control plane's runs: first its nodes breadth first into the
     * scratch arrays (so each node's children are appended together and node i's index is its
     * place in the order), then laid out as its block in `#block`. Sets `#builtWords` (0 when the
     * chunk is one answer), `#builtEntry`, `#builtNodes` and `#builtLeaves`.
     */
    #build(c) {
        const s = this.directBits;
        const k = this.stride;
        const h = this.#halves;
        const w = this.#nodeWords;
        const starts = this.#runStarts;
        const hops = this.#runHops;
        const runs = this.#control.runs(c << (24 - s), 1 << (24 - s), starts, hops);
        this.#builtWords = 0;
        this.#builtNodes = 0;
        this.#builtLeaves = 0;
        if (runs === 1) {
            this.#builtEntry = hops[0] >= 0 ? hops[0] << 2 : NO_ROUTE;
            return;
        }
        let count = 1;
        let leaves = 0;
        this.#buildLo[0] = c * 2 ** (32 - s);
        this.#buildRun[0] = 0;
        this.#buildOffset[0] = s;
        for (let i = 0; i < count; i++) {
            const lo = this.#buildLo[i];
            const o = this.#buildOffset[i];
            const slotBits = 32 - o - k;
            // Past bit 31 the slot index is padded with zeros: only slots with zero pad bits are real.
            const pad = slotBits < 0 ? -slotBits : 0;
            const size = slotBits >= 0 ? 2 ** slotBits : 1;
            let r = this.#buildRun[i];
            let vec0 = 0;
            let vec1 = 0;
            let leaf0 = 0;
            let leaf1 = 0;
            const childBase = count;
            const leafBase = leaves;
            let previous = 0;
            let anyLeaf = false;
            for (let v = 0; v < 1 << k; v++) {
                if (pad > 0 && (v & ((1 << pad) - 1)) !== 0)
                    continue;
                const slotLo = lo + (slotBits >= 0 ? v * size : v >>> pad);
                while (r + 1 < runs && starts[r + 1] <= slotLo)
                    r++;
                const bit = 1 << (v & 31);
                if (r + 1 < runs && starts[r + 1] < slotLo + size) {
                    if (v < 32)
                        vec0 |= bit;
                    else
                        vec1 |= bit;
                    this.#ensureBuildNodes(count + 1);
                    this.#buildLo[count] = slotLo;
                    this.#buildRun[count] = r;
                    this.#buildOffset[count] = o + k;
                    count++;
                    continue;
                }
                const hop = hops[r];
                if (!anyLeaf || hop !== previous) {
                    if (v < 32)
                        leaf0 |= bit;
                    else
                        leaf1 |= bit;
                    this.#ensureBuildLeaves(leaves + 1);
                    this.#buildLeaves[leaves++] = hop;
                    previous = hop;
                    anyLeaf = true;
                }
            }
            // Indexes for now: first child node, first leaf; `#layout` turns them into offsets.
            const nodes = this.#buildNodes;
            const at = i * w;
            nodes[at] = vec0;
            nodes[at + h] = leaf0;
            nodes[at + 2 * h] = childBase;
            nodes[at + 3 * h] = leafBase;
            if (h === 2) {
                nodes[at + 1] = vec1;
                nodes[at + 3] = leaf1;
            }
        }
        this.#builtNodes = count;
        this.#builtLeaves = leaves;
        this.#layout(count, leaves);
    }
    /**
     * Lays the built nodes and leaves out as a block, offsets relative to its start. A root
     * without children is flat: [leafvec][leaves]. Otherwise: the root, the root's leaves (so a
     * lookup that ends at the root reads one stretch of words), nodes 1.., then their leaves.
     * Bases are stored as (offset of first child - node words) and (offset of first leaf - 1), the
     * high half's plus the low half's population.
     */
    #layout(count, leaves) {
        const h = this.#halves;
        const w = this.#nodeWords;
        const nodes = this.#buildNodes;
        const src = this.#buildLeaves;
        if (count === 1 && this.#narrow(leaves)) {
            const words = h + ((leaves + 1) >>> 1);
            this.#ensureBlock(words);
            const block = this.#block;
            block[0] = nodes[h];
            if (h === 2)
                block[1] = nodes[3];
            block[words - 1] = 0;
            const block16 = this.#block16;
            for (let i = 0; i < leaves; i++)
                block16[2 * h + i] = src[i] >= 0 ? src[i] : NO_ROUTE_16;
            this.#builtWords = words;
            this.#builtEntry = FLAT;
            return;
        }
        const rootLeaves = count === 1 ? leaves : nodes[w + 3 * h];
        const words = w * count + leaves;
        this.#ensureBlock(words);
        const block = this.#block;
        const node1 = w + rootLeaves;
        const deepLeaves = node1 + (count - 1) * w;
        for (let i = 0; i < count; i++) {
            const from = i * w;
            const to = i === 0 ? 0 : node1 + (i - 1) * w;
            const firstChild = nodes[from + 2 * h];
            const firstLeaf = nodes[from + 3 * h];
            const childBase = node1 + (firstChild - 1) * w - w;
            const leafBase = (firstLeaf < rootLeaves ? w + firstLeaf : deepLeaves + firstLeaf - rootLeaves) - 1;
            block[to] = nodes[from];
            block[to + h] = nodes[from + h];
            block[to + 2 * h] = childBase;
            block[to + 3 * h] = leafBase;
            if (h === 2) {
                block[to + 1] = nodes[from + 1];
                block[to + 3] = nodes[from + 3];
                block[to + 5] = childBase + popcount(nodes[from]) * w;
                block[to + 7] = leafBase + popcount(nodes[from + 2]);
            }
        }
        block.set(src.subarray(0, rootLeaves), w);
        block.set(src.subarray(rootLeaves, leaves), deepLeaves);
        this.#builtWords = words;
        this.#builtEntry = TREE;
    }
    #ensureBuildNodes(count) {
        if (count <= this.#buildLo.length)
            return;
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
    #ensureBuildLeaves(count) {
        if (count <= this.#buildLeaves.length)
            return;
        const leaves = new Int32Array(Math.max(count, this.#buildLeaves.length * 2));
        leaves.set(this.#buildLeaves);
        this.#buildLeaves = leaves;
    }
    #ensureBlock(words) {
        if (words <= this.#block.length)
            return;
        this.#block = new Int32Array(Math.max(words, this.#block.length * 2));
        this.#block16 = new Uint16Array(this.#block.buffer);
    }
    /** Whether the `count` leaves just built all fit in 16 bits beside NO_ROUTE_16. */
    #narrow(count) {
        const leaves = this.#buildLeaves;
        for (let i = 0; i < count; i++)
            if (leaves[i] >= NO_ROUTE_16)
                return false;
        return true;
    }
    /**
     * Writes the chunk just built into its block: in place when the old one is large enough, else
     * at the end of the pool (compacting it first when the end is reached). The caller has checked
     * that the pool holds enough in all.
     */
    #place(c) {
        const words = this.#builtWords;
        if (words === 0) {
            this.#free(c);
            this.#direct[c] = this.#builtEntry;
            return;
        }
        let start = this.#blockStart[c];
        const old = this.#blockWords[c];
        // From here the old block is dead: a compaction must not keep it.
        this.#free(c);
        if (words > old) {
            // Holes left by moved blocks spread the lookup over more pages: keep them below a quarter of the live words.
            if (this.#poolTop + words > this.maxPoolWords || 4 * (this.#poolTop + words) > 5 * (this.#wordsInUse + words) + COMPACT_SLACK)
                this.#compact();
            start = this.#poolTop;
            this.#poolTop += words;
        }
        this.#pool.set(this.#block.subarray(0, words), start);
        this.#blockStart[c] = start;
        this.#blockWords[c] = words;
        this.#blockNodes[c] = this.#builtNodes;
        this.#blockLeaves[c] = this.#builtLeaves;
        this.#wordsInUse += words;
        this.#nodesInUse += this.#builtNodes;
        this.#leavesInUse += this.#builtLeaves;
        this.#direct[c] = (start << 2) | this.#builtEntry;
    }
    /** Slides the live blocks down to the start of the pool, in address order. */
    #compact() {
        this.compactions++;
        const chunks = 2 ** this.directBits;
        let n = 0;
        for (let c = 0; c < chunks; c++)
            if (this.#blockWords[c] > 0)
                n++;
        const keys = new Float64Array(n);
        n = 0;
        for (let c = 0; c < chunks; c++)
            if (this.#blockWords[c] > 0)
                keys[n++] = this.#blockStart[c] * chunks + c;
        keys.sort();
        let to = 0;
        for (const key of keys) {
            const c = key % chunks;
            const from = this.#blockStart[c];
            const words = this.#blockWords[c];
            if (from !== to) {
                this.#pool.copyWithin(to, from, from + words);
                this.#blockStart[c] = to;
                this.#direct[c] = (to << 2) | (this.#direct[c] & 3);
            }
            to += words;
        }
        this.#poolTop = to;
    }
}
//# sourceMappingURL=poptrie.js.map