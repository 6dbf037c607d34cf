export const DEFAULT_LINK_CAPACITY = 1024;
/** Largest link capacity: far above any sensible ring, and a divisor of `REBASE_STEP`. */
export const MAX_LINK_CAPACITY = 1 << 24;
/** What `rebase` moves from the ring indices into the counters' base (a multiple of every capacity). */
export const REBASE_STEP = 2 ** 30;
export class Link {
    from;
    to;
    capacity;
    #mask;
    #ring;
    #read = 0;
    #write = 0;
    /** Packets moved out of both indices by `rebase`. */
    #base = 0;
    txBytes = 0;
    /** Packets refused because the ring was full (the link's overflow counter). */
    drops = 0;
    /** Called for traced packets (non-zero `traceId`) as they enter the link. */
    recordTrace = null;
    /** Called for every packet entering the link while a capture is attached (one check when off). */
    tap = null;
    constructor(from, to, capacity = DEFAULT_LINK_CAPACITY) {
        if (!Number.isInteger(capacity) || capacity < 2 || capacity > MAX_LINK_CAPACITY || (capacity & (capacity - 1)) !== 0) {
            throw new RangeError(`link ${from.app}.${from.port} -> ${to.app}.${to.port}: capacity must be a power of two from 2 to ${MAX_LINK_CAPACITY}, got ${capacity}`);
        }
        this.from = from;
        this.to = to;
        this.capacity = capacity;
        this.#mask = capacity - 1;
        const ring = [];
        for (let i = 0; i < capacity; i++)
            ring.push(null);
        this.#ring = ring;
    }
    /** Packets the producer put in (the write index). */
    get txPackets() {
        return this.#base + this.#write;
    }
    /** Packets the consumer took out (the read index). */
    get rxPackets() {
        return this.#base + this.#read;
    }
    /**
     * Moves `step` packets from both ring indices into the counters' base once the read index
     * has reached it; the counters, the queue and every slot position stay as they were. `step`
     * must be a multiple of the capacity (tests pass a small one).
     */
    rebase(step = REBASE_STEP) {
        if (step % this.capacity !== 0)
            throw new RangeError(`link ${this.name}: rebase step ${step} is not a multiple of the capacity ${this.capacity}`);
        if (this.#read < step)
            return;
        this.#read -= step;
        this.#write -= step;
        this.#base += step;
    }
    /** Bytes the consumer took out: what went in minus what is still queued. */
    get rxBytes() {
        return this.txBytes - this.queuedBytes;
    }
    /** Bytes of the packets waiting in the ring. */
    get queuedBytes() {
        let n = 0;
        for (let i = this.#read; i !== this.#write; i++)
            n += this.#ring[i & this.#mask].len;
        return n;
    }
    get name() {
        return `${this.from.app}.${this.from.port} -> ${this.to.app}.${this.to.port}`;
    }
    /** Packets waiting in the ring (the link's gauge). */
    get queued() {
        return this.#write - this.#read;
    }
    empty() {
        return this.#read === this.#write;
    }
    full() {
        return this.#write - this.#read === this.capacity;
    }
    /** Room left before the link starts dropping. */
    writable() {
        return this.capacity - (this.#write - this.#read);
    }
    /** Puts a packet on the link; when the link is full the packet is freed and counted in `drops`. */
    transmit(p) {
        if (this.#write - this.#read === this.capacity) {
            this.drops++;
            p.pool.free(p);
            return false;
        }
        if (p.traceId !== 0 && this.recordTrace !== null)
            this.recordTrace(p, this);
        if (this.tap !== null)
            this.tap(p, this);
        const w = this.#write;
        this.#ring[w & this.#mask] = p;
        this.#write = w + 1;
        this.txBytes += p.len;
        return true;
    }
    /** Takes the oldest packet. The caller checks `empty()` first; taking from an empty link throws. */
    receive() {
        const r = this.#read;
        if (r === this.#write)
            throw new Error(`link ${this.name}: receive from an empty link (check empty() first)`);
        this.#read = r + 1;
        return this.#ring[r & this.#mask];
    }
    /** Frees every queued packet (used when a link is removed); returns how many. */
    drain() {
        let n = 0;
        while (this.#read !== this.#write) {
            const p = this.receive();
            p.pool.free(p);
            n++;
        }
        return n;
    }
}
//# sourceMappingURL=link.js.map