/**
 * An overlay endpoint: tenant L2 segments carried over an IPv4 underlay. The base of the VXLAN
 * VTEP (vxlan-vtep.ts) and the GRE tunnel endpoint (gre-tunnel.ts), which add only their
 * tunnel header: how it is written, how it is read.
 *
 * Ports: one underlay port (Ethernet frames of the IP underlay) and access ports, each bound to
 * one segment (a VNI or a GRE key) for untagged frames, or to several by 802.1Q VLAN (a trunk:
 * the tag picks the segment and is removed before encapsulation, put back on delivery).
 *
 * A `flow` port (OVS `options:key=flow`) is a member of every segment in the flood lists, and
 * the packet's `tunnelId` metadata names the segment: read (then cleared) on the way in, set on
 * delivery, so an OpenFlow switch on that port chooses the VNI with its tun_id actions.
 *
 * Access to overlay: learn the inner source MAC on the access port, answer ARP requests from
 * the segment's ARP-suppression table, then by the per-segment FDB: a local port, a remote
 * endpoint (encapsulate), or, for group and unknown destinations, every other local member of
 * the segment plus head-end replication to every remote in the segment's flood list. The outer
 * headers are written into the packet's headroom (prepend, no payload copy): Ethernet, IPv4
 * (DF set, TTL 64, checksum from a per-remote partial sum), then the tunnel header.
 *
 * Overlay to access: the outer Ethernet must be ours, the outer IPv4 well formed, for our
 * address, not a fragment, from a known remote endpoint; the tunnel header names a segment
 * this endpoint serves and the remote is allowed to use (it is in the segment's flood list or
 * static FDB). Then learning (when on: the inner source MAC now lives behind that remote; a
 * static entry never moves), and delivery to local members only (split horizon: nothing
 * received from the overlay is sent back into it).
 *
 * Tenants: every FDB key is (MAC, segment), every flood list and member list is per segment,
 * and nothing on the path reads a MAC or an IP to pick a segment: only the access binding
 * (port, VLAN) on the way in and the VNI/key on the way out. So two tenants may use the same
 * MACs and IPs and a frame never changes segment.
 *
 * MTU: the overlay MTU is the underlay MTU minus the encapsulation (50 bytes for VXLAN). vnet
 * does not fragment, inner or outer. An oversized inner IPv4 packet with DF set is turned into
 * an ICMP fragmentation-needed (type 3 code 4, next-hop MTU = the overlay MTU) back to its
 * sender, written in place and sourced from the inner destination address, as Linux does for
 * bridged tunnels; anything else oversized is a counted drop 'needs-fragmentation'.
 *
 * Underlay: ARP is the shared resolver's (hosts/arp-resolver.ts, as hosts and the router use):
 * it answers for the underlay address and resolves next hops (the remote itself inside the
 * underlay prefix, else the gateway) unless given statically. A frame for an unresolved next hop
 * is encapsulated at once and waits in that neighbour's bounded queue (`pendingMax`; a full
 * queue pushes its oldest out, 'underlay-queue-full') while the request is re-sent every 100 ms,
 * three times, then is dropped 'underlay-unresolved'. Learned neighbours do not age; the cache
 * holds `NEIGHBOURS_MAX` (evicting the oldest resolved entry, counting refusals when every entry
 * is unresolved). Per remote the endpoint keeps the next hop's MAC in its outer header template,
 * brought up to date after every underlay ARP packet and new resolution.
 *
 * Accounting: received + generated = sent + consumed + dropped + held, with the ARP queue held.
 */
import { App, type AppContext, type DropTable } from '../../engine/app.js';
import type { Link } from '../../engine/link.js';
import { gsoSegmentFrameLength, type Packet } from '../../engine/packet.js';
import { TsoSegmenter } from '../../nics/tap/offload.js';
import { NS_PER_MS, NS_PER_S } from '../../engine/clock.js';
import { HashMacTable, LEARN_MOVED, LEARN_NEW } from '../../bridges/mac-table.js';
import { type ArpDropReason, type ArpIface, ArpResolver, type NeighbourCounts } from '../../hosts/arp-resolver.js';
import { internetChecksum, ipv4HeaderWordsSum } from '../../wire/checksum.js';
import { formatIpv4Addr, prefixMask } from '../../wire/ipv4-addr.js';
import { formatMac } from '../../wire/mac.js';
import { OUTER_WORDS, OverlayDataPath } from './overlay-data-path.js';
import { type OverlaySettings } from './settings.js';
import { U32Index } from './u32-index.js';

/** Drop reasons every overlay endpoint has; the VXLAN and GRE apps add their tunnel's own. */
export const OVERLAY_DROPS = {
  runt: 'access frame shorter than the 14-byte Ethernet header',
  'unknown-port': 'frame on a port that is neither the underlay nor a configured access port',
  'no-segment': 'access frame whose VLAN (or lack of one, or tunnelId on a flow port) is bound to no segment on this port',
  'multicast-source': 'access frame with a group source MAC',
  'same-port': 'destination MAC is on the ingress access port',
  'port-unlinked': 'the destination access port has no output link',
  'no-egress': 'nothing to flood to: no other member and no remote in the segment',
  'no-headroom': 'not enough headroom to add the outer headers or a VLAN tag',
  'needs-fragmentation': 'inner packet larger than the overlay MTU and not an IPv4 packet with DF (vnet does not fragment)',
  'underlay-runt': 'underlay frame shorter than an Ethernet header',
  'not-my-mac': 'underlay frame for another MAC',
  'underlay-not-ip': 'underlay frame neither IPv4 nor ARP',
  'underlay-arp-malformed': 'underlay ARP that is not Ethernet/IPv4, is cut short or comes from a group MAC',
  'outer-truncated': 'outer IPv4 header or datagram cut short',
  'outer-bad-version': 'outer IP version is not 4',
  'outer-bad-ihl': 'outer IPv4 IHL below 5',
  'outer-bad-total-length': 'outer IPv4 total length shorter than its header',
  'outer-bad-checksum': 'outer IPv4 header checksum does not verify',
  'not-my-ip': 'outer IPv4 destination is not this endpoint',
  'outer-fragment': 'outer IPv4 fragment (vnet does not reassemble)',
  'not-tunnel': 'outer IPv4 protocol is not this endpoint\'s tunnel',
  'unknown-vtep': 'outer source address is no known remote endpoint',
  'inner-truncated': 'inner frame shorter than an Ethernet header',
  'inner-bad-source': 'inner source MAC is a group address',
  hairpin: 'decapsulated frame for a MAC behind a remote endpoint (never sent back into the overlay)',
  'no-underlay-route': 'remote endpoint outside the underlay prefix and no gateway',
  'underlay-queue-full': 'pushed out of the full queue of frames waiting for an underlay next hop to answer ARP',
  'underlay-neighbours-full': 'no room in the underlay neighbour cache for another next hop being resolved',
  'underlay-unresolved': 'the underlay next hop did not answer ARP (or the endpoint stopped while the frame waited)',
  'underlay-unlinked': 'the underlay port has no output link',
  'ip-not-for-port': 'frame on an IP-over-GRE port that is not IPv4 to the port MAC',
  'ip-peer-unknown': 'IP-over-GRE packet for a local host that did not answer ARP (or was replaced by a newer one while waiting)',
  'gso-not-tcp': 'offloaded (GSO) packet to cut into segments that is not TCP over IPv4 or IPv6',
  'gso-bad-headers': 'offloaded (GSO) packet to cut into segments whose headers do not add up',
  'gso-segment-too-big': 'offloaded (GSO) packet whose segments would not fit a packet buffer',
  'pool-empty': 'no free packet for a segment of an offloaded packet being cut',
} as const;

