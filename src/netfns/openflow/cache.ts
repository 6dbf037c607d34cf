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
 *
 * Layout for the hit path: a cache hit should touch as few cache lines as possible, so what a
 * hit reads and writes lives in two typed arrays rather than in objects. An entry's row in the
 * megaflow cache (its ring slot, `MegaflowEntry.index`) has one 64-byte line of `stats`: its
 * serial, the generation it was validated at, and its pending packets, bytes and last use. An
 * EMC slot is 16 int32 words: the 13 key words, the megaflow's row, its serial and its single
 * output port. A slot is live while its serial equals its row's serial: every insert gives the
 * row a new serial and every removal clears it, so a slot left pointing at a removed or evicted
 * entry, or at a row reused by a newer one, reads as a miss without a search. Serials wrap at
 * 2^31, and the EMC flushes itself then, so a stale slot can never meet its serial again.
 * Each mask group keeps its entries' masked keys in an open-addressing table of int32 slots
 * (`MaskGroup`), so a megaflow lookup reads one or two lines per mask and the entry on a hit.
 */
import { FLOW_WORDS } from './types.js';
import type { FlowEntry } from './pipeline.js';
import { OP_OUTPUT } from './datapath.js';
import { INGRESS_WORD_COUNT } from './flow-key.js';

/** Doubles per megaflow row in `MegaflowCache.stats` (one 64-byte line). */
export const MF_STRIDE = 8;
/** Row fields: serial (0 when the row holds no live entry), validated generation, pending hits. */
export const MF_SERIAL = 0;
export const MF_VALID_AT = 1;
export const MF_PACKETS = 2;
export const MF_BYTES = 3;
export const MF_USED = 4;

