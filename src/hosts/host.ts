/**
 * An emulated host: the virtual instance (container or VM) of a lab, as an app on the engine.
 *
 * What: each configured port (`eth0`) is an engine port (`h1.eth0`); IPv4 interfaces sit on a
 * port untagged or as 802.1Q sub-interfaces (`eth0.10`). A small IPv4 stack answers ARP
 * (RFC 826), replies to pings, sends its own (`ping`), and exchanges UDP (`udpBind`/`udpSend`)
 * with ICMP port unreachable for closed ports. It is a host, not a router: it never forwards.
 *
 * How a frame goes in: Ethernet, then an optional VLAN tag picks the interface; the
 * destination MAC must be the interface's or broadcast; ARP or IPv4 follows. IPv4 is checked
 * (version, IHL, lengths, header checksum), accepted for any of the host's addresses (the
 * weak host model, as Linux does), a limited or directed broadcast, and dropped otherwise.
 * Fragments are dropped with a reason: there is no reassembly, and the host never fragments
 * either (a packet above the interface MTU fails with `too-big`). Replies (ARP reply, echo
 * reply, ICMP errors) are written into the packet that asked, so they cost no allocation.
 *
 * How a packet goes out: the routing table (connected, static, default; longest prefix
 * match) gives the interface and next hop, the neighbour cache its MAC. An unresolved next
 * hop keeps the packet in that neighbour's bounded queue while ARP retries; see
 * arp-resolver.ts (shared with the router) and neighbours.ts for the states and timers. Packets to the host's own addresses loop back
 * through a bounded queue, delivered at the next breath.
 *
 * Accounting: every packet that enters is sent on, consumed (delivered, answered by a new
 * packet, absorbed) or dropped with a reason from HOST_DROPS; packets the host originates are
 * `alloc`ed; packets waiting for ARP or on the loopback are `held()`. So
 * received + generated = sent + consumed + dropped + held holds at every breath.
 * Pool exhaustion on originating is reported to the caller (`no-buffer`) and counted in
 * `stats().allocFailures`, outside the drop table, since no packet existed to drop.
 *
 * Simplifications, on purpose: an ARP request addressed to us confirms the sender as
 * reachable (Linux would mark it stale and confirm it later); a stale entry is used at once
 * and re-confirmed with one unicast request per `retransTime` (Linux's DELAY/PROBE in one
 * step); frames are sent without padding to 60 bytes; IP options of an echo request are
 * echoed back unchanged.
 */
import { App, type AppContext } from '../engine/app.js';
import type { Link } from '../engine/link.js';
import type { Packet } from '../engine/packet.js';
import { checksumUpdate16 } from '../wire/checksum.js';
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_VLAN, EthernetView, emitEthernet, type EthernetRepr } from '../wire/ethernet.js';
import {
  ICMP_DEST_UNREACHABLE,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_TIME_EXCEEDED,
  ICMP_UNREACH_PORT,
  ICMP_UNREACH_PROTOCOL,
  ICMPV4_HEADER_LEN,
  Icmpv4View,
  emitIcmpv4,
  type Icmpv4DestUnreachable,
  type Icmpv4Echo,
} from '../wire/icmpv4.js';
import { IPV4_BROADCAST, formatCidr, formatIpv4Addr, isIpv4Multicast, parseIpv4Addr, readIpv4Addr } from '../wire/ipv4-addr.js';
import { IPPROTO_ICMP, IPPROTO_UDP, IPV4_MIN_HEADER_LEN, Ipv4View, emitIpv4, type Ipv4Repr } from '../wire/ipv4.js';
import { MAC_BROADCAST, formatMac } from '../wire/mac.js';
import { UDP_HEADER_LEN, UdpView, emitUdp, type UdpRepr } from '../wire/udp.js';
import { VLAN_TAG_LEN, VlanView, emitVlan, type VlanRepr } from '../wire/vlan.js';
import { type HostConf, type HostPort, type Iface, type ResolvedArp, resolveHostConf } from './config.js';
import { ARP_RECEIVE_DROPS, ARP_WAIT_DROPS, type ArpCounters, ArpResolver, type ArpSink, type NeighbourCounts } from './arp-resolver.js';
import type { NeighbourState } from './neighbours.js';
import { PingSession, type PingErrorKind, type PingOptions } from './ping.js';
import { RouteTable } from './routes.js';

export type { HostConf, InterfaceConf, RouteConf, ArpConf } from './config.js';
export { PingSession } from './ping.js';
export type { PingOptions, PingReply, PingError, PingErrorKind } from './ping.js';

export const HOST_DROPS = {
  truncated: 'frame shorter than its Ethernet or VLAN header',
  'unknown-port': 'packet on a link whose port is not a port of this host',
  'unknown-vlan': 'VLAN tag (or no tag) with no interface for it on this port',
  'not-my-mac': 'unicast frame for another MAC, or a multicast group the host has not joined',
  'unknown-ethertype': 'EtherType the host does not speak',
  ...ARP_RECEIVE_DROPS,
  'ip-truncated': 'IPv4 header cut short',
  'ip-bad-version': 'IPv4 version field is not 4',
  'ip-bad-ihl': 'IPv4 IHL below 5',
  'ip-bad-length': 'IPv4 total length below the header or beyond the frame',
  'ip-bad-checksum': 'IPv4 header checksum does not verify',
  'ip-bad-source': 'IPv4 source is a broadcast or multicast address',
  'ip-fragment': 'IPv4 fragment: the host does not reassemble',
  'not-for-me': 'IPv4 packet for an address the host does not own (hosts do not forward)',
  'icmp-truncated': 'ICMP message shorter than its header',
  'icmp-bad-checksum': 'ICMP checksum does not verify',
  'echo-to-broadcast': 'echo request to a broadcast address (ignored, as Linux does by default)',
  'udp-truncated': 'UDP header cut short',
  'udp-bad-length': 'UDP length field below 8 or beyond the IPv4 payload',
  'udp-bad-checksum': 'UDP checksum does not verify',
  'udp-port-closed': 'UDP datagram for a closed port that got no ICMP error (broadcast, rate limit, no route back)',
  'unknown-protocol': 'IPv4 protocol without a handler that got no ICMP error',
  'no-route': 'no route to the destination',
  'no-source-address': 'the outgoing interface has no IPv4 address',
  'mtu-exceeded': 'packet larger than the outgoing interface MTU (the host does not fragment)',
  'buffer-too-small': 'packet larger than a packet buffer',
  'arp-timeout': 'the next hop never answered ARP',
  ...ARP_WAIT_DROPS,
  'loopback-full': 'the queue of packets to the host itself was full',
  'no-link': 'the port of the outgoing interface is not connected',
  flushed: 'waiting packet discarded when the host was reconfigured or stopped',
} as const;
export type HostDropReason = keyof typeof HOST_DROPS;