export type OverlayDrops = typeof OVERLAY_DROPS;

export interface OverlayStats {
  /** Frames encapsulated and sent to a remote (each head-end copy counts). */
  encapsulated: number;
  /** Frames decapsulated and accepted. */
  decapsulated: number;
  /** Access frames flooded (once per frame, not per copy). */
  floods: number;
  /** ARP requests answered from the suppression table. */
  arpSuppressed: number;
  /** ICMP fragmentation-needed messages sent back to senders. */
  fragNeeded: number;
  /** Inner MACs learned behind remotes. */
  learnedRemote: number;
  /** Flood copies not made because the packet pool was empty. */
  cloneFailures: number;
  /** Underlay ARP requests sent. */
  arpRequests: number;
  /** Underlay next hops not resolved because the neighbour cache was full of unresolved ones. */
  neighbourOverflows: number;
}

export interface OverlayFdbRow {
  readonly segment: number;
  readonly mac: string;
  /** `port p1` or `remote 192.168.0.2`. */
  readonly where: string;
  readonly static: boolean;
}

/** Most learned underlay neighbours (the neighbour cache's bound). */
export const NEIGHBOURS_MAX = 1024;
const VLANS = 4096;
/** Period of the endpoint's tick, and of underlay ARP retries. */
const TICK_NS = 100 * NS_PER_MS;
const ARP_TRIES = 3;
/** The underlay is one interface for the ARP resolver. */
const UNDERLAY_IF = 0;
const TWO_POW_32 = 4294967296;
const ETH = 14;
const IPV4 = 20;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = 0x8100;

export abstract class OverlayEndpoint<D extends DropTable & OverlayDrops, C> extends App<D, C> {
  /**
   * An offloaded TCP packet (TSO, partial checksum) from an access port is encapsulated whole,
   * when the ports behind the underlay can take it (rx-offload.ts decides, for the port that
   * received it): the outer headers say its real length (at most 64 KB), a segment's size is
   * checked against the overlay MTU, and the far endpoint hands it on decapsulated, offload
   * state intact, to a TAP that writes it to the kernel as one packet. One too long for a 16-bit
   * outer length, or on an IP-over-GRE port, is cut into wire segments here first.
   */
  override readonly offloadHandling = 'tunnels';
  protected readonly settings: OverlaySettings;
  /**
   * Everything the per-packet paths read, in one object of one class for every tunnel (see
   * overlay-data-path.ts): load it once per packet, then work on it.
   */
  protected readonly dp: OverlayDataPath;
  /** Segment index -> VNI or key. */
  protected readonly segmentIds: Uint32Array;
  /** Remote index -> underlay IP. */
  protected readonly remoteIps: Uint32Array;

  readonly #portNames: string[];
  readonly #portIndex = new Map<string, number>();
  #inLinks: Link[] = [];
  /** Port index per input link; -1 for the underlay, -2 for an unknown port. */
  #inPorts = new Int32Array(0);
  /** IP-over-GRE: per segment, the MAC of the local host (hi16, lo32), learned from what it sends. */
  readonly #ipPeerHi: Int32Array;
  readonly #ipPeerLo: Uint32Array;
  readonly #ipPeerKnown: Uint8Array;
  /** IP-over-GRE: per segment, the packet waiting for the local host's MAC, and since which tick. */
  readonly #ipHeld: (Packet | null)[];
  readonly #ipHeldSince: Float64Array;
  #ipHeldCount = 0;
  /** Cuts the offloaded packets that cannot cross whole (made on first use). */
  #segmenter: TsoSegmenter | null = null;
  /** Underlay ARP: answers for our address, learns and resolves next hops (hosts/arp-resolver.ts). */
  readonly #arp: ArpResolver<ArpIface>;
  readonly #underlayIface: ArpIface;
  readonly #ageingNs: number;
  #ticks = 0;

