import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dir248Lpm } from './dir24-8.js';
import { LinearLpm, type LpmTable } from './lpm.js';
import { lpmConformance } from '../../testing/lpm-suite.js';
import { parseIpv4Addr as a } from '../../wire/ipv4-addr.js';
import { rng } from '../../wire/spec-fixtures.js';

lpmConformance('Dir248Lpm', (maxPrefixes) => new Dir248Lpm({ maxPrefixes, maxTbl8Groups: 64 }));
lpmConformance('LinearLpm', (maxPrefixes) => new LinearLpm(maxPrefixes));

/**
 * Random tables over a few /8s so prefixes nest and overlap: lengths 0-32 with /32s, /25-/31
 * and /0 all present, deletes mixed in, and lookups near prefixes and anywhere.
 */
function differential(seed: number, steps: number): void {
  const next = rng(seed);
  const fast: LpmTable = new Dir248Lpm({ maxPrefixes: 400, maxTbl8Groups: 512 });
  const ref: LpmTable = new LinearLpm(400);
  const held: [number, number][] = [];
  const bases = [a('10.0.0.0'), a('10.1.0.0'), a('192.168.0.0'), a('0.0.0.0'), a('255.255.0.0')];
  const randomAddr = (): number => {
    const r = next();
    if (r % 4 === 0) return next();
    return (bases[r % bases.length]! + (next() & (r % 3 === 0 ? 0xff : 0xffff))) >>> 0;
  };
  for (let step = 0; step < steps; step++) {
    const where = `seed ${seed} step ${step}`;
    const op = next() % 10;
    if (op < 5) {
      const r = next() % 100;
      const len = r < 3 ? 0 : r < 30 ? 8 + (next() % 17) : r < 60 ? 24 : r < 85 ? 25 + (next() % 7) : 32;
      const prefix = randomAddr();
      const nh = next() % 50;
      const res = fast.insert(prefix, len, nh);
      assert.equal(res, ref.insert(prefix, len, nh), where);
      if (res === 'added') held.push([prefix, len]);
    } else if (op < 7 && held.length > 0) {
      const i = next() % held.length;
      const [prefix, len] = held[i]!;
      held.splice(i, 1);
      assert.equal(fast.delete(prefix, len), true, where);
      assert.equal(ref.delete(prefix, len), true, where);
    } else {
      for (let k = 0; k < 20; k++) {
        const x = randomAddr();
        assert.equal(fast.lookup(x), ref.lookup(x), `${where} lookup ${x}`);
      }
    }
    assert.equal(fast.size, ref.size, where);
  }
  assert.deepEqual(fast.entries(), ref.entries());
  // Every boundary of every prefix held, and one past it.
  for (const e of ref.entries()) {
    const last = (e.prefix + 2 ** (32 - e.len) - 1) >>> 0;
    for (const x of [e.prefix, last, (e.prefix - 1) >>> 0, (last + 1) >>> 0]) assert.equal(fast.lookup(x), ref.lookup(x), `seed ${seed} boundary ${x}`);
  }
}

test('DIR-24-8 agrees with the linear reference over random tables with deletes', () => {
  for (let seed = 1; seed <= 12; seed++) differential(seed, 600);
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
