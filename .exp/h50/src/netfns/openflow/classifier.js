/**
 * Flow classifiers: given a flow key, the highest-priority rule whose match covers it.
 *
 * `TupleSpaceClassifier` (the one the switch uses) is tuple space search as in Open vSwitch's
 * lib/classifier.c: rules are grouped into *subtables*, one per distinct mask; a subtable is a
 * hash table from the masked key to the rules with exactly that match. A lookup probes subtables
 * in order of their highest priority and stops as soon as no remaining subtable can beat (or tie)
 * the best rule found, so the common case touches few masks.
 *
 * Staged lookup: a subtable's mask words are split into stages (metadata, L2, L3, L4:
 * `STAGE_ENDS`). For every stage but the last, the subtable keeps a counted set of the hashes of
 * its rules' prefixes up to that stage. A probe hashes stage by stage and gives up at the first
 * stage whose prefix hash no rule has. That matters for the megaflow cache: the lookup reports the
 * key bits it looked at (`wc`), and a probe that stopped after the metadata stage has only looked
 * at metadata, so the cached flow stays wide in L3/L4.
 *
 * Invariants: (match, priority) pairs are unique (the pipeline replaces rather than duplicates);
 * among equal-priority overlapping rules the earliest inserted wins, in both classifiers, so they
 * agree exactly. `wc` (when given) is OR-ed with every mask word a lookup examined; a key that
 * agrees with the probed key on all those bits gets the same answer.
 *
 * `LinearClassifier` is the reference: a list scanned on every lookup.
 */
