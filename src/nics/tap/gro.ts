/**
 * Receive coalescing (GRO) for frames vnet writes into a TAP: consecutive TCP segments of one
 * flow, over IPv4 or IPv6, become one GSO frame, so the kernel's TCP stack behind the TAP handles
 * one 64 KB packet where it would have handled forty wire segments (Linux does the same for a
 * NIC's frames in net/core/gro.c, net/ipv4/af_inet.c inet_gro_receive, net/ipv6/ip6_offload.c
 * ipv6_gro_receive and net/ipv4/tcp_offload.c).
 *
 * How: a run starts with a segment that could be merged (`begin`); the caller keeps it. Each
 * following segment either extends the run (`append`: its payload is copied behind the run's)
 * or does not (the caller then `finish`es the run and sends what it returns). The first append
 * copies the first segment into a packet of the coalescer's pool (buffers of 64 KB), so a run
 * of one segment costs no copy at all. `finish` writes the merged frame's headers: the first
 * segment's, with the IPv4 total length and header checksum (IPv6: the payload length)
 * rewritten, PSH from the last segment, and the offload state of a TSO packet (virtio-net
 * gso_type TCPV4 or TCPV6, gso_size the first payload, NEEDS_CSUM at the TCP checksum, which
 * holds the pseudo-header sum).
 *
 * Merge rules, all conservative; a refusal only ends the run, never drops:
 * - Ethernet (no VLAN tag) + IPv4 with IHL 5, not a fragment, same MACs, addresses, TOS, TTL and
 *   DF; IP ids incrementing by one, or all equal when DF is set (Linux's rule for atomic datagrams).
 * - Or Ethernet (no VLAN tag) + IPv6 whose next header is TCP itself (a segment behind any
 *   extension header goes out alone), same MACs, addresses, traffic class, flow label and hop
 *   limit; IPv6 has no id. A run holds one family: a segment of the other one ends it.
 * - TCP with the same ports, ACK number, window and options bytes (a timestamp value that moved
 *   ends the run, as in Linux); flags exactly ACK, PSH allowed on the last segment; contiguous
 *   sequence numbers; a payload never larger than the first one, and a smaller one ends the run.
 * - No offload state already (a partial checksum or a GSO packet), a frame no longer than
 *   `maxSegmentFrame`, at most `maxSegments` segments per run and 65535 bytes of IPv4 packet
 *   (IPv6: of payload after the fixed header); never more than the pool's buffers hold.
 * - Checksums: a merged frame goes to the kernel as CHECKSUM_PARTIAL, which the receiving stack
 *   takes as already verified. So every segment's IPv4 header checksum and its TCP checksum
 *   (over the IPv4 or the IPv6 pseudo-header, RFC 8200 section 8.1) are verified
 *   before it joins a run, as Linux's GRO does, and a segment that fails goes to the kernel on
 *   its own, where TCP drops and counts it (TcpInCsumErrors). vnet has no "checksum known good"
 *   mark on packets to trust instead; `verifyChecksums: false` skips the check for callers that
 *   know their segments were checksummed by vnet itself.
 *
 * Invariants: between `begin` and `finish` the run's header bytes are the first segment's (in
 * the kept first segment, then in the merged packet); the coalescer holds at most one pool
 * packet; nothing is allocated per packet.
 *
 * Cost: IPv4 and IPv6 each have their own parse, flow comparison and checksum check, so the
 * IPv4 path carries one branch for IPv6. Measured in one process on CPU time, old and new build
 * interleaved: IPv4 header work 61-76 ns per segment in both; with checksums and copies, IPv4
 * and IPv6 segments of 1428 bytes cost the same (about 0.7 us each on the loaded 2-vCPU machine).
 */
