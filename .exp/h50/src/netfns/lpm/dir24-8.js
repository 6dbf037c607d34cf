/**
 * DIR-24-8 longest-prefix match (Gupta, Lin, McKeown, "Routing lookups in hardware at memory
 * access speeds", 1998), the layout DPDK's rte_lpm uses.
 *
 * How: `tbl24` has one entry per /24 (2^24 entries, indexed by the top 24 bits of the address).
 * A prefix of length <= 24 fills the 2^(24-len) entries it covers. A /24 that holds a longer
 * prefix points instead to a 256-entry group in `tbl8`, indexed by the last byte. So a lookup is
 * one read, or two for addresses under a longer prefix, whatever the table size.
 *
 * Entry encoding (one uint32, always below 2^30 so V8 keeps it a small integer):
 *   bits 0-5   depth: the length of the prefix that wrote the entry (1-32), 0 for empty,
 *              63 for a tbl24 entry that points to a tbl8 group
 *   bits 6-29  the next hop, or the tbl8 group index
 * The default route (/0) is not written into the tables: an empty entry means "no prefix of
 * length 1-32 covers this address", and the lookup answers the default next hop (or -1).
 * That keeps a table with a default route from touching all 64 MB of `tbl24`.
 *
 * Shadowing: an insert of length L overwrites only entries of depth <= L, so longer prefixes
 * survive a shorter one written over them. A delete of length L rewrites only entries of depth
 * exactly L (in its range, only that prefix can have written them) with the longest remaining
 * prefix shorter than L that covers it, found in `#rules`, the per-length maps of every prefix
 * held. After deleting a prefix longer than /24, a group whose 256 entries have become one
 * value of depth <= 24 folds back into its tbl24 entry and returns to the free list.
 *
 * Bounds and gauges: `maxPrefixes`, `maxTbl8Groups`; `size` and `tbl8GroupsInUse` are the
 * gauges, `overflow` counts refused inserts (`tbl8Overflow` those refused for lack of a group).
 * Memory: tbl24 is 64 MB of address space, but only the pages that prefixes touch are ever
 * written (a /8 touches 256 KB); tbl8 is 1 KB per group.
 */
