export class Neighbour {
    ifIndex;
    /** IPv4 address (uint32). */
    ip;
    /** MAC address as a 48-bit number, or -1 while incomplete. */
    mac = -1;
    /** Engine time of the last confirmation (answer or request from the neighbour). */
    confirmedAt = 0;
    /** Engine time the entry was created or last (re)probed. */
    probedAt = 0;
    /** Requests sent in the current resolution or confirmation. */
    probes = 0;
    /** Packets waiting for the address, oldest first (a ring). */
    #queue;
    #head = 0;
    #count = 0;
    /** Timer of the pending resolution, set by the resolver (arp-resolver.ts). */
    timer = null;
    constructor(ifIndex, ip, queueLength) {
        this.ifIndex = ifIndex;
        this.ip = ip;
        this.#queue = new Array(queueLength).fill(null);
    }
    /** Packets waiting for resolution. */
    get queued() {
        return this.#count;
    }
    /** Queues a packet; when the queue is full the oldest is pushed out and returned for the caller to drop. */
    enqueue(p) {
        const cap = this.#queue.length;
        let evicted = null;
        if (this.#count === cap) {
            evicted = this.#queue[this.#head];
            this.#queue[this.#head] = null;
            this.#head = (this.#head + 1) % cap;
            this.#count--;
        }
        this.#queue[(this.#head + this.#count) % cap] = p;
        this.#count++;
        return evicted;
    }
    /** Takes the oldest waiting packet, or null. */
    dequeue() {
        if (this.#count === 0)
            return null;
        const p = this.#queue[this.#head];
        this.#queue[this.#head] = null;
        this.#head = (this.#head + 1) % this.#queue.length;
        this.#count--;
        return p;
    }
}
export class NeighbourCache {
    capacity;
    queueLength;
    times;
    #entries = new Map();
    /** Entries refused because the cache was full of incomplete entries. */
    overflow = 0;
    /** Entries pushed out to make room. */
    evictions = 0;
    /** Packets waiting in all queues (kept in step through `enqueue`/`dequeue` below). */
    held = 0;
    constructor(options) {
        if (!Number.isInteger(options.capacity) || options.capacity < 1)
            throw new RangeError(`neighbour cache: capacity must be a positive integer, got ${options.capacity}`);
        if (!Number.isInteger(options.queueLength) || options.queueLength < 1)
            throw new RangeError(`neighbour cache: queueLength must be a positive integer, got ${options.queueLength}`);
        this.capacity = options.capacity;
        this.queueLength = options.queueLength;
        this.times = { reachableTime: options.reachableTime, staleTime: options.staleTime };
    }
    /** Entries in the cache (the gauge). */
    get size() {
        return this.#entries.size;
    }
    /** The entry for `ip` on interface `ifIndex`, or undefined; an expired entry is removed and not returned. */
    get(ifIndex, ip, now) {
        const n = this.#entries.get(key(ifIndex, ip));
        if (n !== undefined && n.mac >= 0 && this.#expired(n, now)) {
            this.#remove(n);
            return undefined;
        }
        return n;
    }
    /** Creates an incomplete entry, evicting if needed; null when the cache is full of incomplete entries. */
    create(ifIndex, ip, now) {
        if (this.#entries.size >= this.capacity && !this.#evictOne()) {
            this.overflow++;
            return null;
        }
        const n = new Neighbour(ifIndex, ip, this.queueLength);
        n.probedAt = now;
        this.#entries.set(key(ifIndex, ip), n);
        return n;
    }
    /** Records the neighbour's MAC as confirmed now. */
    confirm(n, mac, now) {
        n.mac = mac;
        n.confirmedAt = now;
        n.probes = 0;
    }
    state(n, now) {
        if (n.mac < 0)
            return 'incomplete';
        return now - n.confirmedAt < this.times.reachableTime ? 'reachable' : 'stale';
    }
    /** Queues a packet on an entry; returns a packet pushed out of a full queue, for the caller to drop. */
    enqueue(n, p) {
        const out = n.enqueue(p);
        if (out === null)
            this.held++;
        return out;
    }
    dequeue(n) {
        const p = n.dequeue();
        if (p !== null)
            this.held--;
        return p;
    }
    /** Removes an entry; its queue must have been emptied by the caller. */
    remove(n) {
        this.#remove(n);
    }
    /** Every entry, expired ones removed first. */
    list(now) {
        const out = [];
        for (const n of [...this.#entries.values()]) {
            if (n.mac >= 0 && this.#expired(n, now))
                this.#remove(n);
            else
                out.push(n);
        }
        return out;
    }
    #expired(n, now) {
        return now - n.confirmedAt >= this.times.reachableTime + this.times.staleTime;
    }
    #remove(n) {
        n.timer?.cancel();
        n.timer = null;
        this.#entries.delete(key(n.ifIndex, n.ip));
    }
    #evictOne() {
        let victim = null;
        for (const n of this.#entries.values()) {
            if (n.mac < 0)
                continue;
            if (victim === null || n.confirmedAt < victim.confirmedAt)
                victim = n;
        }
        if (victim === null)
            return false;
        this.#remove(victim);
        this.evictions++;
        return true;
    }
}
/** One number for (interface, address): exact while the interface index stays below 2^21. */
function key(ifIndex, ip) {
    return ifIndex * 0x100000000 + ip;
}
//# sourceMappingURL=neighbours.js.map