  constructor(ctx: AppContext, conf: C, drops: D, settings: OverlaySettings, tunnel: OverlayTunnel) {
    super(ctx, conf, drops);
    const s = settings;
    this.settings = s;
    const ipProtocol = tunnel.ipProtocol;
    const encapLen = ETH + IPV4 + tunnel.tunnelLen;
    const macLo = s.mac >>> 0;
    const macHi = (s.mac - macLo) / TWO_POW_32;
    this.#portNames = [...s.ports.keys()];
    this.#portNames.forEach((n, i) => this.#portIndex.set(n, i));
    const nPorts = this.#portNames.length;
    const nSeg = s.segments.length;
    const segmentIds = Uint32Array.from(s.segments);
    this.segmentIds = segmentIds;
    const segmentIndex = new U32Index(s.segments);
    const untagged = new Int32Array(nPorts).fill(-1);
    const trunk = new Uint8Array(nPorts);
    const tagged = new Int32Array(nPorts * VLANS).fill(-1);
    const flowPorts = new Uint8Array(nPorts);
    const members: number[][] = s.segments.map(() => []);
    for (const [name, bindings] of s.ports) {
      const port = this.#portIndex.get(name)!;
      const flow = s.flowPorts.has(name);
      if (flow) flowPorts[port] = 1;
      for (const b of bindings) {
        const seg = segmentIndex.get(b.segment);
        if (flow) {
          tagged[port * VLANS + seg] = seg;
          members[seg]!.push(port * VLANS + seg);
          continue;
        }
        if (b.vlan === 0) untagged[port] = seg;
        else {
          trunk[port] = 1;
          tagged[port * VLANS + b.vlan] = seg;
        }
        members[seg]!.push(port * VLANS + b.vlan);
      }
    }
    this.#ipPeerHi = new Int32Array(nSeg);
    this.#ipPeerLo = new Uint32Array(nSeg);
    this.#ipPeerKnown = new Uint8Array(nSeg);
    this.#ipHeld = new Array<Packet | null>(nSeg).fill(null);
    this.#ipHeldSince = new Float64Array(nSeg);

    const remotes: number[] = [];
    const remoteOf = (ip: number): number => {
      let r = remotes.indexOf(ip);
      if (r < 0) r = remotes.push(ip) - 1;
      return r;
    };
    const allowedPairs: [number, number][] = [];
    for (const [id, ips] of s.flood) for (const ip of ips) allowedPairs.push([remoteOf(ip), segmentIndex.get(id)]);
    for (const st of s.statics) allowedPairs.push([remoteOf(st.remote), segmentIndex.get(st.segment)]);
    const nRem = remotes.length;
    this.remoteIps = Uint32Array.from(remotes);
    const remoteByIp = new U32Index(remotes);
    const allowed = new Uint8Array(Math.max(1, nRem * nSeg));
    for (const [r, seg] of allowedPairs) allowed[r * nSeg + seg] = 1;
    const mask = prefixMask(s.prefixLen);
    const outer = new Int32Array(Math.max(1, nRem) * OUTER_WORDS);
    for (let r = 0; r < nRem; r++) {
      const w = r * OUTER_WORDS;
      const ip = remotes[r]!;
      // Words 0 and 1 (the next hop's MAC) are written when it resolves.
      outer[w + 1] = macHi;
      outer[w + 2] = macLo;
      outer[w + 3] = (ETHERTYPE_IPV4 << 16) | 0x4500;
      outer[w + 5] = (0x4000 << 16) | (64 << 8) | ipProtocol;
      outer[w + 6] = s.ip >>> 16;
      outer[w + 7] = ((s.ip & 0xffff) << 16) | (ip >>> 16);
      outer[w + 8] = ip & 0xffff;
    }
    const fdb = new HashMacTable(s.fdbMax);
    for (const st of s.statics) fdb.addStatic(st.mac, segmentIndex.get(st.segment), remoteByIp.get(st.remote) * 2 + 1, 0);
    this.dp = new OverlayDataPath({
      ipProtocol,
      tunnelLen: tunnel.tunnelLen,
      udpPort: tunnel.udpPort ?? 0,
      ip: s.ip,
      macHi,
      macLo,
      learning: s.learning,
      overlayMtu: s.mtu - encapLen,
      untagged,
      tagged,
      trunk,
      flow: flowPorts,
      segmentIds,
      segmentIndex,
      segmentIsIp: Uint8Array.from(s.segments, (id) => (s.segmentPayload.get(id) === 'ip' ? 1 : 0)),
      members: members.map((m) => Int32Array.from(m)),
      floodTo: s.segments.map((id) => Int32Array.from(s.flood.get(id) ?? [], (ip) => remoteByIp.get(ip))),
      arpSuppress: s.segments.map((id) => s.arpSuppress.get(id)),
      remoteIps: this.remoteIps,
      remoteByIp,
      remoteNextHop: Uint32Array.from(remotes, (ip) => (((ip ^ s.ip) & mask) === 0 ? ip : s.gateway)),
      allowed,
      // Version/IHL, flags+DF, TTL/protocol, both addresses: every word but length, id and checksum.
      remoteSum: Int32Array.from(remotes, (ip) => 0x4500 + 0x4000 + ((64 << 8) | ipProtocol) + (s.ip >>> 16) + (s.ip & 0xffff) + (ip >>> 16) + (ip & 0xffff)),
      outer,
      fdb,
    });
    this.dp.outLinks = new Array<Link | null>(nPorts).fill(null);
    const ownIp = s.ip >>> 0;
    this.#underlayIface = { index: UNDERLAY_IF, mac: s.mac, owns: (ip) => ip === ownIp, sourceFor: () => ownIp };
    // Learned neighbours never go stale (reachable for ever); frames wait per next hop.
    this.#arp = new ArpResolver<ArpIface>(ctx.engine, {
      reachableTime: Infinity, staleTime: 0, retransTime: TICK_NS, probes: ARP_TRIES, queueLength: s.pendingMax, cacheSize: NEIGHBOURS_MAX,
      learnGratuitous: false, linkHeaderLen: ETH, traceLearned: false,
    }, {
      alloc: () => this.alloc(),
      transmit: (p, _iface, dstMac, etherType) => this.#sendUnderlay(p, dstMac, etherType),
      drop: (p, reason) => this.drop(p, UNDERLAY_ARP_DROPS[reason]),
      consume: (p) => this.consume(p),
      note: (p, text) => this.note(p, text),
      unresolved: (p) => this.drop(p, 'underlay-unresolved'),
      isStatic: (_ifIndex, ip) => s.neighbours.has(ip),
    });
    this.#syncRemotes(ctx.engine.now());

    this.#ageingNs = s.ageingTime * NS_PER_S;
    this.tickInterval = TICK_NS;
  }

  /**
   * Makes the tunnel header after the outer UDP header (or after the IPv4 header without UDP) a
   * fixed run of words per segment, which the endpoint copies instead of calling `writeTunnel`:
   * `words[segment * stride + i]` for i < stride.
   */
  protected setFixedTunnel(words: Int32Array, stride: number): void {
    if (words.length !== stride * this.segmentIds.length || (this.dp.udpPort !== 0 ? 8 : 0) + stride * 4 !== this.dp.tunnelLen || stride === 0) throw new Error(`overlay endpoint ${this.name}: fixed tunnel header of ${stride} words does not match the tunnel length ${this.dp.tunnelLen}`);
    this.dp.tunnelWords = words;
    this.dp.tunnelStride = stride;
  }

  /** Reads the tunnel header at `at` (`len` bytes of outer IP payload) from remote `remote`: returns the segment index and sets `dp.innerOffset` (and `dp.innerEnd` when the inner frame ends before the datagram), or drops the packet and returns -1. */
  protected abstract readTunnel(p: Packet, at: number, len: number, remote: number): number;
  /**
   * Writes the tunnel header at `at` (an offset in `p.buf`); the inner payload of `innerLen`
   * bytes follows it. A tunnel whose header changes per packet defines it; one whose header is
   * fixed per segment calls `setFixedTunnel` in its constructor instead.
   */
  protected writeTunnel?(p: Packet, at: number, remote: number, segment: number, innerLen: number): void;

  /** The segment index of a VNI or key, or -1. */
  protected segmentIndexOf(id: number): number {
    return this.dp.segmentOf(id);
  }

  /** Whether `remote` may send and receive on segment `segment`. */
  protected mayUse(remote: number, segment: number): boolean {
    return this.dp.mayUse(remote, segment);
  }

  /** True when the segment carries IPv4 packets rather than Ethernet frames. */
  protected segmentIsIp(segment: number): boolean {
    return this.dp.segmentIsIp[segment] === 1;
  }

  override get tunnelUnderlayPort(): string {
    return this.settings.underlayPort;
  }

  /** The overlay MTU: the largest inner L3 packet that fits the underlay MTU once encapsulated. */
  get overlayMtu(): number {
    return this.dp.overlayMtu;
  }

  stats(): Readonly<OverlayStats> {
    const d = this.dp;
    return {
      encapsulated: d.encapsulated, decapsulated: d.decapsulated, floods: d.floods, arpSuppressed: d.arpSuppressed, fragNeeded: d.fragNeeded,
      learnedRemote: d.learnedRemote, cloneFailures: d.cloneFailures, arpRequests: this.#arp.requestsSent, neighbourOverflows: this.#arp.cache.overflow };
  }

  /** The underlay neighbour cache: entries (the gauge), bound, overflows, evictions, frames waiting. */
  neighbourCounts(): NeighbourCounts {
    return this.#arp.neighbourCounts();
  }

  /** FDB size, bound and overflows. */
  fdbStats(): { size: number; capacity: number; overflows: number } {
    return { size: this.dp.fdb.size, capacity: this.dp.fdb.capacity, overflows: this.dp.fdb.overflows };
  }

  fdbRows(): OverlayFdbRow[] {
    return this.dp.fdb.entries().map((e) => ({
      segment: this.segmentIds[e.vlan]!,
      mac: formatMac(e.mac),
      where: (e.port & 1) === 1 ? `remote ${formatIpv4Addr(this.remoteIps[e.port >> 1]!)}` : `port ${this.#portNames[e.port >> 1]}`,
      static: e.isStatic,
    }));
  }

  /** Underlay neighbours (IP -> MAC), static, then learned. */
  neighbours(): { ip: string; mac: string }[] {
    const rows = [...this.settings.neighbours].map(([ip, mac]) => ({ ip: formatIpv4Addr(ip), mac: formatMac(mac) }));
    for (const n of this.#arp.cache.list(this.engine.now())) if (n.mac >= 0) rows.push({ ip: formatIpv4Addr(n.ip), mac: formatMac(n.mac) });
    return rows;
  }

  override ports(): readonly string[] {
    return [this.settings.underlayPort, ...this.#portNames];
  }

  override held(): number {
    return this.#arp.held + this.#ipHeldCount;
  }

  override relink(): void {
    const inLinks: Link[] = [];
    const inPorts: number[] = [];
    for (const [name, link] of Object.entries(this.input)) {
      inLinks.push(link);
      inPorts.push(name === this.settings.underlayPort ? -1 : this.#portIndex.get(name) ?? -2);
    }
    this.#inLinks = inLinks;
    this.#inPorts = Int32Array.from(inPorts);
    this.dp.underlayOut = this.output[this.settings.underlayPort] ?? null;
    this.dp.outLinks = this.#portNames.map((n) => this.output[n] ?? null);
  }

  override stop(): void {
    this.#arp.stop(this.engine.now());
    for (let seg = 0; seg < this.#ipHeld.length; seg++) this.#dropIpHeld(seg);
  }

  override tick(now: number): void {
    if (++this.#ticks % 10 === 0) this.dp.fdb.age(now, this.#ageingNs);
    if (this.#ipHeldCount > 0) {
      for (let seg = 0; seg < this.#ipHeld.length; seg++) if (this.#ticks - this.#ipHeldSince[seg]! > ARP_TRIES) this.#dropIpHeld(seg);
    }
  }

  override push(): void {
    // The clock reaches the per-packet code only through the table's field, set once here: a
    // float passed into a call that V8 did not inline is a fresh heap number per packet.
    this.dp.fdb.clock = this.engine.now();
    const links = this.#inLinks;
    const ports = this.#inPorts;
    for (let k = 0; k < links.length; k++) {
      const l = links[k]!;
      const port = ports[k]!;
      if (port === -1) while (!l.empty()) this.#fromUnderlay(l.receive());
      else if (port === -2) while (!l.empty()) this.drop(l.receive(), 'unknown-port');
      else while (!l.empty()) this.#fromAccess(l.receive(), port);
    }
  }

  // ---- access side ----

  #fromAccess(p: Packet, port: number): void {
    const d = this.dp;
    if (p.len < ETH) return this.drop(p, 'runt');
    // An offloaded TCP packet crosses whole (see `offloadHandling`) when its outer IPv4 length
    // fits 16 bits; a longer one is cut here, before its tag or tunnel key is read.
    if (p.gsoSize > 0 && p.len + d.encapLen - ETH > 0xffff) return this.#cut(p, port, -1, 0);
    let off = p.off;
    let vlan = 0;
    let seg = d.untagged[port]!;
    if (d.flow[port] === 1) {
      // The segment index stands in the VLAN's place in the member; the metadata stops here.
      const bySegment = d.segmentIndex.get(p.tunnelId);
      p.tunnelId = 0;
      if (bySegment < 0) return this.drop(p, 'no-segment');
      seg = d.tagged[port * VLANS + bySegment]!;
      if (seg < 0) return this.drop(p, 'no-segment');
      vlan = seg;
    } else if (d.trunk[port] === 1 && p.view.getUint16(off + 12) === ETHERTYPE_VLAN) {
      if (p.len < ETH + 4) return this.drop(p, 'runt');
      vlan = p.view.getUint16(off + 14) & 0xfff;
      seg = d.tagged[port * VLANS + vlan]!;
      if (seg < 0) return this.drop(p, 'no-segment');
      // The segment replaces the tag: move the MACs over it.
      p.buf.copyWithin(off + 4, off, off + 12);
      p.shift(4);
      off += 4;
    } else if (seg < 0) return this.drop(p, 'no-segment');
    // The MACs as three words through the pool's one DataView: [dst 0-3] [dst 4-5, src 0-1] [src 2-5].
    const mem = p.pool.memory;
    const at = p.base + off;
    const w0 = mem.getInt32(at);
    const w1 = mem.getInt32(at + 4);
    const srcLo = mem.getUint32(at + 8);
    const srcHi = w1 & 0xffff;
    if ((srcHi & 0x100) !== 0) return this.drop(p, 'multicast-source');
    const portVlan = port * VLANS + vlan;
    if (d.segmentIsIp[seg] === 1) return this.#fromIpPort(p, seg, portVlan, srcHi, srcLo);
    const dstHi = w0 >>> 16;
    const dstLo = ((w0 << 16) | (w1 >>> 16)) >>> 0;
    const unicast = (dstHi & 0x100) === 0;
    // Known source on this port and unicast destination: one call refreshes and looks up. Any
    // other case learns, then looks up, as the call would have.
    let where = unicast ? d.fdb.refreshAndLookup(srcHi, srcLo | 0, dstHi, dstLo | 0, seg, port * 2) : -1;
    if (where < 0) {
      d.fdb.learnWords(srcHi, srcLo | 0, seg, port * 2);
      if (unicast) where = d.fdb.lookupWords(dstHi, dstLo | 0, seg);
    }
    if (d.arpSuppress[seg] !== undefined && mem.getUint16(at + 12) === ETHERTYPE_ARP && this.#suppressArp(p, seg, portVlan)) return;
    // The MTU applies to the wire segments an offloaded TCP packet stands for.
    if ((p.gsoSize > 0 ? gsoSegmentFrameLength(p) : p.len) - ETH > d.overlayMtu) return this.#tooBig(p, portVlan);
    p.hash = frameFlowHash(mem, at, p.len, w0, w1, srcLo);
    if (where >= 0) {
      if ((where & 1) === 1) return this.#toRemote(p, where >> 1, seg);
      const to = where >> 1;
      if (to === port) return this.drop(p, 'same-port');
      return this.#toAccess(p, this.#memberOn(seg, to));
    }
    d.floods++;
    this.#flood(p, seg, port, true);
  }

  /** The member entry (port * 4096 + vlan) of `port` in segment `seg`. */
  #memberOn(seg: number, port: number): number {
    const d = this.dp;
    const m = d.members[seg]!;
    for (let i = 0; i < m.length; i++) if ((m[i]! >> 12) === port) return m[i]!;
    return port * VLANS;
  }

  /** Copies to every local member but `exceptPort`, and (from access) to every remote of the segment; the last copy is the original. */
  #flood(p: Packet, seg: number, exceptPort: number, toRemotes: boolean): void {
    const d = this.dp;
    const members = d.members[seg]!;
    const remotes = toRemotes ? d.floodTo[seg]! : EMPTY;
    let targets = remotes.length;
    for (let i = 0; i < members.length; i++) if ((members[i]! >> 12) !== exceptPort) targets++;
    if (targets === 0) return this.drop(p, 'no-egress');
    if (p.traceId !== 0) this.note(p, `flood in segment ${this.segmentIds[seg]} to ${targets} ${targets === 1 ? 'copy' : 'copies'}`);
    let left = targets;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      if ((m >> 12) === exceptPort) continue;
      if (--left === 0) return this.#toAccess(p, m);
      const q = this.clone(p);
      if (q === null) d.cloneFailures++;
      else this.#toAccess(q, m);
    }
    for (let i = 0; i < remotes.length; i++) {
      if (--left === 0) return this.#toRemote(p, remotes[i]!, seg);
      const q = this.clone(p);
      if (q === null) d.cloneFailures++;
      else this.#toRemote(q, remotes[i]!, seg);
    }
  }

  /** Sends an untagged inner frame out of an access member, adding the member's VLAN tag. */
  #toAccess(p: Packet, member: number): void {
    const d = this.dp;
    const port = member >> 12;
    const vlan = member & 0xfff;
    const out = d.outLinks[port]!;
    if (out === null) return this.drop(p, 'port-unlinked');
    if (d.flow[port] === 1) p.tunnelId = this.segmentIds[vlan]!;
    else if (vlan !== 0) {
      if (!p.prepend(4)) return this.drop(p, 'no-headroom');
      const o = p.off;
      p.buf.copyWithin(o, o + 4, o + 16);
      p.view.setUint16(o + 12, ETHERTYPE_VLAN);
      p.view.setUint16(o + 14, vlan);
    }
    if (p.traceId !== 0) this.note(p, `-> access ${this.#portNames[port]}${d.flow[port] === 1 ? ` tun_id ${p.tunnelId}` : vlan !== 0 ? ` vlan ${vlan}` : ''}`);
    out.transmit(p);
  }

  /** Answers an ARP request in place from the suppression table; false when it is not one we can answer. */
  #suppressArp(p: Packet, seg: number, portVlan: number): boolean {
    const d = this.dp;
    const b = p.buf;
    const a = p.off + ETH;
    if (p.len < ETH + 28 || b[a] !== 0 || b[a + 1] !== 1 || b[a + 2] !== 8 || b[a + 3] !== 0 || b[a + 4] !== 6 || b[a + 5] !== 4 || b[a + 7] !== 1 || b[a + 6] !== 0) return false;
    const view = p.view;
    const target = view.getUint32(a + 24);
    const mac = d.arpSuppress[seg]!.get(target);
    if (mac === undefined) return false;
    const sender = view.getUint32(a + 14);
    // Reply: the requester's sender fields become the target fields; the table's MAC is the sender.
    b.copyWithin(a + 18, a + 8, a + 18);
    writeMac48(b, a + 8, mac);
    view.setUint32(a + 14, target);
    b[a + 7] = 2;
    b.copyWithin(p.off, a + 18, a + 24);
    writeMac48(b, p.off + 6, mac);
    d.arpSuppressed++;
    if (p.traceId !== 0) this.note(p, `arp suppression: ${formatIpv4Addr(target)} is-at ${formatMac(mac)} (to ${formatIpv4Addr(sender)})`);
    this.#toAccess(p, portVlan);
    return true;
  }

  /**
   * Cuts an offloaded TCP packet that cannot cross whole into wire segments in the engine's pool;
   * the packet is used up. Each segment goes on as if it had arrived so: from access port `port`
   * through the whole access path, or (port -1) from the IP-over-GRE port of segment `seg` into
   * the tunnel. Each counts as generated; one that found no buffer as generated and dropped.
   */
  #cut(p: Packet, port: number, seg: number, portVlan: number): void {
    const cutter = (this.#segmenter ??= new TsoSegmenter());
    const bad = cutter.begin(p);
    if (bad !== null) return this.drop(p, bad);
    if (cutter.segmentLength(0) > this.pool.dataRoom) return this.drop(p, 'gso-segment-too-big');
    for (let i = 0; i < cutter.count; i++) {
      const q = this.alloc();
      if (q === null) {
        this.countDrop('pool-empty');
        continue;
      }
      q.len = cutter.emit(i, q.buf, q.off, q.view);
      q.inPort = p.inPort;
      q.tunnelId = p.tunnelId;
      q.traceId = p.traceId;
      if (port >= 0) this.#fromAccess(q, port);
      else this.#ipToRemote(q, seg, portVlan);
    }
    this.consume(p);
  }

  /** An inner packet over the overlay MTU: ICMP fragmentation-needed when it is IPv4 with DF, else a drop. */
  #tooBig(p: Packet, portVlan: number): void {
    const d = this.dp;
    const b = p.buf;
    const o = p.off;
    const ip = o + ETH;
    const view = p.view;
    if (view.getUint16(o + 12) !== ETHERTYPE_IPV4 || (b[o]! & 1) === 1 || b[ip]! >>> 4 !== 4) return this.drop(p, 'needs-fragmentation');
    const ihl = (b[ip]! & 0x0f) << 2;
    if (ihl < IPV4 || p.len < ETH + ihl + 8 || (b[ip + 6]! & 0x40) === 0 || (view.getUint16(ip + 6) & 0x1fff) !== 0) return this.drop(p, 'needs-fragmentation');
    const icmpType = b[ip + ihl]!;
    // No ICMP error about an ICMP error (RFC 1122 3.2.2).
    if (b[ip + 9] === 1 && icmpType !== 0 && icmpType !== 8 && icmpType !== 13 && icmpType !== 14) return this.drop(p, 'needs-fragmentation');
    const quoteLen = ihl + 8;
    const q = o + ETH + IPV4 + 8;
    b.copyWithin(q, ip, ip + quoteLen);
    // The reply is a new small packet: whatever the quoted one was offloaded as does not carry over.
    p.csumStart = -1;
    p.csumOffset = 0;
    p.gsoType = 0;
    p.gsoSize = 0;
    const origSrc = view.getUint32(q + 12);
    const origDst = view.getUint32(q + 16);
    // Swap the MACs.
    for (let i = 0; i < 6; i++) {
      const t = b[o + i]!;
      b[o + i] = b[o + 6 + i]!;
      b[o + 6 + i] = t;
    }
    view.setUint32(ip, 0x45000000 | (IPV4 + 8 + quoteLen));
    view.setUint32(ip + 4, (d.ipId = (d.ipId + 1) & 0xffff) << 16);
    view.setUint32(ip + 8, (64 << 24) | (1 << 16));
    view.setUint32(ip + 12, origDst);
    view.setUint32(ip + 16, origSrc);
    view.setUint16(ip + 10, internetChecksum(b, ip, IPV4));
    const icmp = ip + IPV4;
    view.setUint32(icmp, (3 << 24) | (4 << 16));
    view.setUint32(icmp + 4, d.overlayMtu & 0xffff);
    view.setUint16(icmp + 2, internetChecksum(b, icmp, 8 + quoteLen));
    p.len = ETH + IPV4 + 8 + quoteLen;
    d.fragNeeded++;
    if (p.traceId !== 0) this.note(p, `too big for overlay MTU ${d.overlayMtu}: ICMP fragmentation needed to ${formatIpv4Addr(origSrc)}`);
    this.#toAccess(p, portVlan);
  }

  /** A frame from the host on an IP-over-GRE port: answer its ARP (proxy), tunnel its IPv4 to the port MAC. */
  #fromIpPort(p: Packet, seg: number, portVlan: number, srcHi: number, srcLo: number): void {
    const d = this.dp;
    const view = p.view;
    const o = p.off;
    const etherType = view.getUint16(o + 12);
    const portMacLo = this.#portMacLo(portVlan);
    if (etherType === ETHERTYPE_ARP) {
      const b = p.buf;
      const a = o + ETH;
      if (p.len < ETH + 28 || view.getUint32(a) !== 0x00010800 || view.getUint16(a + 4) !== 0x0604) return this.drop(p, 'ip-not-for-port');
      const op = view.getUint16(a + 6);
      if (op === 2 && view.getUint16(a + 18) === PORT_MAC_HI && view.getUint32(a + 20) === portMacLo) {
        // The host answered our question about itself: deliver what waited for its MAC.
        this.#learnIpPeer(seg, srcHi, srcLo);
        this.consume(p);
        const held = this.#ipHeld[seg];
        if (held !== null && held !== undefined) {
          this.#ipHeld[seg] = null;
          this.#ipHeldCount--;
          this.#deliverIp(held, seg);
        }
        return;
      }
      if (op !== 1) return this.drop(p, 'ip-not-for-port');
      const target = view.getUint32(a + 24);
      if (target === view.getUint32(a + 14)) return this.drop(p, 'ip-not-for-port');
      // Proxy ARP: every address beyond the point-to-point port is the port itself.
      b.copyWithin(a + 18, a + 8, a + 18);
      view.setUint16(a + 8, PORT_MAC_HI);
      view.setUint32(a + 10, portMacLo);
      view.setUint32(a + 14, target);
      b[a + 7] = 2;
      b.copyWithin(o, a + 18, a + 24);
      view.setUint16(o + 6, PORT_MAC_HI);
      view.setUint32(o + 8, portMacLo);
      this.#learnIpPeer(seg, srcHi, srcLo);
      return this.#toAccess(p, portVlan);
    }
    if (etherType !== ETHERTYPE_IPV4 || view.getUint16(o) !== PORT_MAC_HI || view.getUint32(o + 2) !== portMacLo) return this.drop(p, 'ip-not-for-port');
    this.#learnIpPeer(seg, srcHi, srcLo);
    // An IP-over-GRE packet leaves without its Ethernet header, and an offloaded one with it would
    // reach the far side as an IP packet no port could cut: it crosses as wire segments.
    if (p.gsoSize > 0) return this.#cut(p, -1, seg, portVlan);
    this.#ipToRemote(p, seg, portVlan);
  }

  /** An IPv4 packet from an IP-over-GRE port, its Ethernet header checked, into the tunnel. */
  #ipToRemote(p: Packet, seg: number, portVlan: number): void {
    const d = this.dp;
    if (p.len - ETH > d.overlayMtu) return this.#tooBig(p, portVlan);
    p.hash = flowHash(p);
    p.shift(ETH);
    this.#toRemote(p, d.floodTo[seg]![0]!, seg);
  }

  #dropIpHeld(seg: number): void {
    const p = this.#ipHeld[seg];
    if (p === null || p === undefined) return;
    this.#ipHeld[seg] = null;
    this.#ipHeldCount--;
    this.drop(p, 'ip-peer-unknown');
  }

  #learnIpPeer(seg: number, hi: number, lo: number): void {
    this.#ipPeerHi[seg] = hi;
    this.#ipPeerLo[seg] = lo;
    this.#ipPeerKnown[seg] = 1;
  }

  /** The MAC an IP-over-GRE port answers with: 0e:01 then the port and VLAN. */
  #portMacLo(portVlan: number): number {
    return portVlan >>> 0;
  }

  // ---- overlay side ----

  #toRemote(p: Packet, r: number, seg: number): void {
    const d = this.dp;
    if (d.remoteResolved[r] === 1) return this.#encap(p, r, seg);
    const nextHop = d.remoteNextHop[r]!;
    if (nextHop === 0) return this.drop(p, 'no-underlay-route');
    // Encapsulated now, with the outer destination MAC left for the resolver's answer.
    if (!this.#writeOuter(p, r, seg)) return this.drop(p, 'no-headroom');
    const now = this.engine.now();
    const n = this.#arp.lookup(UNDERLAY_IF, nextHop, now);
    if (n !== undefined && n.mac >= 0) this.#sendUnderlay(p, n.mac, ETHERTYPE_IPV4);
    else this.#arp.wait(p, this.#underlayIface, nextHop, n, now);
    this.#syncRemotes(now);
  }

  /**
   * Points every remote at its next hop's MAC as the resolver (or the static neighbours) knows
   * it now, or marks it unresolved. Called after whatever can change the neighbour cache: an
   * underlay ARP packet, a new resolution (which may evict an entry).
   */
  #syncRemotes(now: number): void {
    const d = this.dp;
    for (let r = 0; r < this.remoteIps.length; r++) {
      const nextHop = d.remoteNextHop[r]!;
      const fixed = this.settings.neighbours.get(nextHop);
      const mac = fixed ?? this.#arp.lookup(UNDERLAY_IF, nextHop, now)?.mac ?? -1;
      if (mac >= 0) this.#resolve(r, mac);
      else d.remoteResolved[r] = 0;
    }
  }

  /** Sends a frame out of the underlay with its Ethernet header written for `dstMac` (ARP and frames that waited for it). */
  #sendUnderlay(p: Packet, dstMac: number, etherType: number): void {
    const d = this.dp;
    const out = d.underlayOut;
    if (out === null) return this.drop(p, 'underlay-unlinked');
    const b = p.buf;
    writeMac48(b, p.off, dstMac);
    writeMac48(b, p.off + 6, this.settings.mac);
    b[p.off + 12] = etherType >>> 8;
    b[p.off + 13] = etherType & 0xff;
    if (etherType === ETHERTYPE_IPV4) d.encapsulated++;
    out.transmit(p);
  }

  #encap(p: Packet, r: number, seg: number): void {
    const d = this.dp;
    const out = d.underlayOut;
    if (out === null) return this.drop(p, 'underlay-unlinked');
    if (!this.#writeOuter(p, r, seg)) return this.drop(p, 'no-headroom');
    d.encapsulated++;
    out.transmit(p);
  }

  /** Puts the outer headers for remote `r` and segment `seg` in front of the inner frame; false when the headroom is too small. */
  #writeOuter(p: Packet, r: number, seg: number): boolean {
    const d = this.dp;
    const innerLen = p.len;
    const encapLen = d.encapLen;
    if (!p.prepend(encapLen)) return false;
    // The outer headers from the remote's template words, through the pool's one DataView: the
    // frame start is 2 bytes off a word boundary of the IPv4 header, so the words straddle fields.
    const mem = p.pool.memory;
    const at = p.base + p.off;
    const t = d.outer;
    const w = r * OUTER_WORDS;
    const total = encapLen - ETH + innerLen;
    const id = (d.ipId = (d.ipId + 1) & 0xffff);
    let sum = d.remoteSum[r]! + total + id;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    mem.setInt32(at, t[w]!);
    mem.setInt32(at + 4, t[w + 1]!);
    mem.setInt32(at + 8, t[w + 2]!);
    mem.setInt32(at + 12, t[w + 3]!);
    mem.setInt32(at + 16, (total << 16) | id);
    mem.setInt32(at + 20, t[w + 5]!);
    mem.setInt32(at + 24, ((~sum & 0xffff) << 16) | t[w + 6]!);
    mem.setInt32(at + 28, t[w + 7]!);
    mem.setUint16(at + 32, t[w + 8]!);
    const stride = d.tunnelStride;
    if (stride === 0) this.writeTunnel!(p, p.off + ETH + IPV4, r, seg, innerLen);
    else {
      let o = at + ETH + IPV4;
      if (d.udpPort !== 0) {
        // Source port from the inner flow hash in 49152-65535 (RFC 7348 section 5), checksum 0.
        mem.setInt32(o, ((0xc000 | (p.hash & 0x3fff)) << 16) | d.udpPort);
        mem.setInt32(o + 4, (total - IPV4) << 16);
        o += 8;
      }
      const words = d.tunnelWords;
      for (let i = 0, k = seg * stride; i < stride; i++, k++, o += 4) mem.setInt32(o, words[k]!);
    }
    if (p.traceId !== 0) this.note(p, `encapsulated for ${formatIpv4Addr(d.remoteIps[r]!)} segment ${d.segmentIds[seg]}`);
    return true;
  }

  #fromUnderlay(p: Packet): void {
    const d = this.dp;
    if (p.len < ETH) return this.drop(p, 'underlay-runt');
    const mem = p.pool.memory;
    const o = p.off;
    const at = p.base + o;
    const dstHi = mem.getUint16(at);
    const dstLo = mem.getUint32(at + 2);
    const etherType = mem.getUint16(at + 12);
    if (dstHi !== d.macHi || dstLo !== d.macLo) {
      if (!(dstHi === 0xffff && dstLo === 0xffffffff && etherType === ETHERTYPE_ARP)) return this.drop(p, 'not-my-mac');
    }
    if (etherType === ETHERTYPE_ARP) {
      const now = d.fdb.clock;
      this.#arp.receive(p, this.#underlayIface, o + ETH, p.len - ETH, now);
      return this.#syncRemotes(now);
    }
    if (etherType !== ETHERTYPE_IPV4) return this.drop(p, 'underlay-not-ip');
    // Outer IPv4, checked by hand: the same checks as Ipv4View.wrap, each with its own reason.
    // The common header (IHL 5) is read as five words and its checksum summed from them.
    const b = p.buf;
    const ip = o + ETH;
    const ipAt = at + ETH;
    const avail = p.len - ETH;
    if (avail < IPV4) return this.drop(p, 'outer-truncated');
    const vihl = b[ip]!;
    if (vihl >>> 4 !== 4) return this.drop(p, 'outer-bad-version');
    const hlen = (vihl & 0x0f) << 2;
    if (hlen < IPV4) return this.drop(p, 'outer-bad-ihl');
    if (hlen > avail) return this.drop(p, 'outer-truncated');
    const w0 = mem.getUint32(ipAt);
    const w1 = mem.getUint32(ipAt + 4);
    const w2 = mem.getUint32(ipAt + 8);
    const src = mem.getUint32(ipAt + 12);
    const dst = mem.getUint32(ipAt + 16);
    const total = w0 & 0xffff;
    if (total < hlen) return this.drop(p, 'outer-bad-total-length');
    if (total > avail) return this.drop(p, 'outer-truncated');
    let sum = ipv4HeaderWordsSum(w0 | 0, w1 | 0, w2 | 0, src | 0, dst | 0);
    for (let k = IPV4; k < hlen; k += 4) {
      const w = mem.getUint32(ipAt + k);
      sum += (w >>> 16) + (w & 0xffff);
    }
    // At most 30 half-words: below 2^21, so two folds finish it.
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    if (sum !== 0xffff) return this.drop(p, 'outer-bad-checksum');
    if (dst !== d.ip) return this.drop(p, 'not-my-ip');
    if ((w1 & 0x3fff) !== 0) return this.drop(p, 'outer-fragment');
    if (((w2 >>> 16) & 0xff) !== d.ipProtocol) return this.drop(p, 'not-tunnel');
    const r = d.remoteByIp.get(src | 0);
    if (r < 0) return this.drop(p, 'unknown-vtep');
    d.innerEnd = ip + total;
    const seg = this.readTunnel(p, ip + hlen, total - hlen, r);
    if (seg < 0) return;
    const innerOff = d.innerOffset;
    const innerLen = d.innerEnd - innerOff;
    p.shift(innerOff - o);
    p.len = innerLen;
    d.decapsulated++;
    if (p.traceId !== 0) this.note(p, `decapsulated from ${formatIpv4Addr(d.remoteIps[r]!)} segment ${d.segmentIds[seg]}`);
    if (d.segmentIsIp[seg] === 1) return this.#deliverIp(p, seg);
    if (innerLen < ETH) return this.drop(p, 'inner-truncated');
    const inAt = p.base + innerOff;
    const m0 = mem.getInt32(inAt);
    const m1 = mem.getInt32(inAt + 4);
    const srcHi = m1 & 0xffff;
    if ((srcHi & 0x100) !== 0) return this.drop(p, 'inner-bad-source');
    const srcLo = mem.getUint32(inAt + 8);
    const innerDstHi = m0 >>> 16;
    const innerDstLo = ((m0 << 16) | (m1 >>> 16)) >>> 0;
    const unicast = (innerDstHi & 0x100) === 0;
    let where = -1;
    if (d.learning) {
      // Source already learned behind this remote and unicast destination: one call refreshes and
      // looks up; otherwise learn, then look up.
      if (unicast) where = d.fdb.refreshAndLookup(srcHi, srcLo | 0, innerDstHi, innerDstLo | 0, seg, r * 2 + 1);
      if (where < 0) {
        const learned = d.fdb.learnWords(srcHi, srcLo | 0, seg, r * 2 + 1);
        if (learned === LEARN_NEW || learned === LEARN_MOVED) {
          d.learnedRemote++;
          if (p.traceId !== 0) this.note(p, `learned ${formatMac(srcHi * TWO_POW_32 + srcLo)} behind ${formatIpv4Addr(d.remoteIps[r]!)}`);
        }
        if (unicast) where = d.fdb.lookupWords(innerDstHi, innerDstLo | 0, seg);
      }
    } else if (unicast) where = d.fdb.lookupWords(innerDstHi, innerDstLo | 0, seg);
    if (where >= 0) {
      if ((where & 1) === 1) return this.drop(p, 'hairpin');
      return this.#toAccess(p, this.#memberOn(seg, where >> 1));
    }
    this.#flood(p, seg, -1, false);
  }

  /** An IPv4 packet out of an IP-over-GRE tunnel: frame it for the local host. */
  #deliverIp(p: Packet, seg: number): void {
    const d = this.dp;
    const member = d.members[seg]![0]!;
    if (this.#ipPeerKnown[seg] === 0) return this.#askIpPeer(p, seg, member);
    if (!p.prepend(ETH)) return this.drop(p, 'no-headroom');
    const view = p.view;
    const o = p.off;
    view.setUint16(o, this.#ipPeerHi[seg]!);
    view.setUint32(o + 2, this.#ipPeerLo[seg]!);
    view.setUint16(o + 6, PORT_MAC_HI);
    view.setUint32(o + 8, this.#portMacLo(member));
    view.setUint16(o + 12, ETHERTYPE_IPV4);
    this.#toAccess(p, member);
  }

  /**
   * The local host's MAC is not known yet: hold the packet (one per segment; a newer one replaces
   * it) and ask the host by ARP for the packet's destination, as the far side would.
   */
  #askIpPeer(p: Packet, seg: number, member: number): void {
    const out = this.dp.outLinks[member >> 12];
    if (out === null || out === undefined || p.len < IPV4) return this.drop(p, 'ip-peer-unknown');
    const old = this.#ipHeld[seg];
    if (old !== null && old !== undefined) {
      this.#ipHeldCount--;
      this.drop(old, 'ip-peer-unknown');
    }
    this.#ipHeld[seg] = p;
    this.#ipHeldCount++;
    this.#ipHeldSince[seg] = this.#ticks;
    const q = this.alloc();
    if (q === null) return;
    const view = q.view;
    const o = q.off;
    const portMacLo = this.#portMacLo(member);
    view.setUint16(o, 0xffff);
    view.setUint32(o + 2, 0xffffffff);
    view.setUint16(o + 6, PORT_MAC_HI);
    view.setUint32(o + 8, portMacLo);
    view.setUint16(o + 12, ETHERTYPE_ARP);
    const a = o + ETH;
    view.setUint32(a, 0x00010800);
    view.setUint32(a + 4, 0x06040001);
    view.setUint16(a + 8, PORT_MAC_HI);
    view.setUint32(a + 10, portMacLo);
    view.setUint32(a + 14, p.view.getUint32(p.off + 12));
    view.setUint16(a + 18, 0);
    view.setUint32(a + 20, 0);
    view.setUint32(a + 24, p.view.getUint32(p.off + 16));
    q.len = ETH + 28;
    this.#toAccess(q, member);
  }

  // ---- underlay next hops ----

  #resolve(r: number, mac: number): void {
    const d = this.dp;
    const lo = mac >>> 0;
    const hi = (mac - lo) / TWO_POW_32;
    d.outer[r * OUTER_WORDS] = (hi << 16) | (lo >>> 16);
    d.outer[r * OUTER_WORDS + 1] = (lo << 16) | d.macHi;
    d.remoteResolved[r] = 1;
  }
}

