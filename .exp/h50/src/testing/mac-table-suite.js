/**
 * The MAC table conformance suite: every MacTable implementation runs these same tests.
 * Call `macTableConformance('name', (capacity) => new SomeTable(capacity))` from a test file.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
const A = 0x020000000001;
const B = 0x020000000002;
const C = 0x02aabbccddee;
const HIGH = 0xfeffffffffff;
const S = 1_000_000_000;
export function macTableConformance(name, make) {
    describe(`${name} conforms to the MAC table interface`, () => {
        test('an unknown address looks up as -1', () => {
            const t = make(8);
            assert.equal(t.lookup(A, 0), -1);
            assert.equal(t.size, 0);
        });
        test('a learned address is found on its port in its VLAN only', () => {
            const t = make(8);
            assert.equal(t.learn(A, 10, 3, 0), 'new');
            assert.equal(t.lookup(A, 10), 3);
            assert.equal(t.lookup(A, 20), -1);
            assert.equal(t.lookup(B, 10), -1);
            assert.equal(t.size, 1);
        });
        test('the same address in two VLANs is two entries', () => {
            const t = make(8);
            t.learn(A, 10, 1, 0);
            t.learn(A, 20, 2, 0);
            assert.equal(t.lookup(A, 10), 1);
            assert.equal(t.lookup(A, 20), 2);
            assert.equal(t.size, 2);
        });
        test('addresses that differ only in the high 16 bits are distinct', () => {
            const t = make(8);
            t.learn(0x000012345678, 0, 1, 0);
            t.learn(0x000112345678, 0, 2, 0);
            t.learn(HIGH, 4095, 3, 0);
            assert.equal(t.lookup(0x000012345678, 0), 1);
            assert.equal(t.lookup(0x000112345678, 0), 2);
            assert.equal(t.lookup(HIGH, 4095), 3);
        });
        test('learning again refreshes, on another port moves', () => {
            const t = make(8);
            t.learn(A, 0, 1, 0);
            assert.equal(t.learn(A, 0, 1, 5), 'refreshed');
            assert.equal(t.learn(A, 0, 2, 6), 'moved');
            assert.equal(t.lookup(A, 0), 2);
            assert.equal(t.size, 1);
            assert.equal(t.entries()[0].lastSeen, 6);
        });
        test('a full table refuses new addresses and counts them but still refreshes known ones', () => {
            const t = make(2);
            assert.equal(t.learn(A, 0, 1, 0), 'new');
            assert.equal(t.learn(B, 0, 1, 0), 'new');
            assert.equal(t.learn(C, 0, 1, 0), 'full');
            assert.equal(t.learn(C, 0, 1, 0), 'full');
            assert.equal(t.overflows, 2);
            assert.equal(t.size, 2);
            assert.equal(t.lookup(C, 0), -1);
            assert.equal(t.learn(A, 0, 2, 1), 'moved');
            assert.throws(() => t.addStatic(C, 0, 1), /full/);
        });
        test('a static entry never moves and never ages', () => {
            const t = make(8);
            t.addStatic(A, 0, 4);
            assert.equal(t.learn(A, 0, 1, 10), 'static');
            assert.equal(t.lookup(A, 0), 4);
            assert.equal(t.age(1000 * S, 300 * S), 0);
            assert.equal(t.lookup(A, 0), 4);
            assert.deepEqual(t.entries().map((e) => e.isStatic), [true]);
        });
        test('a static entry replaces a dynamic one in place', () => {
            const t = make(8);
            t.learn(A, 0, 1, 0);
            t.addStatic(A, 0, 2);
            assert.equal(t.size, 1);
            assert.equal(t.lookup(A, 0), 2);
        });
        test('addStatic rejects keys outside their ranges', () => {
            const t = make(8);
            assert.throws(() => t.addStatic(2 ** 48, 0, 1), /48-bit/);
            assert.throws(() => t.addStatic(A, 4096, 1), /VLAN/);
            assert.throws(() => t.addStatic(A, 0, -1), /port/);
        });
        test('remove deletes one entry and reports whether it existed', () => {
            const t = make(8);
            t.learn(A, 0, 1, 0);
            t.learn(B, 0, 1, 0);
            assert.equal(t.remove(A, 0), true);
            assert.equal(t.remove(A, 0), false);
            assert.equal(t.lookup(A, 0), -1);
            assert.equal(t.lookup(B, 0), 1);
            assert.equal(t.size, 1);
        });
        test('ageing removes dynamic entries exactly when they reach the ageing time', () => {
            const t = make(8);
            t.learn(A, 0, 1, 0);
            t.learn(B, 0, 1, 100 * S);
            assert.equal(t.age(299 * S, 300 * S), 0);
            assert.equal(t.age(300 * S, 300 * S), 1);
            assert.equal(t.lookup(A, 0), -1);
            assert.equal(t.lookup(B, 0), 1);
            assert.equal(t.age(400 * S, 300 * S), 1);
            assert.equal(t.size, 0);
        });
        test('flush removes dynamic entries by port and by VLAN and keeps static ones unless asked', () => {
            const t = make(16);
            t.learn(A, 1, 1, 0);
            t.learn(B, 1, 2, 0);
            t.learn(C, 2, 1, 0);
            t.addStatic(HIGH, 1, 1);
            assert.equal(t.flush(1, 1), 1);
            assert.equal(t.lookup(A, 1), -1);
            assert.equal(t.lookup(C, 2), 1);
            assert.equal(t.flush(1), 1);
            assert.equal(t.lookup(HIGH, 1), 1);
            assert.equal(t.flush(), 1);
            assert.equal(t.size, 1);
            assert.equal(t.flush(-1, -1, true), 1);
            assert.equal(t.size, 0);
        });
        test('a table filled to capacity, emptied by ageing and refilled still finds every key', () => {
            const cap = 64;
            const t = make(cap);
            for (let round = 0; round < 3; round++) {
                for (let i = 0; i < cap; i++)
                    assert.equal(t.learn(0x020000000000 + i * 7919 + round, i % 5, i % 4, round * 10), 'new');
                assert.equal(t.size, cap);
                for (let i = 0; i < cap; i++)
                    assert.equal(t.lookup(0x020000000000 + i * 7919 + round, i % 5), i % 4);
                // Remove every other key, check the rest, then age out the remainder.
                for (let i = 0; i < cap; i += 2)
                    assert.equal(t.remove(0x020000000000 + i * 7919 + round, i % 5), true);
                for (let i = 1; i < cap; i += 2)
                    assert.equal(t.lookup(0x020000000000 + i * 7919 + round, i % 5), i % 4);
                assert.equal(t.age(round * 10 + 5, 1), cap / 2);
                assert.equal(t.size, 0);
            }
        });
        test('entries lists every key with its port, VLAN, time and kind', () => {
            const t = make(8);
            t.learn(A, 5, 1, 7);
            t.addStatic(B, 0, 2, 9);
            const list = t.entries().sort((x, y) => x.mac - y.mac);
            assert.deepEqual(list, [
                { mac: A, vlan: 5, port: 1, lastSeen: 7, isStatic: false },
                { mac: B, vlan: 0, port: 2, lastSeen: 9, isStatic: true },
            ]);
        });
    });
}
//# sourceMappingURL=mac-table-suite.js.map