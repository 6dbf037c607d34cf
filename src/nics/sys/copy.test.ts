import assert from 'node:assert/strict';
import { test } from 'node:test';
import koffi from 'koffi';
import { PacketPool } from '../../engine/packet.js';
import { ByteCopier } from './copy.js';
import { Libc } from './libc.js';

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

test('copies from shared memory into an ordinary buffer at the given offsets, short and long', () => {
  const copier = new ByteCopier(new Libc());
  const shared = new Uint8Array(new SharedArrayBuffer(1 << 17));
  shared.set(pattern(1 << 17, 7));
  const plain = new Uint8Array(new ArrayBuffer(1 << 17), 64);
  for (const len of [1, 100, 255, 256, 1514, 65536]) {
    plain.fill(0);
    copier.copy(plain, 10, shared, 333, len);
    assert.deepEqual(plain.subarray(10, 10 + len), shared.subarray(333, 333 + len), `${len} bytes`);
    assert.equal(plain[9], 0, `byte before the copy of ${len} untouched`);
    assert.equal(plain[10 + len], 0, `byte after the copy of ${len} untouched`);
  }
});

test('copies from an ordinary buffer into a subarray of shared memory', () => {
  const copier = new ByteCopier(new Libc());
  const shared = new Uint8Array(new SharedArrayBuffer(70000));
  const slot = shared.subarray(1000);
  const src = pattern(65000, 3);
  copier.copy(slot, 12, src, 0, 65000);
  assert.deepEqual(shared.subarray(1012, 66012), src);
  assert.equal(shared[1011], 0);
});

test('refuses a copy that would run past either buffer', () => {
  const copier = new ByteCopier(new Libc());
  const a = new Uint8Array(4096);
  const b = new Uint8Array(new SharedArrayBuffer(4096));
  assert.throws(() => copier.copy(a, 100, b, 0, 4000), /out of bounds/);
  assert.throws(() => copier.copy(a, 0, b, 200, 4000), /out of bounds/);
});

test('a packet address is the address of its bytes, across three pools taking turns', () => {
  const copier = new ByteCopier(new Libc());
  const pools = [new PacketPool({ count: 4 }), new PacketPool({ count: 4, shared: true }), new PacketPool({ count: 4, dataRoom: 256 })];
  for (let round = 0; round < 3; round++) {
    for (const pool of pools) {
      const p = pool.alloc()!;
      assert.equal(copier.packetAddress(p), Number(koffi.address(p.buf) as bigint), `round ${round}`);
      pool.free(p);
    }
  }
});

test('copies into and out of packets, short and long, and leaves the bytes around them alone', () => {
  const copier = new ByteCopier(new Libc());
  const shared = new Uint8Array(new SharedArrayBuffer(4096));
  shared.set(pattern(4096, 11));
  const pools = [new PacketPool({ count: 4, dataRoom: 2048 }), new PacketPool({ count: 4, dataRoom: 2048 })];
  for (const pool of pools) {
    for (const len of [60, 255, 256, 1514]) {
      const p = pool.alloc()!;
      p.buf.fill(0);
      copier.intoPacket(p, shared, 100, len);
      p.len = len;
      assert.deepEqual(p.data(), shared.subarray(100, 100 + len), `${len} bytes in`);
      assert.equal(p.buf[p.off - 1], 0, 'the byte before the data untouched');
      assert.equal(p.buf[p.off + len], 0, 'the byte after the data untouched');
      const out = new Uint8Array(new SharedArrayBuffer(4096));
      copier.fromPacket(out, 7, p);
      assert.deepEqual(out.subarray(7, 7 + len), shared.subarray(100, 100 + len), `${len} bytes out`);
      assert.equal(out[6], 0);
      assert.equal(out[7 + len], 0);
      pool.free(p);
    }
  }
  const p = pools[0]!.alloc()!;
  assert.throws(() => copier.intoPacket(p, shared, 4000, 200), /out of bounds/);
  assert.throws(() => copier.intoPacket(p, shared, 0, p.buf.length - p.off + 1), /out of bounds/);
  p.len = 300;
  assert.throws(() => copier.fromPacket(shared, 3900, p), /out of bounds/);
});

test('short copies give the same bytes at every alignment of either end, in words or in bytes', () => {
  const copier = new ByteCopier(new Libc());
  const shared = new Uint8Array(new SharedArrayBuffer(1024));
  const plain = new Uint8Array(new ArrayBuffer(1024));
  const offsetView = new Uint8Array(plain.buffer, 3, 1000);
  const pool = new PacketPool({ count: 2, dataRoom: 512 });
  for (const [name, dst, src] of [['plain to shared', shared, plain], ['shared to a view 3 bytes in', offsetView, shared]] as const) {
    for (let srcOff = 0; srcOff < 8; srcOff++) {
      for (let dstOff = 0; dstOff < 8; dstOff++) {
        for (const len of [1, 3, 15, 16, 17, 31, 64, 67, 255]) {
          src.set(pattern(src.length, srcOff * 7 + len));
          dst.fill(0xee);
          copier.copy(dst, dstOff, src, srcOff, len);
          assert.deepEqual(dst.subarray(dstOff, dstOff + len), src.subarray(srcOff, srcOff + len), `${name}: ${len} bytes from ${srcOff} to ${dstOff}`);
          if (dstOff > 0) assert.equal(dst[dstOff - 1], 0xee);
          assert.equal(dst[dstOff + len], 0xee);
        }
      }
    }
  }
  const p = pool.alloc()!;
  for (const off of [p.off, p.off + 1, p.off + 2, p.off + 4]) {
    for (const len of [16, 61, 64]) {
      p.off = off;
      p.buf.fill(0);
      copier.intoPacket(p, shared, 5, len);
      assert.deepEqual(p.buf.subarray(off, off + len), shared.subarray(5, 5 + len));
      assert.equal(p.buf[off + len], 0);
      p.len = len;
      const out = new Uint8Array(200);
      copier.fromPacket(out, 4, p);
      assert.deepEqual(out.subarray(4, 4 + len), shared.subarray(5, 5 + len));
      assert.equal(out[4 + len], 0);
    }
  }
});
