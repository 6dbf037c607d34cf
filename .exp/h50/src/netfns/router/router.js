/**
 * An IPv4 router as an app: each interface is an engine port of the same name (`r1.eth0`).
 *
 * Forwarding (RFC 1812), per packet: the Ethernet destination must be the interface's MAC;
 * the IPv4 header is checked (version, IHL, total length against the frame, header checksum)
 * and martian sources and destinations are dropped; the destination is looked up in the
 * routing table of the ingress interface's VRF (a DIR-24-8 LPM whose next hops are route ids).
 * The route says: forward, deliver locally (the router's own addresses, held as /32 `local`
 * routes) or drop (directed broadcasts). A forwarded packet needs TTL > 1 and must fit the
 * egress MTU (no fragmentation: with DF set that is an ICMP "fragmentation needed" carrying
 * the MTU, without DF a counted drop); then the TTL is decremented with an RFC 1624 checksum
 * patch, the Ethernet addresses are rewritten in place and the frame leaves. Routes with
 * several next hops (ECMP) pick one by a hash of the flow (addresses, protocol and, for
 * unfragmented TCP/UDP/SCTP, ports; fragments hash without ports so they stay together), so
 * a flow always takes the same path. Fragments are forwarded as they are, and so are a TAP's
 * offloaded packets (a 64 KB TSO packet, a partial checksum): see `offloadHandling`.
 *
 * Errors (RFC 1812 4.3.2, RFC 792): no route -> destination net unreachable, TTL -> time
 * exceeded, ARP failure -> host unreachable, DF and too big -> fragmentation needed (RFC 1191).
 * The offending packet is always counted as a drop with its reason; the error is a new packet
 * (from the ingress interface's address, quoting the header and as much data as fits in 576
 * bytes), subject to a token bucket, and never sent about an ICMP error, a non-first fragment,
 * or a packet from or to a broadcast or multicast address.
 *
 * Neighbours: ARP requests for an address of the receiving interface are answered in place; next
 * hops are resolved with the hosts' ARP resolver and bounded neighbour cache
 * (hosts/arp-resolver.ts, hosts/neighbours.ts: states, per-entry bounded queue, eviction), reused as is. Its lookup keys (interface * 2^32 + address)
 * are doubles, which would box on every packet, so the datapath looks neighbours up first in a
 * small direct-mapped front cache of typed arrays; the front cache is emptied whenever the
 * neighbour cache gains, loses or evicts an entry, so it never returns an entry the cache no
 * longer holds. Permanent neighbours from the configuration sit beside the cache.
 *
 * Cost: a forwarded packet allocates nothing: header reads are byte and DataView reads, views
 * and reprs are reused, and the LPM lookup is a monomorphic call on one class.
 *
 * Accounting: received + generated (ARP requests, ICMP errors) = sent + consumed + dropped +
 * held (packets waiting for ARP), at every breath.
 */
