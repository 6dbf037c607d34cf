/**
 * The engine: runs an app graph in breaths and reconfigures it by difference.
 *
 * A breath (Snabb's term) is: fire due timers and ticks, call every `pull()`, then call
 * `push()` on apps whose inputs hold packets, pass after pass, until the links are empty
 * or `maxPushPasses` is reached (a forwarding loop then keeps its packets for the next
 * breath instead of spinning forever). On the virtual clock a breath that moved packets
 * costs `breathCost` nanoseconds, each push pass `passCost` more (so a frame crossing k apps
 * takes about k passes: a simple, deterministic model of per-hop latency), and an idle engine
 * jumps straight to its next timer, so runs are deterministic and idle time is free.
 *
 * `configure(graph)` compares the new graph with the running one: unchanged apps and links
 * stay (with their queued packets and counters), changed apps get `reconfig()` or are
 * restarted, and only removed links lose their queued packets (counted in `linkRemovalDrops`).
 */
import { App, type AppClass } from './app.js';
import { type Clock, VirtualClock } from './clock.js';
import { DEFAULT_LINK_CAPACITY, Link } from './link.js';
import { PacketPool } from './packet.js';
import { Tracer } from './trace.js';

export interface AppSpec {
  readonly app: AppClass;
  readonly conf?: unknown;
}

/** An app graph as data: apps by name, and links written "from.port -> to.port". */
export class Graph {
  readonly apps = new Map<string, AppSpec>();
  readonly links = new Set<string>();

  app<C>(name: string, cls: AppClass<C>, conf?: C): this {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_\-/:]*$/.test(name)) throw new Error(`graph: bad app name ${JSON.stringify(name)} (letters, digits, _ - / :)`);
    if (this.apps.has(name)) throw new Error(`graph: app ${name} defined twice`);
    this.apps.set(name, { app: cls, conf });
    return this;
  }

  /** Adds a link, "a.out -> b.in"; the port names are free-form. */
  link(spec: string): this {
    const parsed = parseLinkSpec(spec);
    this.links.add(`${parsed.from.app}.${parsed.from.port} -> ${parsed.to.app}.${parsed.to.port}`);
    return this;
  }

  /** Adds links both ways between two ports, as a cable would. */
  connect(a: string, b: string): this {
    return this.link(`${a} -> ${b}`).link(`${b} -> ${a}`);
  }
}

export function parseLinkSpec(spec: string): { from: { app: string; port: string }; to: { app: string; port: string } } {
  const m = /^\s*([^\s.]+)\.(\S+)\s*->\s*([^\s.]+)\.(\S+)\s*$/.exec(spec);
  if (!m) throw new Error(`graph: bad link ${JSON.stringify(spec)}, expected "app.port -> app.port"`);
  return { from: { app: m[1]!, port: m[2]! }, to: { app: m[3]!, port: m[4]! } };
}

export interface EngineOptions {
  clock?: Clock;
  pool?: PacketPool;
  linkCapacity?: number;
  /** Virtual nanoseconds one busy breath costs. */
  breathCost?: number;
  /** Virtual nanoseconds each push pass that moved packets costs: a model of per-hop latency. */
  passCost?: number;
  maxPushPasses?: number;
  /**
   * On a clock that is not virtual, how `runUntil` waits when a breath moved nothing and nothing
   * is queued, instead of breathing again at once (see `IdleWait`). Without it, it breathes on.
   */
  idleWait?: IdleWait;
}

/**
 * A way for `runUntil` on the wall clock to sleep until input arrives: `arm` is called before
 * each breath (it notes the state of whatever signals new input, so input that arrives during
 * the breath is not missed) and `wait` after a breath that moved nothing, for at most `maxNs`.
 */
export interface IdleWait {
  arm(): void;
  wait(maxNs: number): void;
}

/** Longest single idle wait in `runUntil`: input that does not signal is still seen this soon. */
const MAX_IDLE_WAIT_NS = 1_000_000;

