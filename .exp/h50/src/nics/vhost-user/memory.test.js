import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegionTable, layoutRegions } from './memory.js';
import { decodeMemTable, encodeMemTable, headerProblem, requestName, Req } from './protocol.js';
const MiB = 1024 * 1024;
describe('vhost-user memory regions', () => {
    const descs = [
        // A DPDK virtio-user region: guest-physical = front-end virtual, 47-bit.
        { guestPhysAddr: 0x10063a000n, size: BigInt(512 * MiB), userAddr: 0x10063a000n, mmapOffset: 0n },
        // A QEMU-like region at guest-physical 4 GiB with a file offset.
        { guestPhysAddr: 0x1000000000n, size: BigInt(3 * MiB), userAddr: 0x7f0000000000n, mmapOffset: 0x10000n },
    ];
    it('places each region in its own 2 MiB-aligned slot, honouring mmap_offset', () => {
        const { regions, slots, mapLengths, total } = layoutRegions(descs);
        assert.deepEqual(slots, [0, 512 * MiB]);
        assert.deepEqual(mapLengths, [512 * MiB, 3 * MiB + 0x10000]);
        assert.equal(total, 512 * MiB + 4 * MiB);
        assert.equal(regions[1].local, 512 * MiB + 0x10000);
    });
    it('translates guest-physical and front-end virtual addresses, and refuses what no region holds', () => {
        const t = new RegionTable(layoutRegions(descs).regions);
        assert.equal(t.gpaToLocal(0x1_0063_a000 + 100), 100);
        assert.equal(t.gpaToLocal(0x1_0000_0000_0 + 5), 512 * MiB + 0x10000 + 5);
        assert.equal(t.gpaToLocal(0x1_0063_a000 - 1), -1);
        assert.equal(t.vaToLocal(0x7f00_0000_0000 + 64, 16), 512 * MiB + 0x10000 + 64);
        assert.equal(t.vaToLocal(0x7f00_0000_0000 + 3 * MiB - 8, 16), -1, 'a range running off the end of its region');
    });
    it('covers a local range only inside one region, never across the gap between slots', () => {
        const t = new RegionTable(layoutRegions(descs).regions);
        assert.equal(t.covers(512 * MiB - 16, 16), true);
        assert.equal(t.covers(512 * MiB - 16, 32), false);
        assert.equal(t.covers(512 * MiB + 100, 8), false, 'the unmapped head of slot 1 (before mmap_offset)');
    });
});
describe('vhost-user message decoding', () => {
    it('round-trips a memory table and refuses overlapping or oversized regions', () => {
        const ok = decodeMemTable(encodeMemTable([{ guestPhysAddr: 0n, size: 4096n, userAddr: 0x1000n, mmapOffset: 0n }]), 1);
        assert.ok(ok.ok && ok.value[0].userAddr === 0x1000n);
        const overlap = decodeMemTable(encodeMemTable([
            { guestPhysAddr: 0n, size: 8192n, userAddr: 0x10000n, mmapOffset: 0n },
            { guestPhysAddr: 4096n, size: 4096n, userAddr: 0x20000n, mmapOffset: 0n },
        ]), 2);
        assert.deepEqual(overlap, { ok: false, reason: 'SET_MEM_TABLE: regions 0 and 1 overlap in guest-physical space' });
        const high = decodeMemTable(encodeMemTable([{ guestPhysAddr: 1n << 60n, size: 4096n, userAddr: 0n, mmapOffset: 0n }]), 1);
        assert.deepEqual(high, { ok: false, reason: 'SET_MEM_TABLE: region 0 lies above 2^53' });
        const none = new Uint8Array(8);
        assert.deepEqual(decodeMemTable(none, 0), { ok: false, reason: 'SET_MEM_TABLE: 0 regions, expected 1..8' });
    });
    it('checks the header: version, reply flag and payload limit', () => {
        assert.equal(headerProblem({ request: Req.GET_FEATURES, flags: 1, size: 0 }), null);
        assert.match(headerProblem({ request: Req.GET_FEATURES, flags: 1 | 4, size: 0 }), /a reply sent to the backend/);
        assert.match(headerProblem({ request: Req.SET_MEM_TABLE, flags: 1, size: 5000 }), /exceeds/);
        assert.equal(requestName(40), 'GET_STATUS');
        assert.equal(requestName(77), 'request 77');
    });
});
//# sourceMappingURL=memory.test.js.map