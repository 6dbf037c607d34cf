/**
 * An e1000 NIC split in two apps, for a guest that runs in its own worker thread: `E1000Vmm` is the
 * 82540EM model in the VMM (the lab's engine; port `wire` towards the TAP), `E1000GuestDriver` is the
 * guest's e1000 driver in the guest's engine (port `stack` towards its IP stack). They share guest
 * RAM, the register traps (each access an exit the VMM serves on its thread) and an interrupt word the
 * VMM bumps when the line goes up. E1000Nic (e1000-nic.ts) is the same pair in one app, for inline
 * guests; both run the same device model and driver code.
 */
import { App } from '../../engine/app.js';
import { E1000Device } from './device.js';
import { E1000Driver } from './driver.js';
import { E1000_DEVICE_DROPS, E1000_DRIVER_TX_DROPS, GuestFramePaths, wireToDevice } from './frame-paths.js';
const VMM_DROPS = E1000_DEVICE_DROPS;
/** Register exits of the e1000 BAR. */
export const E1000_EXIT = { read: 1, write: 2 };
/** The VMM half: the device model, frames between guest RAM and the wire. */
export class E1000Vmm extends App {
    device;
    /** Called when the interrupt line goes up: the VMM injects the interrupt into the guest. */
    onInterrupt = null;
    #hooks = { drop: (p, reason) => this.drop(p, reason), consume: (p) => this.consume(p) };
    constructor(ctx, conf) {
        super(ctx, conf, VMM_DROPS);
        this.device = new E1000Device(conf.memory, { mac: conf.mac }, {
            alloc: () => this.alloc(),
            transmit: (p) => {
                const out = this.output.wire;
                if (out === undefined)
                    this.drop(p, 'no-output');
                else
                    out.transmit(p);
            },
            discard: (p) => this.drop(p, 'tx-bad-frame'),
            interrupt: () => this.onInterrupt?.(),
        });
    }
    ports() {
        return ['wire'];
    }
    /** Performs one trapped register access for the guest. */
    serveExit(op, args) {
        if (op === E1000_EXIT.read)
            return this.device.read(args[0]);
        if (op === E1000_EXIT.write) {
            this.device.write(args[0], args[1]);
            return 0;
        }
        return Number.NaN;
    }
    push() {
        const fromWire = this.input.wire;
        if (fromWire !== undefined)
            wireToDevice(fromWire, this.device, this.#hooks);
    }
}
const DRIVER_DROPS = {
    ...E1000_DRIVER_TX_DROPS,
    'rx-too-long': 'a received frame spanning more buffers than a packet holds',
    'no-output': 'the port the frame leaves by has no link',
    'pool-empty': 'no packet buffer for a frame',
};
/** Interrupt handler runs per look before giving up on a line that stays asserted (as E1000Nic). */
const MAX_ISR_RUNS = 4;
/** The guest half: the e1000 driver between the guest's IP stack and its rings. */
export class E1000GuestDriver extends App {
    driver;
    #paths = new GuestFramePaths({
        alloc: () => this.alloc(),
        drop: (p, reason) => this.drop(p, reason),
        countDrop: (reason) => this.countDrop(reason),
        consume: (p) => this.consume(p),
    });
    constructor(ctx, conf) {
        super(ctx, conf, DRIVER_DROPS);
        const stack = { receive: (mem, addr, len, more) => this.#paths.toStack(mem, addr, len, more, this.output.stack) };
        this.driver = new E1000Driver(conf.mmio, conf.memory, conf.allocator, stack);
        this.driver.init();
        this.serviceInterrupts();
    }
    ports() {
        return ['stack'];
    }
    held() {
        return this.#paths.held;
    }
    push() {
        const fromStack = this.input.stack;
        if (fromStack !== undefined)
            this.#paths.fromStack(fromStack, this.driver);
        this.serviceInterrupts();
    }
    /** Runs the interrupt handler while the VMM has raised the line since the last look. */
    serviceInterrupts() {
        for (let i = 0; i < MAX_ISR_RUNS && this.conf.takeInterrupt(); i++)
            this.driver.interrupt();
    }
}
//# sourceMappingURL=split.js.map