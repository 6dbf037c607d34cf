import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { GuestAllocator, GuestMemory } from './guest-memory.js';
import { Doorbells } from './doorbell.js';
import { siblingModule, startWorker } from './worker.js';
test('checked reads and writes inside RAM are little-endian', () => {
    const m = new GuestMemory(8192);
    assert.ok(m.write32(100, 0x11223344));
    assert.deepEqual([...m.bytes.subarray(100, 104)], [0x44, 0x33, 0x22, 0x11]);
    assert.equal(m.read16(100), 0x3344);
    assert.ok(m.write64(200, 0x1_2345_6789));
    assert.equal(m.view.getUint32(204, true), 1);
    assert.equal(m.read64(200), -1, 'an address at or above 2^32 is outside any RAM we model');
    assert.ok(m.write64(208, 0x1000));
    assert.equal(m.read64(208), 0x1000);
    assert.equal(m.faults, 0);
});
test('accesses that cross or leave RAM are refused and counted, never performed', () => {
    const m = new GuestMemory(4096);
    assert.equal(m.read32(4094), -1);
    assert.equal(m.read8(4096), -1);
    assert.equal(m.read16(-1), -1);
    assert.equal(m.write32(4093, 1), false);
    assert.equal(m.check(4096, 0), true);
    assert.equal(m.check(1, 2 ** 53), false);
    assert.equal(m.check(0.5, 1), false);
    assert.equal(m.check(Number.NaN, 1), false);
    const dst = new Uint8Array(16);
    assert.equal(m.copyOut(4090, 16, dst, 0), false);
    assert.equal(m.copyOut(0, 16, dst, 1), false, 'the destination is checked too');
    assert.equal(m.copyIn(4095, dst, 0, 2), false);
    assert.equal(m.store16(7, 1), false, 'misaligned atomics are refused');
    assert.equal(m.load16(4096), -1);
    assert.equal(m.faults, 8, 'every refused guest access is counted (a bad destination buffer is not a guest fault)');
    assert.ok(m.bytes.every((b) => b === 0));
});
test('copies move bytes between packet buffers and RAM', () => {
    const m = new GuestMemory(4096);
    const src = Uint8Array.from([1, 2, 3, 4, 5]);
    assert.ok(m.copyIn(1000, src, 1, 3));
    const out = new Uint8Array(4);
    assert.ok(m.copyOut(1000, 3, out, 1));
    assert.deepEqual([...out], [0, 2, 3, 4]);
});
test('the allocator aligns, never hands out address 0, and refuses to overrun RAM', () => {
    const m = new GuestMemory(8192);
    const a = new GuestAllocator(m, 0);
    const x = a.alloc(10, 16);
    assert.ok(x > 0 && x % 16 === 0);
    const y = a.alloc(100, 4096);
    assert.equal(y, 4096);
    assert.throws(() => a.alloc(8192), /do not fit/);
});
test('a worker sees the same RAM and answers through doorbells', async () => {
    const m = new GuestMemory(4096);
    const bells = new Doorbells(2);
    const w = startWorker(siblingModule(import.meta.url, 'echo-worker'), { ram: m.sab, bells: bells.sab });
    try {
        let seen = 0;
        for (const v of [41, 99]) {
            m.store32(64, v);
            bells.ring(0);
            while (seen === bells.read(1))
                await new Promise((r) => setTimeout(r, 1));
            seen = bells.read(1);
            assert.equal(m.load32(68), v + 1);
        }
        m.store32(64, -1);
        bells.ring(0);
        await once(w, 'exit');
        assert.equal(bells.read(0), 3);
    }
    finally {
        await w.terminate();
    }
});
//# sourceMappingURL=guest-memory.test.js.map