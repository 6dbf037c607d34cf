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
import { PassthroughNic } from '../nics/passthrough.js';
import { SriovNic } from '../nics/sriov/sriov-nic.js';
import { Veth } from '../nics/veth.js';
import { VM_NIC_MODELS } from '../nics/virtio/placements.js';
import { buildVm } from './build.js';
import { TrafficGuest } from './traffic-guest.js';
export const NIC_KINDS = ['veth', ...VM_NIC_MODELS];
export const PAIR_IPS = ['10.0.0.1/24', '10.0.0.2/24'];
export const PAIR_MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02'];
/** A NicUnderTest over two IP-stack guests. */
export function stackPair(core) {
    return {
        kind: core.kind,
        engine: core.engine,
        a: core.engine.app(core.guests[0]),
        b: core.engine.app(core.guests[1]),
        aIp: '10.0.0.1',
        bIp: '10.0.0.2',
        broadcast: '10.0.0.255',
        stats: () => core.stats(),
    };
}
/** Adds a guest app (IP stack or traffic guest) with interface eth0 on port eth0. */
export function addGuest(g, name, guest, index) {
    if (guest === 'traffic')
        g.app(name, TrafficGuest, { ports: ['eth0'] });
    else
        g.app(name, Host, { interfaces: { eth0: { ip: PAIR_IPS[index], mac: PAIR_MACS[index] } } });
}
/** Two guests on one cable with the given NIC kind: plain ports for `veth`, VMs otherwise. */
export function twoGuestPair(kind, options = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph();
    const guest = options.guest ?? 'stack';
    let handles = [];
    let guests;
    if (kind === 'veth') {
        addGuest(g, 'a', guest, 0);
        addGuest(g, 'b', guest, 1);
        guests = ['a', 'b'];
    }
    else {
        const nic = (i) => ({
            ip: PAIR_IPS[i], mac: PAIR_MACS[i], nic: kind,
            ...(options.driverFeatures !== undefined ? { driverFeatures: options.driverFeatures } : {}),
            ...(options.poll === true ? { poll: true } : {}),
        });
        handles = [
            buildVm(g, 'a', { interfaces: { eth0: nic(0) }, guest }),
            buildVm(g, 'b', { interfaces: { eth0: nic(1) }, guest }),
        ];
        guests = [handles[0].guestApp, handles[1].guestApp];
    }
    g.app('cable', Veth, {});
    g.connect('a.eth0', 'cable.a').connect('b.eth0', 'cable.b');
    engine.configure(g);
    const cable = engine.app('cable');
    return {
        kind,
        engine,
        guests,
        macs: PAIR_MACS,
        stats() {
            if (handles.length === 0) {
                const frames = cable.aToB.packets + cable.bToA.packets;
                return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
            }
            let frames = 0, copies = 0, notifications = 0, exits = 0, hops = 0;
            for (const h of handles) {
                for (const c of Object.values(h.counters)) {
                    frames += c.frames;
                    copies += c.copies;
                    hops += c.hops;
                }
                for (const d of Object.values(h.devices))
                    notifications += d.kicks + d.interrupts;
                for (const app of Object.values(h.e1000Apps)) {
                    const d = engine.app(app).device;
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
export const HW_NIC_KINDS = ['sriov-vf', 'passthrough'];
/** Two guests (IP stacks, or traffic guests for `compare nics`) with the given NIC between them. */
export function hwPair(kind, guest = 'stack') {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph();
    addGuest(g, 'a', guest, 0);
    addGuest(g, 'b', guest, 1);
    if (kind === 'sriov-vf') {
        g.app('nic0', SriovNic, { maxVfs: 8, vfs: 2, driverMacs: { 0: PAIR_MACS[0], 1: PAIR_MACS[1] }, owners: { 0: 'a', 1: 'b' } });
        g.connect('a.eth0', 'nic0.vf0').connect('b.eth0', 'nic0.vf1');
    }
    else {
        g.app('a-nic', PassthroughNic, { owner: 'a' }).app('b-nic', PassthroughNic, { owner: 'b' });
        g.app('cable', Veth, {});
        g.connect('a.eth0', 'a-nic.guest').connect('b.eth0', 'b-nic.guest');
        g.connect('a-nic.wire', 'cable.a').connect('b-nic.wire', 'cable.b');
    }
    engine.configure(g);
    const stats = () => {
        if (kind === 'sriov-vf') {
            const nic = engine.app('nic0');
            let frames = 0;
            for (const v of nic.vfList())
                frames += v.txPackets + v.rxPackets;
            return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
        }
        let frames = 0;
        for (const n of ['a-nic', 'b-nic']) {
            const d = engine.app(n);
            frames += d.rxPackets + d.txPackets;
        }
        return { frames, copies: 0, notifications: 0, exits: 0, hops: 0 };
    };
    return { kind, engine, guests: ['a', 'b'], macs: PAIR_MACS, stats };
}
/** Every NIC kind, in the order the survey ranks them (native first, full emulation last). */
export const ALL_NIC_KINDS = ['veth', 'passthrough', 'sriov-vf', 'vhost-user', 'vhost-net', 'virtio', 'e1000'];
/** Two guests with any NIC kind. */
export function guestPair(kind, options = {}) {
    return kind === 'sriov-vf' || kind === 'passthrough' ? hwPair(kind, options.guest ?? 'stack') : twoGuestPair(kind, options);
}
//# sourceMappingURL=guest-pairs.js.map