/**
 * The LPM conformance suite: every LpmTable implementation runs these same tests.
 * Call `lpmConformance('name', (maxPrefixes) => new SomeLpm(maxPrefixes))` from a test file,
 * and `lpmDifferential(fast, seed, steps)` to compare a table with the linear reference.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearLpm } from '../netfns/lpm/lpm.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { rng } from '../wire/spec-fixtures.js';
const a = parseIpv4Addr;
export function lpmConformance(name, make) {
    describe(`${name} conforms to the LPM interface`, () => {
        test('an empty table matches nothing', () => {
            const t = make(8);
            assert.equal(t.lookup(a('10.0.0.1')), -1);
            assert.equal(t.lookup(0), -1);
            assert.equal(t.lookup(0xffff_ffff), -1);
            assert.equal(t.size, 0);
        });
        test('a default route matches every address, lowest and highest included', () => {
            const t = make(8);
            assert.equal(t.insert(0, 0, 7), 'added');
            for (const x of [0, 1, a('10.1.2.3'), a('128.0.0.0'), 0xffff_ffff])
                assert.equal(t.lookup(x), 7);
        });
        test('a /32 matches its one address only', () => {
            const t = make(8);
            t.insert(a('192.0.2.1'), 32, 3);
            assert.equal(t.lookup(a('192.0.2.1')), 3);
            assert.equal(t.lookup(a('192.0.2.0')), -1);
            assert.equal(t.lookup(a('192.0.2.2')), -1);
        });
        test('the longest of nested prefixes wins', () => {
            const t = make(16);
            t.insert(a('10.0.0.0'), 8, 1);
            t.insert(a('10.1.0.0'), 16, 2);
            t.insert(a('10.1.2.0'), 24, 3);
            t.insert(a('10.1.2.128'), 25, 4);
            t.insert(a('10.1.2.200'), 32, 5);
            t.insert(0, 0, 9);
            assert.equal(t.lookup(a('10.9.9.9')), 1);
            assert.equal(t.lookup(a('10.1.9.9')), 2);
            assert.equal(t.lookup(a('10.1.2.1')), 3);
            assert.equal(t.lookup(a('10.1.2.129')), 4);
            assert.equal(t.lookup(a('10.1.2.200')), 5);
            assert.equal(t.lookup(a('10.1.2.201')), 4);
            assert.equal(t.lookup(a('11.0.0.0')), 9);
        });
        test('a shorter prefix inserted after a longer one does not cover it', () => {
            const t = make(8);
            t.insert(a('10.1.2.0'), 26, 2);
            t.insert(a('10.1.0.0'), 16, 1);
            assert.equal(t.lookup(a('10.1.2.5')), 2);
            assert.equal(t.lookup(a('10.1.2.65')), 1);
            assert.equal(t.lookup(a('10.1.3.5')), 1);
        });
        test('inserting a prefix again replaces its next hop', () => {
            const t = make(8);
            t.insert(a('10.0.0.0'), 24, 1);
            t.insert(a('10.0.0.0'), 28, 5);
            assert.equal(t.insert(a('10.0.0.0'), 24, 2), 'replaced');
            assert.equal(t.insert(a('10.0.0.0'), 28, 6), 'replaced');
            assert.equal(t.size, 2);
            assert.equal(t.lookup(a('10.0.0.100')), 2);
            assert.equal(t.lookup(a('10.0.0.1')), 6);
            assert.equal(t.get(a('10.0.0.0'), 24), 2);
        });
        test('deleting a prefix uncovers the next shorter one, and only its own range', () => {
            const t = make(16);
            t.insert(a('10.0.0.0'), 8, 1);
            t.insert(a('10.1.0.0'), 16, 2);
            t.insert(a('10.1.2.0'), 24, 3);
            t.insert(a('10.1.2.0'), 30, 4);
            t.insert(a('10.2.0.0'), 16, 5);
            assert.equal(t.delete(a('10.1.2.0'), 24), true);
            assert.equal(t.lookup(a('10.1.2.9')), 2);
            assert.equal(t.lookup(a('10.1.2.1')), 4);
            assert.equal(t.delete(a('10.1.2.0'), 30), true);
            assert.equal(t.lookup(a('10.1.2.1')), 2);
            assert.equal(t.delete(a('10.1.0.0'), 16), true);
            assert.equal(t.lookup(a('10.1.2.1')), 1);
            assert.equal(t.lookup(a('10.2.3.4')), 5);
            assert.equal(t.delete(a('10.0.0.0'), 8), true);
            assert.equal(t.lookup(a('10.1.2.1')), -1);
            assert.equal(t.lookup(a('10.2.3.4')), 5);
            assert.equal(t.size, 1);
        });
        test('deleting a shorter prefix keeps the longer ones inside it', () => {
            const t = make(8);
            t.insert(a('172.16.0.0'), 12, 1);
            t.insert(a('172.16.5.0'), 24, 2);
            t.insert(a('172.16.5.7'), 32, 3);
            t.delete(a('172.16.0.0'), 12);
            assert.equal(t.lookup(a('172.16.5.7')), 3);
            assert.equal(t.lookup(a('172.16.5.8')), 2);
            assert.equal(t.lookup(a('172.16.6.1')), -1);
        });
        test('deleting the default route leaves the others', () => {
            const t = make(8);
            t.insert(0, 0, 1);
            t.insert(a('10.0.0.0'), 8, 2);
            assert.equal(t.delete(0, 0), true);
            assert.equal(t.lookup(a('11.0.0.1')), -1);
            assert.equal(t.lookup(a('10.0.0.1')), 2);
        });
        test('deleting what is not there changes nothing', () => {
            const t = make(8);
            t.insert(a('10.0.0.0'), 8, 1);
            assert.equal(t.delete(a('10.0.0.0'), 16), false);
            assert.equal(t.delete(a('11.0.0.0'), 8), false);
            assert.equal(t.size, 1);
            assert.equal(t.lookup(a('10.0.0.1')), 1);
        });
        test('host bits of a prefix are cleared', () => {
            const t = make(8);
            t.insert(a('10.1.2.3'), 24, 1);
            assert.equal(t.get(a('10.1.2.0'), 24), 1);
            assert.equal(t.lookup(a('10.1.2.200')), 1);
            assert.equal(t.delete(a('10.1.2.77'), 24), true);
            assert.equal(t.size, 0);
        });
        test('the table is bounded: inserts past maxPrefixes are refused and counted, replacements still work', () => {
            const t = make(2);
            t.insert(a('10.0.0.0'), 8, 1);
            t.insert(a('11.0.0.0'), 8, 2);
            assert.equal(t.insert(a('12.0.0.0'), 8, 3), 'table-full');
            assert.equal(t.overflow, 1);
            assert.equal(t.lookup(a('12.0.0.1')), -1);
            assert.equal(t.insert(a('11.0.0.0'), 8, 4), 'replaced');
            assert.equal(t.lookup(a('11.0.0.1')), 4);
            t.delete(a('10.0.0.0'), 8);
            assert.equal(t.insert(a('12.0.0.0'), 8, 3), 'added');
            assert.equal(t.size, 2);
        });
        test('entries lists every prefix shortest first, and clear empties the table', () => {
            const t = make(8);
            t.insert(a('10.1.0.0'), 16, 2);
            t.insert(0, 0, 0);
            t.insert(a('10.1.1.1'), 32, 3);
            t.insert(a('9.0.0.0'), 16, 4);
            assert.deepEqual(t.entries(), [
                { prefix: 0, len: 0, nextHop: 0 },
                { prefix: a('9.0.0.0'), len: 16, nextHop: 4 },
                { prefix: a('10.1.0.0'), len: 16, nextHop: 2 },
                { prefix: a('10.1.1.1'), len: 32, nextHop: 3 },
            ]);
            t.clear();
            assert.equal(t.size, 0);
            assert.equal(t.lookup(a('10.1.1.1')), -1);
            assert.deepEqual(t.entries(), []);
        });
        test('bad arguments throw and name the problem', () => {
            const t = make(8);
            assert.throws(() => t.insert(0, 33, 1), /prefix length/);
            assert.throws(() => t.insert(0, 8, -1), /next hop/);
            assert.throws(() => t.insert(2 ** 32, 8, 1), /prefix/);
            assert.throws(() => t.delete(0, -1), /prefix length/);
        });
    });
}
/**
 * Drives `fast` and the linear reference with the same random steps and asserts they agree.
 * Prefixes sit over a few /8s so they nest and overlap: lengths 0-32 with /32s, /25-/31, /1-/7
 * and /0 all present, deletes mixed in, and lookups near prefixes and anywhere. At the end, every
 * boundary of every prefix held, and one past it. The reference holds 400 prefixes, so `fast`
 * should too.
 */
