/**
 * The fast path's two caches, in front of the pipeline (as Open vSwitch's dpif-netdev):
 *
 * - `MegaflowCache`: entries are (mask, masked key) -> compiled program, where the mask is the
 *   set of key bits the slow path examined. Entries are grouped by mask (a tuple space without
 *   priorities: any matching entry is right, because each one's program is the pipeline's answer
 *   for every key it covers). A lookup probes masks in order of hits; `masksProbed` counts them.
 * - `ExactMatchCache`: a direct-mapped array keyed by a hash of the whole key, pointing at a
 *   megaflow entry; a hit compares all key words, so a collision is a miss, never a wrong answer.
 *
 * Staleness: every entry records the pipeline generation it was built at. The owner flushes both
 * caches when the generation moves (`flush`), and an EMC slot whose megaflow was evicted or
 * flushed reads as a miss (`entry.dead`). So no entry built before a flow table change ever
 * forwards a packet after it.
 *
 * Both caches are bounded: the megaflow cache evicts its oldest entry when full (counted in
 * `evictions`); the EMC overwrites its slot (counted in `replacements`).
 */
import { FLOW_WORDS } from './types.js';
import type { FlowEntry } from './pipeline.js';

export class MegaflowEntry {
  /** The mask group the entry lives in. */
  readonly group: { readonly mask: Uint32Array };
  readonly mask: Uint32Array;
  readonly value: Uint32Array;
  readonly ops: readonly number[];
  readonly refs: readonly unknown[];
  readonly rules: readonly FlowEntry[];
  readonly tables: readonly number[];
  readonly hash: number;
  hits = 0;
  dead = false;
  constructor(group: { readonly mask: Uint32Array }, value: Uint32Array, hash: number, ops: readonly number[], refs: readonly unknown[], rules: readonly FlowEntry[], tables: readonly number[]) {
    this.group = group;
    this.mask = group.mask;
    this.value = value;
    this.hash = hash;
    this.ops = ops;
    this.refs = refs;
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
  readonly id: string;
  readonly table = new Map<number, MegaflowEntry[]>();
  size = 0;
  hits = 0;
  constructor(mask: Uint32Array, id: string) {
    this.mask = mask;
    this.id = id;
    const words: number[] = [];
    for (let i = 0; i < FLOW_WORDS; i++) if (mask[i] !== 0) words.push(i);
    this.words = Int32Array.from(words);
  }
}

export class MegaflowCache {
  readonly capacity: number;
  #groups: MaskGroup[] = [];
  readonly #byId = new Map<string, MaskGroup>();
  /** Entries in insertion order (a ring), for oldest-first eviction. */
  #fifo: (MegaflowEntry | null)[];
  #head = 0;
  #count = 0;
  #sinceSort = 0;
  masksProbed = 0;
  lookups = 0;
  hits = 0;
  evictions = 0;
  flushes = 0;

