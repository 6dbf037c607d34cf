/**
 * The NIC conformance suite: the same traffic through every NIC kind, and a programmatic two-guest lab.
 *
 * `twoGuestLab(kind)` builds two guests on one cable: for `veth`, two plain hosts; for a virtio placement,
 * two VMs whose guest stacks reach the cable through their virtio-net driver, guest rings and the
 * device in that placement. Other NIC families plug in by giving `nicConformance` their own factory:
 * a function returning a `NicUnderTest` (an engine and two hosts that can reach each other).
 *
 * The suite checks ping, UDP with exact payload bytes, MTU-size frames, broadcast, that the NIC's
 * counters saw the frames, and packet conservation across the whole engine.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../engine/engine.js';
import { PacketPool } from '../engine/packet.js';
import { Host } from '../hosts/host.js';
import { Veth } from '../nics/veth.js';
import { NIC_PLACEMENTS, type NicPlacement } from '../nics/virtio/placements.js';
import { buildVm, type VmHandle } from '../vm/build.js';
import { assertConserved } from './conservation.js';

export type NicKind = 'veth' | NicPlacement;
export const NIC_KINDS: readonly NicKind[] = ['veth', ...NIC_PLACEMENTS];

/** Per-NIC counters for comparisons (`vnet compare nics`). */
export interface NicStats {
  /** Frames the NICs moved, both guests, both directions. */
  readonly frames: number;
  readonly copies: number;
  /** Kicks plus interrupts, after suppression. */
  readonly notifications: number;
  /** Guest exits to the VMM. */
  readonly exits: number;
  /** Extra hops between device and switch. */
  readonly hops: number;
}

export interface NicUnderTest {
  readonly kind: string;
  readonly engine: Engine;
  readonly a: Host;
  readonly b: Host;
  readonly aIp: string;
  readonly bIp: string;
  /** Directed broadcast of the guests' subnet. */
  readonly broadcast: string;
  stats(): NicStats;
}

export interface TwoGuestOptions {
  /** Features the guest drivers ask for (virtio kinds). */
  readonly driverFeatures?: number;
}

/** Two guests, 10.0.0.1 and 10.0.0.2/24, on one cable, with the given NIC kind. */
export function twoGuestLab(kind: NicKind, options: TwoGuestOptions = {}): NicUnderTest {
  const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
  const g = new Graph();
  const ips = ['10.0.0.1/24', '10.0.0.2/24'];
  let handles: VmHandle[] = [];
  let names: [string, string];
  if (kind === 'veth') {
    g.app('a', Host, { interfaces: { eth0: { ip: ips[0] } } });
    g.app('b', Host, { interfaces: { eth0: { ip: ips[1] } } });
    names = ['a', 'b'];
  } else {
    const nic = { nic: kind, ...(options.driverFeatures !== undefined ? { driverFeatures: options.driverFeatures } : {}) };
    handles = [
      buildVm(g, 'a', { interfaces: { eth0: { ip: ips[0], ...nic } } }),
      buildVm(g, 'b', { interfaces: { eth0: { ip: ips[1], ...nic } } }),
    ];
    names = ['a/guest', 'b/guest'];
  }
  g.app('cable', Veth, {});
  g.connect('a.eth0', 'cable.a').connect('b.eth0', 'cable.b');
  engine.configure(g);
  const cable = engine.app<Veth>('cable');
  return {
    kind,
    engine,
    a: engine.app<Host>(names[0]),
    b: engine.app<Host>(names[1]),
    aIp: '10.0.0.1',
    bIp: '10.0.0.2',
    broadcast: '10.0.0.255',
    stats(): NicStats {
      if (handles.length === 0) {
        const frames = cable.aToB.packets + cable.bToA.packets;
        return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
      }
      let frames = 0, copies = 0, notifications = 0, exits = 0, hops = 0;
      for (const h of handles) {
        for (const c of Object.values(h.counters)) { frames += c.frames; copies += c.copies; hops += c.hops; }
        for (const d of Object.values(h.devices)) notifications += d.kicks + d.interrupts;
        exits += h.vm.exits;
      }
      return { frames, copies, notifications, exits, hops };
    },
  };
}

const MS = 1_000_000;

function ping(n: NicUnderTest, from: Host, to: string, count: number, size?: number): number {
  const s = from.ping(to, { count, interval: MS, timeout: 100 * MS, ...(size !== undefined ? { size } : {}) });
  n.engine.runUntil(() => s.done, 10_000 * MS);
  return s.received;
}

/** Registers the suite for one NIC kind. */
export function nicConformance(name: string, make: () => NicUnderTest): void {
  describe(`${name} conforms to the NIC suite`, () => {
    test('pings go both ways', () => {
      const n = make();
      assert.equal(ping(n, n.a, n.bIp, 3), 3);
      assert.equal(ping(n, n.b, n.aIp, 3), 3);
      assertConserved(n.engine);
    });

    test('a UDP datagram arrives with its exact payload', () => {
      const n = make();
      const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
      let got: Uint8Array | null = null;
      n.b.udpBind(5000, (_ip, _port, data) => { got = data.slice(); });
      assert.equal(ping(n, n.a, n.bIp, 1), 1, 'resolve first');
      const r = n.a.udpSend(n.bIp, 5000, payload, { srcPort: 4000 });
      assert.ok(r === 'sent' || r === 'queued', r);
      n.engine.runUntil(() => got !== null, 100 * MS);
      assert.deepEqual(got, payload);
      assertConserved(n.engine);
    });

    test('MTU-size frames (1500-byte IP packets) pass', () => {
      const n = make();
      assert.equal(ping(n, n.a, n.bIp, 2, 1472), 2);
      assertConserved(n.engine);
    });

    test('a broadcast reaches the other guest', () => {
      const n = make();
      let got = 0;
      n.b.udpBind(6000, () => { got++; });
      const r = n.a.udpSend(n.broadcast, 6000, Uint8Array.of(1, 2, 3), { srcPort: 6001 });
      assert.equal(r, 'sent');
      n.engine.runUntil(() => got > 0, 100 * MS);
      assert.equal(got, 1);
      assertConserved(n.engine);
    });

    test('the NIC counters saw every frame', () => {
      const n = make();
      assert.equal(ping(n, n.a, n.bIp, 5), 5);
      // 5 requests + 5 replies + ARP request and reply at least.
      assert.ok(n.stats().frames >= 12, JSON.stringify(n.stats()));
    });

    test('packets are conserved after a burst of traffic', () => {
      const n = make();
      n.b.udpBind(7000, () => {});
      ping(n, n.a, n.bIp, 1);
      for (let i = 0; i < 200; i++) n.a.udpSend(n.bIp, 7000, Uint8Array.of(i & 0xff), { srcPort: 7001 });
      n.engine.runFor(10 * MS);
      assertConserved(n.engine);
      assert.equal(n.engine.pool.inUse, n.engine.queued() + [...n.engine.apps.values()].reduce((s, a) => s + a.held(), 0));
    });
  });
}

/** Runs the suite against every NIC kind built here. */
export function nicConformanceForAllKinds(): void {
  for (const kind of NIC_KINDS) nicConformance(kind, () => twoGuestLab(kind));
}
