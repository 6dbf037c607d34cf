/**
 * Where the virtio-net device runs: three backend placements, as engine apps around one VirtioNetDevice.
 *
 *   virtio     guest rings <-> VMM device (app `vm/vmm-IF`) <-> TAP hop (in the node app) <-> switch
 *              QEMU's user-space backend: the VMM copies each frame out of guest RAM into its own
 *              buffer, then writes it to a TAP device, a second copy and an extra hop into the host.
 *   vhost-net  guest rings <-> node app <-> switch
 *              the backend is part of the switch's datapath (the node app itself reads the rings):
 *              one copy between guest RAM and a switch packet, no extra hop.
 *   vhost-user guest rings <-> backend (app `vm/vhost-user-IF`) <-> shared ring <-> node app <-> switch
 *              the backend runs in its own context with guest RAM mapped (as a DPDK vhost-user port
 *              does): it copies a frame once, straight from guest RAM into a buffer of the switch's
 *              shared pool, and hands the switch a reference through a ring (the engine link between
 *              the backend and the node app, ports `vu-IF`: a bounded ring of packet references, as
 *              rte_ring carries mbuf pointers). No VMM buffer, no second copy. With `poll` the backend
 *              is a poll-mode loop (an engine pull app) that keeps guest kicks disabled, so transmit
 *              costs no exit; without it (labs) it is woken by kicks, so an idle lab's clock can jump.
 *
 * The node app also carries the TAP end of an emulated e1000 (placement `e1000`, port `tap-IF`): the
 * 82540EM model is in the VMM like the `virtio` device and reaches the switch the same way.
 *
 * The node app (named after the VM, owning its lab ports) is `VmNicPorts`. Counters per interface:
 * `copies` (frame copies between buffers owned by different parties), `hops` (extra engine hops a frame
 * takes beyond the guest and the switch), `kicks`/`interrupts` (notifications after suppression) and the
 * VM's `exits`.
 *
 * Notifications in-thread: a kick or a frame-ring doorbell schedules the backend's service at the next
 * breath (an engine timer at "now"), so an idle lab stays idle and its virtual clock can jump.
 */
