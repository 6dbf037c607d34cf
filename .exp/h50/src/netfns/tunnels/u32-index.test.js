import { test } from 'node:test';
import assert from 'node:assert/strict';
import { U32Index } from './u32-index.js';
test('a u32 index finds every key it was built from, high-bit keys included, and nothing else', () => {
    const keys = [0, 1, 100, 0xc0a80001, 0xc0a80002, 0xffffffff, 0x80000000, 16777215];
    const index = new U32Index(keys);
    keys.forEach((k, i) => assert.equal(index.get(k), i));
    for (const k of [2, 99, 0xc0a80003, 0x7fffffff, 12345678])
        assert.equal(index.get(k), -1);
    assert.equal(new U32Index([]).get(5), -1);
    assert.throws(() => new U32Index([7, 7]), /given twice/);
});
test('a u32 index agrees with a Map over many random keys', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const keys = [...new Set(Array.from({ length: 3000 }, next))];
    const index = new U32Index(keys);
    const map = new Map(keys.map((k, i) => [k, i]));
    for (let i = 0; i < 20000; i++) {
        const k = i % 2 === 0 ? keys[i % keys.length] : next();
        assert.equal(index.get(k), map.get(k) ?? -1);
    }
});
//# sourceMappingURL=u32-index.test.js.map