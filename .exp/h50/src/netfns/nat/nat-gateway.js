/**
 * A NAT gateway: a two-port IPv4 router with connection tracking, masquerade, port forwards
 * and hairpin NAT, standing alone (no other router app needed).
 *
 * Ports: `inside` and `outside` (names configurable). Each owns one address and MAC and answers
 * pings to it. ARP is the shared resolver's (hosts/arp-resolver.ts, as hosts and the router use):
 * it answers for the address and resolves neighbours through its bounded neighbour cache
 * (request, retried every second three times, packets waiting in a bounded queue per neighbour).
 * The gateway does not re-confirm stale neighbours; an entry expires 90 s after its last answer.
 *
 * Routing is deliberately minimal: the inside subnet is connected on `inside`, the outside
 * subnet on `outside`, and everything else goes to the outside `gateway` when one is set
 * (else 'no-route'). There is no routing table, no ICMP error generation (an expired TTL is a
 * drop with its reason) and no fragmentation or reassembly (fragments are dropped).
 *
 * NAT, per packet: the conntrack lookup comes first, so replies to translated connections
 * (which are addressed to the gateway) are recognised before anything else. A miss is a new
 * connection and the policy decides its reply tuple:
 *   - inside -> elsewhere: masquerade, source = outside address, port from the outside range;
 *   - inside -> outside address:forwarded port (hairpin): destination = the forward's target,
 *     source = the inside address with a port from the inside range, so the answer comes back;
 *   - outside -> outside address:forwarded port: destination = the forward's target;
 *   - anything else from outside is 'unsolicited-inbound': only replies and forwards get in.
 * Translation is nat/translate.ts: the packet gets the inverse of the other direction's tuple.
 * With `translate: false` the gateway routes only (no conntrack at all): the same work minus
 * NAT, which is what the benchmark compares NAT against.
 */
