/**
 * The virtqueue between two threads, for benchmarks and `compare nics --guest worker`: a guest driver
 * in a worker posts transmit buffers, the device side in the calling thread takes each and returns it.
 * `batch` chains are published per avail.idx store and per used.idx store; each side sleeps on its
 * doorbell (Atomics.wait) only after re-enabling notifications and finding nothing, so kicks and
 * interrupts are the real notification counts of the protocol, with or without RING_EVENT_IDX. The
 * ring code is the same DriverQueue/DeviceQueue the lab NICs use.
 *
 * What the device side does with a frame is the backend's work (placements.ts):
 *   vhost-net   one copy out of guest RAM into a switch buffer; sleeps on kicks when idle (default)
 *   vmm         the virtio device in the VMM: a copy into a VMM buffer, then a second into the TAP's
 *   vhost-user  one copy, as a poll-mode backend: it never re-enables kicks and spins while idle
 * After the timed run the guest does `latencySamples` single-frame round trips (post, kick if asked,
 * wait for the used entry), timed in the guest thread.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import { once } from 'node:events';
import { Doorbells } from '../../vm/doorbell.js';
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { siblingModule, startWorker } from '../../vm/worker.js';
import { Chain, DeviceQueue, DriverQueue, allocateVirtqueue } from './virtqueue.js';
const KICK = 0;
const IRQ = 1;
const START = 2;
/** Runs one measurement; the driver thread is started and stopped inside. */
export async function runRingBench(opts) {
    const size = opts.queueSize ?? 256;
    const frame = opts.frameBytes ?? 64;
    const mem = new GuestMemory(1 << 22);
    const alloc = new GuestAllocator(mem);
    const addrs = allocateVirtqueue(alloc, size);
    const bufs = alloc.alloc(size * frame, 64);
    const bells = new Doorbells(4);
    const samples = opts.latencySamples ?? 0;
    const result = new SharedArrayBuffer(8 + 8 * samples);
    const features = { eventIdx: opts.eventIdx, indirect: false };
    // The driver initialises the rings; do it here before either side starts.
    const layout = new DriverQueue(mem, addrs, features);
    void layout;
    const dev = new DeviceQueue(mem, addrs, features);
    const w = startWorker(siblingModule(import.meta.url, 'ring-bench'), { ram: mem.sab, bells: bells.sab, addrs, bufs, opts, result });
    const exited = once(w, 'exit');
    // Wait for the worker to be ready, then start.
    while (bells.read(START) === 0)
        await new Promise((r) => setTimeout(r, 1));
    const chain = new Chain(size);
    const vmmBuffer = new Uint8Array(2048);
    const tapBuffer = new Uint8Array(2048);
    const ramWords = new Int32Array(mem.sab);
    const vmmWords = new Int32Array(vmmBuffer.buffer);
    const tapWords = new Int32Array(tapBuffer.buffer);
    const batch = opts.batch;
    const backend = opts.backend ?? 'vhost-net';
    const poll = backend === 'vhost-user';
    const warmup = opts.warmupPackets ?? 0;
    const measuredEnd = warmup + opts.packets;
    const total = measuredEnd + samples;
    let done = 0;
    let doneAtStart = 0;
    let kicksAtStart = 0;
    let interruptsAtStart = 0;
    let measured = 0;
    let copies = 0;
    let seconds = 0;
    let kicksAtEnd = 0;
    let interruptsAtEnd = 0;
    if (poll)
        dev.disableNotify();
    else
        dev.enableNotify();
    let t0 = performance.now();
    bells.ring(START);
    while (done < total) {
        let k = 0;
        while (k < batch && dev.pop(chain, 'read') === 'chain') {
            const len = chain.len[0];
            if (copyFrame(ramWords, mem, chain.addr[0], len, vmmBuffer, vmmWords))
                copies++;
            if (backend === 'vmm' && len <= tapBuffer.length) {
                copyWords(vmmWords, 0, tapWords, len, vmmBuffer, tapBuffer);
                copies++;
            }
            dev.pushUsed(chain.head, 0);
            k++;
        }
        if (k > 0) {
            const before = done;
            done += k;
            if (dev.publishUsed())
                bells.ring(IRQ);
            if (warmup > 0 && before < warmup && done >= warmup) {
                t0 = performance.now();
                doneAtStart = done;
                kicksAtStart = bells.read(KICK);
                interruptsAtStart = dev.interrupts;
            }
            if (before < measuredEnd && done >= measuredEnd) {
                seconds = (performance.now() - t0) / 1000;
                measured = done - doneAtStart;
                kicksAtEnd = bells.read(KICK) - kicksAtStart;
                interruptsAtEnd = dev.interrupts - interruptsAtStart;
            }
            continue;
        }
        if (poll)
            continue;
        const seen = bells.read(KICK);
        if (!dev.enableNotify())
            bells.wait(KICK, seen, 50);
        dev.disableNotify();
    }
    await exited;
    const lat = Float64Array.from(new Float64Array(result, 8, samples)).sort();
    const pick = (q) => lat[Math.min(samples - 1, Math.floor(samples * q))] ?? 0;
    const perFrame = (x) => x * (opts.packets / Math.max(1, done));
    return {
        mpps: measured / seconds / 1e6,
        kicks: kicksAtEnd,
        interrupts: interruptsAtEnd,
        notificationsPerPacket: (kicksAtEnd + interruptsAtEnd) / Math.max(1, measured),
        copies: perFrame(copies),
        latencyP50Us: pick(0.5),
        latencyP99Us: pick(0.99),
    };
}
/**
 * Copies a frame out of guest RAM the way memcpy would: by 32-bit words when the guest buffer and
 * length are word-aligned (the frames here are), since V8 copies shared memory one element at a
 * time and a byte loop costs several times a word loop; otherwise through GuestMemory's checked
 * byte copy. `pop` has already checked [addr, addr+len) against RAM. False when nothing was copied.
 */
