/**
 * Two guests with hardware-assisted or fully emulated NICs, in the shape the NIC conformance suite
 * and `vnet compare nics` use (`NicUnderTest`): guests 10.0.0.1 and 10.0.0.2/24 on one cable.
 *
 *   e1000        guest stack <-> e1000 driver <-traps/DMA-> 82540EM model <-> cable <-> ... (mirror)
 *   sriov-vf     guest stack <-> VF 0 of one SR-IOV NIC <-VEB-> VF 1 <-> guest stack (no cable: the NIC switches)
 *   passthrough  guest stack <-> physical port <-> cable <-> physical port <-> guest stack
 *
 * Counters are the NICs' own: `copies` are copies made by the host/VMM (guest-internal copies and
 * hardware DMA are not), `exits` are register traps, `notifications` interrupts injected by the VMM.
 */
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Host } from '../../hosts/host.js';
import { Veth } from '../../nics/veth.js';
import { E1000Nic } from '../../nics/e1000/e1000-nic.js';
import { SriovNic } from '../../nics/sriov/sriov-nic.js';
import { PassthroughNic } from '../../nics/passthrough.js';

export type HwNicKind = 'e1000' | 'sriov-vf' | 'passthrough';
export const HW_NIC_KINDS: readonly HwNicKind[] = ['e1000', 'sriov-vf', 'passthrough'];

/** What the comparison and the conformance suite read from a two-guest setup. */
export interface GuestPair {
  readonly kind: string;
  readonly engine: Engine;
  readonly a: Host;
  readonly b: Host;
  readonly aIp: string;
  readonly bIp: string;
  readonly broadcast: string;
  stats(): { frames: number; copies: number; notifications: number; exits: number; hops: number };
}

const MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02'] as const;

export function hwGuestPair(kind: HwNicKind): GuestPair {
  const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
  const g = new Graph();
  g.app('a', Host, { interfaces: { eth0: { ip: '10.0.0.1/24', mac: MACS[0] } } });
  g.app('b', Host, { interfaces: { eth0: { ip: '10.0.0.2/24', mac: MACS[1] } } });
  if (kind === 'sriov-vf') {
    g.app('nic0', SriovNic, { maxVfs: 8, vfs: 2, driverMacs: { 0: MACS[0], 1: MACS[1] }, owners: { 0: 'a', 1: 'b' } });
    g.connect('a.eth0', 'nic0.vf0').connect('b.eth0', 'nic0.vf1');
  } else {
    if (kind === 'e1000') {
      g.app('a-nic', E1000Nic, { mac: MACS[0] }).app('b-nic', E1000Nic, { mac: MACS[1] });
    } else {
      g.app('a-nic', PassthroughNic, { owner: 'a' }).app('b-nic', PassthroughNic, { owner: 'b' });
    }
    g.app('cable', Veth, {});
    g.connect('a.eth0', 'a-nic.guest').connect('b.eth0', 'b-nic.guest');
    g.connect('a-nic.wire', 'cable.a').connect('b-nic.wire', 'cable.b');
  }
  engine.configure(g);
  const stats = (): { frames: number; copies: number; notifications: number; exits: number; hops: number } => {
    if (kind === 'sriov-vf') {
      const nic = engine.app<SriovNic>('nic0');
      let frames = 0;
      for (const v of nic.vfList()) frames += v.txPackets + v.rxPackets;
      return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
    }
    if (kind === 'passthrough') {
      let frames = 0;
      for (const n of ['a-nic', 'b-nic']) { const d = engine.app<PassthroughNic>(n); frames += d.rxPackets + d.txPackets; }
      return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
    }
    let frames = 0, copies = 0, notifications = 0, exits = 0;
    for (const n of ['a-nic', 'b-nic']) {
      const d = engine.app<E1000Nic>(n).device;
      frames += d.txFrames + d.rxFrames;
      copies += d.copies;
      notifications += d.interrupts;
      exits += d.traps;
    }
    return { frames, copies, notifications, exits, hops: 0 };
  };
  return { kind, engine, a: engine.app<Host>('a'), b: engine.app<Host>('b'), aIp: '10.0.0.1', bIp: '10.0.0.2', broadcast: '10.0.0.255', stats };
}
