import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { assertConserved } from '../../testing/conservation.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4 } from './offload.js';
import { assertSegment, Capture, gsoFrame, MSS, OffloadCapture, RxPort, vnetHeader } from './testkit.js';

function lab(behind: 'capture' | 'offload-capture' | 'bridge-capture' | 'bridge-offload-capture', poolCount = 64): { engine: Engine; rx: RxPort; cap: Capture } {
  const engine = new Engine({ pool: new PacketPool({ count: poolCount }) });
  const g = new Graph().app('rx', RxPort, {});
  const capClass = behind.endsWith('offload-capture') ? OffloadCapture : Capture;
  g.app('cap', capClass, {});
  if (behind.startsWith('bridge')) {
    g.app('br', LearningBridge, {}).app('other', OffloadCapture, {});
    g.link('rx.port -> br.p1').link('br.p2 -> cap.in').link('br.p3 -> other.in');
  } else {
    g.link('rx.port -> cap.in');
  }
  engine.configure(g);
  return { engine, rx: engine.app<RxPort>('rx'), cap: engine.app<Capture>('cap') };
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
  const seg = cap.frames[0]!;
  assert.equal(seg.csumStart, -1);
  assert.equal(internetChecksum(seg.bytes, 34, 720, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, 720)), 0, 'TCP checksum complete');
  assert.deepEqual(seg.bytes.subarray(0, 50), frame.subarray(0, 50), 'nothing before the checksum changed');
  assert.equal(rx.finisher.checksumsCompleted, 1);
  assertConserved(engine);
});

test('a GSO packet passes whole when every app behind the port takes offloads, even through a bridge', () => {
  for (const behind of ['offload-capture', 'bridge-offload-capture'] as const) {
    const { engine, rx, cap } = lab(behind);
    const frame = gsoFrame(2 * MSS + 500, 'PA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
    engine.runBreaths(3);
    assert.equal(rx.finisher.finishing, false, behind);
    // The bridge has not learnt the destination and floods: both captures take offloads.
    assert.equal(cap.frames.length, 1, behind);
    assert.equal(cap.frames[0]!.gsoSize, MSS, `${behind}: still one GSO packet`);
    assert.equal(cap.frames[0]!.bytes.length, frame.length, behind);
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
  assert.equal(engine.app<Capture>('cap').frames.length, 1);
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
