/**
 * VhostUserPort: a vhost-user backend (device side) as one engine port. A front-end such as DPDK
 * virtio-user or QEMU connects to the Unix socket `socket`; frames it transmits leave the app on
 * `output.wire` and frames arriving on `input.wire` go to its receive ring, so the port can sit on a
 * learning bridge like any other (`graph.connect('vu.wire', 'br.p1')`; `conf.port` renames `wire`).
 * In a lab it is `kind: vhost-user` (control/lab/kinds/vhost-user.ts).
 *
 * Two placements (`placement`):
 * - 'inline' (the default): the engine thread serves the rings itself, copying guest memory
 *   straight into packets and back (inline.ts); a small waker thread only rings the engine loop's
 *   doorbell while it sleeps.
 * - 'thread': a ring worker thread (worker.ts) owns the socket, the front-end's memory and the data
 *   path; this app trades frames with it through two SharedArrayBuffer frame rings (one copy each
 *   side: guest memory to frame ring in the worker, frame ring to packet here). The worker polls
 *   while traffic flows and sleeps in poll() when idle; `push` rings the worker's wake eventfd
 *   only when it sleeps.
 * Both count in the same stats block (`stat`, `workerDrops`: drops on the backend's side of the
 * port, in whichever thread) and log the same lines.
 *
 * Bounded everything: each frame ring of the thread placement holds `ringSlots` frames (gauges
 * `toEngineQueued`, `toGuestQueued`; overflows are drops with a reason here or in `workerDrops()`),
 * the log keeps the last LOG_LIMIT lines (`logOverflows` counts the rest).
 */
import { App, type AppContext } from '../../engine/app.js';
import type { Packet } from '../../engine/packet.js';
import { InlinePlacement } from './inline.js';
import { BACKEND_FEATURES, VIRTIO_NET_F_MRG_RXBUF, bit } from './protocol.js';
import { type PlacementHost, STATE_NAMES, STAT_SLOTS, Stat, type BackendState, WORKER_DROP_NAMES, type WorkerDrop } from './shared.js';
import { Sys } from './sys.js';
import { ThreadPlacement } from './thread.js';

const PORT_DROPS = {
  'to-guest-ring-full': 'no room toward the front-end: too few receive buffers posted (inline), or the frame ring toward it full (thread: the worker is behind or the front-end posts no buffers)',
  'too-big': 'a frame larger than a frame-ring slot, or than the engine\'s packet buffers (thread placement)',
} as const;

export const LOG_LIMIT = 64;
const PULL_BUDGET = 256;

export type VhostUserPlacement = 'inline' | 'thread';

export interface VhostUserPortConf {
  /** Path of the Unix socket to listen on (a stale file there is replaced). */
  readonly socket: string;
  /** Who serves the rings: the engine thread ('inline', default) or a ring worker thread ('thread'). */
  readonly placement?: VhostUserPlacement;
  /** Name of the engine port (default `wire`; a lab names it after the node's interface). */
  readonly port?: string;
  /** Frames each frame ring of the thread placement holds (a power of two, default 1024). */
  readonly ringSlots?: number;
  /** Offer MRG_RXBUF (default true). */
  readonly mergeable?: boolean;
  /** Rounds without work before the ring worker sleeps (thread placement; default 20000, about a millisecond). */
  readonly idleRounds?: number;
  /**
   * The engine loop's doorbell (RealLoop's `doorbell`): word 0 is bumped when frames from the
   * front-end (or, inline, messages and front-ends) arrive after `armWakeup()`, so a sleeping
   * loop wakes for them. Without it, inline, the backend moves only when the engine breathes.
   */
  readonly doorbell?: SharedArrayBuffer;
}

export class VhostUserPort extends App<typeof PORT_DROPS, VhostUserPortConf> {
  readonly #sys = new Sys();
  readonly #stats: Float64Array;
  readonly #bell: Int32Array | null;
  readonly #port: string;
  readonly #inline: InlinePlacement | null = null;
  readonly #thread: ThreadPlacement | null = null;
  /** Who serves the rings. */
  readonly placement: VhostUserPlacement;
  /** Resolves once the socket is listening; rejects when the backend cannot start. */
  readonly ready: Promise<void>;
  /** The last LOG_LIMIT log lines of the backend (connections, disconnections, protocol errors). */
  readonly log: string[] = [];
  logOverflows = 0;
  /** Called for every log line. */
  onLog: ((line: string) => void) | null = null;