/** Outcome of originating a packet. */
export type SendResult =
  /** Handed to the link (which may still drop it when full: see the link's counters). */
  | 'sent'
  /** Waiting for ARP resolution of the next hop. */
  | 'queued'
  | 'no-route'
  | 'no-source-address'
  /** Bigger than the outgoing interface's MTU or a packet buffer. */
  | 'too-big'
  /** The packet pool was empty. */
  | 'no-buffer'
  | 'neighbour-table-full'
  | 'loopback-full'
  | 'no-link';

export interface UdpSendOptions {
  /** Source port (default: an ephemeral port 49152-65535). */
  readonly srcPort?: number;
  /** Source address (default: chosen by the route). */
  readonly src?: string;
  readonly ttl?: number;
  /** Interface for a limited broadcast (255.255.255.255). */
  readonly dev?: string;
  /** Send a checksum (default true); false sends zero, which means none on IPv4. */
  readonly checksum?: boolean;
}

/** Receives a datagram; `payload` is a view into the packet, valid only during the call. */
export type UdpHandler = (srcIp: string, srcPort: number, payload: Uint8Array, ifname: string) => void;

/** An ICMP error that quoted a packet this host sent. */
export interface IcmpErrorReport {
  /** Engine time it arrived. */
  readonly time: number;
  /** Who sent it. */
  readonly from: string;
  readonly kind: 'unreachable' | 'ttl-exceeded';
  readonly type: number;
  readonly code: number;
  /** Protocol, destination and destination port (0 for ICMP) of the quoted packet. */
  readonly protocol: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly srcPort: number;
}

export type UdpErrorHandler = (report: IcmpErrorReport) => void;

export interface AddressInfo {
  readonly name: string;
  readonly mac: string;
  readonly mtu: number;
  /** The engine port frames go through. */
  readonly port: string;
  /** 802.1Q VLAN id, 0 for untagged. */
  readonly vlan: number;
  readonly addrs: readonly string[];
  /** As `ip -br addr` would print it. */
  readonly text: string;
}

export interface NeighbourInfo {
  readonly ip: string;
  readonly dev: string;
  /** null while incomplete. */
  readonly mac: string | null;
  readonly state: NeighbourState;
  /** Packets waiting for resolution. */
  readonly queued: number;
  /** Nanoseconds since the last confirmation (since creation while incomplete). */
  readonly age: number;
  /** As `ip neigh` would print it. */
  readonly text: string;
}

export interface RouteInfo {
  /** `a.b.c.d/n` or `default`. */
  readonly dst: string;
  readonly via?: string;
  readonly dev: string;
  readonly proto: 'kernel' | 'static';
  readonly src?: string;
  /** As `ip route` would print it. */
  readonly text: string;
}

export interface HostStats {
  readonly interfaces: Readonly<Record<string, { rxPackets: number; rxBytes: number; txPackets: number; txBytes: number }>>;
  readonly drops: Readonly<Record<HostDropReason, number>>;
  readonly arp: ArpCounters;
  readonly neighbours: NeighbourCounts;
  readonly routes: { entries: number; capacity: number; overflow: number };
  readonly icmp: { echoRequestsIn: number; echoRepliesOut: number; echoRequestsOut: number; echoRepliesIn: number; errorsOut: number; errorsIn: number; errorsRateLimited: number };
  readonly udp: { datagramsIn: number; datagramsOut: number; noPort: number };
  readonly allocFailures: number;
  readonly held: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DEFAULT_PING_SIZE = 56;
const MAX_PING_SESSIONS = 1024;
const ICMP_ERROR_LOG = 64;
/** Bytes of the offending datagram an ICMP error quotes, at most: the reply stays within 576 bytes (RFC 1812 4.3.2.3). */
const ICMP_QUOTE_MAX = 576 - IPV4_MIN_HEADER_LEN - ICMPV4_HEADER_LEN;
const ICMP_ERROR_BURST = 50;
const LOOPBACK_QUEUE = 64;
const EPHEMERAL_FIRST = 49152;

interface UdpBinding {
  readonly handler: UdpHandler;
  readonly onError: UdpErrorHandler | null;
}

export class Host extends App<typeof HOST_DROPS, HostConf> {
  #ports: HostPort[] = [];
  #ifaces: Iface[] = [];
  #ifaceByName = new Map<string, Iface>();
  #routes: RouteTable;
  #arp: ArpResolver<Iface>;
  /** What ARP needs of this host; made once and kept across reconfigurations. */
  readonly #arpSink: ArpSink<Iface> = {
    alloc: () => {
      const p = this.alloc();
      if (p === null) this.#allocFailures++;
      return p;
    },
    transmit: (p, iface, dstMac, etherType) => {
      this.#frame(p, iface, dstMac, etherType);
    },
    drop: (p, reason) => this.drop(p, reason),
    consume: (p) => this.consume(p),
    note: (p, text) => this.note(p, text),
    unresolved: (p) => this.drop(p, 'arp-timeout'),
  };
  #ttl = 64;
  #icmpErrorRate = 0;
  /** Input links and the port each one feeds (null for a link to a port the host does not have). */
  #inLinks: Link[] = [];
  #inPorts: (HostPort | null)[] = [];
  /** Output link of each port, by port index. */
  #outLinks: (Link | undefined)[] = [];
  #stopped = false;

