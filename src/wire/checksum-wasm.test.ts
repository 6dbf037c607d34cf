import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internetSum, internetSumView } from './checksum.js';
import { checksumMemory, MAX_LEN, MemoryChecksum } from './checksum-wasm.js';

function filled(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3 + (i >> 9)) & 0xff;
}

for (const shared of [false, true]) {
  test(`the WebAssembly sum over a ${shared ? 'shared' : 'plain'} memory agrees with the byte loop at every alignment, length and seed`, () => {
    const memory = checksumMemory(3 * 65536, shared);
    const sums = new MemoryChecksum(memory);
    // Node 20 and later have WebAssembly SIMD: the fast path is what this test checks.
    assert.equal(sums.fast, true);
    const bytes = new Uint8Array(memory.buffer);
    filled(bytes);
    // A view that starts inside the memory, as a ring's bytes do behind its control words.
    const view = new DataView(memory.buffer, 1000, 2 * 65536);
    const sum = sums.sumFor(view);
    for (const off of [0, 1, 2, 3, 15, 16, 17, 31])
      for (let len = 0; len <= 100; len++)
        for (const seed of [0, 0xffff, 0x1234]) assert.equal(sum(view, off, len, seed), internetSum(bytes, 1000 + off, len, seed), `off ${off} len ${len} seed ${seed}`);
    for (const len of [1448, 1449, 65535, 65536]) assert.equal(sum(view, 5, len, 7), internetSum(bytes, 1005, len, 7), `len ${len}`);
    bytes.fill(0xff, 1000, 1000 + 65536);
    assert.equal(sum(view, 0, 65536, 0), 0xffff, 'sixty-four KB of ones');
  });
}

test('another view, a range past the view or a very long range take the JS path and still agree', () => {
  const memory = checksumMemory(2 * MAX_LEN, false);
  const bytes = new Uint8Array(memory.buffer);
  filled(bytes);
  const mine = new DataView(memory.buffer, 0, 100);
  const sum = new MemoryChecksum(memory).sumFor(mine);
  const other = new Uint8Array(3000);
  filled(other);
  const otherView = new DataView(other.buffer);
  assert.equal(sum(otherView, 3, 2000, 9), internetSum(other, 3, 2000, 9));
  assert.throws(() => sum(mine, 50, 100, 0), RangeError, 'past the view: the DataView refuses, as internetSumView does');
  const whole = new DataView(memory.buffer);
  const sumWhole = new MemoryChecksum(memory).sumFor(whole);
  assert.equal(sumWhole(whole, 1, MAX_LEN + 10, 0), internetSumView(whole, 1, MAX_LEN + 10, 0));
});

test('a view that reaches past the memory is refused when the sum is made', () => {
  const memory = checksumMemory(65536, false);
  const sums = new MemoryChecksum(memory);
  assert.doesNotThrow(() => sums.sumFor(new DataView(memory.buffer, 65000)));
  assert.throws(() => sums.sumFor(new DataView(new ArrayBuffer(70000))), /outside the memory/);
});
