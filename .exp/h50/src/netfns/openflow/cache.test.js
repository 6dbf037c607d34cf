import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMC_REPLACE_ODDS, ExactMatchCache, MF_PACKETS, MF_SERIAL, MF_STRIDE, MegaflowCache } from './cache.js';
import { INGRESS_WORD_COUNT } from './flow-key.js';
import { FLOW_WORDS } from './types.js';
function key(n) {
    const k = new Int32Array(INGRESS_WORD_COUNT);
    k[0] = n;
    k[INGRESS_WORD_COUNT - 1] = n * 7;
    return k;
}
function entries(mf, n) {
    const wc = new Uint32Array(FLOW_WORDS);
    wc[0] = 0xffffffff;
    return Array.from({ length: n }, (_, i) => {
        const k = new Uint32Array(FLOW_WORDS);
        k[0] = i;
        return mf.insert(k, wc, [], [], [], []);
    });
}
test('the exact-match cache keeps two keys whose first slots collide, and a third replaces one of them now and then', () => {
    const mf = new MegaflowCache(64);
    const emc = new ExactMatchCache(mf, 16);
    const [a, b, c] = entries(mf, 3);
    // Same low bits (first slot 5), different high bits (second slots 1 and 2).
    const ha = 0x0001_0005;
    const hb = 0x0002_0005;
    emc.insert(key(1), ha, a);
    emc.insert(key(2), hb, b);
    assert.equal(emc.lookup(key(1), ha), a);
    assert.equal(emc.lookup(key(2), hb), b);
    assert.equal(emc.size, 2);
    // A third key whose two slots are the two taken ones (5 and 2) replaces one of them, but only
    // once in about EMC_REPLACE_ODDS tries: the others leave both in place.
    let tries = 0;
    while (emc.lookup(key(3), hb) === null) {
        assert.ok(++tries <= 20 * EMC_REPLACE_ODDS, 'the third key never got in');
        emc.insert(key(3), hb, c);
    }
    assert.equal(emc.replacements, 1);
    assert.equal(emc.replacementsSkipped, tries - 1);
    assert.ok(tries > 1, 'a live slot is not replaced at the first try');
    const survivors = [emc.lookup(key(1), ha), emc.lookup(key(2), hb)].filter((x) => x !== null);
    assert.equal(survivors.length, 1, 'exactly one of the first two was replaced');
    // A key that is not in the cache misses even where its hash finds a slot.
    assert.equal(emc.lookup(key(9), ha), null);
});
test('an exact-match slot whose megaflow left the cache reads as a miss, and an empty slot is taken before a used one', () => {
    const mf = new MegaflowCache(64);
    const emc = new ExactMatchCache(mf, 16);
    const [a, b, c] = entries(mf, 3);
    emc.insert(key(1), 0x0001_0003, a);
    mf.remove(a);
    assert.ok(a.dead);
    assert.equal(emc.lookup(key(1), 0x0001_0003), null);
    // Slot 3 is used (by a dead entry), slot 4 is empty: the empty one is taken, nothing replaced.
    emc.insert(key(2), 0x0004_0003, b);
    assert.equal(emc.lookup(key(2), 0x0004_0003), b);
    assert.equal(emc.replacements, 0);
    // Both slots used (3 dead, 4 live): when the odds let an insert in, it takes the dead one.
    let tries = 0;
    while (emc.lookup(key(3), 0x0004_0003) === null) {
        assert.ok(++tries <= 20 * EMC_REPLACE_ODDS, 'the third key never got in');
        emc.insert(key(3), 0x0004_0003, c);
    }
    assert.equal(emc.lookup(key(2), 0x0004_0003), b, 'the live slot was kept');
    assert.equal(emc.replacements, 1);
});
test('an exact-match slot misses once its megaflow is evicted, even when a newer entry takes the same row', () => {
    const mf = new MegaflowCache(2);
    const emc = new ExactMatchCache(mf, 16);
    const [a, b] = entries(mf, 2);
    emc.insert(key(1), 0x0001_0003, a);
    emc.insert(key(2), 0x0002_0004, b);
    // A third insert evicts the oldest (a) and takes its row.
    const [c] = entries(mf, 1);
    assert.equal(c.index, a.index, 'the new entry reuses the evicted row');
    assert.ok(a.dead);
    assert.equal(emc.lookup(key(1), 0x0001_0003), null, 'the slot still names the row, but not its serial');
    assert.equal(emc.lookup(key(2), 0x0002_0004), b);
    assert.equal(mf.evictions, 1);
});
test('when megaflow serials wrap, the exact-match cache is flushed so no slot can meet its old serial again', () => {
    const mf = new MegaflowCache(8, () => { }, 0x7fff_fffe);
    const emc = new ExactMatchCache(mf, 16);
    const [a] = entries(mf, 1);
    emc.insert(key(1), 0x0001_0003, a);
    assert.equal(emc.lookup(key(1), 0x0001_0003), a);
    const [b] = entries(mf, 1);
    assert.equal(b.serial, 1, 'serials start again at 1');
    assert.equal(emc.size, 0);
    assert.equal(emc.lookup(key(1), 0x0001_0003), null);
});
test('a megaflow hit is counted in its stats row, and the row reads zero once the entry is gone', () => {
    const mf = new MegaflowCache(4);
    const [a] = entries(mf, 1);
    a.pendingPackets += 3;
    a.pendingBytes += 192;
    assert.equal(mf.stats[a.index * MF_STRIDE + MF_PACKETS], 3);
    assert.equal(a.pendingBytes, 192);
    mf.remove(a);
    assert.equal(a.pendingPackets, 0);
    assert.equal(mf.stats[a.index * MF_STRIDE + MF_SERIAL], 0);
});
test('megaflow lookups agree with a reference map through inserts, removals, evictions and growth, in two masks', () => {
    // A small cache under churn: its mask groups' slot tables grow, probe runs wrap around, and
    // removals shift later members back. Every lookup is checked against a plain Map. Word 5 of a
    // key picks its mask (both masks include it), so no key is covered under both masks.
    const capacity = 200;
    const mf = new MegaflowCache(capacity);
    const masks = [new Uint32Array(FLOW_WORDS), new Uint32Array(FLOW_WORDS)];
    masks[0][0] = 0xffffffff;
    masks[0][5] = 0xffffffff;
    masks[1][0] = 0xffff0000;
    masks[1][3] = 0x0000ffff;
    masks[1][5] = 0xffffffff;
    const reference = new Map();
    const ring = [];
    const masked = (k) => {
        const m = masks[k[5]];
        return `${k[5]}|${(k[0] & m[0]) >>> 0}:${(k[3] & m[3]) >>> 0}`;
    };
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const keyOf = () => {
        const k = new Uint32Array(FLOW_WORDS);
        // Few distinct values, so keys repeat and probe runs collide often.
        k[0] = (rnd() % 97) * 0x01010101;
        k[3] = rnd() % 13;
        k[5] = rnd() % 2;
        return k;
    };
    let removed = 0;
    for (let step = 0; step < 20_000; step++) {
        const k = keyOf();
        const id = masked(k);
        const found = mf.lookup(k);
        assert.equal(found, reference.get(id) ?? null, `step ${step}: lookup of ${id}`);
        if (found === null) {
            const e = mf.insert(k, masks[k[5]], [], [], [], []);
            reference.set(id, e);
            ring.push({ id, e });
            // Full, the cache evicts the oldest ring slot (a removed entry's too); the reference follows.
            if (ring.length > capacity) {
                const old = ring.shift();
                if (reference.get(old.id) === old.e)
                    reference.delete(old.id);
            }
        }
        else if (rnd() % 5 === 0) {
            mf.remove(found);
            reference.delete(id);
            removed++;
        }
        assert.equal(mf.size, reference.size, `step ${step}: size`);
    }
    assert.ok(removed > 1000 && mf.evictions > 1000, `removed ${removed}, evicted ${mf.evictions}`);
    assert.equal(mf.entries().length, mf.size);
    assert.equal(mf.maskCount, 2);
});
//# sourceMappingURL=cache.test.js.map