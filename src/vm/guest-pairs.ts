/**
 * Two guests and the NIC between them, for the NIC conformance suite and `vnet compare nics`.
 *
 *   veth         guest <-> cable <-> guest (native: no NIC model at all)
 *   virtio, vhost-net, vhost-user, e1000
 *                two VMs (src/vm/build.ts) on one cable, each guest behind its NIC and backend
 *   sriov-vf     guest <-> VF 0 of one SR-IOV NIC <-VEB-> VF 1 <-> guest (no cable: the NIC switches)
 *   passthrough  guest <-> physical port <-> cable <-> physical port <-> guest
 *
 * The guests are IP stacks (10.0.0.1 and 10.0.0.2/24, for conformance) or traffic guests (raw frames,
 * for measurements); each has its interface on port `eth0`, MACs PAIR_MACS. Counters are the NICs'
 * own: `copies` are copies made by the host side (VMM, backend, switch; guest-internal copies and
 * hardware DMA are not), `exits` are register traps and queue notifications that trap to the VMM,
 * `notifications` kicks and interrupts after suppression.
 */
import { Engine, Graph } from '../engine/engine.js';
import { PacketPool } from '../engine/packet.js';
import { Host } from '../hosts/host.js';
import { E1000Nic } from '../nics/e1000/e1000-nic.js';
import { PassthroughNic } from '../nics/passthrough.js';
import { SriovNic } from '../nics/sriov/sriov-nic.js';
import { Veth } from '../nics/veth.js';
import { VM_NIC_MODELS, type VmNicModel } from '../nics/virtio/placements.js';
import { buildVm, type VmHandle } from './build.js';
import { TrafficGuest } from './traffic-guest.js';

export type NicKind = 'veth' | VmNicModel;
export const NIC_KINDS: readonly NicKind[] = ['veth', ...VM_NIC_MODELS];

/** Per-NIC counters for comparisons (`vnet compare nics`). */
export interface NicStats {
  /** Frames the NICs moved, both guests, both directions. */
  readonly frames: number;
  /** Frame copies made by the host side (VMM, backend, switch); guest-internal copies and DMA by hardware are not. */
  readonly copies: number;
  /** Kicks plus interrupts, after suppression. */
  readonly notifications: number;
  /** Guest exits to the VMM: register traps and queue notifications. */
  readonly exits: number;
  /** Extra hops between device and switch. */
  readonly hops: number;
}

/** Two guests and the NICs between them, whatever runs in the guests. */
export interface GuestPairCore {
  readonly kind: string;
  readonly engine: Engine;
  /** The guests' apps (a Host or a TrafficGuest), each with its interface on port `eth0`. */
  readonly guests: readonly [string, string];
  readonly macs: readonly [string, string];
  stats(): NicStats;
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
  /** What runs in the guests (default an IP stack). */
  readonly guest?: 'stack' | 'traffic';
  /** vhost-user backends as poll-mode loops. */
  readonly poll?: boolean;
}

export const PAIR_IPS = ['10.0.0.1/24', '10.0.0.2/24'] as const;
export const PAIR_MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02'] as const;

/** A NicUnderTest over two IP-stack guests. */
export function stackPair(core: GuestPairCore): NicUnderTest {
  return {
    kind: core.kind,
    engine: core.engine,
    a: core.engine.app<Host>(core.guests[0]),
    b: core.engine.app<Host>(core.guests[1]),
    aIp: '10.0.0.1',
    bIp: '10.0.0.2',
    broadcast: '10.0.0.255',
    stats: () => core.stats(),
  };
}

/** Adds a guest app (IP stack or traffic guest) with interface eth0 on port eth0. */
export function addGuest(g: Graph, name: string, guest: 'stack' | 'traffic', index: 0 | 1): void {
  if (guest === 'traffic') g.app(name, TrafficGuest, { ports: ['eth0'] });
  else g.app(name, Host, { interfaces: { eth0: { ip: PAIR_IPS[index], mac: PAIR_MACS[index] } } });
}

