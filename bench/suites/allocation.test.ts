/**
 * The hot paths the benchmark measures allocate nothing per packet. Allocation in V8 is cheap,
 * but it often hides a boxed number (a uint32 above 2^30 or a float passed into a call that
 * was not inlined is a fresh heap number), and every young-generation collection stops the
 * data path. So each path, warmed up, runs a stretch of packets between two readings of the
 * heap's used size, with V8's GC profiler watching: a stretch during which nothing was
 * collected gives the bytes allocated per packet exactly (a stretch with a collection is run
 * again). One boxed number per packet is 12 to 16 bytes; the allowance is well below that.
 * The paths run in one process in the benchmark's order, because what V8 does with a field
 * depends on every value it has held, so an earlier path can make a later one allocate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { prepareBridge } from './bridge.js';
import { prepareNat } from './nat.js';
import { prepareOpenflowHit } from './openflow.js';
import { type Prepared, prepareRouterForwarding } from './router.js';
import { prepareTunnel } from './tunnels.js';
import { testFrame } from '../../src/control/compare/compare.js';
import { guestPair, type AnyNicKind } from '../../src/vm/guest-pairs.js';
import type { TrafficGuest } from '../../src/vm/traffic-guest.js';

const STRETCH = 100_000;
const ALLOWED_BYTES_PER_PACKET = 1;
/**
 * The NIC rigs below run the engine until each batch of 32 frames arrives, and that loop's own
 * bookkeeping (the time limit it computes) costs about 35 bytes per batch.
 */
const ALLOWED_NIC_BYTES_PER_PACKET = 2;

/** 64-byte frames from one traffic guest to the other through a NIC kind, as `vnet compare nics` sends them. */
function prepareNicPath(kind: AnyNicKind): Prepared {
  const n = guestPair(kind, { guest: 'traffic', poll: true });
  const a = n.engine.app<TrafficGuest>(n.guests[0]);
  const b = n.engine.app<TrafficGuest>(n.guests[1]);
  const frame = testFrame(64, n.macs);
  let target = 0;
  const arrived = (): boolean => b.received >= target;
  return {
    step: () => {
      const start = b.received;
      target = start + a.send('eth0', frame, 32);
      n.engine.runUntil(arrived, 100e6);
      return b.received - start;
    },
    finish: () => undefined,
  };
}

function bytesPerPacket(prepared: Prepared): number {
  let warm = 0;
  while (warm < 4 * STRETCH) warm += prepared.step();
  try {
    for (let attempt = 0; attempt < 8; attempt++) {
      const profiler = new GCProfiler();
      profiler.start();
      const before = getHeapStatistics().used_heap_size;
      let packets = 0;
      while (packets < STRETCH) packets += prepared.step();
      const after = getHeapStatistics().used_heap_size;
      if (profiler.stop().statistics.length === 0) return (after - before) / packets;
    }
    throw new Error('every stretch of packets saw a garbage collection');
  } finally {
    prepared.finish();
  }
}

const PATHS: readonly (readonly [string, () => Prepared])[] = [
  ['learning bridge, 1k MACs', () => prepareBridge(1024, true)],
  ['learning bridge, MACs whose low words pass 2^30', () => prepareBridge(1024, true, 0xc0)],
  ['router, one hop', () => prepareRouterForwarding(1)],
  ['router, two hops', () => prepareRouterForwarding(2)],
  ['NAT, established flows', () => prepareNat(true, 1000, false)],
  ['NAT gateway, route only', () => prepareNat(false, 1000, false)],
  ['VXLAN encap', () => prepareTunnel('vxlan', 'encap')],
  ['VXLAN decap', () => prepareTunnel('vxlan', 'decap')],
  ['VXLAN encap and decap', () => prepareTunnel('vxlan', 'encap+decap')],
  ['GRE encap', () => prepareTunnel('gre', 'encap')],
  ['GRE encap and decap', () => prepareTunnel('gre', 'encap+decap')],
  ['OpenFlow switch, cache hits', () => prepareOpenflowHit(1000)],
];

for (const [name, prepare] of PATHS) {
  test(`the ${name} path allocates nothing per packet`, () => {
    const bytes = bytesPerPacket(prepare());
    assert.ok(bytes <= ALLOWED_BYTES_PER_PACKET, `${bytes.toFixed(1)} bytes allocated per packet`);
  });
}

for (const kind of ['veth', 'virtio', 'vhost-net', 'vhost-user', 'e1000', 'sriov-vf', 'passthrough'] as const) {
  test(`frames through the ${kind} NIC path allocate nothing per packet`, () => {
    const bytes = bytesPerPacket(prepareNicPath(kind));
    assert.ok(bytes <= ALLOWED_NIC_BYTES_PER_PACKET, `${bytes.toFixed(1)} bytes allocated per packet`);
  });
}
