/**
 * The guest side of a VM whose guest runs in its own worker thread (`guest: worker`): this module is
 * the thread's entry point. It builds the guest's own engine (its IP stack `VM/guest` and a driver
 * per NIC) over the VM's SharedArrayBuffer RAM, and then only runs when the lab lets it (lockstep.ts):
 * one breath at the lab's virtual time per turn, or one structured command.
 *
 * The drivers reach their devices only through exits (ExitingVirtioDevice, the e1000 BAR), the
 * devices reach the drivers only through guest RAM and interrupt words. The guest's packet pool is
 * its own; the lab's conservation report includes this engine's through the `report` command.
 */
import { isMainThread, threadId, workerData } from 'node:worker_threads';
import { Engine, Graph } from '../engine/engine.js';
import { VirtualClock } from '../engine/clock.js';
import { PacketPool } from '../engine/packet.js';
import { Host } from '../hosts/host.js';
import { ExitingVirtioDevice } from '../nics/virtio/device-access.js';
import { VirtioNetDriver } from '../nics/virtio/driver.js';
import { E1000_EXIT, E1000GuestDriver } from '../nics/e1000/split.js';
import { conservation } from '../testing/conservation.js';
import { GuestAllocator, GuestMemory } from './guest-memory.js';
import { GuestThreadEnd } from './lockstep.js';
import { StackCommands } from './remote-stack.js';
export function runGuestThread(init, control, port) {
    const end = new GuestThreadEnd(control, port);
    end.serve(() => {
        const memory = GuestMemory.attach(init.ram);
        const ram = { memory, allocator: new GuestAllocator(memory) };
        const clock = new VirtualClock();
        const engine = new Engine({ clock, pool: new PacketPool({ count: init.packets }) });
        const guestApp = `${init.vm}/guest`;
        const g = new Graph();
        g.app(guestApp, Host, init.host);
        const virtio = [];
        const virtioIndex = [];
        const e1000Apps = [];
        for (const nic of init.nics) {
            if (nic.model === 'virtio') {
                const device = new ExitingVirtioDevice(ram, end, nic.device, end.words, end.liveIndex(nic.device));
                virtio.push(device);
                virtioIndex.push(nic.device);
                const app = `${init.vm}/driver-${nic.iface}`;
                g.app(app, (VirtioNetDriver), { device, ...(nic.features !== undefined ? { features: nic.features } : {}) });
                g.connect(`${guestApp}.${nic.iface}`, `${app}.stack`);
            }
            else {
                const app = `${init.vm}/e1000-driver-${nic.iface}`;
                const i = nic.device;
                e1000Apps.push(app);
                g.app(app, E1000GuestDriver, {
                    memory, allocator: ram.allocator,
                    mmio: { read: (offset) => end.exit(E1000_EXIT.read, i, offset), write: (offset, value) => { end.exit(E1000_EXIT.write, i, offset, value); } },
                    takeInterrupt: () => end.takeInterrupt(i),
                });
                g.connect(`${guestApp}.${nic.iface}`, `${app}.stack`);
            }
        }
        engine.configure(g);
        const stack = new StackCommands(engine.app(guestApp), (e) => end.post(e));
        const e1000 = e1000Apps.map((a) => engine.app(a));
        const turns = {
            breathe(t) {
                if (t > clock.now())
                    clock.advanceTo(t);
                for (let k = 0; k < virtio.length; k++)
                    if (end.takeInterrupt(virtioIndex[k]))
                        virtio[k].onInterrupt?.(0);
                for (const d of e1000)
                    d.serviceInterrupts();
                engine.breathe();
                stack.sync();
                return engine.queued() > 0;
            },
            command(message, t) {
                if (t > clock.now())
                    clock.advanceTo(t);
                const c = message;
                if (c.op === 'report') {
                    const drops = [];
                    for (const app of engine.apps.values()) {
                        for (const [reason, count] of Object.entries(app.dropCounts))
                            if (count > 0)
                                drops.push({ where: app.name, reason, count });
                    }
                    if (engine.pool.allocFailures > 0)
                        drops.push({ where: `${init.vm}/guest-pool`, reason: 'pool-empty', count: engine.pool.allocFailures });
                    return { conservation: conservation(engine), drops, breaths: engine.breaths };
                }
                if (c.op === 'threadId')
                    return threadId;
                // Progress is posted at the next breath, once the lab has the session the reply creates.
                return stack.run(c);
            },
            nextTimer: () => engine.nextTimer(),
        };
        return turns;
    });
}
if (!isMainThread && workerData?.guestThread === true) {
    const d = workerData;
    runGuestThread(d, d.control, d.port);
}
//# sourceMappingURL=guest-main.js.map