const MAX_SERIAL = 0x7fff_ffff;

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
  /** The entry's row in its cache's `stats` (its ring slot) and the serial that row holds while the entry lives. */
  readonly index: number;
  readonly serial: number;
  dead = false;
  /** Hits already credited to `rules` (for dumps: with the pending ones, every hit since install). */
  creditedPackets = 0;
  creditedBytes = 0;
  readonly #stats: Float64Array;
  constructor(group: { readonly mask: Uint32Array; readonly words: Int32Array }, value: number[], hash: number, ops: readonly number[], refs: readonly unknown[], rules: readonly FlowEntry[], tables: readonly number[], stats: Float64Array, index: number, serial: number) {
    this.group = group;
    this.mask = group.mask;
    this.value = value;
    this.hash = hash;
    this.ops = ops;
    this.refs = refs;
    this.outPort = ops.length === 2 && ops[0] === OP_OUTPUT ? ops[1]! : 0;
    this.rules = rules;
    this.tables = tables;
    this.#stats = stats;
    this.index = index;
    this.serial = serial;
  }

  /** Writes the key the entry covers into `key` (zeros outside its mask) and returns it. */
  maskedKey(key: Uint32Array): Uint32Array {
    key.fill(0);
    const words = this.group.words;
    for (let i = 0; i < words.length; i++) key[words[i]!] = this.value[i]!;
    return key;
  }

  #field(f: number): number {
    return this.dead ? 0 : this.#stats[this.index * MF_STRIDE + f]!;
  }

  #set(f: number, v: number): void {
    if (!this.dead) this.#stats[this.index * MF_STRIDE + f] = v;
  }

  /** Hits not yet credited to `rules` and their tables (see the owner's retire hook), and their bytes and last time. */
  get pendingPackets(): number {
    return this.#field(MF_PACKETS);
  }
  set pendingPackets(v: number) {
    this.#set(MF_PACKETS, v);
  }
  get pendingBytes(): number {
    return this.#field(MF_BYTES);
  }
  set pendingBytes(v: number) {
    this.#set(MF_BYTES, v);
  }
  get pendingUsed(): number {
    return this.#field(MF_USED);
  }
  set pendingUsed(v: number) {
    this.#set(MF_USED, v);
  }
  /** The pipeline generation at which this entry was built or last revalidated. */
  get validAt(): number {
    return this.#field(MF_VALID_AT);
  }
  set validAt(v: number) {
    this.#set(MF_VALID_AT, v);
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

/**
 * One mask's entries, as an open-addressing table (linear probing, load at most 1/2) of int32
 * slots of `stride` words: the masked hash, the entry's ring index + 1 (0: an empty slot), then
 * the masked key on the mask's words. A lookup compares the key in the slots and touches the
 * entry object only on a hit: one or two cache lines, where a Map of chained entry objects with
 * their value arrays cost four or five misses on a large cache. Deletion shifts later members of
 * the probe run back (no tombstones), so lookups do not slow down with churn.
 */
class MaskGroup {
  readonly mask: Uint32Array;
  readonly words: Int32Array;
  readonly stride: number;
  #slots: Int32Array;
  #slotMask: number;
  size = 0;
  hits = 0;
  constructor(mask: Uint32Array) {
    this.mask = mask;
    const words: number[] = [];
    for (let i = 0; i < FLOW_WORDS; i++) if (mask[i] !== 0) words.push(i);
    this.words = Int32Array.from(words);
    this.stride = 2 + words.length;
    this.#slots = new Int32Array(16 * this.stride);
    this.#slotMask = 15;
  }

  /** The ring index of the entry holding `key` (whose masked hash is `hash`), or -1. */
  find(key: Uint32Array, hash: number): number {
    const slots = this.#slots;
    const stride = this.stride;
    const m = this.#slotMask;
    const words = this.words;
    const mask = this.mask;
    const n = words.length;
    for (let i = hash & m; ; i = (i + 1) & m) {
      const b = i * stride;
      const idx = slots[b + 1]!;
      if (idx === 0) return -1;
      if (slots[b] === hash) {
        let j = 0;
        for (; j < n; j++) {
          const w = words[j]!;
          if ((key[w]! & mask[w]!) !== slots[b + 2 + j]) break;
        }
        if (j === n) return idx - 1;
      }
    }
  }

  /** Adds the entry at ring `index` for `key`; the caller made sure no entry holds it yet. */
  add(key: Uint32Array, hash: number, index: number): void {
    if ((this.size + 1) * 2 > this.#slotMask + 1) this.#grow();
    const b = this.#freeSlot(this.#slots, this.#slotMask, hash);
    const slots = this.#slots;
    slots[b] = hash;
    slots[b + 1] = index + 1;
    const words = this.words;
    for (let j = 0; j < words.length; j++) slots[b + 2 + j] = key[words[j]!]! & this.mask[words[j]!]!;
    this.size++;
  }

  /** Takes out the entry at ring `index` (masked hash `hash`); returns whether it was here. */
  remove(hash: number, index: number): boolean {
    const slots = this.#slots;
    const stride = this.stride;
    const m = this.#slotMask;
    let hole = hash & m;
    for (;;) {
      const idx = slots[hole * stride + 1]!;
      if (idx === 0) return false;
      if (idx === index + 1 && slots[hole * stride] === hash) break;
      hole = (hole + 1) & m;
    }
    // Backward shift: a later member of the run may move into the hole when its home slot is not
    // cyclically after the hole (it would otherwise be cut off from its home by an empty slot).
    for (let j = (hole + 1) & m; slots[j * stride + 1] !== 0; j = (j + 1) & m) {
      const home = slots[j * stride]! & m;
      if (((j - home) & m) >= ((j - hole) & m)) {
        slots.copyWithin(hole * stride, j * stride, j * stride + stride);
        hole = j;
      }
    }
    slots.fill(0, hole * stride, hole * stride + stride);
    this.size--;
    return true;
  }

  /** Ring indices of the entries held, in slot order. */
  indices(): number[] {
    const out: number[] = [];
    for (let b = 0; b < this.#slots.length; b += this.stride) if (this.#slots[b + 1] !== 0) out.push(this.#slots[b + 1]! - 1);
    return out;
  }

  #freeSlot(slots: Int32Array, m: number, hash: number): number {
    let i = hash & m;
    while (slots[i * this.stride + 1] !== 0) i = (i + 1) & m;
    return i * this.stride;
  }

  #grow(): void {
    const old = this.#slots;
    const stride = this.stride;
    const m = ((this.#slotMask + 1) << 1) - 1;
    const slots = new Int32Array((m + 1) * stride);
    for (let b = 0; b < old.length; b += stride) {
      if (old[b + 1] === 0) continue;
      const to = this.#freeSlot(slots, m, old[b]!);
      slots.set(old.subarray(b, b + stride), to);
    }
    this.#slots = slots;
    this.#slotMask = m;
  }
}

export class MegaflowCache {
  readonly capacity: number;
  /** Per ring slot, one row of MF_STRIDE doubles: what a cache hit reads and writes (see the design note). */
  readonly stats: Float64Array;
  #groups: MaskGroup[] = [];
  #nextSerial = 1;
  /** Called when serials wrap, so EMCs drop slots that could otherwise meet their serial again. */
  onSerialWrap: () => void = () => {};
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

  /**
   * `retire` sees every entry just before it leaves the cache (eviction or flush), to settle its
   * pending counts. `firstSerial` lets a test start next to the wrap.
   */
  constructor(capacity = 65536, retire: (e: MegaflowEntry) => void = () => {}, firstSerial = 1) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`megaflow cache: capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#retire = retire;
    this.#fifo = new Array<MegaflowEntry | null>(capacity).fill(null);
    this.stats = new Float64Array(capacity * MF_STRIDE);
    if (!Number.isInteger(firstSerial) || firstSerial < 1 || firstSerial > MAX_SERIAL) throw new RangeError(`megaflow cache: firstSerial must be 1-${MAX_SERIAL}, got ${firstSerial}`);
    this.#nextSerial = firstSerial;
  }

  /** The entry in ring slot `index` (a row of `stats`), or null. */
  entryAt(index: number): MegaflowEntry | null {
    return this.#fifo[index] ?? null;
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
      const index = grp.find(key, hashMasked(key, grp.mask, grp.words));
      if (index >= 0) {
        this.hits++;
        // A group that overtakes the one before it moves up at once, so probes follow hit counts.
        if (++grp.hits > 0 && g > 0 && grp.hits > groups[g - 1]!.hits) {
          groups[g] = groups[g - 1]!;
          groups[g - 1] = grp;
        }
        if (++this.#sinceSort >= 65536) this.#decay();
        return this.#fifo[index]!;
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
    const index = (this.#head + this.#count) % this.capacity;
    if (this.#nextSerial === MAX_SERIAL) {
      this.#nextSerial = 1;
      this.onSerialWrap();
    }
    const serial = this.#nextSerial++;
    const row = index * MF_STRIDE;
    this.stats.fill(0, row, row + MF_STRIDE);
    this.stats[row + MF_SERIAL] = serial;
    const e = new MegaflowEntry(grp, value, hash, ops, refs, rules, tables, this.stats, index, serial);
    grp.add(key, hash, index);
    this.#fifo[index] = e;
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
    this.#kill(e);
    this.#live--;
    const grp = e.group as MaskGroup;
    if (!this.#groups.includes(grp)) return;
    if (grp.remove(e.hash, e.index) && grp.size === 0) this.#groups = this.#groups.filter((x) => x !== grp);
  }

  /** Marks an entry dead and clears its row's serial, so EMC slots pointing at it miss. */
  #kill(e: MegaflowEntry): void {
    this.stats[e.index * MF_STRIDE + MF_SERIAL] = 0;
    e.dead = true;
  }

  /** Drops every entry (they become dead, so EMC slots pointing at them miss). */
  flush(): void {
    for (let i = 0; i < this.#count; i++) {
      const e = this.#fifo[(this.#head + i) % this.capacity];
      if (e && !e.dead) {
        this.#retire(e);
        this.#kill(e);
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
    for (const g of this.#groups) for (const i of g.indices()) out.push(this.#fifo[i]!);
    return out;
  }

  /** Halves every group's hit count, so the order follows recent traffic. */
  #decay(): void {
    this.#sinceSort = 0;
    this.#groups.sort((a, b) => b.hits - a.hits);
    for (const g of this.#groups) g.hits >>>= 1;
  }
}

/** Int32 words per exact-match slot: the key, then the megaflow's row, its serial and its single output port. */
export const EMC_STRIDE = 16;
/** An insert that would evict a live slot does so once in this many tries (a power of two). */
export const EMC_REPLACE_ODDS = 64;
export const EMC_ROW = INGRESS_WORD_COUNT;
export const EMC_SERIAL = INGRESS_WORD_COUNT + 1;
export const EMC_OUT = INGRESS_WORD_COUNT + 2;

/**
 * Keyed by an ingress key (`extractIngressHashed`: the 20 words a packet can set, packed into
 * INGRESS_WORD_COUNT int32 words) and its hash. Words outside the ingress key (metadata, registers) are zero
 * for every packet entering the switch, so the ingress key identifies the full flow key. An
 * untagged IPv4 frame is keyed by its raw key instead (`extractRawIpv4Hashed`), which determines
 * its ingress key and never equals one, so both kinds share the slots.
 *
 * Two-way: a key may live in two slots, one from the hash's low bits and one from its high bits
 * (as Open vSwitch's EMC probes two hash segments), so two flows whose first slots collide do not
 * evict each other on every packet. A lookup tries the first slot, then the second; an insert
 * takes a free or dead slot of the two, else, once in EMC_REPLACE_ODDS tries, replaces one of
 * them chosen by a hash bit: with more flows than slots, replacing on every insert would evict
 * the flows the cache still holds for ones it cannot keep either.
 * A slot points at a megaflow by row and serial (see the design note above), not by reference.
 */
/** First word of a key's first EMC slot (`mask` = slots - 1). */
export function emcFirstSlot(hash: number, mask: number): number {
  return (hash & mask) * EMC_STRIDE;
}

/** First word of a key's second EMC slot: the hash's halves swapped, so two keys that share one slot rarely share both. */
export function emcSecondSlot(hash: number, mask: number): number {
  return (((hash >>> 16) | (hash << 16)) & mask) * EMC_STRIDE;
}

/** Whether the EMC slot at `b` holds the ingress key `ik`: every key word, most variable first, unrolled (liveness is the caller's check). */
export function emcSlotHolds(k: Int32Array, b: number, ik: Int32Array): boolean {
  return k[b] === ik[0] && k[b + 1] === ik[1] && k[b + 2] === ik[2] && k[b + 3] === ik[3] && k[b + 4] === ik[4] && k[b + 5] === ik[5] &&
    k[b + 6] === ik[6] && k[b + 7] === ik[7] && k[b + 8] === ik[8] && k[b + 9] === ik[9] && k[b + 10] === ik[10] && k[b + 11] === ik[11] &&
    k[b + 12] === ik[12];
}

/**
 * `emcSlotHolds` for a raw key passed as its words (in `extractRawIpv4Hashed`'s order: key word
 * 0 is `w8`, 1 `w7`, ... 10 `w6`; words 11 and 12 of a raw key are zero), so the switch can
 * compare the values it has just read without storing them first.
 */
export function emcSlotHoldsRaw(k: Int32Array, b: number, w8: number, w7: number, w9: number, w0: number, w2: number, port: number, tunId: number,
  w1: number, typeVer: number, fragTtlProto: number, w6: number): boolean {
  return k[b] === w8 && k[b + 1] === w7 && k[b + 2] === w9 && k[b + 3] === w0 && k[b + 4] === w2 && k[b + 5] === port && k[b + 6] === tunId &&
    k[b + 7] === w1 && k[b + 8] === typeVer && k[b + 9] === fragTtlProto && k[b + 10] === w6 && k[b + 11] === 0 && k[b + 12] === 0;
}

/** Whether the EMC slot at `b` points at a live megaflow: its serial is set and still its row's. */
export function emcSlotLive(k: Int32Array, stats: Float64Array, b: number): boolean {
  return k[b + EMC_SERIAL] !== 0 && stats[k[b + EMC_ROW]! * MF_STRIDE + MF_SERIAL] === k[b + EMC_SERIAL];
}

export class ExactMatchCache {
  readonly slots: number;
  /** EMC_STRIDE words per slot; a slot whose serial is 0 is empty. */
  readonly words: Int32Array;
  readonly #megaflows: MegaflowCache;
  readonly #stats: Float64Array;
  /** Hits found by `lookup`, or by the switch's general per-packet path. */
  hits = 0;
  /** Hits taken by the switch's inline raw-key path (OpenFlowSwitch.push), counted apart so a test can tell that path ran. */
  rawHits = 0;
  misses = 0;
  replacements = 0;
  /** Inserts that found both slots live and left them (see `insert`). */
  replacementsSkipped = 0;
  #used = 0;
  /** xorshift32 state for the replacement odds: a fixed seed keeps runs reproducible. */
  #rng = 0x9e3779b9 | 0;

  constructor(megaflows: MegaflowCache, slots = 8192) {
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`exact-match cache: slots must be a power of two of at least 2, got ${slots}`);
    this.slots = slots;
    this.words = new Int32Array(slots * EMC_STRIDE);
    this.#megaflows = megaflows;
    this.#stats = megaflows.stats;
    megaflows.onSerialWrap = () => this.flush();
  }

  /** Slots filled at last touch, live or not (the gauge). */
  get size(): number {
    return this.#used;
  }

  /** Lookups made: hits and misses are what the hot path counts, one of them per packet. */
  get lookups(): number {
    return this.hits + this.rawHits + this.misses;
  }

  /** The first word of the live slot holding `ik`, or -1. Does not count: the caller counts hits and misses. */
  find(ik: Int32Array, hash: number): number {
    const mask = this.slots - 1;
    const a = emcFirstSlot(hash, mask);
    if (this.#matches(ik, a)) return a;
    const b = emcSecondSlot(hash, mask);
    return this.#matches(ik, b) ? b : -1;
  }

  /** Whether the slot at `at` holds a live megaflow. */
  #isLive(at: number): boolean {
    return emcSlotLive(this.words, this.#stats, at);
  }

  /** Looks up an ingress key in its two slots; returns its megaflow or null (counted). */
  lookup(ik: Int32Array, hash: number): MegaflowEntry | null {
    const at = this.find(ik, hash);
    if (at < 0) {
      this.misses++;
      return null;
    }
    this.hits++;
    return this.#megaflows.entryAt(this.words[at + EMC_ROW]!);
  }

  /** Whether the slot at `b` holds `ik` and is live. */
  #matches(ik: Int32Array, b: number): boolean {
    const k = this.words;
    return emcSlotHolds(k, b, ik) && emcSlotLive(k, this.#stats, b);
  }

  insert(ik: Int32Array, hash: number, e: MegaflowEntry): void {
    const mask = this.slots - 1;
    const first = emcFirstSlot(hash, mask);
    const second = emcSecondSlot(hash, mask);
    const k = this.words;
    let at: number;
    if (k[first + EMC_SERIAL] === 0) at = first;
    else if (k[second + EMC_SERIAL] === 0) at = second;
    else {
      // Both slots used: replace one only now and then, so more flows than slots do not evict
      // each other on every packet (Open vSwitch's emc-insert-inv-prob, 1 in 100 there). The odds
      // come first: telling a live slot from a dead one reads its megaflow's row, a cache miss.
      let x = this.#rng;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.#rng = x;
      if ((x & (EMC_REPLACE_ODDS - 1)) !== 0) {
        this.replacementsSkipped++;
        return;
      }
      if (!this.#isLive(first)) at = first;
      else if (!this.#isLive(second)) at = second;
      else at = (hash & 0x8000) === 0 ? first : second;
    }
    if (k[at + EMC_SERIAL] === 0) this.#used++;
    else this.replacements++;
    for (let i = 0; i < INGRESS_WORD_COUNT; i++) k[at + i] = ik[i]!;
    k[at + EMC_ROW] = e.index;
    k[at + EMC_SERIAL] = e.serial;
    k[at + EMC_OUT] = e.outPort;
  }

  flush(): void {
    this.words.fill(0);
    this.#used = 0;
  }
}