/** Two guests on one cable with the given NIC kind: plain ports for `veth`, VMs otherwise. */
export function twoGuestPair(kind: NicKind, options: TwoGuestOptions = {}): GuestPairCore {
  const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
  const g = new Graph();
  const guest = options.guest ?? 'stack';
  let handles: VmHandle[] = [];
  let guests: [string, string];
  if (kind === 'veth') {
    addGuest(g, 'a', guest, 0);
    addGuest(g, 'b', guest, 1);
    guests = ['a', 'b'];
  } else {
    const nic = (i: 0 | 1) => ({
      ip: PAIR_IPS[i], mac: PAIR_MACS[i], nic: kind,
      ...(options.driverFeatures !== undefined ? { driverFeatures: options.driverFeatures } : {}),
      ...(options.poll === true ? { poll: true } : {}),
    });
    handles = [
      buildVm(g, 'a', { interfaces: { eth0: nic(0) }, guest }),
      buildVm(g, 'b', { interfaces: { eth0: nic(1) }, guest }),
    ];
    guests = [handles[0]!.guestApp, handles[1]!.guestApp];
  }
  g.app('cable', Veth, {});
  g.connect('a.eth0', 'cable.a').connect('b.eth0', 'cable.b');
  engine.configure(g);
  const cable = engine.app<Veth>('cable');
  return {
    kind,
    engine,
    guests,
    macs: PAIR_MACS,
    stats(): NicStats {
      if (handles.length === 0) {
        const frames = cable.aToB.packets + cable.bToA.packets;
        return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
      }
      let frames = 0, copies = 0, notifications = 0, exits = 0, hops = 0;
      for (const h of handles) {
        for (const c of Object.values(h.counters)) { frames += c.frames; copies += c.copies; hops += c.hops; }
        for (const d of Object.values(h.devices)) notifications += d.kicks + d.interrupts;
        for (const app of Object.values(h.e1000Apps)) {
          const d = engine.app<E1000Nic>(app).device;
          frames += d.txFrames + d.rxFrames;
          copies += d.copies;
          notifications += d.interrupts;
          exits += d.traps;
        }
        exits += h.vm.exits;
      }
      return { frames, copies, notifications, exits, hops };
    },
  };
}

export type HwNicKind = 'sriov-vf' | 'passthrough';
export const HW_NIC_KINDS: readonly HwNicKind[] = ['sriov-vf', 'passthrough'];

/** Two guests (IP stacks, or traffic guests for `compare nics`) with the given NIC between them. */
export function hwPair(kind: HwNicKind, guest: 'stack' | 'traffic' = 'stack'): GuestPairCore {
  const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
  const g = new Graph();
  addGuest(g, 'a', guest, 0);
  addGuest(g, 'b', guest, 1);
  if (kind === 'sriov-vf') {
    g.app('nic0', SriovNic, { maxVfs: 8, vfs: 2, driverMacs: { 0: PAIR_MACS[0], 1: PAIR_MACS[1] }, owners: { 0: 'a', 1: 'b' } });
    g.connect('a.eth0', 'nic0.vf0').connect('b.eth0', 'nic0.vf1');
  } else {
    g.app('a-nic', PassthroughNic, { owner: 'a' }).app('b-nic', PassthroughNic, { owner: 'b' });
    g.app('cable', Veth, {});
    g.connect('a.eth0', 'a-nic.guest').connect('b.eth0', 'b-nic.guest');
    g.connect('a-nic.wire', 'cable.a').connect('b-nic.wire', 'cable.b');
  }
  engine.configure(g);
  const stats = (): NicStats => {
    if (kind === 'sriov-vf') {
      const nic = engine.app<SriovNic>('nic0');
      let frames = 0;
      for (const v of nic.vfList()) frames += v.txPackets + v.rxPackets;
      return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
    }
    let frames = 0;
    for (const n of ['a-nic', 'b-nic']) { const d = engine.app<PassthroughNic>(n); frames += d.rxPackets + d.txPackets; }
    return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
  };
  return { kind, engine, guests: ['a', 'b'], macs: PAIR_MACS, stats };
}

export type AnyNicKind = NicKind | HwNicKind;
/** Every NIC kind, in the order the survey ranks them (native first, full emulation last). */
export const ALL_NIC_KINDS: readonly AnyNicKind[] = ['veth', 'passthrough', 'sriov-vf', 'vhost-user', 'vhost-net', 'virtio', 'e1000'];

/** Two guests with any NIC kind. */
export function guestPair(kind: AnyNicKind, options: TwoGuestOptions = {}): GuestPairCore {
  return kind === 'sriov-vf' || kind === 'passthrough' ? hwPair(kind, options.guest ?? 'stack') : twoGuestPair(kind, options);
}
