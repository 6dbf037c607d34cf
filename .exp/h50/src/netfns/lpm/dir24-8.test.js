import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dir248Lpm } from './dir24-8.js';
import { LinearLpm } from './lpm.js';
import { lpmConformance, lpmDifferential } from '../../testing/lpm-suite.js';
import { parseIpv4Addr as a } from '../../wire/ipv4-addr.js';
lpmConformance('Dir248Lpm', (maxPrefixes) => new Dir248Lpm({ maxPrefixes, maxTbl8Groups: 64 }));
lpmConformance('LinearLpm', (maxPrefixes) => new LinearLpm(maxPrefixes));
test('DIR-24-8 agrees with the linear reference over random tables with deletes', () => {
    for (let seed = 1; seed <= 12; seed++)
        lpmDifferential(new Dir248Lpm({ maxPrefixes: 400, maxTbl8Groups: 512 }), seed, 600);
});
test('a group for prefixes longer than /24 is taken on first use and given back when the last one goes', () => {
    const t = new Dir248Lpm({ maxTbl8Groups: 4 });
    t.insert(a('10.0.0.0'), 16, 1);
    assert.equal(t.tbl8GroupsInUse, 0);
    t.insert(a('10.0.1.0'), 25, 2);
    t.insert(a('10.0.1.128'), 26, 3);
    assert.equal(t.tbl8GroupsInUse, 1);
    assert.equal(t.lookup(a('10.0.1.150')), 3);
    assert.equal(t.lookup(a('10.0.1.250')), 1);
    t.delete(a('10.0.1.0'), 25);
    assert.equal(t.tbl8GroupsInUse, 1);
    t.delete(a('10.0.1.128'), 26);
    assert.equal(t.tbl8GroupsInUse, 0);
    assert.equal(t.lookup(a('10.0.1.200')), 1);
    // A shorter prefix written after the group folded back covers the /24 again.
    t.insert(a('10.0.0.0'), 20, 4);
    assert.equal(t.lookup(a('10.0.1.200')), 4);
});
test('running out of groups refuses the insert, counts it, and leaves the table as it was', () => {
    const t = new Dir248Lpm({ maxTbl8Groups: 2 });
    assert.equal(t.insert(a('10.0.1.0'), 28, 1), 'added');
    assert.equal(t.insert(a('10.0.2.0'), 28, 2), 'added');
    assert.equal(t.insert(a('10.0.1.16'), 28, 5), 'added');
    assert.equal(t.insert(a('10.0.3.0'), 28, 3), 'tbl8-full');
    assert.equal(t.overflow, 1);
    assert.equal(t.tbl8Overflow, 1);
    assert.equal(t.size, 3);
    assert.equal(t.lookup(a('10.0.3.1')), -1);
    assert.equal(t.get(a('10.0.3.0'), 28), -1);
});
test('a default route does not touch the first-level table', () => {
    const t = new Dir248Lpm();
    t.insert(0, 0, 5);
    t.insert(a('10.0.0.0'), 24, 6);
    t.delete(a('10.0.0.0'), 24);
    assert.equal(t.lookup(a('10.0.0.1')), 5);
    assert.equal(t.lookup(a('200.0.0.1')), 5);
});
test('the table size and group count are checked', () => {
    assert.throws(() => new Dir248Lpm({ maxPrefixes: 0 }), /maxPrefixes/);
    assert.throws(() => new Dir248Lpm({ maxTbl8Groups: 2 ** 23 }), /maxTbl8Groups/);
});
//# sourceMappingURL=dir24-8.test.js.map