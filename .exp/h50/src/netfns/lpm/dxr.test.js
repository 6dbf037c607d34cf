import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DxrLpm } from './dxr.js';
import { Dir248Lpm } from './dir24-8.js';
import { assertSplitChunkAnswers, lpmConformance, lpmDifferential } from '../../testing/lpm-suite.js';
import { parseIpv4Addr as a } from '../../wire/ipv4-addr.js';
import { rng } from '../../wire/spec-fixtures.js';
lpmConformance('DxrLpm', (maxPrefixes) => new DxrLpm({ maxPrefixes, maxTbl8Groups: 64 }));
lpmConformance('DxrLpm with 16 direct bits', (maxPrefixes) => new DxrLpm({ maxPrefixes, maxTbl8Groups: 64, directBits: 16 }));
test('DXR agrees with the linear reference over random tables with deletes', () => {
    for (let seed = 1; seed <= 12; seed++)
        lpmDifferential(new DxrLpm({ maxPrefixes: 400, maxTbl8Groups: 512 }), seed, 600);
});
test('DXR agrees with the linear reference at 16 and 20 direct bits, and through many compactions', () => {
    for (let seed = 21; seed <= 24; seed++) {
        lpmDifferential(new DxrLpm({ maxPrefixes: 400, maxTbl8Groups: 512, directBits: 16 }), seed, 600);
        lpmDifferential(new DxrLpm({ maxPrefixes: 400, maxTbl8Groups: 512, directBits: 20 }), seed, 600);
    }
    // A range table barely larger than the 665 ranges this run holds at its peak keeps compacting.
    const tight = new DxrLpm({ maxPrefixes: 400, maxTbl8Groups: 512, maxRanges: 700 });
    lpmDifferential(tight, 31, 1500);
    assert.ok(tight.compactions >= 10, `compactions ${tight.compactions}`);
});
test('a batch lookup gives the same answers as one lookup at a time', () => {
    const t = new DxrLpm({ maxTbl8Groups: 256 });
    const next = rng(7);
    for (let i = 0; i < 3000; i++) {
        const len = i % 50 === 0 ? 8 + (next() % 8) : i % 7 === 0 ? 25 + (next() % 8) : 16 + (next() % 9);
        t.insert(next() & 0x0fff_ffff, len, next() % 1000);
    }
    t.insert(0, 0, 4242);
    const addrs = new Uint32Array(1000);
    for (let i = 0; i < addrs.length; i++)
        addrs[i] = i % 2 === 0 ? next() & 0x0fff_ffff : next();
    const out = new Int32Array(1000);
    t.lookupBatch(addrs, out, 999);
    for (let i = 0; i < 999; i++)
        assert.equal(out[i], t.lookup(addrs[i]), `address ${addrs[i]}`);
    assert.equal(out[999], 0, 'past n is left alone');
});
test('DXR answers like DIR-24-8 over a dense random table, and its chunks stay small', () => {
    const dxr = new DxrLpm({ maxTbl8Groups: 1024 });
    const dir = new Dir248Lpm({ maxTbl8Groups: 1024 });
    const next = rng(99);
    const held = [];
    // Everything inside 10.0.0.0/12 so chunks hold many ranges.
    for (let i = 0; i < 20000; i++) {
        const r = next() % 100;
        const len = r < 2 ? 9 + (next() % 4) : r < 40 ? 13 + (next() % 11) : r < 95 ? 24 : 25 + (next() % 8);
        const prefix = (a('10.0.0.0') | (next() & 0x000f_ffff)) >>> 0;
        const nh = next() % 300;
        const res = dir.insert(prefix, len, nh);
        assert.equal(dxr.insert(prefix, len, nh), res);
        if (res === 'added')
            held.push([prefix, len]);
        if (i % 3 === 0) {
            const [p, l] = held.splice(next() % held.length, 1)[0];
            assert.equal(dxr.delete(p, l), dir.delete(p, l));
        }
    }
    for (let i = 0; i < 200_000; i++) {
        const x = (a('10.0.0.0') | (next() & 0x001f_ffff)) >>> 0;
        assert.equal(dxr.lookup(x), dir.lookup(x), `address ${x}`);
    }
    assert.equal(dxr.size, dir.size);
    assert.ok(dxr.rangesInUse > 0 && dxr.lookupBytes < 4 << 20, `ranges ${dxr.rangesInUse}, bytes ${dxr.lookupBytes}`);
});
test('a default route and its changes touch no chunk', () => {
    const t = new DxrLpm();
    t.insert(a('10.1.0.0'), 16, 1);
    const before = t.rangesInUse;
    t.insert(0, 0, 5);
    assert.equal(t.rangesInUse, before);
    assert.equal(t.lookup(a('10.1.2.3')), 1);
    assert.equal(t.lookup(a('10.2.0.0')), 5);
    t.insert(0, 0, 6);
    assert.equal(t.lookup(0xffff_ffff), 6);
    t.delete(0, 0);
    assert.equal(t.lookup(a('10.2.0.0')), -1);
    assert.equal(t.nextHopsInUse, 1, 'the default route takes no next-hop index');
});
test('a full range table refuses the insert, counts it, and leaves the table as it was', () => {
    const t = new DxrLpm({ maxRanges: 8 });
    // Each /24 cut out of a chunk makes three ranges: before, inside, after.
    assert.equal(t.insert(a('10.0.1.0'), 24, 1), 'added');
    assert.equal(t.insert(a('10.1.1.0'), 24, 2), 'added');
    assert.equal(t.rangesInUse, 6);
    assert.equal(t.insert(a('10.2.1.0'), 24, 3), 'ranges-full');
    assert.equal(t.overflow, 1);
    assert.equal(t.rangesOverflow, 1);
    assert.equal(t.size, 2);
    assert.equal(t.get(a('10.2.1.0'), 24), -1);
    assert.equal(t.lookup(a('10.2.1.1')), -1);
    assert.equal(t.nextHopsInUse, 2, 'the refused next hop gave its index back');
    // Replacing a next hop in place needs no new range, so it still works.
    assert.equal(t.insert(a('10.0.1.0'), 24, 7), 'replaced');
    assert.equal(t.lookup(a('10.0.1.9')), 7);
    t.delete(a('10.1.1.0'), 24);
    assert.equal(t.insert(a('10.2.1.0'), 24, 3), 'added');
    assert.equal(t.lookup(a('10.2.1.1')), 3);
});
test('a prefix over whole chunks that splits no run fits in a full range table', () => {
    const t = new DxrLpm({ maxRanges: 6, directBits: 18 });
    t.insert(a('10.0.1.0'), 24, 1);
    t.insert(a('10.0.65.0'), 24, 1);
    assert.equal(t.rangesInUse, 6);
    assert.equal(t.insert(a('10.0.9.0'), 24, 1), 'ranges-full');
    // 10.0.0.0/17 spans the two /18 chunks, filling the gaps around the /24s with hop 2.
    assert.equal(t.insert(a('10.0.0.0'), 17, 2), 'added');
    assert.equal(t.rangesInUse, 6);
    assert.equal(t.lookup(a('10.0.0.1')), 2);
    assert.equal(t.lookup(a('10.0.65.1')), 1);
    assert.equal(t.lookup(a('10.0.127.255')), 2);
    // Giving the /17 the /24s' next hop merges every range: both chunks become leaves.
    assert.equal(t.insert(a('10.0.0.0'), 17, 1), 'replaced');
    assert.equal(t.rangesInUse, 0);
    assert.equal(t.lookup(a('10.0.0.1')), 1);
});
test('a shorter prefix can split chunks too: refused when they would not fit, and nothing is written', () => {
    const t = new DxrLpm({ maxRanges: 4, directBits: 18 });
    t.insert(a('10.0.0.0'), 17, 1);
    t.insert(a('10.0.1.0'), 24, 1);
    t.insert(a('10.0.65.0'), 24, 1);
    assert.equal(t.rangesInUse, 0, 'both /18 chunks are leaves: one next hop each');
    // Hop 2 over the /17 makes three ranges in each chunk around the /24s: six, past four.
    assert.equal(t.insert(a('10.0.0.0'), 17, 2), 'ranges-full');
    assert.equal(t.rangesOverflow, 1);
    assert.equal(t.get(a('10.0.0.0'), 17), 1);
    assert.equal(t.lookup(a('10.0.0.1')), 1);
    assert.equal(t.lookup(a('10.0.65.1')), 1);
    assert.equal(t.rangesInUse, 0);
});
test('a delete that splits chunks past the room left falls back to the control plane, and recovers', () => {
    const t = new DxrLpm({ maxRanges: 4, directBits: 18 });
    t.insert(a('10.0.0.0'), 17, 1);
    t.insert(a('10.0.1.0'), 24, 1);
    t.insert(a('10.0.65.0'), 24, 1);
    // Without the /17 each chunk is none, hop 1, none: six ranges, room for four.
    assert.equal(t.delete(a('10.0.0.0'), 17), true);
    assert.equal(t.fallbackChunks, 1);
    assert.equal(t.rangesInUse, 3);
    assertSplitChunkAnswers(t);
    // Deleting a /24 frees ranges; the chunk on the control plane is rebuilt into them.
    t.delete(a('10.0.1.0'), 24);
    assert.equal(t.fallbackChunks, 0);
    assert.equal(t.rangesInUse, 3);
    assert.equal(t.lookup(a('10.0.65.1')), 1);
    assert.equal(t.lookup(a('10.0.1.1')), -1);
});
test('running out of next-hop indexes refuses a new next hop but not a shared one', () => {
    const t = new DxrLpm({ maxNextHops: 2 });
    t.insert(a('10.0.0.0'), 8, 100);
    t.insert(a('11.0.0.0'), 8, 200);
    assert.equal(t.insert(a('12.0.0.0'), 8, 300), 'next-hops-full');
    assert.equal(t.nextHopOverflow, 1);
    assert.equal(t.insert(a('12.0.0.0'), 8, 100), 'added');
    assert.equal(t.nextHopsInUse, 2);
    // Once no prefix uses a next hop, its index is free again.
    t.delete(a('11.0.0.0'), 8);
    assert.equal(t.insert(a('13.0.0.0'), 8, 300), 'added');
    assert.equal(t.lookup(a('13.1.1.1')), 300);
    assert.equal(t.lookup(a('11.1.1.1')), -1);
    assert.equal(t.lookup(a('12.1.1.1')), 100);
});
test('the options are checked', () => {
    assert.throws(() => new DxrLpm({ directBits: 24 }), /directBits/);
    assert.throws(() => new DxrLpm({ maxRanges: 0 }), /maxRanges/);
    assert.throws(() => new DxrLpm({ directBits: 16, maxNextHops: 65536 }), /maxNextHops/);
    assert.throws(() => new DxrLpm({ maxPrefixes: -1 }), /maxPrefixes/);
});
//# sourceMappingURL=dxr.test.js.map