/**
 * MAC tables: the forwarding database of a learning bridge, (MAC, VLAN) -> (port, last seen, static).
 *
 * `HashMacTable` is the one the data path uses. Design:
 * - Open addressing with linear probing over one typed-array block of 32-byte buckets (no
 *   per-entry objects, no allocation per lookup or learn; a probe touches one cache line). The bucket count is a power of two at least twice the entry
 *   capacity, so the load factor never exceeds 1/2 and probe sequences stay short.
 * - A key is two int32 words: the low 32 bits of the MAC, and `OCCUPIED | hi16 << 12 | vlan`.
 *   A bucket is empty when its high word is 0, so the occupied bit doubles as the state.
 * - Deletion is backward-shift (Knuth's algorithm R): later members of the probe cluster that may
 *   live in the hole are moved into it, so there are no tombstones and lookups never slow down
 *   with churn. Bulk deletions (age, flush) scan buckets in order and re-examine a bucket after
 *   deleting from it, because the shift may have moved an unvisited entry into it.
 * - Capacity is fixed at construction. When it is full, learning a new key is refused and counted
 *   in `overflows`; existing entries keep being refreshed.
 *
 * `LinearMacTable` is the reference: an array scanned on every operation, obviously correct,
 * used by the conformance suite and the differential test to check the hashed one.
 */
