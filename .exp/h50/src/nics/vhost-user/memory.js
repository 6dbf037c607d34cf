/**
 * The front-end's memory as the backend sees it: the regions of SET_MEM_TABLE mapped side by side
 * into one reserved range of our address space, so one ArrayBuffer (`koffi.view`) covers them all and
 * GuestMemory's checked accessors work on it unchanged (the ring code, virtio's DeviceQueue, is
 * given `table` to translate descriptor addresses).
 *
 * Address spaces:
 * - local: a byte offset into our reserved range (what GuestMemory calls an address);
 * - guest-physical (GPA): what descriptors hold (DPDK virtio-user puts its virtual addresses here);
 * - front-end virtual (VA): what SET_VRING_ADDR holds.
 * Region i sits at local `slot_i + mmap_offset_i`; both translations are a lookup of the region
 * containing the address plus an offset.
 *
 * Invariants: `check(addr, len)` accepts a range only when it lies wholly inside one region, so the
 * unmapped gaps between slots are never touched and a buffer that runs off the end of its region is
 * refused (the queue drops the chain as 'desc-out-of-ram') instead of reading a neighbour. The last
 * region found is cached: with one or two regions that is a hit on nearly every access.
 *
 * Limitation: a front-end that shrinks a region's file after we mapped it makes our accesses fault
 * (SIGBUS), as it does for every vhost-user backend; memfd seals would prevent it and are not required.
 */
import { GuestMemory } from '../../vm/guest-memory.js';
import { MAP_FAILED, MAP_FIXED, MAP_NORESERVE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_SHARED, PROT_NONE, PROT_RW } from './sys.js';
/** Slots are aligned for 2 MiB hugepages (hugetlbfs refuses MAP_FIXED at smaller alignment). */
const SLOT_ALIGN = 2 * 1024 * 1024;
function alignUp(n, a) {
    return Math.ceil(n / a) * a;
}
/**
 * Where each region goes in the reserved range, and the range's size. Pure: tests check the layout
 * and the translations without mapping anything.
 */
export function layoutRegions(descs) {
    const regions = [];
    const slots = [];
    const mapLengths = [];
    let at = 0;
    for (const d of descs) {
        const offset = Number(d.mmapOffset);
        const size = Number(d.size);
        const mapLen = alignUp(offset + size, 4096);
        slots.push(at);
        mapLengths.push(mapLen);
        regions.push({ local: at + offset, size, gpa: Number(d.guestPhysAddr), va: Number(d.userAddr) });
        at += alignUp(mapLen, SLOT_ALIGN);
    }
    return { regions, slots, mapLengths, total: Math.max(at, SLOT_ALIGN) };
}
/** Region table lookups shared by the mapped memory and the pure tests. */
export class RegionTable {
    regions;
    #last;
    constructor(regions) {
        if (regions.length === 0)
            throw new Error('vhost-user: a region table needs at least one region');
        this.regions = regions;
        this.#last = regions[0];
    }
    /** Local offset of guest-physical `gpa`, or -1 when no region holds it. */
    gpaToLocal(gpa) {
        const c = this.#last;
        if (gpa >= c.gpa && gpa < c.gpa + c.size)
            return c.local + (gpa - c.gpa);
        for (const r of this.regions) {
            if (gpa >= r.gpa && gpa < r.gpa + r.size) {
                this.#last = r;
                return r.local + (gpa - r.gpa);
            }
        }
        return -1;
    }
    /** Local offset of front-end virtual [va, va+len), or -1 unless one region holds all of it. */
    vaToLocal(va, len) {
        for (const r of this.regions) {
            if (va >= r.va && va + len <= r.va + r.size)
                return r.local + (va - r.va);
        }
        return -1;
    }
    /** True when local [addr, addr+len) lies inside one region. */
    covers(addr, len) {
        const c = this.#last;
        if (addr >= c.local && addr + len <= c.local + c.size)
            return true;
        for (const r of this.regions) {
            if (addr >= r.local && addr + len <= r.local + r.size) {
                this.#last = r;
                return true;
            }
        }
        return false;
    }
}
/**
 * GuestMemory over mapped regions. It is an ArrayBuffer from koffi.view presented as the
 * SharedArrayBuffer GuestMemory expects: typed arrays, DataView and Atomics all work on it (Atomics.wait
 * does not, and GuestMemory never waits).
 */
export class MappedMemory extends GuestMemory {
    table;
    constructor(buffer, table) {
        super(buffer);
        this.table = table;
    }
    check(addr, len) {
        return super.check(addr, len) && this.table.covers(addr, len === 0 ? 1 : len);
    }
}
/** The mapping of one memory table: our reserved range, the region fds, and the memory over it. */
export class MemoryMapping {
    memory;
    #sys;
    #base;
    #total;
    #fds;
    #unmapped = false;
    constructor(sys, base, total, fds, memory) {
        this.#sys = sys;
        this.#base = base;
        this.#total = total;
        this.#fds = fds;
        this.memory = memory;
    }
    /**
     * Maps `descs` from `fds` (one each; ownership passes to the mapping, which closes them on unmap).
     * Returns the mapping or a reason; on failure everything mapped so far is undone and the fds closed.
     */
    static map(sys, descs, fds, fileSize) {
        const { regions, slots, mapLengths, total } = layoutRegions(descs);
        const closeAll = () => {
            for (const fd of fds)
                sys.close(fd);
        };
        for (let i = 0; i < descs.length; i++) {
            const need = Number(descs[i].mmapOffset + descs[i].size);
            const have = fileSize(fds[i]);
            if (have < need) {
                closeAll();
                return `SET_MEM_TABLE: region ${i} needs ${need} bytes of its file but the file has ${have}`;
            }
        }
        // Reserve the range with room to align its start, then map each region over its slot.
        const reserved = total + SLOT_ALIGN;
        const raw = sys.mmap(null, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (raw === MAP_FAILED || raw === 0n) {
            closeAll();
            return `SET_MEM_TABLE: cannot reserve ${reserved} bytes of address space (errno ${sys.errno()})`;
        }
        const align = BigInt(SLOT_ALIGN);
        const base = ((raw + align - 1n) / align) * align;
        // Give back the unaligned head and the unused tail of the reservation.
        if (base > raw)
            sys.munmap(raw, Number(base - raw));
        const tail = raw + BigInt(reserved) - (base + BigInt(total));
        if (tail > 0n)
            sys.munmap(base + BigInt(total), Number(tail));
        for (let i = 0; i < descs.length; i++) {
            const at = base + BigInt(slots[i]);
            const p = sys.mmap(at, mapLengths[i], PROT_RW, MAP_SHARED | MAP_FIXED, fds[i], 0);
            if (p !== at) {
                const e = sys.errno();
                sys.munmap(base, total);
                closeAll();
                return `SET_MEM_TABLE: mmap of region ${i} (${mapLengths[i]} bytes) failed (errno ${e})`;
            }
        }
        const memory = new MappedMemory(sys.view(base, total), new RegionTable(regions));
        return new MemoryMapping(sys, base, total, fds, memory);
    }
    /** Bytes of address space the mapping takes. */
    get size() {
        return this.#total;
    }
    /** Unmaps the regions and closes their fds (idempotent). The memory must not be touched afterwards. */
    unmap() {
        if (this.#unmapped)
            return;
        this.#unmapped = true;
        this.#sys.munmap(this.#base, this.#total);
        for (const fd of this.#fds)
            this.#sys.close(fd);
    }
}
//# sourceMappingURL=memory.js.map