import { App } from '../../engine/app.js';
import { NextBreath } from '../../engine/engine.js';
import { VIRTIO_NET_DROPS } from './device.js';
export const NIC_PLACEMENTS = ['virtio', 'vhost-net', 'vhost-user'];
export const VM_NIC_MODELS = [...NIC_PLACEMENTS, 'e1000'];
/** Runs `fn` at the next breath, once however often it is asked before then; asking allocates nothing. */
class Wakeup {
    #engine;
    #task;
    constructor(engine, fn) {
        this.#engine = engine;
        this.#task = new NextBreath(fn);
    }
    request() {
        this.#engine.soon(this.#task);
    }
    cancel() {
        this.#engine.cancelSoon(this.#task);
    }
}
const BACKEND_DROPS = VIRTIO_NET_DROPS;
/** Drains the guest's transmit queue through `take`, which returns false to stop (downstream full). */
function drainTx(dev, take) {
    for (;;) {
        while (dev.txPending() > 0)
            if (take() === 'stop') {
                dev.finishTx();
                return;
            }
        dev.finishTx();
        if (!dev.enableTxNotify())
            return;
    }
}
/** A device backend with one engine port toward the switch side: frames out of the guest's ring onto it, frames from it into the guest. */
class DeviceBackend extends App {
    wake;
    dev;
    #port;
    constructor(ctx, conf, port) {
        super(ctx, conf, BACKEND_DROPS);
        this.dev = conf.device;
        this.#port = port;
        this.wake = new Wakeup(this.engine, () => this.service());
    }
    ports() {
        return [this.#port];
    }
    /** One frame out of guest RAM into a new packet on the port (one copy); 'stop' when the port or pool is full. */
    takeOne = () => {
        const out = this.output[this.#port];
        if (out === undefined || out.full())
            return 'stop';
        const p = this.alloc();
        if (p === null) {
            this.countDrop('pool-empty');
            return 'stop';
        }
        const r = this.dev.popTx(p);
        if (r === 'empty') {
            this.pool.free(p);
            this.generated--;
            return 'stop';
        }
        if (r !== null) {
            this.drop(p, r);
            return 'taken';
        }
        this.conf.counters.copies++;
        this.conf.counters.frames++;
        out.transmit(p);
        return 'taken';
    };
    /** Frames from the port into the guest's receive chains (one copy each). */
    push() {
        const i = this.input[this.#port];
        if (i === undefined)
            return;
        const c = this.conf.counters;
        while (!i.empty()) {
            const p = i.receive();
            const r = this.dev.deliverRx(p.buf, p.off, p.len);
            if (r !== null) {
                this.drop(p, r);
                continue;
            }
            c.copies++;
            c.frames++;
            this.consume(p);
        }
    }
    stop() {
        this.wake.cancel();
        this.dev.onKick = null;
    }
}
/** placement `virtio`: the VMM's device model, one hop away from the switch (port `tap`): a copy into a VMM buffer, woken by kicks. */
export class VirtioVmm extends DeviceBackend {
    constructor(ctx, conf) {
        super(ctx, conf, 'tap');
        this.dev.onKick = () => this.wake.request();
    }
    service() {
        drainTx(this.dev, this.takeOne);
    }
}
/**
 * placement `vhost-user`: a backend outside the VMM with guest RAM mapped (port `switch`): one copy out
 * of guest RAM into a shared-pool buffer, whose reference goes onto the ring toward the switch.
 */
export class VhostUserBackend extends DeviceBackend {
    #poll;
    constructor(ctx, conf) {
        super(ctx, conf, 'switch');
        this.#poll = conf.poll === true;
        // Only a poll-mode backend is a pull app: an app with pull() keeps the virtual clock from skipping idle time.
        if (this.#poll)
            this.pull = () => this.service();
        else
            this.dev.onKick = () => this.wake.request();
    }
    service() {
        if (!this.#poll)
            return drainTx(this.dev, this.takeOne);
        this.dev.disableTxNotify();
        while (this.dev.txPending() > 0)
            if (this.takeOne() === 'stop')
                break;
        this.dev.finishTx();
    }
}
const PORT_DROPS = {
    ...VIRTIO_NET_DROPS,
    'ring-full': 'the ring toward the vhost-user backend or the TAP was full',
};
/**
 * The switch-facing side of a VM's NICs: owns the VM's lab ports (`eth0`...) and, per interface, is the
 * vhost-net backend, the TAP end of a VMM device (`virtio`, `e1000`; ports `tap-IF`), or the switch end
 * of a vhost-user backend's ring (ports `vu-IF`).
 */
export class VmNicPorts extends App {
    #ports = [];
    #wakes = [];
    constructor(ctx, conf) {
        super(ctx, conf, PORT_DROPS);
        for (const [name, pc] of Object.entries(conf.interfaces)) {
            const st = { name, conf: pc, lab: undefined, labIn: undefined, sideOut: undefined, sideIn: undefined };
            this.#ports.push(st);
            if (pc.placement === 'vhost-net' && pc.device !== null) {
                const dev = pc.device;
                const take = this.#vhostNetTaker(st, dev);
                const wake = new Wakeup(this.engine, () => drainTx(dev, take));
                this.#wakes.push(wake);
                pc.device.onKick = () => wake.request();
            }
        }
        this.relink();
    }
    relink() {
        for (const st of this.#ports) {
            const side = st.conf.placement === 'vhost-user' ? `vu-${st.name}` : `tap-${st.name}`;
            st.lab = this.output[st.name];
            st.labIn = this.input[st.name];
            st.sideOut = this.output[side];
            st.sideIn = this.input[side];
        }
    }
    ports() {
        return this.#ports.map((p) => p.name);
    }
    /** vhost-net: the switch's datapath reads the guest's transmit ring itself, one copy into a switch packet. */
    /** vhost-net's transmit: the function `drainTx` calls per frame, made once per port (a kick allocates nothing). */
    #vhostNetTaker(st, dev) {
        const c = st.conf.counters;
        return () => {
            if (st.lab !== undefined && st.lab.full())
                return 'stop';
            const p = this.alloc();
            if (p === null) {
                this.countDrop('pool-empty');
                return 'stop';
            }
            const r = dev.popTx(p);
            if (r === 'empty') {
                this.pool.free(p);
                this.generated--;
                return 'stop';
            }
            if (r !== null) {
                this.drop(p, r);
                return 'taken';
            }
            c.copies++;
            c.frames++;
            if (st.lab === undefined)
                this.drop(p, 'device-not-ready');
            else
                st.lab.transmit(p);
            return 'taken';
        };
    }
    /** Moves every frame of `from` to `to`: through the TAP a copy (the kernel copies on write and on read), to a vhost-user ring a reference. */
    #cross(st, from, to) {
        const c = st.conf.counters;
        const copy = st.conf.placement !== 'vhost-user';
        while (!from.empty()) {
            const p = from.receive();
            c.hops++;
            if (to === undefined) {
                this.drop(p, 'device-not-ready');
                continue;
            }
            if (to.full()) {
                this.drop(p, 'ring-full');
                continue;
            }
            if (!copy) {
                to.transmit(p);
                continue;
            }
            const q = this.clone(p);
            this.consume(p);
            if (q === null) {
                this.countDrop('pool-empty');
                continue;
            }
            c.copies++;
            to.transmit(q);
        }
    }
    push() {
        for (const st of this.#ports) {
            const pc = st.conf;
            const labIn = st.labIn;
            if (labIn !== undefined && !labIn.empty()) {
                if (pc.placement === 'vhost-net') {
                    const c = pc.counters;
                    while (!labIn.empty()) {
                        const p = labIn.receive();
                        const r = pc.device.deliverRx(p.buf, p.off, p.len);
                        if (r !== null) {
                            this.drop(p, r);
                            continue;
                        }
                        c.copies++;
                        c.frames++;
                        this.consume(p);
                    }
                }
                else
                    this.#cross(st, labIn, st.sideOut);
            }
            const sideIn = st.sideIn;
            if (sideIn !== undefined && !sideIn.empty())
                this.#cross(st, sideIn, st.lab);
        }
    }
    stop() {
        for (const w of this.#wakes)
            w.cancel();
    }
}
//# sourceMappingURL=placements.js.map