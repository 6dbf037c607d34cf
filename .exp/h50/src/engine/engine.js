import { VirtualClock } from './clock.js';
import { DEFAULT_LINK_CAPACITY, Link } from './link.js';
import { PacketPool } from './packet.js';
import { Tracer } from './trace.js';
/** An app graph as data: apps by name, and links written "from.port -> to.port". */
export class Graph {
    apps = new Map();
    links = new Set();
    app(name, cls, conf) {
        if (!/^[A-Za-z0-9_][A-Za-z0-9_\-/:]*$/.test(name))
            throw new Error(`graph: bad app name ${JSON.stringify(name)} (letters, digits, _ - / :)`);
        if (this.apps.has(name))
            throw new Error(`graph: app ${name} defined twice`);
        this.apps.set(name, { app: cls, conf });
        return this;
    }
    /** Adds a link, "a.out -> b.in"; the port names are free-form. */
    link(spec) {
        const parsed = parseLinkSpec(spec);
        this.links.add(`${parsed.from.app}.${parsed.from.port} -> ${parsed.to.app}.${parsed.to.port}`);
        return this;
    }
    /** Adds links both ways between two ports, as a cable would. */
    connect(a, b) {
        return this.link(`${a} -> ${b}`).link(`${b} -> ${a}`);
    }
}
export function parseLinkSpec(spec) {
    const m = /^\s*([^\s.]+)\.(\S+)\s*->\s*([^\s.]+)\.(\S+)\s*$/.exec(spec);
    if (!m)
        throw new Error(`graph: bad link ${JSON.stringify(spec)}, expected "app.port -> app.port"`);
    return { from: { app: m[1], port: m[2] }, to: { app: m[3], port: m[4] } };
}
/**
 * A callback its owner asks for again and again at the next breath (a virtio kick, an
 * interrupt): made once, so asking allocates nothing, where `at(now, fn)` makes a timer, a
 * handle and a closure each time. It behaves as `at(now, fn)` does: it runs among the timers
 * due, in the order it was asked (asked from inside a timer, in the same pass); asked again
 * while pending, it still runs once.
 */