/** Codes returned by `HashMacTable.learnWords`, indices into LEARN_RESULTS. */
export const LEARN_NEW = 0;
export const LEARN_MOVED = 1;
export const LEARN_REFRESHED = 2;
export const LEARN_FULL = 3;
export const LEARN_STATIC = 4;
const LEARN_RESULTS = ['new', 'moved', 'refreshed', 'full', 'static'];
const TWO_POW_32 = 4294967296;
const OCCUPIED = 1 << 28;
const BUCKET_BYTES = 32;
function checkCapacity(capacity) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
        throw new RangeError(`mac table: capacity must be an integer from 1 to ${1 << 24}, got ${capacity}`);
    }
}
function checkKey(mac, vlan, port) {
    if (!Number.isInteger(mac) || mac < 0 || mac >= 2 ** 48)
        throw new RangeError(`mac table: not a 48-bit MAC address: ${mac}`);
    if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4095)
        throw new RangeError(`mac table: VLAN id must be 0..4095, got ${vlan}`);
    if (!Number.isInteger(port) || port < 0)
        throw new RangeError(`mac table: port must be a non-negative integer, got ${port}`);
}
export class HashMacTable {
    /**
     * The time of the packets being processed, for the word methods called without one: a data
     * path sets it and leaves `now` out, because a float passed into a call that is not inlined
     * is boxed as a heap number on every packet.
     */
    clock = 0;
    capacity;
    #mask;
    /** 32 - log2(buckets): the home bucket is the top bits of the hash. */
    #shift;
    /**
     * Buckets of 32 bytes, one cache line holds two: int32 words [hi key, lo key, port, static]
     * then the last-seen time as a float64 at word 4 (the same memory seen through `#times`).
     * One bucket per cache line half means a probe touches one line, not one per field.
     */
    #words;
    #times;
    #size = 0;
    #overflows = 0;
    constructor(capacity) {
        checkCapacity(capacity);
        this.capacity = capacity;
        let buckets = 2;
        while (buckets < capacity * 2)
            buckets *= 2;
        this.#mask = buckets - 1;
        this.#shift = 32 - Math.log2(buckets);
        const memory = new ArrayBuffer(buckets * BUCKET_BYTES);
        this.#words = new Int32Array(memory);
        this.#times = new Float64Array(memory);
    }
    get size() {
        return this.#size;
    }
    get overflows() {
        return this.#overflows;
    }
    /** Number of buckets (a power of two, at least twice the capacity). */
    get buckets() {
        return this.#mask + 1;
    }
    /**
     * Multiplicative (Fibonacci) hashing: mix the two key words with one multiply each and take the
     * top bits, which spreads sequential addresses evenly and costs two multiplies on the data path.
     */
    #home(lo, hi) {
        return Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> this.#shift;
    }
    /** The bucket holding the key, or `~b` where `b` is the empty bucket that ends its probe. */
    #find(lo, hi) {
        const words = this.#words;
        const mask = this.#mask;
        let i = this.#home(lo, hi);
        for (;;) {
            const w = i << 3;
            const k = words[w];
            if (k === 0)
                return ~i;
            if (k === hi && words[w + 1] === lo)
                return i;
            i = (i + 1) & mask;
        }
    }
    lookup(mac, vlan) {
        const lo = mac >>> 0;
        return this.lookupWords((mac - lo) / TWO_POW_32, lo, vlan);
    }
    /**
     * `lookup` for the data path, with the address as its two words (as read from a frame:
     * the first 16 bits and the last 32 bits), so no 48-bit arithmetic happens per packet.
     */
    lookupWords(hi16, lo32, vlan) {
        const i = this.#find(lo32 | 0, OCCUPIED | (hi16 << 12) | (vlan & 0xfff));
        return i >= 0 ? this.#words[(i << 3) + 2] : -1;
    }
    learn(mac, vlan, port, now) {
        const lo = mac >>> 0;
        return LEARN_RESULTS[this.learnWords((mac - lo) / TWO_POW_32, lo, vlan, port, now)];
    }
    /**
     * `learn` for the data path, with the address as two words; returns a LEARN_* code instead of
     * a string so the caller branches on small integers.
     */
    learnWords(hi16, lo32, vlan, port, now = this.clock) {
        const lo = lo32 | 0;
        const hi = OCCUPIED | (hi16 << 12) | (vlan & 0xfff);
        const i = this.#find(lo, hi);
        const words = this.#words;
        if (i >= 0) {
            const w = i << 3;
            if (words[w + 3] !== 0)
                return LEARN_STATIC;
            this.#times[(i << 2) + 2] = now;
            if (words[w + 2] === port)
                return LEARN_REFRESHED;
            words[w + 2] = port;
            return LEARN_MOVED;
        }
        if (this.#size >= this.capacity) {
            this.#overflows++;
            return LEARN_FULL;
        }
        const b = ~i;
        const w = b << 3;
        words[w] = hi;
        words[w + 1] = lo;
        words[w + 2] = port;
        words[w + 3] = 0;
        this.#times[(b << 2) + 2] = now;
        this.#size++;
        return LEARN_NEW;
    }
    /**
     * The bridge's common case in one call: when (src, vlan) is a dynamic entry already on `port`,
     * refreshes its last-seen time and returns the port of (dst, vlan), or -1 when dst is unknown.
     * When the source is unknown, static or on another port it changes nothing and returns -1, so
     * the caller can always fall back to `learnWords` + `lookupWords` and get the same result.
     * Addresses come as words (hi16, lo32), as read from a frame.
     */
    refreshAndLookup(srcHi16, srcLo32, dstHi16, dstLo32, vlan, port, now = this.clock) {
        const v = vlan & 0xfff;
        const s = this.#find(srcLo32 | 0, OCCUPIED | (srcHi16 << 12) | v);
        if (s < 0)
            return -1;
        const words = this.#words;
        const w = s << 3;
        if (words[w + 2] !== port || words[w + 3] !== 0)
            return -1;
        // Skip the store when the time has not moved, so a burst from one source does not keep dirtying the line.
        const t = (s << 2) + 2;
        if (this.#times[t] !== now)
            this.#times[t] = now;
        const d = this.#find(dstLo32 | 0, OCCUPIED | (dstHi16 << 12) | v);
        return d >= 0 ? words[(d << 3) + 2] : -1;
    }
    addStatic(mac, vlan, port, now = 0) {
        checkKey(mac, vlan, port);
        const lo = mac | 0;
        const hi = OCCUPIED | (((mac - (mac >>> 0)) / TWO_POW_32) << 12) | vlan;
        let i = this.#find(lo, hi);
        const words = this.#words;
        if (i < 0) {
            if (this.#size >= this.capacity)
                throw new RangeError(`mac table: full (${this.capacity} entries), cannot add a static entry`);
            i = ~i;
            words[i << 3] = hi;
            words[(i << 3) + 1] = lo;
            this.#size++;
        }
        words[(i << 3) + 2] = port;
        words[(i << 3) + 3] = 1;
        this.#times[(i << 2) + 2] = now;
    }
    remove(mac, vlan) {
        const lo = mac | 0;
        const hi = OCCUPIED | (((mac - (mac >>> 0)) / TWO_POW_32) << 12) | (vlan & 0xfff);
        const i = this.#find(lo, hi);
        if (i < 0)
            return false;
        this.#deleteAt(i);
        return true;
    }
    flush(port = -1, vlan = -1, includeStatic = false) {
        let removed = 0;
        const words = this.#words;
        for (let i = 0; i <= this.#mask;) {
            const w = i << 3;
            const k = words[w];
            if (k !== 0 && (port < 0 || words[w + 2] === port) && (vlan < 0 || (k & 0xfff) === vlan) && (includeStatic || words[w + 3] === 0)) {
                this.#deleteAt(i);
                removed++;
            }
            else {
                i++;
            }
        }
        return removed;
    }
    age(now, ageingTimeNs) {
        let removed = 0;
        const words = this.#words;
        const times = this.#times;
        for (let i = 0; i <= this.#mask;) {
            const w = i << 3;
            if (words[w] !== 0 && words[w + 3] === 0 && now - times[(i << 2) + 2] >= ageingTimeNs) {
                this.#deleteAt(i);
                removed++;
            }
            else {
                i++;
            }
        }
        return removed;
    }
    entries() {
        const out = [];
        const words = this.#words;
        for (let i = 0; i <= this.#mask; i++) {
            const w = i << 3;
            const k = words[w];
            if (k === 0)
                continue;
            out.push({
                mac: ((k >>> 12) & 0xffff) * TWO_POW_32 + (words[w + 1] >>> 0),
                vlan: k & 0xfff,
                port: words[w + 2],
                lastSeen: this.#times[(i << 2) + 2],
                isStatic: words[w + 3] !== 0,
            });
        }
        return out;
    }
    /** Empties bucket `i` and shifts later members of its cluster back so every probe still finds them. */
    #deleteAt(i) {
        const words = this.#words;
        const times = this.#times;
        const mask = this.#mask;
        let hole = i;
        let j = i;
        for (;;) {
            j = (j + 1) & mask;
            const k = words[j << 3];
            if (k === 0)
                break;
            const home = this.#home(words[(j << 3) + 1], k);
            // The entry at j may move into the hole only if its home is not cyclically in (hole, j].
            const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays)
                continue;
            words.copyWithin(hole << 3, j << 3, (j << 3) + 4);
            times[(hole << 2) + 2] = times[(j << 2) + 2];
            hole = j;
        }
        words[hole << 3] = 0;
        words[(hole << 3) + 1] = 0;
        this.#size--;
    }
}
/** The reference implementation: a plain array, scanned linearly. */
export class LinearMacTable {
    capacity;
    #entries = [];
    #overflows = 0;
    constructor(capacity) {
        checkCapacity(capacity);
        this.capacity = capacity;
    }
    get size() {
        return this.#entries.length;
    }
    get overflows() {
        return this.#overflows;
    }
    #get(mac, vlan) {
        return this.#entries.find((e) => e.mac === mac && e.vlan === vlan);
    }
    lookup(mac, vlan) {
        return this.#get(mac, vlan)?.port ?? -1;
    }
    learn(mac, vlan, port, now) {
        const e = this.#get(mac, vlan);
        if (e !== undefined) {
            if (e.isStatic)
                return 'static';
            e.lastSeen = now;
            if (e.port === port)
                return 'refreshed';
            e.port = port;
            return 'moved';
        }
        if (this.#entries.length >= this.capacity) {
            this.#overflows++;
            return 'full';
        }
        this.#entries.push({ mac, vlan, port, lastSeen: now, isStatic: false });
        return 'new';
    }
    addStatic(mac, vlan, port, now = 0) {
        checkKey(mac, vlan, port);
        const e = this.#get(mac, vlan);
        if (e !== undefined) {
            e.port = port;
            e.lastSeen = now;
            e.isStatic = true;
            return;
        }
        if (this.#entries.length >= this.capacity)
            throw new RangeError(`mac table: full (${this.capacity} entries), cannot add a static entry`);
        this.#entries.push({ mac, vlan, port, lastSeen: now, isStatic: true });
    }
    remove(mac, vlan) {
        const before = this.#entries.length;
        this.#entries = this.#entries.filter((e) => !(e.mac === mac && e.vlan === vlan));
        return this.#entries.length !== before;
    }
    flush(port = -1, vlan = -1, includeStatic = false) {
        const before = this.#entries.length;
        this.#entries = this.#entries.filter((e) => !((port < 0 || e.port === port) && (vlan < 0 || e.vlan === vlan) && (includeStatic || !e.isStatic)));
        return before - this.#entries.length;
    }
    age(now, ageingTimeNs) {
        const before = this.#entries.length;
        this.#entries = this.#entries.filter((e) => e.isStatic || now - e.lastSeen < ageingTimeNs);
        return before - this.#entries.length;
    }
    entries() {
        return this.#entries.map((e) => ({ ...e }));
    }
}
//# sourceMappingURL=mac-table.js.map