const EMPTY = new Int32Array(0);
/** The resolver's drop reasons in the endpoint's words. */
const UNDERLAY_ARP_DROPS: Readonly<Record<ArpDropReason, keyof OverlayDrops>> = {
  'arp-malformed': 'underlay-arp-malformed',
  'arp-bad-sender': 'underlay-arp-malformed',
  'arp-queue-full': 'underlay-queue-full',
  'neighbour-table-full': 'underlay-neighbours-full',
  flushed: 'underlay-unresolved',
};

/** What a tunnel adds to the overlay endpoint: its outer IP protocol and header. */
export interface OverlayTunnel {
  /** IP protocol of the outer datagram: 17 (UDP) for VXLAN, 47 for GRE. */
  readonly ipProtocol: number;
  /** Bytes of tunnel header after the outer IPv4 header (the UDP header included). */
  readonly tunnelLen: number;
  /** The UDP destination port when the tunnel rides on UDP; the endpoint writes that UDP header. */
  readonly udpPort?: number;
}
/** First 16 bits of the MAC of IP-over-GRE access ports (locally administered, unicast). */
const PORT_MAC_HI = 0x0e01;

function writeMac48(b: Uint8Array, off: number, mac: number): void {
  const lo = mac >>> 0;
  const hi = (mac - lo) / TWO_POW_32;
  b[off] = hi >>> 8;
  b[off + 1] = hi;
  b[off + 2] = lo >>> 24;
  b[off + 3] = lo >>> 16;
  b[off + 4] = lo >>> 8;
  b[off + 5] = lo;
}