export class NextBreath {
    timer;
    constructor(fn) {
        this.timer = { at: 0, seq: 0, fn, cancelled: false, queued: false };
    }
    get pending() {
        return this.timer.queued && !this.timer.cancelled;
    }
}
export class Engine {
    clock;
    pool;
    tracer;
    linkCapacity;
    breathCost;
    passCost;
    maxPushPasses;
    #virtualClock;
    apps = new Map();
    links = new Map();
    #specs = new Map();
    #pullApps = [];
    #pushApps = [];
    #pushInputs = [];
    #linkList = [];
    #timers = [];
    #tickTimers = new Map();
    #timerSeq = 0;
    breaths = 0;
    /** Bumped by every `configure()`: an app that caches something it learnt by walking the graph recomputes it when this changes. */
    graphVersion = 0;
    /** Packets that were queued on links removed by a reconfiguration. */
    linkRemovalDrops = 0;
    /** Breaths that ended with packets still queued because `maxPushPasses` was reached. */
    pushPassLimitHits = 0;
    constructor(options = {}) {
        this.clock = options.clock ?? new VirtualClock();
        this.pool = options.pool ?? new PacketPool();
        this.linkCapacity = options.linkCapacity ?? DEFAULT_LINK_CAPACITY;
        this.breathCost = options.breathCost ?? 1000;
        this.passCost = options.passCost ?? 1000;
        this.#virtualClock = this.clock instanceof VirtualClock ? this.clock : null;
        this.maxPushPasses = options.maxPushPasses ?? 64;
        this.tracer = new Tracer(() => this.clock.now());
    }
    now() {
        return this.clock.now();
    }
    app(name) {
        const a = this.apps.get(name);
        if (a === undefined)
            throw new Error(`engine: no app named ${name}`);
        return a;
    }
    /** Applies a new graph, changing only what differs from the running one. */
    configure(graph) {
        for (const spec of graph.links) {
            const { from, to } = parseLinkSpec(spec);
            if (!graph.apps.has(from.app))
                throw new Error(`engine: link ${spec} starts at unknown app ${from.app}`);
            if (!graph.apps.has(to.app))
                throw new Error(`engine: link ${spec} ends at unknown app ${to.app}`);
        }
        const touched = new Set();
        // Remove links that are gone (or whose apps will be restarted below).
        const restart = new Set();
        for (const [name, spec] of graph.apps) {
            const old = this.#specs.get(name);
            if (old === undefined)
                continue;
            if (old.app !== spec.app)
                restart.add(name);
            else if (!sameConf(old.conf, spec.conf) && this.apps.get(name).reconfig === undefined)
                restart.add(name);
        }
        for (const [key, link] of [...this.links]) {
            if (!graph.links.has(key) || !graph.apps.has(link.from.app) || !graph.apps.has(link.to.app) || restart.has(link.from.app) || restart.has(link.to.app)) {
                this.#unlink(key, link);
                touched.add(link.from.app);
                touched.add(link.to.app);
            }
        }
        // Stop removed and restarted apps.
        for (const [name, app] of [...this.apps]) {
            if (!graph.apps.has(name) || restart.has(name)) {
                app.stop?.();
                this.apps.delete(name);
                this.#specs.delete(name);
                this.#cancelTick(name);
                touched.delete(name);
            }
        }
        // Start new apps, reconfigure changed ones.
        for (const [name, spec] of graph.apps) {
            const old = this.#specs.get(name);
            if (old === undefined) {
                const app = new spec.app({ engine: this, name }, spec.conf);
                this.apps.set(name, app);
                this.#specs.set(name, spec);
                this.#scheduleTick(app);
                touched.add(name);
            }
            else if (!sameConf(old.conf, spec.conf)) {
                const app = this.apps.get(name);
                app.reconfig(spec.conf);
                app.conf = spec.conf;
                this.#specs.set(name, spec);
                this.#cancelTick(name);
                this.#scheduleTick(app);
            }
        }
        // Create new links.
        for (const key of graph.links) {
            if (this.links.has(key))
                continue;
            const { from, to } = parseLinkSpec(key);
            const link = new Link(from, to, this.linkCapacity);
            link.recordTrace = (p, l) => this.tracer.hop(p, l);
            const src = this.apps.get(from.app);
            const dst = this.apps.get(to.app);
            if (src.output[from.port] !== undefined)
                throw new Error(`engine: ${from.app}.${from.port} already has an output link`);
            if (dst.input[to.port] !== undefined)
                throw new Error(`engine: ${to.app}.${to.port} already has an input link`);
            src.output[from.port] = link;
            dst.input[to.port] = link;
            this.links.set(key, link);
            touched.add(from.app);
            touched.add(to.app);
        }
        this.graphVersion++;
        for (const name of touched)
            this.apps.get(name)?.relink?.();
        this.#rebuildSchedule();
    }
    #unlink(key, link) {
        this.linkRemovalDrops += link.drain();
        const src = this.apps.get(link.from.app);
        const dst = this.apps.get(link.to.app);
        if (src && src.output[link.from.port] === link)
            delete src.output[link.from.port];
        if (dst && dst.input[link.to.port] === link)
            delete dst.input[link.to.port];
        this.links.delete(key);
    }
    #rebuildSchedule() {
        const apps = [...this.apps.values()];
        this.#pullApps = apps.filter((a) => typeof a.pull === 'function');
        this.#pushApps = apps.filter((a) => typeof a.push === 'function');
        this.#pushInputs = this.#pushApps.map((a) => Object.values(a.input));
        this.#linkList = [...this.links.values()];
    }
    /** Runs `fn` at engine time `at` (or at the next breath if that is already past). */
    at(at, fn) {
        const t = { at, seq: this.#timerSeq++, fn, cancelled: false, queued: true };
        heapPush(this.#timers, t);
        return { cancel: () => { t.cancelled = true; } };
    }
    /** Runs `task` at the next breath (see `NextBreath`); a no-op while it is pending. */
    soon(task) {
        const t = task.timer;
        if (t.queued) {
            // Still in the heap, due now or earlier: it only needs to be wanted again.
            t.cancelled = false;
            return;
        }
        t.at = this.clock.now();
        t.seq = this.#timerSeq++;
        t.cancelled = false;
        t.queued = true;
        heapPush(this.#timers, t);
    }
    /** Withdraws a pending `soon(task)`. */
    cancelSoon(task) {
        task.timer.cancelled = true;
    }
    /** Runs `fn` after `delay` nanoseconds of engine time. */
    after(delay, fn) {
        return this.at(this.clock.now() + delay, fn);
    }
    #scheduleTick(app) {
        if (app.tick === undefined || app.tickInterval <= 0)
            return;
        const run = () => {
            if (this.apps.get(app.name) !== app)
                return;
            app.tick(this.clock.now());
            const next = { at: this.clock.now() + app.tickInterval, seq: this.#timerSeq++, fn: run, cancelled: false, queued: true };
            this.#tickTimers.set(app.name, next);
            heapPush(this.#timers, next);
        };
        const first = { at: this.clock.now() + app.tickInterval, seq: this.#timerSeq++, fn: run, cancelled: false, queued: true };
        this.#tickTimers.set(app.name, first);
        heapPush(this.#timers, first);
    }
    #cancelTick(name) {
        const t = this.#tickTimers.get(name);
        if (t)
            t.cancelled = true;
        this.#tickTimers.delete(name);
    }
    /** Time of the next pending timer, or Infinity. */
    nextTimer() {
        while (this.#timers.length > 0 && this.#timers[0].cancelled)
            heapPop(this.#timers).queued = false;
        return this.#timers.length > 0 ? this.#timers[0].at : Infinity;
    }
    #fireTimers(now) {
        let fired = false;
        while (this.#timers.length > 0 && this.#timers[0].at <= now) {
            const t = heapPop(this.#timers);
            t.queued = false;
            if (t.cancelled)
                continue;
            fired = true;
            t.fn();
        }
        return fired;
    }
    /** One breath. Returns true when anything happened (a timer fired or a packet was pushed). */
    breathe() {
        // Keeps every link's ring indices small integers (see Link.rebase). Between two calls, 1,024
        // breaths move at most 1,024 x (maxPushPasses + 1) x capacity packets through a link, 68
        // million with the defaults, far below the 2^30 of headroom.
        if ((++this.breaths & 0x3ff) === 0) {
            const links = this.#linkList;
            for (let i = 0; i < links.length; i++)
                links[i].rebase();
        }
        const timers = this.#timers;
        let busy = timers.length > 0 && timers[0].at <= this.clock.now() && this.#fireTimers(this.clock.now());
        const pulls = this.#pullApps;
        for (let i = 0; i < pulls.length; i++)
            pulls[i].pull();
        const pushes = this.#pushApps;
        const inputs = this.#pushInputs;
        const maxPasses = this.maxPushPasses;
        const clock = this.passCost > 0 ? this.#virtualClock : null;
        let pass = 0;
        for (; pass < maxPasses; pass++) {
            let moved = false;
            for (let i = 0; i < pushes.length; i++) {
                const ins = inputs[i];
                for (let j = 0; j < ins.length; j++) {
                    if (!ins[j].empty()) {
                        pushes[i].push();
                        moved = true;
                        break;
                    }
                }
            }
            if (!moved)
                break;
            busy = true;
            if (clock !== null)
                clock.advance(this.passCost);
        }
        if (pass === maxPasses && this.#anyQueued())
            this.pushPassLimitHits++;
        return busy;
    }
    #anyQueued() {
        const links = this.#linkList;
        for (let i = 0; i < links.length; i++)
            if (!links[i].empty())
                return true;
        return false;
    }
    /**
     * Runs until `done()` is true or `maxTime` nanoseconds of engine time pass.
     * On the virtual clock, idle stretches are skipped; when nothing is left to happen the run ends.
     * Returns true when `done()` became true.
     */
    runUntil(done, maxTime) {
        const clock = this.clock;
        const end = clock.now() + maxTime;
        while (!done()) {
            if (clock.now() >= end)
                return false;
            const busy = this.breathe();
            if (clock instanceof VirtualClock) {
                if (busy || this.#anyQueued() || this.#pullApps.length > 0) {
                    clock.advanceTo(Math.min(end, clock.now() + this.breathCost));
                }
                else {
                    const next = this.nextTimer();
                    if (next === Infinity)
                        return done();
                    clock.advanceTo(Math.min(end, Math.max(next, clock.now())));
                }
            }
        }
        return true;
    }
    /** Runs for `duration` nanoseconds of engine time. */
    runFor(duration) {
        this.runUntil(() => false, duration);
    }
    /** Runs a fixed number of breaths without touching the clock (benchmarks, tests). */
    runBreaths(n) {
        for (let i = 0; i < n; i++)
            this.breathe();
    }
    /** Packets queued on all links. */
    queued() {
        let n = 0;
        for (const l of this.links.values())
            n += l.queued;
        return n;
    }
    /** Stops every app and frees queued packets. */
    stop() {
        for (const [key, link] of [...this.links])
            this.#unlink(key, link);
        for (const app of this.apps.values())
            app.stop?.();
        this.apps.clear();
        this.#specs.clear();
        this.#tickTimers.clear();
        for (const t of this.#timers)
            t.queued = false;
        this.#timers.length = 0;
        this.#rebuildSchedule();
    }
}
function sameConf(a, b) {
    if (a === b)
        return true;
    try {
        return JSON.stringify(a) === JSON.stringify(b);
    }
    catch {
        return false;
    }
}
function before(a, b) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
function heapPush(h, t) {
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(h[i], h[parent]))
            break;
        [h[i], h[parent]] = [h[parent], h[i]];
        i = parent;
    }
}
function heapPop(h) {
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
        h[0] = last;
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < h.length && before(h[l], h[m]))
                m = l;
            if (r < h.length && before(h[r], h[m]))
                m = r;
            if (m === i)
                break;
            [h[i], h[m]] = [h[m], h[i]];
            i = m;
        }
    }
    return top;
}
//# sourceMappingURL=engine.js.map