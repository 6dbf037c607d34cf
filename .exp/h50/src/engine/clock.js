export class VirtualClock {
    virtual = true;
    #t;
    constructor(start = 0) {
        this.#t = start;
    }
    now() {
        return this.#t;
    }
    /** Moves time forward to `t`; moving backwards is a programming error. */
    advanceTo(t) {
        if (t < this.#t)
            throw new RangeError(`virtual clock: cannot go back from ${this.#t} to ${t}`);
        this.#t = t;
    }
    advance(dt) {
        this.advanceTo(this.#t + dt);
    }
}
export class RealClock {
    virtual = false;
    #origin = performance.now();
    now() {
        return Math.round((performance.now() - this.#origin) * 1e6);
    }
}
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
//# sourceMappingURL=clock.js.map