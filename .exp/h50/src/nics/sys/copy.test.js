import assert from 'node:assert/strict';
import { test } from 'node:test';
import koffi from 'koffi';
import { PacketPool } from '../../engine/packet.js';
import { ByteCopier } from './copy.js';
import { Libc } from './libc.js';
function pattern(n, seed) {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++)
        b[i] = (i * 31 + seed) & 0xff;
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
            const p = pool.alloc();
            assert.equal(copier.packetAddress(p), Number(koffi.address(p.buf)), `round ${round}`);
            pool.free(p);
        }
    }
});
//# sourceMappingURL=copy.test.js.map