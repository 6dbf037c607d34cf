/**
 * Small apps for host tests: a scriptable peer on the wire, and a delay line.
 *
 * `Peer` originates frames (`send`) and answers what it receives with a callback, so a test
 * can play a router or a misbehaving neighbour with real bytes. `DelayLine` holds every frame
 * for a fixed time in each direction, so round trips take measurable engine time. The frame
 * builders write test frames with the wire codecs, checksums correct, for tests to corrupt.
 */
import { App } from '../engine/app.js';
import { emitEthernet, ETHERTYPE_IPV4, ETHERTYPE_ARP } from '../wire/ethernet.js';
import { emitIpv4, IPPROTO_UDP, IPPROTO_ICMP } from '../wire/ipv4.js';
import { emitUdp } from '../wire/udp.js';
import { emitIcmpv4 } from '../wire/icmpv4.js';
import { emitArp, ARP_LEN } from '../wire/arp.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { parseMac } from '../wire/mac.js';
const PEER_DROPS = { 'no-output': 'the peer has no output link', 'pool-empty': 'no packet buffer' };
export class Peer extends App {
    /** Every frame received, in order. */
    received = [];
    /** The offload state each received frame carried, in the same order (`csumStart` relative to the frame). */
    receivedOffloads = [];
    constructor(ctx, conf = {}) {
        super(ctx, conf ?? {}, PEER_DROPS);
    }
    /**
     * Sends a frame on `port`; with `trace`, the frame is traced and its trace id returned (else 0).
     * `offload` gives it the state a TAP with offloads would (a partial checksum, a TSO packet).
     */
    send(frame, trace = false, offload) {
        const p = this.alloc();
        if (p === null) {
            this.countDrop('pool-empty');
            return 0;
        }
        p.setData(frame);
        if (offload !== undefined) {
            p.csumStart = offload.csumStart < 0 ? -1 : p.off + offload.csumStart;
            p.csumOffset = offload.csumOffset;
            p.gsoType = offload.gsoType;
            p.gsoSize = offload.gsoSize;
        }
        const id = trace ? this.engine.tracer.start(p) : 0;
        const out = this.output.port;
        if (out === undefined)
            this.drop(p, 'no-output');
        else
            out.transmit(p);
        return id;
    }
    push() {
        const input = this.input.port;
        if (input === undefined)
            return;
        while (!input.empty()) {
            const p = input.receive();
            const frame = p.bytes();
            this.received.push(frame);
            this.receivedOffloads.push({ csumStart: p.csumStart < 0 ? -1 : p.csumStart - p.off, csumOffset: p.csumOffset, gsoType: p.gsoType, gsoSize: p.gsoSize });
            this.consume(p);
            const replies = this.conf?.onFrame?.(frame);
            if (replies)
                for (const r of replies)
                    this.send(r);
        }
    }
}
const DELAY_DROPS = { 'no-output': 'the far side of the line is not connected' };
/** A cable with latency between ports `a` and `b`. */
export class DelayLine extends App {
    #inFlight = 0;
    constructor(ctx, conf) {
        super(ctx, conf, DELAY_DROPS);
    }
    held() {
        return this.#inFlight;
    }
    push() {
        this.#carry('a', 'b');
        this.#carry('b', 'a');
    }
    #carry(from, to) {
        const input = this.input[from];
        if (input === undefined)
            return;
        while (!input.empty()) {
            const p = input.receive();
            this.#inFlight++;
            this.engine.after(this.conf.delay, () => this.#deliver(p, to));
        }
    }
    #deliver(p, to) {
        this.#inFlight--;
        const out = this.output[to];
        if (out === undefined)
            this.drop(p, 'no-output');
        else
            out.transmit(p);
    }
}
/** An Ethernet + IPv4 frame with correct checksums, built with the wire codecs. */
export function ipv4Frame(s) {
    const b = new Uint8Array(14 + 20 + s.payload.length);
    emitEthernet({ dst: parseMac(s.dstMac), src: parseMac(s.srcMac), etherType: ETHERTYPE_IPV4 }, b, 0);
    b.set(s.payload, 34);
    emitIpv4({
        dscp: 0, ecn: 0, identification: 1, dontFragment: false, moreFragments: s.moreFragments ?? false, fragmentOffset: 0,
        ttl: s.ttl ?? 64, protocol: s.protocol, src: parseIpv4Addr(s.src), dst: parseIpv4Addr(s.dst), options: new Uint8Array(0), payloadLength: s.payload.length,
    }, b, 14);
    return b;
}
/** A UDP datagram with its checksum over the pseudo-header of `src` and `dst`. */
export function udpDatagram(src, dst, srcPort, dstPort, data) {
    const b = new Uint8Array(8 + data.length);
    b.set(data, 8);
    emitUdp({ srcPort, dstPort, payloadLength: data.length }, b, 0, parseIpv4Addr(src), parseIpv4Addr(dst));
    return b;
}
/** An ICMP message with `body` after the 8-byte header. */
export function icmpMessage(repr, body) {
    const b = new Uint8Array(8 + body.length);
    b.set(body, 8);
    emitIcmpv4(repr, b, 0);
    return b;
}
/** An Ethernet + ARP frame. */
export function arpFrame(dstMac, srcMac, arp) {
    const b = new Uint8Array(14 + ARP_LEN);
    emitEthernet({ dst: parseMac(dstMac), src: parseMac(srcMac), etherType: ETHERTYPE_ARP }, b, 0);
    emitArp(arp, b, 14);
    return b;
}
export { IPPROTO_UDP, IPPROTO_ICMP };
//# sourceMappingURL=testkit.js.map