/**
 * Lockstep between a lab's engine and a guest running in its own worker thread, the way a VMM runs
 * a vCPU: the guest only runs when the VMM lets it, and every register access it makes stops it
 * until the VMM has performed the access.
 *
 * The mailbox is one small control block (a SharedArrayBuffer seen as Int32 and Float64 words):
 *   STATE   who has the turn: the VMM writes BREATH (run one breath at TIME), COMMAND (take the
 *           structured command waiting on the message port) or STOP; the guest writes EXIT (perform
 *           OP on DEVICE with ARGS, answer in RESULT), DONE or FAILED. The VMM answers an exit with
 *           EXIT_DONE. Each side sleeps on STATE with `Atomics.wait` while it holds the other's value.
 *   TIME    virtual time of the breath the VMM asks for; NEXT the guest engine's next timer after it.
 *   BUSY    1 when the guest still had packets queued after its breath (it wants another one now).
 *   LIVE[i] the VMM's mirror of "device i is live", refreshed after every exit and before every breath.
 *   IRQ[i]  interrupt count of device i, bumped by the VMM; the guest compares it with what it saw.
 *   EVENTS  messages the guest posted (replies, ping progress, UDP datagrams for the VMM's handlers),
 *           so the VMM only reads its port when there is something there.
 *
 * Messages (`postMessage` one way, `receiveMessageOnPort` the other, synchronously) carry only rare
 * structured things: commands while the guest is parked between breaths and their replies. Packets
 * never cross as messages: they cross through guest RAM, the device's rings and the exits.
 *
 * Invariant: at most one side runs at a time, so the guest engine and the lab engine interleave in
 * one fixed order and a run is as deterministic as a single-threaded one. A guest that does not
 * answer within WAIT_LIMIT_MS (a crashed worker) is an error, never a hang.
 *
 * Cost: each hand-over is a futex wake-up. Measured on a shared 2-core machine (compiled, a VM pair
 * pinging across a bridge, 2000 pings, median of 5): a worker guest takes 3 breaths and 1 exit per
 * ping, and the run costs about 0.6 ms of CPU per ping against 0.06 ms inline. Spinning on STATE
 * before sleeping (2000 or 20000 loads) made it slower there, so both sides sleep at once.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { startWorker } from './worker.js';
const STATE = 0;
const OP = 1;
const DEVICE = 2;
const EVENTS = 3;
const BUSY = 4;
/** Devices (NICs) one guest thread may have. */
export const MAX_GUEST_DEVICES = 8;
const LIVE = 8;
const IRQ = 16;
const TIME = 16; // Float64 index (byte 128)
const NEXT = 17;
const ARGS = 18;
const RESULT = 23;
const BYTES = 24 * 8;
const S_IDLE = 0;
const S_BREATH = 1;
const S_COMMAND = 2;
const S_EXIT = 3;
const S_EXIT_DONE = 4;
const S_DONE = 5;
const S_FAILED = 6;
const S_STOP = 7;
const S_START = 8;
const WAIT_LIMIT_MS = 60_000;
/** The lab (VMM) side of one guest thread. */
export class GuestThread {
    name;
    control;
    threadId;
    #i32;
    #f64;
    #worker;
    #port;
    #serve;
    #onEvent;
    #args;
    #eventsSeen = 0;
    #reply = null;
    #stopped = false;
    /** Handovers to the guest (breaths and commands) and exits served. */
    breaths = 0;
    commands = 0;
    exits = 0;
    /**
     * Starts `moduleUrl` in a worker with `data` (plus `control` and `port`) and waits until the guest
     * has built itself, serving the exits its drivers make while they set their devices up.
     */
    constructor(name, control, moduleUrl, data, serve, onEvent) {
        if (control.byteLength !== BYTES)
            throw new Error(`guest thread ${name}: the control block must come from GuestThread.controlBlock()`);
        this.name = name;
        this.#serve = serve;
        this.#onEvent = onEvent;
        this.control = control;
        this.#i32 = new Int32Array(this.control);
        this.#f64 = new Float64Array(this.control);
        this.#args = this.#f64.subarray(ARGS, ARGS + 5);
        this.#i32[STATE] = S_START;
        const { port1, port2 } = new MessageChannel();
        this.#port = port1;
        this.#worker = startWorker(moduleUrl, { ...data, control: this.control, port: port2 }, [port2]);
        this.threadId = this.#worker.threadId;
        // Neither keeps the process alive: a lab that is never stopped must not hang `node --test`.
        this.#worker.unref();
        port1.unref();
        this.#run(S_START);
    }
    /** A new control block, to hand to the constructor (interrupts may be raised on it before the guest exists). */
    static controlBlock() {
        return new SharedArrayBuffer(BYTES);
    }
    /** Marks device `i` live or not for the guest's driver (no exit needed to read it). */
    static setLive(control, i, live) {
        Atomics.store(control, LIVE + i, live ? 1 : 0);
    }
    /** Raises an interrupt of device `i`: the guest sees it at its next breath (or its next look). */
    static interrupt(control, i) {
        Atomics.add(control, IRQ + i, 1);
    }
    /** Runs one guest breath at virtual time `t`, serving its exits; then `next` and `busy` tell what it wants. */
    breathe(t) {
        this.#f64[TIME] = t;
        this.breaths++;
        this.#run(S_BREATH);
    }
    /** The guest still had packets queued after its last breath: it wants another one now. */
    get busy() {
        return Atomics.load(this.#i32, BUSY) === 1;
    }
    /** Sends a structured command to the parked guest at virtual time `t` and returns its reply (throws the guest's error). */
    command(message, t) {
        this.#f64[TIME] = t;
        this.commands++;
        this.#reply = null;
        this.#port.postMessage(message);
        this.#run(S_COMMAND);
        const r = this.#reply;
        this.#reply = null;
        if (r === null)
            throw new Error(`guest thread ${this.name}: no reply to a command`);
        if (r.error !== undefined)
            throw new Error(r.error);
        return r.value;
    }
    /** The guest engine's next timer as of its last breath or command. */
    get next() {
        return this.#f64[NEXT];
    }
    /** Ends the guest thread; safe to call twice. */
    stop() {
        if (this.#stopped)
            return;
        this.#stopped = true;
        Atomics.store(this.#i32, STATE, S_STOP);
        Atomics.notify(this.#i32, STATE);
        void this.#worker.terminate();
        this.#port.close();
    }
    get stopped() {
        return this.#stopped;
    }
    #run(request) {
        if (this.#stopped)
            throw new Error(`guest thread ${this.name}: already stopped`);
        const i32 = this.#i32;
        let mine = request;
        if (request !== S_START) {
            Atomics.store(i32, STATE, request);
            Atomics.notify(i32, STATE);
        }
        const args = this.#args;
        let waited = 0;
        for (;;) {
            const r = Atomics.wait(i32, STATE, mine, 1000);
            const s = Atomics.load(i32, STATE);
            if (s === mine) {
                if (r === 'timed-out' && (waited += 1000) >= WAIT_LIMIT_MS)
                    throw new Error(`guest thread ${this.name}: no answer within ${WAIT_LIMIT_MS / 1000} s`);
                continue;
            }
            if (s === S_EXIT) {
                this.exits++;
                this.#f64[RESULT] = this.#serve(i32[OP], i32[DEVICE], args);
                mine = S_EXIT_DONE;
                Atomics.store(i32, STATE, S_EXIT_DONE);
                Atomics.notify(i32, STATE);
                continue;
            }
            this.#drain();
            if (s === S_DONE)
                return;
            if (s === S_FAILED) {
                this.stop();
                throw new Error(`guest thread ${this.name} failed: ${this.#reply?.error ?? 'no reason given'}`);
            }
            throw new Error(`guest thread ${this.name}: unexpected state ${s}`);
        }
    }
    /** Reads every message the guest posted: replies are kept for `command`, the rest go to `onEvent`. */
    #drain() {
        while (Atomics.load(this.#i32, EVENTS) !== this.#eventsSeen) {
            const m = receiveMessageOnPort(this.#port);
            if (m === undefined)
                break;
            this.#eventsSeen++;
            const msg = m.message;
            if (msg.reply !== undefined)
                this.#reply = msg.reply;
            else
                this.#onEvent(m.message);
        }
    }
}
/** The guest (worker) side: exits to the VMM, and the loop that waits for turns. */
export class GuestThreadEnd {
    #i32;
    #f64;
    #port;
    #irqSeen = new Int32Array(MAX_GUEST_DEVICES);
    constructor(control, port) {
        this.#i32 = new Int32Array(control);
        this.#f64 = new Float64Array(control);
        this.#port = port;
    }
    /** The mirrored liveness words (for ExitingVirtioDevice) and the index of device `i` in them. */
    get words() {
        return this.#i32;
    }
    liveIndex(i) {
        return LIVE + i;
    }
    /** A synchronous exit: the VMM performs `op` and this returns its answer. */
    exit(op, device, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0) {
        const i32 = this.#i32;
        const f = this.#f64;
        i32[OP] = op;
        i32[DEVICE] = device;
        f[ARGS] = a0;
        f[ARGS + 1] = a1;
        f[ARGS + 2] = a2;
        f[ARGS + 3] = a3;
        f[ARGS + 4] = a4;
        Atomics.store(i32, STATE, S_EXIT);
        Atomics.notify(i32, STATE);
        while (Atomics.load(i32, STATE) === S_EXIT)
            Atomics.wait(i32, STATE, S_EXIT);
        return f[RESULT];
    }
    /** True (once per interrupt batch) when device `i` raised an interrupt since the last look. */
    takeInterrupt(i) {
        const now = Atomics.load(this.#i32, IRQ + i);
        if (now === this.#irqSeen[i])
            return false;
        this.#irqSeen[i] = now;
        return true;
    }
    /** Posts an event for the VMM's handlers (a ping's progress, a datagram for a bound port). */
    post(message) {
        this.#port.postMessage(message);
        Atomics.add(this.#i32, EVENTS, 1);
    }
    /**
     * Builds the guest with `build` (its exits served by the VMM, which is waiting), then gives the
     * VMM its turns until it says stop. Errors are reported to the VMM, never left to hang it.
     */
    serve(build) {
        const i32 = this.#i32;
        let turns;
        try {
            turns = build();
        }
        catch (e) {
            return this.#fail(e);
        }
        this.#finish(turns);
        for (;;) {
            let s = Atomics.load(i32, STATE);
            while (s === S_DONE || s === S_IDLE) {
                Atomics.wait(i32, STATE, s);
                s = Atomics.load(i32, STATE);
            }
            if (s === S_STOP)
                return;
            try {
                if (s === S_BREATH) {
                    i32[BUSY] = turns.breathe(this.#f64[TIME]) ? 1 : 0;
                    this.#f64[NEXT] = turns.nextTimer();
                }
                else if (s === S_COMMAND) {
                    const m = receiveMessageOnPort(this.#port);
                    let reply;
                    try {
                        reply = { value: m === undefined ? undefined : turns.command(m.message, this.#f64[TIME]) };
                    }
                    catch (e) {
                        reply = { error: e.message };
                    }
                    this.post({ reply });
                    this.#finish(turns);
                    continue;
                }
            }
            catch (e) {
                return this.#fail(e);
            }
            Atomics.store(i32, STATE, S_DONE);
            Atomics.notify(i32, STATE);
        }
    }
    /** Ends a turn that was not a breath: the next timer may have moved (a command started a ping). */
    #finish(turns) {
        this.#f64[NEXT] = turns.nextTimer();
        Atomics.store(this.#i32, STATE, S_DONE);
        Atomics.notify(this.#i32, STATE);
    }
    #fail(e) {
        this.post({ reply: { error: e instanceof Error ? (e.stack ?? e.message) : String(e) } });
        Atomics.store(this.#i32, STATE, S_FAILED);
        Atomics.notify(this.#i32, STATE);
    }
}
//# sourceMappingURL=lockstep.js.map