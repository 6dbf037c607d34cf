/**
 * Checksum and segmentation offloads, as the virtio-net header (virtio 1.1 section 5.1.6)
 * describes them, for packets that cross vnet between TAP ports.
 *
 * With offloads on, the kernel hands a TAP one TCP segment of up to 64 KB with a partial
 * checksum, and the header says how to finish it: `gso_type` (TCPv4, TCPv6, ECN bit),
 * `gso_size` (payload bytes per wire segment), `csum_start`/`csum_offset` with the NEEDS_CSUM
 * flag (the L4 checksum field holds the pseudo-header sum; sum from csum_start to the end and
 * store the complement at csum_start + csum_offset). vnet keeps these on the packet
 * (`Packet.gsoType`, `gsoSize`, `csumStart` as an absolute offset into `buf`, so headers pushed
 * in front by moving `off` do not disturb it, and `csumOffset`). A port that can take them
 * passes them on; one that cannot gets segments (`TsoSegmenter`) or a completed checksum
 * (`completeChecksum`), written straight into its transmit slot.
 *
 * TSO per segment i of n: the headers are copied, IPv4 total length and id (id + i) and header
 * checksum are rewritten (IPv6: payload length), the TCP sequence number advances by
 * i * gso_size, FIN and PSH stay only on the last segment and CWR only on the first, and the
 * TCP checksum is computed in full. Packets whose headers do not match what the offload
 * fields claim are refused with a reason, never trusted.
 */
