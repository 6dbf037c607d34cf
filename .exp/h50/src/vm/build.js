import { Host } from '../hosts/host.js';
import { E1000Nic } from '../nics/e1000/e1000-nic.js';
import { E1000Vmm } from '../nics/e1000/split.js';
import { VirtioNetDevice } from '../nics/virtio/device.js';
import { VirtioNetDriver } from '../nics/virtio/driver.js';
import { VhostUserBackend, VirtioVmm, VmNicPorts } from '../nics/virtio/placements.js';
import { formatMac, parseMac } from '../wire/mac.js';
import { TrafficGuest } from './traffic-guest.js';
import { Vm } from './vm.js';
import { WorkerGuest } from './worker-guest.js';
/** The app holding a VM's guest (its IP stack in labs). */
export function vmGuestApp(vm) {
    return `${vm}/guest`;
}
/** A stable locally administered MAC for a VM interface (02:xx:...). */
export function vmMac(vm, iface) {
    let h = 2166136261;
    for (const ch of `${vm}:${iface}`)
        h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return formatMac(0x02_00_0000_0000 + 0x1_0000_0000 * ((h >>> 24) & 0xff) + (Math.imul(h, 2654435761) >>> 0));
}
export function buildVm(graph, name, spec) {
    const worker = spec.placement === 'worker';
    if (worker && spec.guest === 'traffic')
        throw new Error(`vm ${name}: a traffic guest runs inline only (placement worker needs the IP stack guest)`);
    const vm = new Vm(name, spec.ramBytes !== undefined ? { ramBytes: spec.ramBytes } : {});
    const workerNics = [];
    const deviceModels = [];
    const guestApp = vmGuestApp(name);
    const interfaces = {};
    const ports = {};
    const devices = {};
    const counters = {};
    const e1000Apps = {};
    const later = [];
    for (const [ifName, i] of Object.entries(spec.interfaces)) {
        const { nic, driverFeatures, poll, ...ifConf } = i;
        const mac = ifConf.mac ?? vmMac(name, ifName);
        interfaces[ifName] = { ...ifConf, mac };
        if (ifConf.vlan !== undefined)
            continue; // a sub-interface rides on its parent's NIC
        const c = { placement: nic, copies: 0, frames: 0, hops: 0 };
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
        if (worker)
            workerNics.push({ iface: ifName, model: 'virtio', device, ...(driverFeatures !== undefined ? { features: driverFeatures } : {}) });
        else
            later.push(() => {
                graph.app(driver, VirtioNetDriver, { device, ...(driverFeatures !== undefined ? { features: driverFeatures } : {}) });
                graph.connect(`${guestApp}.${ifName}`, `${driver}.stack`);
            });
        if (nic === 'virtio') {
            later.push(() => {
                graph.app(`${name}/vmm-${ifName}`, VirtioVmm, { device, counters: c });
                graph.connect(`${name}.tap-${ifName}`, `${name}/vmm-${ifName}.tap`);
            });
        }
        else if (nic === 'vhost-user') {
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
        for (const f of deviceModels)
            f();
        graph.app(guestApp, WorkerGuest, { vm, host: hostConf, nics: workerNics });
    }
    else if (spec.guest === 'traffic')
        graph.app(guestApp, TrafficGuest, { ports: Object.keys(ports) });
    else
        graph.app(guestApp, Host, hostConf);
    for (const f of later)
        f();
    return { vm, guestApp, devices, counters, e1000Apps };
}
//# sourceMappingURL=build.js.map