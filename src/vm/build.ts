/**
 * Building a VM into an engine graph: the guest (an IP stack, or a raw traffic guest for measurements)
 * and per interface its NIC: a virtio-net driver with the device side in the chosen placement, or an
 * emulated e1000. The guest runs inline in the lab's engine, or (`placement: 'worker'`) in its own
 * worker thread in lockstep with it (see vm.ts).
 *
 * Apps for a VM `vm1` with `eth0` (lab port `vm1.eth0`):
 *   vm1                  VmNicPorts: owns the lab ports; vhost-net backend / TAP end / vhost-user switch end
 *   vm1/guest            Host (the guest's IP stack) or TrafficGuest, interface eth0 on port eth0
 *   vm1/driver-eth0      VirtioNetDriver between the guest and the guest rings (virtio placements)
 *   vm1/vmm-eth0         VirtioVmm (placement virtio only), linked to vm1.tap-eth0
 *   vm1/vhost-user-eth0  VhostUserBackend (placement vhost-user only), linked to vm1.vu-eth0
 *   vm1/e1000-eth0       E1000Nic (nic e1000): guest driver and 82540EM model, wire linked to vm1.tap-eth0
 * With a worker guest, `vm1/guest` is a WorkerGuest: the Host and the drivers (`vm1/driver-eth0`, or
 * `vm1/e1000-driver-eth0`) are apps of the guest thread's own engine, and `vm1/e1000-eth0` is only the
 * device model (E1000Vmm). The device side (devices, backends, VmNicPorts) is the same in both.
 */
import type { Graph } from '../engine/engine.js';
import { Host, type HostConf, type InterfaceConf } from '../hosts/host.js';
import { E1000Nic } from '../nics/e1000/e1000-nic.js';
import { E1000Vmm } from '../nics/e1000/split.js';
import { VirtioNetDevice } from '../nics/virtio/device.js';
import { VirtioNetDriver } from '../nics/virtio/driver.js';
import { type PlacementCounters, type VmNicModel, type VmNicPortConf, VhostUserBackend, VirtioVmm, VmNicPorts } from '../nics/virtio/placements.js';
import { formatMac, parseMac } from '../wire/mac.js';
import { TrafficGuest } from './traffic-guest.js';
import { type GuestPlacement, Vm } from './vm.js';
import { WorkerGuest, type WorkerGuestNic } from './worker-guest.js';

export interface VmInterfaceSpec extends InterfaceConf {
  readonly nic: VmNicModel;
  /** Features the guest driver asks for (virtio; default all the device offers). */
  readonly driverFeatures?: number;
  /** vhost-user: run the backend as a poll-mode loop (default: woken by kicks). */
  readonly poll?: boolean;
}

export interface VmSpec {
  readonly interfaces: Readonly<Record<string, VmInterfaceSpec>>;
  readonly routes?: HostConf['routes'];
  readonly gateway?: string;
  readonly ramBytes?: number;
  /** What runs in the guest: an IP stack (default) or a raw frame generator and sink (`compare nics`). */
  readonly guest?: 'stack' | 'traffic';
  /** Where the guest runs: in the caller's engine (default) or in its own worker thread, in lockstep. */
  readonly placement?: GuestPlacement;
}

/** What a built VM exposes to tests and to `compare nics`. */
export interface VmHandle {
  readonly vm: Vm;
  readonly guestApp: string;
  readonly devices: Readonly<Record<string, VirtioNetDevice>>;
  readonly counters: Readonly<Record<string, PlacementCounters>>;
  /** The E1000Nic app of each e1000 interface. */
  readonly e1000Apps: Readonly<Record<string, string>>;
}

/** The app holding a VM's guest (its IP stack in labs). */
export function vmGuestApp(vm: string): string {
  return `${vm}/guest`;
}

