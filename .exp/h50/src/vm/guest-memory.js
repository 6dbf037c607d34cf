/**
 * Guest RAM of an emulated VM, and the checked accessors a device uses to reach it.
 *
 * What: one SharedArrayBuffer is the guest's physical memory; a guest-physical address is a byte
 * offset into it. The guest side (driver, IP stack) and the device side (VMM, vhost backend) may
 * run on different threads and each wraps the same buffer in its own `GuestMemory`.
 *
 * Why the checks: the guest writes addresses and lengths into its rings, and a device must treat
 * them as hostile. Every device-side accessor validates `addr + len` against the RAM size first
 * and reports a bad access as a result (`false`, or -1 for reads), never by throwing and never by
 * touching memory outside RAM. Guest-side code may use the raw views (`bytes`, `view`) directly:
 * the guest can only hurt itself.
 *
 * Ordering: fields shared between threads that publish work (ring indices, event indices,
 * doorbells) go through `load16`/`store16`/`load32`/`store32`, which are `Atomics` operations and
 * so sequentially consistent: a store of an index is a release of everything written before it,
 * a load an acquire. Plain typed-array and DataView accesses are used for the bulk data those
 * indices publish. Atomics use the platform byte order while the rings are little-endian by
 * spec, so a GuestMemory refuses to exist on a big-endian machine.
 *
 * API for other devices (e1000 reuses it): `new GuestMemory(size)` or `GuestMemory.attach(sab)` in a
 * worker; `check(addr, len)`; `read8/16/32/64`, `write8/16/32/64` (checked, little-endian);
 * `copyOut`/`copyIn` (checked bulk copies to and from packet buffers); `load16/store16/load32/
 * store32` (checked atomics, aligned addresses only); `GuestAllocator` hands out guest-physical
 * ranges for a driver's rings and buffers.
 */
