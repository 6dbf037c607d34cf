/**
 * VXLAN over a real UDP socket: vnet's VTEP (netfns/tunnels/vxlan-vtep.ts, the same app the
 * emulated labs use) with its underlay port attached to a real UDP socket, so it talks to the
 * Linux kernel's vxlan devices and to other vnet processes over real networks.
 *
 * How: the VTEP speaks Ethernet/IPv4/UDP/VXLAN frames on its underlay port; `UdpUnderlay` is
 * the other end of that port. A datagram received from a.b.c.d:sport becomes the frame the VTEP
 * would have seen on a wire (outer Ethernet to the VTEP's MAC, IPv4 from a.b.c.d to the local
 * address, UDP sport -> 4789, checksum 0, the datagram as payload). A frame the VTEP sends is
 * read back (IPv4 destination, UDP payload) and the payload goes out to the remote's VXLAN
 * port; the kernel builds the real outer headers. The VTEP is given every remote as a static
 * underlay neighbour with one stand-in MAC, so it never ARPs: the real network resolves the real
 * next hop. The kernel picks a UDP source port per flow (RFC 7348); replies always go to the
 * remote's destination port (4789 unless configured), never to that source port.
 *
 * The socket is a `UdpEndpoint` (nics/udp/): an I/O worker receives with recvmmsg into a shared
 * ring whose slots keep each sender's address and port, and `push` sends whole batches with one
 * sendmmsg straight from the packets' payloads. Per datagram: one memcpy into a packet (or into
 * a merged frame, below) on the way in, nothing allocated either way. With `offloads` (the
 * default) runs of datagrams to or from one remote cross the kernel as one (UDP GSO out, UDP GRO
 * in).
 * Offloaded packets (a TAP's 64 KB TCP segments, `offloadHandling` 'segments-tunnelled'): the
 * VTEP encapsulates such a packet whole, and this app cuts its inner frame into the datagrams it
 * stands for, each the VXLAN header and one inner wire segment with its TCP checksum finished,
 * written one after another into a staging buffer that the batch's sendmmsg sends from (one GSO
 * send for the run). When the packet's pool sums in WebAssembly (a TAP's), only the headers are
 * written there: each datagram goes out in two parts, its headers from the staging buffer and
 * its payload straight from the packet (summed in place), and the packet stays in the batch until
 * its last datagram is sent. The packet is consumed and each datagram counts as a packet
 * generated here, then consumed when sent or dropped for the reason the socket gives. A packet
 * with only a partial checksum has it finished in place.
 * Receive coalescing (GRO), when the apps behind the VTEP take offloaded packets and hand them
 * on as they are (a TAP port with offloads; rx-offload.ts walks the graph, once per graph version): consecutive datagrams from one sender
 * with the same VXLAN header whose inner frames are consecutive TCP segments of one flow become
 * ONE encapsulated packet (gro.ts's `TcpCoalescer` over the inner frames, every segment's
 * checksums verified first), read straight from the socket's ring. The VTEP then decapsulates it
 * once and the TAP writes it as one 64 KB packet, where each datagram used to be a packet of its
 * own through the VTEP. The merged frame is capped so its outer IPv4 length fits 16 bits.
 * Both directions sum TCP checksums over WebAssembly memories (the staging buffer, the
 * endpoint's receive ring) with the SIMD sum of wire/checksum-wasm.ts.
 * Bounds: merged frames come from a pool of MERGE_POOL_PACKETS (an empty pool ends a run early,
 * `rxMergePoolEmpty`); the endpoint's rings (`ringSlots`); a full receive ring leaves datagrams in the
 * socket buffer and then the kernel drops (`stats().kernelDrops`); garbage datagrams become
 * frames the VTEP refuses with its own reasons (bad VXLAN header, unknown VNI, unknown sender).
 */
