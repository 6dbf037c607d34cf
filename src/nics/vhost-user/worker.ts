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
 * Messages: the 12-byte header and the payload are read with recvmsg, collecting SCM_RIGHTS fds from
 * every read; a message that does not arrive whole within a second, a bad header, more fds than fit or
 * a session refusal closes the connection with the reason posted to the engine side as a log line.
 * End of stream (the front-end went away) closes the session quietly: memory unmapped, fds closed,
 * and the socket is listened on again for the next front-end.
 */
import { fstatSync, rmSync } from 'node:fs';
import { workerData, parentPort } from 'node:worker_threads';
import { FrameRing } from '../sys/frame-ring.js';
import { NetPath } from './net-path.js';
import { VHOST_USER_HEADER_SIZE, VHOST_USER_REPLY_FLAG, VHOST_USER_VERSION, headerProblem, readHeader, requestName, writeHeader } from './protocol.js';
import { RX_RING, Session, TX_RING } from './session.js';
import { Ctl, frameRingLayout, Stat } from './shared.js';
import { EAGAIN, EINTR, MsgIo, POLLIN, Sys, SOCK_CLOEXEC, SOCK_NONBLOCK, listenUnix } from './sys.js';

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
const MESSAGE_TIMEOUT_MS = 1000;
/** How long a stopping transmit ring waits for the engine to make room for the frames held back. */
const STOP_DRAIN_MS = 500;

class RingWorker {
  readonly #sys = new Sys();
  readonly #io: MsgIo;
  readonly #data: WorkerData;
  readonly #stats: Float64Array;
  readonly #ctl: Int32Array;
  readonly #path: NetPath;
  readonly #pollFds = new Int32Array(12);
  readonly #buf = Buffer.alloc(VHOST_USER_HEADER_SIZE + 4096);
  readonly #scratch = Buffer.alloc(8);
  readonly #idleRounds: number;
  readonly #bell: Int32Array | null;
  #listenFd = -1;
  #connFd = -1;
  #session: Session | null = null;

  constructor(data: WorkerData) {
    this.#data = data;
    this.#io = new MsgIo(this.#sys);
    this.#stats = new Float64Array(data.stats);
    this.#ctl = new Int32Array(data.control);
    this.#path = new NetPath(this.#sys, this.#stats, new FrameRing(frameRingLayout(data.ringSlots), data.toEngine), new FrameRing(frameRingLayout(data.ringSlots), data.fromEngine));
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

  #setState(): void {
    this.#stats[Stat.State] = this.#connFd < 0 ? 1 : this.#session?.running ? 3 : 2;
  }

