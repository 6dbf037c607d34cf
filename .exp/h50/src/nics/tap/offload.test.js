import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketPool } from '../../engine/packet.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, internetSum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { completeChecksum, readVnetHeader, TsoSegmenter, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_UDP, VNET_HDR_LEN, writeVnetHeader } from './offload.js';
const pool = new PacketPool({ count: 8, dataRoom: 65536 + 512 });
/** A TCP/IPv4 frame as a kernel with TSO hands it over: total length, payload, and the pseudo-header sum in the checksum field. */
function gsoFrame(payload, flags) {
    const bytes = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=100,df),tcp(src=40000,dst=5201,seq=4294967000,ack=7,flags=${flags},win=500),payload(len=${payload})`);
    for (let i = 54; i < bytes.length; i++)
        bytes[i] = (i * 7) & 0xff;
    const tcpLen = bytes.length - 34;
    const pseudo = ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen);
    bytes[50] = pseudo >>> 8;
    bytes[51] = pseudo & 0xff;
    return bytes;
}
function vnetHeader(flags, gsoType, hdrLen, gsoSize, csumStart, csumOffset) {
    const h = new Uint8Array(VNET_HDR_LEN);
    const v = new DataView(h.buffer);
    h[0] = flags;
    h[1] = gsoType;
    v.setUint16(2, hdrLen, true);
    v.setUint16(4, gsoSize, true);
    v.setUint16(6, csumStart, true);
    v.setUint16(8, csumOffset, true);
    return h;
}
test('a 3000-byte TSO packet is cut into MSS segments with fixed lengths, ids, sequence numbers, flags and checksums', () => {
    const frame = gsoFrame(3000, 'FPA');
    const p = pool.fromBytes(frame);
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1448, 34, 16), 0, p), null);
    const seg = new TsoSegmenter();
    assert.equal(seg.begin(p), null);
    assert.equal(seg.count, 3);
    const out = new Uint8Array(2000);
    const payloads = [];
    for (let i = 0; i < seg.count; i++) {
        const len = seg.emit(i, out, 0, new DataView(out.buffer));
        assert.equal(len, seg.segmentLength(i));
        const v = new DataView(out.buffer);
        assert.equal(v.getUint16(16), len - 14, 'IPv4 total length');
        assert.equal(v.getUint16(18), 100 + i, 'IPv4 id');
        assert.equal(internetChecksum(out, 14, 20), 0, 'IPv4 header checksum');
        assert.equal(v.getUint32(38), (4294967000 + i * 1448) >>> 0, 'TCP sequence number wraps');
        const flags = out[47];
        assert.equal(flags & 0x09, i === 2 ? 0x09 : 0, 'FIN and PSH only on the last segment');
        assert.equal(flags & 0x10, 0x10, 'ACK on every segment');
        const tcpLen = len - 34;
        assert.equal(internetChecksum(out, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0, 'TCP checksum');
        assert.deepEqual(out.subarray(54, len), frame.subarray(54 + i * 1448, 54 + i * 1448 + len - 54), 'payload slice');
        payloads.push(len - 54);
    }
    assert.deepEqual(payloads, [1448, 1448, 104]);
    pool.free(p);
});
test('a partial checksum completed by vnet equals the checksum computed from scratch', () => {
    const frame = gsoFrame(500, 'PA');
    const copy = frame.slice();
    completeChecksum(copy, new DataView(copy.buffer), 0, copy.length, 34, 16);
    const tcpLen = frame.length - 34;
    const whole = frame.slice();
    whole[50] = 0;
    whole[51] = 0;
    const expected = internetChecksum(whole, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen));
    assert.equal((copy[50] << 8) | copy[51], expected);
    assert.equal(~internetSum(copy, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)) & 0xffff, 0);
});
test('impossible virtio-net headers are refused with their reason', () => {
    const frame = gsoFrame(100, 'A');
    const p = pool.fromBytes(frame);
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0, 0, frame.length - 1, 16), 0, p), 'bad-csum-offsets');
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 54, 0, 34, 16), 0, p), 'bad-gso');
    assert.equal(readVnetHeader(vnetHeader(0, VIRTIO_NET_HDR_GSO_TCPV4, 54, 1448, 0, 0), 0, p), 'bad-gso');
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP, 42, 1448, 34, 6), 0, p), 'unsupported-gso');
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, 9, 42, 1448, 34, 16), 0, p), 'unsupported-gso');
    assert.equal(readVnetHeader(vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, 9000, 1448, 34, 16), 0, p), 'bad-hdr-len');
    pool.free(p);
});
test('a GSO packet whose TCP header is not at csum_start, or that is not TCP, is not segmented', () => {
    const p = pool.fromBytes(gsoFrame(3000, 'A'));
    p.csumStart = p.off + 30;
    p.csumOffset = 16;
    p.gsoType = VIRTIO_NET_HDR_GSO_TCPV4;
    p.gsoSize = 1448;
    const seg = new TsoSegmenter();
    assert.equal(seg.begin(p), 'gso-bad-headers');
    const udp = pool.fromBytes(encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=3000)'));
    udp.csumStart = udp.off + 34;
    udp.gsoSize = 1448;
    assert.equal(seg.begin(udp), 'gso-not-tcp');
    pool.free(p);
    pool.free(udp);
});
test('the virtio-net header written for a packet reads back to the same offload state', () => {
    const p = pool.fromBytes(gsoFrame(3000, 'A'));
    p.csumStart = p.off + 34;
    p.csumOffset = 16;
    p.gsoType = VIRTIO_NET_HDR_GSO_TCPV4;
    p.gsoSize = 1448;
    const h = new Uint8Array(VNET_HDR_LEN);
    writeVnetHeader(p, h, 0, 54);
    assert.deepEqual([...h], [1, 1, 54, 0, 0xa8, 0x05, 34, 0, 16, 0, 0, 0]);
    const q = pool.fromBytes(p.bytes());
    assert.equal(readVnetHeader(h, 0, q), null);
    assert.deepEqual([q.csumStart - q.off, q.csumOffset, q.gsoType, q.gsoSize], [34, 16, 1, 1448]);
    pool.free(p);
    pool.free(q);
});
test('a fresh packet carries no offload state, and a clone keeps it', () => {
    const p = pool.alloc();
    assert.deepEqual([p.csumStart, p.csumOffset, p.gsoType, p.gsoSize], [-1, 0, 0, 0]);
    p.setData(new Uint8Array(64));
    p.csumStart = p.off + 34;
    p.gsoSize = 1000;
    const c = pool.clone(p);
    assert.deepEqual([c.csumStart, c.gsoSize], [p.csumStart, 1000]);
    const small = new PacketPool({ count: 2 });
    p.setData(new Uint8Array(5000));
    assert.equal(small.clone(p), null, 'a 5000-byte packet does not fit 2 KB buffers');
    pool.free(p);
    pool.free(c);
});
//# sourceMappingURL=offload.test.js.map