/**
 * LPM lookups per second on the DIR-24-8, DXR and Poptrie tables with 1k and 800k prefixes, random addresses.
 * Prefix lengths follow a routing-table-like mix: 60% /24, 35% /16-/23, 0.5% /8-/15 and 1%
 * longer than /24 (each of those takes a second-level group). Addresses are uniform over the
 * whole IPv4 space, so most lookups miss every cache: this measures memory latency as much as
 * code. Baselines: bench/c/lpm.c (DIR-24-8), bench/c/lpm-dxr.c (DXR) and bench/c/lpm-poptrie.c
 * (Poptrie), the last two one at a time and in batches, the same layout, encoding, prefixes and
 * addresses in C; both sides sum one pass of lookups, and a different sum is reported as a note.
 * The DXR and Poptrie rows note the bytes the lookup reads, how fast the table was built by
 * single inserts, and (at 800k) the update rate and the time of a /8 insert and delete.
 */
import { Dir248Lpm } from '../../src/netfns/lpm/dir24-8.js';
import { DxrLpm } from '../../src/netfns/lpm/dxr.js';
import { PoptrieLpm } from '../../src/netfns/lpm/poptrie.js';
import { measure, round } from '../lib.js';
const ADDRS = 1 << 20;
const STEP = 1 << 16;
const MAX_GROUPS = 16384;
/** xorshift32, the same sequence as bench/c/lpm.c. */
class XorShift {
    #s;
    constructor(seed) {
        this.#s = seed >>> 0;
    }
    next() {
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
function randomLen(r) {
    const x = r.next() % 1000;
    if (x < 5)
        return 8 + (r.next() % 8);
    if (x < 350)
        return 16 + (r.next() % 8);
    if (x < 990)
        return 24;
    return 25 + (r.next() % 8);
}
/** A table filled like the C baseline's. */
export function benchTable(prefixes) {
    return fill(new Dir248Lpm({ maxPrefixes: prefixes, maxTbl8Groups: MAX_GROUPS }), prefixes);
}
/** Fills `t` with the C baselines' prefixes and next hops (65,536 distinct next hops). */
function fill(t, prefixes) {
    const r = new XorShift(0x12345678);
    for (let i = 0; i < prefixes; i++) {
        const len = randomLen(r);
        const prefix = (r.next() & ((0xffff_ffff << (32 - len)) >>> 0)) >>> 0;
        t.insert(prefix, len, i % 65536);
    }
    return t;
}
export function benchAddresses() {
    const r = new XorShift(0x9e3779b9);
    const a = new Uint32Array(ADDRS);
    for (let i = 0; i < ADDRS; i++)
        a[i] = r.next();
    return a;
}
// One loop per table class, so each call site sees one class, as in a real user of either.
function dirLookups(t, addrs, from, n) {
    let sum = 0;
    for (let i = from; i < from + n; i++)
        sum += t.lookup(addrs[i]);
    return sum;
}
function dxrLookups(t, addrs, from, n) {
    let sum = 0;
    for (let i = from; i < from + n; i++)
        sum += t.lookup(addrs[i]);
    return sum;
}
function poptrieLookups(t, addrs, from, n) {
    let sum = 0;
    for (let i = from; i < from + n; i++)
        sum += t.lookup(addrs[i]);
    return sum;
}
function lookups(t, addrs, from, n) {
    if (t instanceof DxrLpm)
        return dxrLookups(t, addrs, from, n);
    if (t instanceof PoptrieLpm)
        return poptrieLookups(t, addrs, from, n);
    return dirLookups(t, addrs, from, n);
}
/**
 * Update rates on a filled table: the first `n` prefixes of the fill deleted and inserted again
 * (each a delete and an insert), and a /8 over the table inserted and deleted.
 */
function updateRates(t, n) {
    const r = new XorShift(0x12345678);
    const prefixes = new Uint32Array(n);
    const lens = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
        lens[i] = randomLen(r);
        prefixes[i] = (r.next() & ((0xffff_ffff << (32 - lens[i])) >>> 0)) >>> 0;
    }
    const size = t.size;
    let refused = 0;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
        const hop = t.get(prefixes[i], lens[i]);
        if (hop < 0)
            continue;
        t.delete(prefixes[i], lens[i]);
        if (t.insert(prefixes[i], lens[i], hop) !== 'added')
            refused++;
    }
    const perSecond = (2 * n) / ((performance.now() - started) / 1000);
    // A /8 the table does not hold, so deleting it puts the table back as it was.
    let slash8 = 1 << 24;
    while (t.get(slash8, 8) >= 0)
        slash8 += 1 << 24;
    const slash8Started = performance.now();
    if (t.insert(slash8, 8, 1) !== 'added')
        refused++;
    const slash8Inserted = performance.now();
    t.delete(slash8, 8);
    const slash8Deleted = performance.now();
    const broken = refused > 0 || t.size !== size ? ` (${refused} re-inserts refused, size ${size} -> ${t.size})` : '';
    return `${Math.round(perSecond / 1000)}k updates/s (delete and re-insert of ${n} held prefixes), a /8 inserted in ${(slash8Inserted - slash8Started).toFixed(1)} ms and deleted in ${(slash8Deleted - slash8Inserted).toFixed(1)} ms${broken}`;
}
function dxrBatchLookups(t, views, view, out) {
    t.lookupBatch(views[view], out, STEP);
    let sum = 0;
    for (let i = 0; i < STEP; i++)
        sum += out[i];
    return sum;
}
function poptrieBatchLookups(t, views, view, out) {
    t.lookupBatch(views[view], out, STEP);
    let sum = 0;
    for (let i = 0; i < STEP; i++)
        sum += out[i];
    return sum;
}
function batchLookups(t, views, view, out) {
    return t instanceof DxrLpm ? dxrBatchLookups(t, views, view, out) : poptrieBatchLookups(t, views, view, out);
}
const ROWS = [
    ['lpm.dir24-8.lookup.1k-prefixes', 'dir24-8', 1000],
    ['lpm.dir24-8.lookup.800k-prefixes', 'dir24-8', 800_000],
    ['lpm.dxr.lookup.1k-prefixes', 'dxr', 1000],
    ['lpm.dxr.lookup.800k-prefixes', 'dxr', 800_000],
    ['lpm.dxr.batch.800k-prefixes', 'dxr-batch', 800_000],
    ['lpm.poptrie.lookup.1k-prefixes', 'poptrie', 1000],
    ['lpm.poptrie.lookup.800k-prefixes', 'poptrie', 800_000],
    ['lpm.poptrie.batch.800k-prefixes', 'poptrie-batch', 800_000],
];
/** The Poptrie shape the rows measure (and pass to the C baseline): 19 direct bits, stride 5 (the fastest here, see poptrie.ts). */
const POPTRIE_DIRECT_BITS = 19;
const POPTRIE_STRIDE = 5;
export const lpmSuite = {
    name: 'lpm',
    async run(ctx) {
        const rows = [];
        const addrs = benchAddresses();
        // One view per step, made once, for the batch rows.
        const views = Array.from({ length: ADDRS / STEP }, (_, i) => addrs.subarray(i * STEP, (i + 1) * STEP));
        const out = new Int32Array(STEP);
        const dxrTables = new Map();
        const poptrieTables = new Map();
        for (const [id, kind, prefixes] of ROWS) {
            if (!ctx.wants(id))
                continue;
            ctx.progress(id);
            let t;
            let about;
            if (kind === 'dir24-8') {
                const d = benchTable(prefixes);
                t = d;
                about = `${d.size} prefixes, ${d.tbl8GroupsInUse} tbl8 groups`;
            }
            else if (kind === 'poptrie' || kind === 'poptrie-batch') {
                let built = poptrieTables.get(prefixes);
                if (built === undefined) {
                    const started = performance.now();
                    const table = fill(new PoptrieLpm({ maxPrefixes: prefixes, maxTbl8Groups: MAX_GROUPS, directBits: POPTRIE_DIRECT_BITS, stride: POPTRIE_STRIDE }), prefixes);
                    built = { table, insertsPerSecond: prefixes / ((performance.now() - started) / 1000) };
                    poptrieTables.set(prefixes, built);
                }
                const p = built.table;
                t = p;
                const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
                const direct = 4 * 2 ** p.directBits;
                const live = 4 * p.poolWordsInUse;
                about = `${p.size} prefixes, s=${p.directBits} k=${p.stride}, ${p.nodesInUse} nodes, ${p.leavesInUse} leaves, lookup reads ${mib(p.lookupBytes)} MiB (direct ${mib(direct)}, blocks ${mib(live)}, holes and count table ${mib(p.lookupBytes - direct - live)})`;
                if (kind === 'poptrie' && prefixes > 1000)
                    about += `; filled by single inserts at ${Math.round(built.insertsPerSecond / 1000)}k/s; ${updateRates(p, 20_000)}`;
            }
            else {
                let built = dxrTables.get(prefixes);
                if (built === undefined) {
                    const started = performance.now();
                    const table = fill(new DxrLpm({ maxPrefixes: prefixes, maxTbl8Groups: MAX_GROUPS }), prefixes);
                    built = { table, insertsPerSecond: prefixes / ((performance.now() - started) / 1000) };
                    dxrTables.set(prefixes, built);
                }
                t = built.table;
                const d = built.table;
                about = `${d.size} prefixes, ${d.rangesInUse} ranges, ${d.nextHopsInUse} next-hop indexes, lookup reads ${(d.lookupBytes / 2 ** 20).toFixed(1)} MiB`;
                if (kind === 'dxr' && prefixes > 1000)
                    about += `; filled by single inserts at ${Math.round(built.insertsPerSecond / 1000)}k/s; ${updateRates(d, 20_000)}`;
            }
            const checksum = lookups(t, addrs, 0, ADDRS);
            let cursor = 0;
            // The sums go to a captured variable, so the lookups cannot be optimised away.
            let sink = 0;
            const batched = kind === 'dxr-batch' || kind === 'poptrie-batch' ? t : null;
            const r = measure(batched === null
                ? () => {
                    sink += lookups(t, addrs, cursor, STEP);
                    cursor = (cursor + STEP) & (ADDRS - 1);
                    return STEP;
                }
                : () => {
                    sink += batchLookups(batched, views, cursor / STEP, out);
                    cursor = (cursor + STEP) & (ADDRS - 1);
                    return STEP;
                }, ctx.seconds, ctx.warmupSeconds);
            let batchSum = checksum;
            if (batched !== null) {
                batchSum = 0;
                for (let v = 0; v < views.length; v++)
                    batchSum += batchLookups(batched, views, v, out);
            }
            const c = kind === 'dir24-8'
                ? ctx.runC('lpm', [prefixes, ctx.seconds, ctx.warmupSeconds])
                : kind === 'dxr' || kind === 'dxr-batch'
                    ? ctx.runC('lpm-dxr', [prefixes, ctx.seconds, ctx.warmupSeconds, kind === 'dxr' ? 'lookup' : 'batch'])
                    : ctx.runC('lpm-poptrie', [prefixes, ctx.seconds, ctx.warmupSeconds, kind === 'poptrie' ? 'lookup' : 'batch', POPTRIE_DIRECT_BITS, POPTRIE_STRIDE]);
            const value = r.pps / 1e6;
            const base = c.ok && typeof c.value.mlookups === 'number' ? c.value.mlookups : null;
            const notes = [
                c.ok ? undefined : `no C baseline: ${c.reason}`,
                c.ok && c.value.checksum !== checksum ? `lookup sums differ: JS ${checksum}, C ${c.value.checksum}` : undefined,
                batchSum !== checksum ? `batch and single lookups differ: ${batchSum}, ${checksum}` : undefined,
                c.ok && kind !== 'dir24-8' && typeof c.value.bytes === 'number' ? `C lookup reads ${(c.value.bytes / 2 ** 20).toFixed(1)} MiB` : undefined,
                about,
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
//# sourceMappingURL=lpm.js.map