/** A stable locally administered MAC for a VM interface (02:xx:...). */
export function vmMac(vm: string, iface: string): string {
  let h = 2166136261;
  for (const ch of `${vm}:${iface}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return formatMac(0x02_00_0000_0000 + 0x1_0000_0000 * ((h >>> 24) & 0xff) + (Math.imul(h, 2654435761) >>> 0));
}

export function buildVm(graph: Graph, name: string, spec: VmSpec): VmHandle {
  const worker = spec.placement === 'worker';
  if (worker && spec.guest === 'traffic') throw new Error(`vm ${name}: a traffic guest runs inline only (placement worker needs the IP stack guest)`);
  const vm = new Vm(name, spec.ramBytes !== undefined ? { ramBytes: spec.ramBytes } : {});
  const workerNics: WorkerGuestNic[] = [];
  const deviceModels: (() => void)[] = [];
  const guestApp = vmGuestApp(name);
  const interfaces: Record<string, InterfaceConf> = {};
  const ports: Record<string, VmNicPortConf> = {};
  const devices: Record<string, VirtioNetDevice> = {};
  const counters: Record<string, PlacementCounters> = {};
  const e1000Apps: Record<string, string> = {};
  const later: (() => void)[] = [];
  for (const [ifName, i] of Object.entries(spec.interfaces)) {
    const { nic, driverFeatures, poll, ...ifConf } = i;
    const mac = ifConf.mac ?? vmMac(name, ifName);
    interfaces[ifName] = { ...ifConf, mac };
    if (ifConf.vlan !== undefined) continue; // a sub-interface rides on its parent's NIC
    const c: PlacementCounters = { placement: nic, copies: 0, frames: 0, hops: 0 };
    counters[ifName] = c;
    if (nic === 'e1000') {
      const app = `${name}/e1000-${ifName}`;
      e1000Apps[ifName] = app;
      ports[ifName] = { placement: nic, device: null, counters: c };
      if (worker) {
        workerNics.push({ iface: ifName, model: 'e1000', vmmApp: app });
        deviceModels.push(() => {
          graph.app(app, E1000Vmm, { mac: parseMac(mac), memory: vm.memory });
          graph.connect(`${app}.wire`, `${name}.tap-${ifName}`);
        });
        continue;
      }
      later.push(() => {
        graph.app(app, E1000Nic, { mac });
        graph.connect(`${guestApp}.${ifName}`, `${app}.guest`);
        graph.connect(`${app}.wire`, `${name}.tap-${ifName}`);
      });
      continue;
    }
    const device = new VirtioNetDevice(vm, { mac: parseMac(mac) });
    devices[ifName] = device;
    ports[ifName] = { placement: nic, device, counters: c };
    const driver = `${name}/driver-${ifName}`;
    if (worker) workerNics.push({ iface: ifName, model: 'virtio', device, ...(driverFeatures !== undefined ? { features: driverFeatures } : {}) });
    else later.push(() => {
      graph.app(driver, VirtioNetDriver, { device, ...(driverFeatures !== undefined ? { features: driverFeatures } : {}) });
      graph.connect(`${guestApp}.${ifName}`, `${driver}.stack`);
    });
    if (nic === 'virtio') {
      later.push(() => {
        graph.app(`${name}/vmm-${ifName}`, VirtioVmm, { device, counters: c });
        graph.connect(`${name}.tap-${ifName}`, `${name}/vmm-${ifName}.tap`);
      });
    } else if (nic === 'vhost-user') {
      later.push(() => {
        graph.app(`${name}/vhost-user-${ifName}`, VhostUserBackend, { device, counters: c, ...(poll === true ? { poll } : {}) });
        graph.connect(`${name}.vu-${ifName}`, `${name}/vhost-user-${ifName}.switch`);
      });
    }
  }
  graph.app(name, VmNicPorts, { interfaces: ports });
  const hostConf = { interfaces, ...(spec.routes !== undefined ? { routes: spec.routes } : {}), ...(spec.gateway !== undefined ? { gateway: spec.gateway } : {}) };
  if (worker) {
    // The e1000 models exist before the guest thread starts: its driver traps into them while it sets up.
    for (const f of deviceModels) f();
    graph.app(guestApp, WorkerGuest, { vm, host: hostConf, nics: workerNics });
  } else if (spec.guest === 'traffic') graph.app(guestApp, TrafficGuest, { ports: Object.keys(ports) });
  else graph.app(guestApp, Host, hostConf);
  for (const f of later) f();
  return { vm, guestApp, devices, counters, e1000Apps };
}