import { App, type AppContext } from '../engine/app.js';
import type { Graph } from '../engine/engine.js';
import { type Packet, PacketPool } from '../engine/packet.js';
import { type UdpEndpointStats, SEND_OK, SEND_QUEUED, SEND_RING_FULL, UDP_BATCH, UdpEndpoint } from '../nics/udp/udp-endpoint.js';
import { internetChecksum } from '../wire/checksum.js';
import { completeChecksum, TsoSegmenter } from '../nics/tap/offload.js';
import { ByteCopier } from '../nics/sys/copy.js';
import { Libc } from '../nics/sys/libc.js';
import { checksumMemory, MemoryChecksum } from '../wire/checksum-wasm.js';
import { TcpCoalescer } from '../nics/tap/gro.js';
import { offloadsTakenBehind } from '../nics/tap/rx-offload.js';
import type { Link } from '../engine/link.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { formatMac, parseMac, writeMac } from '../wire/mac.js';
import { UDP_PORT_VXLAN } from '../wire/udp.js';
import { VxlanVtep } from '../netfns/tunnels/vxlan-vtep.js';
import type { OverlayConf } from '../netfns/tunnels/settings.js';

export const UDP_UNDERLAY_DROPS = {
  'pool-empty': 'no free packet buffer for a received datagram',
  'too-big': 'datagram does not fit a packet buffer with its synthetic outer headers',
  'not-ipv4-udp': 'frame from the VTEP is not IPv4/UDP (underlay ARP or other traffic has no real counterpart)',
  'socket-down': 'the UDP socket is closed or failed',
  'tx-ring-full': 'the kernel pushed back and the transmit ring is full too',
  'send-refused': 'the kernel refused the datagram (no route to the remote, message too long...)',
  'gso-not-tcp': 'offloaded (GSO) packet whose inner frame is not TCP over IPv4 or IPv6',
  'gso-bad-headers': 'offloaded (GSO) packet whose inner headers do not add up',
  'gso-segment-too-big': 'offloaded (GSO) packet whose datagrams would be longer than the socket sends',
} as const;

/** The MAC every remote VTEP appears to have on the synthetic underlay wire. */
export const REMOTE_STAND_IN_MAC = '02:00:5e:00:47:89';
const OUTER_LEN = 14 + 20 + 8;
const VXLAN_LEN = 8;
/** What a received datagram's inner frame sits behind in its packet: the synthetic outer headers and the VXLAN header. */
const ENCAP_LEN = OUTER_LEN + VXLAN_LEN;
/** Inner IP bytes a merged frame holds at most, so that its outer IPv4 total length (outer IPv4, UDP, VXLAN, inner Ethernet, inner IP) fits 16 bits. */
const MERGED_MAX_INNER_IP = 0xffff - ENCAP_LEN;
/** Merged frames in flight at most (the coalescer's pool); an empty pool only ends a run early. */
const MERGE_POOL_PACKETS = 32;

export interface UdpUnderlayConf {
  /** Local address to bind, e.g. 10.0.0.1 (also the VTEP's underlay address). */
  readonly local: string;
  /** UDP port to listen on (default 4789; 0 lets the kernel pick, see `port`). */
  readonly port?: number;
  /** UDP port of the remotes' VXLAN (default 4789). */
  readonly remotePort?: number;
  /** The VTEP's underlay MAC (destination of synthesized frames). */
  readonly vtepMac: string;
  /** Datagrams each of the socket's rings holds (power of two, default 1024). */
  readonly ringSlots?: number;
  /** SO_RCVBUF and SO_SNDBUF in bytes (default 4 MiB). */
  readonly socketBuffer?: number;
  /** Rung (word 0, Atomics) when datagrams arrive, to wake a sleeping engine loop. */
  readonly doorbell?: SharedArrayBuffer;
  /**
   * UDP offloads on the socket (default true): runs of datagrams to one remote go as one UDP GSO
   * send, and the kernel may hand over runs from one remote as one (UDP GRO).
   */
  readonly offloads?: boolean;
}

