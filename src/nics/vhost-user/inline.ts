/**
 * The inline placement of the vhost-user backend: the engine thread serves the virtio rings itself.
 * `pull` copies each transmitted frame from guest memory straight into an engine packet, `push`
 * copies packets straight into the guest's receive buffers: one copy each way and no second thread
 * on the data path, as a TAP port reads its TAP (DPDK's vhost library is used the same way, from
 * the lcore that forwards).
 *
 * Why: in the thread placement (worker.ts) every frame is copied twice and crosses a frame ring,
 * and the ring worker and the engine thread share whatever CPU the front-end leaves them; with
 * testpmd on one of two CPUs they took turns through sched_yield. See docs/vhost-user.md for the
 * numbers of both.
 *
 * Ownership: the engine thread owns the socket, the session, the mappings and the data path, as
 * the ring worker does in the other placement, so nothing unmaps memory under a reader. A small
 * waker thread (waker.ts) exists only for the engine loop's sleeps: before the loop sleeps,
 * `armWakeup` asks the front-end for transmit kicks and hands the waker the fds to watch (the
 * listening socket or the connection, and the transmit ring's kick); the waker rings the loop's
 * doorbell when one becomes readable. The first pull after that disarms it. Without a doorbell (an
 * engine driven by hand) there is no waker; code that breathes the engine while its loop sleeps
 * (tests do) disarms it too, and must wake the loop so that it arms again for what is there now.
 *
 * Rhythm: `pull` serves the transmit ring (up to `budget` chains), `push` the receive ring. The
 * socket is polled (no wait) every SOCKET_CHECK_EVERY pulls and on the first pull after the waker
 * rang; messages and a new front-end are handled there, on the engine thread. A message that
 * arrives in pieces is kept until its rest comes (Connection), never waited for.
 *
 * Where it differs from the thread placement:
 * - backpressure comes from the engine itself: while the port's output link is full or the packet
 *   pool is empty, chains stay on the transmit ring (`Stat.TxBackpressure`);
 * - a frame for the front-end that finds too few receive buffers posted is dropped at once
 *   (`to-guest-ring-full`), as a NIC with an empty receive ring drops: nothing holds frames for it;
 * - a transmit ring that stops (GET_VRING_BASE) while the output link is full cannot wait for the
 *   engine, which is this thread: what stays on it is counted as left (`Stat.TxLeftAtDisconnect`).
 */
import type { Worker } from 'node:worker_threads';
import type { Link } from '../../engine/link.js';
import type { Packet, PacketPool } from '../../engine/packet.js';
import { siblingModule, startWorker, terminateIfStuck } from '../../vm/worker.js';
import { Connection } from './connection.js';
import { type FrameSink, type FrameSource, NetPath } from './net-path.js';
import { TX_RING } from './session.js';
import type { PlacementHost } from './shared.js';
import { WordBuffer } from '../sys/copy.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, type Sys } from './sys.js';
import { WAKER_SLOTS, Waker, type WakerData } from './waker.js';

/** How often (in pulls) the socket is polled while nothing rang. */
const SOCKET_CHECK_EVERY = 64;

/** Transmitted frames into engine packets, out on the port's output link. */
class PacketSink implements FrameSink {
  readonly #host: PlacementHost;
  readonly buffer: WordBuffer;
  readonly maxFrame: number;
  out: Link | null = null;
  at = 0;
  #packet: Packet | null = null;
  /** Frames go into packets of `pool` (the app's: `host.alloc` takes from it), as one buffer. */
  constructor(host: PlacementHost, pool: PacketPool) {
    this.#host = host;
    this.buffer = new WordBuffer(new Uint8Array(pool.backing));
    this.maxFrame = pool.dataRoom;
  }
  room(): number {
    return this.out === null ? 0 : this.out.writable();
  }
  claim(): boolean {
    const p = this.#host.alloc();
    if (p === null) return false;
    this.#packet = p;
    this.at = p.base + p.off;
    return true;
  }
  commit(len: number): void {
    const p = this.#packet!;
    this.#packet = null;
    p.len = len;
    this.out!.transmit(p);
  }
}

/**
 * Packets from the port's input link, as frames for the front-end. Each pool's memory is one
 * buffer (most packets come from the engine's pool; a TAP port's have their own).
 */