/** An entry of the engine's timer heap. */
export interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
  /** In the heap (a `NextBreath` is pushed again only once it has left it). */
  queued: boolean;
}

/**
 * A callback its owner asks for again and again at the next breath (a virtio kick, an
 * interrupt): made once, so asking allocates nothing, where `at(now, fn)` makes a timer, a
 * handle and a closure each time. It behaves as `at(now, fn)` does: it runs among the timers
 * due, in the order it was asked (asked from inside a timer, in the same pass); asked again
 * while pending, it still runs once.
 */
export class NextBreath {
  readonly timer: Timer;
  constructor(fn: () => void) {
    this.timer = { at: 0, seq: 0, fn, cancelled: false, queued: false };
  }

  get pending(): boolean {
    return this.timer.queued && !this.timer.cancelled;
  }
}

export interface TimerHandle {
  cancel(): void;
}

export class Engine {
  readonly clock: Clock;
  readonly pool: PacketPool;
  readonly tracer: Tracer;
  readonly linkCapacity: number;
  readonly breathCost: number;
  readonly passCost: number;
  readonly maxPushPasses: number;
  readonly #virtualClock: VirtualClock | null;
  readonly apps = new Map<string, App>();
  readonly links = new Map<string, Link>();
  readonly #specs = new Map<string, AppSpec>();
  #pullApps: App[] = [];
  #pushApps: App[] = [];
  #pushInputs: Link[][] = [];
  #linkList: Link[] = [];
  readonly #timers: Timer[] = [];
  readonly #tickTimers = new Map<string, Timer>();
  readonly #idleWait: IdleWait | null;
  #timerSeq = 0;
  breaths = 0;
  /** Bumped by every `configure()`: an app that caches something it learnt by walking the graph recomputes it when this changes. */
  graphVersion = 0;
  /** Packets that were queued on links removed by a reconfiguration. */
  linkRemovalDrops = 0;
  /** Breaths that ended with packets still queued because `maxPushPasses` was reached. */
  pushPassLimitHits = 0;

  constructor(options: EngineOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.pool = options.pool ?? new PacketPool();
    this.linkCapacity = options.linkCapacity ?? DEFAULT_LINK_CAPACITY;
    this.breathCost = options.breathCost ?? 1000;
    this.passCost = options.passCost ?? 1000;
    this.#virtualClock = this.clock instanceof VirtualClock ? this.clock : null;
    this.maxPushPasses = options.maxPushPasses ?? 64;
    this.#idleWait = options.idleWait ?? null;
    this.tracer = new Tracer(() => this.clock.now());
  }

  now(): number {
    return this.clock.now();
  }

  app<T extends App = App>(name: string): T {
    const a = this.apps.get(name);
    if (a === undefined) throw new Error(`engine: no app named ${name}`);
    return a as T;
  }