function copyFrame(ramWords, mem, addr, len, dst, dstWords) {
    if (((addr | len) & 3) !== 0 || len > dst.length || addr + len > mem.size)
        return mem.copyOut(addr, len, dst, 0);
    copyWords(ramWords, addr >>> 2, dstWords, len, mem.bytes, dst);
    return true;
}
/** `len` bytes from word `srcWord` of `src` to the start of `dst`; a trailing part word goes by bytes. */
function copyWords(src, srcWord, dst, len, srcBytes, dstBytes) {
    const words = len >>> 2;
    for (let i = 0; i < words; i++)
        dst[i] = src[srcWord + i];
    const srcByte = srcWord * 4;
    for (let i = words * 4; i < len; i++)
        dstBytes[i] = srcBytes[srcByte + i];
}
function driverThread(init) {
    const mem = GuestMemory.attach(init.ram);
    const bells = new Doorbells(init.bells);
    const { opts, addrs } = init;
    const frame = opts.frameBytes ?? 64;
    const q = new DriverQueue(mem, addrs, { eventIdx: opts.eventIdx, indirect: false });
    // DriverQueue's constructor zeroes the rings: the device side was built over the same zeroed state.
    for (let i = 0; i < addrs.size * frame; i++)
        mem.bytes[init.bufs + i] = i & 0xff;
    q.disableInterrupts();
    bells.ring(START);
    let go = bells.read(START);
    while (go === 1)
        go = bells.wait(START, 1, 1000);
    let sent = 0;
    let slot = 0;
    const toSend = (opts.warmupPackets ?? 0) + opts.packets;
    while (sent < toSend) {
        while (q.pollUsed()) { /* the buffer is free again */ }
        let k = 0;
        while (k < opts.batch && sent < toSend && q.numFree > 0) {
            q.begin();
            q.add(init.bufs + slot * frame, frame, false);
            q.commit(slot);
            slot = (slot + 1) & (addrs.size - 1);
            k++;
            sent++;
        }
        if (k > 0) {
            if (q.publish())
                bells.ring(KICK);
            continue;
        }
        const seen = bells.read(IRQ);
        if (!q.enableInterrupts())
            bells.wait(IRQ, seen, 50);
        q.disableInterrupts();
    }
    // Round trips: one frame, then wait for its used entry (interrupts on while waiting).
    const samples = opts.latencySamples ?? 0;
    const lat = new Float64Array(init.result, 8, samples);
    let inFlight = addrs.size - q.numFree;
    const reap = () => {
        for (;;) {
            while (q.pollUsed())
                inFlight--;
            if (inFlight <= 0)
                break;
            const seen = bells.read(IRQ);
            if (!q.enableInterrupts())
                bells.wait(IRQ, seen, 50);
        }
        q.disableInterrupts();
    };
    reap();
    for (let i = 0; i < samples; i++) {
        const t = performance.now();
        q.begin();
        q.add(init.bufs + slot * frame, frame, false);
        q.commit(slot);
        slot = (slot + 1) & (addrs.size - 1);
        inFlight++;
        if (q.publish())
            bells.ring(KICK);
        reap();
        lat[i] = (performance.now() - t) * 1000;
    }
    new Int32Array(init.result, 0, 1)[0] = q.kicks;
}
if (!isMainThread && workerData?.addrs !== undefined)
    driverThread(workerData);
//# sourceMappingURL=ring-bench.js.map