  // Views for frames coming in, and separate ones for the transmit path, which runs inside
  // receive (replies, queue flushes) and inside UDP handlers.
  readonly #rxEth = new EthernetView();
  readonly #rxVlan = new VlanView();
  readonly #rxIp = new Ipv4View();
  readonly #rxIcmp = new Icmpv4View();
  readonly #rxUdp = new UdpView();
  readonly #noOptions = new Uint8Array(0);
  readonly #ethRepr: Mutable<EthernetRepr> = { dst: 0, src: 0, etherType: 0 };
  readonly #vlanRepr: Mutable<VlanRepr> = { tpid: ETHERTYPE_VLAN, pcp: 0, dei: false, vid: 0, innerEtherType: 0 };
  readonly #ipRepr: Mutable<Ipv4Repr> = {
    dscp: 0,
    ecn: 0,
    identification: 0,
    dontFragment: true,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: 64,
    protocol: 0,
    src: 0,
    dst: 0,
    options: this.#noOptions,
    payloadLength: 0,
  };
  readonly #udpRepr: Mutable<UdpRepr> = { srcPort: 0, dstPort: 0, payloadLength: 0 };
  readonly #echoRepr: Mutable<Icmpv4Echo> = { kind: 'echo-request', identifier: 0, sequence: 0, payloadLength: 0 };
  readonly #unreachRepr: Mutable<Icmpv4DestUnreachable> = { kind: 'dest-unreachable', code: 0, nextHopMtu: 0, payloadLength: 0 };

  /** Result of the last `#route` call. */
  #rIface: Iface | null = null;
  #rNextHop = 0;
  #rSrc = 0;
  /** Why the last `#originate` returned null. */
  #allocError: SendResult = 'no-buffer';

  #ipId = 0;
  #lastAddr = -1;
  #lastAddrText = '';
  #ephemeral = EPHEMERAL_FIRST;
  readonly #udp = new Map<number, UdpBinding>();
  readonly #pings = new Map<number, PingSession>();
  #nextPingId = 1;
  readonly #loopback: Packet[] = [];
  #loopbackScheduled = false;
  #icmpTokens = ICMP_ERROR_BURST;
  #icmpTokensAt = 0;
  readonly #icmpErrorLog: IcmpErrorReport[] = [];
  #icmpErrorLogNext = 0;

  #echoRequestsIn = 0;
  #echoRepliesOut = 0;
  #echoRequestsOut = 0;
  #echoRepliesIn = 0;
  #icmpErrorsOut = 0;
  #icmpErrorsIn = 0;
  #icmpErrorsRateLimited = 0;
  #udpIn = 0;
  #udpOut = 0;
  #udpNoPort = 0;
  #allocFailures = 0;

  constructor(ctx: AppContext, conf: HostConf) {
    super(ctx, conf, HOST_DROPS);
    const r = resolveHostConf(ctx.name, conf);
    this.#routes = new RouteTable(r.maxRoutes);
    this.#arp = this.#newArp(r.arp);
    this.#apply(r);
  }

  #newArp(a: ResolvedArp): ArpResolver<Iface> {
    return new ArpResolver(this.engine, { ...a, linkHeaderLen: 0, traceLearned: true }, this.#arpSink);
  }

  #apply(r: ReturnType<typeof resolveHostConf>): void {
    this.#ports = r.ports;
    this.#ifaces = r.ifaces;
    this.#ifaceByName = new Map(r.ifaces.map((i) => [i.name, i]));
    this.#ttl = r.ttl;
    this.#icmpErrorRate = r.icmpErrorRate;
    this.#routes.clear();
    for (const route of r.routes) this.#routes.add(route);
    this.relink();
  }

  override reconfig(conf: HostConf): void {
    const r = resolveHostConf(this.name, conf);
    this.#arp.flush(this.engine.now());
    this.#routes = new RouteTable(r.maxRoutes);
    this.#arp = this.#newArp(r.arp);
    this.#apply(r);
  }

  override ports(): readonly string[] {
    return this.#ports.map((p) => p.name);
  }

  override relink(): void {
    this.#inLinks = [];
    this.#inPorts = [];
    for (const [name, link] of Object.entries(this.input)) {
      this.#inLinks.push(link);
      this.#inPorts.push(this.#ports.find((p) => p.name === name) ?? null);
    }
    this.#outLinks = this.#ports.map((p) => this.output[p.name]);
  }

  override held(): number {
    return this.#arp.held + this.#loopback.length;
  }

  override stop(): void {
    this.#stopped = true;
    this.#arp.stop(this.engine.now());
    while (this.#loopback.length > 0) this.drop(this.#loopback.pop()!, 'flushed');
    for (const s of this.#pings.values()) s.stop();
    this.#pings.clear();
  }

  // ---------------------------------------------------------------- receive

  override push(): void {
    const links = this.#inLinks;
    const ports = this.#inPorts;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const port = ports[i]!;
      while (!link.empty()) {
        const p = link.receive();
        if (port === null) this.drop(p, 'unknown-port');
        else this.#receiveFrame(p, port);
      }
    }
  }

  #receiveFrame(p: Packet, port: HostPort): void {
    const eth = this.#rxEth;
    if (eth.wrap(p.buf, p.off, p.len) !== null) return this.drop(p, 'truncated');
    let etherType = eth.etherType;
    let headerLen = ETHERNET_HEADER_LEN;
    let iface: Iface | null;
    if (etherType === ETHERTYPE_VLAN) {
      const vlan = this.#rxVlan;
      if (vlan.wrap(p.buf, p.off + 12, p.len - 12) !== null) return this.drop(p, 'truncated');
      const vid = vlan.vid;
      etherType = vlan.innerEtherType;
      headerLen += VLAN_TAG_LEN;
      iface = vid === 0 ? port.untagged : (port.vlans.get(vid) ?? null);
    } else {
      iface = port.untagged;
    }
    if (iface === null) return this.drop(p, 'unknown-vlan');
    const dstMac = eth.dst;
    if (dstMac !== iface.mac && dstMac !== MAC_BROADCAST) return this.drop(p, 'not-my-mac');
    iface.rxPackets++;
    iface.rxBytes += p.len;
    if (p.traceId !== 0) this.note(p, `rx ${iface.name}`);
    if (etherType === ETHERTYPE_IPV4) this.#receiveIpv4(p, iface, p.off + headerLen, p.len - headerLen);
    else if (etherType === ETHERTYPE_ARP) this.#arp.receive(p, iface, p.off + headerLen, p.len - headerLen, this.engine.now());
    else this.drop(p, 'unknown-ethertype');
  }

  #receiveIpv4(p: Packet, iface: Iface, off: number, len: number): void {
    const ip = this.#rxIp;
    const err = ip.wrap(p.buf, off, len);
    if (err !== null) {
      if (err === 'bad-version') return this.drop(p, 'ip-bad-version');
      if (err === 'bad-ihl') return this.drop(p, 'ip-bad-ihl');
      if (err === 'truncated') return this.drop(p, 'ip-truncated');
      return this.drop(p, 'ip-bad-length');
    }
    if (!ip.checksumOk) return this.drop(p, 'ip-bad-checksum');
    const dst = ip.dst;
    const src = ip.src;
    const broadcast = dst === IPV4_BROADCAST || iface.isBroadcast(dst);
    if (!broadcast && !this.#ownsAddr(dst)) return this.drop(p, 'not-for-me');
    if (src === IPV4_BROADCAST || isIpv4Multicast(src) || iface.isBroadcast(src)) return this.drop(p, 'ip-bad-source');
    if (ip.isFragment) return this.drop(p, 'ip-fragment');
    const protocol = ip.protocol;
    if (protocol === IPPROTO_ICMP) return this.#receiveIcmp(p, off, broadcast);
    if (protocol === IPPROTO_UDP) return this.#receiveUdp(p, iface, off, broadcast);
    if (broadcast || !this.#sendUnreachable(p, off, ICMP_UNREACH_PROTOCOL)) this.drop(p, 'unknown-protocol');
  }

  /** Dotted text of an address for the socket API; a steady flow from one peer reuses one string. */
  #addrText(addr: number): string {
    if (addr !== this.#lastAddr) {
      this.#lastAddr = addr;
      this.#lastAddrText = formatIpv4Addr(addr);
    }
    return this.#lastAddrText;
  }

  #ownsAddr(addr: number): boolean {
    const ifaces = this.#ifaces;
    for (let i = 0; i < ifaces.length; i++) if (ifaces[i]!.owns(addr)) return true;
    return false;
  }

  /** ICMP in; `ipOff` is the IPv4 header, which `#rxIp` still views. */
  #receiveIcmp(p: Packet, ipOff: number, broadcast: boolean): void {
    const ip = this.#rxIp;
    const icmp = this.#rxIcmp;
    if (icmp.wrap(p.buf, ip.payloadOffset, ip.payloadLength) !== null) return this.drop(p, 'icmp-truncated');
    if (!icmp.checksumOk) return this.drop(p, 'icmp-bad-checksum');
    const type = icmp.type;
    if (type === ICMP_ECHO_REQUEST) {
      this.#echoRequestsIn++;
      if (broadcast) return this.drop(p, 'echo-to-broadcast');
      // Answer in place: swap the addresses, turn the type round, patch the checksum.
      const code = icmp.code;
      icmp.type = ICMP_ECHO_REPLY;
      icmp.checksum = checksumUpdate16(icmp.checksum, (ICMP_ECHO_REQUEST << 8) | code, (ICMP_ECHO_REPLY << 8) | code);
      const requester = ip.src;
      const me = ip.dst;
      ip.src = me;
      ip.dst = requester;
      ip.ttl = this.#ttl;
      ip.identification = this.#nextIpId();
      ip.fillChecksum();
      p.off = ipOff;
      p.len = ip.totalLength;
      if (p.traceId !== 0) this.note(p, `icmp: echo reply to ${formatIpv4Addr(requester)}`);
      this.#echoRepliesOut++;
      this.#sendIp(p, requester, null);
      return;
    }
    if (type === ICMP_ECHO_REPLY) {
      this.#echoRepliesIn++;
      const session = this.#pings.get(icmp.identifier);
      if (session !== undefined) {
        session.reply(icmp.sequence, this.engine.now(), ip.ttl, icmp.payloadLength, this.#addrText(ip.src));
        if (session.done) this.#pings.delete(session.id);
      }
      if (p.traceId !== 0) this.note(p, `icmp: echo reply id ${icmp.identifier} seq ${icmp.sequence}`);
      return this.consume(p);
    }
    if (type === ICMP_DEST_UNREACHABLE || type === ICMP_TIME_EXCEEDED) {
      this.#icmpErrorsIn++;
      this.#receiveIcmpError(type, icmp.code, ip.src, p.buf, icmp.payloadOffset, icmp.payloadLength);
    }
    this.consume(p);
  }

  /** An ICMP error quoting `len` bytes at `off`: tell the ping session or UDP socket that sent the quoted packet. */
  #receiveIcmpError(type: number, code: number, from: number, buf: Uint8Array, off: number, len: number): void {
    // The quote is the original header plus at least 8 bytes: too short for Ipv4View's
    // total-length check, so only the fixed fields are read.
    if (len < IPV4_MIN_HEADER_LEN || buf[off]! >>> 4 !== 4) return;
    const ihl = (buf[off]! & 0x0f) << 2;
    if (ihl < IPV4_MIN_HEADER_LEN || len < ihl + 8) return;
    const protocol = buf[off + 9]!;
    const qSrc = readIpv4Addr(buf, off + 12);
    const qDst = readIpv4Addr(buf, off + 16);
    if (!this.#ownsAddr(qSrc)) return;
    const l4 = off + ihl;
    const kind: 'unreachable' | 'ttl-exceeded' = type === ICMP_DEST_UNREACHABLE ? 'unreachable' : 'ttl-exceeded';
    const fromText = formatIpv4Addr(from);
    let srcPort = 0;
    let dstPort = 0;
    if (protocol === IPPROTO_ICMP && buf[l4] === ICMP_ECHO_REQUEST) {
      const id = (buf[l4 + 4]! << 8) | buf[l4 + 5]!;
      const seq = (buf[l4 + 6]! << 8) | buf[l4 + 7]!;
      const session = this.#pings.get(id);
      if (session !== undefined) {
        session.error(seq, kind, kind === 'unreachable' ? code : -1, fromText);
        if (session.done) this.#pings.delete(id);
      }
    } else if (protocol === IPPROTO_UDP) {
      srcPort = (buf[l4]! << 8) | buf[l4 + 1]!;
      dstPort = (buf[l4 + 2]! << 8) | buf[l4 + 3]!;
    }
    const report: IcmpErrorReport = { time: this.engine.now(), from: fromText, kind, type, code, protocol, dst: formatIpv4Addr(qDst), dstPort, srcPort };
    if (this.#icmpErrorLog.length < ICMP_ERROR_LOG) this.#icmpErrorLog.push(report);
    else this.#icmpErrorLog[this.#icmpErrorLogNext] = report;
    this.#icmpErrorLogNext = (this.#icmpErrorLogNext + 1) % ICMP_ERROR_LOG;
    if (protocol === IPPROTO_UDP) this.#udp.get(srcPort)?.onError?.(report);
  }

  #receiveUdp(p: Packet, iface: Iface, ipOff: number, broadcast: boolean): void {
    const ip = this.#rxIp;
    const udp = this.#rxUdp;
    const err = udp.wrap(p.buf, ip.payloadOffset, ip.payloadLength);
    if (err !== null) return this.drop(p, err === 'truncated' ? 'udp-truncated' : 'udp-bad-length');
    const src = ip.src;
    if (!udp.checksumOk(src, ip.dst)) return this.drop(p, 'udp-bad-checksum');
    const dstPort = udp.dstPort;
    const binding = this.#udp.get(dstPort);
    if (binding === undefined) {
      this.#udpNoPort++;
      if (p.traceId !== 0) this.note(p, `udp: port ${dstPort} closed`);
      if (broadcast || !this.#sendUnreachable(p, ipOff, ICMP_UNREACH_PORT)) this.drop(p, 'udp-port-closed');
      return;
    }
    this.#udpIn++;
    if (p.traceId !== 0) this.note(p, `udp: deliver to port ${dstPort}`);
    // The handler may send (echo servers do): it only meets the transmit path's views.
    binding.handler(this.#addrText(src), udp.srcPort, p.buf.subarray(udp.payloadOffset, udp.payloadOffset + udp.payloadLength), iface.name);
    this.consume(p);
  }

  /**
   * Turns the packet whose IPv4 header is at `ipOff` (viewed by `#rxIp`) into an ICMP
   * destination unreachable with `code` to its sender, in place: the offending datagram stays where it is as the quote and the
   * new headers go in front of it. Returns false, leaving the packet as it was, when the
   * error may not or cannot be sent.
   */
  #sendUnreachable(p: Packet, ipOff: number, code: number): boolean {
    const ip = this.#rxIp;
    const to = ip.src;
    const offendingDst = ip.dst;
    if (to === 0 || !this.#takeIcmpToken()) return false;
    const local = this.#ownsAddr(to);
    if (!local && !this.#route(to, null)) return false;
    const quote = Math.min(ip.totalLength, ICMP_QUOTE_MAX);
    p.off = ipOff;
    p.len = quote;
    if (!p.prepend(IPV4_MIN_HEADER_LEN + ICMPV4_HEADER_LEN)) return false;
    const u = this.#unreachRepr;
    u.code = code;
    u.payloadLength = quote;
    emitIcmpv4(u, p.buf, p.off + IPV4_MIN_HEADER_LEN);
    const src = local || this.#ownsAddr(offendingDst) ? offendingDst : this.#rSrc;
    this.#emitIpHeader(p, ICMPV4_HEADER_LEN + quote, IPPROTO_ICMP, src, to, this.#ttl);
    this.#icmpErrorsOut++;
    if (p.traceId !== 0) this.note(p, `icmp: destination unreachable code ${code} to ${formatIpv4Addr(to)}`);
    if (local) this.#loop(p);
    else this.#transmitIp(p, this.#rIface!, this.#rNextHop);
    return true;
  }

  #takeIcmpToken(): boolean {
    const rate = this.#icmpErrorRate;
    if (rate <= 0) {
      this.#icmpErrorsRateLimited++;
      return false;
    }
    const now = this.engine.now();
    this.#icmpTokens = Math.min(ICMP_ERROR_BURST, this.#icmpTokens + ((now - this.#icmpTokensAt) * rate) / 1e9);
    this.#icmpTokensAt = now;
    if (this.#icmpTokens < 1) {
      this.#icmpErrorsRateLimited++;
      return false;
    }
    this.#icmpTokens -= 1;
    return true;
  }

  // ---------------------------------------------------------------- transmit

  /**
   * Finds the way to `dst`: sets `#rIface`, `#rNextHop` (the address to resolve) and `#rSrc`
   * (the source address the route prefers). `dev` pins the interface (limited broadcast).
   */
  #route(dst: number, dev: Iface | null): boolean {
    if (dst === IPV4_BROADCAST) {
      const iface = dev ?? this.#ifaces.find((i) => i.addrs.length > 0) ?? null;
      if (iface === null) return false;
      this.#rIface = iface;
      this.#rNextHop = dst;
      this.#rSrc = iface.sourceFor(dst);
      return true;
    }
    const r = this.#routes.lookup(dst);
    if (r === null) return false;
    const iface = this.#ifaces[r.ifIndex]!;
    this.#rIface = iface;
    this.#rNextHop = r.via !== 0 ? r.via : dst;
    this.#rSrc = r.src !== 0 ? r.src : iface.sourceFor(this.#rNextHop);
    return true;
  }

  /** Sends a finished IPv4 packet (data starts at the header) to `dst`: loopback, or route and transmit. */
  #sendIp(p: Packet, dst: number, dev: Iface | null): SendResult {
    if (this.#ownsAddr(dst)) return this.#loop(p);
    if (!this.#route(dst, dev)) {
      this.drop(p, 'no-route');
      return 'no-route';
    }
    return this.#transmitIp(p, this.#rIface!, this.#rNextHop);
  }

  /** Frames an IPv4 packet for `nextHop` on `iface`, resolving its MAC first when needed. */
  #transmitIp(p: Packet, iface: Iface, nextHop: number): SendResult {
    if (p.len > iface.mtu) {
      this.drop(p, 'mtu-exceeded');
      return 'too-big';
    }
    if (nextHop === IPV4_BROADCAST || iface.isBroadcast(nextHop)) return this.#frame(p, iface, MAC_BROADCAST, ETHERTYPE_IPV4);
    const now = this.engine.now();
    const arp = this.#arp;
    const n = arp.lookup(iface.index, nextHop, now);
    if (n === undefined || n.mac < 0) return arp.wait(p, iface, nextHop, n, now) ? 'queued' : 'neighbour-table-full';
    arp.refreshIfStale(n, iface, now);
    return this.#frame(p, iface, n.mac, ETHERTYPE_IPV4);
  }

  /** Puts the link-layer header (with the interface's VLAN tag) in front and hands the frame to the port. */
  #frame(p: Packet, iface: Iface, dstMac: number, etherType: number): SendResult {
    // A reply is written into the frame that asked: what the datapath noted about that frame on
    // its way in (ingress port, VLAN, tunnel key, flow hash) does not belong to the new one.
    p.inPort = 0;
    p.vlan = 0;
    p.tunnelId = 0;
    p.hash = 0;
    const tagged = iface.vlan !== 0;
    if (!p.prepend(tagged ? ETHERNET_HEADER_LEN + VLAN_TAG_LEN : ETHERNET_HEADER_LEN)) {
      this.drop(p, 'buffer-too-small');
      return 'too-big';
    }
    const e = this.#ethRepr;
    e.dst = dstMac;
    e.src = iface.mac;
    e.etherType = tagged ? ETHERTYPE_VLAN : etherType;
    emitEthernet(e, p.buf, p.off);
    if (tagged) {
      const v = this.#vlanRepr;
      v.vid = iface.vlan;
      v.innerEtherType = etherType;
      emitVlan(v, p.buf, p.off + 12);
    }
    const link = this.#outLinks[iface.port.index];
    if (link === undefined) {
      this.drop(p, 'no-link');
      return 'no-link';
    }
    iface.txPackets++;
    iface.txBytes += p.len;
    link.transmit(p);
    return 'sent';
  }

  /** Queues a packet to one of the host's own addresses; it is received at the next breath. */
  #loop(p: Packet): SendResult {
    if (this.#loopback.length >= LOOPBACK_QUEUE) {
      this.drop(p, 'loopback-full');
      return 'loopback-full';
    }
    this.#loopback.push(p);
    if (!this.#loopbackScheduled) {
      this.#loopbackScheduled = true;
      this.engine.after(0, () => this.#drainLoopback());
    }
    return 'sent';
  }

  #drainLoopback(): void {
    this.#loopbackScheduled = false;
    if (this.#stopped) return;
    const batch = this.#loopback.splice(0, this.#loopback.length);
    for (const p of batch) {
      const dst = readIpv4Addr(p.buf, p.off + 16);
      const iface = this.#ifaces.find((i) => i.owns(dst)) ?? this.#ifaces[0]!;
      this.#receiveIpv4(p, iface, p.off, p.len);
    }
  }

  #nextIpId(): number {
    this.#ipId = (this.#ipId + 1) & 0xffff;
    return this.#ipId;
  }

  /** Writes an IPv4 header at `p.off` for `payloadLength` bytes that follow it. */
  #emitIpHeader(p: Packet, payloadLength: number, protocol: number, src: number, dst: number, ttl: number): void {
    const r = this.#ipRepr;
    r.identification = this.#nextIpId();
    r.ttl = ttl;
    r.protocol = protocol;
    r.src = src;
    r.dst = dst;
    r.payloadLength = payloadLength;
    emitIpv4(r, p.buf, p.off);
    p.len = IPV4_MIN_HEADER_LEN + payloadLength;
  }

  /**
   * Allocates a packet for an IPv4 datagram of `payloadLength` bytes to `dst` and routes it:
   * on success the packet is returned with `#rIface`/`#rNextHop` set and `#rSrc` the source
   * to use; on failure the reason is in `#allocError` and null is returned.
   */
  #originate(dst: number, payloadLength: number, src: number, dev: Iface | null): Packet | null {
    const p = this.alloc();
    if (p === null) {
      this.#allocFailures++;
      this.#allocError = 'no-buffer';
      return null;
    }
    if (IPV4_MIN_HEADER_LEN + payloadLength > p.buf.length - p.off) {
      this.drop(p, 'buffer-too-small');
      this.#allocError = 'too-big';
      return null;
    }
    if (this.#ownsAddr(dst)) {
      this.#rIface = null;
      this.#rSrc = src !== 0 ? src : dst;
      return p;
    }
    if (!this.#route(dst, dev)) {
      this.drop(p, 'no-route');
      this.#allocError = 'no-route';
      return null;
    }
    if (src !== 0) this.#rSrc = src;
    if (this.#rSrc === 0) {
      this.drop(p, 'no-source-address');
      this.#allocError = 'no-source-address';
      return null;
    }
    return p;
  }

  /** Hands a packet built by `#originate` on. */
  #dispatch(p: Packet): SendResult {
    if (this.#rIface === null) return this.#loop(p);
    return this.#transmitIp(p, this.#rIface, this.#rNextHop);
  }

  // ---------------------------------------------------------------- public API

  /** Starts delivering UDP datagrams for `port` to `handler`; ICMP errors about datagrams sent from `port` go to `onError`. */
  udpBind(port: number, handler: UdpHandler, onError?: UdpErrorHandler): void {
    checkPort(this.name, port);
    if (this.#udp.has(port)) throw new Error(`host ${this.name}: UDP port ${port} is already bound`);
    this.#udp.set(port, { handler, onError: onError ?? null });
  }

  /** Stops delivering for `port`; returns whether it was bound. */
  udpUnbind(port: number): boolean {
    return this.#udp.delete(port);
  }

  /** Sends one UDP datagram; the result says whether it left, waits for ARP, or why it failed. */
  udpSend(dst: string | number, dstPort: number, payload: Uint8Array, options: UdpSendOptions = {}): SendResult {
    const dstAddr = typeof dst === 'string' ? parseIpv4Addr(dst) : dst >>> 0;
    checkPort(this.name, dstPort);
    let srcPort = options.srcPort;
    if (srcPort === undefined) {
      srcPort = this.#ephemeral;
      this.#ephemeral = this.#ephemeral === 65535 ? EPHEMERAL_FIRST : this.#ephemeral + 1;
    } else {
      checkPort(this.name, srcPort);
    }
    const src = options.src !== undefined ? this.#ownAddress(options.src) : 0;
    const dev = options.dev !== undefined ? this.#iface(options.dev) : null;
    const ttl = options.ttl ?? this.#ttl;
    const p = this.#originate(dstAddr, UDP_HEADER_LEN + payload.length, src, dev);
    if (p === null) return this.#allocError;
    const source = this.#rSrc;
    const udpOff = p.off + IPV4_MIN_HEADER_LEN;
    p.buf.set(payload, udpOff + UDP_HEADER_LEN);
    const u = this.#udpRepr;
    u.srcPort = srcPort;
    u.dstPort = dstPort;
    u.payloadLength = payload.length;
    emitUdp(u, p.buf, udpOff, source, dstAddr, options.checksum !== false);
    this.#emitIpHeader(p, UDP_HEADER_LEN + payload.length, IPPROTO_UDP, source, dstAddr, ttl);
    this.#udpOut++;
    return this.#dispatch(p);
  }

  /**
   * Pings `dst`: sends `count` echo requests `interval` apart and returns the session, whose
   * results fill in as the engine runs (`session.done` when every request is answered, failed
   * or timed out).
   */
  ping(dst: string, options: PingOptions = {}): PingSession {
    const dstAddr = parseIpv4Addr(dst);
    const count = options.count ?? 4;
    const interval = options.interval ?? 1e9;
    const size = options.size ?? DEFAULT_PING_SIZE;
    const timeout = options.timeout ?? 1e9;
    const ttl = options.ttl ?? this.#ttl;
    const src = options.src !== undefined ? this.#ownAddress(options.src) : 0;
    const w = `host ${this.name}: ping ${dst}`;
    if (!Number.isInteger(count) || count < 1 || count > 65535) throw new Error(`${w}: count must be an integer 1-65535, got ${count}`);
    if (!(interval >= 0)) throw new Error(`${w}: interval must be >= 0 ns, got ${interval}`);
    if (!(timeout > 0)) throw new Error(`${w}: timeout must be > 0 ns, got ${timeout}`);
    if (!Number.isInteger(size) || size < 0 || size > 65507) throw new Error(`${w}: size must be an integer 0-65507, got ${size}`);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) throw new Error(`${w}: ttl must be an integer 1-255, got ${ttl}`);
    if (this.#pings.size >= MAX_PING_SESSIONS) throw new Error(`${w}: ${MAX_PING_SESSIONS} ping sessions already running`);
    let id = this.#nextPingId;
    while (this.#pings.has(id)) id = (id % 0xffff) + 1;
    this.#nextPingId = (id % 0xffff) + 1;
    const session = new PingSession(dst, id, count, size);
    this.#pings.set(id, session);
    const sendOne = (seq: number): void => {
      if (this.#stopped || session.stopped) return;
      const result = this.#sendEcho(dstAddr, id, seq, size, ttl, src);
      if (result === 'sent' || result === 'queued') {
        session.markSent(seq, this.engine.now());
        this.engine.after(timeout, () => {
          session.expire(seq);
          if (session.done) this.#pings.delete(id);
        });
      } else {
        session.markNotSent(seq, sendErrorKind(result));
        if (session.done) this.#pings.delete(id);
      }
      if (seq < count) this.engine.after(interval, () => sendOne(seq + 1));
    };
    sendOne(1);
    return session;
  }

  #sendEcho(dst: number, id: number, seq: number, size: number, ttl: number, src: number): SendResult {
    const p = this.#originate(dst, ICMPV4_HEADER_LEN + size, src, null);
    if (p === null) return this.#allocError;
    const icmpOff = p.off + IPV4_MIN_HEADER_LEN;
    const data = icmpOff + ICMPV4_HEADER_LEN;
    for (let i = 0; i < size; i++) p.buf[data + i] = (i + 0x10) & 0xff;
    const e = this.#echoRepr;
    e.identifier = id;
    e.sequence = seq;
    e.payloadLength = size;
    emitIcmpv4(e, p.buf, icmpOff);
    this.#emitIpHeader(p, ICMPV4_HEADER_LEN + size, IPPROTO_ICMP, this.#rSrc, dst, ttl);
    this.#echoRequestsOut++;
    return this.#dispatch(p);
  }

  #iface(name: string): Iface {
    const i = this.#ifaceByName.get(name);
    if (i === undefined) throw new Error(`host ${this.name}: no interface ${name}`);
    return i;
  }

  #ownAddress(text: string): number {
    const a = parseIpv4Addr(text);
    if (!this.#ownsAddr(a)) throw new Error(`host ${this.name}: ${text} is not an address of this host`);
    return a;
  }

  /** The interfaces with their addresses, like `ip addr`. */
  addresses(): AddressInfo[] {
    return this.#ifaces.map((i) => {
      const addrs = i.addrs.map((a) => formatCidr(a.addr, a.prefixLen));
      const mac = formatMac(i.mac);
      return { name: i.name, mac, mtu: i.mtu, port: i.port.name, vlan: i.vlan, addrs, text: `${i.name} ${mac} mtu ${i.mtu} ${addrs.join(' ')}`.trimEnd() };
    });
  }

  /** The neighbour cache, like `ip neigh`. */
  neighbours(): NeighbourInfo[] {
    const now = this.engine.now();
    const cache = this.#arp.cache;
    return cache.list(now).map((n) => {
      const state = cache.state(n, now);
      const ip = formatIpv4Addr(n.ip);
      const dev = this.#ifaces[n.ifIndex]!.name;
      const mac = n.mac >= 0 ? formatMac(n.mac) : null;
      const age = now - (n.mac >= 0 ? n.confirmedAt : n.probedAt);
      const text = `${ip} dev ${dev}${mac !== null ? ` lladdr ${mac}` : ''} ${state.toUpperCase()}`;
      return { ip, dev, mac, state, queued: n.queued, age, text };
    });
  }

  /** The routing table, like `ip route`, most specific first. */
  routes(): RouteInfo[] {
    return this.#routes.list().map((r) => {
      const dst = r.prefixLen === 0 ? 'default' : formatCidr(r.dst, r.prefixLen);
      const dev = this.#ifaces[r.ifIndex]!.name;
      const via = r.via !== 0 ? formatIpv4Addr(r.via) : undefined;
      const src = r.src !== 0 ? formatIpv4Addr(r.src) : undefined;
      const text = r.proto === 'kernel'
        ? `${dst} dev ${dev} proto kernel scope link${src !== undefined ? ` src ${src}` : ''}`
        : `${dst}${via !== undefined ? ` via ${via}` : ''} dev ${dev}`;
      return { dst, ...(via !== undefined ? { via } : {}), dev, proto: r.proto, ...(src !== undefined ? { src } : {}), text };
    });
  }

  /** Where a packet to `dst` would go, like `ip route get`; null when there is no route. */
  routeGet(dst: string): { dev: string; via?: string; src: string } | null {
    const a = parseIpv4Addr(dst);
    if (!this.#route(a, null)) return null;
    const iface = this.#rIface!;
    const via = this.#rNextHop !== a ? formatIpv4Addr(this.#rNextHop) : undefined;
    return { dev: iface.name, ...(via !== undefined ? { via } : {}), src: formatIpv4Addr(this.#rSrc) };
  }

  /** The last ICMP errors that quoted packets of this host, oldest first (bounded). */
  icmpErrors(): IcmpErrorReport[] {
    const log = this.#icmpErrorLog;
    if (log.length < ICMP_ERROR_LOG) return [...log];
    return [...log.slice(this.#icmpErrorLogNext), ...log.slice(0, this.#icmpErrorLogNext)];
  }

  stats(): HostStats {
    const interfaces: Record<string, { rxPackets: number; rxBytes: number; txPackets: number; txBytes: number }> = {};
    for (const i of this.#ifaces) interfaces[i.name] = { rxPackets: i.rxPackets, rxBytes: i.rxBytes, txPackets: i.txPackets, txBytes: i.txBytes };
    return {
      interfaces,
      drops: { ...this.dropCounts },
      arp: this.#arp.counters(),
      neighbours: this.#arp.neighbourCounts(),
      routes: { entries: this.#routes.size, capacity: this.#routes.capacity, overflow: this.#routes.overflow },
      icmp: {
        echoRequestsIn: this.#echoRequestsIn,
        echoRepliesOut: this.#echoRepliesOut,
        echoRequestsOut: this.#echoRequestsOut,
        echoRepliesIn: this.#echoRepliesIn,
        errorsOut: this.#icmpErrorsOut,
        errorsIn: this.#icmpErrorsIn,
        errorsRateLimited: this.#icmpErrorsRateLimited,
      },
      udp: { datagramsIn: this.#udpIn, datagramsOut: this.#udpOut, noPort: this.#udpNoPort },
      allocFailures: this.#allocFailures,
      held: this.held(),
    };
  }
}

function checkPort(host: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`host ${host}: UDP port must be an integer 1-65535, got ${port}`);
}

function sendErrorKind(result: SendResult): PingErrorKind {
  if (result === 'no-route') return 'no-route';
  if (result === 'too-big') return 'too-big';
  return 'send-failed';
}