class LinkSource implements FrameSource {
  readonly #host: PlacementHost;
  /** Weak: a pool that goes away with its app (a reconfigured TAP port's) is not kept alive here. */
  readonly #buffers = new WeakMap<PacketPool, WordBuffer>();
  #pool: PacketPool;
  buffer: WordBuffer;
  input: Link | null = null;
  /** The packet whose frame is current (received from the link, not yet released). */
  held: Packet | null = null;
  at = 0;
  len = 0;
  constructor(host: PlacementHost, pool: PacketPool) {
    this.#host = host;
    this.#pool = pool;
    this.buffer = new WordBuffer(new Uint8Array(pool.backing));
    this.#buffers.set(pool, this.buffer);
  }
  next(): boolean {
    if (this.held !== null) return true;
    const input = this.input;
    if (input === null || input.empty()) return false;
    const p = input.receive();
    if (p.pool !== this.#pool) {
      let b = this.#buffers.get(p.pool);
      if (b === undefined) {
        b = new WordBuffer(new Uint8Array(p.pool.backing));
        this.#buffers.set(p.pool, b);
      }
      this.#pool = p.pool;
      this.buffer = b;
    }
    this.held = p;
    this.at = p.base + p.off;
    this.len = p.len;
    return true;
  }
  release(): void {
    const p = this.held!;
    this.held = null;
    this.#host.consume(p);
  }
}

export class InlinePlacement {
  readonly #sys: Sys;
  readonly #host: PlacementHost;
  readonly #conn: Connection;
  readonly #path: NetPath;
  readonly #sink: PacketSink;
  readonly #source: LinkSource;
  readonly #budget: number;
  readonly #ctl = new Int32Array(new SharedArrayBuffer(4 * WAKER_SLOTS));
  readonly #scratch = Buffer.alloc(8);
  readonly #waker: Worker | null;
  readonly #wakerExited: Promise<void>;
  readonly #wakeFd: number;
  #armed = false;
  #pulls = 0;
  #stopped = false;

