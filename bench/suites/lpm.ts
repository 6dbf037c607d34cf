/**
 * LPM lookups per second on the DIR-24-8 table with 1k and 800k prefixes, random addresses.
 * Prefix lengths follow a routing-table-like mix: 60% /24, 35% /16-/23, 0.5% /8-/15 and 1%
 * longer than /24 (each of those takes a second-level group). Addresses are uniform over the
 * whole IPv4 space, so most lookups miss every cache: this measures memory latency as much as
 * code. Baseline: bench/c/lpm.c, the same layout, encoding, prefixes and addresses in C; both
 * sides sum one pass of lookups, and a different sum is reported as a note.
 */
import { Dir248Lpm } from '../../src/netfns/lpm/dir24-8.js';
import { type BenchContext, type Row, type Suite, measure, round } from '../lib.js';

const ADDRS = 1 << 20;
const STEP = 1 << 16;
const MAX_GROUPS = 16384;

/** xorshift32, the same sequence as bench/c/lpm.c. */
class XorShift {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let s = this.#s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.#s = s;
    return s;
  }
}

function randomLen(r: XorShift): number {
  const x = r.next() % 1000;
  if (x < 5) return 8 + (r.next() % 8);
  if (x < 350) return 16 + (r.next() % 8);
  if (x < 990) return 24;
  return 25 + (r.next() % 8);
}

/** A table filled like the C baseline's. */
export function benchTable(prefixes: number): Dir248Lpm {
  const t = new Dir248Lpm({ maxPrefixes: prefixes, maxTbl8Groups: MAX_GROUPS });
  const r = new XorShift(0x12345678);
  for (let i = 0; i < prefixes; i++) {
    const len = randomLen(r);
    const prefix = (r.next() & ((0xffff_ffff << (32 - len)) >>> 0)) >>> 0;
    t.insert(prefix, len, i % 65536);
  }
  return t;
}

export function benchAddresses(): Uint32Array {
  const r = new XorShift(0x9e3779b9);
  const a = new Uint32Array(ADDRS);
  for (let i = 0; i < ADDRS; i++) a[i] = r.next();
  return a;
}

function lookups(t: Dir248Lpm, addrs: Uint32Array, from: number, n: number): number {
  let sum = 0;
  for (let i = from; i < from + n; i++) sum += t.lookup(addrs[i]!);
  return sum;
}

export const lpmSuite: Suite = {
  name: 'lpm',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const [id, prefixes] of [['lpm.dir24-8.lookup.1k-prefixes', 1000], ['lpm.dir24-8.lookup.800k-prefixes', 800_000]] as const) {
      if (!ctx.wants(id)) continue;
      ctx.progress(id);
      const t = benchTable(prefixes);
      const addrs = benchAddresses();
      const checksum = lookups(t, addrs, 0, ADDRS);
      let cursor = 0;
      // The sums go to a captured variable, so the lookups cannot be optimised away.
      let sink = 0;
      const r = measure(
        () => {
          sink += lookups(t, addrs, cursor, STEP);
          cursor = (cursor + STEP) & (ADDRS - 1);
          return STEP;
        },
        ctx.seconds,
        ctx.warmupSeconds,
      );
      const c = ctx.runC('lpm', [prefixes, ctx.seconds, ctx.warmupSeconds]);
      const value = r.pps / 1e6;
      const base = c.ok && typeof c.value.mlookups === 'number' ? c.value.mlookups : null;
      const notes = [
        c.ok ? undefined : `no C baseline: ${c.reason}`,
        c.ok && c.value.checksum !== checksum ? `lookup sums differ: JS ${checksum}, C ${c.value.checksum}` : undefined,
        `${t.size} prefixes, ${t.tbl8GroupsInUse} tbl8 groups`,
      ].filter((x) => x !== undefined);
      rows.push({
        id,
        unit: 'Mlookups/s',
        value: round(value),
        nsPerPacket: round(1e9 / r.pps),
        baseline: base === null ? null : { name: 'c', value: round(base) },
        ratio: base === null ? null : round(value / base),
        note: notes.join('; '),
      });
      await Promise.resolve();
    }
    return rows;
  },
};
