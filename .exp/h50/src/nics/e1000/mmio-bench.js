/**
 * An e1000 with its guest in another thread, for `compare nics --guest worker`: the guest's driver runs
 * in a worker (the vCPU) and every register access is a real exit: the vCPU writes the access into a
 * mailbox, rings the VMM's doorbell and sleeps until the VMM thread (the calling thread) has run the
 * device model's handler and answered, as a trapped MMIO access stops a vCPU until QEMU returns. A TDT
 * write is answered only after the device has moved the ring's frames out of guest RAM, as QEMU's
 * e1000 does on that exit. The interrupt is a doorbell the driver's handler runs after.
 *
 * One way, transmit: the guest sends `packets` frames in bursts of `batch` (one TDT write each), its
 * interrupt handler reaps them; frames leave the VMM through a TAP write (a copy), as QEMU's do.
 * Then `latencySamples` single frames: send, flush, wait for the interrupt and handle it.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { PacketPool } from '../../engine/packet.js';
import { Doorbells } from '../../vm/doorbell.js';
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { E1000Device } from './device.js';
import { E1000Driver } from './driver.js';
const REQUEST = 0;
const ANSWER = 1;
const IRQ = 2;
const OP_READ = 1;
const OP_WRITE = 2;
const OP_DONE = 3;
const OP_TIMED = 4;
const MAC = 0x52_54_00_00_00_01;
export async function runMmioBench(opts) {
    const mem = new GuestMemory(4 * 1024 * 1024);
    const bells = new Doorbells(4);
    const mailbox = new Int32Array(new SharedArrayBuffer(16));
    const samples = opts.latencySamples ?? 0;
    const result = new SharedArrayBuffer(8 * Math.max(1, samples));
    const pool = new PacketPool({ count: 512 });
    const tap = new Uint8Array(2048);
    let tapCopies = 0;
    const device = new E1000Device(mem, { mac: MAC }, {
        alloc: () => pool.alloc(),
        // Out of the VMM through its TAP: the write copies the frame into the host kernel.
        transmit: (p) => { tap.set(p.buf.subarray(p.off, p.off + p.len)); tapCopies++; pool.free(p); },
        discard: (p) => pool.free(p),
        interrupt: () => bells.ring(IRQ),
    });
    const w = startWorker(siblingModule(import.meta.url, 'mmio-bench'), { e1000Bench: true, ram: mem.sab, bells: bells.sab, mailbox: mailbox.buffer, result, opts });
    const exited = once(w, 'exit');
    let seen = 0;
    let t0 = 0;
    let seconds = 0;
    let at0 = { traps: 0, interrupts: 0, copies: 0 };
    let atEnd = at0;
    for (;;) {
        seen = bells.wait(REQUEST, seen, 5000);
        const op = Atomics.load(mailbox, 0);
        if (op === 0)
            continue; // woken without a request (timeout)
        if (op === OP_DONE)
            break;
        if (op === OP_READ)
            mailbox[3] = device.read(Atomics.load(mailbox, 1));
        else if (op === OP_WRITE)
            device.write(Atomics.load(mailbox, 1), Atomics.load(mailbox, 2));
        else if (op === OP_TIMED) {
            // The guest starts (value 1) and ends (value 2) the timed run.
            const snap = { traps: device.traps, interrupts: device.interrupts, copies: device.copies + tapCopies };
            if (Atomics.load(mailbox, 2) === 1) {
                t0 = performance.now();
                at0 = snap;
            }
            else {
                seconds = (performance.now() - t0) / 1000;
                atEnd = snap;
            }
        }
        Atomics.store(mailbox, 0, 0);
        bells.ring(ANSWER);
    }
    await exited;
    const lat = Float64Array.from(new Float64Array(result, 0, samples)).sort();
    const pick = (q) => lat[Math.min(samples - 1, Math.floor(samples * q))] ?? 0;
    return {
        mpps: opts.packets / seconds / 1e6,
        traps: atEnd.traps - at0.traps,
        interrupts: atEnd.interrupts - at0.interrupts,
        copies: atEnd.copies - at0.copies,
        latencyP50Us: pick(0.5),
        latencyP99Us: pick(0.99),
    };
}
/** The vCPU's view of the BAR: every access waits for the VMM thread. */
class ExitingMmio {
    #box;
    #bells;
    constructor(box, bells) {
        this.#box = box;
        this.#bells = bells;
    }
    exit(op, offset, value) {
        const box = this.#box;
        Atomics.store(box, 1, offset);
        Atomics.store(box, 2, value);
        const seen = this.#bells.read(ANSWER);
        Atomics.store(box, 0, op);
        this.#bells.ring(REQUEST);
        let now = seen;
        while (now === seen)
            now = this.#bells.wait(ANSWER, seen, 5000);
        return Atomics.load(box, 3) >>> 0;
    }
    read(offset) {
        return this.exit(OP_READ, offset, 0);
    }
    write(offset, value) {
        this.exit(OP_WRITE, offset, value);
    }
}
function guestThread(init) {
    const mem = GuestMemory.attach(init.ram);
    const bells = new Doorbells(init.bells);
    const mmio = new ExitingMmio(new Int32Array(init.mailbox), bells);
    const { opts } = init;
    const driver = new E1000Driver(mmio, mem, new GuestAllocator(mem), { receive: () => { } });
    driver.init();
    const frame = new Uint8Array(opts.frameBytes);
    frame.fill(0xff, 0, 6);
    frame.set([0x52, 0x54, 0, 0, 0, 1], 6);
    let irqSeen = bells.read(IRQ);
    // Runs the interrupt handler if the line was raised since last time; with `wait`, sleeps for it first.
    const serviceIrq = (wait) => {
        let now = bells.read(IRQ);
        if (wait)
            while (now === irqSeen)
                now = bells.wait(IRQ, irqSeen, 5000);
        if (now === irqSeen)
            return;
        irqSeen = now;
        driver.interrupt();
    };
    mmio.exit(OP_TIMED, 0, 1);
    let sent = 0;
    while (sent < opts.packets) {
        let k = 0;
        while (k < opts.batch && sent < opts.packets && driver.transmit(frame, 0, frame.length)) {
            k++;
            sent++;
        }
        driver.flush();
        serviceIrq(k === 0);
    }
    mmio.exit(OP_TIMED, 0, 2);
    const samples = opts.latencySamples ?? 0;
    const lat = new Float64Array(init.result, 0, samples);
    for (let i = 0; i < samples; i++) {
        const t = performance.now();
        driver.transmit(frame, 0, frame.length);
        driver.flush();
        serviceIrq(true);
        lat[i] = (performance.now() - t) * 1000;
    }
    Atomics.store(new Int32Array(init.mailbox), 0, OP_DONE);
    bells.ring(REQUEST);
}
if (!isMainThread && workerData?.e1000Bench === true)
    guestThread(workerData);
//# sourceMappingURL=mmio-bench.js.map