  constructor(sys: Sys, host: PlacementHost, stats: Float64Array, options: { socketPath: string; features: bigint; budget: number; pool: PacketPool; doorbell: SharedArrayBuffer | null }) {
    this.#sys = sys;
    this.#host = host;
    this.#budget = options.budget;
    this.#sink = new PacketSink(host, options.pool);
    this.#source = new LinkSource(host, options.pool);
    this.#path = new NetPath(sys, stats, this.#sink, this.#source);
    this.#conn = new Connection(sys, stats, { socketPath: options.socketPath, features: options.features }, {
      log: (line) => host.log(line),
      ringsChanged: (session) => this.#path.bind(session),
      ringStopping: (index, how) => {
        if (index === TX_RING) this.#drainTx(how);
      },
      closing: () => this.#path.countTxLeft(),
    });
    for (let i = 0; i < Waker.FdCount; i++) this.#ctl[Waker.Fd0 + i] = -1;
    this.#conn.listen();
    if (options.doorbell === null) {
      this.#waker = null;
      this.#wakeFd = -1;
      this.#wakerExited = Promise.resolve();
      return;
    }
    this.#wakeFd = sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#wakeFd < 0) {
      this.#conn.close();
      throw new Error(`eventfd failed (errno ${sys.errno()})`);
    }
    const data: WakerData = { control: this.#ctl.buffer as SharedArrayBuffer, doorbell: options.doorbell, wakeFd: this.#wakeFd };
    const waker = startWorker(siblingModule(import.meta.url, 'waker'), data);
    this.#waker = waker;
    this.#wakerExited = new Promise<void>((resolve) => waker.once('exit', () => resolve()));
    waker.on('message', (e: { type: string; text?: string }) => {
      if (e.type === 'fatal') host.log(`waker failed: ${e.text ?? ''}`);
    });
    waker.on('error', (e) => host.log(`waker failed: ${e.message}`));
  }

  /** Times the waker rang the engine loop's doorbell. */
  get wakerRings(): number {
    return Atomics.load(this.#ctl, Waker.Rings);
  }

  /** The first pull after a sleep: no more kicks wanted, and the kick that woke us is drained. */
  #disarm(): void {
    this.#armed = false;
    Atomics.store(this.#ctl, Waker.Armed, 0);
    const txq = this.#path.txQueue;
    if (txq !== null) {
      txq.disableNotify();
      const kick = this.#conn.session?.rings[TX_RING]!.kickFd ?? -1;
      if (kick >= 0) this.#sys.drain(kick, this.#scratch);
    }
  }

  /** Accepts a waiting front-end or handles waiting messages. */
  #checkSocket(): void {
    const conn = this.#conn;
    if (conn.connFd < 0) {
      if (conn.readable(conn.listenFd)) conn.accept();
    } else if (conn.readable(conn.connFd)) conn.readMessages();
  }

  /** Serves the transmit ring into `out`; returns the chains taken (delivered or dropped). */
  pull(out: Link | null): number {
    if (this.#stopped) return 0;
    // Before the socket: a stopping ring handled there drains into this pull's link.
    this.#sink.out = out;
    if (this.#armed) this.#disarm();
    if ((++this.#pulls & (SOCKET_CHECK_EVERY - 1)) === 0 || Atomics.load(this.#ctl, Waker.Rang) !== 0) {
      Atomics.store(this.#ctl, Waker.Rang, 0);
      this.#checkSocket();
    }
    // A message that came in part: its rest is read as it comes, and its time runs out here.
    if (this.#conn.partial) this.#conn.expire();
    const path = this.#path;
    if (path.txQueue === null) return 0;
    const taken = path.serviceTx(this.#budget);
    if (path.fault !== null) this.#conn.disconnect(path.fault);
    return taken;
  }

  /** Serves `input` into the receive ring; packets that find too few receive buffers posted are dropped. */
  push(input: Link): void {
    const source = this.#source;
    source.input = input;
    const path = this.#path;
    if (path.rxQueue === null) {
      // Not live: a NIC with its link down drops what comes (counted as rx-not-running).
      path.dropUndeliverable();
      return;
    }
    path.serviceRx(input.queued + 1);
    if (path.fault !== null) {
      this.#conn.disconnect(path.fault);
      return;
    }
    if (path.rxStarved) {
      const host = this.#host;
      if (source.held !== null) {
        host.drop(source.held, 'to-guest-ring-full');
        source.held = null;
      }
      while (!input.empty()) host.drop(input.receive(), 'to-guest-ring-full');
    }
  }

  /**
   * The engine loop is about to sleep: ask the front-end for transmit kicks and hand the waker the
   * fds to watch. Frames made available before the kicks were asked for bring no kick: the ring
   * is looked at once more, and if it has some the doorbell is rung here instead.
   */
  armWakeup(bell: Int32Array): void {
    if (this.#waker === null || this.#stopped) return;
    const conn = this.#conn;
    const txq = this.#path.txQueue;
    if (txq !== null && txq.enableNotify()) {
      txq.disableNotify();
      Atomics.add(bell, 0, 1);
      Atomics.notify(bell, 0);
      return;
    }
    const ctl = this.#ctl;
    const socketFd = conn.connFd >= 0 ? conn.connFd : conn.listenFd;
    const kick = txq !== null ? conn.session?.rings[TX_RING]!.kickFd ?? -1 : -1;
    if (ctl[Waker.Fd0] !== socketFd || ctl[Waker.Fd0 + 1] !== kick) {
      Atomics.store(ctl, Waker.Fd0, socketFd);
      Atomics.store(ctl, Waker.Fd0 + 1, kick);
      Atomics.add(ctl, Waker.Gen, 1);
      Atomics.notify(ctl, Waker.Gen);
      this.#sys.signal(this.#wakeFd, this.#scratch);
    }
    this.#armed = true;
    Atomics.store(ctl, Waker.Armed, 1);
    Atomics.notify(ctl, Waker.Armed);
  }

  /**
   * Takes what the front-end already made available on its transmit ring before the ring stops or
   * is disabled, as far as the output link has room; on a stop what stays is counted as left.
   */
  #drainTx(how: 'disable' | 'stop'): void {
    const path = this.#path;
    for (let i = 0; i < 64; i++) if (path.serviceTx(this.#budget) === 0) break;
    if (how === 'stop' && path.txBlocked) path.countTxLeft();
  }

  /** Closes the connection and the socket and stops the waker (its eventfd is closed once it has left). */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#conn.close();
    Atomics.store(this.#ctl, Waker.Stop, 1);
    Atomics.notify(this.#ctl, Waker.Armed);
    if (this.#wakeFd >= 0) {
      this.#sys.signal(this.#wakeFd, this.#scratch);
      const fd = this.#wakeFd;
      void this.#wakerExited.then(() => this.#sys.close(fd));
    }
    if (this.#waker !== null) terminateIfStuck(this.#waker);
  }

  /** Stops, and waits until the waker has left and its eventfd is closed. */
  async close(): Promise<void> {
    this.stop();
    // The fd's close, registered on the same promise by stop(), runs before this continuation.
    await this.#wakerExited;
  }
}