export class UdpUnderlay extends App<typeof UDP_UNDERLAY_DROPS, UdpUnderlayConf> {
  readonly #endpoint: UdpEndpoint;
  readonly #local: number;
  readonly #remotePort: number;
  readonly #vtepMac: number;
  readonly #standIn = parseMac(REMOTE_STAND_IN_MAC);
  /** Packets whose payloads are in the endpoint's batch until it is flushed; null for a datagram in `#staging`. */
  readonly #batch: (Packet | null)[] = new Array<Packet | null>(UDP_BATCH).fill(null);
  /** The datagrams cut from offloaded packets, back to back, until the batch is flushed: room for a whole batch of the longest. */
  readonly #staging: Uint8Array;
  readonly #stagingView: DataView;
  readonly #stagingAddress: number;
  #stagingUsed = 0;
  readonly #segmenter: TsoSegmenter;
  readonly #copier: ByteCopier;
  /** 1 where the batch entry holds the packet a datagram's payload is sent from (consumed once that datagram is booked). */
  readonly #sourceAt = new Uint8Array(UDP_BATCH);
  /** Receive coalescing (null with offloads off), and whether the graph behind the output takes its merged frames. */
  readonly #gro: TcpCoalescer | null;
  readonly #mergePool: PacketPool | null;
  #groVersion = -1;
  #groLink: Link | null = null;
  #groOn = false;
  /** The open run's sender and VXLAN header (two words). */
  #runSource = 0;
  #runPort = 0;
  #runVxlan0 = 0;
  #runVxlan1 = 0;
  /** Merged frames handed to the VTEP, and the datagrams they held. */
  rxMerged = 0;
  rxMergedDatagrams = 0;

  constructor(ctx: AppContext, conf: UdpUnderlayConf) {
    super(ctx, conf, UDP_UNDERLAY_DROPS);
    this.#local = parseIpv4Addr(conf.local);
    this.#remotePort = conf.remotePort ?? UDP_PORT_VXLAN;
    this.#vtepMac = parseMac(conf.vtepMac);
    this.#endpoint = this.#open(conf);
    const copier = new ByteCopier(new Libc());
    this.#copier = copier;
    // The staging buffer is WebAssembly memory, so the segments' TCP checksums are summed there fast.
    const stagingBytes = UDP_BATCH * this.#endpoint.maxDatagram;
    const stagingMemory = checksumMemory(stagingBytes, false);
    this.#staging = new Uint8Array(stagingMemory.buffer, 0, stagingBytes);
    this.#stagingView = new DataView(stagingMemory.buffer, 0, stagingBytes);
    this.#segmenter = new TsoSegmenter(copier, new MemoryChecksum(stagingMemory).sumFor(this.#stagingView));
    this.#stagingAddress = copier.address(this.#staging);
    this.#mergePool = conf.offloads === false ? null : new PacketPool({ count: MERGE_POOL_PACKETS, dataRoom: ENCAP_LEN + 14 + MERGED_MAX_INNER_IP });
    this.#gro =
      this.#mergePool === null
        ? null
        : new TcpCoalescer({
            pool: this.#mergePool,
            copy: copier,
            maxIpPacket: MERGED_MAX_INNER_IP,
            sum: this.#endpoint.rxSum,
          });
  }

  /** Segments kept out of a merged frame because a checksum did not verify (they went on alone). */
  get rxMergeBadChecksums(): number {
    return this.#gro?.badChecksums ?? 0;
  }

  /** Runs ended early because the merge pool had no free frame. */
  get rxMergePoolEmpty(): number {
    return this.#gro?.poolEmpty ?? 0;
  }

  /** Merged frames not yet freed (the merge pool's gauge; at most MERGE_POOL_PACKETS). */
  get rxMergeFramesInUse(): number {
    return this.#mergePool?.inUse ?? 0;
  }

  override readonly offloadHandling = 'segments-tunnelled';

