/** Register operations of the virtio transport, as exit codes. */
export const VIRTIO_EXIT = {
    readStatus: 1,
    writeStatus: 2,
    readDeviceFeatures: 3,
    writeDriverFeatures: 4,
    setQueue: 5,
    readConfig: 6,
    notify: 7,
};
/**
 * Performs one exit on the device (VMM side) and returns its result. Unknown operations are
 * refused with NaN: the guest thread is ours, so that is a programming error it will notice.
 */
export function serveVirtioExit(dev, op, args) {
    switch (op) {
        case VIRTIO_EXIT.readStatus: return dev.readStatus();
        case VIRTIO_EXIT.writeStatus:
            dev.writeStatus(args[0]);
            return 0;
        case VIRTIO_EXIT.readDeviceFeatures: return dev.readDeviceFeatures(args[0] === 1 ? 1 : 0);
        case VIRTIO_EXIT.writeDriverFeatures:
            dev.writeDriverFeatures(args[0] === 1 ? 1 : 0, args[1]);
            return 0;
        case VIRTIO_EXIT.setQueue:
            dev.setQueue(args[0], { size: args[1], desc: args[2], avail: args[3], used: args[4] });
            return 0;
        // One exit for the whole of virtio_net_config: the 48-bit MAC with the status word above it (exact below 2^53).
        case VIRTIO_EXIT.readConfig: {
            const c = dev.readConfig();
            return c.mac + (c.status & 0x1f) * 2 ** 48;
        }
        case VIRTIO_EXIT.notify:
            dev.notify(args[0]);
            return 0;
        default: return Number.NaN;
    }
}
/** The guest-thread view of a virtio-net device: register accesses exit to the VMM thread. */
export class ExitingVirtioDevice {
    vm;
    #port;
    #index;
    #liveWord;
    #liveAt;
    onInterrupt = null;
    /**
     * `index` names the device to the VMM; `liveWord[liveAt]` is where the VMM mirrors whether the
     * device is live (1) after every exit and before every breath.
     */
    constructor(ram, port, index, liveWord, liveAt) {
        this.vm = ram;
        this.#port = port;
        this.#index = index;
        this.#liveWord = liveWord;
        this.#liveAt = liveAt;
    }
    get live() {
        return Atomics.load(this.#liveWord, this.#liveAt) === 1;
    }
    readStatus() {
        return this.#port.exit(VIRTIO_EXIT.readStatus, this.#index);
    }
    writeStatus(value) {
        this.#port.exit(VIRTIO_EXIT.writeStatus, this.#index, value);
    }
    readDeviceFeatures(select) {
        return this.#port.exit(VIRTIO_EXIT.readDeviceFeatures, this.#index, select);
    }
    writeDriverFeatures(select, bits) {
        this.#port.exit(VIRTIO_EXIT.writeDriverFeatures, this.#index, select, bits);
    }
    setQueue(queue, addrs) {
        this.#port.exit(VIRTIO_EXIT.setQueue, this.#index, queue, addrs.size, addrs.desc, addrs.avail, addrs.used);
    }
    readConfig() {
        const packed = this.#port.exit(VIRTIO_EXIT.readConfig, this.#index);
        const status = Math.floor(packed / 2 ** 48);
        return { mac: packed - status * 2 ** 48, status };
    }
    notify(queue) {
        this.#port.exit(VIRTIO_EXIT.notify, this.#index, queue);
    }
}
//# sourceMappingURL=device-access.js.map