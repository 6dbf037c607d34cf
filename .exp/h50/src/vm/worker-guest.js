/**
 * A VM's guest in its own worker thread, as the lab's engine sees it: one app (named like an inline
 * guest, `VM/guest`) that owns the guest thread and gives it its turns, like a VMM's vCPU loop.
 *
 * When the guest runs: the app keeps one engine timer, at the earliest of "now" (an interrupt was
 * raised, a command queued packets) and the guest engine's next timer as it reported after its last
 * turn. When it fires, the guest runs one breath at the lab's virtual time and the lab waits,
 * serving the guest's exits (register accesses on the real device models, counted as exits as
 * inline), until the guest says it is done. So the lab's clock still jumps straight to the earliest
 * timer of both engines, and a run is deterministic.
 *
 * What stays here: the device models (VirtioNetDevice with its backends, E1000Vmm), which check every
 * guest address and length exactly as for an inline guest; this app only relays register accesses
 * and interrupts. What the lab reads of the guest (its IP stack for checks and `show`, its apps'
 * counters and pool for conservation and `show drops`) goes through structured commands.
 */
import { App } from '../engine/app.js';
import { serveVirtioExit } from '../nics/virtio/device-access.js';
import { GuestThread, MAX_GUEST_DEVICES } from './lockstep.js';
import { RemoteIpStack } from './remote-stack.js';
import { siblingModule } from './worker.js';
const NO_DROPS = {};
export class WorkerGuest extends App {
    thread;
    stack;
    #devices = [];
    #virtio = [];
    #control;
    #timer = null;
    #timerAt = Infinity;
    #started = false;
    constructor(ctx, conf) {
        super(ctx, conf, NO_DROPS);
        if (conf.nics.length > MAX_GUEST_DEVICES)
            throw new Error(`vm ${conf.vm.name}: a worker guest has at most ${MAX_GUEST_DEVICES} NICs, got ${conf.nics.length}`);
        const specs = [];
        conf.nics.forEach((nic, i) => {
            if (nic.model === 'virtio') {
                this.#devices.push(nic.device);
                this.#virtio.push(nic.device);
                specs.push({ iface: nic.iface, model: 'virtio', device: i, ...(nic.features !== undefined ? { features: nic.features } : {}) });
            }
            else {
                this.#devices.push(this.engine.app(nic.vmmApp));
                this.#virtio.push(null);
                specs.push({ iface: nic.iface, model: 'e1000', device: i });
            }
        });
        const init = { guestThread: true, vm: conf.vm.name, ram: conf.vm.memory.sab, host: conf.host, nics: specs, packets: conf.packets ?? 1024 };
        const control = GuestThread.controlBlock();
        this.#control = new Int32Array(control);
        // Interrupts go to the guest thread's words, from its drivers' set-up on (they look at every breath).
        this.#devices.forEach((dev, i) => {
            const raise = () => { GuestThread.interrupt(this.#control, i); this.wake(); };
            if (this.#virtio[i] !== null)
                dev.onInterrupt = raise;
            else
                dev.onInterrupt = raise;
        });
        this.stack = new RemoteIpStack((c) => this.command(c));
        this.thread = new GuestThread(conf.vm.name, control, siblingModule(import.meta.url, 'guest-main'), { ...init }, (op, i, args) => this.#serveExit(op, i, args), (m) => this.stack.event(m));
        this.#started = true;
        this.#schedule(this.engine.now());
    }
    #serveExit(op, i, args) {
        const dev = this.#virtio[i];
        if (dev === undefined)
            return Number.NaN;
        if (dev === null)
            return this.#devices[i].serveExit(op, args);
        const r = serveVirtioExit(dev, op, args);
        GuestThread.setLive(this.#control, i, dev.live);
        return r;
    }
    /** The guest's IP stack, for checks and `show`. */
    ipStack() {
        return this.stack;
    }
    /** Runs one command on the parked guest; the guest then gets a turn at the next breath. */
    command(c) {
        const r = this.thread.command(c, this.engine.now());
        this.wake();
        return r;
    }
    /** The guest engine's conservation and drop counters. */
    report() {
        return this.thread.command({ op: 'report' }, this.engine.now());
    }
    /** Gives the guest a turn at the next breath. */
    wake() {
        this.#schedule(this.engine.now());
    }
    #schedule(at) {
        if (!(at < this.#timerAt) || !this.#started || this.thread.stopped)
            return;
        this.#timer?.cancel();
        this.#timerAt = at;
        this.#timer = this.engine.at(at, () => {
            this.#timer = null;
            this.#timerAt = Infinity;
            this.#turn();
        });
    }
    #turn() {
        const now = this.engine.now();
        const virtio = this.#virtio;
        for (let i = 0; i < virtio.length; i++) {
            const dev = virtio[i];
            if (dev !== null && dev !== undefined)
                GuestThread.setLive(this.#control, i, dev.live);
        }
        const t = this.thread;
        t.breathe(now);
        // Still busy: again at the next breath (a nanosecond on, so this breath's timer loop ends).
        if (t.busy)
            this.#schedule(now + 1);
        else if (t.next !== Infinity)
            this.#schedule(Math.max(now, t.next));
    }
    stop() {
        this.#timer?.cancel();
        this.#devices.forEach((dev) => { dev.onInterrupt = null; });
        this.thread.stop();
    }
}
/** True for the app of a worker guest (the runtime asks it for the IP stack and the guest's report). */
export function isWorkerGuest(app) {
    return app instanceof WorkerGuest;
}
/** The lab's conservation report with every worker guest's engine folded in. */
export function withWorkerGuests(engine, report) {
    let { apps, queued, held, poolInUse, ok, problems } = report;
    for (const app of engine.apps.values()) {
        if (!isWorkerGuest(app) || app.thread.stopped)
            continue;
        const g = app.report().conservation;
        // The guest's apps take the place of its stand-in, so the report reads as for an inline guest.
        const at = apps.findIndex((a) => a.app === app.name);
        apps = [...apps.slice(0, at), ...g.apps, ...apps.slice(at + 1)];
        queued += g.queued;
        held += g.held;
        poolInUse += g.poolInUse;
        ok &&= g.ok;
        problems = [...problems, ...g.problems.map((p) => `${app.name} (guest thread): ${p}`)];
    }
    return { apps, queued, held, poolInUse, ok, problems };
}
/** Non-zero drop counters of every worker guest's apps. */
export function workerGuestDrops(engine) {
    const rows = [];
    for (const app of engine.apps.values())
        if (isWorkerGuest(app) && !app.thread.stopped)
            rows.push(...app.report().drops);
    return rows;
}
//# sourceMappingURL=worker-guest.js.map