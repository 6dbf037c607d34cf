/**
 * Per-packet trace records: where a traced packet went and what each app decided.
 *
 * A packet is traced when its `traceId` is non-zero; clones inherit the id, so a
 * flooded packet's copies all appear under one trace. With no traced packet in
 * flight the cost on the data path is one integer check per app and link.
 * The record store is bounded; records past the bound are counted in `overflow`.
 */
import type { Link } from './link.js';
import type { Packet } from './packet.js';

export interface TraceRecord {
  readonly traceId: number;
  /** Engine time in nanoseconds. */
  readonly time: number;
  /** The app that decided, or the link the packet crossed. */
  readonly where: string;
  readonly kind: 'note' | 'hop';
  readonly text: string;
  /** Length of the packet at that point. */
  readonly length: number;
}

export class Tracer {
  readonly #records: TraceRecord[] = [];
  readonly limit: number;
  overflow = 0;
  #nextId = 1;
  readonly #now: () => number;

  constructor(now: () => number, limit = 100_000) {
    this.#now = now;
    this.limit = limit;
  }

  /** Marks a packet as traced and returns its trace id. */
  start(p: Packet): number {
    const id = this.#nextId++;
    p.traceId = id;
    return id;
  }

  note(p: Packet, where: string, text: string): void {
    this.#push({ traceId: p.traceId, time: this.#now(), where, kind: 'note', text, length: p.len });
  }

  hop(p: Packet, link: Link): void {
    this.#push({ traceId: p.traceId, time: this.#now(), where: `${link.from.app}.${link.from.port}`, kind: 'hop', text: `-> ${link.to.app}.${link.to.port}`, length: p.len });
  }

  /** Records of one trace, in order. */
  records(traceId: number): TraceRecord[] {
    return this.#records.filter((r) => r.traceId === traceId);
  }

  get size(): number {
    return this.#records.length;
  }

  clear(): void {
    this.#records.length = 0;
  }

  #push(r: TraceRecord): void {
    if (this.#records.length >= this.limit) {
      this.overflow++;
      return;
    }
    this.#records.push(r);
  }
}
