import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { assertConserved } from '../../testing/conservation.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { readVnetHeader, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4, VNET_HDR_LEN } from './offload.js';
import { OffloadFinisher } from './rx-offload.js';
const MSS = 1448;
const MTU_FRAME = 1500 + 14 + 8;
/** A TCP/IPv4 frame as a kernel with TSO hands it to a TAP: one segment, the pseudo-header sum in the checksum field. */
function gsoFrame(payload, flags) {
    const bytes = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=300,df),tcp(src=40000,dst=5201,seq=1000,ack=7,flags=${flags},win=500),payload(len=${payload})`);
    for (let i = 54; i < bytes.length; i++)
        bytes[i] = (i * 13) & 0xff;
    const pseudo = ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, bytes.length - 34);
    bytes[50] = pseudo >>> 8;
    bytes[51] = pseudo & 0xff;
    return bytes;
}
function vnetHeader(flags, gsoType, gsoSize) {
    const h = new Uint8Array(VNET_HDR_LEN);
    const v = new DataView(h.buffer);
    h[0] = flags;
    h[1] = gsoType;
    v.setUint16(2, 54, true);
    v.setUint16(4, gsoSize, true);
    v.setUint16(6, 34, true);
    v.setUint16(8, 16, true);
    return h;
}
const RX_DROPS = {
    'bad-vnet-header': 'the virtio-net header does not fit the frame',
    'gso-not-tcp': 'GSO packet whose headers are not Ethernet/IP/TCP',
    'gso-bad-headers': 'GSO packet whose TCP header is not where csum_start says',
    'gso-segment-too-big': 'segments larger than the MTU',
    'pool-empty': 'no buffer for a segment',
};
/**
 * The receive half of a TapPort without the TAP: frames with their virtio-net header, as a read()
 * returns them, come from a queue instead of the fd, into a pool of 64 KB buffers, and go through
 * the same `OffloadFinisher.deliverBooked` the port calls.
 */
class RxPort extends App {
    offloadHandling = 'finishes';
    queue = [];
    rxPool = new PacketPool({ count: 8, dataRoom: 65536 + 512 });
    finisher;
    books = {
        generated: (n) => { this.generated += n; },
        consume: (p) => this.consume(p),
        drop: (p, reason) => this.drop(p, reason),
        poolEmpty: () => this.countDrop('pool-empty'),
    };
    constructor(ctx, conf) {
        super(ctx, conf, RX_DROPS);
        this.finisher = new OffloadFinisher(this.pool, MTU_FRAME);
    }
    pull() {
        const out = this.output.port;
        if (out === undefined)
            return;
        const fin = this.finisher;
        fin.refresh(this.engine, out, true);
        for (let f = this.queue.shift(); f !== undefined; f = this.queue.shift()) {
            const p = this.rxPool.fromBytes(f.frame);
            this.generated++;
            if (readVnetHeader(f.hdr, 0, p) !== null) {
                this.drop(p, 'bad-vnet-header');
                continue;
            }
            fin.deliverBooked(p, out, this.books);
        }
    }
}
/** Keeps a copy of every frame and its offload fields, then frees it; takes no offloads (like a router). */
class Capture extends App {
    frames = [];
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    push() {
        for (const l of Object.values(this.input)) {
            while (!l.empty()) {
                const p = l.receive();
                this.frames.push({ bytes: p.bytes(), gsoSize: p.gsoSize, csumStart: p.csumStart });
                this.consume(p);
            }
        }
    }
}
/** The same, for an app that delivers offloaded packets itself (like a TAP port with offloads). */
class OffloadCapture extends Capture {
    offloadHandling = 'finishes';
}
function lab(behind, poolCount = 64) {
    const engine = new Engine({ pool: new PacketPool({ count: poolCount }) });
    const g = new Graph().app('rx', RxPort, {});
    const capClass = behind.endsWith('offload-capture') ? OffloadCapture : Capture;
    g.app('cap', capClass, {});
    if (behind.startsWith('bridge')) {
        g.app('br', LearningBridge, {}).app('other', OffloadCapture, {});
        g.link('rx.port -> br.p1').link('br.p2 -> cap.in').link('br.p3 -> other.in');
    }
    else {
        g.link('rx.port -> cap.in');
    }
    engine.configure(g);
    return { engine, rx: engine.app('rx'), cap: engine.app('cap') };
}
/** Checks one wire segment against the GSO frame it came from: lengths, id, sequence, flags, both checksums, payload. */
function assertSegment(seg, i, n, frame) {
    const v = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
    const chunk = seg.length - 54;
    assert.ok(seg.length <= 1514, `segment ${i} fits a 1500-byte MTU`);
    assert.equal(v.getUint16(16), seg.length - 14, `segment ${i}: IPv4 total length`);
    assert.equal(v.getUint16(18), 300 + i, `segment ${i}: IPv4 id`);
    assert.equal(internetChecksum(seg, 14, 20), 0, `segment ${i}: IPv4 header checksum`);
    assert.equal(v.getUint32(38), 1000 + i * MSS, `segment ${i}: sequence number`);
    assert.equal(seg[47] & 0x09, i === n - 1 ? 0x09 : 0, `segment ${i}: FIN and PSH on the last only`);
    const tcpLen = seg.length - 34;
    assert.equal(internetChecksum(seg, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0, `segment ${i}: TCP checksum`);
    assert.deepEqual(seg.subarray(54), frame.subarray(54 + i * MSS, 54 + i * MSS + chunk), `segment ${i}: payload`);
}
test('a GSO TCP packet received in front of an app without offloads arrives as three wire segments with full checksums', () => {
    const { engine, rx, cap } = lab('capture');
    const frame = gsoFrame(2 * MSS + 500, 'FPA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
    engine.runBreaths(2);
    assert.equal(cap.frames.length, 3);
    cap.frames.forEach((f, i) => {
        assert.equal(f.gsoSize, 0, 'no GSO state behind the port');
        assert.equal(f.csumStart, -1, 'no partial checksum behind the port');
        assertSegment(f.bytes, i, 3, frame);
    });
    assert.deepEqual(cap.frames.map((f) => f.bytes.length - 54), [MSS, MSS, 500]);
    assert.equal(rx.finisher.segmented, 1);
    assert.equal(rx.finisher.segments, 3);
    // One packet received that became three: 1 + 3 generated = 3 sent + 1 consumed.
    assert.equal(rx.generated, 4);
    assert.equal(rx.consumed, 1);
    assert.equal(rx.rxPool.inUse, 0, 'the 64 KB buffer went back to its pool');
    assertConserved(engine);
});
test('a packet with only a partial checksum gets it completed in place in front of an app without offloads', () => {
    const { engine, rx, cap } = lab('capture');
    const frame = gsoFrame(700, 'PA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, 0), frame });
    engine.runBreaths(2);
    assert.equal(cap.frames.length, 1);
    const seg = cap.frames[0];
    assert.equal(seg.csumStart, -1);
    assert.equal(internetChecksum(seg.bytes, 34, 720, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, 720)), 0, 'TCP checksum complete');
    assert.deepEqual(seg.bytes.subarray(0, 50), frame.subarray(0, 50), 'nothing before the checksum changed');
    assert.equal(rx.finisher.checksumsCompleted, 1);
    assertConserved(engine);
});
test('a GSO packet passes whole when every app behind the port takes offloads, even through a bridge', () => {
    for (const behind of ['offload-capture', 'bridge-offload-capture']) {
        const { engine, rx, cap } = lab(behind);
        const frame = gsoFrame(2 * MSS + 500, 'PA');
        rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
        engine.runBreaths(3);
        assert.equal(rx.finisher.finishing, false, behind);
        // The bridge has not learnt the destination and floods: both captures take offloads.
        assert.equal(cap.frames.length, 1, behind);
        assert.equal(cap.frames[0].gsoSize, MSS, `${behind}: still one GSO packet`);
        assert.equal(cap.frames[0].bytes.length, frame.length, behind);
        assert.equal(rx.finisher.segmented, 0, behind);
    }
});
test('a bridge with one port to an app without offloads makes the port segment, since the bridge passes packets on unchanged', () => {
    const { engine, rx, cap } = lab('bridge-capture');
    const frame = gsoFrame(2 * MSS + 500, 'FPA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
    engine.runBreaths(3);
    assert.equal(rx.finisher.finishing, true);
    assert.equal(cap.frames.length, 3);
    cap.frames.forEach((f, i) => assertSegment(f.bytes, i, 3, frame));
    assertConserved(engine);
});
test('the decision follows the graph: replacing the app behind the port switches segmentation off', () => {
    const { engine, rx } = lab('capture');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame: gsoFrame(3 * MSS, 'A') });
    engine.runBreaths(2);
    assert.equal(rx.finisher.segments, 3);
    engine.configure(new Graph().app('rx', RxPort, {}).app('cap', OffloadCapture, {}).link('rx.port -> cap.in'));
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame: gsoFrame(3 * MSS, 'A') });
    engine.runBreaths(2);
    assert.equal(rx.finisher.finishing, false);
    assert.equal(engine.app('cap').frames.length, 1);
    assert.equal(rx.finisher.segments, 3, 'nothing more was segmented');
});
test('a GSO packet whose headers lie, or whose segments exceed the MTU, is a counted drop with its reason', () => {
    const { engine, rx, cap } = lab('capture');
    const udp = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=3000)');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame: udp });
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 4000), frame: gsoFrame(9000, 'A') });
    engine.runBreaths(2);
    assert.equal(cap.frames.length, 0);
    assert.equal(rx.dropCounts['gso-not-tcp'], 1);
    assert.equal(rx.dropCounts['gso-segment-too-big'], 1);
    assertConserved(engine);
});
test('segments that find the pool empty are counted as generated and dropped, so the balance still holds', () => {
    const { engine, rx, cap } = lab('capture', 2);
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame: gsoFrame(4 * MSS, 'A') });
    engine.runBreaths(2);
    assert.equal(cap.frames.length, 2);
    assert.equal(rx.dropCounts['pool-empty'], 2);
    assert.equal(rx.finisher.segments, 2);
    assertConserved(engine);
});
//# sourceMappingURL=rx-offload.test.js.map