/**
 * Longest-prefix match over IPv4: the interface every LPM table implements, and the linear
 * reference the fast tables are checked against.
 *
 * Addresses and prefixes are uint32 numbers; next hops are small integers (0 to
 * `LPM_MAX_NEXT_HOP`) that the caller maps to whatever a route means. Host bits of an inserted
 * prefix are cleared, as the route it stands for covers the whole network. Tables are bounded:
 * an insert past `maxPrefixes` (or past an implementation's own limits) is refused, counted in
 * `overflow`, and leaves the table as it was. Replacing the next hop of a prefix already held is
 * always allowed. Argument errors (a length above 32, a next hop out of range) throw.
 */
import { prefixMask } from '../../wire/ipv4-addr.js';

/** Largest next-hop id a table stores (24 bits). */
export const LPM_MAX_NEXT_HOP = 0xff_ffff;

export type LpmInsertResult =
  /** A new prefix. */
  | 'added'
  /** The prefix was there; its next hop changed. */
  | 'replaced'
  /** `maxPrefixes` reached. */
  | 'table-full'
  /** DIR-24-8: no free second-level group for a prefix longer than /24. */
  | 'tbl8-full'
  /** DXR: the range table has no room for the ranges the prefix splits its chunks into. */
  | 'ranges-full'
  /** DXR: no free next-hop index for a next hop no other prefix uses. */
  | 'next-hops-full'
  /** Poptrie: the pool has no room for the nodes and leaves the prefix's chunks need. */
  | 'pool-full';

export interface LpmEntry {
  readonly prefix: number;
  readonly len: number;
  readonly nextHop: number;
}

export interface LpmTable {
  readonly maxPrefixes: number;
  /** Prefixes held (the gauge). */
  readonly size: number;
  /** Inserts refused for lack of room (the overflow counter). */
  readonly overflow: number;
  insert(prefix: number, len: number, nextHop: number): LpmInsertResult;
  /** Removes exactly `prefix/len`; returns whether it was there. */
  delete(prefix: number, len: number): boolean;
  /** The next hop of exactly `prefix/len`, or -1. */
  get(prefix: number, len: number): number;
  /** The next hop of the longest prefix covering `addr`, or -1 when none does. */
  lookup(addr: number): number;
  /** Every prefix, shortest first, then by address. */
  entries(): LpmEntry[];
  clear(): void;
}

/** Checks the arguments every implementation shares; returns the prefix with its host bits cleared. */
export function checkPrefix(what: string, prefix: number, len: number): number {
  if (!Number.isInteger(len) || len < 0 || len > 32) throw new RangeError(`${what}: prefix length must be an integer 0-32, got ${len}`);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 0xffff_ffff) throw new RangeError(`${what}: prefix must be a uint32, got ${prefix}`);
  return (prefix & prefixMask(len)) >>> 0;
}

export function checkNextHop(what: string, nextHop: number): void {
  if (!Number.isInteger(nextHop) || nextHop < 0 || nextHop > LPM_MAX_NEXT_HOP) throw new RangeError(`${what}: next hop must be an integer 0-${LPM_MAX_NEXT_HOP}, got ${nextHop}`);
}

export function checkMaxPrefixes(what: string, maxPrefixes: number): void {
  if (!Number.isInteger(maxPrefixes) || maxPrefixes < 1) throw new RangeError(`${what}: maxPrefixes must be a positive integer, got ${maxPrefixes}`);
}

export function compareEntries(a: LpmEntry, b: LpmEntry): number {
  return a.len - b.len || a.prefix - b.prefix;
}

/** The reference: a list scanned in full on every lookup. Obviously right, and slow. */
export class LinearLpm implements LpmTable {
  readonly maxPrefixes: number;
  readonly #entries: LpmEntry[] = [];
  overflow = 0;

  constructor(maxPrefixes = 1024) {
    checkMaxPrefixes('linear lpm', maxPrefixes);
    this.maxPrefixes = maxPrefixes;
  }

  get size(): number {
    return this.#entries.length;
  }

  insert(prefix: number, len: number, nextHop: number): LpmInsertResult {
    const p = checkPrefix('linear lpm insert', prefix, len);
    checkNextHop('linear lpm insert', nextHop);
    const i = this.#find(p, len);
    if (i >= 0) {
      this.#entries[i] = { prefix: p, len, nextHop };
      return 'replaced';
    }
    if (this.#entries.length >= this.maxPrefixes) {
      this.overflow++;
      return 'table-full';
    }
    this.#entries.push({ prefix: p, len, nextHop });
    return 'added';
  }

  delete(prefix: number, len: number): boolean {
    const i = this.#find(checkPrefix('linear lpm delete', prefix, len), len);
    if (i < 0) return false;
    this.#entries.splice(i, 1);
    return true;
  }

  get(prefix: number, len: number): number {
    const i = this.#find(checkPrefix('linear lpm get', prefix, len), len);
    return i < 0 ? -1 : this.#entries[i]!.nextHop;
  }

  lookup(addr: number): number {
    let best = -1;
    let bestLen = -1;
    for (const e of this.#entries) {
      if (e.len > bestLen && ((addr & prefixMask(e.len)) >>> 0) === e.prefix) {
        best = e.nextHop;
        bestLen = e.len;
      }
    }
    return best;
  }

  entries(): LpmEntry[] {
    return [...this.#entries].sort(compareEntries);
  }

  clear(): void {
    this.#entries.length = 0;
  }

  #find(prefix: number, len: number): number {
    return this.#entries.findIndex((e) => e.prefix === prefix && e.len === len);
  }
}