import { checkMaxPrefixes, checkNextHop, checkPrefix, compareEntries } from './lpm.js';
const DEPTH_MASK = 63;
const EXTENDED = 63;
const TBL24_SIZE = 1 << 24;
/** Group indexes stay below 2^22 so `group << 8` stays a positive int32. */
export const MAX_TBL8_GROUPS = 1 << 22;
export class Dir248Lpm {
    maxPrefixes;
    maxTbl8Groups;
    #tbl24 = new Uint32Array(TBL24_SIZE);
    #tbl8;
    /** Free group indexes, a stack. */
    #freeGroups;
    #freeTop;
    /** Every prefix held, by length: prefix -> next hop. Index 0 holds the default route. */
    #rules = Array.from({ length: 33 }, () => new Map());
    #size = 0;
    /** Next hop of the default route, or -1. */
    #defaultHop = -1;
    overflow = 0;
    tbl8Overflow = 0;
    constructor(options = {}) {
        const maxPrefixes = options.maxPrefixes ?? 1 << 20;
        const groups = options.maxTbl8Groups ?? 4096;
        checkMaxPrefixes('dir-24-8 lpm', maxPrefixes);
        if (!Number.isInteger(groups) || groups < 1 || groups > MAX_TBL8_GROUPS)
            throw new RangeError(`dir-24-8 lpm: maxTbl8Groups must be an integer 1-${MAX_TBL8_GROUPS}, got ${groups}`);
        this.maxPrefixes = maxPrefixes;
        this.maxTbl8Groups = groups;
        this.#tbl8 = new Uint32Array(groups * 256);
        this.#freeGroups = new Int32Array(groups);
        for (let i = 0; i < groups; i++)
            this.#freeGroups[i] = groups - 1 - i;
        this.#freeTop = groups;
    }
    get size() {
        return this.#size;
    }
    /** Second-level groups in use (a gauge). */
    get tbl8GroupsInUse() {
        return this.maxTbl8Groups - this.#freeTop;
    }
    lookup(addr) {
        let e = this.#tbl24[addr >>> 8];
        if ((e & DEPTH_MASK) === EXTENDED)
            e = this.#tbl8[((e >>> 6) << 8) | (addr & 255)];
        return e === 0 ? this.#defaultHop : e >>> 6;
    }
    get(prefix, len) {
        const p = checkPrefix('dir-24-8 lpm get', prefix, len);
        return this.#rules[len].get(p) ?? -1;
    }
    insert(prefix, len, nextHop) {
        const p = checkPrefix('dir-24-8 lpm insert', prefix, len);
        checkNextHop('dir-24-8 lpm insert', nextHop);
        const rules = this.#rules[len];
        const exists = rules.has(p);
        if (!exists && this.#size >= this.maxPrefixes) {
            this.overflow++;
            return 'table-full';
        }
        if (len === 0) {
            this.#defaultHop = nextHop;
        }
        else if (len <= 24) {
            this.#fill24(p, len, (nextHop << 6) | len, false);
        }
        else {
            const idx = p >>> 8;
            let e = this.#tbl24[idx];
            if ((e & DEPTH_MASK) !== EXTENDED) {
                if (this.#freeTop === 0) {
                    this.overflow++;
                    this.tbl8Overflow++;
                    return 'tbl8-full';
                }
                const g = this.#freeGroups[--this.#freeTop];
                this.#tbl8.fill(e, g << 8, (g << 8) + 256);
                e = (g << 6) | EXTENDED;
                this.#tbl24[idx] = e;
            }
            const start = ((e >>> 6) << 8) + (p & 255);
            const end = start + (1 << (32 - len));
            const value = (nextHop << 6) | len;
            const t8 = this.#tbl8;
            for (let j = start; j < end; j++)
                if ((t8[j] & DEPTH_MASK) <= len)
                    t8[j] = value;
        }
        rules.set(p, nextHop);
        if (exists)
            return 'replaced';
        this.#size++;
        return 'added';
    }
    delete(prefix, len) {
        const p = checkPrefix('dir-24-8 lpm delete', prefix, len);
        const rules = this.#rules[len];
        if (!rules.delete(p))
            return false;
        this.#size--;
        if (len === 0) {
            this.#defaultHop = -1;
            return true;
        }
        const replacement = this.#covering(p, len);
        if (len <= 24) {
            this.#fill24(p, len, replacement, true);
            return true;
        }
        const idx = p >>> 8;
        const g = this.#tbl24[idx] >>> 6;
        const base = g << 8;
        const start = base + (p & 255);
        const end = start + (1 << (32 - len));
        const t8 = this.#tbl8;
        for (let j = start; j < end; j++)
            if ((t8[j] & DEPTH_MASK) === len)
                t8[j] = replacement;
        // Fold the group back when nothing longer than /24 is left in it.
        const first = t8[base];
        if ((first & DEPTH_MASK) > 24)
            return true;
        for (let j = base + 1; j < base + 256; j++)
            if (t8[j] !== first)
                return true;
        this.#tbl24[idx] = first;
        this.#freeGroups[this.#freeTop++] = g;
        return true;
    }
    /**
     * The answers over the addresses of tbl24 entries `first24` to `first24 + count24 - 1`, as runs:
     * `starts[i]` is the first address of run i and `hops[i]` its next hop, -1 where no prefix of
     * length 1-32 covers it (the default route is left out, as in the tables). Adjacent runs always
     * differ in next hop. Returns the number of runs; the arrays need room for `count24 * 256`.
     * This is how a compact structure built from this one (see dxr.ts) reads the control plane.
     */
    runs(first24, count24, starts, hops) {
        if (!Number.isInteger(first24) || !Number.isInteger(count24) || first24 < 0 || count24 < 1 || first24 + count24 > TBL24_SIZE) {
            throw new RangeError(`dir-24-8 lpm runs: tbl24 entries ${first24}+${count24} are outside 0-${TBL24_SIZE - 1}`);
        }
        const t24 = this.#tbl24;
        const t8 = this.#tbl8;
        let n = 0;
        let last = -2;
        for (let i = first24; i < first24 + count24; i++) {
            const e = t24[i];
            if ((e & DEPTH_MASK) !== EXTENDED) {
                const hop = e === 0 ? -1 : e >>> 6;
                if (hop !== last) {
                    starts[n] = i << 8;
                    hops[n++] = hop;
                    last = hop;
                }
                continue;
            }
            const base = (e >>> 6) << 8;
            for (let j = 0; j < 256; j++) {
                const x = t8[base + j];
                const hop = x === 0 ? -1 : x >>> 6;
                if (hop !== last) {
                    starts[n] = ((i << 8) | j) >>> 0;
                    hops[n++] = hop;
                    last = hop;
                }
            }
        }
        return n;
    }
    entries() {
        const out = [];
        this.#rules.forEach((m, len) => {
            for (const [prefix, nextHop] of m)
                out.push({ prefix, len, nextHop });
        });
        return out.sort(compareEntries);
    }
    clear() {
        this.#tbl24.fill(0);
        this.#tbl8.fill(0);
        for (const m of this.#rules)
            m.clear();
        for (let i = 0; i < this.maxTbl8Groups; i++)
            this.#freeGroups[i] = this.maxTbl8Groups - 1 - i;
        this.#freeTop = this.maxTbl8Groups;
        this.#size = 0;
        this.#defaultHop = -1;
    }
    /**
     * Writes `value` over the entries in the range of `p/len` (len <= 24), second-level groups
     * included: over those of depth <= `len` when inserting (`exact` false), over those of depth
     * exactly `len` when deleting (`exact` true: in that range only this prefix wrote them).
     */
    #fill24(p, len, value, exact) {
        const t24 = this.#tbl24;
        const t8 = this.#tbl8;
        const start = p >>> 8;
        const end = start + (1 << (24 - len));
        for (let i = start; i < end; i++) {
            const e = t24[i];
            const depth = e & DEPTH_MASK;
            if (depth === EXTENDED) {
                const base = (e >>> 6) << 8;
                for (let j = base; j < base + 256; j++) {
                    const d = t8[j] & DEPTH_MASK;
                    if (exact ? d === len : d <= len)
                        t8[j] = value;
                }
            }
            else if (exact ? depth === len : depth <= len) {
                t24[i] = value;
            }
        }
    }
    /** The entry value of the longest prefix shorter than `len` (and not /0) that covers `p`, or 0. */
    #covering(p, len) {
        for (let l = len - 1; l >= 1; l--) {
            const masked = (p & ((0xffff_ffff << (32 - l)) >>> 0)) >>> 0;
            const nh = this.#rules[l].get(masked);
            if (nh !== undefined)
                return (nh << 6) | l;
        }
        return 0;
    }
}
//# sourceMappingURL=dir24-8.js.map