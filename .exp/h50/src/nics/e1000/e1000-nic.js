/**
 * A VM's e1000 NIC as one engine app: the guest's driver on one side (port `guest`, where the
 * guest's IP stack sends and receives frames) and the emulated 82540EM on the other (port `wire`,
 * towards the bridge). The two halves share only guest RAM and the register traps, exactly as a
 * guest and QEMU do; the app merely runs them in order on the lab's engine:
 *   1. frames from the guest stack are queued by the driver, published with one TDT write, and
 *      the device (on that trap) copies them out of guest RAM onto the wire;
 *   2. frames from the wire are DMA'd by the device into posted receive buffers;
 *   3. if the interrupt line went up, the driver's interrupt handler runs and hands received
 *      frames to the guest stack.
 * Counters: the device's traps (per register), interrupts, VMM copies and DMA faults, and the
 * guest's own copies, so `vnet compare nics` can show what full emulation costs per packet.
 */
import { App } from '../../engine/app.js';
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { parseMac } from '../../wire/mac.js';
import { E1000Device } from './device.js';
import { E1000Driver } from './driver.js';
import { E1000_DEVICE_DROPS, E1000_DRIVER_TX_DROPS, GuestFramePaths, wireToDevice } from './frame-paths.js';
const E1000_DROPS = { ...E1000_DRIVER_TX_DROPS, ...E1000_DEVICE_DROPS };
/** Interrupt handler runs per push before giving up on a line that stays asserted. */
const MAX_ISR_RUNS = 4;
export class E1000Nic extends App {
    memory;
    device;
    driver;
    #irq = false;
    #paths;
    #hooks;
    constructor(ctx, conf) {
        super(ctx, conf, E1000_DROPS);
        let mac;
        try {
            mac = parseMac(conf.mac);
        }
        catch (e) {
            throw new Error(`e1000 ${ctx.name}: ${e.message}`);
        }
        this.memory = new GuestMemory(conf.ramBytes ?? 2 * 1024 * 1024);
        const hooks = {
            alloc: () => this.alloc(),
            transmit: (p) => {
                const out = this.output.wire;
                if (out === undefined)
                    this.drop(p, 'no-output');
                else
                    out.transmit(p);
            },
            discard: (p) => this.drop(p, 'tx-bad-frame'),
            interrupt: () => { this.#irq = true; },
        };
        this.device = new E1000Device(this.memory, { mac }, hooks);
        this.#hooks = { drop: (p, reason) => this.drop(p, reason), consume: (p) => this.consume(p) };
        this.#paths = new GuestFramePaths({
            alloc: () => this.alloc(),
            drop: (p, reason) => this.drop(p, reason),
            countDrop: (reason) => this.countDrop(reason),
            consume: (p) => this.consume(p),
        });
        const stack = { receive: (mem, addr, len, more) => this.#paths.toStack(mem, addr, len, more, this.output.guest) };
        this.driver = new E1000Driver(this.device, this.memory, new GuestAllocator(this.memory), stack, {
            ...(conf.rxRing !== undefined ? { rxRing: conf.rxRing } : {}),
            ...(conf.txRing !== undefined ? { txRing: conf.txRing } : {}),
        });
        this.driver.init();
        this.#serviceInterrupts();
    }
    ports() {
        return ['guest', 'wire'];
    }
    held() {
        return this.#paths.held;
    }
    push() {
        const fromGuest = this.input.guest;
        if (fromGuest !== undefined)
            this.#paths.fromStack(fromGuest, this.driver);
        const fromWire = this.input.wire;
        if (fromWire !== undefined)
            wireToDevice(fromWire, this.device, this.#hooks);
        this.#serviceInterrupts();
    }
    #serviceInterrupts() {
        for (let i = 0; i < MAX_ISR_RUNS && this.#irq; i++) {
            this.#irq = false;
            this.driver.interrupt();
        }
    }
}
//# sourceMappingURL=e1000-nic.js.map