import { FLOW_WORDS, STAGE_ENDS } from './types.js';
/** Mixes one word into a running 32-bit hash (murmur3-style). */
function mix(h, w) {
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
function finish(h) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) | 0;
}
export function maskId(mask) {
    return mask.join(',');
}
class Subtable {
    mask;
    /** Indices of the non-zero mask words, in stage order. */
    words;
    /** stageStop[s] = number of entries of `words` in stages 0..s. */
    stageStop;
    /** Per stage (but the last): prefix hash -> number of buckets with it. */
    stageHashes;
    buckets = new Map();
    maxPriority = -1;
    count = 0;
    constructor(mask) {
        this.mask = mask;
        const words = [];
        const stops = [];
        let start = 0;
        for (const stageEnd of STAGE_ENDS) {
            for (let i = start; i < stageEnd; i++)
                if (mask[i] !== 0)
                    words.push(i);
            stops.push(words.length);
            start = stageEnd;
        }
        this.words = Int32Array.from(words);
        this.stageStop = Int32Array.from(stops);
        this.stageHashes = STAGE_ENDS.slice(0, -1).map(() => new Map());
    }
    /** Hash of the masked value words (already masked, compacted) through stage `s`. */
    prefixHashes(value) {
        const out = [];
        let h = 0;
        let k = 0;
        for (let s = 0; s < this.stageStop.length; s++) {
            for (; k < this.stageStop[s]; k++)
                h = mix(h, value[this.words[k]]);
            out.push(finish(h));
        }
        return out;
    }
}
export class TupleSpaceClassifier {
    #subtables = new Map();
    /** Subtables by max priority, descending. */
    #order = [];
    #size = 0;
    #seq = 0;
    /** Subtables probed by lookups since creation (for "masks probed per packet"). */
    probes = 0;
    get size() {
        return this.#size;
    }
    get maskCount() {
        return this.#order.length;
    }
    insert(rule) {
        const id = maskId(rule.match.mask);
        let st = this.#subtables.get(id);
        if (st === undefined) {
            st = new Subtable(Uint32Array.from(rule.match.mask));
            this.#subtables.set(id, st);
            this.#order.push(st);
        }
        const hashes = st.prefixHashes(rule.match.value);
        const full = hashes[hashes.length - 1];
        let chain = st.buckets.get(full);
        if (chain === undefined)
            st.buckets.set(full, (chain = []));
        const compact = Uint32Array.from(st.words, (w) => rule.match.value[w]);
        let bucket = chain.find((b) => sameWords(b.words, compact));
        if (bucket === undefined) {
            bucket = { words: compact, rules: [], seqs: [] };
            chain.push(bucket);
            for (let s = 0; s < st.stageHashes.length; s++) {
                const m = st.stageHashes[s];
                m.set(hashes[s], (m.get(hashes[s]) ?? 0) + 1);
            }
        }
        const seq = this.#seq++;
        let at = 0;
        while (at < bucket.rules.length && bucket.rules[at].priority >= rule.priority)
            at++;
        bucket.rules.splice(at, 0, rule);
        bucket.seqs.splice(at, 0, seq);
        st.count++;
        this.#size++;
        if (rule.priority > st.maxPriority) {
            st.maxPriority = rule.priority;
            this.#sort();
        }
    }
    remove(rule) {
        const st = this.#subtables.get(maskId(rule.match.mask));
        if (st === undefined)
            return false;
        const hashes = st.prefixHashes(rule.match.value);
        const full = hashes[hashes.length - 1];
        const chain = st.buckets.get(full);
        if (chain === undefined)
            return false;
        const bi = chain.findIndex((b) => b.rules.includes(rule));
        if (bi < 0)
            return false;
        const bucket = chain[bi];
        const ri = bucket.rules.indexOf(rule);
        bucket.rules.splice(ri, 1);
        bucket.seqs.splice(ri, 1);
        if (bucket.rules.length === 0) {
            chain.splice(bi, 1);
            if (chain.length === 0)
                st.buckets.delete(full);
            for (let s = 0; s < st.stageHashes.length; s++) {
                const m = st.stageHashes[s];
                const n = (m.get(hashes[s]) ?? 1) - 1;
                if (n === 0)
                    m.delete(hashes[s]);
                else
                    m.set(hashes[s], n);
            }
        }
        st.count--;
        this.#size--;
        if (st.count === 0) {
            this.#subtables.delete(maskId(st.mask));
            this.#order = this.#order.filter((x) => x !== st);
        }
        else if (rule.priority === st.maxPriority) {
            let max = -1;
            for (const c of st.buckets.values())
                for (const b of c)
                    if (b.rules[0].priority > max)
                        max = b.rules[0].priority;
            st.maxPriority = max;
            this.#sort();
        }
        return true;
    }
    findExact(match, priority) {
        const st = this.#subtables.get(maskId(match.mask));
        if (st === undefined)
            return null;
        const hashes = st.prefixHashes(match.value);
        const chain = st.buckets.get(hashes[hashes.length - 1]);
        if (chain === undefined)
            return null;
        for (const b of chain) {
            if (!st.words.every((w, k) => b.words[k] === match.value[w]))
                continue;
            for (const r of b.rules)
                if (r.priority === priority)
                    return r;
        }
        return null;
    }
    lookup(key, wc) {
        let best = null;
        let bestPriority = -1;
        let bestSeq = 0;
        const order = this.#order;
        for (let t = 0; t < order.length; t++) {
            const st = order[t];
            if (st.maxPriority < bestPriority)
                break;
            this.probes++;
            const mask = st.mask;
            const words = st.words;
            const stops = st.stageStop;
            const lastStage = stops.length - 1;
            let h = 0;
            let k = 0;
            let missed = false;
            for (let s = 0; s <= lastStage; s++) {
                const stop = stops[s];
                if (stop === k && s < lastStage)
                    continue; // nothing of this subtable in this stage
                for (; k < stop; k++) {
                    const w = words[k];
                    h = mix(h, key[w] & mask[w]);
                }
                if (s < lastStage && !st.stageHashes[s].has(finish(h))) {
                    missed = true;
                    break;
                }
            }
            if (wc !== null)
                for (let i = 0; i < k; i++)
                    wc[words[i]] |= mask[words[i]];
            if (missed)
                continue;
            const chain = st.buckets.get(finish(h));
            if (chain === undefined)
                continue;
            for (let c = 0; c < chain.length; c++) {
                const b = chain[c];
                const bw = b.words;
                let same = true;
                for (let i = 0; i < words.length; i++) {
                    const w = words[i];
                    if (((key[w] ^ bw[i]) & mask[w]) !== 0) {
                        same = false;
                        break;
                    }
                }
                if (!same)
                    continue;
                const r = b.rules[0];
                const seq = b.seqs[0];
                if (r.priority > bestPriority || (r.priority === bestPriority && seq < bestSeq)) {
                    best = r;
                    bestPriority = r.priority;
                    bestSeq = seq;
                }
                break;
            }
        }
        return best;
    }
    rules() {
        const out = [];
        for (const st of this.#order)
            for (const chain of st.buckets.values())
                for (const b of chain)
                    out.push(...b.rules);
        return out;
    }
    #sort() {
        this.#order.sort((a, b) => b.maxPriority - a.maxPriority);
    }
}
function sameWords(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
/** True when `key` is covered by `m`. */
export function matchCovers(m, key) {
    // XOR form: compares as unsigned (a masked AND of a word with its top bit set is negative in JS).
    for (let i = 0; i < FLOW_WORDS; i++)
        if (((key[i] ^ m.value[i]) & m.mask[i]) !== 0)
            return false;
    return true;
}
/** The reference classifier: every lookup scans every rule. */
export class LinearClassifier {
    #rules = [];
    get size() {
        return this.#rules.length;
    }
    get maskCount() {
        return new Set(this.#rules.map((r) => maskId(r.match.mask))).size;
    }
    insert(rule) {
        this.#rules.push(rule);
    }
    remove(rule) {
        const i = this.#rules.indexOf(rule);
        if (i < 0)
            return false;
        this.#rules.splice(i, 1);
        return true;
    }
    findExact(match, priority) {
        return this.#rules.find((r) => r.priority === priority && sameWords(r.match.mask, match.mask) && sameWords(r.match.value, match.value)) ?? null;
    }
    lookup(key, wc) {
        let best = null;
        for (const r of this.#rules) {
            if ((best === null || r.priority > best.priority) && matchCovers(r.match, key))
                best = r;
        }
        if (best !== null && wc !== null)
            for (const r of this.#rules)
                for (let i = 0; i < FLOW_WORDS; i++)
                    wc[i] |= r.match.mask[i];
        return best;
    }
    rules() {
        return [...this.#rules];
    }
}
//# sourceMappingURL=classifier.js.map