import { endianness } from 'node:os';
import { copyBytes } from '../engine/copy-bytes.js';
/** Largest guest RAM we model: addresses stay below 2^32, so a u64 address with high bits set is out of range. */
export const MAX_GUEST_RAM = 0x8000_0000;
export class GuestMemory {
    sab;
    /** Bytes of guest RAM. */
    size;
    /** Raw byte view (unchecked: for guest-side code and for bounds already checked). */
    bytes;
    /** Raw DataView (unchecked). */
    view;
    #u16;
    #i32;
    /** Device-side accesses refused because they fell outside RAM or were misaligned. */
    faults = 0;
    constructor(sizeOrBuffer) {
        if (endianness() !== 'LE')
            throw new Error('guest memory: virtio rings are little-endian and Atomics use the host order; big-endian hosts are not supported');
        if (typeof sizeOrBuffer === 'number') {
            if (!Number.isInteger(sizeOrBuffer) || sizeOrBuffer < 4096 || sizeOrBuffer > MAX_GUEST_RAM || sizeOrBuffer % 8 !== 0) {
                throw new RangeError(`guest memory: size must be a multiple of 8 between 4096 and ${MAX_GUEST_RAM}, got ${sizeOrBuffer}`);
            }
            this.sab = new SharedArrayBuffer(sizeOrBuffer);
        }
        else {
            if (sizeOrBuffer.byteLength % 8 !== 0)
                throw new RangeError('guest memory: buffer length must be a multiple of 8');
            this.sab = sizeOrBuffer;
        }
        this.size = this.sab.byteLength;
        this.bytes = new Uint8Array(this.sab);
        this.view = new DataView(this.sab);
        this.#u16 = new Uint16Array(this.sab);
        this.#i32 = new Int32Array(this.sab);
    }
    /** Wraps RAM another thread created (worker side). */
    static attach(sab) {
        return new GuestMemory(sab);
    }
    /** True when [addr, addr+len) lies inside RAM; len 0 is fine anywhere in [0, size]. */
    check(addr, len) {
        // Written so that NaN, negatives, fractions and sums beyond 2^53 all fail.
        if (!(addr >= 0 && len >= 0 && addr <= this.size && len <= this.size - addr))
            return false;
        return Number.isInteger(addr) && Number.isInteger(len);
    }
    #ok(addr, len) {
        if (this.check(addr, len))
            return true;
        this.faults++;
        return false;
    }
    #okAligned(addr, len) {
        if ((addr & (len - 1)) === 0 && this.check(addr, len))
            return true;
        this.faults++;
        return false;
    }
    /** Checked reads: the value, or -1 when the access falls outside RAM. */
    read8(addr) {
        return this.#ok(addr, 1) ? this.bytes[addr] : -1;
    }
    read16(addr) {
        return this.#ok(addr, 2) ? this.view.getUint16(addr, true) : -1;
    }
    read32(addr) {
        return this.#ok(addr, 4) ? this.view.getUint32(addr, true) : -1;
    }
    /** Reads a little-endian u64 guest address; -1 when out of RAM or when the value is not below 2^32. */
    read64(addr) {
        if (!this.#ok(addr, 8))
            return -1;
        const hi = this.view.getUint32(addr + 4, true);
        if (hi !== 0)
            return -1;
        return this.view.getUint32(addr, true);
    }
    /** Checked writes: false when the access falls outside RAM (nothing is written). */
    write8(addr, v) {
        if (!this.#ok(addr, 1))
            return false;
        this.bytes[addr] = v;
        return true;
    }
    write16(addr, v) {
        if (!this.#ok(addr, 2))
            return false;
        this.view.setUint16(addr, v, true);
        return true;
    }
    write32(addr, v) {
        if (!this.#ok(addr, 4))
            return false;
        this.view.setUint32(addr, v >>> 0, true);
        return true;
    }
    /** Writes a u64 whose value fits a JS number exactly (below 2^53). */
    write64(addr, v) {
        if (!this.#ok(addr, 8))
            return false;
        this.view.setUint32(addr, v >>> 0, true);
        this.view.setUint32(addr + 4, Math.floor(v / 0x1_0000_0000) >>> 0, true);
        return true;
    }
    /** Copies guest [addr, addr+len) into `dst` at `dstOff`; false (nothing copied) when either side is out of range. */
    copyOut(addr, len, dst, dstOff) {
        if (!this.#ok(addr, len) || dstOff < 0 || dstOff + len > dst.length)
            return false;
        copyBytes(dst, dstOff, this.bytes, addr, len);
        return true;
    }
    /** Copies `src[srcOff, srcOff+len)` into guest memory at `addr`; false (nothing copied) when out of range. */
    copyIn(addr, src, srcOff, len) {
        if (!this.#ok(addr, len) || srcOff < 0 || srcOff + len > src.length)
            return false;
        copyBytes(this.bytes, addr, src, srcOff, len);
        return true;
    }
    /** Atomic (acquire) load of an aligned u16; -1 when out of range or misaligned. */
    load16(addr) {
        if (!this.#okAligned(addr, 2))
            return -1;
        return Atomics.load(this.#u16, addr >>> 1);
    }
    /** Atomic (release) store of an aligned u16; false when out of range or misaligned. */
    store16(addr, v) {
        if (!this.#okAligned(addr, 2))
            return false;
        Atomics.store(this.#u16, addr >>> 1, v & 0xffff);
        return true;
    }
    /** Atomic load of an aligned 32-bit word as a signed int; returns 0 and counts a fault when invalid. */
    load32(addr) {
        if (!this.#okAligned(addr, 4))
            return 0;
        return Atomics.load(this.#i32, addr >>> 2);
    }
    /** Atomic store of an aligned 32-bit word; false when out of range or misaligned. */
    store32(addr, v) {
        if (!this.#okAligned(addr, 4))
            return false;
        Atomics.store(this.#i32, addr >>> 2, v | 0);
        return true;
    }
}
/**
 * A bump allocator of guest-physical ranges, for the guest side laying out rings and buffers.
 * Address 0 is never handed out, so 0 can mean "none" in driver tables.
 */
export class GuestAllocator {
    #mem;
    #next;
    constructor(mem, start = 4096) {
        this.#mem = mem;
        this.#next = Math.max(start, 8);
    }
    /** Bytes not yet handed out. */
    get free() {
        return this.#mem.size - this.#next;
    }
    /** Reserves `size` bytes aligned to `align` (a power of two); throws when RAM is exhausted (a configuration error). */
    alloc(size, align = 16) {
        if (!Number.isInteger(size) || size <= 0)
            throw new RangeError(`guest allocator: bad size ${size}`);
        if (align <= 0 || (align & (align - 1)) !== 0)
            throw new RangeError(`guest allocator: alignment ${align} is not a power of two`);
        const at = (this.#next + align - 1) & ~(align - 1);
        if (at + size > this.#mem.size)
            throw new RangeError(`guest allocator: ${size} bytes do not fit in ${this.#mem.size} bytes of guest RAM (${this.free} free)`);
        this.#next = at + size;
        return at;
    }
}
//# sourceMappingURL=guest-memory.js.map