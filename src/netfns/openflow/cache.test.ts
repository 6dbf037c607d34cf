import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactMatchCache, MegaflowCache } from './cache.js';
import { INGRESS_WORD_COUNT } from './flow-key.js';
import { FLOW_WORDS } from './types.js';

function key(n: number): Int32Array {
  const k = new Int32Array(INGRESS_WORD_COUNT);
  k[0] = n;
  k[INGRESS_WORD_COUNT - 1] = n * 7;
  return k;
}

function entries(n: number): ReturnType<MegaflowCache['insert']>[] {
  const mf = new MegaflowCache(64);
  const wc = new Uint32Array(FLOW_WORDS);
  wc[0] = 0xffffffff;
  return Array.from({ length: n }, (_, i) => {
    const k = new Uint32Array(FLOW_WORDS);
    k[0] = i;
    return mf.insert(k, wc, [], [], [], []);
  });
}

test('the exact-match cache keeps two keys whose first slots collide, and a third replaces one of them', () => {
  const emc = new ExactMatchCache(16);
  const [a, b, c] = entries(3);
  // Same low bits (first slot 5), different high bits (second slots 1 and 2).
  const ha = 0x0001_0005;
  const hb = 0x0002_0005;
  emc.insert(key(1), ha, a!);
  emc.insert(key(2), hb, b!);
  assert.equal(emc.lookup(key(1), ha), a);
  assert.equal(emc.lookup(key(2), hb), b);
  assert.equal(emc.size, 2);
  // A third key whose two slots are the two taken ones (5 and 2) replaces one of them.
  emc.insert(key(3), hb, c!);
  assert.equal(emc.lookup(key(3), hb), c);
  assert.equal(emc.replacements, 1);
  const survivors = [emc.lookup(key(1), ha), emc.lookup(key(2), hb)].filter((x) => x !== null);
  assert.equal(survivors.length, 1, 'exactly one of the first two was replaced');
  // A key that is not in the cache misses even where its hash finds a slot.
  assert.equal(emc.lookup(key(9), ha), null);
});

test('an exact-match slot whose megaflow left the cache reads as a miss and is reused first', () => {
  const emc = new ExactMatchCache(16);
  const [a, b] = entries(2);
  emc.insert(key(1), 0x0001_0003, a!);
  a!.dead = true;
  assert.equal(emc.lookup(key(1), 0x0001_0003), null);
  emc.insert(key(2), 0x0004_0003, b!);
  assert.equal(emc.lookup(key(2), 0x0004_0003), b);
  assert.equal(emc.replacements, 1, 'the dead slot was taken');
});
