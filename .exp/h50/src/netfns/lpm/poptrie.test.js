import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoptrieLpm } from './poptrie.js';
import { Dir248Lpm } from './dir24-8.js';
import { assertSplitChunkAnswers, lpmConformance, lpmDifferential } from '../../testing/lpm-suite.js';
import { parseIpv4Addr as a } from '../../wire/ipv4-addr.js';
import { rng } from '../../wire/spec-fixtures.js';
lpmConformance('PoptrieLpm', (maxPrefixes) => new PoptrieLpm({ maxPrefixes, maxTbl8Groups: 64, maxPoolWords: 1 << 16 }));
lpmConformance('PoptrieLpm with 18 direct bits and stride 6', (maxPrefixes) => new PoptrieLpm({ maxPrefixes, maxTbl8Groups: 64, directBits: 18, stride: 6, maxPoolWords: 1 << 16 }));
test('Poptrie agrees with the linear reference over random tables with deletes, default routes and /32s', () => {
    for (let seed = 1; seed <= 10; seed++)
        lpmDifferential(new PoptrieLpm({ maxPrefixes: 400, maxTbl8Groups: 512, maxPoolWords: 1 << 17 }), seed, 600);
});
test('Poptrie agrees with the linear reference at every direct width and both strides', () => {
    let seed = 20;
    for (const directBits of [16, 18, 19, 20]) {
        for (const stride of [5, 6]) {
            lpmDifferential(new PoptrieLpm({ maxPrefixes: 400, maxTbl8Groups: 512, directBits, stride, maxPoolWords: 1 << 17 }), seed++, 500);
        }
    }
});
/** Fills both tables with the same dense random prefixes inside 10.0.0.0/12, deleting every third. */
function denseTables(seed, options) {
    const pop = new PoptrieLpm({ maxTbl8Groups: 1024, ...options });
    const dir = new Dir248Lpm({ maxTbl8Groups: 1024 });
    const next = rng(seed);
    const held = [];
    for (let i = 0; i < 8000; i++) {
        const r = next() % 100;
        const len = r < 2 ? 9 + (next() % 4) : r < 40 ? 13 + (next() % 11) : r < 95 ? 24 : 25 + (next() % 8);
        const prefix = (a('10.0.0.0') | (next() & 0x000f_ffff)) >>> 0;
        const nh = next() % 300;
        const res = dir.insert(prefix, len, nh);
        assert.equal(pop.insert(prefix, len, nh), res);
        if (res === 'added')
            held.push([prefix, len]);
        if (i % 3 === 0) {
            const [p, l] = held.splice(next() % held.length, 1)[0];
            assert.equal(pop.delete(p, l), dir.delete(p, l));
        }
    }
    return [pop, dir];
}
test('a dense table answers like DIR-24-8, one at a time and in batches', () => {
    for (const [seed, options] of [[99, {}], [98, { directBits: 18, stride: 6 }], [97, { directBits: 16, stride: 6 }]]) {
        const [pop, dir] = denseTables(seed, options);
        const next = rng(seed + 1000);
        const addrs = new Uint32Array(100_000);
        for (let i = 0; i < addrs.length; i++)
            addrs[i] = (a('10.0.0.0') | (next() & 0x001f_ffff)) >>> 0;
        const out = new Int32Array(addrs.length);
        pop.lookupBatch(addrs, out, addrs.length);
        for (let i = 0; i < addrs.length; i++) {
            const want = dir.lookup(addrs[i]);
            assert.equal(pop.lookup(addrs[i]), want, `address ${addrs[i]}`);
            assert.equal(out[i], want, `batch, address ${addrs[i]}`);
        }
        assert.equal(pop.size, dir.size);
        assert.deepEqual(pop.entries(), dir.entries());
        assert.equal(pop.fallbackChunks, 0);
        // A /12 is 64 /18 chunks (128 /19s, 16 /16s): their blocks hold well under a megabyte.
        assert.ok(pop.nodesInUse > 0 && pop.poolWordsInUse * 4 < 1 << 20, `nodes ${pop.nodesInUse}, words ${pop.poolWordsInUse}`);
    }
});
test('a batch lookup leaves the outputs past n alone and answers the default route', () => {
    const t = new PoptrieLpm();
    t.insert(a('10.1.2.0'), 24, 5);
    t.insert(a('10.1.2.128'), 27, 6);
    t.insert(0, 0, 9);
    const out = new Int32Array(4).fill(-7);
    t.lookupBatch(new Uint32Array([a('10.1.2.1'), a('10.1.2.130'), a('11.0.0.0'), a('10.1.2.1')]), out, 3);
    assert.deepEqual([...out], [5, 6, 9, -7]);
    assert.throws(() => t.lookupBatch(new Uint32Array(2), out, 3), /n must be/);
});
test('a /8 over many longer prefixes, then deleted, restores the previous answers', () => {
    const t = new PoptrieLpm({ directBits: 18 });
    const next = rng(5);
    for (let i = 0; i < 5000; i++) {
        const len = i % 10 === 0 ? 25 + (next() % 8) : 16 + (next() % 9);
        t.insert((a('10.0.0.0') | (next() & 0x00ff_ffff)) >>> 0, len, next() % 1000);
    }
    const addrs = new Uint32Array(50_000);
    for (let i = 0; i < addrs.length; i++)
        addrs[i] = (a('10.0.0.0') | (next() & 0x00ff_ffff)) >>> 0;
    const before = new Int32Array(addrs.length);
    t.lookupBatch(addrs, before, addrs.length);
    const words = t.poolWordsInUse;
    const nodes = t.nodesInUse;
    const leaves = t.leavesInUse;
    assert.ok(before.some((x) => x === -1), 'some addresses are covered by nothing');
    assert.equal(t.insert(a('10.0.0.0'), 8, 4242), 'added');
    for (let i = 0; i < addrs.length; i++)
        assert.equal(t.lookup(addrs[i]), before[i] === -1 ? 4242 : before[i], `address ${addrs[i]} under the /8`);
    assert.equal(t.delete(a('10.0.0.0'), 8), true);
    for (let i = 0; i < addrs.length; i++)
        assert.equal(t.lookup(addrs[i]), before[i], `address ${addrs[i]} after the /8 went`);
    assert.equal(t.poolWordsInUse, words);
    assert.equal(t.nodesInUse, nodes);
    assert.equal(t.leavesInUse, leaves);
});
test('a full pool refuses the insert, counts it, and leaves the table as it was', () => {
    // Stride 6 over 18 direct bits: a /24 makes its /18 chunk a flat root, two words of leafvec and three 16-bit leaves.
    const t = new PoptrieLpm({ maxPoolWords: 8, directBits: 18, stride: 6 });
    assert.equal(t.insert(a('10.0.1.0'), 24, 1), 'added');
    assert.equal(t.insert(a('10.1.1.0'), 24, 2), 'added');
    assert.equal(t.poolWordsInUse, 8);
    assert.equal(t.nodesInUse, 2);
    assert.equal(t.leavesInUse, 6);
    assert.equal(t.insert(a('10.2.1.0'), 24, 3), 'pool-full');
    assert.equal(t.overflow, 1);
    assert.equal(t.poolOverflow, 1);
    assert.equal(t.size, 2);
    assert.equal(t.get(a('10.2.1.0'), 24), -1);
    assert.equal(t.lookup(a('10.2.1.1')), -1);
    // A prefix over whole chunks needs no block, and a replaced next hop rebuilds in place.
    assert.equal(t.insert(a('10.3.0.0'), 16, 4), 'added');
    assert.equal(t.lookup(a('10.3.200.1')), 4);
    assert.equal(t.insert(a('10.0.1.0'), 24, 7), 'replaced');
    assert.equal(t.lookup(a('10.0.1.9')), 7);
    // A second level turns the flat root into a node (8 words), its leaf and a child with two.
    assert.equal(t.insert(a('10.0.1.0'), 25, 8), 'pool-full');
    assert.equal(t.lookup(a('10.0.1.9')), 7);
    assert.equal(t.get(a('10.0.1.0'), 25), -1);
    assert.equal(t.overflow, 2);
    t.delete(a('10.1.1.0'), 24);
    assert.equal(t.poolWordsInUse, 4);
    assert.equal(t.insert(a('10.2.1.0'), 24, 3), 'added');
    assert.equal(t.compactions, 1, 'the freed block is reclaimed by sliding the live ones down');
    assert.equal(t.lookup(a('10.2.1.1')), 3);
    assert.equal(t.lookup(a('10.0.1.1')), 7);
    assert.equal(t.overflow, 2);
});
test('a chunk with a second level answers through its nodes and leaves', () => {
    const t = new PoptrieLpm({ maxPoolWords: 64, directBits: 18, stride: 6 });
    t.insert(a('10.0.1.0'), 24, 7);
    t.insert(a('10.0.1.0'), 25, 8);
    t.insert(a('10.0.1.255'), 32, 9);
    assert.equal(t.nodesInUse, 3, 'the root, 10.0.1.0/24 and 10.0.1.252/30');
    for (const [x, hop] of [['10.0.0.255', -1], ['10.0.1.0', 8], ['10.0.1.127', 8], ['10.0.1.128', 7], ['10.0.1.254', 7], ['10.0.1.255', 9], ['10.0.2.0', -1], ['10.0.63.255', -1]]) {
        assert.equal(t.lookup(a(x)), hop, x);
    }
});
test('next hops too wide for 16-bit leaves keep a chunk in 32-bit leaves, and answer the same', () => {
    const t = new PoptrieLpm({ directBits: 18, stride: 6 });
    t.insert(a('10.0.1.0'), 24, 0xfffe);
    assert.equal(t.poolWordsInUse, 4, 'a flat root: 0xfffe fits beside the no-route value');
    t.insert(a('10.0.2.0'), 24, 0xffff);
    t.insert(a('10.0.3.0'), 24, 0xff_ffff);
    assert.equal(t.poolWordsInUse, 8 + 5, 'a root node and five 32-bit leaves: none, the three hops, none');
    const want = [['10.0.0.1', -1], ['10.0.1.1', 0xfffe], ['10.0.2.1', 0xffff], ['10.0.3.255', 0xff_ffff], ['10.0.4.0', -1]];
    for (const [x, hop] of want)
        assert.equal(t.lookup(a(x)), hop, x);
    const out = new Int32Array(want.length);
    t.lookupBatch(new Uint32Array(want.map(([x]) => a(x))), out, want.length);
    assert.deepEqual([...out], want.map(([, hop]) => hop));
    t.insert(0, 0, 3);
    assert.equal(t.lookup(a('10.0.4.0')), 3);
    t.delete(a('10.0.2.0'), 24);
    t.delete(a('10.0.3.0'), 24);
    assert.equal(t.poolWordsInUse, 4, 'back to a flat root');
    assert.equal(t.lookup(a('10.0.2.1')), 3);
    assert.equal(t.lookup(a('10.0.1.1')), 0xfffe);
});
test('a delete that needs more room than is left falls back to the control plane, and recovers', () => {
    const t = new PoptrieLpm({ maxPoolWords: 6, directBits: 18, stride: 6 });
    t.insert(a('10.0.0.0'), 17, 1);
    t.insert(a('10.0.1.0'), 24, 1);
    t.insert(a('10.0.65.0'), 24, 1);
    assert.equal(t.poolWordsInUse, 0, 'both /18 chunks under the /17 are all hop 1: direct leaves');
    // Without the /17 each chunk is none, hop 1, none: a flat root of four words each, room for six.
    assert.equal(t.delete(a('10.0.0.0'), 17), true);
    assert.equal(t.fallbackChunks, 1);
    assertSplitChunkAnswers(t);
    // Deleting a /24 frees its chunk's leaves; the chunk on the control plane is rebuilt into them.
    t.delete(a('10.0.1.0'), 24);
    assert.equal(t.fallbackChunks, 0);
    assert.equal(t.poolWordsInUse, 4);
    assert.equal(t.lookup(a('10.0.65.1')), 1);
    assert.equal(t.lookup(a('10.0.1.1')), -1);
});
test('pools are compacted when their end is reached, and every answer survives', () => {
    const t = new PoptrieLpm({ maxPoolWords: 600, directBits: 18 });
    const next = rng(3);
    const held = [];
    for (let i = 0; i < 3000; i++) {
        if (held.length > 30 || (held.length > 0 && next() % 3 === 0)) {
            const [p, l] = held.splice(next() % held.length, 1)[0];
            t.delete(p, l);
            continue;
        }
        const p = (a('10.0.0.0') | (next() & 0x003f_ffff)) >>> 0;
        const l = 20 + (next() % 13);
        const hop = next() % 100;
        if (t.insert(p, l, hop) === 'added')
            held.push([p, l, hop]);
    }
    assert.ok(t.compactions > 0, `compactions ${t.compactions}`);
    const ref = new Dir248Lpm();
    for (const e of t.entries())
        ref.insert(e.prefix, e.len, e.nextHop);
    for (let x = a('10.0.0.0'); x < a('10.64.0.0'); x += 61)
        assert.equal(t.lookup(x), ref.lookup(x), `address ${x}`);
});
test('the default route and its changes touch no node', () => {
    const t = new PoptrieLpm();
    t.insert(a('10.1.0.0'), 24, 1);
    const words = t.poolWordsInUse;
    t.insert(0, 0, 5);
    assert.equal(t.poolWordsInUse, words);
    assert.equal(t.lookup(a('10.1.0.3')), 1);
    assert.equal(t.lookup(a('10.1.1.0')), 5);
    assert.equal(t.lookup(a('10.2.0.0')), 5);
    t.delete(0, 0);
    assert.equal(t.lookup(a('10.1.1.0')), -1);
});
test('the options are checked', () => {
    assert.throws(() => new PoptrieLpm({ directBits: 21 }), /directBits/);
    assert.throws(() => new PoptrieLpm({ stride: 4 }), /stride/);
    assert.throws(() => new PoptrieLpm({ maxPoolWords: 0 }), /maxPoolWords/);
    assert.throws(() => new PoptrieLpm({ maxPoolWords: 2 ** 28 }), /maxPoolWords/);
    assert.throws(() => new PoptrieLpm({ maxPrefixes: -1 }), /maxPrefixes/);
});
//# sourceMappingURL=poptrie.test.js.map