  /** The socket, or an error that names this app (the lab node) beside the socket's own message. */
  #open(conf: UdpUnderlayConf): UdpEndpoint {
    try {
      return new UdpEndpoint({
        address: this.#local,
        port: conf.port ?? UDP_PORT_VXLAN,
        // A longer datagram could not become a packet anyway: the worker cuts it and it is a 'too-big' drop.
        maxDatagram: Math.min(65507, this.pool.dataRoom - OUTER_LEN),
        ...(conf.ringSlots !== undefined ? { ringSlots: conf.ringSlots } : {}),
        ...(conf.socketBuffer !== undefined ? { socketBuffer: conf.socketBuffer } : {}),
        ...(conf.doorbell !== undefined ? { doorbell: conf.doorbell } : {}),
        segmentation: conf.offloads !== false,
        receiveCoalescing: conf.offloads !== false,
      });
    } catch (e) {
      throw new Error(`${this.name}: ${(e as Error).message}`);
    }
  }

  /** Resolves when the socket's I/O worker runs (the socket is bound from the constructor on). */
  ready(): Promise<void> {
    return this.#endpoint.ready();
  }

  /** Resolves when the worker has exited and the socket is closed (after `stop`). */
  closed(): Promise<void> {
    return this.#endpoint.closed();
  }

  /** The bound UDP port. */
  get port(): number {
    return this.#endpoint.port;
  }

  /** Why the socket is unusable, or null. */
  get error(): string | null {
    return this.#endpoint.error;
  }

  /** Datagrams taken from the socket. */
  get rxDatagrams(): number {
    return this.#endpoint.rxDatagrams;
  }

  /** Datagrams handed to the kernel (directly or through the transmit ring). */
  get txDatagrams(): number {
    return this.#endpoint.txDatagrams;
  }

  /** The socket's counters and ring gauges. */
  stats(): UdpEndpointStats {
    return this.#endpoint.stats();
  }

  override ports(): readonly string[] {
    return ['vtep'];
  }

  override pull(): void {
    const ep = this.#endpoint;
    if (!ep.readable()) return;
    const out = this.output.vtep;
    // Every packet made here takes a place on the link; an open run's is taken when it starts.
    let budget = out === undefined ? UDP_BATCH : Math.min(UDP_BATCH, out.writable());
    const gro = out !== undefined && this.#merging(out) ? this.#gro : null;
    while (budget > 0 && ep.readable()) {
      const len = ep.peekLength();
      if (gro !== null && gro.segments > 0) {
        if (this.#continuesRun(gro, len)) {
          ep.release();
          if (gro.complete) this.#sendRun(gro, out!);
          continue;
        }
        this.#sendRun(gro, out!);
      }
      const p = this.alloc();
      if (p === null) {
        ep.release();
        this.countDrop('pool-empty');
        continue;
      }
      if (len < 0 || OUTER_LEN + len > p.buf.length - p.off) {
        ep.release();
        this.drop(p, 'too-big');
        continue;
      }
      const source = ep.peekSourceAddress();
      const sourcePort = ep.peekSourcePort();
      this.#writeOuter(p, len, source, sourcePort);
      ep.copyPayload(p.buf, p.off + OUTER_LEN);
      ep.release();
      p.len = OUTER_LEN + len;
      budget--;
      if (gro !== null && len > VXLAN_LEN && this.#startRun(gro, p, source, sourcePort)) continue;
      if (out === undefined) this.consume(p);
      else out.transmit(p);
    }
    if (gro !== null && gro.segments > 0) this.#sendRun(gro, out!);
  }

  /** Whether merged frames may go on `out`: the apps behind it take offloaded tunnel packets and hand them on whole (asked again when the graph changes). */
  #merging(out: Link): boolean {
    if (this.#gro === null) return false;
    if (this.#groVersion !== this.engine.graphVersion || this.#groLink !== out) {
      this.#groVersion = this.engine.graphVersion;
      this.#groLink = out;
      this.#groOn = offloadsTakenBehind(this.engine, out, true, true);
    }
    return this.#groOn;
  }

  /** Outer Ethernet, IPv4 and UDP headers at `p.off` for a datagram of `len` payload bytes from `source:sourcePort`. */
  #writeOuter(p: Packet, len: number, source: number, sourcePort: number): void {
    const b = p.buf;
    const o = p.off;
    writeMac(b, o, this.#vtepMac);
    writeMac(b, o + 6, this.#standIn);
    b[o + 12] = 0x08;
    b[o + 13] = 0x00;
    const ipLen = 20 + 8 + len;
    const ip = o + 14;
    b[ip] = 0x45;
    b[ip + 1] = 0;
    b[ip + 2] = ipLen >>> 8;
    b[ip + 3] = ipLen & 0xff;
    b[ip + 4] = 0;
    b[ip + 5] = 0;
    b[ip + 6] = 0x40;
    b[ip + 7] = 0;
    b[ip + 8] = 64;
    b[ip + 9] = 17;
    b[ip + 10] = 0;
    b[ip + 11] = 0;
    p.view.setUint32(ip + 12, source);
    p.view.setUint32(ip + 16, this.#local);
    const c = internetChecksum(b, ip, 20);
    b[ip + 10] = c >>> 8;
    b[ip + 11] = c & 0xff;
    const udp = ip + 20;
    p.view.setUint16(udp, sourcePort);
    p.view.setUint16(udp + 2, UDP_PORT_VXLAN);
    p.view.setUint16(udp + 4, 8 + len);
    p.view.setUint16(udp + 6, 0);
  }

  /**
   * Starts a run with the datagram in `p` when its inner frame could be merged with what follows:
   * the coalescer sees the inner frame (`p.off` moved past the outer and VXLAN headers, whose
   * bytes stay in place) and the run remembers the sender and the VXLAN header. False leaves `p`
   * as it was.
   */
  #startRun(gro: TcpCoalescer, p: Packet, source: number, sourcePort: number): boolean {
    p.shift(ENCAP_LEN);
    if (!gro.begin(p)) {
      p.prepend(ENCAP_LEN);
      return false;
    }
    const vx = p.off - VXLAN_LEN;
    this.#runSource = source;
    this.#runPort = sourcePort;
    this.#runVxlan0 = p.view.getInt32(vx);
    this.#runVxlan1 = p.view.getInt32(vx + 4);
    return true;
  }

  /** Merges the oldest datagram (`len` payload bytes) into the open run, read in place from the ring; false when it does not continue the run. */
  #continuesRun(gro: TcpCoalescer, len: number): boolean {
    const ep = this.#endpoint;
    if (len <= VXLAN_LEN || ep.peekSourceAddress() !== this.#runSource || ep.peekSourcePort() !== this.#runPort) return false;
    const v = ep.rxView;
    const at = ep.peekPayloadOffset();
    if (v.getInt32(at) !== this.#runVxlan0 || v.getInt32(at + 4) !== this.#runVxlan1) return false;
    const head = gro.head;
    if (!gro.appendFrame(ep.rxBytes, v, at + VXLAN_LEN, len - VXLAN_LEN)) return false;
    // The first datagram's packet was copied into the merged frame, a new packet: it is used up.
    if (head !== null) {
      this.generated++;
      this.consume(head);
    }
    return true;
  }

  /** Ends the open run and puts it on `out`: the first datagram's packet as it came, or the merged frame behind fresh outer headers. */
  #sendRun(gro: TcpCoalescer, out: Link): void {
    const n = gro.segments;
    const q = gro.finish();
    q.prepend(ENCAP_LEN);
    if (n > 1) {
      const innerLen = q.len - ENCAP_LEN;
      this.#writeOuter(q, VXLAN_LEN + innerLen, this.#runSource, this.#runPort);
      q.view.setInt32(q.off + OUTER_LEN, this.#runVxlan0);
      q.view.setInt32(q.off + OUTER_LEN + 4, this.#runVxlan1);
      this.rxMerged++;
      this.rxMergedDatagrams += n;
    }
    out.transmit(q);
  }

  override push(): void {
    const input = this.input.vtep;
    if (input === undefined) return;
    const ep = this.#endpoint;
    const batch = this.#batch;
    while (!input.empty()) {
      let n = 0;
      while (n < UDP_BATCH && !input.empty()) {
        const p = input.receive();
        const b = p.buf;
        const o = p.off;
        if (p.len < OUTER_LEN || b[o + 12] !== 0x08 || b[o + 13] !== 0x00 || b[o + 14]! >>> 4 !== 4 || b[o + 23] !== 17) {
          this.drop(p, 'not-ipv4-udp');
          continue;
        }
        if (!ep.open) {
          this.drop(p, 'socket-down');
          continue;
        }
        const ihl = (b[o + 14]! & 0x0f) * 4;
        const payload = o + 14 + ihl + 8;
        const end = o + p.len;
        if (payload > end) {
          this.drop(p, 'not-ipv4-udp');
          continue;
        }
        if (p.gsoSize > 0) {
          n = this.#queueSegments(p, payload, n);
          continue;
        }
        if (p.csumStart >= 0) {
          completeChecksum(b, p.view, o, p.len, p.csumStart - o, p.csumOffset);
          p.csumStart = -1;
          p.csumOffset = 0;
        }
        ep.queuePacket(p, payload, end - payload, p.view.getUint32(o + 14 + 16), this.#remotePort);
        batch[n++] = p;
      }
      this.#flush(n);
    }
  }

  /**
   * Cuts the encapsulated offloaded packet `p` (its UDP payload, the VXLAN header, starts at
   * `payload`) into datagrams in the staging buffer (only their headers when `p`'s pool sums in
   * WebAssembly, their payloads then sent from `p`) and queues them behind the `n` entries of
   * the batch, flushing whenever it fills; returns the entries now queued.
   */
  #queueSegments(p: Packet, payload: number, n: number): number {
    const seg = this.#segmenter;
    const inner = payload + VXLAN_LEN;
    const bad = seg.begin(p, inner);
    if (bad !== null) {
      this.drop(p, bad);
      return n;
    }
    const ep = this.#endpoint;
    if (VXLAN_LEN + seg.segmentLength(0) > ep.maxDatagram) {
      this.drop(p, 'gso-segment-too-big');
      return n;
    }
    const b = p.buf;
    const staging = this.#staging;
    const remote = p.view.getUint32(p.off + 14 + 16);
    const count = seg.count;
    // A TAP's packets sum in WebAssembly: their payloads go out from where they are (see the design note).
    const sum = p.pool.sum;
    const memory = p.pool.memory;
    const address = sum !== null ? this.#copier.packetAddress(p) : 0;
    for (let i = 0; i < count; i++) {
      if (n === UDP_BATCH) {
        this.#flush(n);
        n = 0;
      }
      const at = this.#stagingUsed;
      for (let k = 0; k < VXLAN_LEN; k++) staging[at + k] = b[payload + k]!;
      let len: number;
      if (sum !== null) {
        const start = seg.payloadStart(i);
        const chunk = seg.payloadLength(i);
        len = VXLAN_LEN + seg.emitHeaders(i, staging, at + VXLAN_LEN, this.#stagingView, sum(memory, p.base + start, chunk, 0));
        ep.queueTwoAt(staging, this.#stagingAddress, at, len, b, address, start, chunk, remote, this.#remotePort);
      } else {
        len = VXLAN_LEN + seg.emit(i, staging, at + VXLAN_LEN, this.#stagingView);
        ep.queueAt(staging, this.#stagingAddress, at, len, remote, this.#remotePort);
      }
      this.#stagingUsed = at + len;
      this.#batch[n++] = null;
    }
    // Each datagram is a packet made here. The offloaded one is used up: now, or, when its
    // payloads are sent from it, with its last datagram (it stays in the batch until then).
    this.generated += count;
    if (sum === null) this.consume(p);
    else {
      this.#batch[n - 1] = p;
      this.#sourceAt[n - 1] = 1;
    }
    return n;
  }

  /**
   * Sends the batch's `n` entries and books each: a packet is consumed or dropped, a datagram
   * made here counted the same way (and the packet it was cut from in place, held with its last
   * datagram, consumed after it).
   */
  #flush(n: number): void {
    if (n === 0) return;
    const ep = this.#endpoint;
    const batch = this.#batch;
    ep.flush();
    this.#stagingUsed = 0;
    for (let i = 0; i < n; i++) {
      const p = batch[i] ?? null;
      batch[i] = null;
      const outcome = ep.outcome(i);
      const sent = outcome === SEND_OK || outcome === SEND_QUEUED;
      const reason = outcome === SEND_RING_FULL ? 'tx-ring-full' : 'send-refused';
      if (p !== null && this.#sourceAt[i] === 0) {
        if (sent) this.consume(p);
        else this.drop(p, reason);
        continue;
      }
      // A datagram made here; the last one cut from a packet in place brings the packet with it, now used up.
      if (sent) this.consumed++;
      else this.dropCounts[reason]++;
      if (p !== null) {
        this.#sourceAt[i] = 0;
        this.consume(p);
      }
    }
  }

  override stop(): void {
    this.#endpoint.close();
  }
}

export interface VxlanOverUdpConf {
  /** Local underlay address; the socket binds it and the VTEP uses it as its own. */
  readonly local: string;
  readonly port?: number;
  readonly remotePort?: number;
  /** The VTEP's access ports and segments, flood lists, statics... (everything but the underlay). */
  readonly overlay: Omit<OverlayConf, 'underlay'>;
  /** Underlay L3 MTU (default 1500): the overlay MTU is 50 bytes less. */
  readonly mtu?: number;
  readonly doorbell?: SharedArrayBuffer;
  /** UDP GSO and GRO on the underlay socket (default true). */
  readonly offloads?: boolean;
}

/** Every remote address the overlay config names (flood lists and static entries). */
function remotesOf(overlay: Omit<OverlayConf, 'underlay'>): string[] {
  const set = new Set<string>();
  for (const list of Object.values(overlay.flood ?? {})) for (const r of list) set.add(r);
  for (const s of overlay.static ?? []) set.add(s.remote);
  return [...set];
}

/**
 * Adds a VTEP named `name` (access ports as `overlay.ports` says) and its UDP underlay
 * `name/udp` to a graph, cabled together.
 */
export function addVxlanOverUdp(graph: Graph, name: string, conf: VxlanOverUdpConf): void {
  const local = parseIpv4Addr(conf.local);
  const vtepMac = formatMac(0x0e0000000000 + local);
  const neighbours: Record<string, string> = {};
  for (const r of remotesOf(conf.overlay)) neighbours[r] = REMOTE_STAND_IN_MAC;
  graph.app(name, VxlanVtep, {
    ...conf.overlay,
    underlay: { port: 'underlay', ip: `${conf.local}/0`, mac: vtepMac, neighbours, ...(conf.mtu !== undefined ? { mtu: conf.mtu } : {}) },
  });
  graph.app(`${name}/udp`, UdpUnderlay, {
    local: conf.local,
    vtepMac,
    ...(conf.port !== undefined ? { port: conf.port } : {}),
    ...(conf.remotePort !== undefined ? { remotePort: conf.remotePort } : {}),
    ...(conf.doorbell !== undefined ? { doorbell: conf.doorbell } : {}),
    ...(conf.offloads !== undefined ? { offloads: conf.offloads } : {}),
  });
  graph.connect(`${name}.underlay`, `${name}/udp.vtep`);
}