  constructor(ctx: AppContext, conf: VhostUserPortConf) {
    super(ctx, conf, PORT_DROPS);
    if (conf === null || typeof conf !== 'object' || typeof conf.socket !== 'string' || conf.socket === '') {
      throw new Error(`vhost-user port ${ctx.name}: conf.socket must name the Unix socket path to listen on`);
    }
    if (conf.port !== undefined && (typeof conf.port !== 'string' || conf.port === '')) throw new Error(`vhost-user port ${ctx.name}: conf.port must name the engine port`);
    const placement = conf.placement ?? 'inline';
    if (placement !== 'inline' && placement !== 'thread') throw new Error(`vhost-user port ${ctx.name}: conf.placement must be 'inline' or 'thread', got ${String(placement)}`);
    this.placement = placement;
    this.#port = conf.port ?? 'wire';
    if (conf.doorbell !== undefined && !(conf.doorbell instanceof SharedArrayBuffer && conf.doorbell.byteLength >= 4)) {
      throw new Error(`vhost-user port ${ctx.name}: conf.doorbell must be a SharedArrayBuffer of at least 4 bytes (a RealLoop's doorbell)`);
    }
    this.#bell = conf.doorbell === undefined ? null : new Int32Array(conf.doorbell, 0, 1);
    const statsSab = new SharedArrayBuffer(8 * STAT_SLOTS);
    this.#stats = new Float64Array(statsSab);
    const features = conf.mergeable === false ? BACKEND_FEATURES & ~bit(VIRTIO_NET_F_MRG_RXBUF) : BACKEND_FEATURES;
    const host: PlacementHost = {
      alloc: () => this.alloc(),
      consume: (p: Packet) => this.consume(p),
      drop: (p: Packet, reason: keyof typeof PORT_DROPS) => this.drop(p, reason),
      log: (line: string) => this.#addLog(line),
    };
    const doorbell = conf.doorbell ?? null;
    try {
      if (placement === 'inline') {
        this.#inline = new InlinePlacement(this.#sys, host, this.#stats, { socketPath: conf.socket, features, budget: PULL_BUDGET, pool: this.pool, doorbell });
        this.ready = Promise.resolve();
      } else {
        const slots = conf.ringSlots ?? 1024;
        this.#thread = new ThreadPlacement(this.#sys, host, statsSab, {
          socketPath: conf.socket, features, budget: PULL_BUDGET, ringSlots: slots, doorbell,
          ...(conf.idleRounds === undefined ? {} : { idleRounds: conf.idleRounds }),
        });
        this.ready = this.#thread.ready.catch((e: Error) => {
          throw new Error(`vhost-user port ${this.name}: ${e.message}`);
        });
      }
    } catch (e) {
      throw new Error(`vhost-user port ${ctx.name}: ${(e as Error).message}`);
    }
    // Callers that await `ready` still see a rejection; nobody awaiting it is not an unhandled one.
    this.ready.catch(() => {});
  }

  #addLog(line: string): void {
    if (this.log.length >= LOG_LIMIT) {
      this.log.shift();
      this.logOverflows++;
    }
    this.log.push(line);
    this.onLog?.(line);
  }

  override ports(): readonly string[] {
    return [this.#port];
  }

  /** listening, connected (negotiating), running (both rings live) or stopped. */
  get state(): BackendState {
    return STATE_NAMES[this.#stats[Stat.State]!] ?? 'stopped';
  }

  stat(s: Stat): number {
    return this.#stats[s]!;
  }

  /** Drops counted on the backend's side of the port (by the ring worker, or inline), by reason. */
  workerDrops(): Record<WorkerDrop, number> {
    const out = {} as Record<WorkerDrop, number>;
    WORKER_DROP_NAMES.forEach((name, i) => {
      out[name] = this.#stats[Stat.DropBase + i]!;
    });
    return out;
  }

  /** Frames in the frame ring toward the engine (thread placement; 0 inline, which has none). */
  get toEngineQueued(): number {
    return this.#thread?.toEngineQueued ?? 0;
  }

  /** Frames in the frame ring toward the front-end (thread placement; 0 inline). */
  get toGuestQueued(): number {
    return this.#thread?.toGuestQueued ?? 0;
  }

  /** Times the inline placement's waker rang the engine loop's doorbell (0 for the thread placement). */
  get wakerRings(): number {
    return this.#inline?.wakerRings ?? 0;
  }

  override pull(): void {
    const out = this.output[this.#port];
    if (this.#inline !== null) this.#inline.pull(out ?? null);
    else if (out !== undefined) this.#thread!.pull(out);
  }

  override push(): void {
    const input = this.input[this.#port];
    if (input === undefined || input.empty()) return;
    if (this.#inline !== null) this.#inline.push(input);
    else this.#thread!.push(input);
  }

  /**
   * The thread placement's worker polls and may share the engine loop's CPU: the loop yields while
   * it spins (RealLoop). Inline there is no such thread.
   */
  get spinYield(): boolean {
    return this.#thread !== null;
  }

  /** Called by the engine loop before it sleeps: what arrives for this port next rings the doorbell. */
  armWakeup(): void {
    const bell = this.#bell;
    if (bell === null) return;
    if (this.#inline !== null) this.#inline.armWakeup(bell);
    else this.#thread!.armWakeup(bell);
  }

  /** Closes the connection and the socket (inline at once; the thread placement's worker is asked to). */
  override stop(): void {
    this.#inline?.stop();
    this.#thread?.stop();
  }

  /** Stops the backend and waits until it has unmapped everything, closed its fds and removed the socket. */
  async close(): Promise<void> {
    await this.#inline?.close();
    await this.#thread?.close();
  }
}