import type { Packet } from '../../engine/packet.js';
import { copyBytes } from '../../engine/copy-bytes.js';
import { foldSum, internetSum, internetSumView, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import type { OnesSum } from '../../wire/checksum-wasm.js';

/** Size of `struct virtio_net_hdr_v1` (with num_buffers), the header vnet asks TAPs for. */
export const VNET_HDR_LEN = 12;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID = 2;
export const VIRTIO_NET_HDR_GSO_NONE = 0;
export const VIRTIO_NET_HDR_GSO_TCPV4 = 1;
export const VIRTIO_NET_HDR_GSO_UDP = 3;
export const VIRTIO_NET_HDR_GSO_TCPV6 = 4;
export const VIRTIO_NET_HDR_GSO_ECN = 0x80;
/** Largest IP packet a GSO segment can describe. */
export const GSO_MAX_BYTES = 65535 + 14 + 8;

export type VnetHeaderError =
  /** csum_start + csum_offset + 2 lies beyond the frame. */
  | 'bad-csum-offsets'
  /** A GSO type vnet does not segment (UDP fragmentation offload) or an unknown one. */
  | 'unsupported-gso'
  /** gso_size of 0 with a GSO type, or a GSO packet without NEEDS_CSUM. */
  | 'bad-gso'
  /** hdr_len larger than the frame. */
  | 'bad-hdr-len';

/** Reads a virtio-net header at `hdrOff` into the offload fields of `p`, whose frame is already at `p.off`, `p.len`. */
export function readVnetHeader(src: Uint8Array, hdrOff: number, p: Packet): VnetHeaderError | null {
  const flags = src[hdrOff]!;
  const gsoType = src[hdrOff + 1]!;
  const hdrLen = src[hdrOff + 2]! | (src[hdrOff + 3]! << 8);
  const gsoSize = src[hdrOff + 4]! | (src[hdrOff + 5]! << 8);
  const csumStart = src[hdrOff + 6]! | (src[hdrOff + 7]! << 8);
  const csumOffset = src[hdrOff + 8]! | (src[hdrOff + 9]! << 8);
  const needsCsum = (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) !== 0;
  if (needsCsum) {
    if (csumStart + csumOffset + 2 > p.len) return 'bad-csum-offsets';
    p.csumStart = p.off + csumStart;
    p.csumOffset = csumOffset;
  }
  const type = gsoType & ~VIRTIO_NET_HDR_GSO_ECN;
  if (type === VIRTIO_NET_HDR_GSO_NONE) return null;
  if (type !== VIRTIO_NET_HDR_GSO_TCPV4 && type !== VIRTIO_NET_HDR_GSO_TCPV6) return 'unsupported-gso';
  if (gsoSize === 0 || !needsCsum) return 'bad-gso';
  if (hdrLen > p.len) return 'bad-hdr-len';
  p.gsoType = gsoType;
  p.gsoSize = gsoSize;
  return null;
}

/** Writes the virtio-net header describing `p`'s offload state at `dst[off..off+12)`. */
export function writeVnetHeader(p: Packet, dst: Uint8Array, off: number, hdrLen: number): void {
  const partial = p.csumStart >= 0;
  const start = partial ? p.csumStart - p.off : 0;
  dst[off] = partial ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0;
  dst[off + 1] = p.gsoSize > 0 ? p.gsoType : VIRTIO_NET_HDR_GSO_NONE;
  dst[off + 2] = hdrLen & 0xff;
  dst[off + 3] = hdrLen >>> 8;
  const gso = p.gsoSize > 0 ? p.gsoSize : 0;
  dst[off + 4] = gso & 0xff;
  dst[off + 5] = gso >>> 8;
  dst[off + 6] = start & 0xff;
  dst[off + 7] = start >>> 8;
  const co = partial ? p.csumOffset : 0;
  dst[off + 8] = co & 0xff;
  dst[off + 9] = co >>> 8;
  dst[off + 10] = 0;
  dst[off + 11] = 0;
}

/**
 * Finishes a partial checksum in a copy of a frame: `buf[frameOff, frameOff + frameLen)` holds
 * the frame, the L4 header starts `csumStart` bytes into it. The checksum field already holds
 * the pseudo-header sum, so the sum over the rest is the whole answer. `view` is a DataView over
 * the same bytes at the same offsets.
 */
export function completeChecksum(buf: Uint8Array, view: DataView, frameOff: number, frameLen: number, csumStart: number, csumOffset: number): void {
  const start = frameOff + csumStart;
  const field = start + csumOffset;
  const sum = internetSumView(view, start, frameOff + frameLen - start);
  let c = ~sum & 0xffff;
  // UDP sends a computed 0 as 0xffff (RFC 768); for TCP 0 and 0xffff are the same sum.
  if (c === 0) c = 0xffff;
  buf[field] = c >>> 8;
  buf[field + 1] = c & 0xff;
}

export type TsoError =
  /** Not Ethernet (with up to two VLAN tags) over IPv4 or IPv6 over TCP. */
  | 'gso-not-tcp'
  /** The TCP header does not start at csum_start, or headers run past the frame. */
  | 'gso-bad-headers';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const IPPROTO_TCP = 6;
const TCP_FIN = 0x01;
const TCP_PSH = 0x08;
const TCP_CWR = 0x80;

/** Copies bytes between buffers (`ByteCopier` of ../sys/copy.ts when the destination is shared memory). */
export interface BytesCopy {
  copy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void;
}

/** Copies between ordinary buffers (`copyBytes`); shared memory wants `ByteCopier`. */
export const PLAIN_COPY: BytesCopy = { copy: (dst, dstOff, src, srcOff, len) => copyBytes(dst, dstOff, src, srcOff, len) };

/** Cuts one GSO TCP packet into wire segments, one at a time, into caller-owned buffers. One per port; allocates nothing per packet. */
export class TsoSegmenter {
  readonly #bytes: BytesCopy;
  readonly #sum: OnesSum;
  #src: Uint8Array = new Uint8Array(0);
  #off = 0;
  #l3 = 0;
  #l4 = 0;
  #hdrEnd = 0;
  #payloadEnd = 0;
  #gsoSize = 0;
  #v4 = true;
  #seq = 0;
  #ipId = 0;
  /** Segments the current packet yields. */
  count = 0;

  /** `sum` sums the TCP segments written (default `internetSumView`; a caller writing into WebAssembly memory passes a faster one, checksum-wasm.ts). */
  constructor(bytes: BytesCopy = PLAIN_COPY, sum: OnesSum = internetSumView) {
    this.#bytes = bytes;
    this.#sum = sum;
  }

  /**
   * Parses the headers of `p` against its offload fields; returns a reason when they do not fit.
   * The frame to cut starts at `frameOff` (default `p.off`) and runs to the packet's end: a
   * tunnel's underlay socket cuts the inner frame of an encapsulated packet, its outer headers
   * left out of the segments.
   */
  begin(p: Packet, frameOff = p.off): TsoError | null {
    const b = p.buf;
    const end = p.off + p.len;
    if (frameOff < p.off || frameOff > end) return 'gso-bad-headers';
    let l3 = frameOff + 12;
    if (l3 + 2 > end) return 'gso-bad-headers';
    let type = (b[l3]! << 8) | b[l3 + 1]!;
    for (let tags = 0; (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) && tags < 2; tags++) {
      l3 += 4;
      if (l3 + 2 > end) return 'gso-bad-headers';
      type = (b[l3]! << 8) | b[l3 + 1]!;
    }
    l3 += 2;
    let l4: number;
    if (type === ETHERTYPE_IPV4) {
      if (l3 + 20 > end || b[l3]! >>> 4 !== 4) return 'gso-bad-headers';
      if (b[l3 + 9] !== IPPROTO_TCP) return 'gso-not-tcp';
      l4 = l3 + (b[l3]! & 0x0f) * 4;
      this.#v4 = true;
      this.#ipId = (b[l3 + 4]! << 8) | b[l3 + 5]!;
    } else if (type === ETHERTYPE_IPV6) {
      if (l3 + 40 > end || b[l3]! >>> 4 !== 6) return 'gso-bad-headers';
      if (b[l3 + 6] !== IPPROTO_TCP) return 'gso-not-tcp';
      l4 = l3 + 40;
      this.#v4 = false;
    } else {
      return 'gso-not-tcp';
    }
    if (l4 !== p.csumStart || l4 + 20 > end) return 'gso-bad-headers';
    const hdrEnd = l4 + (b[l4 + 12]! >>> 4) * 4;
    if (hdrEnd > end || hdrEnd < l4 + 20) return 'gso-bad-headers';
    this.#src = b;
    this.#off = frameOff;
    this.#l3 = l3;
    this.#l4 = l4;
    this.#hdrEnd = hdrEnd;
    this.#payloadEnd = end;
    this.#gsoSize = p.gsoSize;
    this.#seq = ((b[l4 + 4]! << 24) | (b[l4 + 5]! << 16) | (b[l4 + 6]! << 8) | b[l4 + 7]!) >>> 0;
    this.count = Math.max(1, Math.ceil((end - hdrEnd) / p.gsoSize));
    return null;
  }

  /** Length segment `i` will have. */
  segmentLength(i: number): number {
    const start = this.#hdrEnd + i * this.#gsoSize;
    return this.#hdrEnd - this.#off + Math.min(this.#gsoSize, this.#payloadEnd - start);
  }

  /** Where segment `i`'s payload starts in the packet's `buf`. */
  payloadStart(i: number): number {
    return this.#hdrEnd + i * this.#gsoSize;
  }

  /** Payload bytes of segment `i`. */
  payloadLength(i: number): number {
    return Math.min(this.#gsoSize, this.#payloadEnd - this.payloadStart(i));
  }

  /**
   * Writes segment `i` (0 <= i < count) at `dst[dstOff..]`; returns its length. `dstView`, a
   * DataView over the same bytes with the same offsets (a packet's `view` for its `buf`), lets
   * the TCP checksum read 32 bits at a time.
   */
  emit(i: number, dst: Uint8Array, dstOff: number, dstView: DataView): number {
    const hdrBytes = this.#hdrEnd - this.#off;
    const chunk = this.payloadLength(i);
    this.#bytes.copy(dst, dstOff, this.#src, this.#off, hdrBytes);
    this.#bytes.copy(dst, dstOff + hdrBytes, this.#src, this.payloadStart(i), chunk);
    const pseudo = this.#patchHeaders(i, dst, dstOff, chunk);
    const l4 = dstOff + (this.#l4 - this.#off);
    const c = ~this.#sum(dstView, l4, this.#hdrEnd - this.#l4 + chunk, pseudo) & 0xffff;
    dst[l4 + 16] = c >>> 8;
    dst[l4 + 17] = c & 0xff;
    return hdrBytes + chunk;
  }

  /**
   * Writes only segment `i`'s headers at `dst[dstOff..]`, for a caller that sends the payload
   * from the packet as it is (`payloadStart`, `payloadLength`) right behind them; `payloadSum`
   * is that payload's folded ones'-complement sum. Returns the headers' length. (The TCP header
   * is a whole number of 32-bit words, so the payload's sum adds to the header's as it is.)
   */
  emitHeaders(i: number, dst: Uint8Array, dstOff: number, dstView: DataView, payloadSum: number): number {
    const hdrBytes = this.#hdrEnd - this.#off;
    this.#bytes.copy(dst, dstOff, this.#src, this.#off, hdrBytes);
    const pseudo = this.#patchHeaders(i, dst, dstOff, this.payloadLength(i));
    const l4 = dstOff + (this.#l4 - this.#off);
    const c = ~foldSum(this.#sum(dstView, l4, this.#hdrEnd - this.#l4, pseudo) + payloadSum) & 0xffff;
    dst[l4 + 16] = c >>> 8;
    dst[l4 + 17] = c & 0xff;
    return hdrBytes;
  }

  /**
   * Rewrites the copied headers at `dst[dstOff..]` for segment `i` of `chunk` payload bytes (IP
   * length, id and header checksum, sequence number, flags) with the TCP checksum field zeroed;
   * returns the pseudo-header sum to start the TCP checksum from.
   */
  #patchHeaders(i: number, dst: Uint8Array, dstOff: number, chunk: number): number {
    const l3 = dstOff + (this.#l3 - this.#off);
    const l4 = dstOff + (this.#l4 - this.#off);
    const tcpLen = this.#hdrEnd - this.#l4 + chunk;
    let pseudo: number;
    if (this.#v4) {
      const ipHdr = l4 - l3;
      const total = ipHdr + tcpLen;
      dst[l3 + 2] = total >>> 8;
      dst[l3 + 3] = total & 0xff;
      const id = (this.#ipId + i) & 0xffff;
      dst[l3 + 4] = id >>> 8;
      dst[l3 + 5] = id & 0xff;
      dst[l3 + 10] = 0;
      dst[l3 + 11] = 0;
      const hc = ~internetSum(dst, l3, ipHdr) & 0xffff;
      dst[l3 + 10] = hc >>> 8;
      dst[l3 + 11] = hc & 0xff;
      const srcIp = ((dst[l3 + 12]! << 24) | (dst[l3 + 13]! << 16) | (dst[l3 + 14]! << 8) | dst[l3 + 15]!) >>> 0;
      const dstIp = ((dst[l3 + 16]! << 24) | (dst[l3 + 17]! << 16) | (dst[l3 + 18]! << 8) | dst[l3 + 19]!) >>> 0;
      pseudo = ipv4PseudoHeaderSum(srcIp, dstIp, IPPROTO_TCP, tcpLen);
    } else {
      dst[l3 + 4] = tcpLen >>> 8;
      dst[l3 + 5] = tcpLen & 0xff;
      pseudo = foldSum(internetSum(dst, l3 + 8, 32) + (tcpLen >>> 16) + (tcpLen & 0xffff) + IPPROTO_TCP);
    }
    const seq = (this.#seq + i * this.#gsoSize) >>> 0;
    dst[l4 + 4] = seq >>> 24;
    dst[l4 + 5] = (seq >>> 16) & 0xff;
    dst[l4 + 6] = (seq >>> 8) & 0xff;
    dst[l4 + 7] = seq & 0xff;
    let flags = dst[l4 + 13]!;
    if (i !== this.count - 1) flags &= ~(TCP_FIN | TCP_PSH);
    if (i !== 0) flags &= ~TCP_CWR;
    dst[l4 + 13] = flags;
    dst[l4 + 16] = 0;
    dst[l4 + 17] = 0;
    return pseudo;
  }
}