import { App } from '../../engine/app.js';
import { gsoSegmentFrameLength } from '../../engine/packet.js';
import { checksumUpdate16, ipv4HeaderWordsSum } from '../../wire/checksum.js';
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../../wire/ethernet.js';
import { ICMP_DEST_UNREACHABLE, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, ICMP_UNREACH_FRAG_NEEDED, ICMP_UNREACH_HOST, ICMP_UNREACH_NET, ICMPV4_HEADER_LEN, Icmpv4View, emitIcmpv4, } from '../../wire/icmpv4.js';
import { formatCidr, formatIpv4Addr, parseCidr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import { IPPROTO_ICMP, IPV4_MIN_HEADER_LEN, Ipv4View, emitIpv4 } from '../../wire/ipv4.js';
import { formatMac } from '../../wire/mac.js';
import { ARP_RECEIVE_DROPS, ARP_WAIT_DROPS, ArpResolver } from '../../hosts/arp-resolver.js';
import { Neighbour } from '../../hosts/neighbours.js';
import { MAIN_TABLE, resolveRouteConfAgainst, resolveRouterConf } from './config.js';
import { NextHop, ROUTE_BROADCAST, ROUTE_LOCAL, ROUTE_UNICAST, RoutingTable } from './table.js';
import { routeJson, routeText } from './render.js';
export const ROUTER_DROPS = {
    truncated: 'frame shorter than its Ethernet header',
    'unknown-port': 'packet on a link whose port is not an interface of this router',
    'not-my-mac': 'unicast frame for another MAC',
    'l2-broadcast-ip': 'IPv4 in a broadcast or multicast frame: routers do not forward link-layer broadcasts (RFC 1812 5.3.4)',
    'unknown-ethertype': 'EtherType the router does not route (802.1Q tags included)',
    ...ARP_RECEIVE_DROPS,
    'ip-truncated': 'IPv4 header cut short',
    'ip-bad-version': 'IPv4 version field is not 4',
    'ip-bad-ihl': 'IPv4 IHL below 5',
    'ip-bad-length': 'IPv4 total length below the header or beyond the frame',
    'ip-bad-checksum': 'IPv4 header checksum does not verify',
    'ip-bad-source': 'martian source: 0.0.0.0, 127/8, multicast, class E or broadcast',
    'ip-bad-destination': 'martian destination: 0/8, 127/8 or class E',
    multicast: 'multicast destination: the router does not route multicast',
    broadcast: 'limited or directed broadcast: not forwarded (RFC 2644)',
    'no-route': 'no route to the destination (ICMP net unreachable sent when allowed)',
    'ttl-exceeded': 'TTL would reach zero (ICMP time exceeded sent when allowed)',
    'frag-needed': 'larger than the egress MTU with DF set (ICMP fragmentation needed sent when allowed)',
    'mtu-exceeded': 'larger than the egress MTU without DF: the router does not fragment',
    'arp-failed': 'the next hop never answered ARP (ICMP host unreachable sent when allowed)',
    ...ARP_WAIT_DROPS,
    'local-protocol': 'packet for a router address that is not an ICMP echo request (the router runs no services)',
    'icmp-truncated': 'ICMP message to the router shorter than its header',
    'icmp-bad-checksum': 'ICMP message to the router whose checksum does not verify',
    'no-link': 'the egress interface is not connected',
    flushed: 'waiting packet discarded when the router stopped',
};
/** Bytes of the offending datagram an ICMP error quotes at most: the error stays within 576 bytes (RFC 1812 4.3.2.3). */
const ICMP_QUOTE_MAX = 576 - IPV4_MIN_HEADER_LEN - ICMPV4_HEADER_LEN;
const ERROR_HEADERS = ETHERNET_HEADER_LEN + IPV4_MIN_HEADER_LEN + ICMPV4_HEADER_LEN;
const FRONT_CACHE_BITS = 8;
export class Router extends App {
    /**
     * A TSO packet from a TAP with offloads (one TCP segment of up to 64 KB, `gsoSize` per wire
     * segment, L4 checksum partial) is forwarded whole: routing touches only the IPv4 header,
     * whose checksum is always complete, and the MACs. Its MTU check is on the wire segments it
     * stands for, as Linux's forwarding checks a GSO packet (skb_gso_validate_network_len).
     */
    offloadHandling = 'passes-on';
    #ifaces;
    #ifaceByName;
    #tables = new Map();
    /** The table of each interface, by interface index. */
    #ifaceTables;
    #arp;
    #permanent = new Map();
    #ttl;
    #icmpRate;
    #icmpBurst;
    #icmpTokens;
    #icmpTokensAt = 0;
    /** Engine time, refreshed at each push and before timer work. */
    #now = 0;
    #inLinks = [];
    #inIfaces = [];
    #outLinks = [];
    // Front cache of resolved neighbours: slot -> (interface + 1, address, entry).
    #fcIf = new Int32Array(1 << FRONT_CACHE_BITS);
    #fcIp = new Int32Array(1 << FRONT_CACHE_BITS);
    #fcEntry = new Array(1 << FRONT_CACHE_BITS).fill(null);
    #fcSize = -1;
    #fcEvictions = -1;
    #expiry;
    #ip = new Ipv4View();
    #icmp = new Icmpv4View();
    #ipRepr = {
        dscp: 0, ecn: 0, identification: 0, dontFragment: false, moreFragments: false, fragmentOffset: 0,
        ttl: 64, protocol: IPPROTO_ICMP, src: 0, dst: 0, options: new Uint8Array(0), payloadLength: 0,
    };
    #unreachRepr = { kind: 'dest-unreachable', code: 0, nextHopMtu: 0, payloadLength: 0 };
    #timeExceededRepr = { kind: 'time-exceeded', code: ICMP_TIME_EXCEEDED_TTL, payloadLength: 0 };
    #ipId = 0;
    #forwarded = 0;
    #echoRepliesOut = 0;
    #netUnreachOut = 0;
    #hostUnreachOut = 0;
    #timeExceededOut = 0;
    #fragNeededOut = 0;
    #icmpRateLimited = 0;
    #icmpSuppressed = 0;
    #allocFailures = 0;
    constructor(ctx, conf) {
        super(ctx, conf, ROUTER_DROPS);
        const r = resolveRouterConf(ctx.name, conf);
        this.#ifaces = r.ifaces;
        this.#ifaceByName = new Map(r.ifaces.map((i) => [i.name, i]));
        for (const name of r.tables)
            this.#tables.set(name, new RoutingTable(name, this.#tables.size, { maxRoutes: r.maxRoutes, maxTbl8Groups: r.maxTbl8Groups }));
        this.#ifaceTables = r.ifaces.map((i) => this.#tables.get(i.table));
        this.#expiry = r.arp.reachableTime + r.arp.staleTime;
        this.#arp = new ArpResolver(ctx.engine, { ...r.arp, learnGratuitous: false, linkHeaderLen: ETHERNET_HEADER_LEN, traceLearned: false }, {
            alloc: () => {
                const p = this.alloc();
                if (p === null)
                    this.#allocFailures++;
                return p;
            },
            transmit: (p, iface, dstMac, etherType) => this.#frame(p, iface, dstMac, etherType),
            drop: (p, reason) => this.drop(p, reason),
            consume: (p) => this.consume(p),
            note: (p, text) => this.note(p, text),
            unresolved: (p, ip) => this.#unresolved(p, ip),
            isStatic: (ifIndex, ip) => this.#permanent.has(`${ifIndex}/${ip}`),
        });
        this.#ttl = r.ttl;
        this.#icmpRate = r.icmpErrorRate;
        this.#icmpBurst = r.icmpErrorBurst;
        this.#icmpTokens = r.icmpErrorBurst;
        this.#icmpTokensAt = ctx.engine.now();
        this.#addConnected();
        for (const rr of r.routes) {
            const result = this.#install(rr.table, rr.dst, rr.len, rr.hops.map((h) => new NextHop(h.via, h.ifIndex)));
            if (result !== 'ok')
                throw new Error(`router ${this.name}: route ${formatCidr(rr.dst, rr.len)} in table ${rr.table}: ${result}`);
        }
        for (const n of r.neighbours) {
            const entry = new Neighbour(n.ifIndex, n.ip, 1);
            entry.mac = n.mac;
            entry.confirmedAt = Infinity;
            this.#permanent.set(`${n.ifIndex}/${n.ip}`, entry);
        }
        this.relink();
    }
    #addConnected() {
        for (const iface of this.#ifaces) {
            const table = this.#tables.get(iface.table);
            const here = [new NextHop(0, iface.index)];
            for (const a of iface.addrs) {
                const add = (dst, len, type) => {
                    const result = table.add(dst, len, type, 'kernel', a.addr, here);
                    if (result === 'table-full' || result === 'tbl8-full')
                        throw new Error(`router ${this.name}: table ${table.name} full while adding the routes of ${iface.name} (raise maxRoutes or maxTbl8Groups)`);
                };
                add(a.addr, 32, ROUTE_LOCAL);
                if (a.broadcast !== 0)
                    add(a.broadcast, 32, ROUTE_BROADCAST);
                // A /32 address has no subnet beyond itself; two interfaces on one subnet keep the first route, as Linux does.
                if (a.prefixLen < 32)
                    add(a.addr, a.prefixLen, ROUTE_UNICAST);
            }
        }
    }
    #install(tableName, dst, len, hops) {
        let table = this.#tables.get(tableName);
        if (table === undefined) {
            const main = this.#tables.get(MAIN_TABLE);
            table = new RoutingTable(tableName, this.#tables.size, { maxRoutes: main.maxRoutes, maxTbl8Groups: main.lpm.maxTbl8Groups });
            this.#tables.set(tableName, table);
        }
        const existing = table.get(dst, len);
        if (existing !== null && existing.type !== ROUTE_UNICAST)
            return `conflicts with the router's own ${existing.type === ROUTE_LOCAL ? 'address' : 'broadcast address'} ${formatIpv4Addr(existing.dst)}`;
        const r = table.add(dst, len, ROUTE_UNICAST, 'static', 0, hops);
        return r === 'exists' ? 'a route to this prefix already exists' : r;
    }
    ports() {
        return this.#ifaces.map((i) => i.name);
    }
    relink() {
        this.#inLinks = [];
        this.#inIfaces = [];
        for (const [name, link] of Object.entries(this.input)) {
            this.#inLinks.push(link);
            this.#inIfaces.push(this.#ifaceByName.get(name) ?? null);
        }
        this.#outLinks = this.#ifaces.map((i) => this.output[i.name]);
    }
    held() {
        return this.#arp.held;
    }
    stop() {
        this.#arp.stop(this.engine.now());
    }
    // ---------------------------------------------------------------- receive
    push() {
        // Engine time read once per batch: a clock value returned across a call is a boxed double.
        this.#now = this.engine.now();
        const links = this.#inLinks;
        const ifaces = this.#inIfaces;
        for (let i = 0; i < links.length; i++) {
            const link = links[i];
            const iface = ifaces[i];
            while (!link.empty()) {
                const p = link.receive();
                if (iface === null)
                    this.drop(p, 'unknown-port');
                else
                    this.#receive(p, iface);
            }
        }
    }
    #receive(p, iface) {
        if (p.len < ETHERNET_HEADER_LEN)
            return this.drop(p, 'truncated');
        const v = p.view;
        const o = p.off;
        const toMe = v.getUint16(o) === iface.macHi && v.getUint32(o + 2) === iface.macLo;
        const etherType = v.getUint16(o + 12);
        if (etherType === ETHERTYPE_IPV4) {
            if (!toMe)
                return this.drop(p, (p.buf[o] & 1) !== 0 ? 'l2-broadcast-ip' : 'not-my-mac');
            iface.rxPackets++;
            iface.rxBytes += p.len;
            p.inPort = iface.index;
            return this.#receiveIpv4(p, iface);
        }
        if (!toMe && (p.buf[o] & 1) === 0)
            return this.drop(p, 'not-my-mac');
        if (etherType === ETHERTYPE_ARP) {
            iface.rxPackets++;
            iface.rxBytes += p.len;
            return this.#arp.receive(p, iface, p.off + ETHERNET_HEADER_LEN, p.len - ETHERNET_HEADER_LEN, this.#now);
        }
        this.drop(p, 'unknown-ethertype');
    }
    #receiveIpv4(p, iface) {
        // Header checks by hand on the pool's one DataView: the common header (IHL 5) is summed as
        // five words, and the view object (#ip) is pointed at the packet only off the fast path.
        const mem = p.pool.memory;
        const ipOff = p.off + ETHERNET_HEADER_LEN;
        const at = p.base + ipOff;
        const avail = p.len - ETHERNET_HEADER_LEN;
        if (avail < IPV4_MIN_HEADER_LEN || p.buf[ipOff] !== 0x45)
            return this.#receiveIpv4Slow(p, iface);
        const w0 = mem.getUint32(at);
        const w1 = mem.getUint32(at + 4);
        const w2 = mem.getUint32(at + 8);
        const src = mem.getUint32(at + 12);
        const dst = mem.getUint32(at + 16);
        const total = w0 & 0xffff;
        if (total < IPV4_MIN_HEADER_LEN || total > avail)
            return this.#receiveIpv4Slow(p, iface);
        let sum = ipv4HeaderWordsSum(w0 | 0, w1 | 0, w2 | 0, src | 0, dst | 0);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        if (sum !== 0xffff)
            return this.drop(p, 'ip-bad-checksum');
        this.#route(p, iface, ipOff, src, dst, w2 >>> 24, total, (w1 & 0x4000) !== 0);
    }
    /** Headers the fast path does not take (options, or something wrong): the view classifies them. */
    #receiveIpv4Slow(p, iface) {
        const ip = this.#ip;
        const ipOff = p.off + ETHERNET_HEADER_LEN;
        const err = ip.wrap(p.buf, ipOff, p.len - ETHERNET_HEADER_LEN);
        if (err !== null) {
            if (err === 'bad-version')
                return this.drop(p, 'ip-bad-version');
            if (err === 'bad-ihl')
                return this.drop(p, 'ip-bad-ihl');
            if (err === 'truncated')
                return this.drop(p, 'ip-truncated');
            return this.drop(p, 'ip-bad-length');
        }
        if (!ip.checksumOk)
            return this.drop(p, 'ip-bad-checksum');
        // Addresses read here rather than through the view: a uint32 above 2^31 returned across a call is boxed.
        const b = p.buf;
        const src = ((b[ipOff + 12] << 24) | (b[ipOff + 13] << 16) | (b[ipOff + 14] << 8) | b[ipOff + 15]) >>> 0;
        const dst = ((b[ipOff + 16] << 24) | (b[ipOff + 17] << 16) | (b[ipOff + 18] << 8) | b[ipOff + 19]) >>> 0;
        this.#route(p, iface, ipOff, src, dst, b[ipOff + 8], ip.totalLength, ip.dontFragment);
    }
    /** Routes a checked IPv4 packet (header at `ipOff`; `src`, `dst` uint32). */
    #route(p, iface, ipOff, src, dst, ttl, total, dontFragment) {
        if (src === 0 || src >= 0xe000_0000 || src >>> 24 === 127)
            return this.drop(p, 'ip-bad-source');
        if (dst >= 0xe000_0000)
            return this.drop(p, dst === 0xffff_ffff ? 'broadcast' : dst < 0xf000_0000 ? 'multicast' : 'ip-bad-destination');
        if (dst >>> 24 === 0 || dst >>> 24 === 127)
            return this.drop(p, 'ip-bad-destination');
        const table = this.#ifaceTables[iface.index];
        const id = table.lpm.lookup(dst | 0);
        if (id < 0)
            return this.#fail(p, iface, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_NET, 0, 'no-route');
        const route = table.byId[id];
        if (route.type !== ROUTE_UNICAST) {
            if (route.type === ROUTE_LOCAL)
                return this.#receiveLocal(p, iface);
            return this.drop(p, 'broadcast');
        }
        if (ttl <= 1)
            return this.#fail(p, iface, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, 0, 'ttl-exceeded');
        const hops = route.hops;
        const hop = hops.length === 1 ? hops[0] : hops[flowHash(p.buf, ipOff) % hops.length];
        const egress = this.#ifaces[hop.ifIndex];
        // A TSO packet is measured by the largest wire segment it stands for.
        if ((p.gsoSize > 0 ? gsoSegmentFrameLength(p) - (ipOff - p.off) : total) > egress.mtu) {
            if (dontFragment)
                return this.#fail(p, iface, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, egress.mtu, 'frag-needed');
            return this.drop(p, 'mtu-exceeded');
        }
        // TTL - 1 with the RFC 1624 patch (equation 3: HC' = ~(~HC + ~m + m')), m the TTL/protocol word.
        const b = p.buf;
        const protocol = b[ipOff + 9];
        b[ipOff + 8] = ttl - 1;
        let c = (~((b[ipOff + 10] << 8) | b[ipOff + 11]) & 0xffff) + (~((ttl << 8) | protocol) & 0xffff) + (((ttl - 1) << 8) | protocol);
        c = (c & 0xffff) + (c >>> 16);
        c = ~((c & 0xffff) + (c >>> 16)) & 0xffff;
        b[ipOff + 10] = c >>> 8;
        b[ipOff + 11] = c;
        this.#forwarded++;
        if (p.traceId !== 0)
            this.note(p, `route ${describeRoute(route)} in ${table.name}: forward to ${formatIpv4Addr(hop.via !== 0 ? hop.via : dst)} dev ${egress.name}`);
        this.#transmitIp(p, egress, (hop.via !== 0 ? hop.via : dst) | 0);
    }
    /** A packet for one of the router's addresses: answer pings, drop the rest. */
    #receiveLocal(p, iface) {
        const ip = this.#ip;
        ip.wrap(p.buf, p.off + ETHERNET_HEADER_LEN, p.len - ETHERNET_HEADER_LEN);
        if (ip.protocol !== IPPROTO_ICMP || ip.isFragment)
            return this.drop(p, 'local-protocol');
        const icmp = this.#icmp;
        if (icmp.wrap(p.buf, ip.payloadOffset, ip.payloadLength) !== null)
            return this.drop(p, 'icmp-truncated');
        if (!icmp.checksumOk)
            return this.drop(p, 'icmp-bad-checksum');
        if (icmp.type !== ICMP_ECHO_REQUEST)
            return this.drop(p, 'local-protocol');
        const requester = ip.src;
        const table = this.#ifaceTables[iface.index];
        const back = table.lookup(requester);
        if (back === null || back.type !== ROUTE_UNICAST)
            return this.drop(p, 'no-route');
        // Answer in place: swap the addresses, turn the type round, patch the checksum.
        const code = icmp.code;
        icmp.type = ICMP_ECHO_REPLY;
        icmp.checksum = checksumUpdate16(icmp.checksum, (ICMP_ECHO_REQUEST << 8) | code, (ICMP_ECHO_REPLY << 8) | code);
        ip.src = ip.dst;
        ip.dst = requester;
        ip.ttl = this.#ttl;
        ip.identification = this.#nextIpId();
        ip.fillChecksum();
        p.len = ETHERNET_HEADER_LEN + ip.totalLength;
        this.#echoRepliesOut++;
        if (p.traceId !== 0)
            this.note(p, `icmp: echo reply to ${formatIpv4Addr(requester)}`);
        const hop = back.hops.length === 1 ? back.hops[0] : back.hops[flowHash(p.buf, p.off + ETHERNET_HEADER_LEN) % back.hops.length];
        this.#transmitIp(p, this.#ifaces[hop.ifIndex], (hop.via !== 0 ? hop.via : requester) | 0);
    }
    // ---------------------------------------------------------------- errors
    /**
     * Drops the packet (IPv4 header at `p.off + 14`, viewed by `#ip`) for `reason`, and sends the
     * ICMP error `type`/`code` about it to its source when RFC 1812 and the rate limit allow.
     */
    #fail(p, inIface, type, code, mtu, reason) {
        if (p.traceId !== 0)
            this.note(p, `${reason}: icmp type ${type} code ${code} to ${formatIpv4Addr(readIpv4(p.buf, p.off + ETHERNET_HEADER_LEN + 12))}`);
        this.#sendError(p, p.off + ETHERNET_HEADER_LEN, inIface, type, code, mtu);
        this.drop(p, reason);
    }
    #sendError(p, ipOff, inIface, type, code, mtu) {
        const b = p.buf;
        const to = ((b[ipOff + 12] << 24) | (b[ipOff + 13] << 16) | (b[ipOff + 14] << 8) | b[ipOff + 15]) >>> 0;
        const about = ((b[ipOff + 16] << 24) | (b[ipOff + 17] << 16) | (b[ipOff + 18] << 8) | b[ipOff + 19]) >>> 0;
        const ihl = (b[ipOff] & 0x0f) << 2;
        const total = (b[ipOff + 2] << 8) | b[ipOff + 3];
        const fragOffset = ((b[ipOff + 6] & 0x1f) << 8) | b[ipOff + 7];
        const protocol = b[ipOff + 9];
        // RFC 1812 4.3.2.7: never about an ICMP error, a non-first fragment, or non-unicast ends.
        const icmpError = protocol === IPPROTO_ICMP && fragOffset === 0 && total >= ihl + 1 && isIcmpErrorType(b[ipOff + ihl]);
        if (icmpError || fragOffset !== 0 || to === 0 || to >= 0xe000_0000 || to >>> 24 === 127 || about >= 0xe000_0000) {
            this.#icmpSuppressed++;
            return;
        }
        const table = this.#ifaceTables[inIface.index];
        const back = table.lookup(to);
        if (back === null || back.type !== ROUTE_UNICAST) {
            this.#icmpSuppressed++;
            return;
        }
        const hop = back.hops[0];
        const egress = this.#ifaces[hop.ifIndex];
        const src = inIface.sourceFor(to) || back.prefsrc || egress.sourceFor(to);
        if (src === 0) {
            this.#icmpSuppressed++;
            return;
        }
        if (!this.#takeIcmpToken())
            return;
        const q = this.alloc();
        if (q === null) {
            this.#allocFailures++;
            return;
        }
        const quote = Math.min(total, ICMP_QUOTE_MAX, q.buf.length - q.off - ERROR_HEADERS);
        q.buf.set(b.subarray(ipOff, ipOff + quote), q.off + ERROR_HEADERS);
        const icmpOff = q.off + ETHERNET_HEADER_LEN + IPV4_MIN_HEADER_LEN;
        if (type === ICMP_TIME_EXCEEDED) {
            this.#timeExceededRepr.payloadLength = quote;
            emitIcmpv4(this.#timeExceededRepr, q.buf, icmpOff);
            this.#timeExceededOut++;
        }
        else {
            const u = this.#unreachRepr;
            u.code = code;
            u.nextHopMtu = mtu;
            u.payloadLength = quote;
            emitIcmpv4(u, q.buf, icmpOff);
            if (code === ICMP_UNREACH_NET)
                this.#netUnreachOut++;
            else if (code === ICMP_UNREACH_HOST)
                this.#hostUnreachOut++;
            else
                this.#fragNeededOut++;
        }
        const r = this.#ipRepr;
        r.identification = this.#nextIpId();
        r.ttl = this.#ttl;
        r.src = src;
        r.dst = to;
        r.payloadLength = ICMPV4_HEADER_LEN + quote;
        emitIpv4(r, q.buf, q.off + ETHERNET_HEADER_LEN);
        q.len = ERROR_HEADERS + quote;
        // Marks the packet as the router's own, so an ARP failure on the way back earns no error about an error.
        q.inPort = -1;
        this.#transmitIp(q, egress, (hop.via !== 0 ? hop.via : to) | 0);
    }
    #takeIcmpToken() {
        if (this.#icmpRate <= 0) {
            this.#icmpRateLimited++;
            return false;
        }
        const now = this.#now;
        this.#icmpTokens = Math.min(this.#icmpBurst, this.#icmpTokens + ((now - this.#icmpTokensAt) * this.#icmpRate) / 1e9);
        this.#icmpTokensAt = now;
        if (this.#icmpTokens < 1) {
            this.#icmpRateLimited++;
            return false;
        }
        this.#icmpTokens -= 1;
        return true;
    }
    // ---------------------------------------------------------------- transmit
    /**
     * Sends a packet whose Ethernet header (to be rewritten) is at `p.off` to `nextHop` (an
     * address as int32, so it never needs boxing) on `iface`, resolving it first when needed.
     */
    #transmitIp(p, iface, nextHop) {
        const now = this.#now;
        const n = this.#neighbour(iface.index, nextHop, now);
        if (n !== null && n.mac >= 0) {
            this.#arp.refreshIfStale(n, iface, now);
            // The destination MAC is written here, not passed on: a 48-bit number crossing a call is boxed.
            const mac = n.mac;
            const mem = p.pool.memory;
            const at = p.base + p.off;
            // `>>> 0` takes the low 32 bits by truncation; `%` on a double would be a call to fmod.
            const lo = mac >>> 0;
            mem.setUint16(at, (mac - lo) / 0x1_0000_0000);
            mem.setUint32(at + 2, lo);
            this.#send(p, iface, ETHERTYPE_IPV4);
            return;
        }
        this.#arp.wait(p, iface, nextHop >>> 0, n, now);
    }
    /** The neighbour entry for `ip` (int32) on interface `ifIndex`, or null; resolved entries come from the front cache. */
    #neighbour(ifIndex, ip, now) {
        const cache = this.#arp.cache;
        if (cache.size !== this.#fcSize || cache.evictions !== this.#fcEvictions)
            this.#flushFrontCache();
        const slot = Math.imul(ip ^ (ifIndex << 24), 0x9e3779b1) >>> (32 - FRONT_CACHE_BITS);
        if (this.#fcIp[slot] === ip && this.#fcIf[slot] === ifIndex + 1) {
            const n = this.#fcEntry[slot];
            if (now - n.confirmedAt < this.#expiry)
                return n;
        }
        const addr = ip >>> 0;
        const n = this.#permanent.size > 0 ? (this.#permanent.get(`${ifIndex}/${addr}`) ?? cache.get(ifIndex, addr, now)) : cache.get(ifIndex, addr, now);
        if (n === undefined)
            return null;
        if (n.mac >= 0) {
            if (cache.size !== this.#fcSize)
                this.#flushFrontCache();
            this.#fcIp[slot] = ip;
            this.#fcIf[slot] = ifIndex + 1;
            this.#fcEntry[slot] = n;
        }
        return n;
    }
    #flushFrontCache() {
        this.#fcIf.fill(0);
        this.#fcEntry.fill(null);
        this.#fcSize = this.#arp.cache.size;
        this.#fcEvictions = this.#arp.cache.evictions;
    }
    /** A packet that waited for `ip`, which never answered: host unreachable, when the packet earns an error. */
    #unresolved(p, ip) {
        this.#now = this.engine.now();
        const inIface = this.#ifaces[p.inPort];
        if (p.traceId !== 0)
            this.note(p, `arp-failed: ${formatIpv4Addr(ip)} never answered`);
        // Only forwarded packets earn an error: the router's own (ICMP errors, echo replies) do not.
        if (inIface !== undefined)
            this.#sendError(p, p.off + ETHERNET_HEADER_LEN, inIface, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_HOST, 0);
        this.drop(p, 'arp-failed');
    }
    /** Writes the Ethernet header at `p.off` and hands the frame to the interface's port. */
    #frame(p, iface, dstMac, etherType) {
        const v = p.view;
        const lo = dstMac >>> 0;
        v.setUint16(p.off, (dstMac - lo) / 0x1_0000_0000);
        v.setUint32(p.off + 2, lo);
        this.#send(p, iface, etherType);
    }
    /** Writes the source MAC and EtherType after a destination MAC already in place, and transmits. */
    #send(p, iface, etherType) {
        const mem = p.pool.memory;
        const at = p.base + p.off;
        mem.setUint16(at + 6, iface.macHi);
        mem.setUint32(at + 8, iface.macLo);
        mem.setUint16(at + 12, etherType);
        const link = this.#outLinks[iface.index];
        if (link === undefined)
            return this.drop(p, 'no-link');
        iface.txPackets++;
        iface.txBytes += p.len;
        link.transmit(p);
    }
    #nextIpId() {
        this.#ipId = (this.#ipId + 1) & 0xffff;
        return this.#ipId;
    }
    // ---------------------------------------------------------------- control API
    /** Table names, `main` first. */
    tables() {
        return [...this.#tables.keys()];
    }
    /** The unicast routes of `table` as `ip -j route show table TABLE` prints them. */
    routes(table = MAIN_TABLE) {
        return this.#table(table).list().filter((r) => r.type === ROUTE_UNICAST).map((r) => routeJson(r, this.#ifaces, table));
    }
    /** The unicast routes of `table` as `ip route show table TABLE` prints them, one line per route (ECMP next hops indented). */
    routesText(table = MAIN_TABLE) {
        return this.#table(table).list().filter((r) => r.type === ROUTE_UNICAST).map((r) => routeText(r, this.#ifaces, table)).join('\n');
    }
    /** Adds a static route; throws naming the problem (bad field, unknown interface, an existing route, a full table). */
    addRoute(conf) {
        const rr = resolveRouteConfAgainst(this.name, conf, this.#ifaces);
        const result = this.#install(rr.table, rr.dst, rr.len, rr.hops.map((h) => new NextHop(h.via, h.ifIndex)));
        if (result !== 'ok')
            throw new Error(`router ${this.name}: route ${formatCidr(rr.dst, rr.len)} in table ${rr.table}: ${result}`);
    }
    /** Removes the static route to `dst` (a prefix or `default`) from `table`; false when there is none. Connected routes cannot be removed. */
    delRoute(dst, table = MAIN_TABLE) {
        const c = dst === 'default' ? { addr: 0, prefixLen: 0 } : parseCidr(dst);
        const t = this.#table(table);
        const r = t.get(c.addr, c.prefixLen);
        if (r === null || r.type !== ROUTE_UNICAST)
            return false;
        if (r.protocol === 'kernel')
            throw new Error(`router ${this.name}: ${dst} is a connected route of ${this.#ifaces[r.hops[0].ifIndex].name}; remove the address instead`);
        t.remove(c.addr, c.prefixLen);
        return true;
    }
    /** Where a packet to `dst` arriving on an interface of `table` would go: the route, or null. */
    routeGet(dst, table = MAIN_TABLE) {
        const r = this.#table(table).lookup(parseIpv4Addr(dst));
        return r === null ? null : routeJson(r, this.#ifaces);
    }
    /** The neighbour cache and permanent entries, like `ip neigh`. */
    neighbours() {
        const now = this.engine.now();
        const out = [];
        const row = (n, state) => {
            const ip = formatIpv4Addr(n.ip);
            const dev = this.#ifaces[n.ifIndex].name;
            const mac = n.mac >= 0 ? formatMac(n.mac) : null;
            return { ip, dev, mac, state, queued: n.queued, text: `${ip} dev ${dev}${mac !== null ? ` lladdr ${mac}` : ''} ${state.toUpperCase()}` };
        };
        for (const n of this.#permanent.values())
            out.push(row(n, 'permanent'));
        const cache = this.#arp.cache;
        for (const n of cache.list(now))
            out.push(row(n, cache.state(n, now)));
        return out;
    }
    /** The interfaces with their addresses, like `ip -br addr`. */
    addresses() {
        return this.#ifaces.map((i) => ({ name: i.name, mac: formatMac(i.mac), mtu: i.mtu, vrf: i.table, addrs: i.addrs.map((a) => formatCidr(a.addr, a.prefixLen)) }));
    }
    stats() {
        const interfaces = {};
        for (const i of this.#ifaces)
            interfaces[i.name] = { rxPackets: i.rxPackets, rxBytes: i.rxBytes, txPackets: i.txPackets, txBytes: i.txBytes };
        const tables = {};
        for (const t of this.#tables.values())
            tables[t.name] = { routes: t.size, capacity: t.maxRoutes, overflow: t.overflow, tbl8Groups: t.lpm.tbl8GroupsInUse, tbl8Capacity: t.lpm.maxTbl8Groups };
        return {
            interfaces,
            forwarded: this.#forwarded,
            drops: { ...this.dropCounts },
            icmp: {
                echoRepliesOut: this.#echoRepliesOut,
                netUnreachableOut: this.#netUnreachOut,
                hostUnreachableOut: this.#hostUnreachOut,
                timeExceededOut: this.#timeExceededOut,
                fragNeededOut: this.#fragNeededOut,
                rateLimited: this.#icmpRateLimited,
                suppressed: this.#icmpSuppressed,
            },
            arp: this.#arp.counters(),
            neighbours: { ...this.#arp.neighbourCounts(), permanent: this.#permanent.size },
            tables,
            allocFailures: this.#allocFailures,
            held: this.held(),
        };
    }
    #table(name) {
        const t = this.#tables.get(name);
        if (t === undefined)
            throw new Error(`router ${this.name}: no table ${name} (tables: ${this.tables().join(', ')})`);
        return t;
    }
}
/** ICMP types that are errors (RFC 792, RFC 1812 4.3.2.7): never answered with another error. */
function isIcmpErrorType(type) {
    return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}
/**
 * A hash of the flow of the IPv4 packet at `ip`: addresses and protocol, plus the ports of an
 * unfragmented TCP, UDP or SCTP packet. Fragments hash without ports, so every piece of a
 * datagram takes the path its first piece took. Murmur3's finaliser mixes the words.
 */
export function flowHash(b, ip) {
    const src = (b[ip + 12] << 24) | (b[ip + 13] << 16) | (b[ip + 14] << 8) | b[ip + 15];
    const dst = (b[ip + 16] << 24) | (b[ip + 17] << 16) | (b[ip + 18] << 8) | b[ip + 19];
    const protocol = b[ip + 9];
    let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul((h ^ (h >>> 13)) ^ dst, 0xc2b2ae35);
    h ^= protocol;
    const fragment = ((b[ip + 6] & 0x3f) << 8) | b[ip + 7];
    if (fragment === 0 && (protocol === 6 || protocol === 17 || protocol === 132)) {
        const ihl = (b[ip] & 0x0f) << 2;
        const total = (b[ip + 2] << 8) | b[ip + 3];
        if (total >= ihl + 4) {
            const l4 = ip + ihl;
            h = Math.imul(h ^ ((b[l4] << 24) | (b[l4 + 1] << 16) | (b[l4 + 2] << 8) | b[l4 + 3]), 0x27d4eb2f);
        }
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}
function readIpv4(b, at) {
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
function describeRoute(r) {
    return r.len === 0 ? 'default' : formatCidr(r.dst, r.len);
}
/**
 * Every table of a router for `show routes`: `ip route show table all` text (main first, other
 * tables' routes marked `table NAME`), or with `json` the `ip -j route show table all` array.
 */
export function renderRouterRoutes(router, json) {
    if (json)
        return JSON.stringify(router.tables().flatMap((t) => router.routes(t)), null, 2);
    const text = router.tables().map((t) => router.routesText(t)).filter((s) => s !== '').join('\n');
    return text === '' ? '(no routes)' : text;
}
//# sourceMappingURL=router.js.map