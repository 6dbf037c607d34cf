/**
 * A link: a bounded single-producer single-consumer ring of packets between two apps.
 *
 * A full link is a counted drop (`drops`), never an exception and never a wait: the
 * packet goes back to its pool. Counters follow Snabb's: `txPackets`/`txBytes` count
 * what the producer put in, `rxPackets`/`rxBytes` what the consumer took out, so
 * `txPackets - rxPackets` is what is queued.
 *
 * Cost per packet (the engine's hottest code): the packet counters are the ring indices
 * themselves (`txPackets` is the write index, `rxPackets` the read index, both plus `#base`),
 * and `rxBytes` is derived as `txBytes` minus the bytes still queued, so `receive` is one load
 * and one increment. The indices stay small integers: past 2^31 V8 would hold them as doubles,
 * and every link of the process got about 7 % slower once one had carried 2^31 packets (7
 * minutes at 5 Mpps). The engine calls `rebase` every 1,024 breaths, which moves 2^30 from
 * both indices into `#base` once the read index passes 2^30; that many breaths move far fewer
 * than the other 2^30 packets it takes to reach 2^31.
 * The ring is a packed (never holey) array, filled with null by pushes, not `new Array(n)`: a
 * received slot keeps its stale reference instead of being cleared, which is harmless because
 * the pool owns every packet for its whole life, and reading it is guarded by the indices.
 */
import type { Packet } from './packet.js';

export const DEFAULT_LINK_CAPACITY = 1024;
/** Largest link capacity: far above any sensible ring, and a divisor of `REBASE_STEP`. */
export const MAX_LINK_CAPACITY = 1 << 24;
/** What `rebase` moves from the ring indices into the counters' base (a multiple of every capacity). */
export const REBASE_STEP = 2 ** 30;

/** Where a link starts or ends: an app and one of its port names. */
export interface LinkEnd {
  readonly app: string;
  readonly port: string;
}

export class Link {
  readonly from: LinkEnd;
  readonly to: LinkEnd;
  readonly capacity: number;
  readonly #mask: number;
  readonly #ring: (Packet | null)[];
  #read = 0;
  #write = 0;
  /** Packets moved out of both indices by `rebase`. */
  #base = 0;
  txBytes = 0;
  /** Packets refused because the ring was full (the link's overflow counter). */
  drops = 0;
  /** Called for traced packets (non-zero `traceId`) as they enter the link. */
  recordTrace: ((p: Packet, link: Link) => void) | null = null;
  /** Called for every packet entering the link while a capture is attached (one check when off). */
  tap: ((p: Packet, link: Link) => void) | null = null;

  constructor(from: LinkEnd, to: LinkEnd, capacity = DEFAULT_LINK_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > MAX_LINK_CAPACITY || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`link ${from.app}.${from.port} -> ${to.app}.${to.port}: capacity must be a power of two from 2 to ${MAX_LINK_CAPACITY}, got ${capacity}`);
    }
    this.from = from;
    this.to = to;
    this.capacity = capacity;
    this.#mask = capacity - 1;
    const ring: (Packet | null)[] = [];
    for (let i = 0; i < capacity; i++) ring.push(null);
    this.#ring = ring;
  }

  /** Packets the producer put in (the write index). */
  get txPackets(): number {
    return this.#base + this.#write;
  }

  /** Packets the consumer took out (the read index). */
  get rxPackets(): number {
    return this.#base + this.#read;
  }

  /**
   * Moves `step` packets from both ring indices into the counters' base once the read index
   * has reached it; the counters, the queue and every slot position stay as they were. `step`
   * must be a multiple of the capacity (tests pass a small one).
   */
  rebase(step = REBASE_STEP): void {
    if (step % this.capacity !== 0) throw new RangeError(`link ${this.name}: rebase step ${step} is not a multiple of the capacity ${this.capacity}`);
    if (this.#read < step) return;
    this.#read -= step;
    this.#write -= step;
    this.#base += step;
  }

  /** Bytes the consumer took out: what went in minus what is still queued. */
  get rxBytes(): number {
    return this.txBytes - this.queuedBytes;
  }

  /** Bytes of the packets waiting in the ring. */
  get queuedBytes(): number {
    let n = 0;
    for (let i = this.#read; i !== this.#write; i++) n += this.#ring[i & this.#mask]!.len;
    return n;
  }

  get name(): string {
    return `${this.from.app}.${this.from.port} -> ${this.to.app}.${this.to.port}`;
  }

  /** Packets waiting in the ring (the link's gauge). */
  get queued(): number {
    return this.#write - this.#read;
  }

  empty(): boolean {
    return this.#read === this.#write;
  }

  full(): boolean {
    return this.#write - this.#read === this.capacity;
  }

  /** Room left before the link starts dropping. */
  writable(): number {
    return this.capacity - (this.#write - this.#read);
  }

  /** Puts a packet on the link; when the link is full the packet is freed and counted in `drops`. */
  transmit(p: Packet): boolean {
    if (this.#write - this.#read === this.capacity) {
      this.drops++;
      p.pool.free(p);
      return false;
    }
    if (p.traceId !== 0 && this.recordTrace !== null) this.recordTrace(p, this);
    if (this.tap !== null) this.tap(p, this);
    const w = this.#write;
    this.#ring[w & this.#mask] = p;
    this.#write = w + 1;
    this.txBytes += p.len;
    return true;
  }

  /** Takes the oldest packet. The caller checks `empty()` first; taking from an empty link throws. */
  receive(): Packet {
    const r = this.#read;
    if (r === this.#write) throw new Error(`link ${this.name}: receive from an empty link (check empty() first)`);
    this.#read = r + 1;
    return this.#ring[r & this.#mask]!;
  }

  /** Frees every queued packet (used when a link is removed); returns how many. */
  drain(): number {
    let n = 0;
    while (this.#read !== this.#write) {
      const p = this.receive();
      p.pool.free(p);
      n++;
    }
    return n;
  }
}