export function lpmDifferential(fast, seed, steps) {
    const next = rng(seed);
    const ref = new LinearLpm(400);
    const held = [];
    const bases = [a('10.0.0.0'), a('10.1.0.0'), a('192.168.0.0'), a('0.0.0.0'), a('255.255.0.0')];
    const randomAddr = () => {
        const r = next();
        if (r % 4 === 0)
            return next();
        return (bases[r % bases.length] + (next() & (r % 3 === 0 ? 0xff : 0xffff))) >>> 0;
    };
    for (let step = 0; step < steps; step++) {
        const where = `seed ${seed} step ${step}`;
        const op = next() % 10;
        if (op < 5) {
            const r = next() % 100;
            const len = r < 3 ? 0 : r < 5 ? 1 + (next() % 7) : r < 30 ? 8 + (next() % 17) : r < 60 ? 24 : r < 85 ? 25 + (next() % 7) : 32;
            const prefix = randomAddr();
            const nh = next() % 50;
            const res = fast.insert(prefix, len, nh);
            assert.equal(res, ref.insert(prefix, len, nh), where);
            if (res === 'added')
                held.push([prefix, len]);
        }
        else if (op < 7 && held.length > 0) {
            const i = next() % held.length;
            const [prefix, len] = held[i];
            held.splice(i, 1);
            assert.equal(fast.delete(prefix, len), true, where);
            assert.equal(ref.delete(prefix, len), true, where);
        }
        else {
            for (let k = 0; k < 20; k++) {
                const x = randomAddr();
                assert.equal(fast.lookup(x), ref.lookup(x), `${where} lookup ${x}`);
            }
        }
        assert.equal(fast.size, ref.size, where);
    }
    assert.deepEqual(fast.entries(), ref.entries());
    for (const e of ref.entries()) {
        const last = (e.prefix + 2 ** (32 - e.len) - 1) >>> 0;
        for (const x of [e.prefix, last, (e.prefix - 1) >>> 0, (last + 1) >>> 0])
            assert.equal(fast.lookup(x), ref.lookup(x), `seed ${seed} boundary ${x}`);
    }
}
/**
 * The answers both chunked tables (DXR, Poptrie) must give, one at a time and in a batch, after
 * their fallback test deletes 10.0.0.0/17 from under 10.0.1.0/24 and 10.0.65.0/24 (next hop 1).
 */
export function assertSplitChunkAnswers(t) {
    for (const [x, hop] of [['10.0.0.1', -1], ['10.0.1.1', 1], ['10.0.2.0', -1], ['10.0.64.255', -1], ['10.0.65.1', 1], ['10.0.66.0', -1]]) {
        assert.equal(t.lookup(a(x)), hop, x);
    }
    const out = new Int32Array(2);
    t.lookupBatch(new Uint32Array([a('10.0.1.1'), a('10.0.65.1')]), out, 2);
    assert.deepEqual([...out], [1, 1]);
}
//# sourceMappingURL=lpm-suite.js.map