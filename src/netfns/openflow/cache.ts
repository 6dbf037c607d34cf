/**
 * The fast path's two caches, in front of the pipeline (as Open vSwitch's dpif-netdev):
 *
 * - `MegaflowCache`: entries are (mask, masked key) -> compiled program, where the mask is the
 *   set of key bits the slow path examined. Entries are grouped by mask (a tuple space without
 *   priorities: any matching entry is right, because each one's program is the pipeline's answer
 *   for every key it covers). A lookup probes masks in order of hits; `masksProbed` counts them.
 * - `ExactMatchCache`: a direct-mapped array keyed by the packet's ingress key (the 20 words a
 *   packet can set; the others are zero on ingress) and its hash, pointing at a megaflow entry; a
 *   hit compares all of it (13 packed words), so a collision is a miss, never a wrong answer.
 *
 * Staleness: every entry records the pipeline generation it was last validated at (`validAt`).
 * When the flow tables change, the owner does not flush: before an entry forwards a packet at a
 * newer generation, the owner revalidates it (as Open vSwitch's revalidators do) by translating
 * the entry's masked key again without side effects and keeping the entry only if the new
 * translation gives the same program through the same rules and examines no bit outside the
 * entry's mask; otherwise it `remove`s the entry. The second condition is what makes this sound:
 * a translation depends only on the bits it examined, so every key the entry covers would get
 * the same new answer. An EMC slot whose megaflow was removed, evicted or flushed reads as a
 * miss (`entry.dead`). So no entry ever forwards a packet with an answer older than the tables.
 *
 * Both caches are bounded: the megaflow cache evicts its oldest entry when full (counted in
 * `evictions`); the EMC overwrites its slot (counted in `replacements`).
 */
import { FLOW_WORDS } from './types.js';
import type { FlowEntry } from './pipeline.js';
import { OP_OUTPUT } from './datapath.js';
import { INGRESS_WORD_COUNT } from './flow-key.js';

export class MegaflowEntry {
  /** The mask group the entry lives in. */
  readonly group: { readonly mask: Uint32Array; readonly words: Int32Array };
  readonly mask: Uint32Array;
  /** The key's masked value on the group's mask words only (value[i] = key[words[i]] & mask[words[i]], as int32). */
  readonly value: readonly number[];
  /** The datapath program (see datapath.ts), int-coded. */
  readonly ops: readonly number[];
  readonly refs: readonly unknown[];
  /** The OpenFlow port when the whole program is one output to it (the common case, run inline), else 0. */
  readonly outPort: number;
  readonly rules: readonly FlowEntry[];
  readonly tables: readonly number[];
  readonly hash: number;
  /** The next entry in the same hash chain. */
  next: MegaflowEntry | null = null;
  /** Hits not yet credited to `rules` and their tables (see `MegaflowCache`'s retire hook). */
  pendingPackets = 0;
  pendingBytes = 0;
  pendingUsed = 0;
  hits = 0;
  dead = false;
  /** The pipeline generation at which this entry was built or last revalidated. */
  validAt = 0;
  constructor(group: { readonly mask: Uint32Array; readonly words: Int32Array }, value: number[], hash: number, ops: readonly number[], refs: readonly unknown[], rules: readonly FlowEntry[], tables: readonly number[]) {
    this.group = group;
    this.mask = group.mask;
    this.value = value;
    this.hash = hash;
    this.ops = ops;
    this.refs = refs;
    this.outPort = ops.length === 2 && ops[0] === OP_OUTPUT ? ops[1]! : 0;
    this.rules = rules;
    this.tables = tables;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < FLOW_WORDS; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashMasked(key: Uint32Array, mask: Uint32Array, words: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    h = Math.imul(h ^ (key[w]! & mask[w]!), 0x01000193);
    h ^= h >>> 15;
  }
  return h | 0;
}

class MaskGroup {
  readonly mask: Uint32Array;
  readonly words: Int32Array;
  /** Chain heads by masked hash. */
  readonly table = new Map<number, MegaflowEntry>();
  size = 0;
  hits = 0;
  constructor(mask: Uint32Array) {
    this.mask = mask;
    const words: number[] = [];
    for (let i = 0; i < FLOW_WORDS; i++) if (mask[i] !== 0) words.push(i);
    this.words = Int32Array.from(words);
  }
}

export class MegaflowCache {
  readonly capacity: number;
  #groups: MaskGroup[] = [];
  /** Entries in insertion order (a ring), for oldest-first eviction. */
  #fifo: (MegaflowEntry | null)[];
  #head = 0;
  /** Ring slots in use, removed entries included until eviction reaches them. */
  #count = 0;
  /** Live entries. */
  #live = 0;
  #sinceSort = 0;
  masksProbed = 0;
  lookups = 0;
  hits = 0;
  evictions = 0;
  flushes = 0;
  /** Entries removed because revalidation found them stale. */
  removals = 0;