  run(): void {
    rmSync(this.#data.socketPath, { force: true });
    this.#listenFd = listenUnix(this.#sys, this.#data.socketPath);
    this.#setState();
    this.#post({ type: 'listening' });
    try {
      while (!this.#stopping()) {
        if (this.#connFd < 0) this.#waitForFrontend();
        else if (this.#session?.running !== true) this.#waitForMessages();
        else this.#serve();
      }
    } finally {
      this.#disconnect(null);
      this.#sys.close(this.#listenFd);
      rmSync(this.#data.socketPath, { force: true });
      this.#stats[Stat.State] = 0;
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
    this.#poll(this.#listenFd, this.#data.wakeFd, -1, -1, 100);
    if (this.#revents(1) !== 0) this.#sys.drain(this.#data.wakeFd, this.#scratch);
    if (this.#revents(0) === 0) return;
    const fd = this.#sys.accept4(this.#listenFd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    this.#connFd = fd;
    this.#stats[Stat.Connections]!++;
    const session = new Session(this.#sys, {
      ...(this.#data.features === undefined ? {} : { features: BigInt(this.#data.features) }),
      ...(this.#data.protocolFeatures === undefined ? {} : { protocolFeatures: BigInt(this.#data.protocolFeatures) }),
      fileSize: (f) => {
        try {
          return fstatSync(f).size;
        } catch {
          return -1;
        }
      },
    });
    session.onRingsChanged = () => {
      this.#path.bind(this.#session);
      this.#setState();
    };
    session.onRingStopping = (index, how) => {
      if (index === TX_RING) this.#drainTx(how);
    };
    this.#session = session;
    this.#path.bind(session);
    this.#setState();
    this.#log('front-end connected');
  }

  #waitForMessages(): void {
    // A transmit ring that is started but disabled is still emptied (its frames discarded), on
    // its kicks and every 100 ms.
    const session = this.#session;
    const txKick = session !== null && session.anyStartedDisabled ? session.rings[TX_RING]!.kickFd : -1;
    this.#poll(this.#connFd, this.#data.wakeFd, txKick, -1, 100);
    if (this.#revents(1) !== 0) this.#sys.drain(this.#data.wakeFd, this.#scratch);
    if (txKick >= 0) {
      if (this.#revents(2) !== 0) this.#sys.drain(txKick, this.#scratch);
      this.#drainTx();
      if (this.#path.fault !== null) return this.#disconnect(this.#path.fault);
    }
    // Frames for a front-end that does not run: a NIC with its link down drops them.
    this.#path.dropUndeliverable();
    if (this.#revents(0) !== 0) this.#readMessages();
  }

  #serve(): void {
    const path = this.#path;
    let idle = 0;
    for (let round = 1; ; round++) {
      const taken = path.serviceTx(BUDGET);
      if (taken > 0 && this.#bell !== null) this.#wakeEngine(this.#bell);
      const work = taken + path.serviceRx(BUDGET);
      if (path.fault !== null) return this.#disconnect(path.fault);
      if ((round & 63) === 0) {
        if (this.#stopping()) return;
        if (this.#poll(this.#connFd, -1, -1, -1, 0) > 0) {
          this.#readMessages();
          if (this.#session?.running !== true) return;
        }
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
      const s = this.#session!;
      this.#stats[Stat.Sleeps]!++;
      this.#poll(this.#connFd, s.rings[TX_RING]!.kickFd, s.rings[RX_RING]!.kickFd, this.#data.wakeFd, 50);
      for (let i = 1; i < 4; i++) if (this.#revents(i) !== 0) this.#sys.drain(this.#pollFds[2 * i]!, this.#scratch);
    }
    Atomics.store(this.#ctl, Ctl.Sleeping, 0);
    tx.disableNotify();
    rx.disableNotify();
    if (this.#stopping()) return false;
    if (this.#revents(0) !== 0) {
      this.#readMessages();
      return this.#session?.running === true;
    }
    return true;
  }

  /** Reads and handles every complete message waiting on the connection. */
  #readMessages(): void {
    for (;;) {
      if (this.#connFd < 0) return;
      const n = this.#io.recv(this.#connFd, this.#buf, 0, VHOST_USER_HEADER_SIZE);
      if (n === -EAGAIN || n === -EINTR) return;
      if (n === 0) return this.#disconnect(null);
      if (n < 0) return this.#disconnect(`recvmsg failed (errno ${-n})`);
      if (n < VHOST_USER_HEADER_SIZE && !this.#readRest(n, VHOST_USER_HEADER_SIZE)) return this.#disconnect('a message header was cut short');
      const h = readHeader(this.#buf);
      const bad = headerProblem(h);
      if (bad !== null) return this.#disconnect(bad);
      if (h.size > 0 && !this.#readRest(VHOST_USER_HEADER_SIZE, VHOST_USER_HEADER_SIZE + h.size)) return this.#disconnect(`${requestName(h.request)}: payload cut short (expected ${h.size} bytes)`);
      const fds = this.#io.fds.splice(0);
      if (this.#io.truncated) {
        this.#io.truncated = false;
        for (const fd of fds) this.#sys.close(fd);
        return this.#disconnect(`${requestName(h.request)}: more file descriptors than any message may carry`);
      }
      this.#stats[Stat.Messages]!++;
      const session = this.#session!;
      const payload = new Uint8Array(this.#buf.buffer, this.#buf.byteOffset + VHOST_USER_HEADER_SIZE, h.size);
      const result = session.handle(h, payload, fds);
      if ('close' in result) return this.#disconnect(result.close);
      if (result.reply !== null && !this.#reply(h.request, result.reply)) return this.#disconnect(`${requestName(h.request)}: the reply could not be sent`);
      this.#setState();
    }
  }

  /** Reads until `#buf` holds `end` bytes (from `have`), waiting up to a second in total. */
  #readRest(have: number, end: number): boolean {
    const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    while (have < end) {
      const n = this.#io.recv(this.#connFd, this.#buf, have, end - have);
      if (n > 0) {
        have += n;
        continue;
      }
      if (n === 0 || (n !== -EAGAIN && n !== -EINTR)) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      this.#poll(this.#connFd, -1, -1, -1, left);
    }
    return true;
  }

  #reply(request: number, payload: Uint8Array): boolean {
    const out = Buffer.alloc(VHOST_USER_HEADER_SIZE + payload.byteLength);
    writeHeader(out, request, VHOST_USER_VERSION | VHOST_USER_REPLY_FLAG, payload.byteLength);
    out.set(payload, VHOST_USER_HEADER_SIZE);
    return this.#io.send(this.#connFd, out, out.byteLength, []) === out.byteLength;
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

  /** Ends the connection: a reason is a protocol error (logged); null is the front-end leaving. */
  #disconnect(reason: string | null): void {
    if (this.#connFd < 0) return;
    const session = this.#session;
    this.#session = null;
    const left = this.#path.countTxLeft();
    this.#path.bind(null);
    session?.close();
    for (const fd of this.#io.fds.splice(0)) this.#sys.close(fd);
    this.#sys.close(this.#connFd);
    this.#connFd = -1;
    this.#stats[Stat.Disconnects]!++;
    if (reason !== null) {
      this.#stats[Stat.ProtocolErrors]!++;
      this.#log(`connection closed: ${reason}`);
    } else this.#log(left === 0 ? 'front-end disconnected' : `front-end disconnected, leaving ${left} frames on its transmit ring`);
    this.#setState();
  }
}

const data = workerData as WorkerData;
try {
  new RingWorker(data).run();
  parentPort?.postMessage({ type: 'exited' } satisfies WorkerEvent);
} catch (e) {
  parentPort?.postMessage({ type: 'fatal', text: (e as Error).message } satisfies WorkerEvent);
}
