import { VM_NIC_MODELS } from '../../../nics/virtio/placements.js';
import { buildVm, vmGuestApp } from '../../../vm/build.js';
import { hostKind } from './host.js';
const GUEST_PLACEMENTS = ['inline', 'worker'];
const hostInterfaceSchema = hostKind.schemaProperties.interfaces.additionalProperties;
export const vmKind = {
    name: 'vm',
    aliases: [],
    description: 'a VM: a guest IP stack behind a virtio-net NIC whose backend is virtio (VMM + TAP), vhost-net or vhost-user, or behind an emulated e1000; guest: inline (default, in the lab\'s engine) or worker (its own thread, in lockstep)',
    schemaProperties: {
        ...hostKind.schemaProperties,
        interfaces: {
            ...hostKind.schemaProperties.interfaces,
            additionalProperties: {
                ...hostInterfaceSchema,
                properties: { ...hostInterfaceSchema.properties, nic: { enum: [...VM_NIC_MODELS] } },
            },
        },
        ram_mib: { type: 'integer', minimum: 1, maximum: 1024 },
        guest: { enum: [...GUEST_PLACEMENTS], description: 'where the guest runs: inline in the lab\'s engine (default), or worker: its own thread over shared guest RAM, in lockstep' },
    },
    parse(v, node, path) {
        const nics = {};
        const stripped = {};
        const rawIfs = node.interfaces;
        if (rawIfs !== null && typeof rawIfs === 'object' && !Array.isArray(rawIfs)) {
            for (const [name, raw] of Object.entries(rawIfs)) {
                if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
                    const { nic, ...rest } = raw;
                    if (nic === undefined)
                        nics[name] = 'virtio';
                    else if (typeof nic === 'string' && VM_NIC_MODELS.includes(nic))
                        nics[name] = nic;
                    else
                        v.fail([...path, 'interfaces', name, 'nic'], `must be one of ${VM_NIC_MODELS.join(', ')}`);
                    stripped[name] = rest;
                }
                else
                    stripped[name] = raw;
            }
        }
        const { ram_mib: ram, guest: rawGuest, ...hostFields } = node;
        let guest;
        if (rawGuest !== undefined) {
            if (typeof rawGuest === 'string' && GUEST_PLACEMENTS.includes(rawGuest))
                guest = rawGuest;
            else
                v.fail([...path, 'guest'], `must be one of ${GUEST_PLACEMENTS.join(', ')}`);
        }
        const host = hostKind.parse(v, { ...hostFields, kind: 'host', interfaces: rawIfs === undefined ? undefined : stripped }, path);
        const interfaces = {};
        for (const [name, i] of Object.entries(host.interfaces))
            interfaces[name] = { ...i, nic: nics[name] ?? 'virtio' };
        const ramMiB = ram === undefined ? undefined : v.int(ram, [...path, 'ram_mib'], 1, 1024);
        return { kind: 'vm', interfaces, routes: host.routes, ...(host.gateway !== undefined ? { gateway: host.gateway } : {}), ...(ramMiB !== undefined ? { ramMiB } : {}), ...(guest !== undefined ? { guest } : {}) };
    },
    checkLinks(v, name, model, links, path) {
        const interfaces = {};
        for (const [ifName, { nic: _placement, ...i }] of Object.entries(model.interfaces))
            interfaces[ifName] = i;
        hostKind.checkLinks?.(v, name, { kind: 'host', interfaces, routes: model.routes }, links, path);
    },
    ipStackApp: vmGuestApp,
    build(graph, name, node) {
        const interfaces = {};
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
//# sourceMappingURL=vm.js.map