/**
 * DXR longest-prefix match (Zec, Rizzo, Mikuc, "DXR: towards a billion routing lookups per
 * second in software", 2012): a compact lookup structure, rebuilt chunk by chunk from a DIR-24-8
 * table that serves as its control plane.
 *
 * Why: DIR-24-8 answers in one or two loads, but its 64 MB tbl24 spans 16k 4 KB pages, so with
 * many prefixes a random lookup costs a cache miss and a TLB miss. DXR keeps the same answers in
 * 8.7 MiB for the benchmark's 800k prefixes (2 MiB direct table, 4 bytes per range, 1 MiB of
 * next-hop indexes), small enough for the last-level cache when it is not shared with others.
 *
 * How: the address space is cut into 2^K chunks by the top K bits (`directBits`, default 18).
 * Within a chunk, the answer is a step function of the low 32-K bits: a sorted list of ranges,
 * each the first offset where a next hop starts. `direct` holds two int32 per chunk:
 *   [next hop, 0]         the whole chunk has one answer (a leaf: one load, no range, no index);
 *   [-1, 0]               no prefix of length 1-32 covers the chunk: the default route answers;
 *   [-2, 0]               fall back to the control plane (see Updates);
 *   [base, count >= 2]    the chunk's ranges are `ranges[base .. base+count)`.
 * A range is one uint32, `offset << K | hop index`: a lookup is one direct load, a binary search
 * over a few entries sharing one or two cache lines (steps chosen by a mask, not a branch), and
 * one load in `hopOf`.
 *
 * Next-hop indexes: a range has K bits for its next hop, fewer than the 24 `LpmTable` promises,
 * so ranges name next hops by index, as real FIBs use adjacency indexes: `hopOf[i]` is the next
 * hop of index i, reference-counted by the prefixes using it, at most `maxNextHops`. Index 0
 * means "no prefix of length 1-32": `hopOf[0]` is the default route's next hop or -1, so the
 * default route changes without touching a chunk.
 *
 * Updates: the DIR-24-8 table takes the insert or delete, then every chunk the prefix overlaps
 * (one for /K and longer, 2^(K-len) for shorter) is rebuilt from its `runs()`. The new ranges
 * are counted first; an insert whose ranges would not fit is refused before anything is written
 * and the control plane is put back, so a refused insert leaves the table as it was. A delete can
 * add ranges too (deleting a /16 under which a /24 has the same next hop splits a leaf into
 * three) but must apply, so a chunk it leaves without room falls back: its direct entry sends the
 * lookup to the control plane (exact, slower) until a later update makes room for it. Slices of
 * the range table are allocated exactly: a chunk whose ranges no longer fit its slice moves to
 * the end, and when the end is reached the live slices are slid down in address order
 * (compaction, linear in the ranges held).
 *
 * Invariants: every chunk's ranges start at offset 0 and adjacent ranges differ in hop index;
 * `rangesInUse` is the sum of the counts of non-leaf chunks; a chunk answers exactly as the
 * control plane does, from its leaf, its ranges or by falling back; slice starts are recorded in
 * `#sliceOwner` (the chunk, or -(length+1) for a freed slice) so compaction can walk them.
 *
 * Bounds: `maxPrefixes` and `maxTbl8Groups` (the control plane's), `maxRanges`, `maxNextHops`
 * (below 2^K); gauges `size`, `rangesInUse`, `nextHopsInUse`, `fallbackChunks`, `lookupBytes`;
 * `overflow` counts every refused insert, `rangesOverflow` and `nextHopOverflow` those refused
 * for their own reason. Memory: the lookup arrays above, plus `#sliceOwner` (4 bytes per range
 * slot) and the control plane (tbl24's pages that prefixes touch, 1 KB per tbl8 group).
 *
 * Costs measured (bench/suites/lpm.ts, a shared two-core machine): a scalar lookup is a chain of
 * dependent loads (direct entry, range probes, next-hop index) whose search loop ends on a
 * data-dependent branch, so successive lookups overlap little, and while other processes share
 * the cache the 8.7 MiB does not stay in it; DIR-24-8's one independent load per lookup
 * overlaps better there. `lookupBatch` issues each level's loads for 64 addresses together.
 */
