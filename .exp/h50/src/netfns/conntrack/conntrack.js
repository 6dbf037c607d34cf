/**
 * A connection tracking table: one entry per connection, found from a packet in either
 * direction, with the TCP state machine, UDP and ICMP echo tracking and per-state timeouts.
 *
 * Layout. Entry `e` holds two tuples, original (`ref = 2e`) and reply (`ref = 2e + 1`): source,
 * destination and ports (sport << 16 | dport), with the state, status bits and expiry time in
 * the same 64-byte run (see `#tuples`), protocol and zone in side arrays for the control plane. For ICMP the "ports" are the echo identifier and type << 8 | code,
 * so an echo request (type 8) and the reply it expects (type 0) are different keys and a
 * request coming *in* never matches the reply side of a request that went *out*. Both tuples
 * sit in one open-addressing index (linear probing, power-of-two size, load at most 1/4,
 * backward-shift deletion so there are no tombstones); a slot holds `ref + 1`. The index starts
 * at 4,096 slots and doubles as the table fills (up to four slots per entry of capacity), so a
 * small table's lookups stay in the cache. A lookup hashes
 * six integers and compares them: no strings, no allocation.
 *
 * NAT needs nothing more: a translated connection is one whose reply tuple is not the inverse
 * of its original tuple, and a packet of direction d is rewritten to the inverse of the tuple
 * of direction 1 - d (see nat/translate.ts).
 *
 * Expiry. Every entry carries its expiry time on the engine clock. A lookup that meets an
 * expired entry removes it and misses (lazy expiry); `sweep()` (called from an app's tick)
 * walks a bounded number of entries from a rotating cursor, so memory comes back without
 * scanning the table per packet. A full table first sweeps a small window for expired
 * entries, then refuses (`full`, per-zone `zoneFull`): the caller drops with 'conntrack-full'.
 *
 * Invariants: `size` equals the entries in use and the sum of the zone counts; every entry in
 * use has both refs in the index exactly once; `create` never makes two entries share a tuple.
 */
