export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
/** avail.flags: the driver does not want interrupts (used without RING_EVENT_IDX). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** used.flags: the device does not want kicks (used without RING_EVENT_IDX). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;
export const VIRTQ_DESC_SIZE = 16;
export const MAX_QUEUE_SIZE = 32768;
/** True when a side that moved its index from `old` to `next` must notify a peer waiting for `event`. */
export function needEvent(event, next, old) {
    return ((next - event - 1) & 0xffff) < ((next - old) & 0xffff);
}
export function descTableBytes(size) {
    return VIRTQ_DESC_SIZE * size;
}
export function availRingBytes(size) {
    return 6 + 2 * size;
}
export function usedRingBytes(size) {
    return 6 + 8 * size;
}
/** Lays out a queue in guest memory (driver side). */
export function allocateVirtqueue(alloc, size) {
    if (!isValidQueueSize(size))
        throw new RangeError(`virtqueue: size must be a power of two from 1 to ${MAX_QUEUE_SIZE}, got ${size}`);
    const desc = alloc.alloc(descTableBytes(size), 16);
    const avail = alloc.alloc(availRingBytes(size), 2);
    const used = alloc.alloc(usedRingBytes(size), 4);
    return { size, desc, avail, used };
}
export function isValidQueueSize(size) {
    return Number.isInteger(size) && size >= 1 && size <= MAX_QUEUE_SIZE && (size & (size - 1)) === 0;
}
/** Per-chain faults: the chain is dropped (returned with length 0) and the queue goes on. */
export const CHAIN_FAULTS = {
    'desc-out-of-ram': 'a descriptor points outside guest RAM (or above 2^32)',
    'chain-too-long': 'the buffers of one chain add up to more than the device accepts',
    'readable-after-writable': 'a device-readable buffer follows a device-writable one',
    'wrong-direction': 'a chain with no buffer in the direction the queue needs',
};
/** Ring faults: the queue stops and the device needs a reset. */
export const RING_FAULTS = {
    'ring-out-of-ram': 'the descriptor table or a ring lies outside guest RAM or is misaligned',
    'bad-queue-size': 'queue size is not a power of two within 1..32768',
    'avail-index-jump': 'avail.idx moved by more than the queue size',
    'bad-head-index': 'the avail ring names a descriptor beyond the table',
    'bad-next-index': 'a descriptor chains to an index beyond its table',
    'descriptor-loop': 'a chain is longer than the queue size (a loop)',
    'indirect-not-negotiated': 'an INDIRECT descriptor without RING_INDIRECT_DESC',
    'nested-indirect': 'an INDIRECT descriptor inside an indirect table',
    'indirect-with-next': 'a descriptor with both INDIRECT and NEXT',
    'bad-indirect-length': 'an indirect table whose length is zero or not a multiple of 16',
    'indirect-out-of-ram': 'an indirect table outside guest RAM',
};
/** A popped chain, in preallocated arrays (no allocation per chain). */
export class Chain {
    /** Descriptor index that heads the chain (what goes back in the used ring). */
    head = 0;
    count = 0;
    readableBytes = 0;
    writableBytes = 0;
    addr;
    len;
    writable;
    constructor(maxSegments) {
        this.addr = new Float64Array(maxSegments);
        this.len = new Uint32Array(maxSegments);
        this.writable = new Uint8Array(maxSegments);
    }
}
/** Descriptor addresses at or above 2^53 cannot be held exactly in a number: no translation accepts them. */
const MAX_DESC_ADDR_HI = 0x20_0000;
const TWO_POW_32 = 0x1_0000_0000;
/** The device side of a split virtqueue. */
export class DeviceQueue {
    mem;
    size;
    #mask;
    #desc;
    #avail;
    #used;
    #eventIdx;
    #indirect;
    #translation;
    maxChainBytes;
    /** Word view of RAM for used entries: the used ring was checked in RAM and 4-aligned at set-up. */
    #ram32;
    #lastAvail = 0;
    /** avail.idx as last loaded: chains up to it are known published, so only an empty view reloads it. */
    #availSeen = 0;
    #usedIdx = 0;
    #signalledUsed = 0;
    /** The ring fault that stopped this queue, or null. */
    broken = null;
    /** The chain fault of the last `pop` that returned 'fault'. */
    lastFault = null;
    chainFaults = { 'desc-out-of-ram': 0, 'chain-too-long': 0, 'readable-after-writable': 0, 'wrong-direction': 0 };
    /** Chains taken from the avail ring. */
    popped = 0;
    /** Interrupts the device decided to send (after suppression). */
    interrupts = 0;
    /** Interrupts suppressed by the driver's flag or event index. */
    interruptsSuppressed = 0;
    /** Validates the guest's queue addresses; a bad layout gives a queue that is broken from the start. */
    constructor(mem, addrs, features, maxChainBytes = 65562, options = {}) {
        this.mem = mem;
        this.#ram32 = new Uint32Array(mem.sab);
        this.#translation = options.translation ?? null;
        this.#lastAvail = this.#availSeen = (options.startIndex ?? 0) & 0xffff;
        this.#eventIdx = features.eventIdx;
        this.#indirect = features.indirect;
        this.maxChainBytes = maxChainBytes;
        const size = isValidQueueSize(addrs.size) ? addrs.size : 1;
        this.size = size;
        this.#mask = size - 1;
        this.#desc = addrs.desc;
        this.#avail = addrs.avail;
        this.#used = addrs.used;
        if (size !== addrs.size)
            this.broken = 'bad-queue-size';
        else if (addrs.desc % 16 !== 0 || addrs.avail % 2 !== 0 || addrs.used % 4 !== 0 ||
            !mem.check(addrs.desc, descTableBytes(size)) || !mem.check(addrs.avail, availRingBytes(size)) || !mem.check(addrs.used, usedRingBytes(size)))
            this.broken = 'ring-out-of-ram';
        if (this.broken === null)
            this.#usedIdx = this.#signalledUsed = mem.load16(this.#used + 2);
    }
    /** Index of the next avail entry the device will take. */
    get lastAvail() {
        return this.#lastAvail;
    }
    /** Chains the driver has made available and the device has not taken; 0 (and broken) when avail.idx jumped. */
    pending() {
        if (this.broken !== null)
            return 0;
        const idx = this.mem.load16(this.#avail + 2);
        const n = (idx - this.#lastAvail) & 0xffff;
        if (n > this.size) {
            this.broken = 'avail-index-jump';
            return 0;
        }
        this.#availSeen = idx;
        return n;
    }
    /**
     * Takes the next chain into `out`. `need` says which direction the queue requires
     * ('read' for a transmit queue, 'write' for a receive queue). A 'fault' chain has already been
     * returned to the driver with length 0 (published with the next `publishUsed`).
     */
    pop(out, need) {
        if (this.broken !== null)
            return 'broken';
        if (this.#availSeen === this.#lastAvail && this.pending() === 0)
            return this.broken !== null ? 'broken' : 'empty';
        const mem = this.mem;
        const view = mem.view;
        // The rings and the direct table were bounds-checked at set-up and indirect tables are checked
        // before use, so descriptor fields are read straight from the view.
        const head = view.getUint16(this.#avail + 4 + 2 * (this.#lastAvail & this.#mask), true);
        if (head < 0 || head >= this.size)
            return this.#break('bad-head-index');
        this.#lastAvail = (this.#lastAvail + 1) & 0xffff;
        this.popped++;
        out.head = head;
        out.count = 0;
        out.readableBytes = 0;
        out.writableBytes = 0;
        let table = this.#desc;
        let tableSize = this.size;
        let inIndirect = false;
        let i = head;
        let fault = null;
        let steps = 0;
        const limit = Math.min(this.size, out.addr.length);
        const translation = this.#translation;
        const ram32 = this.#ram32;
        for (;;) {
            if (++steps > this.size + 1)
                return this.#break('descriptor-loop');
            const d = table + VIRTQ_DESC_SIZE * i;
            // The direct table is 16-aligned (checked at set-up), so its fields are whole elements of the
            // word views; an indirect table may sit anywhere and is read through the DataView.
            let lo, hi, len, flags, next;
            if ((d & 3) === 0) {
                const w = d >>> 2;
                lo = ram32[w];
                hi = ram32[w + 1];
                len = ram32[w + 2];
                const fn = ram32[w + 3];
                flags = fn & 0xffff;
                next = fn >>> 16;
            }
            else {
                lo = view.getUint32(d, true);
                hi = view.getUint32(d + 4, true);
                len = view.getUint32(d + 8, true);
                flags = view.getUint16(d + 12, true);
                next = view.getUint16(d + 14, true);
            }
            const addr = translation === null
                ? (hi === 0 ? lo : -1)
                : (hi < MAX_DESC_ADDR_HI ? translation.gpaToLocal(hi * TWO_POW_32 + lo) : -1);
            if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
                if (!this.#indirect)
                    return this.#break('indirect-not-negotiated');
                if (inIndirect)
                    return this.#break('nested-indirect');
                if ((flags & VIRTQ_DESC_F_NEXT) !== 0)
                    return this.#break('indirect-with-next');
                if (len === 0 || len % VIRTQ_DESC_SIZE !== 0)
                    return this.#break('bad-indirect-length');
                if (addr < 0 || !mem.check(addr, len))
                    return this.#break('indirect-out-of-ram');
                table = addr;
                tableSize = len / VIRTQ_DESC_SIZE;
                inIndirect = true;
                i = 0;
                steps = 0;
                continue;
            }
            const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
            if (fault === null) {
                if (addr < 0 || !mem.check(addr, len))
                    fault = 'desc-out-of-ram';
                else if (!writable && out.writableBytes > 0)
                    fault = 'readable-after-writable';
                else if (out.readableBytes + out.writableBytes + len > this.maxChainBytes || out.count >= limit)
                    fault = 'chain-too-long';
                else {
                    const k = out.count++;
                    out.addr[k] = addr;
                    out.len[k] = len;
                    out.writable[k] = writable ? 1 : 0;
                    if (writable)
                        out.writableBytes += len;
                    else
                        out.readableBytes += len;
                }
            }
            if ((flags & VIRTQ_DESC_F_NEXT) === 0)
                break;
            if (next >= tableSize)
                return this.#break('bad-next-index');
            i = next;
        }
        if (fault === null && (need === 'read' ? out.readableBytes === 0 : out.writableBytes === 0))
            fault = 'wrong-direction';
        if (fault !== null) {
            this.chainFaults[fault]++;
            this.lastFault = fault;
            this.pushUsed(head, 0);
            return 'fault';
        }
        return 'chain';
    }
    #break(reason) {
        this.broken = reason;
        return 'broken';
    }
    /** Gives back the last `n` popped chains, not yet pushed to the used ring (the device found too few to hold a frame). */
    unpop(n) {
        this.#lastAvail = (this.#lastAvail - n) & 0xffff;
        this.#availSeen = this.mem.load16(this.#avail + 2);
        this.popped -= n;
    }
    /** Puts a finished chain in the used ring (visible to the driver after `publishUsed`). */
    pushUsed(head, written) {
        if (this.broken !== null)
            return;
        const e = (this.#used + 4 + 8 * (this.#usedIdx & this.#mask)) >>> 2;
        this.#ram32[e] = head;
        this.#ram32[e + 1] = written;
        this.#usedIdx = (this.#usedIdx + 1) & 0xffff;
    }
    /** Publishes pushed entries; returns true when the driver should be interrupted (after suppression). */
    publishUsed() {
        if (this.broken !== null)
            return false;
        const mem = this.mem;
        const next = this.#usedIdx;
        const old = this.#signalledUsed;
        if (next === old)
            return false;
        mem.store16(this.#used + 2, next);
        this.#signalledUsed = next;
        const want = this.#eventIdx
            ? needEvent(mem.load16(this.#avail + 4 + 2 * this.size), next, old)
            : (mem.load16(this.#avail) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
        if (want)
            this.interrupts++;
        else
            this.interruptsSuppressed++;
        return want;
    }
    /** Asks the driver not to kick (the device is polling). */
    disableNotify() {
        if (this.broken !== null || this.#eventIdx)
            return; // with event idx, simply not moving avail_event suppresses kicks
        this.mem.store16(this.#used, VIRTQ_USED_F_NO_NOTIFY);
    }
    /** Asks for a kick on the next avail entry; true when entries arrived meanwhile (keep polling). */
    enableNotify() {
        if (this.broken !== null)
            return false;
        if (this.#eventIdx)
            this.mem.store16(this.#used + 4 + 8 * this.size, this.#lastAvail);
        else
            this.mem.store16(this.#used, 0);
        return this.pending() > 0;
    }
}
/** The driver (guest) side of a split virtqueue. */
export class DriverQueue {
    mem;
    addrs;
    size;
    #mask;
    #eventIdx;
    /** Guest-physical base of this queue's indirect tables (0 when indirect is off). */
    #indirectBase;
    maxIndirect;
    #nextFree;
    #chainLen;
    /** A caller-chosen number per head, returned with the used entry (a buffer index, usually). */
    #token;
    #freeHead = 0;
    #numFree;
    #availIdx = 0;
    #kickedAvail = 0;
    #lastUsed = 0;
    #usedSeen = 0;
    // Staging of the chain being built (no allocation per chain).
    #sAddr;
    #sLen;
    #sFlags;
    #sCount = 0;
    /** Word views of RAM for the driver's own ring writes: the rings are aligned (2.7) and the host is little-endian (GuestMemory). */
    #ram16;
    #ram32;
    /** Kicks the driver decided to send (after suppression). */
    kicks = 0;
    kicksSuppressed = 0;
    /** After `pollUsed` returned true: the token and written length of the finished chain. */
    usedToken = 0;
    usedLen = 0;
    constructor(mem, addrs, features, indirect = null) {
        if (!isValidQueueSize(addrs.size))
            throw new RangeError(`virtqueue driver: size must be a power of two from 1 to ${MAX_QUEUE_SIZE}, got ${addrs.size}`);
        if (addrs.desc % 16 !== 0 || addrs.avail % 2 !== 0 || addrs.used % 4 !== 0) {
            throw new RangeError(`virtqueue driver: rings must be aligned (desc 16, avail 2, used 4), got desc ${addrs.desc}, avail ${addrs.avail}, used ${addrs.used}`);
        }
        this.mem = mem;
        this.addrs = addrs;
        this.size = addrs.size;
        this.#mask = addrs.size - 1;
        this.#eventIdx = features.eventIdx;
        this.#nextFree = new Uint16Array(this.size);
        for (let i = 0; i < this.size; i++)
            this.#nextFree[i] = (i + 1) & this.#mask;
        this.#chainLen = new Uint16Array(this.size);
        this.#token = new Int32Array(this.size);
        this.#numFree = this.size;
        this.maxIndirect = features.indirect && indirect !== null ? indirect.maxSegments : 0;
        this.#indirectBase = this.maxIndirect > 0 ? indirect.alloc.alloc(this.size * this.maxIndirect * VIRTQ_DESC_SIZE, 16) : 0;
        const staging = Math.max(this.size, this.maxIndirect);
        this.#sAddr = new Float64Array(staging);
        this.#sLen = new Uint32Array(staging);
        this.#sFlags = new Uint16Array(staging);
        this.#ram16 = new Uint16Array(mem.sab);
        this.#ram32 = new Uint32Array(mem.sab);
        mem.bytes.fill(0, addrs.avail, addrs.avail + availRingBytes(this.size));
        mem.bytes.fill(0, addrs.used, addrs.used + usedRingBytes(this.size));
    }
    /** Free descriptors in the table. */
    get numFree() {
        return this.#numFree;
    }
    /** Starts a chain. */
    begin() {
        this.#sCount = 0;
    }
    /** Adds a buffer to the chain being built; false when the chain cannot hold more. */
    add(addr, len, deviceWritable) {
        if (this.#sCount >= this.#sAddr.length)
            return false;
        const k = this.#sCount++;
        this.#sAddr[k] = addr;
        this.#sLen[k] = len;
        this.#sFlags[k] = deviceWritable ? VIRTQ_DESC_F_WRITE : 0;
        return true;
    }
    /**
     * Puts the chain in the avail ring (visible after `publish`): through an indirect table when
     * negotiated and the chain has more than one buffer, otherwise as a direct chain. Returns false
     * when there are not enough free descriptors.
     */
    commit(token) {
        const n = this.#sCount;
        if (n === 0)
            return false;
        const useIndirect = n > 1 && n <= this.maxIndirect;
        const needed = useIndirect ? 1 : n;
        if (needed > this.#numFree)
            return false;
        const head = this.#freeHead;
        if (useIndirect) {
            const table = this.#indirectBase + head * this.maxIndirect * VIRTQ_DESC_SIZE;
            for (let k = 0; k < n; k++)
                this.#writeDesc(table + VIRTQ_DESC_SIZE * k, this.#sAddr[k], this.#sLen[k], this.#sFlags[k] | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0), k + 1 < n ? k + 1 : 0);
            const d = this.addrs.desc + VIRTQ_DESC_SIZE * head;
            this.#writeDesc(d, table, n * VIRTQ_DESC_SIZE, VIRTQ_DESC_F_INDIRECT, 0);
            this.#freeHead = this.#nextFree[head];
        }
        else {
            let i = head;
            for (let k = 0; k < n; k++) {
                const next = this.#nextFree[i];
                const last = k + 1 === n;
                this.#writeDesc(this.addrs.desc + VIRTQ_DESC_SIZE * i, this.#sAddr[k], this.#sLen[k], this.#sFlags[k] | (last ? 0 : VIRTQ_DESC_F_NEXT), last ? 0 : next);
                if (!last)
                    i = next;
                else
                    this.#freeHead = next;
            }
        }
        this.#numFree -= needed;
        this.#chainLen[head] = needed;
        this.#token[head] = token;
        this.#ram16[(this.addrs.avail + 4 + 2 * (this.#availIdx & this.#mask)) >>> 1] = head;
        this.#availIdx = (this.#availIdx + 1) & 0xffff;
        return true;
    }
    #writeDesc(at, addr, len, flags, next) {
        // Descriptors are 16-byte aligned (the table and every indirect table), so each field is a whole element.
        const w = at >>> 2;
        const r32 = this.#ram32;
        r32[w] = addr >>> 0;
        r32[w + 1] = addr < 0x1_0000_0000 ? 0 : Math.floor(addr / 0x1_0000_0000) >>> 0;
        r32[w + 2] = len >>> 0;
        const h = at >>> 1;
        this.#ram16[h + 6] = flags;
        this.#ram16[h + 7] = next;
    }
    /** Publishes committed chains; returns true when the device should be kicked (after suppression). */
    publish() {
        const next = this.#availIdx;
        const old = this.#kickedAvail;
        if (next === old)
            return false;
        const mem = this.mem;
        mem.store16(this.addrs.avail + 2, next);
        this.#kickedAvail = next;
        const want = this.#eventIdx
            ? needEvent(mem.load16(this.addrs.used + 4 + 8 * this.size), next, old)
            : (mem.load16(this.addrs.used) & VIRTQ_USED_F_NO_NOTIFY) === 0;
        if (want)
            this.kicks++;
        else
            this.kicksSuppressed++;
        return want;
    }
    /** Takes one finished chain into `usedToken`/`usedLen` and frees its descriptors; false when none. */
    pollUsed() {
        const mem = this.mem;
        if (this.#usedSeen === this.#lastUsed) {
            this.#usedSeen = mem.load16(this.addrs.used + 2);
            if (this.#usedSeen === this.#lastUsed)
                return false;
        }
        const e = this.addrs.used + 4 + 8 * (this.#lastUsed & this.#mask);
        const head = this.#ram32[e >>> 2] & this.#mask;
        this.usedLen = this.#ram32[(e >>> 2) + 1];
        this.#lastUsed = (this.#lastUsed + 1) & 0xffff;
        this.usedToken = this.#token[head];
        // Return the chain's descriptors to the free list: walk our own shadow of the chain.
        const n = this.#chainLen[head];
        let tail = head;
        if (n > 1)
            for (let k = 1; k < n; k++)
                tail = this.#nextFree[tail];
        this.#nextFree[tail] = this.#freeHead;
        this.#freeHead = head;
        this.#numFree += n;
        return true;
    }
    /** Asks the device not to interrupt (the driver is polling). */
    disableInterrupts() {
        if (!this.#eventIdx)
            this.mem.store16(this.addrs.avail, VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    /** Asks for an interrupt on the next used entry; true when entries arrived meanwhile (keep polling). */
    enableInterrupts() {
        if (this.#eventIdx)
            this.mem.store16(this.addrs.avail + 4 + 2 * this.size, this.#lastUsed);
        else
            this.mem.store16(this.addrs.avail, 0);
        return this.mem.load16(this.addrs.used + 2) !== this.#lastUsed;
    }
}
//# sourceMappingURL=virtqueue.js.map