  constructor(capacity = 65536) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`megaflow cache: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#fifo = new Array<MegaflowEntry | null>(capacity).fill(null);
  }

  /** Entries held (the gauge). */
  get size(): number {
    return this.#count;
  }

  get maskCount(): number {
    return this.#groups.length;
  }

  lookup(key: Uint32Array): MegaflowEntry | null {
    this.lookups++;
    const groups = this.#groups;
    for (let g = 0; g < groups.length; g++) {
      const grp = groups[g]!;
      this.masksProbed++;
      const mask = grp.mask;
      const words = grp.words;
      const chain = grp.table.get(hashMasked(key, mask, words));
      if (chain === undefined) continue;
      for (let c = 0; c < chain.length; c++) {
        const e = chain[c]!;
        const v = e.value;
        let same = true;
        for (let i = 0; i < words.length; i++) {
          const w = words[i]!;
          if (((key[w]! ^ v[w]!) & mask[w]!) !== 0) {
            same = false;
            break;
          }
        }
        if (same) {
          this.hits++;
          grp.hits++;
          e.hits++;
          if (++this.#sinceSort >= 4096) this.#resort();
          return e;
        }
      }
    }
    return null;
  }

  /** Installs an entry for `key` under `wc`; returns it. */
  insert(key: Uint32Array, wc: Uint32Array, ops: readonly number[], refs: readonly unknown[], rules: readonly FlowEntry[], tables: readonly number[]): MegaflowEntry {
    if (this.#count >= this.capacity) this.#evictOldest();
    // Masks are few: compare words rather than build a string key on every install.
    let grp: MaskGroup | undefined;
    for (const g of this.#groups) if (sameWords(g.mask, wc)) grp = g;
    if (grp === undefined) {
      const id = wc.join(',');
      grp = new MaskGroup(Uint32Array.from(wc), id);
      this.#byId.set(id, grp);
      this.#groups.push(grp);
    }
    const value = new Uint32Array(FLOW_WORDS);
    for (let i = 0; i < FLOW_WORDS; i++) value[i] = key[i]! & wc[i]!;
    const hash = hashMasked(key, grp.mask, grp.words);
    const e = new MegaflowEntry(grp, value, hash, ops, refs, rules, tables);
    let chain = grp.table.get(hash);
    if (chain === undefined) grp.table.set(hash, (chain = []));
    chain.push(e);
    grp.size++;
    this.#fifo[(this.#head + this.#count) % this.capacity] = e;
    this.#count++;
    return e;
  }

  #evictOldest(): void {
    const e = this.#fifo[this.#head];
    this.#fifo[this.#head] = null;
    this.#head = (this.#head + 1) % this.capacity;
    this.#count--;
    if (e === null || e === undefined || e.dead) return;
    e.dead = true;
    this.evictions++;
    const grp = e.group as MaskGroup;
    if (!this.#groups.includes(grp)) return;
    const chain = grp.table.get(e.hash);
    if (chain !== undefined) {
      const i = chain.indexOf(e);
      if (i >= 0) chain.splice(i, 1);
      if (chain.length === 0) grp.table.delete(e.hash);
    }
    if (--grp.size === 0) {
      this.#byId.delete(grp.id);
      this.#groups = this.#groups.filter((x) => x !== grp);
    }
  }

  /** Drops every entry (they become dead, so EMC slots pointing at them miss). */
  flush(): void {
    for (let i = 0; i < this.#count; i++) {
      const e = this.#fifo[(this.#head + i) % this.capacity];
      if (e) e.dead = true;
    }
    this.#fifo.fill(null);
    this.#head = 0;
    this.#count = 0;
    this.#groups = [];
    this.#byId.clear();
    this.flushes++;
  }

  /** Entries, for dumps (`dpctl/dump-flows`-style). */
  entries(): MegaflowEntry[] {
    const out: MegaflowEntry[] = [];
    for (const g of this.#groups) for (const c of g.table.values()) out.push(...c);
    return out;
  }

  /** Keeps the masks that hit most in front, so the probe count per packet stays low. */
  #resort(): void {
    this.#sinceSort = 0;
    this.#groups.sort((a, b) => b.hits - a.hits);
    for (const g of this.#groups) g.hits >>>= 1;
  }
}

export class ExactMatchCache {
  readonly slots: number;
  readonly #keys: Uint32Array;
  readonly #entries: (MegaflowEntry | null)[];
  lookups = 0;
  hits = 0;
  replacements = 0;
  #used = 0;

  constructor(slots = 8192) {
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0) throw new RangeError(`exact-match cache: slots must be a power of two, got ${slots}`);
    this.slots = slots;
    this.#keys = new Uint32Array(slots * FLOW_WORDS);
    this.#entries = new Array<MegaflowEntry | null>(slots).fill(null);
  }

  /** Slots holding a live entry at last touch (the gauge). */
  get size(): number {
    return this.#used;
  }

  static hash(key: Uint32Array): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < FLOW_WORDS; i++) {
      h = Math.imul(h ^ key[i]!, 0x01000193);
      h ^= h >>> 13;
    }
    return h >>> 0;
  }

  lookup(key: Uint32Array, hash: number): MegaflowEntry | null {
    this.lookups++;
    const slot = hash & (this.slots - 1);
    const e = this.#entries[slot]!;
    if (e === null || e.dead) return null;
    const keys = this.#keys;
    const base = slot * FLOW_WORDS;
    for (let i = 0; i < FLOW_WORDS; i++) if (keys[base + i] !== key[i]) return null;
    this.hits++;
    e.hits++;
    return e;
  }

  insert(key: Uint32Array, hash: number, e: MegaflowEntry): void {
    const slot = hash & (this.slots - 1);
    const old = this.#entries[slot];
    if (old === null) this.#used++;
    else this.replacements++;
    this.#entries[slot] = e;
    this.#keys.set(key, slot * FLOW_WORDS);
  }

  flush(): void {
    this.#entries.fill(null);
    this.#used = 0;
  }
}