import { TCP_CLASS_SYN, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_IGNORE, TCP_INVALID, TCP_LAST_ACK, TCP_NONE, TCP_STATE_NAMES, TCP_SYN_RECV, TCP_SYN_SENT, TCP_SYN_SENT2, TCP_TIME_WAIT, tcpPacketClass, tcpTransition, } from './tcp-state.js';
import { formatIpv4Addr } from '../../wire/ipv4-addr.js';
import { TCP_FIN } from '../../wire/tcp.js';
const NS = 1_000_000_000;
/** Index slots a new table starts with (it doubles as entries come, see `#grow`). */
const INITIAL_INDEX_SLOTS = 4096;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
export const LINUX_TIMEOUTS = {
    tcpSynSent: 120,
    tcpSynRecv: 60,
    tcpEstablished: 432000,
    tcpFinWait: 120,
    tcpCloseWait: 60,
    tcpLastAck: 30,
    tcpTimeWait: 120,
    tcpClose: 10,
    udp: 30,
    udpStream: 120,
    icmp: 30,
    generic: 600,
};
/** Status bits of an entry. */
export const CT_SEEN_REPLY = 1;
export const CT_ASSURED = 2;
export const CT_SRC_NAT = 4;
export const CT_DST_NAT = 8;
const CT_FIN_ORIGINAL = 16;
const CT_FIN_REPLY = 32;
/** `create` results below zero. */
export const CT_FULL = -1;
export const CT_ZONE_FULL = -2;
/** One of the two tuples already belongs to a live entry. */
export const CT_CLASH = -3;
/** Verdicts of `track`. */
export const CT_ACCEPT = 0;
/** The packet passes without changing the entry (Linux's IGNORE). */
export const CT_IGNORED = 1;
/** TCP packet that does not fit the connection's state. */
export const CT_INVALID = 2;
export class Conntrack {
    /** The time (engine ns) of the packets being processed, for `track` calls that pass none. */
    clock = 0;
    capacity;
    zoneLimit;
    timeouts;
    #timeoutNs;
    #sweepBatch;
    #udpNs;
    #udpStreamNs;
    #icmpNs;
    #genericNs;
    /**
     * Everything a packet of an established connection reads or writes, 64 bytes per entry at
     * word 16e: the two tuples (four words per ref: source, destination, ports, protocol << 16 |
     * zone; ref r at word 8r - 4(r & 1)), the expiry time (a double at word 16e + 8, read
     * through `#times`), status (word 16e + 10) and TCP state (word 16e + 11). A lookup, the
     * state refresh and the translation that reads the other direction all touch one cache line.
     */
    #tuples;
    /** The same memory as `#tuples`, as doubles: entry e's expiry is element 8e + 4. */
    #times;
    #proto;
    #zone;
    #inUse;
    #mark;
    #free;
    #freeTop;
    /** The open-addressing index of refs; it grows by doubling up to `#maxSlots` (see `#grow`). */
    #index;
    #mask;
    #maxSlots;
    /** Times the index doubled (its rehash stalls the packet that caused it once per doubling). */
    indexGrowths = 0;
    #zoneCount = new Uint32Array(65536);
    #sweepCursor = 0;
    /** Entries in use (the gauge). */
    size = 0;
    /** Entries ever created. */
    created = 0;
    /** Entries removed because their timeout passed. */
    expired = 0;
    /** Creations refused because the table was full (the overflow counter). */
    full = 0;
    /** Creations refused because the zone was at its limit. */
    zoneFull = 0;
    /** Packets that did not fit a TCP connection's state. */
    invalid = 0;
    constructor(options = {}) {
        const capacity = options.capacity ?? 65536;
        if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1 << 24)
            throw new RangeError(`conntrack: capacity must be an integer from 1 to 2^24, got ${capacity}`);
        const zoneLimit = options.zoneLimit ?? capacity;
        if (!Number.isInteger(zoneLimit) || zoneLimit < 1)
            throw new RangeError(`conntrack: zoneLimit must be a positive integer, got ${zoneLimit}`);
        this.capacity = capacity;
        this.zoneLimit = zoneLimit;
        this.timeouts = { ...LINUX_TIMEOUTS, ...options.timeouts };
        for (const [k, v] of Object.entries(this.timeouts)) {
            if (typeof v !== 'number' || !(v > 0))
                throw new RangeError(`conntrack: timeout ${k} must be a positive number of seconds, got ${String(v)}`);
        }
        const t = this.timeouts;
        this.#timeoutNs = Float64Array.from([0, t.tcpSynSent, t.tcpSynRecv, t.tcpEstablished, t.tcpFinWait, t.tcpCloseWait, t.tcpLastAck, t.tcpTimeWait, t.tcpClose, t.tcpSynSent], (s) => s * NS);
        this.#sweepBatch = options.sweepBatch ?? 256;
        this.#tuples = new Uint32Array(16 * capacity);
        this.#times = new Float64Array(this.#tuples.buffer);
        this.#udpNs = this.timeouts.udp * NS;
        this.#udpStreamNs = this.timeouts.udpStream * NS;
        this.#icmpNs = this.timeouts.icmp * NS;
        this.#genericNs = this.timeouts.generic * NS;
        this.#proto = new Uint8Array(capacity);
        this.#zone = new Uint16Array(capacity);
        this.#inUse = new Uint8Array(capacity);
        this.#mark = new Uint32Array(capacity);
        this.#free = new Int32Array(capacity);
        for (let i = 0; i < capacity; i++)
            this.#free[i] = capacity - 1 - i;
        this.#freeTop = capacity;
        let slots = 4;
        while (slots < 4 * capacity)
            slots *= 2;
        this.#maxSlots = slots;
        const first = Math.min(slots, INITIAL_INDEX_SLOTS);
        this.#index = new Int32Array(first);
        this.#mask = first - 1;
    }
    /** Entries in use in `zone` (the per-zone gauge). */
    zoneSize(zone) {
        return this.#zoneCount[zone & 0xffff];
    }
    /**
     * The ref (2 * entry + direction) whose tuple is exactly this one, or -1. An expired entry
     * met on the way is removed and counts as absent.
     */
    find(zone, proto, src, dst, sport, dport, now) {
        const ports = ((sport << 16) | dport) >>> 0;
        const key = (proto << 16) | zone;
        const index = this.#index;
        const tuples = this.#tuples;
        const mask = this.#mask;
        let i = hash(zone, proto, src, dst, ports) & mask;
        for (;;) {
            const v = index[i];
            if (v === 0)
                return -1;
            const ref = v - 1;
            const t = (ref << 3) - ((ref & 1) << 2);
            if (tuples[t] === src && tuples[t + 1] === dst && tuples[t + 2] === ports && tuples[t + 3] === key) {
                const e = ref >> 1;
                if (this.#times[(e << 3) + 4] <= now) {
                    this.expired++;
                    this.#release(e);
                    return -1;
                }
                return ref;
            }
            i = (i + 1) & mask;
        }
    }
    /**
     * Creates an entry from its two tuples (the reply tuple is where NAT shows: for a plain
     * connection it is the original inverted). Returns the entry index, or CT_FULL, CT_ZONE_FULL,
     * CT_CLASH. The new entry is in state NONE and expires at once until `track` sees its first packet.
     */
    create(zone, proto, src, dst, sport, dport, replySrc, replyDst, replySport, replyDport, now) {
        zone &= 0xffff;
        if (this.#freeTop === 0) {
            this.sweep(now, 64);
            if (this.#freeTop === 0) {
                this.full++;
                return CT_FULL;
            }
        }
        if (this.#zoneCount[zone] >= this.zoneLimit) {
            this.sweep(now, 64);
            if (this.#zoneCount[zone] >= this.zoneLimit) {
                this.zoneFull++;
                return CT_ZONE_FULL;
            }
        }
        if (this.find(zone, proto, src, dst, sport, dport, now) >= 0 || this.find(zone, proto, replySrc, replyDst, replySport, replyDport, now) >= 0)
            return CT_CLASH;
        const e = this.#free[--this.#freeTop];
        const o = 2 * e;
        const tuples = this.#tuples;
        const t = e << 4;
        tuples[t] = src;
        tuples[t + 1] = dst;
        tuples[t + 2] = ((sport << 16) | dport) >>> 0;
        tuples[t + 3] = (proto << 16) | zone;
        tuples[t + 4] = replySrc;
        tuples[t + 5] = replyDst;
        tuples[t + 6] = ((replySport << 16) | replyDport) >>> 0;
        tuples[t + 7] = (proto << 16) | zone;
        this.#proto[e] = proto;
        this.#zone[e] = zone;
        tuples[t + 11] = TCP_NONE;
        this.#mark[e] = 0;
        let status = 0;
        if (replyDst !== src || (proto !== IPPROTO_ICMP && replyDport !== sport) || (proto === IPPROTO_ICMP && replySport !== sport))
            status |= CT_SRC_NAT;
        if (replySrc !== dst || (proto !== IPPROTO_ICMP && replySport !== dport))
            status |= CT_DST_NAT;
        tuples[t + 10] = status;
        this.#times[(e << 3) + 4] = now;
        // Load at most 1/4, as the full-size index has at capacity: 2 (size + 1) refs after this
        // insert. Before `e` is marked in use, so the rehash does not index it twice.
        if (8 * (this.size + 1) > this.#mask + 1)
            this.#grow();
        this.#inUse[e] = 1;
        this.#insert(o);
        this.#insert(o + 1);
        this.#zoneCount[zone] = this.#zoneCount[zone] + 1;
        this.size++;
        this.created++;
        return e;
    }
    /** Removes an entry now (control plane, tests). */
    remove(entry) {
        if (this.#inUse[entry] === 1)
            this.#release(entry);
    }
    /** Removes every entry. */
    clear() {
        for (let e = 0; e < this.capacity; e++)
            if (this.#inUse[e] === 1)
                this.#release(e);
    }
    /**
     * Accounts a packet of `ref`'s direction: moves the TCP state (flags are the 9-bit TCP flags,
     * ignored for other protocols), sets SEEN_REPLY and ASSURED, and pushes the expiry out.
     * Returns CT_ACCEPT, CT_IGNORED or CT_INVALID. Without `now`, the time is `clock`: a data path
     * sets that once per batch, so no packet passes a time (a float) into a call, which would box it.
     */
    track(ref, tcpFlags, now = this.clock) {
        const e = ref >> 1;
        const dir = ref & 1;
        const tuples = this.#tuples;
        const w = e << 4;
        // All in the cache line the lookup just read.
        let status = tuples[w + 10];
        const proto = tuples[w + 3] >>> 16;
        if (dir === 1)
            status |= CT_SEEN_REPLY;
        if (proto === IPPROTO_TCP) {
            const old = tuples[w + 11];
            const cls = tcpPacketClass(tcpFlags);
            let next = tcpTransition(dir, cls, old);
            if (next === TCP_INVALID) {
                this.invalid++;
                return CT_INVALID;
            }
            if (next === TCP_IGNORE)
                return CT_IGNORED;
            if (cls === 2 /* FIN */) {
                // A retransmitted FIN from the side that already closed is not the peer's FIN.
                const mine = dir === 0 ? CT_FIN_ORIGINAL : CT_FIN_REPLY;
                if ((status & mine) !== 0 && (old === TCP_FIN_WAIT || old === TCP_CLOSE_WAIT))
                    next = old;
                status |= mine;
            }
            else if ((tcpFlags & TCP_FIN) !== 0) {
                status |= dir === 0 ? CT_FIN_ORIGINAL : CT_FIN_REPLY;
            }
            if (next === TCP_SYN_SENT && (old === TCP_TIME_WAIT || old === TCP_CLOSE))
                status &= ~(CT_FIN_ORIGINAL | CT_FIN_REPLY | CT_ASSURED | CT_SEEN_REPLY);
            if (next === TCP_ESTABLISHED && (old === TCP_SYN_RECV || old === TCP_ESTABLISHED))
                status |= CT_ASSURED;
            tuples[w + 11] = next;
            tuples[w + 10] = status;
            this.#times[(e << 3) + 4] = now + this.#timeoutNs[next];
            return CT_ACCEPT;
        }
        if (proto === IPPROTO_UDP) {
            // Traffic after a reply makes a stream: assured, with the longer timeout.
            if (dir === 0 && (status & CT_SEEN_REPLY) !== 0)
                status |= CT_ASSURED;
            tuples[w + 10] = status;
            this.#times[(e << 3) + 4] = now + ((status & CT_ASSURED) !== 0 ? this.#udpStreamNs : this.#udpNs);
            return CT_ACCEPT;
        }
        tuples[w + 10] = status;
        this.#times[(e << 3) + 4] = now + (proto === IPPROTO_ICMP ? this.#icmpNs : this.#genericNs);
        return CT_ACCEPT;
    }
    /** True when a TCP packet with these flags may open a connection (a SYN: no mid-stream pickup). */
    static tcpOpens(tcpFlags) {
        return tcpPacketClass(tcpFlags) === TCP_CLASS_SYN;
    }
    /** Removes up to `batch` expired entries, examining that many slots from a rotating cursor. */
    sweep(now, batch = this.#sweepBatch) {
        let removed = 0;
        const n = Math.min(batch, this.capacity);
        let c = this.#sweepCursor;
        for (let k = 0; k < n; k++) {
            if (this.#inUse[c] === 1 && this.#times[(c << 3) + 4] <= now) {
                this.#release(c);
                this.expired++;
                removed++;
            }
            c = c + 1 === this.capacity ? 0 : c + 1;
        }
        this.#sweepCursor = c;
        return removed;
    }
    // ------------------------------------------------------------ entry fields
    /** Source address of the tuple of `ref`. */
    src(ref) {
        return this.#tuples[(ref << 3) - ((ref & 1) << 2)];
    }
    dst(ref) {
        return this.#tuples[(ref << 3) - ((ref & 1) << 2) + 1];
    }
    sport(ref) {
        return this.#tuples[(ref << 3) - ((ref & 1) << 2) + 2] >>> 16;
    }
    dport(ref) {
        return this.#tuples[(ref << 3) - ((ref & 1) << 2) + 2] & 0xffff;
    }
    /** Both ports as sport << 16 | dport. */
    ports(ref) {
        return this.#tuples[(ref << 3) - ((ref & 1) << 2) + 2];
    }
    protocol(entry) {
        return this.#proto[entry];
    }
    zone(entry) {
        return this.#zone[entry];
    }
    status(entry) {
        return this.#tuples[(entry << 4) + 10];
    }
    /** TCP state (TCP_NONE...TCP_SYN_SENT2); 0 for other protocols. */
    state(entry) {
        return this.#tuples[(entry << 4) + 11];
    }
    expires(entry) {
        return this.#times[(entry << 3) + 4];
    }
    mark(entry) {
        return this.#mark[entry];
    }
    setMark(entry, mark) {
        this.#mark[entry] = mark;
    }
    /** True when a translation applies to the entry (its reply tuple is not the inverse of the original). */
    translated(entry) {
        return (this.#tuples[(entry << 4) + 10] & (CT_SRC_NAT | CT_DST_NAT)) !== 0;
    }
    /** Entry indices in use, live at `now` (control plane). */
    entries(now) {
        const out = [];
        for (let e = 0; e < this.capacity; e++)
            if (this.#inUse[e] === 1 && this.#times[(e << 3) + 4] > now)
                out.push(e);
        return out;
    }
    info(entry, now) {
        const proto = this.#proto[entry];
        const status = this.#tuples[(entry << 4) + 10];
        const tuple = (ref) => ({ src: formatIpv4Addr(this.src(ref)), dst: formatIpv4Addr(this.dst(ref)), sport: this.sport(ref), dport: this.dport(ref) });
        return {
            id: entry,
            protocol: proto,
            zone: this.#zone[entry],
            state: proto === IPPROTO_TCP ? TCP_STATE_NAMES[this.#tuples[(entry << 4) + 11]] : '',
            timeout: Math.max(0, Math.floor((this.#times[(entry << 3) + 4] - now) / NS)),
            original: tuple(2 * entry),
            reply: tuple(2 * entry + 1),
            seenReply: (status & CT_SEEN_REPLY) !== 0,
            assured: (status & CT_ASSURED) !== 0,
            srcNat: (status & CT_SRC_NAT) !== 0,
            dstNat: (status & CT_DST_NAT) !== 0,
            mark: this.#mark[entry],
        };
    }
    /** The table as `conntrack -L` prints it, one line per live entry in entry order. */
    format(now) {
        const lines = [];
        for (const e of this.entries(now))
            lines.push(formatEntry(this.info(e, now)));
        return lines.join('\n') + (lines.length > 0 ? '\n' : '');
    }
    // ------------------------------------------------------------ internals
    #insert(ref) {
        const e = ref >> 1;
        const index = this.#index;
        const mask = this.#mask;
        let i = hash(this.#zone[e], this.#proto[e], this.src(ref), this.dst(ref), this.ports(ref)) & mask;
        while (index[i] !== 0)
            i = (i + 1) & mask;
        index[i] = ref + 1;
    }
    /**
     * Doubles the index and puts every live ref in again. The index starts small and follows the
     * table's size, so a table holding a thousand connections probes a 32 KB index that stays in
     * the cache instead of one sized for its capacity (2 MB for 131,072 entries); it never shrinks.
     */
    #grow() {
        const slots = (this.#mask + 1) * 2;
        if (slots > this.#maxSlots)
            return;
        this.#index = new Int32Array(slots);
        this.#mask = slots - 1;
        this.indexGrowths++;
        for (let e = 0; e < this.capacity; e++) {
            if (this.#inUse[e] !== 1)
                continue;
            this.#insert(2 * e);
            this.#insert(2 * e + 1);
        }
    }
    #unindex(ref) {
        const e = ref >> 1;
        const index = this.#index;
        const mask = this.#mask;
        let i = hash(this.#zone[e], this.#proto[e], this.src(ref), this.dst(ref), this.ports(ref)) & mask;
        while (index[i] !== ref + 1)
            i = (i + 1) & mask;
        // Backward-shift deletion: pull later members of the probe run into the hole.
        let hole = i;
        let j = (i + 1) & mask;
        for (;;) {
            const v = index[j];
            if (v === 0)
                break;
            const r = v - 1;
            const re = r >> 1;
            const home = hash(this.#zone[re], this.#proto[re], this.src(r), this.dst(r), this.ports(r)) & mask;
            // Move r into the hole when its home is not in (hole, j] (cyclically).
            if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
                index[hole] = v;
                hole = j;
            }
            j = (j + 1) & mask;
        }
        index[hole] = 0;
    }
    #release(e) {
        this.#unindex(2 * e);
        this.#unindex(2 * e + 1);
        this.#inUse[e] = 0;
        const z = this.#zone[e];
        this.#zoneCount[z] = this.#zoneCount[z] - 1;
        this.#free[this.#freeTop++] = e;
        this.size--;
    }
}
/**
 * One multiply per word, the three independent of each other (a short dependency chain ahead
 * of the index load), then one avalanche round so the low bits the mask keeps depend on all.
 */
function hash(zone, proto, src, dst, ports) {
    let h = Math.imul(src, 0x9e3779b1) ^ Math.imul(dst ^ ((proto << 16) | zone), 0x85ebca77) ^ Math.imul(ports, 0xc2b2ae3d);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return (h ^ (h >>> 12)) >>> 0;
}
const PROTO_NAMES = { [IPPROTO_TCP]: 'tcp', [IPPROTO_UDP]: 'udp', [IPPROTO_ICMP]: 'icmp' };
function tupleText(proto, t) {
    if (proto === IPPROTO_ICMP)
        return `src=${t.src} dst=${t.dst} type=${t.dport >>> 8} code=${t.dport & 0xff} id=${t.sport}`;
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP)
        return `src=${t.src} dst=${t.dst} sport=${t.sport} dport=${t.dport}`;
    return `src=${t.src} dst=${t.dst}`;
}
/** One `conntrack -L` line. */
export function formatEntry(i) {
    const name = (PROTO_NAMES[i.protocol] ?? 'unknown').padEnd(8);
    const parts = [`${name} ${i.protocol} ${i.timeout}`];
    if (i.state !== '')
        parts.push(i.state);
    parts.push(tupleText(i.protocol, i.original));
    if (!i.seenReply)
        parts.push('[UNREPLIED]');
    parts.push(tupleText(i.protocol, i.reply));
    if (i.assured)
        parts.push('[ASSURED]');
    parts.push(`mark=${i.mark}`, `zone=${i.zone}`, 'use=1');
    return parts.join(' ');
}
export { TCP_STATE_NAMES, TCP_NONE, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_TIME_WAIT, TCP_CLOSE, TCP_SYN_SENT2 };
//# sourceMappingURL=conntrack.js.map