/**
 * Offloaded TCP packets (a TAP's 64 KB TSO segments) and tunnel endpoints: a receiving port lets
 * them through whole when the far endpoint hands them to apps that take offloads, and cuts them
 * itself when anything else could meet them encapsulated; an endpoint cuts one whose outer
 * length would not fit 16 bits. VXLAN and GRE alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import type { AppClass } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { assertConserved } from '../../testing/conservation.js';
import { VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4 } from '../../nics/tap/offload.js';
import { assertSegment, Capture, gsoFrame, MSS, OffloadCapture, RxPort, vnetHeader } from '../../nics/tap/testkit.js';
import { GreTunnel } from './gre-tunnel.js';
import type { OverlayConf } from './settings.js';
import { endpointConf, type Mode } from './testkit.js';
import { VxlanVtep } from './vxlan-vtep.js';

type Far = 'offload-capture' | 'capture' | 'underlay-offload-capture';

/**
 * rx --p_a-- ep1 --underlay-- ul(bridge) --underlay-- ep2 --p_a-- far: a GSO source in front of
 * endpoint 1, and behind endpoint 2 an app that takes offloads or one that does not. With
 * 'underlay-offload-capture' an app that takes offloads (a TAP) also sits on the underlay bridge.
 */
function tunnelLab(mode: Mode, far: Far, underlayMtu = 1600): { engine: Engine; rx: RxPort; cap: Capture; encapsulated: () => number } {
  const engine = new Engine({ pool: new PacketPool({ count: 1024 }) });
  const cls: AppClass<OverlayConf> = mode === 'vxlan' ? VxlanVtep : GreTunnel;
  const mtu = { underlay: { mtu: underlayMtu } };
  const conf = (which: 1 | 2) => {
    const c = endpointConf(mode, which);
    return { ...c, underlay: { ...c.underlay, ...mtu.underlay } };
  };
  const g = new Graph().app('ep1', cls, conf(1)).app('ep2', cls, conf(2)).app('ul', LearningBridge, {}).app('rx', RxPort, {});
  g.app('cap', far === 'capture' ? Capture : OffloadCapture, {});
  g.connect('ep1.underlay', 'ul.v1').connect('ep2.underlay', 'ul.v2').connect('rx.port', 'ep1.p_a').connect('cap.in', 'ep2.p_a');
  if (far === 'underlay-offload-capture') g.app('tap', OffloadCapture, {}).connect('tap.in', 'ul.x');
  engine.configure(g);
  const ep1 = engine.app<VxlanVtep>('ep1');
  return { engine, rx: engine.app<RxPort>('rx'), cap: engine.app<Capture>('cap'), encapsulated: () => ep1.stats().encapsulated };
}

function send(rx: RxPort, engine: Engine, payload: number): Uint8Array {
  const frame = gsoFrame(payload, 'FPA');
  rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
  // Underlay ARP first, then the held frame goes.
  for (let i = 0; i < 20; i++) engine.runBreaths(1);
  return frame;
}

for (const mode of ['vxlan', 'gre'] as const) {
  test(`${mode}: a GSO packet crosses encapsulated whole when the far endpoint delivers to an app that takes offloads`, () => {
    const { engine, rx, cap, encapsulated } = tunnelLab(mode, 'offload-capture');
    const frame = send(rx, engine, 30 * MSS + 100);
    assert.equal(rx.finisher.finishing, false, 'the port lets it through');
    assert.equal(cap.frames.length, 1);
    const got = cap.frames[0]!;
    assert.equal(got.gsoSize, MSS, 'still one GSO packet, its segment size kept');
    assert.deepEqual(got.bytes, frame, 'the frame as it was handed over');
    assert.ok(got.csumStart >= 0, 'its checksum still partial, for the far TAP to hand over as it came');
    assert.equal(encapsulated(), 1, 'encapsulated once, not once per wire segment');
    assert.equal(rx.rxPool.inUse, 0);
    assertConserved(engine);
  });

  test(`${mode}: the receiving port cuts GSO packets when the far side, or the underlay, holds an app without offloads`, () => {
    for (const far of ['capture', 'underlay-offload-capture'] as const) {
      const { engine, rx, cap, encapsulated } = tunnelLab(mode, far);
      const frame = send(rx, engine, 2 * MSS + 500);
      assert.equal(rx.finisher.finishing, true, far);
      assert.equal(cap.frames.length, 3, far);
      cap.frames.forEach((f, i) => {
        assert.equal(f.gsoSize, 0, far);
        assertSegment(f.bytes, i, 3, frame);
      });
      assert.equal(encapsulated(), 3, far);
      assertConserved(engine);
    }
  });

  test(`${mode}: a GSO packet whose outer IPv4 length would pass 65535 is cut by the endpoint, and its segments cross; one just short of it crosses whole`, () => {
    const { engine, rx, cap, encapsulated } = tunnelLab(mode, 'offload-capture');
    // A 65,520-byte frame (65,506 bytes of IPv4): the outer IPv4 packet around it, the frame plus
    // 28 bytes of IPv4 and GRE or 36 of IPv4, UDP and VXLAN, would pass 65,535 bytes.
    const payload = 65_520 - 54;
    const frame = send(rx, engine, payload);
    assert.equal(rx.finisher.finishing, false);
    const n = Math.ceil(payload / MSS);
    assert.equal(cap.frames.length, n);
    cap.frames.forEach((f, i) => {
      assert.equal(f.gsoSize, 0);
      assertSegment(f.bytes, i, n, frame);
    });
    assert.equal(encapsulated(), n);
    assertConserved(engine);
    const whole = tunnelLab(mode, 'offload-capture');
    const fits = send(whole.rx, whole.engine, 65_535 + 14 - (mode === 'vxlan' ? 50 : 42) - 54);
    assert.deepEqual(whole.cap.frames.map((f) => [f.bytes.length, f.gsoSize]), [[fits.length, MSS]], 'the longest frame that fits crosses whole');
    assertConserved(whole.engine);
  });

  test(`${mode}: a GSO packet whose wire segments exceed the overlay MTU gets one ICMP fragmentation-needed back, a plain small packet`, () => {
    const { engine, rx, cap, encapsulated } = tunnelLab(mode, 'offload-capture', 1500);
    send(rx, engine, 10 * MSS);
    assert.equal(cap.frames.length, 0);
    assert.equal(encapsulated(), 0);
    const back = engine.links.get('ep1.p_a -> rx.port')!;
    assert.equal(back.queued, 1, 'one reply toward the sender');
    const reply = back.receive();
    assert.equal(reply.gsoSize, 0, 'the reply carries no offload state');
    assert.equal(reply.csumStart, -1);
    const v = reply.view;
    const icmp = reply.off + 14 + 20;
    assert.deepEqual([v.getUint8(icmp), v.getUint8(icmp + 1), v.getUint16(icmp + 6)], [3, 4, 1500 - (mode === 'vxlan' ? 50 : 42)], 'fragmentation needed, with the overlay MTU');
    assert.ok(reply.len < 100);
    reply.pool.free(reply);
  });
}