import { App } from '../../engine/app.js';
import { NS_PER_S } from '../../engine/clock.js';
import { checksumUpdate16, ipv4HeaderWordsSum } from '../../wire/checksum.js';
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../../wire/ethernet.js';
import { formatIpv4Addr, inPrefix, parseCidr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import { Ipv4View } from '../../wire/ipv4.js';
import { isMulticast, parseMac, readMac, writeMac } from '../../wire/mac.js';
import { deriveMac } from '../../hosts/config.js';
import { ArpResolver } from '../../hosts/arp-resolver.js';
import { CT_CLASH, CT_INVALID, Conntrack } from '../conntrack/conntrack.js';
import { tcpFlagsValid } from '../conntrack/tcp-state.js';
import { PortAllocator } from './ports.js';
import { isIcmpError, translateIcmpError, translatePacket, translatePortsView } from './translate.js';
export const NAT_GATEWAY_DROPS = {
    truncated: 'frame shorter than an Ethernet header',
    'not-my-mac': 'unicast frame for another MAC',
    'unknown-ethertype': 'neither IPv4 nor ARP (VLAN tags included)',
    'arp-malformed': 'ARP packet truncated, not Ethernet/IPv4, or from a multicast sender',
    'ip-malformed': 'IPv4 header that does not parse (version, IHL, lengths)',
    'ip-bad-checksum': 'IPv4 header checksum does not verify',
    fragment: 'IPv4 fragment: the gateway does not reassemble',
    'l4-truncated': 'TCP, UDP or ICMP header cut short',
    'unsupported-protocol': 'IPv4 protocol the gateway does not track (only TCP, UDP, ICMP)',
    'tcp-bad-flags': 'TCP flag combination no stack sends (SYN+FIN, SYN+RST, no flags...)',
    'tcp-invalid': 'TCP packet that fits no state of its connection, or a non-SYN with no connection',
    'icmp-untracked': 'ICMP reply or error that belongs to no tracked connection',
    'conntrack-full': 'no room in the connection table (or the zone) for a new connection',
    'conntrack-clash': 'the new connection\'s reply tuple already belongs to another connection',
    'nat-ports-exhausted': 'every port of the external address range is taken for this destination',
    'unsolicited-inbound': 'new connection from outside that is not to a port forward',
    'no-port-forward': 'TCP or UDP to the gateway\'s own address with no forward for the port',
    'ttl-exceeded': 'TTL would reach zero (no ICMP time exceeded is sent)',
    'no-route': 'destination outside both subnets and no outside gateway',
    'arp-timeout': 'the next hop never answered ARP',
    'arp-queue-full': 'pushed out of a full queue of packets waiting for ARP',
    'neighbour-table-full': 'no room in the neighbour cache for a new entry',
    'no-link': 'the outgoing port is not connected',
    flushed: 'packet waiting for ARP discarded when the gateway stopped',
};
/** The resolver's drop reasons in the gateway's words. */
const ARP_DROPS = {
    'arp-malformed': 'arp-malformed',
    'arp-bad-sender': 'arp-malformed',
    'arp-queue-full': 'arp-queue-full',
    'neighbour-table-full': 'neighbour-table-full',
    flushed: 'flushed',
};
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const ZONE = 0;
const ARP_RETRANS = NS_PER_S;
const ARP_PROBES = 3;
const DEFAULT_TTL = 64;
const FRONT_CACHE_BITS = 8;
const NEIGHBOUR_REACHABLE = 30 * NS_PER_S;
const NEIGHBOUR_STALE = 60 * NS_PER_S;
const NEIGHBOUR_EXPIRY = NEIGHBOUR_REACHABLE + NEIGHBOUR_STALE;
/** Checks and resolves a configuration; throws naming the field. */
function resolve(name, conf) {
    const side = (index, which, c) => {
        if (c === undefined)
            throw new Error(`nat gateway ${name}: ${which} is required ({ ip: a.b.c.d/len })`);
        let cidr;
        try {
            cidr = parseCidr(c.ip);
        }
        catch (e) {
            throw new Error(`nat gateway ${name}: ${which}.ip: ${e.message}`);
        }
        const port = c.port ?? which;
        let mac;
        try {
            mac = c.mac !== undefined ? parseMac(c.mac) : deriveMac(name, port);
        }
        catch (e) {
            throw new Error(`nat gateway ${name}: ${which}.mac: ${e.message}`);
        }
        if (isMulticast(mac))
            throw new Error(`nat gateway ${name}: ${which}.mac ${c.mac} is multicast`);
        const ip = cidr.addr;
        return { index, port, ip, prefixLen: cidr.prefixLen, mac, macHi: Math.floor(mac / 0x1_0000_0000), macLo: mac % 0x1_0000_0000, owns: (a) => a === ip, sourceFor: () => ip };
    };
    const inside = side(0, 'inside', conf.inside);
    const outside = side(1, 'outside', conf.outside);
    if (inside.port === outside.port)
        throw new Error(`nat gateway ${name}: inside and outside use the same port ${inside.port}`);
    const gateway = conf.outside.gateway === undefined ? 0 : parseIpv4Addr(conf.outside.gateway);
    if (gateway !== 0 && !inPrefix(gateway, outside.ip, outside.prefixLen))
        throw new Error(`nat gateway ${name}: outside.gateway ${conf.outside.gateway} is not in the outside subnet`);
    const forwards = [];
    (conf.portForwards ?? []).forEach((f, i) => {
        const where = `nat gateway ${name}: portForwards[${i}]`;
        if (f.proto !== 'tcp' && f.proto !== 'udp')
            throw new Error(`${where}.proto must be tcp or udp`);
        if (!Number.isInteger(f.port) || f.port < 1 || f.port > 65535)
            throw new Error(`${where}.port must be 1-65535, got ${f.port}`);
        const m = /^([0-9.]+)(?::(\d+))?$/.exec(f.to);
        if (m === null)
            throw new Error(`${where}.to must look like 10.0.0.2:80, got ${JSON.stringify(f.to)}`);
        const toIp = parseIpv4Addr(m[1]);
        const toPort = m[2] === undefined ? f.port : Number(m[2]);
        if (toPort < 1 || toPort > 65535)
            throw new Error(`${where}.to port must be 1-65535`);
        if (!inPrefix(toIp, inside.ip, inside.prefixLen))
            throw new Error(`${where}.to ${m[1]} is not in the inside subnet`);
        const proto = f.proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
        if (forwards.some((x) => x.proto === proto && x.port === f.port))
            throw new Error(`${where}: ${f.proto} port ${f.port} is forwarded twice`);
        forwards.push({ proto, port: f.port, toIp, toPort });
    });
    return { sides: [inside, outside], gateway, forwards };
}
export class NatGateway extends App {
    /**
     * A TAP's offloaded packets (a partial checksum, a 64 KB TSO packet) are translated and
     * forwarded whole: the address change goes into the partial checksum's pseudo-header sum
     * (translate.ts), and the packet's segments get their checksums where it is finished.
     */
    offloadHandling = 'passes-on';
    conntrack;
    /** Port allocation for masquerade (outside address) and hairpin (inside address). */
    outsidePorts;
    insidePorts;
    #sides;
    #gateway;
    #forwards;
    #masquerade;
    #translate;
    #arp;
    /** The resolver's neighbour cache, which the front cache below watches per packet. */
    #cache;
    #in = [undefined, undefined];
    #out = [undefined, undefined];
    #ip = new Ipv4View();
    /** Engine time, read once per push: a clock value passed across calls is a boxed double. */
    #now = 0;
    // Front cache of resolved neighbours, as in the router: slot -> (side + 1, address, entry).
    // NeighbourCache keys are doubles (side * 2^32 + address); this keeps the datapath off them.
    // Emptied whenever the cache gains, loses or evicts an entry.
    #fcSide = new Int32Array(1 << FRONT_CACHE_BITS);
    #fcIp = new Int32Array(1 << FRONT_CACHE_BITS);
    #fcEntry = new Array(1 << FRONT_CACHE_BITS).fill(null);
    #fcSize = -1;
    #fcEvictions = -1;
    /** Packets forwarded, per direction (0 inside -> outside, 1 outside -> inside and hairpin). */
    forwarded = 0;
    /** Packets whose tuple was rewritten. */
    translatedPackets = 0;
    constructor(ctx, conf) {
        super(ctx, conf, NAT_GATEWAY_DROPS);
        const r = resolve(ctx.name, conf);
        this.#sides = r.sides;
        this.#gateway = r.gateway;
        this.#forwards = r.forwards;
        this.#masquerade = conf.masquerade ?? true;
        this.#translate = conf.translate ?? true;
        this.conntrack = new Conntrack({ capacity: conf.conntrack?.capacity ?? 65536, ...(conf.conntrack?.zoneLimit !== undefined ? { zoneLimit: conf.conntrack.zoneLimit } : {}), ...(conf.conntrack?.timeouts ? { timeouts: conf.conntrack.timeouts } : {}) });
        const [lo, hi] = conf.portRange ?? [1024, 65535];
        this.outsidePorts = new PortAllocator(r.sides[1].ip, lo, hi);
        this.insidePorts = new PortAllocator(r.sides[0].ip, lo, hi);
        for (const f of r.forwards)
            this.outsidePorts.reserve(f.proto, f.port);
        this.#arp = new ArpResolver(ctx.engine, {
            reachableTime: NEIGHBOUR_REACHABLE, staleTime: NEIGHBOUR_STALE, retransTime: ARP_RETRANS, probes: ARP_PROBES,
            queueLength: conf.neighbours?.queueLength ?? 16, cacheSize: conf.neighbours?.capacity ?? 1024,
            learnGratuitous: false, linkHeaderLen: ETHERNET_HEADER_LEN, traceLearned: true,
        }, {
            alloc: () => this.alloc(),
            transmit: (p, side, dstMac, etherType) => this.#frame(p, side.index, dstMac, etherType),
            drop: (p, reason) => this.drop(p, ARP_DROPS[reason]),
            consume: (p) => this.consume(p),
            note: (p, text) => this.note(p, text),
            unresolved: (p) => this.drop(p, 'arp-timeout'),
        });
        this.#cache = this.#arp.cache;
        this.tickInterval = NS_PER_S;
        this.relink();
    }
    /** A port forward on the outside address: where the connection really goes. */
    serviceTarget(proto, ip, port) {
        if (ip !== this.#sides[1].ip)
            return null;
        const p = proto === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
        const f = this.#forwards.find((x) => x.proto === p && x.port === port);
        return f === undefined ? null : { ip: f.toIp, port: f.toPort };
    }
    ports() {
        return [this.#sides[0].port, this.#sides[1].port];
    }
    relink() {
        this.#in = [this.input[this.#sides[0].port], this.input[this.#sides[1].port]];
        this.#out = [this.output[this.#sides[0].port], this.output[this.#sides[1].port]];
    }
    held() {
        return this.#arp.held;
    }
    tick(now) {
        this.conntrack.sweep(now);
    }
    stop() {
        this.#arp.stop(this.engine.now());
    }
    /** ARP requests and replies sent and received, and resolutions given up. */
    arpCounters() {
        return this.#arp.counters();
    }
    /** The neighbour cache: entries (the gauge), bound, overflows, evictions, packets waiting. */
    neighbourCounts() {
        return this.#arp.neighbourCounts();
    }
    /** The connection table as `conntrack -L` prints it. */
    showConntrack() {
        return this.conntrack.format(this.engine.now());
    }
    push() {
        this.#now = this.engine.now();
        this.conntrack.clock = this.#now;
        for (let s = 0; s < 2; s++) {
            const link = this.#in[s];
            if (link === undefined)
                continue;
            while (!link.empty())
                this.#receive(link.receive(), s);
        }
    }
    #receive(p, s) {
        const side = this.#sides[s];
        const b = p.buf;
        const off = p.off;
        if (p.len < ETHERNET_HEADER_LEN)
            return this.drop(p, 'truncated');
        const mem = p.pool.memory;
        const at = p.base + off;
        const dstHi = mem.getUint16(at);
        const dstLo = mem.getUint32(at + 2);
        const etherType = (b[off + 12] << 8) | b[off + 13];
        if (dstHi === side.macHi && dstLo === side.macLo) {
            if (etherType === ETHERTYPE_IPV4)
                return this.#ipv4(p, s);
        }
        else if (dstHi !== 0xffff || dstLo !== 0xffff_ffff)
            return this.drop(p, 'not-my-mac');
        else if (etherType === ETHERTYPE_IPV4)
            return this.consume(p);
        if (etherType === ETHERTYPE_ARP)
            return this.#arp.receive(p, side, off + ETHERNET_HEADER_LEN, p.len - ETHERNET_HEADER_LEN, this.#now);
        this.drop(p, 'unknown-ethertype');
    }
    #ipv4(p, s) {
        const b = p.buf;
        const ipOff = p.off + ETHERNET_HEADER_LEN;
        const ip = this.#ip;
        const avail = p.len - ETHERNET_HEADER_LEN;
        // The common header (IHL 5, total length in the frame) is checked here by hand; the view
        // classifies the rest, and is pointed at the packet again only where it is used (#local).
        const total = avail >= 20 ? (b[ipOff + 2] << 8) | b[ipOff + 3] : 0;
        if ((b[ipOff] !== 0x45 || total < 20 || total > avail) && ip.wrap(b, ipOff, avail) !== null)
            return this.drop(p, 'ip-malformed');
        // Header fields read once, by word, through the pool's DataView; an IHL-5 header is summed as five words.
        const mem = p.pool.memory;
        const at = p.base + ipOff;
        const w0 = mem.getUint32(at);
        const w1 = mem.getUint32(at + 4);
        const w2 = mem.getUint32(at + 8);
        let src = mem.getUint32(at + 12);
        let dst = mem.getUint32(at + 16);
        if (w0 >>> 24 === 0x45) {
            let sum = ipv4HeaderWordsSum(w0 | 0, w1 | 0, w2 | 0, src | 0, dst | 0);
            sum = (sum & 0xffff) + (sum >>> 16);
            sum = (sum & 0xffff) + (sum >>> 16);
            if (sum !== 0xffff)
                return this.drop(p, 'ip-bad-checksum');
        }
        else if (!ip.checksumOk)
            return this.drop(p, 'ip-bad-checksum');
        if ((w1 & 0x3fff) !== 0)
            return this.drop(p, 'fragment');
        const insideIp = this.#sides[0].ip;
        const outsideIp = this.#sides[1].ip;
        if (!this.#translate) {
            if (dst === insideIp || dst === outsideIp)
                return this.#local(p, s, ipOff);
            return this.#forward(p, ipOff, dst | 0);
        }
        const proto = (w2 >>> 16) & 0xff;
        const headerLen = (w0 >>> 22) & 0x3c;
        const l4 = ipOff + headerLen;
        const l4Len = (w0 & 0xffff) - headerLen;
        let sport = 0;
        let dport = 0;
        let flags = 0;
        const now = this.#now;
        const ct = this.conntrack;
        if (proto === IPPROTO_TCP) {
            if (l4Len < 20)
                return this.drop(p, 'l4-truncated');
            flags = ((b[l4 + 12] & 1) << 8) | b[l4 + 13];
            if (!tcpFlagsValid(flags))
                return this.drop(p, 'tcp-bad-flags');
            sport = (b[l4] << 8) | b[l4 + 1];
            dport = (b[l4 + 2] << 8) | b[l4 + 3];
        }
        else if (proto === IPPROTO_UDP) {
            if (l4Len < 8)
                return this.drop(p, 'l4-truncated');
            sport = (b[l4] << 8) | b[l4 + 1];
            dport = (b[l4 + 2] << 8) | b[l4 + 3];
        }
        else if (proto === IPPROTO_ICMP) {
            if (l4Len < 8)
                return this.drop(p, 'l4-truncated');
            const type = b[l4];
            const code = b[l4 + 1];
            if ((type === 8 || type === 0) && code === 0) {
                sport = (b[l4 + 4] << 8) | b[l4 + 5];
                dport = type << 8;
            }
            else if (isIcmpError(type)) {
                const ref = translateIcmpError(ct, ZONE, b, ipOff, l4, l4Len, now);
                if (ref < 0) {
                    if (dst === insideIp || dst === outsideIp)
                        return this.#local(p, s, ipOff);
                    return this.drop(p, 'icmp-untracked');
                }
                const to = mem.getUint32(at + 16);
                this.note(p, `icmp error of a tracked connection, sent on to ${formatIpv4Addr(to)}`);
                return this.#forward(p, ipOff, to | 0);
            }
            else {
                if (dst === insideIp || dst === outsideIp)
                    return this.#local(p, s, ipOff);
                return this.drop(p, 'icmp-untracked');
            }
        }
        else {
            if (dst === insideIp || dst === outsideIp)
                return this.#local(p, s, ipOff);
            return this.drop(p, 'unsupported-protocol');
        }
        let ref = ct.find(ZONE, proto, src, dst, sport, dport, now);
        if (ref < 0) {
            // A new connection: only a SYN opens TCP, only a request opens ICMP echo.
            if (proto === IPPROTO_TCP && !Conntrack.tcpOpens(flags)) {
                if (dst === insideIp || dst === outsideIp)
                    return this.drop(p, 'no-port-forward');
                return this.drop(p, 'tcp-invalid');
            }
            const toMe = dst === insideIp || dst === outsideIp;
            if (proto === IPPROTO_ICMP && dport !== 0x0800)
                return toMe ? this.#local(p, s, ipOff) : this.drop(p, 'icmp-untracked');
            let rSrc = dst;
            let rDst = src;
            let rSport = proto === IPPROTO_ICMP ? sport : dport;
            let rDport = proto === IPPROTO_ICMP ? 0 : sport;
            if (toMe) {
                const f = dst === outsideIp && proto !== IPPROTO_ICMP ? this.#findForward(proto, dport) : null;
                if (f === null)
                    return proto === IPPROTO_ICMP ? this.#local(p, s, ipOff) : this.drop(p, 'no-port-forward');
                rSrc = f.toIp;
                rSport = f.toPort;
                if (s === 0) {
                    // Hairpin: the target answers the gateway, not the client next to it.
                    const port = this.insidePorts.allocate(ct, ZONE, proto, f.toIp, f.toPort, sport, now);
                    if (port < 0)
                        return this.drop(p, 'nat-ports-exhausted');
                    rDst = insideIp;
                    rDport = port;
                }
            }
            else if (s === 1) {
                return this.drop(p, 'unsolicited-inbound');
            }
            else if (this.#masquerade && !inPrefix(dst, insideIp, this.#sides[0].prefixLen)) {
                const port = this.outsidePorts.allocate(ct, ZONE, proto, dst, dport, sport, now);
                if (port < 0)
                    return this.drop(p, 'nat-ports-exhausted');
                rDst = outsideIp;
                if (proto === IPPROTO_ICMP)
                    rSport = port;
                else
                    rDport = port;
            }
            const e = ct.create(ZONE, proto, src, dst, sport, dport, rSrc, rDst, rSport, rDport, now);
            if (e < 0)
                return this.drop(p, e === CT_CLASH ? 'conntrack-clash' : 'conntrack-full');
            ref = 2 * e;
        }
        if (ct.track(ref, flags) === CT_INVALID)
            return this.drop(p, 'tcp-invalid');
        if (ct.translated(ref >> 1)) {
            if (proto === IPPROTO_ICMP)
                translatePacket(ct, ref, b, ipOff, l4, l4Len, proto);
            else
                translatePortsView(ct, ref, mem, at, p.base + l4, l4Len, proto, p.csumStart >= 0);
            this.translatedPackets++;
            src = mem.getUint32(at + 12);
            dst = mem.getUint32(at + 16);
            if (p.traceId !== 0)
                this.note(p, `nat: ${formatIpv4Addr(src)} -> ${formatIpv4Addr(dst)} (conntrack entry ${ref >> 1}, ${(ref & 1) === 0 ? 'original' : 'reply'})`);
        }
        if (dst === insideIp || dst === outsideIp)
            return this.#local(p, s, ipOff);
        this.#forward(p, ipOff, dst | 0);
    }
    #findForward(proto, port) {
        const fs = this.#forwards;
        for (let i = 0; i < fs.length; i++) {
            const f = fs[i];
            if (f.proto === proto && f.port === port)
                return f;
        }
        return null;
    }
    /** Packets to the gateway itself: echo requests are answered in place, the rest absorbed. */
    #local(p, s, ipOff) {
        const b = p.buf;
        const ip = this.#ip;
        ip.wrap(b, ipOff, p.len - ETHERNET_HEADER_LEN);
        if (ip.protocol === IPPROTO_ICMP && ip.payloadLength >= 8 && b[ip.payloadOffset] === 8) {
            const l4 = ip.payloadOffset;
            const src = ip.src;
            ip.src = ip.dst;
            ip.dst = src;
            ip.ttl = DEFAULT_TTL;
            ip.fillChecksum();
            b[l4] = 0;
            const sum = checksumUpdate16((b[l4 + 2] << 8) | b[l4 + 3], 8 << 8 | b[l4 + 1], b[l4 + 1]);
            b[l4 + 2] = sum >>> 8;
            b[l4 + 3] = sum;
            const peer = readMac(b, p.off + 6);
            this.note(p, `icmp: echo reply to ${formatIpv4Addr(src)}`);
            return this.#sendTo(p, s, peer);
        }
        this.consume(p);
    }
    /** `dst` may come as int32 (a uint32 above 2^30 passed into a call is boxed as a heap number). */
    #forward(p, ipOff, dstBits) {
        const dst = dstBits >>> 0;
        let s;
        let nextHop = dst;
        const inside = this.#sides[0];
        const outside = this.#sides[1];
        if (inPrefix(dst, inside.ip, inside.prefixLen))
            s = 0;
        else if (inPrefix(dst, outside.ip, outside.prefixLen))
            s = 1;
        else if (this.#gateway !== 0) {
            s = 1;
            nextHop = this.#gateway;
        }
        else
            return this.drop(p, 'no-route');
        const b = p.buf;
        const ttl = b[ipOff + 8];
        if (ttl <= 1)
            return this.drop(p, 'ttl-exceeded');
        // TTL - 1 with the RFC 1624 patch (equation 3), m the TTL/protocol word.
        const protocol = b[ipOff + 9];
        b[ipOff + 8] = ttl - 1;
        let c = (~((b[ipOff + 10] << 8) | b[ipOff + 11]) & 0xffff) + (~((ttl << 8) | protocol) & 0xffff) + (((ttl - 1) << 8) | protocol);
        c = (c & 0xffff) + (c >>> 16);
        c = ~((c & 0xffff) + (c >>> 16)) & 0xffff;
        b[ipOff + 10] = c >>> 8;
        b[ipOff + 11] = c;
        this.forwarded++;
        const now = this.#now;
        const cached = this.#cachedNeighbour(s, nextHop | 0);
        if (cached !== null)
            return this.#sendToNeighbour(p, s, cached);
        const n = this.#arp.lookup(s, nextHop, now);
        if (n !== undefined && n.mac >= 0) {
            this.#remember(s, nextHop | 0, n);
            return this.#sendTo(p, s, n.mac);
        }
        this.#arp.wait(p, this.#sides[s], nextHop, n, now);
    }
    /** The resolved, unexpired neighbour `ip` (int32) on side `s` from the front cache, or null. */
    #cachedNeighbour(s, ip) {
        const cache = this.#cache;
        if (cache.size !== this.#fcSize || cache.evictions !== this.#fcEvictions) {
            this.#fcSide.fill(0);
            this.#fcEntry.fill(null);
            this.#fcSize = cache.size;
            this.#fcEvictions = cache.evictions;
            return null;
        }
        const slot = Math.imul(ip ^ (s << 24), 0x9e3779b1) >>> (32 - FRONT_CACHE_BITS);
        if (this.#fcIp[slot] !== ip || this.#fcSide[slot] !== s + 1)
            return null;
        const n = this.#fcEntry[slot];
        // The cache's own expiry rule: past reachable + stale time the entry is gone.
        return this.#now - n.confirmedAt < NEIGHBOUR_EXPIRY ? n : null;
    }
    #remember(s, ip, n) {
        const slot = Math.imul(ip ^ (s << 24), 0x9e3779b1) >>> (32 - FRONT_CACHE_BITS);
        this.#fcIp[slot] = ip;
        this.#fcSide[slot] = s + 1;
        this.#fcEntry[slot] = n;
    }
    /** `#sendTo` for a neighbour entry: its MAC is written here, not passed on (a 48-bit number crossing a call is boxed). */
    #sendToNeighbour(p, s, n) {
        const mac = n.mac;
        const side = this.#sides[s];
        const mem = p.pool.memory;
        const at = p.base + p.off;
        // `>>> 0` takes the low 32 bits by truncation; `%` on a double would be a call to fmod.
        const lo = mac >>> 0;
        mem.setUint16(at, (mac - lo) / 0x1_0000_0000);
        mem.setUint32(at + 2, lo);
        mem.setUint16(at + 6, side.macHi);
        mem.setUint32(at + 8, side.macLo);
        this.#transmit(p, s);
    }
    #sendTo(p, s, mac) {
        writeMac(p.buf, p.off, mac);
        writeMac(p.buf, p.off + 6, this.#sides[s].mac);
        this.#transmit(p, s);
    }
    /** Writes the whole Ethernet header (for the resolver's ARP frames and the packets that waited for it) and sends. */
    #frame(p, s, dstMac, etherType) {
        p.buf[p.off + 12] = etherType >>> 8;
        p.buf[p.off + 13] = etherType & 0xff;
        this.#sendTo(p, s, dstMac);
    }
    #transmit(p, s) {
        const out = this.#out[s];
        if (out === undefined)
            return this.drop(p, 'no-link');
        out.transmit(p);
    }
}
//# sourceMappingURL=nat-gateway.js.map