/**
 * A 30-bit hash of the inner flow, for the outer UDP source port (RFC 7348 section 5): the MACs,
 * and for IPv4 the addresses and, for TCP/UDP first fragments, the ports. Equal flows hash equal.
 */
export function flowHash(p: Packet): number {
  const mem = p.pool.memory;
  const at = p.base + p.off;
  if (p.len < ETH) return avalanche(FLOW_HASH_SEED);
  return frameFlowHash(mem, at, p.len, mem.getInt32(at), mem.getInt32(at + 4), mem.getInt32(at + 8));
}

const FLOW_HASH_SEED = 0x9747b28c;

/**
 * `flowHash` of a frame of `len` >= 14 bytes at `at` in `mem`, whose first three words (the
 * MACs) the caller has already read. One multiply per word and a final avalanche (the outer
 * port only needs spread, not strength): a third of the multiplies of a Murmur round per word.
 */
function frameFlowHash(mem: DataView, at: number, len: number, w0: number, w1: number, w2: number): number {
  let h = Math.imul(FLOW_HASH_SEED ^ w0, 0xcc9e2d51);
  h = Math.imul(h ^ (h >>> 15) ^ w1, 0x1b873593);
  h = Math.imul(h ^ (h >>> 15) ^ w2, 0xcc9e2d51);
  if (len < ETH + IPV4 || mem.getUint16(at + 12) !== ETHERTYPE_IPV4) return avalanche(h);
  const ipAt = at + ETH;
  // [version, IHL, TOS, total length] [id, flags, fragment offset] [TTL, protocol, checksum]
  const v0 = mem.getUint32(ipAt);
  if (v0 >>> 28 !== 4) return avalanche(h);
  h = Math.imul(h ^ (h >>> 15) ^ mem.getUint32(ipAt + 12), 0x1b873593);
  h = Math.imul(h ^ (h >>> 15) ^ mem.getUint32(ipAt + 16), 0xcc9e2d51);
  const proto = (mem.getUint32(ipAt + 8) >>> 16) & 0xff;
  const ihl = (v0 >>> 22) & 0x3c;
  // Ports only in a first fragment (offset 0) whose transport header is in the frame.
  if ((proto === 6 || proto === 17) && (mem.getUint32(ipAt + 4) & 0x1fff) === 0 && ETH + ihl + 4 <= len) {
    h = Math.imul(h ^ (h >>> 15) ^ mem.getUint32(ipAt + ihl) ^ proto, 0x1b873593);
  }
  return avalanche(h);
}

/** The last mix; 30 bits are kept so the hash is a small integer (a wider one is boxed when returned). */
function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x3fff_ffff;
}
