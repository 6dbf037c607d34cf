/**
 * `kind: vm` — a VM whose guest IP stack reaches the lab through a NIC per interface: virtio-net with
 * the backend in one of three placements (`nic: virtio`: device in the VMM, TAP hop; `vhost-net`:
 * backend in the switch datapath; `vhost-user`: backend outside the VMM with guest RAM mapped), or an
 * emulated Intel 82540EM (`nic: e1000`, in the VMM behind a TAP). Interfaces take the same fields as a
 * host's plus `nic`; see src/vm/build.ts for the apps. Checks ping from and to the guest's IP stack.
 * `guest: inline` (default) runs the guest in the lab's engine; `guest: worker` runs it in its own worker
 * thread over the VM's shared guest RAM, in lockstep with the lab (src/vm/vm.ts says how and what it costs).
 */
import type { Graph } from '../../../engine/engine.js';
import { VM_NIC_MODELS, type VmNicModel } from '../../../nics/virtio/placements.js';
import { buildVm, vmGuestApp, type VmInterfaceSpec } from '../../../vm/build.js';
import type { GuestPlacement } from '../../../vm/vm.js';
import type { Endpoint, HostInterfaceModel, HostNodeModel, NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';
import { hostKind } from './host.js';
import type { NodeKind } from './kind.js';

export interface VmInterfaceModel extends Omit<HostInterfaceModel, 'nic'> {
  readonly nic: VmNicModel;
}

export interface VmNodeModel extends NodeModel {
  readonly kind: 'vm';
  readonly interfaces: Readonly<Record<string, VmInterfaceModel>>;
  readonly gateway?: string;
  readonly routes: HostNodeModel['routes'];
  readonly ramMiB?: number;
  /** Where the guest runs (default inline). */
  readonly guest?: GuestPlacement;
}

const GUEST_PLACEMENTS: readonly GuestPlacement[] = ['inline', 'worker'];

const hostInterfaceSchema = (hostKind.schemaProperties.interfaces as { additionalProperties: { properties: Record<string, unknown> } }).additionalProperties;

export const vmKind: NodeKind<VmNodeModel> = {
  name: 'vm',
  aliases: [],
  description: 'a VM: a guest IP stack behind a virtio-net NIC whose backend is virtio (VMM + TAP), vhost-net or vhost-user, or behind an emulated e1000; guest: inline (default, in the lab\'s engine) or worker (its own thread, in lockstep)',
  schemaProperties: {
    ...hostKind.schemaProperties,
    interfaces: {
      ...(hostKind.schemaProperties.interfaces as object),
      additionalProperties: {
        ...hostInterfaceSchema,
        properties: { ...hostInterfaceSchema.properties, nic: { enum: [...VM_NIC_MODELS] } },
      },
    },
    ram_mib: { type: 'integer', minimum: 1, maximum: 1024 },
    guest: { enum: [...GUEST_PLACEMENTS], description: 'where the guest runs: inline in the lab\'s engine (default), or worker: its own thread over shared guest RAM, in lockstep' },
  },
  parse(v: Validator, node: Record<string, unknown>, path: Path): VmNodeModel {
    const nics: Record<string, VmNicModel> = {};
    const stripped: Record<string, unknown> = {};
    const rawIfs = node.interfaces;
    if (rawIfs !== null && typeof rawIfs === 'object' && !Array.isArray(rawIfs)) {
      for (const [name, raw] of Object.entries(rawIfs as Record<string, unknown>)) {
        if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
          const { nic, ...rest } = raw as Record<string, unknown>;
          if (nic === undefined) nics[name] = 'virtio';
          else if (typeof nic === 'string' && (VM_NIC_MODELS as readonly string[]).includes(nic)) nics[name] = nic as VmNicModel;
          else v.fail([...path, 'interfaces', name, 'nic'], `must be one of ${VM_NIC_MODELS.join(', ')}`);
          stripped[name] = rest;
        } else stripped[name] = raw;
      }
    }
    const { ram_mib: ram, guest: rawGuest, ...hostFields } = node;
    let guest: GuestPlacement | undefined;
    if (rawGuest !== undefined) {
      if (typeof rawGuest === 'string' && (GUEST_PLACEMENTS as readonly string[]).includes(rawGuest)) guest = rawGuest as GuestPlacement;
      else v.fail([...path, 'guest'], `must be one of ${GUEST_PLACEMENTS.join(', ')}`);
    }
    const host = hostKind.parse(v, { ...hostFields, kind: 'host', interfaces: rawIfs === undefined ? undefined : stripped }, path);
    const interfaces: Record<string, VmInterfaceModel> = {};
    for (const [name, i] of Object.entries(host.interfaces)) interfaces[name] = { ...i, nic: nics[name] ?? 'virtio' };
    const ramMiB = ram === undefined ? undefined : v.int(ram, [...path, 'ram_mib'], 1, 1024);
    return { kind: 'vm', interfaces, routes: host.routes, ...(host.gateway !== undefined ? { gateway: host.gateway } : {}), ...(ramMiB !== undefined ? { ramMiB } : {}), ...(guest !== undefined ? { guest } : {}) };
  },
  checkLinks(v: Validator, name: string, model: VmNodeModel, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[], path: Path): void {
    const interfaces: Record<string, HostInterfaceModel> = {};
    for (const [ifName, { nic: _placement, ...i }] of Object.entries(model.interfaces)) interfaces[ifName] = i;
    hostKind.checkLinks?.(v, name, { kind: 'host', interfaces, routes: model.routes }, links, path);
  },
  ipStackApp: vmGuestApp,
  build(graph: Graph, name: string, node: VmNodeModel): void {
    const interfaces: Record<string, VmInterfaceSpec> = {};
    for (const [ifName, i] of Object.entries(node.interfaces)) {
      interfaces[ifName] = {
        nic: i.nic,
        ...(i.ips.length > 0 ? { ip: i.ips[0], ips: i.ips.slice(1) } : {}),
        ...(i.mac !== undefined ? { mac: i.mac } : {}),
        ...(i.vlan !== undefined ? { vlan: i.vlan, parent: i.parent } : {}),
        ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
      };
    }
    buildVm(graph, name, { interfaces, routes: node.routes, ...(node.gateway !== undefined ? { gateway: node.gateway } : {}), ...(node.ramMiB !== undefined ? { ramBytes: node.ramMiB * 1024 * 1024 } : {}), ...(node.guest !== undefined ? { placement: node.guest } : {}) });
  },
};
