/**
 * The vhost-user ring worker: one thread that owns the listening socket, the connection, the
 * session state (mappings, eventfds) and the data path, so nothing about the front-end's memory is
 * ever shared with another thread.
 *
 * Loop: with no connection, sleep in poll() on the listening socket. Connected but not running, sleep
 * in poll() on the connection. Running, busy-poll both rings (DPDK style), looking at the connection
 * every 64 rounds. A round that moved nothing yields the CPU (sched_yield): the worker may share
 * it with the engine thread, which is what it waits for when the frame ring toward the engine is
 * full (then it never sleeps). After IDLE_ROUNDS rounds without work, ask the front-end for kicks
 * (clear NO_NOTIFY / move avail_event), re-check the rings, and sleep in poll() on the kick
 * eventfds, the connection and the wake eventfd (rung by the engine side when it queues a frame
 * while we sleep).
 *
 * The socket, the messages and the session are the Connection's (connection.ts).
 */
import { workerData, parentPort } from 'node:worker_threads';
import { FrameRing } from '../sys/frame-ring.js';
import { Connection } from './connection.js';
import { FrameRingSink, FrameRingSource, NetPath } from './net-path.js';
import { RX_RING, TX_RING } from './session.js';
import { Ctl, frameRingLayout, Stat } from './shared.js';
import { POLLIN, Sys } from './sys.js';

export interface WorkerData {
  readonly socketPath: string;
  readonly toEngine: SharedArrayBuffer;
  readonly fromEngine: SharedArrayBuffer;
  /** Slots of each frame ring. */
  readonly ringSlots: number;
  readonly stats: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly wakeFd: number;
  /** The engine loop's doorbell, rung when frames arrive while the loop sleeps (`Ctl.EngineAsleep`). */
  readonly doorbell?: SharedArrayBuffer;
  readonly features?: string;
  readonly protocolFeatures?: string;
  readonly idleRounds?: number;
}

export type WorkerEvent = { type: 'listening' } | { type: 'log'; text: string } | { type: 'fatal'; text: string } | { type: 'exited' };

const BUDGET = 256;
/** How long a stopping transmit ring waits for the engine to make room for the frames held back. */
const STOP_DRAIN_MS = 500;

class RingWorker {
  readonly #sys = new Sys();
  readonly #data: WorkerData;
  readonly #stats: Float64Array;
  readonly #ctl: Int32Array;
  readonly #path: NetPath;
  readonly #pollFds = new Int32Array(12);
  readonly #conn: Connection;
  readonly #scratch = Buffer.alloc(8);
  readonly #idleRounds: number;
  readonly #bell: Int32Array | null;