import { Dir248Lpm } from './dir24-8.js';
import { checkMaxPrefixes, checkNextHop, checkPrefix } from './lpm.js';
const MIN_DIRECT_BITS = 16;
/** Leaf values below 0: no prefix of length 1-32 (the default route's answer), and "ask the control plane". */
const NO_ROUTE = -1;
const FALL_BACK = -2;
/** Lookups per group in `lookupBatch`: enough misses in flight to fill the load queues. */
const BATCH = 64;
const MAX_DIRECT_BITS = 20;
export class DxrLpm {
    maxPrefixes;
    maxRanges;
    maxNextHops;
    directBits;
    #shift;
    #offsetMask;
    #hopMask;
    #control;
    /** Two words per chunk: [next hop or NO_ROUTE or FALL_BACK, 0], or [range base, range count]. */
    #direct;
    #ranges;
    /** Length of each chunk's slice (its count may be smaller after an in-place rebuild). */
    #sliceLength;
    /** At each slice start: the owning chunk, or -(length + 1) for a freed slice. */
    #sliceOwner;
    #rangeEnd = 0;
    #rangesInUse = 0;
    /** Next hop of each index; index 0 is the default route's next hop, or -1. */
    #hopOf;
    #hopRefs;
    #hopIndex = new Map();
    #freeHops;
    #freeHopTop;
    /** Scratch for rebuilding one chunk, and the new range counts of a multi-chunk rebuild. */
    #runStarts;
    #runHops;
    #newCounts;
    /** Direct entries of the group `lookupBatch` is working on. */
    #batchBase = new Int32Array(BATCH);
    #batchCount = new Int32Array(BATCH);
    #touched = 0;
    /** Chunks whose leaf is FALL_BACK. */
    #fallbacks = new Set();
    overflow = 0;
    rangesOverflow = 0;
    nextHopOverflow = 0;
    /** Times the range table was compacted. */
    compactions = 0;
    constructor(options = {}) {
        const maxPrefixes = options.maxPrefixes ?? 1 << 20;
        const bits = options.directBits ?? 18;
        const maxRanges = options.maxRanges ?? 1 << 22;
        const maxNextHops = options.maxNextHops ?? 2 ** bits - 1;
        checkMaxPrefixes('dxr lpm', maxPrefixes);
        if (!Number.isInteger(bits) || bits < MIN_DIRECT_BITS || bits > MAX_DIRECT_BITS)
            throw new RangeError(`dxr lpm: directBits must be an integer ${MIN_DIRECT_BITS}-${MAX_DIRECT_BITS}, got ${bits}`);
        if (!Number.isInteger(maxRanges) || maxRanges < 1 || maxRanges > 2 ** 31)
            throw new RangeError(`dxr lpm: maxRanges must be an integer 1-${2 ** 31}, got ${maxRanges}`);
        if (!Number.isInteger(maxNextHops) || maxNextHops < 1 || maxNextHops > 2 ** bits - 1)
            throw new RangeError(`dxr lpm: maxNextHops must be an integer 1-${2 ** bits - 1} (directBits ${bits}), got ${maxNextHops}`);
        this.maxPrefixes = maxPrefixes;
        this.maxRanges = maxRanges;
        this.maxNextHops = maxNextHops;
        this.directBits = bits;
        this.#shift = 32 - bits;
        this.#offsetMask = 2 ** (32 - bits) - 1;
        this.#hopMask = 2 ** bits - 1;
        this.#control = new Dir248Lpm({ maxPrefixes, maxTbl8Groups: options.maxTbl8Groups ?? 16384 });
        this.#direct = new Int32Array(2 << bits);
        for (let c = 0; c < this.#direct.length; c += 2)
            this.#direct[c] = NO_ROUTE;
        this.#ranges = new Uint32Array(maxRanges);
        this.#sliceLength = new Uint32Array(1 << bits);
        this.#sliceOwner = new Int32Array(maxRanges);
        this.#hopOf = new Int32Array(maxNextHops + 1);
        this.#hopOf[0] = -1;
        this.#hopRefs = new Uint32Array(maxNextHops + 1);
        this.#freeHops = new Int32Array(maxNextHops);
        this.#freeHopTop = 0;
        this.#resetHops();
        this.#runStarts = new Uint32Array(2 ** (32 - bits));
        this.#runHops = new Int32Array(2 ** (32 - bits));
        this.#newCounts = new Uint32Array(1 << bits);
    }
    get size() {
        return this.#control.size;
    }
    /** Range entries held by non-leaf chunks (a gauge; the table's lookup footprint is 4 bytes each). */
    get rangesInUse() {
        return this.#rangesInUse;
    }
    /** Chunks answered by the control plane because a delete left them no room (a gauge). */
    get fallbackChunks() {
        return this.#fallbacks.size;
    }
    /** Distinct next hops in use (a gauge). */
    get nextHopsInUse() {
        return this.#hopIndex.size;
    }
    /** Bytes the lookup reads from: the direct table, the ranges in use and the next-hop table. */
    get lookupBytes() {
        return this.#direct.byteLength + 4 * this.#rangesInUse + this.#hopOf.byteLength;
    }
    lookup(addr) {
        const direct = this.#direct;
        const c = (addr >>> this.#shift) << 1;
        let i = direct[c];
        let n = direct[c + 1];
        if (n === 0)
            return i >= 0 ? i : this.#notALeafHop(i, addr);
        const ranges = this.#ranges;
        const off = addr & this.#offsetMask;
        const bits = this.directBits;
        // Keep the last range starting at or before `off`: (off - start) >> 31 is 0 when it does.
        while (n > 1) {
            const half = n >>> 1;
            i += half & ~((off - ((ranges[i + half] >>> bits) | 0)) >> 31);
            n -= half;
        }
        return this.#hopOf[ranges[i] & this.#hopMask];
    }
    /**
     * Looks up `addrs[0..n)` into `out`, in groups of `BATCH` and in three passes per group: the
     * direct entries, then one load in each chunk's ranges (the middle one, where the search
     * starts), then the searches. A single lookup is a chain of dependent loads, and the search's
     * branches end the processor's run-ahead, so one lookup's cache misses wait for the last
     * one's; in the first two passes every load is independent and the misses overlap.
     */
    lookupBatch(addrs, out, n) {
        if (n > addrs.length || n > out.length)
            throw new RangeError(`dxr lpm lookupBatch: n ${n} is past the addresses (${addrs.length}) or the output (${out.length})`);
        const direct = this.#direct;
        const ranges = this.#ranges;
        const hopOf = this.#hopOf;
        const base = this.#batchBase;
        const count = this.#batchCount;
        const shift = this.#shift;
        const offMask = this.#offsetMask;
        const hopMask = this.#hopMask;
        const bits = this.directBits;
        let touched = 0;
        for (let from = 0; from < n; from += BATCH) {
            const m = Math.min(BATCH, n - from);
            for (let k = 0; k < m; k++) {
                const c = (addrs[from + k] >>> shift) << 1;
                base[k] = direct[c];
                count[k] = direct[c + 1];
            }
            // A leaf (count 0) touches range 0 instead: the mask is 0 for it, all ones otherwise.
            for (let k = 0; k < m; k++)
                touched += ranges[(base[k] + (count[k] >>> 1)) & (-count[k] >> 31)];
            for (let k = 0; k < m; k++) {
                let i = base[k];
                let left = count[k];
                if (left === 0) {
                    out[from + k] = i >= 0 ? i : this.#notALeafHop(i, addrs[from + k]);
                    continue;
                }
                const off = addrs[from + k] & offMask;
                while (left > 1) {
                    const half = left >>> 1;
                    i += half & ~((off - ((ranges[i + half] >>> bits) | 0)) >> 31);
                    left -= half;
                }
                out[from + k] = hopOf[ranges[i] & hopMask];
            }
        }
        // Kept so the touching loads are not dropped as unused.
        this.#touched = touched;
    }
    /** The answer for a leaf without a next hop, kept out of line so the lookup stays small. */
    #notALeafHop(leaf, addr) {
        return leaf === NO_ROUTE ? this.#hopOf[0] : this.#control.lookup(addr);
    }
    get(prefix, len) {
        return this.#control.get(checkPrefix('dxr lpm get', prefix, len), len);
    }
    insert(prefix, len, nextHop) {
        const p = checkPrefix('dxr lpm insert', prefix, len);
        checkNextHop('dxr lpm insert', nextHop);
        const old = this.#control.get(p, len);
        if (old === nextHop)
            return 'replaced';
        if (len === 0) {
            const res = this.#control.insert(p, 0, nextHop);
            if (res !== 'added' && res !== 'replaced')
                return this.#refuse(res);
            this.#hopOf[0] = nextHop;
            return res;
        }
        if (old < 0 && this.#control.size >= this.maxPrefixes)
            return this.#refuse('table-full');
        const index = this.#acquireHop(nextHop);
        if (index < 0) {
            this.nextHopOverflow++;
            return this.#refuse('next-hops-full');
        }
        const res = this.#control.insert(p, len, nextHop);
        if (res !== 'added' && res !== 'replaced') {
            this.#releaseHop(nextHop);
            return this.#refuse(res);
        }
        if (!this.#rebuild(p, len, false)) {
            if (res === 'added')
                this.#control.delete(p, len);
            else
                this.#control.insert(p, len, old);
            this.#releaseHop(nextHop);
            this.rangesOverflow++;
            return this.#refuse('ranges-full');
        }
        if (old >= 0)
            this.#releaseHop(old);
        return res;
    }
    delete(prefix, len) {
        const p = checkPrefix('dxr lpm delete', prefix, len);
        const old = this.#control.get(p, len);
        if (old < 0)
            return false;
        this.#control.delete(p, len);
        if (len === 0) {
            this.#hopOf[0] = -1;
            return true;
        }
        this.#rebuild(p, len, true);
        this.#releaseHop(old);
        return true;
    }
    entries() {
        return this.#control.entries();
    }
    clear() {
        this.#control.clear();
        this.#direct.fill(0);
        for (let c = 0; c < this.#direct.length; c += 2)
            this.#direct[c] = NO_ROUTE;
        this.#sliceLength.fill(0);
        this.#rangeEnd = 0;
        this.#rangesInUse = 0;
        this.#hopIndex.clear();
        this.#hopRefs.fill(0);
        this.#hopOf.fill(0);
        this.#hopOf[0] = -1;
        this.#fallbacks.clear();
        this.#resetHops();
    }
    #refuse(res) {
        this.overflow++;
        return res;
    }
    #resetHops() {
        const max = this.maxNextHops;
        for (let i = 0; i < max; i++)
            this.#freeHops[i] = max - i;
        this.#freeHopTop = max;
    }
    /** Takes a reference on the index of `nextHop`, giving it one if it has none; -1 when none is free. */
    #acquireHop(nextHop) {
        let index = this.#hopIndex.get(nextHop);
        if (index === undefined) {
            if (this.#freeHopTop === 0)
                return -1;
            index = this.#freeHops[--this.#freeHopTop];
            this.#hopIndex.set(nextHop, index);
            this.#hopOf[index] = nextHop;
        }
        this.#hopRefs[index]++;
        return index;
    }
    /** Drops a reference; called only once no range can point at the index if it was the last. */
    #releaseHop(nextHop) {
        const index = this.#hopIndex.get(nextHop);
        if (--this.#hopRefs[index] > 0)
            return;
        this.#hopIndex.delete(nextHop);
        this.#freeHops[this.#freeHopTop++] = index;
    }
    /**
     * Rebuilds the chunks `p/len` overlaps from the control plane. The new range counts come
     * first; when their total would not fit, an insert (`mustApply` false) gets false with nothing
     * written. A delete must apply: chunks that do not fit fall back to the control plane.
     * Chunks that shrink or keep their size are written first (in place), then those that grow,
     * so the ranges held never pass the final total on the way.
     */
    #rebuild(p, len, mustApply) {
        const first = p >>> this.#shift;
        if (len >= this.directBits) {
            const n = this.#chunkRuns(first);
            if (this.#rangesInUse - this.#direct[2 * first + 1] + (n === 1 ? 0 : n) <= this.maxRanges)
                this.#write(first, n);
            else if (mustApply)
                this.#fallBack(first);
            else
                return false;
            this.#retryFallbacks();
            return true;
        }
        const chunks = 1 << (this.directBits - len);
        const counts = this.#newCounts;
        let total = this.#rangesInUse;
        for (let k = 0; k < chunks; k++) {
            const n = this.#chunkRuns(first + k);
            counts[k] = n === 1 ? 0 : n;
            total += counts[k] - this.#direct[2 * (first + k) + 1];
        }
        if (total > this.maxRanges && !mustApply)
            return false;
        for (let k = 0; k < chunks; k++) {
            const c = first + k;
            if (counts[k] <= this.#sliceLength[c])
                this.#write(c, this.#chunkRuns(c));
        }
        for (let k = 0; k < chunks; k++) {
            const c = first + k;
            if (counts[k] <= this.#sliceLength[c])
                continue;
            if (this.#rangesInUse - this.#direct[2 * c + 1] + counts[k] <= this.maxRanges)
                this.#write(c, this.#chunkRuns(c));
            else
                this.#fallBack(c);
        }
        this.#retryFallbacks();
        return true;
    }
    /** Points chunk `c` at the control plane: a delete left it more ranges than there is room for. */
    #fallBack(c) {
        const direct = this.#direct;
        if (this.#sliceLength[c] !== 0)
            this.#freeSlice(c, direct[2 * c]);
        this.#rangesInUse -= direct[2 * c + 1];
        direct[2 * c] = FALL_BACK;
        direct[2 * c + 1] = 0;
        this.#fallbacks.add(c);
    }
    /** Rebuilds the chunks on the control plane that fit again. */
    #retryFallbacks() {
        if (this.#fallbacks.size === 0)
            return;
        for (const c of this.#fallbacks) {
            const n = this.#chunkRuns(c);
            if (this.#rangesInUse + (n === 1 ? 0 : n) > this.maxRanges)
                continue;
            this.#fallbacks.delete(c);
            this.#write(c, n);
        }
    }
    /** Reads chunk `c`'s runs from the control plane into the scratch arrays; returns how many. */
    #chunkRuns(c) {
        const per24 = 1 << (24 - this.directBits);
        return this.#control.runs(c * per24, per24, this.#runStarts, this.#runHops);
    }
    /** Writes chunk `c` from the `n` runs in the scratch arrays (room already checked). */
    #write(c, n) {
        const direct = this.#direct;
        const oldCount = direct[2 * c + 1];
        const oldBase = direct[2 * c];
        const slice = this.#sliceLength[c];
        if (this.#fallbacks.size !== 0)
            this.#fallbacks.delete(c);
        if (n === 1) {
            if (slice !== 0)
                this.#freeSlice(c, oldBase);
            this.#rangesInUse -= oldCount;
            const hop = this.#runHops[0];
            direct[2 * c] = hop < 0 ? NO_ROUTE : hop;
            direct[2 * c + 1] = 0;
            return;
        }
        let base = oldBase;
        if (n > slice) {
            if (slice !== 0)
                this.#freeSlice(c, oldBase);
            // The old count stays counted until the new slice is written; take it out for compaction.
            this.#rangesInUse -= oldCount;
            direct[2 * c + 1] = 0;
            if (this.#rangeEnd + n > this.maxRanges)
                this.#compact();
            base = this.#rangeEnd;
            this.#rangeEnd += n;
            this.#sliceLength[c] = n;
            this.#sliceOwner[base] = c;
            this.#rangesInUse += n;
        }
        else {
            this.#rangesInUse += n - oldCount;
        }
        const ranges = this.#ranges;
        const starts = this.#runStarts;
        const mask = this.#offsetMask;
        const bits = this.directBits;
        for (let i = 0; i < n; i++)
            ranges[base + i] = (((starts[i] & mask) << bits) | this.#runIndex(i)) >>> 0;
        direct[2 * c] = base;
        direct[2 * c + 1] = n;
    }
    #runIndex(i) {
        const hop = this.#runHops[i];
        return hop < 0 ? 0 : this.#hopIndex.get(hop);
    }
    #freeSlice(c, base) {
        this.#sliceOwner[base] = -(this.#sliceLength[c] + 1);
        this.#sliceLength[c] = 0;
    }
    /** Slides every live slice down over the freed ones, in address order. */
    #compact() {
        const owner = this.#sliceOwner;
        const direct = this.#direct;
        const ranges = this.#ranges;
        let write = 0;
        let pos = 0;
        while (pos < this.#rangeEnd) {
            const o = owner[pos];
            if (o < 0) {
                pos += -o - 1;
                continue;
            }
            const length = this.#sliceLength[o];
            const count = direct[2 * o + 1];
            if (write !== pos)
                ranges.copyWithin(write, pos, pos + count);
            direct[2 * o] = write;
            this.#sliceLength[o] = count;
            owner[write] = o;
            write += count;
            pos += length;
        }
        this.#rangeEnd = write;
        this.compactions++;
    }
}
//# sourceMappingURL=dxr.js.map