  /** Applies a new graph, changing only what differs from the running one. */
  configure(graph: Graph): void {
    for (const spec of graph.links) {
      const { from, to } = parseLinkSpec(spec);
      if (!graph.apps.has(from.app)) throw new Error(`engine: link ${spec} starts at unknown app ${from.app}`);
      if (!graph.apps.has(to.app)) throw new Error(`engine: link ${spec} ends at unknown app ${to.app}`);
    }
    const touched = new Set<string>();
    // Remove links that are gone (or whose apps will be restarted below).
    const restart = new Set<string>();
    for (const [name, spec] of graph.apps) {
      const old = this.#specs.get(name);
      if (old === undefined) continue;
      if (old.app !== spec.app) restart.add(name);
      else if (!sameConf(old.conf, spec.conf) && this.apps.get(name)!.reconfig === undefined) restart.add(name);
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
      } else if (!sameConf(old.conf, spec.conf)) {
        const app = this.apps.get(name)!;
        app.reconfig!(spec.conf);
        app.conf = spec.conf;
        this.#specs.set(name, spec);
        this.#cancelTick(name);
        this.#scheduleTick(app);
      }
    }
    // Create new links.
    for (const key of graph.links) {
      if (this.links.has(key)) continue;
      const { from, to } = parseLinkSpec(key);
      const link = new Link(from, to, this.linkCapacity);
      link.recordTrace = (p, l) => this.tracer.hop(p, l);
      const src = this.apps.get(from.app)!;
      const dst = this.apps.get(to.app)!;
      if (src.output[from.port] !== undefined) throw new Error(`engine: ${from.app}.${from.port} already has an output link`);
      if (dst.input[to.port] !== undefined) throw new Error(`engine: ${to.app}.${to.port} already has an input link`);
      src.output[from.port] = link;
      dst.input[to.port] = link;
      this.links.set(key, link);
      touched.add(from.app);
      touched.add(to.app);
    }
    this.graphVersion++;
    for (const name of touched) this.apps.get(name)?.relink?.();
    this.#rebuildSchedule();
  }

  #unlink(key: string, link: Link): void {
    this.linkRemovalDrops += link.drain();
    const src = this.apps.get(link.from.app);
    const dst = this.apps.get(link.to.app);
    if (src && src.output[link.from.port] === link) delete src.output[link.from.port];
    if (dst && dst.input[link.to.port] === link) delete dst.input[link.to.port];
    this.links.delete(key);
  }

  #rebuildSchedule(): void {
    const apps = [...this.apps.values()];
    this.#pullApps = apps.filter((a) => typeof a.pull === 'function');
    this.#pushApps = apps.filter((a) => typeof a.push === 'function');
    this.#pushInputs = this.#pushApps.map((a) => Object.values(a.input));
    this.#linkList = [...this.links.values()];
  }

  /** Runs `fn` at engine time `at` (or at the next breath if that is already past). */
  at(at: number, fn: () => void): TimerHandle {
    const t: Timer = { at, seq: this.#timerSeq++, fn, cancelled: false, queued: true };
    heapPush(this.#timers, t);
    return { cancel: () => { t.cancelled = true; } };
  }

  /** Runs `task` at the next breath (see `NextBreath`); a no-op while it is pending. */
  soon(task: NextBreath): void {
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
  cancelSoon(task: NextBreath): void {
    task.timer.cancelled = true;
  }

  /** Runs `fn` after `delay` nanoseconds of engine time. */
  after(delay: number, fn: () => void): TimerHandle {
    return this.at(this.clock.now() + delay, fn);
  }

  #scheduleTick(app: App): void {
    if (app.tick === undefined || app.tickInterval <= 0) return;
    const run = (): void => {
      if (this.apps.get(app.name) !== app) return;
      app.tick!(this.clock.now());
      const next: Timer = { at: this.clock.now() + app.tickInterval, seq: this.#timerSeq++, fn: run, cancelled: false, queued: true };
      this.#tickTimers.set(app.name, next);
      heapPush(this.#timers, next);
    };
    const first: Timer = { at: this.clock.now() + app.tickInterval, seq: this.#timerSeq++, fn: run, cancelled: false, queued: true };
    this.#tickTimers.set(app.name, first);
    heapPush(this.#timers, first);
  }

  #cancelTick(name: string): void {
    const t = this.#tickTimers.get(name);
    if (t) t.cancelled = true;
    this.#tickTimers.delete(name);
  }

  /** Time of the next pending timer, or Infinity. */
  nextTimer(): number {
    while (this.#timers.length > 0 && this.#timers[0]!.cancelled) heapPop(this.#timers)!.queued = false;
    return this.#timers.length > 0 ? this.#timers[0]!.at : Infinity;
  }

  #fireTimers(now: number): boolean {
    let fired = false;
    while (this.#timers.length > 0 && this.#timers[0]!.at <= now) {
      const t = heapPop(this.#timers)!;
      t.queued = false;
      if (t.cancelled) continue;
      fired = true;
      t.fn();
    }
    return fired;
  }

  /** One breath. Returns true when anything happened (a timer fired or a packet was pushed). */
  breathe(): boolean {
    // Keeps every link's ring indices small integers (see Link.rebase). Between two calls, 1,024
    // breaths move at most 1,024 x (maxPushPasses + 1) x capacity packets through a link, 68
    // million with the defaults, far below the 2^30 of headroom.
    if ((++this.breaths & 0x3ff) === 0) {
      const links = this.#linkList;
      for (let i = 0; i < links.length; i++) links[i]!.rebase();
    }
    const timers = this.#timers;
    let busy = timers.length > 0 && timers[0]!.at <= this.clock.now() && this.#fireTimers(this.clock.now());
    const pulls = this.#pullApps;
    for (let i = 0; i < pulls.length; i++) pulls[i]!.pull!();
    const pushes = this.#pushApps;
    const inputs = this.#pushInputs;
    const maxPasses = this.maxPushPasses;
    const clock = this.passCost > 0 ? this.#virtualClock : null;
    let pass = 0;
    for (; pass < maxPasses; pass++) {
      let moved = false;
      for (let i = 0; i < pushes.length; i++) {
        const ins = inputs[i]!;
        for (let j = 0; j < ins.length; j++) {
          if (!ins[j]!.empty()) {
            pushes[i]!.push!();
            moved = true;
            break;
          }
        }
      }
      if (!moved) break;
      busy = true;
      if (clock !== null) clock.advance(this.passCost);
    }
    if (pass === maxPasses && this.#anyQueued()) this.pushPassLimitHits++;
    return busy;
  }

  #anyQueued(): boolean {
    const links = this.#linkList;
    for (let i = 0; i < links.length; i++) if (!links[i]!.empty()) return true;
    return false;
  }

  /**
   * Runs until `done()` is true or `maxTime` nanoseconds of engine time pass.
   * On the virtual clock, idle stretches are skipped; when nothing is left to happen the run ends.
   * Returns true when `done()` became true.
   */
  runUntil(done: () => boolean, maxTime: number): boolean {
    const clock = this.clock;
    const end = clock.now() + maxTime;
    const idle = clock instanceof VirtualClock ? null : this.#idleWait;
    while (!done()) {
      if (clock.now() >= end) return false;
      idle?.arm();
      const busy = this.breathe();
      if (clock instanceof VirtualClock) {
        if (busy || this.#anyQueued() || this.#pullApps.length > 0) {
          clock.advanceTo(Math.min(end, clock.now() + this.breathCost));
        } else {
          const next = this.nextTimer();
          if (next === Infinity) return done();
          clock.advanceTo(Math.min(end, Math.max(next, clock.now())));
        }
      } else if (idle !== null && !busy && !this.#anyQueued()) {
        const wait = Math.min(MAX_IDLE_WAIT_NS, Math.min(end, this.nextTimer()) - clock.now());
        if (wait > 0) idle.wait(wait);
      }
    }
    return true;
  }

  /** Runs for `duration` nanoseconds of engine time. */
  runFor(duration: number): void {
    this.runUntil(() => false, duration);
  }

  /** Runs a fixed number of breaths without touching the clock (benchmarks, tests). */
  runBreaths(n: number): void {
    for (let i = 0; i < n; i++) this.breathe();
  }

  /** Packets queued on all links. */
  queued(): number {
    let n = 0;
    for (const l of this.links.values()) n += l.queued;
    return n;
  }

  /** Stops every app and frees queued packets. */
  stop(): void {
    for (const [key, link] of [...this.links]) this.#unlink(key, link);
    for (const app of this.apps.values()) app.stop?.();
    this.apps.clear();
    this.#specs.clear();
    this.#tickTimers.clear();
    for (const t of this.#timers) t.queued = false;
    this.#timers.length = 0;
    this.#rebuildSchedule();
  }
}

function sameConf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function heapPush(h: Timer[], t: Timer): void {
  h.push(t);
  let i = h.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(h[i]!, h[parent]!)) break;
    [h[i], h[parent]] = [h[parent]!, h[i]!];
    i = parent;
  }
}

function heapPop(h: Timer[]): Timer | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length > 0 && last !== undefined) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
  return top;
}
