/**
 * Building a VM into an engine graph: the guest (IP stack + virtio-net driver per interface, running
 * inline in the lab's engine: see vm.ts for why) and the device side in the chosen placement.
 *
 * Apps for a VM `vm1` with `eth0` (lab port `vm1.eth0`):
 *   vm1                  VmNicPorts: owns the lab ports; vhost-net backend / TAP end / vhost-user switch end
 *   vm1/guest            Host: the guest's IP stack, interface eth0 on port eth0
 *   vm1/driver-eth0      VirtioNetDriver between the guest stack and the guest rings
 *   vm1/vmm-eth0         VirtioVmm (placement virtio only), linked to vm1.tap-eth0
 *   vm1/vhost-user-eth0  VhostUserBackend (placement vhost-user only), no engine ports
 */
import type { Graph } from '../engine/engine.js';
import { Host, type HostConf, type InterfaceConf } from '../hosts/host.js';
import { VirtioNetDevice } from '../nics/virtio/device.js';
import { VirtioNetDriver } from '../nics/virtio/driver.js';
import { FrameRing } from '../nics/virtio/frame-ring.js';
import { type NicPlacement, type PlacementCounters, type VmNicPortConf, VhostUserBackend, VirtioVmm, VmNicPorts } from '../nics/virtio/placements.js';
import { formatMac, parseMac } from '../wire/mac.js';
import { Vm } from './vm.js';

export interface VmInterfaceSpec extends InterfaceConf {
  readonly nic: NicPlacement;
  /** Features the guest driver asks for (default all the device offers). */
  readonly driverFeatures?: number;
}

export interface VmSpec {
  readonly interfaces: Readonly<Record<string, VmInterfaceSpec>>;
  readonly routes?: HostConf['routes'];
  readonly gateway?: string;
  readonly ramBytes?: number;
}

/** What a built VM exposes to tests and to `compare nics`. */
export interface VmHandle {
  readonly vm: Vm;
  readonly guestApp: string;
  readonly devices: Readonly<Record<string, VirtioNetDevice>>;
  readonly counters: Readonly<Record<string, PlacementCounters>>;
}

/** A stable locally administered MAC for a VM interface (02:xx:...). */
export function vmMac(vm: string, iface: string): string {
  let h = 2166136261;
  for (const ch of `${vm}:${iface}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return formatMac(0x02_00_0000_0000 + 0x1_0000_0000 * ((h >>> 24) & 0xff) + (Math.imul(h, 2654435761) >>> 0));
}

export function buildVm(graph: Graph, name: string, spec: VmSpec): VmHandle {
  const vm = new Vm(name, spec.ramBytes !== undefined ? { ramBytes: spec.ramBytes } : {});
  const guestApp = `${name}/guest`;
  const interfaces: Record<string, InterfaceConf> = {};
  const ports: Record<string, VmNicPortConf> = {};
  const devices: Record<string, VirtioNetDevice> = {};
  const counters: Record<string, PlacementCounters> = {};
  const later: (() => void)[] = [];
  for (const [ifName, i] of Object.entries(spec.interfaces)) {
    const { nic, driverFeatures, ...ifConf } = i;
    const mac = ifConf.mac ?? vmMac(name, ifName);
    interfaces[ifName] = { ...ifConf, mac };
    if (ifConf.vlan !== undefined) continue; // a sub-interface rides on its parent's NIC
    const device = new VirtioNetDevice(vm, { mac: parseMac(mac) });
    const c: PlacementCounters = { placement: nic, copies: 0, frames: 0, hops: 0 };
    devices[ifName] = device;
    counters[ifName] = c;
    const driver = `${name}/driver-${ifName}`;
    later.push(() => {
      graph.app(driver, VirtioNetDriver, { device, ...(driverFeatures !== undefined ? { features: driverFeatures } : {}) });
      graph.connect(`${guestApp}.${ifName}`, `${driver}.stack`);
    });
    if (nic === 'virtio') {
      ports[ifName] = { placement: nic, device, counters: c };
      later.push(() => {
        graph.app(`${name}/vmm-${ifName}`, VirtioVmm, { device, counters: c });
        graph.connect(`${name}.tap-${ifName}`, `${name}/vmm-${ifName}.tap`);
      });
    } else if (nic === 'vhost-net') {
      ports[ifName] = { placement: nic, device, counters: c };
    } else {
      const toSwitch = new FrameRing(256);
      const fromSwitch = new FrameRing(256);
      const bell: VmNicPortConf['bell'] & object = { toBackend: null, toSwitch: null };
      ports[ifName] = { placement: nic, device, counters: c, toSwitch, fromSwitch, bell };
      later.push(() => graph.app(`${name}/vhost-user-${ifName}`, VhostUserBackend, { device, counters: c, toSwitch, fromSwitch, bell }));
    }
  }
  graph.app(name, VmNicPorts, { interfaces: ports });
  graph.app(guestApp, Host, { interfaces, ...(spec.routes !== undefined ? { routes: spec.routes } : {}), ...(spec.gateway !== undefined ? { gateway: spec.gateway } : {}) });
  for (const f of later) f();
  return { vm, guestApp, devices, counters };
}
