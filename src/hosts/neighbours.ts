/**
 * The ARP neighbour cache of a host (RFC 826, with the states of RFC 4861 section 7.3.2 as
 * Linux uses them for IPv4 too).
 *
 * An entry is keyed by (interface, IPv4 address) and is in one of three states:
 * - `incomplete`: a request was broadcast and no answer came yet. Packets for the neighbour
 *   wait in its bounded queue (overflow pushes the oldest out, as Linux's `unres_qlen` does).
 *   The host re-sends the request every `retransTime` and gives up after `probes` requests.
 * - `reachable`: an answer (or a request from the neighbour to us) arrived less than
 *   `reachableTime` ago.
 * - `stale`: older than that. The MAC is still used; the host re-confirms it with a unicast
 *   request. A stale entry unconfirmed for `staleTime` more has expired and is removed when
 *   next looked at, or evicted first when the table is full.
 *
 * States are derived from timestamps on the engine clock when asked, so ageing needs no timer.
 * The cache is bounded: when it is full, creating an entry evicts the least recently confirmed
 * entry that holds no packets (a linear scan, only on that path); when every entry is
 * incomplete the creation is refused and counted in `overflow`.
 */
import type { Packet } from '../engine/packet.js';

export type NeighbourState = 'incomplete' | 'reachable' | 'stale';

export interface NeighbourTimes {
  /** Nanoseconds an answer keeps an entry reachable. */
  readonly reachableTime: number;
  /** Nanoseconds a stale entry lives on before it expires. */
  readonly staleTime: number;
}

export class Neighbour {
  readonly ifIndex: number;
  /** IPv4 address (uint32). */
  readonly ip: number;
  /** MAC address as a 48-bit number, or -1 while incomplete. */
  mac = -1;
  /** Engine time of the last confirmation (answer or request from the neighbour). */
  confirmedAt = 0;
  /** Engine time the entry was created or last (re)probed. */
  probedAt = 0;
  /** Requests sent in the current resolution or confirmation. */
  probes = 0;
  /** Packets waiting for the address, oldest first (a ring). */
  readonly #queue: (Packet | null)[];
  #head = 0;
  #count = 0;
  /** Timer of the pending resolution, set by the resolver (arp-resolver.ts). */
  timer: { cancel(): void } | null = null;

  constructor(ifIndex: number, ip: number, queueLength: number) {
    this.ifIndex = ifIndex;
    this.ip = ip;
    this.#queue = new Array<Packet | null>(queueLength).fill(null);
  }

  /** Packets waiting for resolution. */
  get queued(): number {
    return this.#count;
  }

  /** Queues a packet; when the queue is full the oldest is pushed out and returned for the caller to drop. */
  enqueue(p: Packet): Packet | null {
    const cap = this.#queue.length;
    let evicted: Packet | null = null;
    if (this.#count === cap) {
      evicted = this.#queue[this.#head]!;
      this.#queue[this.#head] = null;
      this.#head = (this.#head + 1) % cap;
      this.#count--;
    }
    this.#queue[(this.#head + this.#count) % cap] = p;
    this.#count++;
    return evicted;
  }

  /** Takes the oldest waiting packet, or null. */
  dequeue(): Packet | null {
    if (this.#count === 0) return null;
    const p = this.#queue[this.#head]!;
    this.#queue[this.#head] = null;
    this.#head = (this.#head + 1) % this.#queue.length;
    this.#count--;
    return p;
  }
}

export interface NeighbourCacheOptions extends NeighbourTimes {
  readonly capacity: number;
  /** Packets each incomplete entry may hold. */
  readonly queueLength: number;
}

export class NeighbourCache {
  readonly capacity: number;
  readonly queueLength: number;
  readonly times: NeighbourTimes;
  readonly #entries = new Map<number, Neighbour>();
  /** Entries refused because the cache was full of incomplete entries. */
  overflow = 0;
  /** Entries pushed out to make room. */
  evictions = 0;
  /** Packets waiting in all queues (kept in step through `enqueue`/`dequeue` below). */
  held = 0;

  constructor(options: NeighbourCacheOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new RangeError(`neighbour cache: capacity must be a positive integer, got ${options.capacity}`);
    if (!Number.isInteger(options.queueLength) || options.queueLength < 1) throw new RangeError(`neighbour cache: queueLength must be a positive integer, got ${options.queueLength}`);
    this.capacity = options.capacity;
    this.queueLength = options.queueLength;
    this.times = { reachableTime: options.reachableTime, staleTime: options.staleTime };
  }

  /** Entries in the cache (the gauge). */
  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `ip` on interface `ifIndex`, or undefined; an expired entry is removed and not returned. */
  get(ifIndex: number, ip: number, now: number): Neighbour | undefined {
    const n = this.#entries.get(key(ifIndex, ip));
    if (n !== undefined && n.mac >= 0 && this.#expired(n, now)) {
      this.#remove(n);
      return undefined;
    }
    return n;
  }

  /** Creates an incomplete entry, evicting if needed; null when the cache is full of incomplete entries. */
  create(ifIndex: number, ip: number, now: number): Neighbour | null {
    if (this.#entries.size >= this.capacity && !this.#evictOne()) {
      this.overflow++;
      return null;
    }
    const n = new Neighbour(ifIndex, ip, this.queueLength);
    n.probedAt = now;
    this.#entries.set(key(ifIndex, ip), n);
    return n;
  }

  /** Records the neighbour's MAC as confirmed now. */
  confirm(n: Neighbour, mac: number, now: number): void {
    n.mac = mac;
    n.confirmedAt = now;
    n.probes = 0;
  }

  state(n: Neighbour, now: number): NeighbourState {
    if (n.mac < 0) return 'incomplete';
    return now - n.confirmedAt < this.times.reachableTime ? 'reachable' : 'stale';
  }

  /** Queues a packet on an entry; returns a packet pushed out of a full queue, for the caller to drop. */
  enqueue(n: Neighbour, p: Packet): Packet | null {
    const out = n.enqueue(p);
    if (out === null) this.held++;
    return out;
  }

  dequeue(n: Neighbour): Packet | null {
    const p = n.dequeue();
    if (p !== null) this.held--;
    return p;
  }

  /** Removes an entry; its queue must have been emptied by the caller. */
  remove(n: Neighbour): void {
    this.#remove(n);
  }

  /** Every entry, expired ones removed first. */
  list(now: number): Neighbour[] {
    const out: Neighbour[] = [];
    for (const n of [...this.#entries.values()]) {
      if (n.mac >= 0 && this.#expired(n, now)) this.#remove(n);
      else out.push(n);
    }
    return out;
  }

  #expired(n: Neighbour, now: number): boolean {
    return now - n.confirmedAt >= this.times.reachableTime + this.times.staleTime;
  }

  #remove(n: Neighbour): void {
    n.timer?.cancel();
    n.timer = null;
    this.#entries.delete(key(n.ifIndex, n.ip));
  }

  #evictOne(): boolean {
    let victim: Neighbour | null = null;
    for (const n of this.#entries.values()) {
      if (n.mac < 0) continue;
      if (victim === null || n.confirmedAt < victim.confirmedAt) victim = n;
    }
    if (victim === null) return false;
    this.#remove(victim);
    this.evictions++;
    return true;
  }
}

/** One number for (interface, address): exact while the interface index stays below 2^21. */
function key(ifIndex: number, ip: number): number {
  return ifIndex * 0x100000000 + ip;
}