  constructor(data: WorkerData) {
    this.#data = data;
    this.#stats = new Float64Array(data.stats);
    this.#ctl = new Int32Array(data.control);
    const layout = frameRingLayout(data.ringSlots);
    this.#path = new NetPath(this.#sys, this.#stats, new FrameRingSink(new FrameRing(layout, data.toEngine)), new FrameRingSource(new FrameRing(layout, data.fromEngine)));
    this.#conn = new Connection(this.#sys, this.#stats, {
      socketPath: data.socketPath,
      ...(data.features === undefined ? {} : { features: BigInt(data.features) }),
      ...(data.protocolFeatures === undefined ? {} : { protocolFeatures: BigInt(data.protocolFeatures) }),
    }, {
      log: (text) => this.#log(text),
      ringsChanged: (session) => this.#path.bind(session),
      ringStopping: (index, how) => {
        if (index === TX_RING) this.#drainTx(how);
      },
      closing: () => this.#path.countTxLeft(),
    });
    this.#idleRounds = data.idleRounds ?? 20000;
    this.#bell = data.doorbell === undefined ? null : new Int32Array(data.doorbell, 0, 1);
  }

  #post(e: WorkerEvent): void {
    parentPort?.postMessage(e);
  }

  #log(text: string): void {
    this.#post({ type: 'log', text });
  }

  #stopping(): boolean {
    return Atomics.load(this.#ctl, Ctl.Stop) !== 0;
  }

  run(): void {
    const conn = this.#conn;
    conn.listen();
    this.#post({ type: 'listening' });
    try {
      while (!this.#stopping()) {
        if (conn.connFd < 0) this.#waitForFrontend();
        else if (!conn.running) this.#waitForMessages();
        else this.#serve();
      }
    } finally {
      conn.close();
    }
  }

  /** poll() on up to three fds (-1 to skip); returns the revents of each in `#pollFds`. */
  #poll(a: number, b: number, c: number, d: number, timeoutMs: number): number {
    const f = this.#pollFds;
    f[0] = a; f[1] = POLLIN;
    f[2] = b; f[3] = POLLIN;
    f[4] = c; f[5] = POLLIN;
    f[6] = d; f[7] = POLLIN;
    const n = this.#sys.poll(f, 4, timeoutMs);
    return n;
  }

  #revents(i: number): number {
    return this.#pollFds[2 * i + 1]! >>> 16;
  }

  #waitForFrontend(): void {
    this.#poll(this.#conn.listenFd, this.#data.wakeFd, -1, -1, 100);
    if (this.#revents(1) !== 0) this.#sys.drain(this.#data.wakeFd, this.#scratch);
    if (this.#revents(0) !== 0) this.#conn.accept();
  }

  #waitForMessages(): void {
    // A transmit ring that is started but disabled is still emptied (its frames discarded), on
    // its kicks and every 100 ms.
    const conn = this.#conn;
    const session = conn.session;
    const txKick = session !== null && session.anyStartedDisabled ? session.rings[TX_RING]!.kickFd : -1;
    this.#poll(conn.connFd, this.#data.wakeFd, txKick, -1, 100);
    if (this.#revents(1) !== 0) this.#sys.drain(this.#data.wakeFd, this.#scratch);
    if (txKick >= 0) {
      if (this.#revents(2) !== 0) this.#sys.drain(txKick, this.#scratch);
      this.#drainTx();
      if (this.#path.fault !== null) return conn.disconnect(this.#path.fault);
    }
    // Frames for a front-end that does not run: a NIC with its link down drops them.
    this.#path.dropUndeliverable();
    if (this.#revents(0) !== 0) conn.readMessages();
    conn.expire();
  }

  #serve(): void {
    const path = this.#path;
    const conn = this.#conn;
    let idle = 0;
    for (let round = 1; ; round++) {
      const taken = path.serviceTx(BUDGET);
      if (taken > 0 && this.#bell !== null) this.#wakeEngine(this.#bell);
      const work = taken + path.serviceRx(BUDGET);
      if (path.fault !== null) return conn.disconnect(path.fault);
      if ((round & 63) === 0) {
        if (this.#stopping()) return;
        if (conn.readable(conn.connFd)) conn.readMessages();
        conn.expire();
        if (!conn.running) return;
      }
      if (work !== 0) {
        idle = 0;
        continue;
      }
      // Nothing moved: another thread on this CPU (the engine, the front-end) may be what we wait for.
      this.#sys.schedYield();
      if (path.txBlocked) {
        // Frames wait for the engine to take them: no sleep.
        idle = 0;
        continue;
      }
      if (++idle < this.#idleRounds) continue;
      idle = 0;
      if (!this.#sleep()) return;
    }
  }

  /** Rings the engine loop's doorbell if the loop announced that it sleeps. */
  #wakeEngine(bell: Int32Array): void {
    if (Atomics.load(this.#ctl, Ctl.EngineAsleep) === 0 || Atomics.exchange(this.#ctl, Ctl.EngineAsleep, 0) === 0) return;
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
    this.#stats[Stat.EngineWakeups]!++;
  }

  /** Sleeps until a kick, a message, a wake or 50 ms; false when the loop should re-check its state. */
  #sleep(): boolean {
    const tx = this.#path.txQueue;
    const rx = this.#path.rxQueue;
    if (tx === null || rx === null) return false;
    Atomics.store(this.#ctl, Ctl.Sleeping, 1);
    // Re-check after asking for kicks: work that slipped in meanwhile means no sleep.
    const txWork = tx.enableNotify();
    const rxWork = rx.enableNotify() && this.#path.rxWaiting();
    const pending = txWork || rxWork;
    if (!pending) {
      const s = this.#conn.session!;
      this.#stats[Stat.Sleeps]!++;
      this.#poll(this.#conn.connFd, s.rings[TX_RING]!.kickFd, s.rings[RX_RING]!.kickFd, this.#data.wakeFd, 50);
      for (let i = 1; i < 4; i++) if (this.#revents(i) !== 0) this.#sys.drain(this.#pollFds[2 * i]!, this.#scratch);
    }
    Atomics.store(this.#ctl, Ctl.Sleeping, 0);
    tx.disableNotify();
    rx.disableNotify();
    if (this.#stopping()) return false;
    if (this.#revents(0) !== 0) this.#conn.readMessages();
    this.#conn.expire();
    return this.#conn.running;
  }

  /**
   * Takes what the front-end already made available on its transmit ring (64 budgets at most).
   * Before a ring is disabled or stopped (`stopping`), frames held back because the engine is
   * behind are waited for, up to STOP_DRAIN_MS while the engine frees slots. Any still there
   * when a ring stops are counted as left (`Stat.TxLeftAtDisconnect`); on a disabled ring they
   * are discarded and counted later ('tx-ring-disabled'). So every frame the front-end sent is in
   * the books.
   */
  #drainTx(stopping: 'disable' | 'stop' | null = null): void {
    const path = this.#path;
    const deadline = stopping !== null ? Date.now() + STOP_DRAIN_MS : 0;
    let taken = 0;
    for (let i = 0; i < 64; i++) {
      const n = path.serviceTx(BUDGET);
      taken += n;
      if (n > 0 && this.#bell !== null) this.#wakeEngine(this.#bell);
      if (path.txBlocked && Date.now() < deadline) {
        this.#sys.schedYield();
        i--;
        continue;
      }
      if (n === 0) break;
    }
    if (stopping === 'stop' && path.txBlocked) path.countTxLeft();
    if (taken > 0 && this.#bell !== null) this.#wakeEngine(this.#bell);
  }
}

const data = workerData as WorkerData;
try {
  new RingWorker(data).run();
  parentPort?.postMessage({ type: 'exited' } satisfies WorkerEvent);
} catch (e) {
  parentPort?.postMessage({ type: 'fatal', text: (e as Error).message } satisfies WorkerEvent);
}
