import { internetSumView, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { PLAIN_COPY, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6 } from './offload.js';
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
/** Merges consecutive segments of one TCP flow (over IPv4 or IPv6) into GSO frames. One per port; allocates nothing per packet. */
export class TcpCoalescer {
    #pool;
    #maxSegments;
    #maxSegmentFrame;
    #maxIpLen;
    #maxIp6Len;
    #bytes;
    #verify;
    /** The run's first segment, kept by the caller while the run has one segment. */
    #head = null;
    /** The merged frame, once a second segment joined. */
    #merged = null;
    /** Where the run's header bytes are: the head's, then the merged packet's. */
    #runView = null;
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
    /** Segments kept out of a run because a checksum did not verify. */
    badChecksums = 0;
    /** Runs cut short because the pool had no packet for the merged frame. */
    poolEmpty = 0;
    constructor(options) {
        const maxSegments = options.maxSegments ?? DEFAULT_MAX_SEGMENTS;
        if (!Number.isInteger(maxSegments) || maxSegments < 2)
            throw new RangeError(`tcp coalescer: maxSegments must be an integer >= 2, got ${maxSegments}`);
        if (options.pool.dataRoom < ETH_LEN + IP_LEN + 20 + 2)
            throw new RangeError(`tcp coalescer: the pool's ${options.pool.dataRoom}-byte buffers cannot hold two segments`);
        this.#pool = options.pool;
        this.#maxSegments = maxSegments;
        this.#maxSegmentFrame = options.maxSegmentFrame ?? options.pool.dataRoom;
        this.#maxIpLen = Math.min(MAX_IP_PACKET, options.pool.dataRoom - ETH_LEN);
        this.#maxIp6Len = Math.min(MAX_IP6_PACKET, options.pool.dataRoom - ETH_LEN);
        this.#bytes = options.copy ?? PLAIN_COPY;
        this.#verify = options.verifyChecksums ?? true;
    }
    /** Segments in the current run; 0 when there is none. */
    get segments() {
        return this.#segments;
    }
    /** True when the run can take no more segments: finish it now. */
    get complete() {
        return this.#complete;
    }
    /** The run's first segment while the run has exactly one (the caller consumes it once a second one joins). */
    get head() {
        return this.#segments === 1 ? this.#head : null;
    }
    /**
     * Starts a run with `p` when it could be merged with what follows; false leaves `p` alone
     * (send it as it is). Only without a run (`segments` 0). The caller keeps `p` until `append`
     * copies it or `finish` returns it.
     */
    begin(p) {
        if (this.#segments !== 0)
            throw new Error('tcp coalescer: begin while a run is open (finish it first)');
        let v6 = 0;
        if (!this.#parse(p)) {
            if (!this.#parse6(p))
                return false;
            v6 = 1;
        }
        if (this.#segFlags !== TCP_ACK)
            return false;
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
    append(p) {
        if (this.#segments === 0 || this.#complete)
            return false;
        // The IPv4 path stays free of IPv6 branches (it is what most runs are); `#parse` takes
        // IPv4 only, so a segment of the other family ends the run either way.
        if (this.#runV6 !== 0)
            return this.#append6(p);
        if (!this.#parse(p))
            return false;
        const flags = this.#segFlags;
        if ((flags & ~TCP_PSH) !== TCP_ACK)
            return false;
        const payload = this.#segPayload;
        if (payload > this.#gsoSize || this.#segSeq !== this.#nextSeq)
            return false;
        if (this.#segTcpHdrLen !== this.#tcpHdrLen || this.#segments >= this.#maxSegments)
            return false;
        if (this.#ipLen + payload > this.#runMaxIpLen)
            return false;
        if (!this.#sameFlow(p))
            return false;
        const id = this.#segId;
        let step = this.#idStep;
        if (step < 0) {
            if (id === ((this.#lastId + 1) & 0xffff))
                step = 1;
            else if (id === this.#lastId && this.#segDf !== 0)
                step = 0;
            else
                return false;
        }
        else if (id !== ((this.#lastId + step) & 0xffff))
            return false;
        if (this.#verify) {
            if (this.#segments === 1 && !this.#checksumsGood(this.#head)) {
                this.badChecksums++;
                return false;
            }
            if (!this.#checksumsGood(p)) {
                this.badChecksums++;
                return false;
            }
        }
        if (!this.#join(p, payload, flags))
            return false;
        this.#lastId = id;
        this.#idStep = step;
        return true;
    }
    /** `append` for an IPv6 run. */
    #append6(p) {
        if (!this.#parse6(p))
            return false;
        const flags = this.#segFlags;
        if ((flags & ~TCP_PSH) !== TCP_ACK)
            return false;
        const payload = this.#segPayload;
        if (payload > this.#gsoSize || this.#segSeq !== this.#nextSeq)
            return false;
        if (this.#segTcpHdrLen !== this.#tcpHdrLen || this.#segments >= this.#maxSegments)
            return false;
        if (this.#ipLen + payload > this.#runMaxIpLen)
            return false;
        if (!this.#sameFlow6(p))
            return false;
        if (this.#verify) {
            if (this.#segments === 1 && !this.#checksumGood6(this.#head)) {
                this.badChecksums++;
                return false;
            }
            if (!this.#checksumGood6(p)) {
                this.badChecksums++;
                return false;
            }
        }
        return this.#join(p, payload, flags);
    }
    /** Copies the payload of `p`, which continues the run, behind the run's (the first time, the head's frame too); false when the pool is empty. */
    #join(p, payload, flags) {
        let q = this.#merged;
        if (this.#segments === 1) {
            q = this.#pool.alloc();
            if (q === null) {
                this.poolEmpty++;
                return false;
            }
            const head = this.#head;
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
        this.#bytes.copy(q.buf, q.off + q.len, p.buf, p.off + this.#hdrLen, payload);
        q.len += payload;
        this.#segments++;
        this.#ipLen += payload;
        this.#nextSeq = (this.#nextSeq + payload) >>> 0;
        if ((flags & TCP_PSH) !== 0) {
            this.#psh = TCP_PSH;
            this.#complete = true;
        }
        if (payload < this.#gsoSize)
            this.#complete = true;
        return true;
    }
    /**
     * Ends the run and returns the packet to send: the first segment untouched when nothing
     * joined it, or the merged frame with its headers and offload state written (a new packet
     * from the pool, the caller's to send).
     */
    finish() {
        const n = this.#segments;
        if (n === 0)
            throw new Error('tcp coalescer: finish without a run');
        const head = this.#head;
        const q = this.#merged;
        this.#head = null;
        this.#merged = null;
        this.#runView = null;
        this.#segments = 0;
        this.#complete = false;
        if (q === null)
            return head;
        const b = q.buf;
        const o = q.off;
        const v = q.view;
        const ipLen = this.#ipLen;
        if (this.#runV6 !== 0)
            return this.#finish6(q, n, ipLen);
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
    #finish6(q, n, ipLen) {
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
    /** Reads `p`'s headers into the `#seg` fields; false when `p` is not an IPv4 segment this coalescer merges. */
    #parse(p) {
        if (p.csumStart >= 0 || p.gsoSize > 0 || p.len > this.#maxSegmentFrame || p.len < TCP + 20)
            return false;
        const b = p.buf;
        const o = p.off;
        const v = p.view;
        if (v.getUint16(o + 12) !== ETHERTYPE_IPV4 || b[o + IP] !== 0x45 || b[o + IP + 9] !== IPPROTO_TCP)
            return false;
        const frag = v.getUint16(o + IP + 6);
        // MF, the fragment offset and the reserved bit must all be clear.
        if ((frag & ~IP_DF) !== 0)
            return false;
        const ipLen = v.getUint16(o + IP + 2);
        const tcpHdrLen = (b[o + TCP + 12] >>> 4) * 4;
        // Ethernet padding may follow the IP packet, so the frame only has to hold it.
        if (ipLen > p.len - ETH_LEN || tcpHdrLen < 20 || IP_LEN + tcpHdrLen >= ipLen)
            return false;
        this.#segIpLen = ipLen;
        this.#segTcpHdrLen = tcpHdrLen;
        this.#segPayload = ipLen - IP_LEN - tcpHdrLen;
        this.#segFlags = b[o + TCP + 13];
        this.#segSeq = v.getUint32(o + TCP + 4);
        this.#segId = v.getUint16(o + IP + 4);
        this.#segDf = frag & IP_DF;
        return true;
    }
    /** `#parse` for IPv6: TCP right behind the fixed header. */
    #parse6(p) {
        if (p.csumStart >= 0 || p.gsoSize > 0 || p.len > this.#maxSegmentFrame || p.len < TCP6 + 20)
            return false;
        const b = p.buf;
        const o = p.off;
        const v = p.view;
        if (v.getUint16(o + 12) !== ETHERTYPE_IPV6 || b[o + IP] >>> 4 !== 6 || b[o + IP + 6] !== IPPROTO_TCP)
            return false;
        const tcpLen = v.getUint16(o + IP + 4);
        const tcpHdrLen = (b[o + TCP6 + 12] >>> 4) * 4;
        // A payload length of 0 (a jumbogram's, RFC 2675) fails here as a pure ACK does.
        if (IP6_LEN + tcpLen > p.len - ETH_LEN || tcpHdrLen < 20 || tcpHdrLen >= tcpLen)
            return false;
        this.#segIpLen = IP6_LEN + tcpLen;
        this.#segTcpHdrLen = tcpHdrLen;
        this.#segPayload = tcpLen - tcpHdrLen;
        this.#segFlags = b[o + TCP6 + 13];
        this.#segSeq = v.getUint32(o + TCP6 + 4);
        this.#segId = 0;
        this.#segDf = 0;
        return true;
    }
    /** Same MACs, TOS, DF, TTL, addresses, ports, ACK number, data offset, window and options as the run. */
    #sameFlow(p) {
        const r = this.#runView;
        const ro = this.#runOff;
        const v = p.view;
        const o = p.off;
        if (v.getUint32(o) !== r.getUint32(ro) || v.getUint32(o + 4) !== r.getUint32(ro + 4) || v.getUint32(o + 8) !== r.getUint32(ro + 8))
            return false;
        if (v.getUint8(o + IP + 1) !== r.getUint8(ro + IP + 1))
            return false;
        if ((v.getUint16(o + IP + 6) & IP_DF) !== (r.getUint16(ro + IP + 6) & IP_DF))
            return false;
        if (v.getUint8(o + IP + 8) !== r.getUint8(ro + IP + 8))
            return false;
        if (v.getUint32(o + IP + 12) !== r.getUint32(ro + IP + 12) || v.getUint32(o + IP + 16) !== r.getUint32(ro + IP + 16))
            return false;
        if (v.getUint32(o + TCP) !== r.getUint32(ro + TCP) || v.getUint32(o + TCP + 8) !== r.getUint32(ro + TCP + 8))
            return false;
        // Data offset byte, and the window (the flags byte between them was checked already).
        if (v.getUint8(o + TCP + 12) !== r.getUint8(ro + TCP + 12) || v.getUint16(o + TCP + 14) !== r.getUint16(ro + TCP + 14))
            return false;
        const end = TCP + this.#tcpHdrLen;
        for (let i = TCP + 20; i < end; i += 4)
            if (v.getUint32(o + i) !== r.getUint32(ro + i))
                return false;
        return true;
    }
    /**
     * Same MACs, version, traffic class, flow label, hop limit, addresses, ports, ACK number, data
     * offset, window and options as the IPv6 run (the next header is TCP in both, `#parse6` saw to it).
     */
    #sameFlow6(p) {
        const r = this.#runView;
        const ro = this.#runOff;
        const v = p.view;
        const o = p.off;
        if (v.getUint32(o) !== r.getUint32(ro) || v.getUint32(o + 4) !== r.getUint32(ro + 4) || v.getUint32(o + 8) !== r.getUint32(ro + 8))
            return false;
        // Linux flushes on a traffic class or hop limit change and sees another flow in another label: here both end the run.
        if (v.getUint32(o + IP) !== r.getUint32(ro + IP) || v.getUint8(o + IP + 7) !== r.getUint8(ro + IP + 7))
            return false;
        for (let i = IP + 8; i < TCP6; i += 4)
            if (v.getUint32(o + i) !== r.getUint32(ro + i))
                return false;
        if (v.getUint32(o + TCP6) !== r.getUint32(ro + TCP6) || v.getUint32(o + TCP6 + 8) !== r.getUint32(ro + TCP6 + 8))
            return false;
        if (v.getUint8(o + TCP6 + 12) !== r.getUint8(ro + TCP6 + 12) || v.getUint16(o + TCP6 + 14) !== r.getUint16(ro + TCP6 + 14))
            return false;
        const end = TCP6 + this.#tcpHdrLen;
        for (let i = TCP6 + 20; i < end; i += 4)
            if (v.getUint32(o + i) !== r.getUint32(ro + i))
                return false;
        return true;
    }
    /** The TCP checksum of a segment `#parse6` accepted verifies. */
    #checksumGood6(p) {
        const v = p.view;
        const o = p.off;
        const tcpLen = v.getUint16(o + IP + 4);
        return internetSumView(v, o + TCP6, tcpLen, ipv6PseudoHeaderSum(v, o + IP, tcpLen)) === 0xffff;
    }
    /** The IPv4 header checksum and the TCP checksum of a segment `#parse` accepted verify. */
    #checksumsGood(p) {
        const v = p.view;
        const o = p.off;
        if (internetSumView(v, o + IP, IP_LEN, 0) !== 0xffff)
            return false;
        const ipLen = v.getUint16(o + IP + 2);
        const pseudo = ipv4PseudoHeaderSum(v.getUint32(o + IP + 12), v.getUint32(o + IP + 16), IPPROTO_TCP, ipLen - IP_LEN);
        return internetSumView(v, o + TCP, ipLen - IP_LEN, pseudo) === 0xffff;
    }
}
/**
 * Folded sum (not complemented) of the IPv6 pseudo-header (RFC 8200 section 8.1) for a TCP
 * segment of `tcpLen` bytes behind the fixed header at `ip`: both addresses, the length as 32
 * bits, three zero bytes and the next header.
 */
function ipv6PseudoHeaderSum(view, ip, tcpLen) {
    let sum = internetSumView(view, ip + 8, 32, 0) + (tcpLen >>> 16) + (tcpLen & 0xffff) + IPPROTO_TCP;
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >>> 16);
    return sum;
}
//# sourceMappingURL=gro.js.map