import type { Packet, PacketPool } from '../../engine/packet.js';
import { internetSumView, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import type { OnesSum } from '../../wire/checksum-wasm.js';
import { type BytesCopy, PLAIN_COPY, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6 } from './offload.js';

const ETH_LEN = 14;
const IP_LEN = 20;
const IP6_LEN = 40;
/** Offsets from the frame's first byte. */
const IP = ETH_LEN;
const TCP = ETH_LEN + IP_LEN;
const TCP6 = ETH_LEN + IP6_LEN;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const IPPROTO_TCP = 6;
const IP_DF = 0x4000;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;
/** Offset of the checksum field in the TCP header. */
const TCP_CHECKSUM = 16;
const MAX_IP_PACKET = 65535;
/** The IPv6 payload length field's limit, with the fixed header in front (no jumbograms). */
const MAX_IP6_PACKET = IP6_LEN + 65535;

/** Default cap on segments per merged frame: a 64 KB frame at a 1500-byte MTU is 45 segments. */
export const DEFAULT_MAX_SEGMENTS = 64;

export interface TcpCoalescerOptions {
  /** Pool the merged frames are built in; its data room bounds a frame (with 65535 bytes of IP packet). */
  readonly pool: PacketPool;
  /** Segments per merged frame at most (default 64). */
  readonly maxSegments?: number;
  /** Frames longer than this are never merged (the port's MTU frame; default: no limit but the pool's). */
  readonly maxSegmentFrame?: number;
  /** How payloads are copied (default: TypedArray set, which allocates a view per copy; ports pass their ByteCopier). */
  readonly copy?: BytesCopy;
  /** Verify each segment's IPv4 header and TCP checksums before merging it (default true). */
  readonly verifyChecksums?: boolean;
  /**
   * Bytes of IP packet a merged frame holds at most (default 65535; IPv6 counts its fixed header
   * too): a caller that puts headers of its own in front (a tunnel's outer ones) leaves them room.
   */
  readonly maxIpPacket?: number;
  /** How segments' TCP bytes are summed for the check (default `internetSumView`; a caller reading frames from WebAssembly memory passes a faster one, checksum-wasm.ts). */
  readonly sum?: OnesSum;
}

/** Merges consecutive segments of one TCP flow (over IPv4 or IPv6) into GSO frames. One per port; allocates nothing per packet. */
export class TcpCoalescer {
  readonly #pool: PacketPool;
  readonly #maxSegments: number;
  readonly #maxSegmentFrame: number;
  readonly #maxIpLen: number;
  readonly #maxIp6Len: number;
  readonly #bytes: BytesCopy;
  readonly #verify: boolean;
  readonly #sum: OnesSum;
  /** The run's first segment, kept by the caller while the run has one segment. */
  #head: Packet | null = null;
  /** The merged frame, once a second segment joined. */
  #merged: Packet | null = null;
  /** Where the run's header bytes are: the head's, then the merged packet's. */
  #runView: DataView | null = null;
  #runOff = 0;
  /** Segments in the current run (0: no run). */
  #segments = 0;
  /** The run takes no more segments (the last one was short or had PSH). */
  #complete = false;
  /** 1 when the run is IPv6, 0 when IPv4. */
  #runV6 = 0;
  #gsoSize = 0;
  #tcpHdrLen = 0;
  /** Frame bytes in front of the payload: Ethernet, IP and TCP headers. */
  #hdrLen = 0;
  /** IP packet length of the run so far (IPv6: with the fixed header), and its bound for the run's family. */
  #ipLen = 0;
  #runMaxIpLen = 0;
  #nextSeq = 0;
  #lastId = 0;
  /** -1 until the second segment says; then 1 (ids increment) or 0 (ids equal, DF set). */
  #idStep = -1;
  #psh = 0;
  // The segment `#parse` last read.
  #segIpLen = 0;
  #segTcpHdrLen = 0;
  #segPayload = 0;
  #segFlags = 0;
  #segSeq = 0;
  #segId = 0;
  #segDf = 0;
  /** Merged frames finished, and the segments they held. */
  frames = 0;
  segmentsMerged = 0;
  /** Segments kept out of a run because a checksum did not verify (each counted once). */
  badChecksums = 0;
  /**
   * The segment `append` last refused for a bad checksum (its sequence number, IP id and TCP
   * checksum field), so that `begin`, which the caller calls with that same segment next, does
   * not start a run with it: it would only be checked, refused and counted again.
   */
  #refusedSeq = -1;
  #refusedId = 0;
  #refusedCsum = 0;
  /** Runs cut short because the pool had no packet for the merged frame. */
  poolEmpty = 0;

  constructor(options: TcpCoalescerOptions) {
    const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
    if (!Number.isInteger(maxSegments) || maxSegments < 2) throw new RangeError(`tcp coalescer: maxSegments must be an integer >= 2, got ${maxSegments}`);
    if (options.pool.dataRoom < ETH_LEN + IP_LEN + 20 + 2) throw new RangeError(`tcp coalescer: the pool's ${options.pool.dataRoom}-byte buffers cannot hold two segments`);
    this.#pool = options.pool;
    this.#maxSegments = maxSegments;
    this.#maxSegmentFrame = options.maxSegmentFrame ?? options.pool.dataRoom;
    const cap = options.maxIpPacket ?? MAX_IP6_PACKET;
    this.#maxIpLen = Math.min(MAX_IP_PACKET, cap, options.pool.dataRoom - ETH_LEN);
    this.#maxIp6Len = Math.min(MAX_IP6_PACKET, cap, options.pool.dataRoom - ETH_LEN);
    this.#bytes = options.copy ?? PLAIN_COPY;
    this.#verify = options.verifyChecksums ?? true;
    this.#sum = options.sum ?? internetSumView;
  }

  /** Segments in the current run; 0 when there is none. */
  get segments(): number {
    return this.#segments;
  }

  /** True when the run can take no more segments: finish it now. */
  get complete(): boolean {
    return this.#complete;
  }

  /** The run's first segment while the run has exactly one (the caller consumes it once a second one joins). */
  get head(): Packet | null {
    return this.#segments === 1 ? this.#head : null;
  }

  /**
   * Starts a run with `p` when it could be merged with what follows; false leaves `p` alone
   * (send it as it is). Only without a run (`segments` 0). The caller keeps `p` until `append`
   * copies it or `finish` returns it.
   */
  begin(p: Packet): boolean {
    if (this.#segments !== 0) throw new Error('tcp coalescer: begin while a run is open (finish it first)');
    let v6 = 0;
    const offloaded = p.csumStart >= 0 || p.gsoSize > 0;
    if (!this.#parse(p.buf, p.view, p.off, p.len, offloaded)) {
      if (!this.#parse6(p.buf, p.view, p.off, p.len, offloaded)) return false;
      v6 = 1;
    }
    if (this.#segFlags !== TCP_ACK) return false;
    if (this.#refusedSeq === this.#segSeq) {
      this.#refusedSeq = -1;
      if (this.#refusedId === this.#segId && this.#refusedCsum === p.view.getUint16(p.off + (v6 !== 0 ? TCP6 : TCP) + TCP_CHECKSUM)) return false;
    }
    this.#head = p;
    this.#runView = p.view;
    this.#runOff = p.off;
    this.#segments = 1;
    this.#complete = false;
    this.#runV6 = v6;
    this.#gsoSize = this.#segPayload;
    this.#tcpHdrLen = this.#segTcpHdrLen;
    this.#hdrLen = (v6 !== 0 ? TCP6 : TCP) + this.#segTcpHdrLen;
    this.#ipLen = this.#segIpLen;
    this.#runMaxIpLen = v6 !== 0 ? this.#maxIp6Len : this.#maxIpLen;
    this.#nextSeq = (this.#segSeq + this.#segPayload) >>> 0;
    this.#lastId = this.#segId;
    this.#idStep = -1;
    this.#psh = 0;
    return true;
  }

  /**
   * Adds `p` to the run when it continues it: its payload is copied behind the run's and `p` is
   * the caller's to consume (and, when this made `segments` 2, the former `head` too). False
   * when it does not continue the run (or the pool is empty): finish the run, then `begin` or
   * send `p`.
   */
  append(p: Packet): boolean {
    return this.appendFrame(p.buf, p.view, p.off, p.len, p.csumStart >= 0 || p.gsoSize > 0);
  }

  /**
   * `append` for a frame that is not (yet) a packet: `buf[off, off + len)`, `view` a DataView
   * over the same bytes at the same offsets, `offloaded` whether it carries offload state. A
   * tunnel's socket merges received datagrams straight from its ring this way. The bytes are
   * read and copied during the call only.
   */
  appendFrame(buf: Uint8Array, view: DataView, off: number, len: number, offloaded = false): boolean {
    if (this.#segments === 0 || this.#complete) return false;
    // The IPv4 path stays free of IPv6 branches (it is what most runs are); `#parse` takes
    // IPv4 only, so a segment of the other family ends the run either way.
    if (this.#runV6 !== 0) return this.#append6(buf, view, off, len, offloaded);
    if (!this.#parse(buf, view, off, len, offloaded)) return false;
    const flags = this.#segFlags;
    if ((flags & ~TCP_PSH) !== TCP_ACK) return false;
    const payload = this.#segPayload;
    if (payload > this.#gsoSize || this.#segSeq !== this.#nextSeq) return false;
    if (this.#segTcpHdrLen !== this.#tcpHdrLen || this.#segments >= this.#maxSegments) return false;
    if (this.#ipLen + payload > this.#runMaxIpLen) return false;
    if (!this.#sameFlow(view, off)) return false;
    const id = this.#segId;
    let step = this.#idStep;
    if (step < 0) {
      if (id === ((this.#lastId + 1) & 0xffff)) step = 1;
      else if (id === this.#lastId && this.#segDf !== 0) step = 0;
      else return false;
    } else if (id !== ((this.#lastId + step) & 0xffff)) return false;
    if (this.#verify) {
      if (this.#segments === 1 && !this.#checksumsGood(this.#head!.view, this.#head!.off)) {
        this.badChecksums++;
        return false;
      }
      if (!this.#checksumsGood(view, off)) return this.#refuse(view, off + TCP);
    }
    if (!this.#join(buf, off, payload, flags)) return false;
    this.#lastId = id;
    this.#idStep = step;
    return true;
  }

  /** `append` for an IPv6 run. */
  #append6(buf: Uint8Array, view: DataView, off: number, len: number, offloaded: boolean): boolean {
    if (!this.#parse6(buf, view, off, len, offloaded)) return false;
    const flags = this.#segFlags;
    if ((flags & ~TCP_PSH) !== TCP_ACK) return false;
    const payload = this.#segPayload;
    if (payload > this.#gsoSize || this.#segSeq !== this.#nextSeq) return false;
    if (this.#segTcpHdrLen !== this.#tcpHdrLen || this.#segments >= this.#maxSegments) return false;
    if (this.#ipLen + payload > this.#runMaxIpLen) return false;
    if (!this.#sameFlow6(view, off)) return false;
    if (this.#verify) {
      if (this.#segments === 1 && !this.#checksumGood6(this.#head!.view, this.#head!.off)) {
        this.badChecksums++;
        return false;
      }
      if (!this.#checksumGood6(view, off)) return this.#refuse(view, off + TCP6);
    }
    return this.#join(buf, off, payload, flags);
  }

  /** Counts the segment just parsed (its TCP header at `tcp` in `view`) as refused for a bad checksum and remembers it for `begin`; returns false. */
  #refuse(view: DataView, tcp: number): boolean {
    this.badChecksums++;
    this.#refusedSeq = this.#segSeq;
    this.#refusedId = this.#segId;
    this.#refusedCsum = view.getUint16(tcp + TCP_CHECKSUM);
    return false;
  }

  /** Copies the payload of the frame at `buf[off]`, which continues the run, behind the run's (the first time, the head's frame too); false when the pool is empty. */
  #join(buf: Uint8Array, off: number, payload: number, flags: number): boolean {
    let q = this.#merged;
    if (this.#segments === 1) {
      q = this.#pool.alloc();
      if (q === null) {
        this.poolEmpty++;
        return false;
      }
      const head = this.#head!;
      q.len = ETH_LEN + this.#ipLen;
      this.#bytes.copy(q.buf, q.off, head.buf, head.off, q.len);
      q.traceId = head.traceId;
      q.inPort = head.inPort;
      q.vlan = head.vlan;
      q.tunnelId = head.tunnelId;
      q.hash = head.hash;
      this.#merged = q;
      this.#runView = q.view;
      this.#runOff = q.off;
    }
    this.#bytes.copy(q!.buf, q!.off + q!.len, buf, off + this.#hdrLen, payload);
    q!.len += payload;
    this.#segments++;
    this.#ipLen += payload;
    this.#nextSeq = (this.#nextSeq + payload) >>> 0;
    if ((flags & TCP_PSH) !== 0) {
      this.#psh = TCP_PSH;
      this.#complete = true;
    }
    if (payload < this.#gsoSize) this.#complete = true;
    return true;
  }

  /**
   * Ends the run and returns the packet to send: the first segment untouched when nothing
   * joined it, or the merged frame with its headers and offload state written (a new packet
   * from the pool, the caller's to send).
   */
  finish(): Packet {
    const n = this.#segments;
    if (n === 0) throw new Error('tcp coalescer: finish without a run');
    const head = this.#head!;
    const q = this.#merged;
    this.#head = null;
    this.#merged = null;
    this.#runView = null;
    this.#segments = 0;
    this.#complete = false;
    if (q === null) return head;
    const b = q.buf;
    const o = q.off;
    const v = q.view;
    const ipLen = this.#ipLen;
    if (this.#runV6 !== 0) return this.#finish6(q, n, ipLen);
    v.setUint16(o + IP + 2, ipLen);
    v.setUint16(o + IP + 10, 0);
    v.setUint16(o + IP + 10, ~internetSumView(v, o + IP, IP_LEN, 0) & 0xffff);
    b[o + TCP + 13] = TCP_ACK | this.#psh;
    const tcpLen = ipLen - IP_LEN;
    // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not complemented; whoever
    // finishes the checksum sums from the TCP header on and stores the complement.
    v.setUint16(o + TCP + TCP_CHECKSUM, ipv4PseudoHeaderSum(v.getUint32(o + IP + 12), v.getUint32(o + IP + 16), IPPROTO_TCP, tcpLen));
    q.csumStart = o + TCP;
    q.csumOffset = TCP_CHECKSUM;
    q.gsoType = VIRTIO_NET_HDR_GSO_TCPV4;
    q.gsoSize = this.#gsoSize;
    this.frames++;
    this.segmentsMerged += n;
    return q;
  }

  /** `finish` for an IPv6 run: the payload length instead of the total length, and no header checksum. */
  #finish6(q: Packet, n: number, ipLen: number): Packet {
    const o = q.off;
    const v = q.view;
    const tcpLen = ipLen - IP6_LEN;
    v.setUint16(o + IP + 4, tcpLen);
    q.buf[o + TCP6 + 13] = TCP_ACK | this.#psh;
    // CHECKSUM_PARTIAL as for IPv4, over the IPv6 pseudo-header (Linux: tcp6_gro_complete).
    v.setUint16(o + TCP6 + TCP_CHECKSUM, ipv6PseudoHeaderSum(v, o + IP, tcpLen));
    q.csumStart = o + TCP6;
    q.csumOffset = TCP_CHECKSUM;
    q.gsoType = VIRTIO_NET_HDR_GSO_TCPV6;
    q.gsoSize = this.#gsoSize;
    this.frames++;
    this.segmentsMerged += n;
    return q;
  }

  /** Reads the headers of the frame at `b[o, o + len)` into the `#seg` fields; false when it is not an IPv4 segment this coalescer merges. */
  #parse(b: Uint8Array, v: DataView, o: number, len: number, offloaded: boolean): boolean {
    if (offloaded || len > this.#maxSegmentFrame || len < TCP + 20) return false;
    if (v.getUint16(o + 12) !== ETHERTYPE_IPV4 || b[o + IP] !== 0x45 || b[o + IP + 9] !== IPPROTO_TCP) return false;
    const frag = v.getUint16(o + IP + 6);
    // MF, the fragment offset and the reserved bit must all be clear.
    if ((frag & ~IP_DF) !== 0) return false;
    const ipLen = v.getUint16(o + IP + 2);
    const tcpHdrLen = (b[o + TCP + 12]! >>> 4) * 4;
    // Ethernet padding may follow the IP packet, so the frame only has to hold it.
    if (ipLen > len - ETH_LEN || tcpHdrLen < 20 || IP_LEN + tcpHdrLen >= ipLen) return false;
    this.#segIpLen = ipLen;
    this.#segTcpHdrLen = tcpHdrLen;
    this.#segPayload = ipLen - IP_LEN - tcpHdrLen;
    this.#segFlags = b[o + TCP + 13]!;
    this.#segSeq = v.getUint32(o + TCP + 4);
    this.#segId = v.getUint16(o + IP + 4);
    this.#segDf = frag & IP_DF;
    return true;
  }

  /** `#parse` for IPv6: TCP right behind the fixed header. */
  #parse6(b: Uint8Array, v: DataView, o: number, len: number, offloaded: boolean): boolean {
    if (offloaded || len > this.#maxSegmentFrame || len < TCP6 + 20) return false;
    if (v.getUint16(o + 12) !== ETHERTYPE_IPV6 || b[o + IP]! >>> 4 !== 6 || b[o + IP + 6] !== IPPROTO_TCP) return false;
    const tcpLen = v.getUint16(o + IP + 4);
    const tcpHdrLen = (b[o + TCP6 + 12]! >>> 4) * 4;
    // A payload length of 0 (a jumbogram's, RFC 2675) fails here as a pure ACK does.
    if (IP6_LEN + tcpLen > len - ETH_LEN || tcpHdrLen < 20 || tcpHdrLen >= tcpLen) return false;
    this.#segIpLen = IP6_LEN + tcpLen;
    this.#segTcpHdrLen = tcpHdrLen;
    this.#segPayload = tcpLen - tcpHdrLen;
    this.#segFlags = b[o + TCP6 + 13]!;
    this.#segSeq = v.getUint32(o + TCP6 + 4);
    this.#segId = 0;
    this.#segDf = 0;
    return true;
  }

  /** Same MACs, TOS, DF, TTL, addresses, ports, ACK number, data offset, window and options as the run. */
  #sameFlow(v: DataView, o: number): boolean {
    const r = this.#runView!;
    const ro = this.#runOff;
    if (v.getUint32(o) !== r.getUint32(ro) || v.getUint32(o + 4) !== r.getUint32(ro + 4) || v.getUint32(o + 8) !== r.getUint32(ro + 8)) return false;
    if (v.getUint8(o + IP + 1) !== r.getUint8(ro + IP + 1)) return false;
    if ((v.getUint16(o + IP + 6) & IP_DF) !== (r.getUint16(ro + IP + 6) & IP_DF)) return false;
    if (v.getUint8(o + IP + 8) !== r.getUint8(ro + IP + 8)) return false;
    if (v.getUint32(o + IP + 12) !== r.getUint32(ro + IP + 12) || v.getUint32(o + IP + 16) !== r.getUint32(ro + IP + 16)) return false;
    if (v.getUint32(o + TCP) !== r.getUint32(ro + TCP) || v.getUint32(o + TCP + 8) !== r.getUint32(ro + TCP + 8)) return false;
    // Data offset byte, and the window (the flags byte between them was checked already).
    if (v.getUint8(o + TCP + 12) !== r.getUint8(ro + TCP + 12) || v.getUint16(o + TCP + 14) !== r.getUint16(ro + TCP + 14)) return false;
    const end = TCP + this.#tcpHdrLen;
    for (let i = TCP + 20; i < end; i += 4) if (v.getUint32(o + i) !== r.getUint32(ro + i)) return false;
    return true;
  }

  /**
   * Same MACs, version, traffic class, flow label, hop limit, addresses, ports, ACK number, data
   * offset, window and options as the IPv6 run (the next header is TCP in both, `#parse6` saw to it).
   */
  #sameFlow6(v: DataView, o: number): boolean {
    const r = this.#runView!;
    const ro = this.#runOff;
    if (v.getUint32(o) !== r.getUint32(ro) || v.getUint32(o + 4) !== r.getUint32(ro + 4) || v.getUint32(o + 8) !== r.getUint32(ro + 8)) return false;
    // Linux flushes on a traffic class or hop limit change and sees another flow in another label: here both end the run.
    if (v.getUint32(o + IP) !== r.getUint32(ro + IP) || v.getUint8(o + IP + 7) !== r.getUint8(ro + IP + 7)) return false;
    for (let i = IP + 8; i < TCP6; i += 4) if (v.getUint32(o + i) !== r.getUint32(ro + i)) return false;
    if (v.getUint32(o + TCP6) !== r.getUint32(ro + TCP6) || v.getUint32(o + TCP6 + 8) !== r.getUint32(ro + TCP6 + 8)) return false;
    if (v.getUint8(o + TCP6 + 12) !== r.getUint8(ro + TCP6 + 12) || v.getUint16(o + TCP6 + 14) !== r.getUint16(ro + TCP6 + 14)) return false;
    const end = TCP6 + this.#tcpHdrLen;
    for (let i = TCP6 + 20; i < end; i += 4) if (v.getUint32(o + i) !== r.getUint32(ro + i)) return false;
    return true;
  }

  /** The TCP checksum of a segment `#parse6` accepted (its frame at `o` in `v`) verifies. */
  #checksumGood6(v: DataView, o: number): boolean {
    const tcpLen = v.getUint16(o + IP + 4);
    return this.#sum(v, o + TCP6, tcpLen, ipv6PseudoHeaderSum(v, o + IP, tcpLen)) === 0xffff;
  }

  /** The IPv4 header checksum and the TCP checksum of a segment `#parse` accepted (its frame at `o` in `v`) verify. */
  #checksumsGood(v: DataView, o: number): boolean {
    if (internetSumView(v, o + IP, IP_LEN, 0) !== 0xffff) return false;
    const ipLen = v.getUint16(o + IP + 2);
    const pseudo = ipv4PseudoHeaderSum(v.getUint32(o + IP + 12), v.getUint32(o + IP + 16), IPPROTO_TCP, ipLen - IP_LEN);
    return this.#sum(v, o + TCP, ipLen - IP_LEN, pseudo) === 0xffff;
  }
}

/**
 * Folded sum (not complemented) of the IPv6 pseudo-header (RFC 8200 section 8.1) for a TCP
 * segment of `tcpLen` bytes behind the fixed header at `ip`: both addresses, the length as 32
 * bits, three zero bytes and the next header.
 */
function ipv6PseudoHeaderSum(view: DataView, ip: number, tcpLen: number): number {
  let sum = internetSumView(view, ip + 8, 32, 0) + (tcpLen >>> 16) + (tcpLen & 0xffff) + IPPROTO_TCP;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

