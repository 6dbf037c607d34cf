/**
 * PCI passthrough: a physical NIC port given whole to one instance.
 *
 * What: with the IOMMU mapping the guest's RAM for the device, the guest's own driver runs the
 * real NIC and frames go between the wire and the guest with no host software in between: no
 * bridge, no copy by the host CPU, no exit on the data path. The price is exclusivity — while a
 * device is passed through, the host cannot use it (not even put it in a bridge) and no other
 * instance can have it — and mobility: moving the instance means unplugging the device from one
 * guest and plugging it into another (re-plumbing), which loses whatever was in flight.
 *
 * `PassthroughNic` is the device on the engine (ports `wire` and `guest`, frames handed over
 * untouched; when nobody has it, its function side may be the host's own driver, port `host`). `DeviceAssignments` is the bookkeeping that refuses a second owner or a bridge
 * attachment with a clear message. `replumb` moves a device to another instance by changing the
 * engine graph, and reports the detach, the attach and the frames lost in between.
 */
import { App } from '../engine/app.js';
const PASSTHROUGH_DROPS = {
    detached: 'the device is not plugged into any instance',
    'no-wire': 'the device\'s wire port has no link',
    runt: 'frame shorter than the 14-byte Ethernet header',
};
export class PassthroughNic extends App {
    /** Times the guest side was unplugged and plugged (a moved instance shows one of each). */
    detaches = 0;
    attaches = 0;
    rxPackets = 0;
    rxBytes = 0;
    txPackets = 0;
    txBytes = 0;
    #attached = false;
    constructor(ctx, conf = {}) {
        super(ctx, conf ?? {}, PASSTHROUGH_DROPS);
    }
    ports() {
        return ['wire', 'guest'];
    }
    relink() {
        const now = this.#fnOut() !== undefined && this.#fnIn() !== undefined;
        if (now && !this.#attached)
            this.attaches++;
        if (!now && this.#attached)
            this.detaches++;
        this.#attached = now;
    }
    // The function side is the guest's (passthrough) or, when nobody has the device, the host's own driver.
    #fnOut() {
        return this.output.guest ?? this.output.host;
    }
    #fnIn() {
        return this.input.guest ?? this.input.host;
    }
    get attached() {
        return this.#attached;
    }
    push() {
        const fromWire = this.input.wire;
        const toGuest = this.#fnOut();
        if (fromWire !== undefined) {
            while (!fromWire.empty()) {
                const p = fromWire.receive();
                if (p.len < 14)
                    this.drop(p, 'runt');
                else if (toGuest === undefined)
                    this.drop(p, 'detached');
                else {
                    this.rxPackets++;
                    this.rxBytes += p.len;
                    toGuest.transmit(p);
                }
            }
        }
        const fromGuest = this.#fnIn();
        const toWire = this.output.wire;
        if (fromGuest !== undefined) {
            while (!fromGuest.empty()) {
                const p = fromGuest.receive();
                if (p.len < 14)
                    this.drop(p, 'runt');
                else if (toWire === undefined)
                    this.drop(p, 'no-wire');
                else {
                    this.txPackets++;
                    this.txBytes += p.len;
                    toWire.transmit(p);
                }
            }
        }
    }
}
/** Who holds which physical device: one instance by passthrough, or the host's bridges. */
export class DeviceAssignments {
    #owner = new Map();
    #bridge = new Map();
    /** Passes `device` through to `instance`; throws when another instance or a bridge has it. */
    assign(device, instance) {
        const owner = this.#owner.get(device);
        if (owner !== undefined && owner !== instance)
            throw new Error(`device ${device} is passed through to ${owner}; ${instance} cannot also have it`);
        const bridge = this.#bridge.get(device);
        if (bridge !== undefined)
            throw new Error(`device ${device} is attached to bridge ${bridge} by the host; detach it before passing it through to ${instance}`);
        this.#owner.set(device, instance);
    }
    /** The host puts `device` in a bridge; throws when it is passed through. */
    attachToBridge(device, bridge) {
        const owner = this.#owner.get(device);
        if (owner !== undefined)
            throw new Error(`device ${device} is passed through to ${owner}: the host cannot attach it to bridge ${bridge}`);
        const other = this.#bridge.get(device);
        if (other !== undefined && other !== bridge)
            throw new Error(`device ${device} is already a port of bridge ${other}; it cannot join ${bridge} too`);
        this.#bridge.set(device, bridge);
    }
    release(device) {
        this.#owner.delete(device);
        this.#bridge.delete(device);
    }
    owner(device) {
        return this.#owner.get(device);
    }
    bridge(device) {
        return this.#bridge.get(device);
    }
}
/**
 * Moves a passed-through device from one instance port to another ("app.port" each): the links
 * to the old instance are removed, the engine reconfigured, the links to the new one added.
 * The assignments record moves with it; the new instance must not own another claim on it.
 */
export function replumb(engine, graph, assignments, device, from, to) {
    const nic = engine.app(device);
    if (!(nic instanceof PassthroughNic))
        throw new Error(`replumb: ${device} is not a passthrough device`);
    const owner = assignments.owner(device);
    const fromInstance = from.split('.')[0];
    const toInstance = to.split('.')[0];
    if (owner !== fromInstance)
        throw new Error(`replumb: device ${device} is passed through to ${owner ?? 'nobody'}, not ${fromInstance}`);
    const down = `${device}.guest -> ${from}`;
    const up = `${from} -> ${device}.guest`;
    if (!graph.links.has(down) || !graph.links.has(up))
        throw new Error(`replumb: ${device}.guest is not plugged into ${from}`);
    const d0 = nic.detaches;
    const a0 = nic.attaches;
    const lost0 = engine.linkRemovalDrops;
    graph.links.delete(down);
    graph.links.delete(up);
    engine.configure(graph);
    assignments.release(device);
    assignments.assign(device, toInstance);
    graph.connect(`${device}.guest`, to);
    engine.configure(graph);
    return { device, from, to, detaches: nic.detaches - d0, attaches: nic.attaches - a0, framesLost: engine.linkRemovalDrops - lost0 };
}
//# sourceMappingURL=passthrough.js.map