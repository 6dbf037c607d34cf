/**
 * Doorbells: notifications between threads, one 32-bit word each in a SharedArrayBuffer.
 *
 * A doorbell word is a counter: ringing adds one and wakes whoever waits on the word
 * (`Atomics.notify`), so the word itself counts the notifications ever sent. A waiter remembers
 * the value it last saw and sleeps only while the word still holds it (`Atomics.wait`), so a ring
 * between "check for work" and "sleep" is never lost. This is how a virtio driver kicks its device
 * and a device interrupts its driver across threads; the e1000 model uses it for its interrupt line.
 *
 * Waiting blocks the calling thread: fine in workers and in the main thread of a benchmark, never in
 * an engine breath of a lab (a lab with worker guests waits only on their lockstep control blocks,
 * never on a doorbell; see src/vm/vm.ts).
 */
export class Doorbells {
    sab;
    count;
    #words;
    /** `count` new doorbells, or a view of doorbells another thread created. */
    constructor(countOrBuffer) {
        if (typeof countOrBuffer === 'number') {
            if (!Number.isInteger(countOrBuffer) || countOrBuffer < 1)
                throw new RangeError(`doorbells: count must be a positive integer, got ${countOrBuffer}`);
            this.sab = new SharedArrayBuffer(countOrBuffer * 4);
        }
        else {
            this.sab = countOrBuffer;
        }
        this.#words = new Int32Array(this.sab);
        this.count = this.#words.length;
    }
    #index(i) {
        if (!Number.isInteger(i) || i < 0 || i >= this.count)
            throw new RangeError(`doorbells: no doorbell ${i} (have ${this.count})`);
        return i;
    }
    /** Rings doorbell `i`: counts one notification and wakes its waiters. */
    ring(i) {
        const k = this.#index(i);
        Atomics.add(this.#words, k, 1);
        Atomics.notify(this.#words, k);
    }
    /** Notifications sent on doorbell `i` so far (wraps at 2^32, compare with `!==`). */
    read(i) {
        return Atomics.load(this.#words, this.#index(i));
    }
    /** Sleeps while doorbell `i` still reads `seen`, up to `timeoutMs`; returns the new value. */
    wait(i, seen, timeoutMs) {
        const k = this.#index(i);
        Atomics.wait(this.#words, k, seen, timeoutMs);
        return Atomics.load(this.#words, k);
    }
}
//# sourceMappingURL=doorbell.js.map