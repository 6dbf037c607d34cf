import { ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST, ArpView, emitArp } from '../wire/arp.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../wire/ethernet.js';
import { formatIpv4Addr } from '../wire/ipv4-addr.js';
import { MAC_BROADCAST, formatMac, isMulticast } from '../wire/mac.js';
import { NeighbourCache } from './neighbours.js';
/** Drop reasons of received ARP packets, for the app's drop table. */
export const ARP_RECEIVE_DROPS = {
    'arp-malformed': 'ARP packet truncated or not Ethernet/IPv4',
    'arp-bad-sender': 'ARP sender MAC is multicast or broadcast',
};
/** Drop reasons of packets waiting for ARP, for the app's drop table. */
export const ARP_WAIT_DROPS = {
    'arp-queue-full': 'pushed out of a full queue of packets waiting for ARP',
    'neighbour-table-full': 'no room in the neighbour cache for a new entry',
};
export class ArpResolver {
    cache;
    retransTime;
    #probes;
    #learnGratuitous;
    #linkHeaderLen;
    #traceLearned;
    #engine;
    #sink;
    #view = new ArpView();
    #repr = { op: ARP_OP_REQUEST, senderMac: 0, senderIp: 0, targetMac: 0, targetIp: 0 };
    #stopped = false;
    requestsSent = 0;
    repliesSent = 0;
    requestsReceived = 0;
    repliesReceived = 0;
    /** Resolutions given up after every probe went unanswered. */
    failures = 0;
    constructor(engine, options, sink) {
        this.cache = new NeighbourCache({ capacity: options.cacheSize, queueLength: options.queueLength, reachableTime: options.reachableTime, staleTime: options.staleTime });
        this.retransTime = options.retransTime;
        this.#probes = options.probes;
        this.#learnGratuitous = options.learnGratuitous;
        this.#linkHeaderLen = options.linkHeaderLen;
        this.#traceLearned = options.traceLearned;
        this.#engine = engine;
        this.#sink = sink;
    }
    /** Packets waiting for resolution. */
    get held() {
        return this.cache.held;
    }
    counters() {
        return { requestsSent: this.requestsSent, repliesSent: this.repliesSent, requestsReceived: this.requestsReceived, repliesReceived: this.repliesReceived, resolutionFailures: this.failures };
    }
    neighbourCounts() {
        const c = this.cache;
        return { entries: c.size, capacity: c.capacity, overflow: c.overflow, evictions: c.evictions, queued: c.held };
    }
    /**
     * Takes an ARP packet of `len` bytes at `off` in `p`, received on `iface` at engine time `now`:
     * learns from it, answers it in place when it asks for an address of `iface`, else consumes it.
     */
    receive(p, iface, off, len, now) {
        const sink = this.#sink;
        const arp = this.#view;
        if (arp.wrap(p.buf, off, len) !== null)
            return sink.drop(p, 'arp-malformed');
        const op = arp.op;
        const senderMac = arp.senderMac;
        const senderIp = arp.senderIp;
        const targetIp = arp.targetIp;
        if (isMulticast(senderMac))
            return sink.drop(p, 'arp-bad-sender');
        if (op === ARP_OP_REQUEST)
            this.requestsReceived++;
        else if (op === ARP_OP_REPLY)
            this.repliesReceived++;
        const forMe = iface.owns(targetIp);
        // RFC 826 merge: update what we know of the sender; add it only when it talks to us
        // (or announces itself, if gratuitous learning is on). A probe (sender 0.0.0.0) teaches nothing.
        if (senderIp !== 0 && !iface.owns(senderIp) && !(sink.isStatic?.(iface.index, senderIp) ?? false)) {
            const n = this.cache.get(iface.index, senderIp, now);
            if (n !== undefined) {
                this.#learn(n, iface, senderMac, now, forMe);
            }
            else if (forMe || (this.#learnGratuitous && senderIp === targetIp)) {
                const created = this.cache.create(iface.index, senderIp, now);
                if (created !== null)
                    this.#learn(created, iface, senderMac, now, true);
            }
        }
        if (op !== ARP_OP_REQUEST || !forMe) {
            if (this.#traceLearned && p.traceId !== 0)
                sink.note(p, `arp op ${op} from ${formatIpv4Addr(senderIp)}: learned`);
            return sink.consume(p);
        }
        // Answer in place: the request becomes the reply.
        arp.op = ARP_OP_REPLY;
        arp.targetMac = senderMac;
        arp.targetIp = senderIp;
        arp.senderMac = iface.mac;
        arp.senderIp = targetIp;
        p.off = off - this.#linkHeaderLen;
        p.len = this.#linkHeaderLen + ARP_LEN;
        this.repliesSent++;
        if (p.traceId !== 0)
            sink.note(p, `arp: ${formatIpv4Addr(targetIp)} is-at ${formatMac(iface.mac)}, reply to ${formatIpv4Addr(senderIp)}`);
        sink.transmit(p, iface, senderMac, ETHERTYPE_ARP);
    }
    /** Takes in a neighbour's MAC; an entry that was incomplete sends what waited for it. */
    #learn(n, iface, mac, now, confirms) {
        const wasIncomplete = n.mac < 0;
        if (wasIncomplete || confirms)
            this.cache.confirm(n, mac, now);
        else
            n.mac = mac;
        if (!wasIncomplete)
            return;
        n.timer?.cancel();
        n.timer = null;
        const sink = this.#sink;
        for (let p = this.cache.dequeue(n); p !== null; p = this.cache.dequeue(n)) {
            if (p.traceId !== 0)
                sink.note(p, `arp resolved ${formatIpv4Addr(n.ip)} -> ${formatMac(mac)}`);
            sink.transmit(p, iface, mac, ETHERTYPE_IPV4);
        }
    }
    /** The cache entry for `ip` on interface `ifIndex` (resolved or not), or undefined. */
    lookup(ifIndex, ip, now) {
        return this.cache.get(ifIndex, ip, now);
    }
    /** For a resolved entry about to be used: when it is stale, asks the neighbour directly whether it is still there. */
    refreshIfStale(n, iface, now) {
        if (now - n.confirmedAt >= this.cache.times.reachableTime && now - n.probedAt >= this.retransTime) {
            n.probedAt = now;
            this.#sendRequest(iface, n.ip, n.mac);
        }
    }
    /**
     * Keeps `p` until `ip` on `iface` answers: in the incomplete entry `n`, or in a new one when
     * `n` is null (which starts the resolution). False when the cache had no room: `p` is dropped.
     */
    wait(p, iface, ip, n, now) {
        if (n === null || n === undefined) {
            const created = this.cache.create(iface.index, ip, now);
            if (created === null) {
                this.#sink.drop(p, 'neighbour-table-full');
                return false;
            }
            this.#enqueue(created, p);
            this.#startResolution(created, iface);
            return true;
        }
        this.#enqueue(n, p);
        return true;
    }
    #enqueue(n, p) {
        if (p.traceId !== 0)
            this.#sink.note(p, `arp: waiting for ${formatIpv4Addr(n.ip)}`);
        const pushedOut = this.cache.enqueue(n, p);
        if (pushedOut !== null)
            this.#sink.drop(pushedOut, 'arp-queue-full');
    }
    #startResolution(n, iface) {
        n.probes = 1;
        n.probedAt = this.#engine.now();
        this.#sendRequest(iface, n.ip, MAC_BROADCAST);
        n.timer = this.#engine.after(this.retransTime, () => this.#resolutionTimer(n, iface));
    }
    #resolutionTimer(n, iface) {
        n.timer = null;
        const engine = this.#engine;
        if (this.#stopped || n.mac >= 0 || this.cache.get(n.ifIndex, n.ip, engine.now()) !== n)
            return;
        if (n.probes < this.#probes) {
            n.probes++;
            n.probedAt = engine.now();
            this.#sendRequest(iface, n.ip, MAC_BROADCAST);
            n.timer = engine.after(this.retransTime, () => this.#resolutionTimer(n, iface));
            return;
        }
        this.failures++;
        for (let p = this.cache.dequeue(n); p !== null; p = this.cache.dequeue(n))
            this.#sink.unresolved(p, n.ip);
        this.cache.remove(n);
    }
    /** Broadcasts (or unicasts, to re-confirm a stale entry) a request for `targetIp`. */
    #sendRequest(iface, targetIp, dstMac) {
        const p = this.#sink.alloc();
        if (p === null)
            return;
        const a = this.#repr;
        a.op = ARP_OP_REQUEST;
        a.senderMac = iface.mac;
        a.senderIp = iface.sourceFor(targetIp);
        a.targetMac = 0;
        a.targetIp = targetIp;
        p.len = this.#linkHeaderLen + emitArp(a, p.buf, p.off + this.#linkHeaderLen);
        this.requestsSent++;
        this.#sink.transmit(p, iface, dstMac, ETHERTYPE_ARP);
    }
    /** Drops every waiting packet as `flushed` and empties the cache; pending timers are cancelled. */
    flush(now) {
        const cache = this.cache;
        for (const n of cache.list(now)) {
            for (let p = cache.dequeue(n); p !== null; p = cache.dequeue(n))
                this.#sink.drop(p, 'flushed');
            cache.remove(n);
        }
    }
    /** Flushes and ignores timers that still fire. */
    stop(now) {
        this.#stopped = true;
        this.flush(now);
    }
}
//# sourceMappingURL=arp-resolver.js.map