  readonly #retire: (e: MegaflowEntry) => void;

  /** `retire` sees every entry just before it leaves the cache (eviction or flush), to settle its pending counts. */
  constructor(capacity = 65536, retire: (e: MegaflowEntry) => void = () => {}) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`megaflow cache: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#retire = retire;
    this.#fifo = new Array<MegaflowEntry | null>(capacity).fill(null);
  }

  /** Entries held (the gauge). */
  get size(): number {
    return this.#live;
  }

  get maskCount(): number {
    return this.#groups.length;
  }

  /** Probes the mask groups, most hit first, for an entry covering `key`. */
  lookup(key: Uint32Array): MegaflowEntry | null {
    this.lookups++;
    const groups = this.#groups;
    for (let g = 0; g < groups.length; g++) {
      const grp = groups[g]!;
      this.masksProbed++;
      const mask = grp.mask;
      const words = grp.words;
      let e: MegaflowEntry | null | undefined = grp.table.get(hashMasked(key, mask, words));
      while (e !== undefined && e !== null) {
        const v = e.value;
        let i = 0;
        for (; i < words.length; i++) {
          const w = words[i]!;
          if ((key[w]! & mask[w]!) !== v[i]) break;
        }
        if (i === words.length) {
          this.hits++;
          e.hits++;
          // A group that overtakes the one before it moves up at once, so probes follow hit counts.
          if (++grp.hits > 0 && g > 0 && grp.hits > groups[g - 1]!.hits) {
            groups[g] = groups[g - 1]!;
            groups[g - 1] = grp;
          }
          if (++this.#sinceSort >= 65536) this.#decay();
          return e;
        }
        e = e.next;
      }
    }
    return null;
  }

  /** Installs an entry for `key` under `wc`; returns it. The entry keeps the arrays it is given. */
  insert(key: Uint32Array, wc: Uint32Array, ops: readonly number[], refs: readonly unknown[], rules: readonly FlowEntry[], tables: readonly number[]): MegaflowEntry {
    if (this.#count >= this.capacity) this.#evictOldest();
    // Masks are few: compare words rather than build a string key on every install.
    let grp: MaskGroup | undefined;
    for (let g = 0; g < this.#groups.length; g++) {
      if (sameWords(this.#groups[g]!.mask, wc)) {
        grp = this.#groups[g]!;
        break;
      }
    }
    if (grp === undefined) {
      grp = new MaskGroup(Uint32Array.from(wc));
      this.#groups.push(grp);
    }
    const words = grp.words;
    const mask = grp.mask;
    const value = new Array<number>(words.length);
    for (let i = 0; i < words.length; i++) value[i] = key[words[i]!]! & mask[words[i]!]!;
    const hash = hashMasked(key, mask, words);
    const e = new MegaflowEntry(grp, value, hash, ops, refs, rules, tables);
    e.next = grp.table.get(hash) ?? null;
    grp.table.set(hash, e);
    grp.size++;
    this.#fifo[(this.#head + this.#count) % this.capacity] = e;
    this.#count++;
    this.#live++;
    return e;
  }

  #evictOldest(): void {
    const e = this.#fifo[this.#head];
    this.#fifo[this.#head] = null;
    this.#head = (this.#head + 1) % this.capacity;
    this.#count--;
    if (e === null || e === undefined || e.dead) return;
    this.evictions++;
    this.#unlink(e);
  }

  /** Takes a live entry out of the cache (revalidation found it stale); its ring slot frees at eviction. */
  remove(e: MegaflowEntry): void {
    if (e.dead) return;
    this.removals++;
    this.#unlink(e);
  }

  #unlink(e: MegaflowEntry): void {
    this.#retire(e);
    e.dead = true;
    this.#live--;
    const grp = e.group as MaskGroup;
    if (!this.#groups.includes(grp)) return;
    let cur = grp.table.get(e.hash) ?? null;
    let prev: MegaflowEntry | null = null;
    while (cur !== null && cur !== e) {
      prev = cur;
      cur = cur.next;
    }
    if (cur === e) {
      if (prev === null) {
        if (e.next === null) grp.table.delete(e.hash);
        else grp.table.set(e.hash, e.next);
      } else prev.next = e.next;
    }
    if (--grp.size === 0) this.#groups = this.#groups.filter((x) => x !== grp);
  }

  /** Drops every entry (they become dead, so EMC slots pointing at them miss). */
  flush(): void {
    for (let i = 0; i < this.#count; i++) {
      const e = this.#fifo[(this.#head + i) % this.capacity];
      if (e && !e.dead) {
        this.#retire(e);
        e.dead = true;
      }
    }
    this.#fifo.fill(null);
    this.#head = 0;
    this.#count = 0;
    this.#live = 0;
    this.#groups = [];
    this.flushes++;
  }

  /** Calls `fn` on every live entry, oldest first. */
  forEach(fn: (e: MegaflowEntry) => void): void {
    for (let i = 0; i < this.#count; i++) {
      const e = this.#fifo[(this.#head + i) % this.capacity];
      if (e && !e.dead) fn(e);
    }
  }

  /** Entries, for dumps (`dpctl/dump-flows`-style). */
  entries(): MegaflowEntry[] {
    const out: MegaflowEntry[] = [];
    for (const g of this.#groups) {
      for (const head of g.table.values()) for (let e: MegaflowEntry | null = head; e !== null; e = e.next) out.push(e);
    }
    return out;
  }

  /** Halves every group's hit count, so the order follows recent traffic. */
  #decay(): void {
    this.#sinceSort = 0;
    this.#groups.sort((a, b) => b.hits - a.hits);
    for (const g of this.#groups) g.hits >>>= 1;
  }
}

/** Words of an exact-match cache slot's key: the ingress words, in compare order. */
const EMC_WORDS = INGRESS_WORD_COUNT;

/**
 * Keyed by an ingress key (`extractIngressHashed`: the 20 words a packet can set, packed into
 * INGRESS_WORD_COUNT int32 words) and its hash. Words outside the ingress key (metadata, registers) are zero
 * for every packet entering the switch, so the ingress key identifies the full flow key.
 *
 * Two-way: a key may live in two slots, one from the hash's low bits and one from its high bits
 * (as Open vSwitch's EMC probes two hash segments), so two flows whose first slots collide do not
 * evict each other on every packet. A lookup tries the first slot, then the second; an insert
 * takes a free or dead slot of the two, else replaces one of them chosen by a hash bit.
 */
export class ExactMatchCache {
  readonly slots: number;
  readonly #keys: Int32Array;
  readonly #entries: (MegaflowEntry | null)[];
  lookups = 0;
  hits = 0;
  replacements = 0;
  #used = 0;

  constructor(slots = 8192) {
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`exact-match cache: slots must be a power of two of at least 2, got ${slots}`);
    this.slots = slots;
    this.#keys = new Int32Array(slots * EMC_WORDS);
    this.#entries = new Array<MegaflowEntry | null>(slots).fill(null);
  }

  /** Slots holding a live entry at last touch (the gauge). */
  get size(): number {
    return this.#used;
  }

  /** Looks up an ingress key in its two slots. */
  lookup(ik: Int32Array, hash: number): MegaflowEntry | null {
    this.lookups++;
    const mask = this.slots - 1;
    let e = this.#probe(ik, hash & mask);
    if (e === null) e = this.#probe(ik, ((hash >>> 16) | (hash << 16)) & mask);
    if (e === null) return null;
    this.hits++;
    e.hits++;
    return e;
  }

  /** Compares every word of the slot's key, most variable first, unrolled. */
  #probe(ik: Int32Array, slot: number): MegaflowEntry | null {
    const e = this.#entries[slot]!;
    if (e === null || e.dead) return null;
    const k = this.#keys;
    const b = slot * EMC_WORDS;
    if (k[b] !== ik[0] || k[b + 1] !== ik[1] || k[b + 2] !== ik[2] || k[b + 3] !== ik[3] || k[b + 4] !== ik[4] || k[b + 5] !== ik[5] ||
      k[b + 6] !== ik[6] || k[b + 7] !== ik[7] || k[b + 8] !== ik[8] || k[b + 9] !== ik[9] || k[b + 10] !== ik[10] || k[b + 11] !== ik[11] ||
      k[b + 12] !== ik[12]) return null;
    return e;
  }

  insert(ik: Int32Array, hash: number, e: MegaflowEntry): void {
    const mask = this.slots - 1;
    const first = hash & mask;
    const second = ((hash >>> 16) | (hash << 16)) & mask;
    const a = this.#entries[first]!;
    const b = this.#entries[second]!;
    let slot: number;
    if (a === null || a.dead) slot = first;
    else if (b === null || b.dead) slot = second;
    else slot = (hash & 0x8000) === 0 ? first : second;
    const old = this.#entries[slot];
    if (old === null) this.#used++;
    else this.replacements++;
    this.#entries[slot] = e;
    this.#keys.set(ik, slot * EMC_WORDS);
  }

  flush(): void {
    this.#entries.fill(null);
    this.#used = 0;
  }
}
