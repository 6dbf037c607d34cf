/**
 * The vhost-user net data path: frames from the front-end's transmit ring (queue 1) into a
 * FrameSink, and frames from a FrameSource into the front-end's receive ring (queue 0). In the
 * thread placement the ring worker runs it between the virtio rings and the two frame rings
 * (`FrameRingSink`, `FrameRingSource`); in the inline placement the engine thread runs it between
 * the virtio rings and engine packets (inline.ts).
 *
 * Transmit: a chain is [virtio_net_hdr | frame], split across readable descriptors any way the
 * front-end likes; the header is skipped and the frame gathered into the sink's room (a frame-ring
 * slot or a packet: one copy).
 * The chain goes back with length 0. We offer no offloads, so a header asking for a checksum or GSO
 * is a counted drop. Backpressure: while the sink has no room, no chain is taken (`txBlocked`); the
 * front-end finds its transmit ring full, as with any busy NIC, and nothing is dropped.
 * Receive: a frame is scattered with a zeroed header into one chain, or with MRG_RXBUF into as many as
 * it needs (`num_buffers` says how many). With too few buffers posted the frame stays with its source
 * (`rxStarved`; the chains taken so far are given back with `unpop`): a frame ring keeps it for the
 * front-end's next buffers, the inline placement drops it.
 *
 * Faults: the queue (virtio's DeviceQueue) reports ring faults (the queue is broken) and chain faults (the chain was
 * returned unused). A broken queue or a descriptor outside the mapped memory ends the connection:
 * `fault` is set and the placement closes it with that reason. Other chain faults are counted drops.
 * Nothing is allocated per frame.
 */
import { ByteCopier, WordBuffer } from '../sys/copy.js';
import type { FrameRing } from '../sys/frame-ring.js';
import { CHAIN_FAULTS, Chain, type DeviceQueue, RING_FAULTS } from '../virtio/virtqueue.js';
import type { MappedMemory } from './memory.js';
import { RX_RING, type Session, TX_RING } from './session.js';
import { FRAME_ROOM, Stat, WORKER_DROP_NAMES, type WorkerDrop } from './shared.js';
import type { Sys } from './sys.js';

const MAX_MERGE = 64;
const MAX_SEGMENTS = 64;
const ETH_HEADER = 14;
const HDR_F_NEEDS_CSUM = 1;

function dropIndex(name: WorkerDrop): number {
  return Stat.DropBase + WORKER_DROP_NAMES.indexOf(name);
}
const D_TX_RUNT = dropIndex('tx-runt');
const D_TX_TOO_BIG = dropIndex('tx-too-big');
const D_TX_OFFLOAD = dropIndex('tx-offload-not-negotiated');
const D_RX_TOO_SMALL = dropIndex('rx-buffer-too-small');
const D_RX_CHAIN = dropIndex('rx-chain-fault');
const D_TX_CHAIN = dropIndex('tx-chain-fault');
const D_RX_NOT_RUNNING = dropIndex('rx-not-running');
const D_TX_DISABLED = dropIndex('tx-ring-disabled');

/** Where transmitted frames go. Each placement has one kind, so the calls stay monomorphic. */
export interface FrameSink {
  /** Frames it takes now without waiting; 0 holds the transmit ring back. */
  room(): number;
  /** The largest frame it takes. */
  readonly maxFrame: number;
  /** Claims room for the next frame, to be written at `buffer.bytes[at...]`; false when it has none after all. */
  claim(): boolean;
  /** The memory frames are written to: one buffer for the sink's life. */
  readonly buffer: WordBuffer;
  readonly at: number;
  /** The claimed room holds a frame of `len` bytes: hand it on. */
  commit(len: number): void;
}

/** Where frames for the front-end come from. */
export interface FrameSource {
  /** Makes the next frame current (`buffer.bytes[at, at + len)`); false when there is none. */
  next(): boolean;
  /** The memory the current frame is in. */
  readonly buffer: WordBuffer;
  readonly at: number;
  readonly len: number;
  /** Done with the current frame (delivered or dropped). */
  release(): void;
}

/** The frame ring toward the engine, as a sink (the worker is its producer). */
export class FrameRingSink implements FrameSink {
  readonly #ring: FrameRing;
  readonly buffer: WordBuffer;
  readonly maxFrame = FRAME_ROOM;
  at = 0;
  constructor(ring: FrameRing) {
    this.#ring = ring;
    this.buffer = new WordBuffer(ring.bytes);
  }
  room(): number {
    return this.#ring.slots - this.#ring.queued;
  }
  claim(): boolean {
    this.at = this.#ring.nextSlotOffset();
    return true;
  }
  commit(len: number): void {
    this.#ring.publish(len);
  }
}

/** The frame ring from the engine, as a source (the worker is its consumer). */
export class FrameRingSource implements FrameSource {
  readonly #ring: FrameRing;
  readonly buffer: WordBuffer;
  at = 0;
  len = 0;
  constructor(ring: FrameRing) {
    this.#ring = ring;
    this.buffer = new WordBuffer(ring.bytes);
  }
  next(): boolean {
    const ring = this.#ring;
    if (!ring.readable()) return false;
    this.at = ring.peekOffset();
    this.len = ring.peekLength();
    return true;
  }
  release(): void {
    this.#ring.release();
  }
}

export class NetPath {
  readonly #sys: Sys;
  /** Guest memory <-> sink and source: memcpy from 256 bytes, 32-bit words below (V8 copies shared and mapped memory a byte at a time). */
  readonly #copier: ByteCopier;
  readonly #stats: Float64Array;
  readonly #sink: FrameSink;
  readonly #source: FrameSource;
  readonly #txChain = new Chain(MAX_SEGMENTS);
  readonly #rxChains: Chain[] = [];
  readonly #scratch = Buffer.alloc(8);
  #txq: DeviceQueue | null = null;
  /** The transmit ring is started but disabled: its frames are taken and discarded. */
  #txDiscard = false;
  #rxq: DeviceQueue | null = null;
  #txCall = -1;
  #rxCall = -1;
  #mem: MappedMemory | null = null;
  /** The mapped memory as a WordBuffer, for the copies. */
  #memBuffer: WordBuffer | null = null;
  #hdrLen = 12;
  #mergeable = false;
  /** Set when the front-end broke a ring: the reason to close the connection. */
  fault: string | null = null;
  /** The last `serviceTx` stopped because the sink had no room while frames waited. */
  txBlocked = false;
  /** The last `serviceRx` stopped because the front-end had posted too few buffers for the current frame. */
  rxStarved = false;

  constructor(sys: Sys, stats: Float64Array, sink: FrameSink, source: FrameSource) {
    this.#sys = sys;
    this.#copier = new ByteCopier(sys);
    this.#stats = stats;
    this.#sink = sink;
    this.#source = source;
    for (let i = 0; i < MAX_MERGE; i++) this.#rxChains.push(new Chain(MAX_SEGMENTS));
  }

  /** Re-reads the session's live rings (after a message changed them). */
  bind(session: Session | null): void {
    const tx = session?.rings[TX_RING] ?? null;
    const rx = session?.rings[RX_RING] ?? null;
    this.#txq = tx?.queue ?? null;
    this.#txDiscard = tx !== null && !tx.enabled;
    // A disabled receive ring is given nothing (the spec's started-but-disabled state).
    this.#rxq = rx !== null && rx.enabled ? rx.queue : null;
    this.#txCall = tx?.callFd ?? -1;
    this.#rxCall = rx?.callFd ?? -1;
    const mem = session?.mapping?.memory ?? null;
    this.#mem = mem;
    this.#memBuffer = mem === null ? null : new WordBuffer(mem.bytes);
    this.#hdrLen = session?.hdrLen ?? 12;
    this.#mergeable = session?.mergeable ?? false;
    this.fault = null;
  }

  /**
   * Counts what the front-end left available on its transmit ring (`Stat.TxLeftAtDisconnect`),
   * read from the still-mapped ring before the connection's memory goes; the frames are not taken.
   */
  countTxLeft(): number {
    const q = this.#txq;
    const left = q === null ? 0 : q.pending();
    this.#stats[Stat.TxLeftAtDisconnect]! += left;
    return left;
  }

  get txQueue(): DeviceQueue | null {
    return this.#txq;
  }

  get rxQueue(): DeviceQueue | null {
    return this.#rxq;
  }

  #queueFault(q: DeviceQueue, index: number): void {
    if (q.broken !== null) this.fault = `queue ${index}: ${RING_FAULTS[q.broken]}`;
    else if (q.lastFault === 'desc-out-of-ram') this.fault = `queue ${index}: ${CHAIN_FAULTS['desc-out-of-ram']}`;
  }

  #call(fd: number): void {
    if (fd >= 0 && this.#sys.signal(fd, this.#scratch)) this.#stats[Stat.Calls]!++;
  }

  /** Moves up to `budget` frames from the front-end's transmit ring to the engine; returns chains taken. */
  serviceTx(budget: number): number {
    const q = this.#txq;
    if (q === null) return 0;
    const mem = this.#mem!;
    const bytes = mem.bytes;
    const guest = this.#memBuffer!;
    const sink = this.#sink;
    const dst = sink.buffer;
    const maxFrame = sink.maxFrame;
    const copier = this.#copier;
    const chain = this.#txChain;
    const hdr = this.#hdrLen;
    const stats = this.#stats;
    let n = 0;
    let frames = 0;
    let octets = 0;
    let slotsFree = sink.room();
    this.txBlocked = false;
    for (; n < budget; n++) {
      if (slotsFree === 0) {
        // The consumer may have made room since `slotsFree` was read: look once more before holding back.
        slotsFree = sink.room();
        if (slotsFree === 0) {
          if (q.pending() > 0) {
            this.txBlocked = true;
            stats[Stat.TxBackpressure]!++;
          }
          break;
        }
      }
      const r = q.pop(chain, 'read');
      if (r === 'empty') break;
      if (r === 'broken') {
        this.#queueFault(q, TX_RING);
        return n;
      }
      if (r === 'fault') {
        if (q.lastFault === 'desc-out-of-ram') {
          this.#queueFault(q, TX_RING);
          return n;
        }
        stats[D_TX_CHAIN]!++;
        continue;
      }
      if (this.#txDiscard) {
        stats[D_TX_DISABLED]!++;
        q.pushUsed(chain.head, 0);
        continue;
      }
      const frameLen = chain.readableBytes - hdr;
      if (frameLen < ETH_HEADER) {
        stats[D_TX_RUNT]!++;
        q.pushUsed(chain.head, 0);
        continue;
      }
      if (frameLen > maxFrame) {
        stats[D_TX_TOO_BIG]!++;
        q.pushUsed(chain.head, 0);
        continue;
      }
      // flags and gso_type are the header's first two bytes (the first segment may be shorter than that).
      const a0 = chain.addr[0]!;
      const flags = bytes[a0]!;
      const gso = chain.len[0]! >= 2 ? bytes[a0 + 1]! : mem.read8(chain.addr[1]!);
      if ((flags & HDR_F_NEEDS_CSUM) !== 0 || gso !== 0) {
        stats[D_TX_OFFLOAD]!++;
        q.pushUsed(chain.head, 0);
        continue;
      }
      if (!sink.claim()) {
        // No packet after all (the engine's pool is empty): the chain waits on the ring.
        q.unpop(1);
        this.txBlocked = true;
        stats[Stat.TxBackpressure]!++;
        break;
      }
      let skip = hdr;
      let w = sink.at;
      for (let k = 0; k < chain.count; k++) {
        if (chain.writable[k] !== 0) break;
        let a = chain.addr[k]!;
        let l = chain.len[k]!;
        if (skip > 0) {
          const s = skip < l ? skip : l;
          a += s;
          l -= s;
          skip -= s;
        }
        if (l > 0) {
          copier.copyBetween(dst, w, guest, a, l);
          w += l;
        }
      }
      sink.commit(frameLen);
      slotsFree--;
      q.pushUsed(chain.head, 0);
      frames++;
      octets += frameLen;
    }
    stats[Stat.FramesFromGuest]! += frames;
    stats[Stat.BytesFromGuest]! += octets;
    if (q.publishUsed()) this.#call(this.#txCall);
    return n;
  }

  /** Drops what waits for a receive ring that is not live (a NIC whose link is down). */
  dropUndeliverable(): number {
    const source = this.#source;
    let n = 0;
    while (source.next()) {
      source.release();
      n++;
    }
    this.#stats[D_RX_NOT_RUNNING]! += n;
    return n;
  }

  /** True when frames wait for the front-end (the first becomes the source's current frame). */
  rxWaiting(): boolean {
    return this.#source.next();
  }

  /**
   * Moves up to `budget` frames from the engine to the front-end's receive ring; returns frames
   * delivered or dropped. Stops early when the front-end has posted too few buffers.
   */
  serviceRx(budget: number): number {
    const q = this.#rxq;
    if (q === null) return 0;
    const source = this.#source;
    const copier = this.#copier;
    const mem = this.#mem!;
    const bytes = mem.bytes;
    const guest = this.#memBuffer!;
    const chains = this.#rxChains;
    const hdr = this.#hdrLen;
    const mergeable = this.#mergeable;
    const stats = this.#stats;
    let n = 0;
    let frames = 0;
    let octets = 0;
    this.rxStarved = false;
    for (; n < budget; n++) {
      if (!source.next()) break;
      const src = source.buffer;
      const at = source.at;
      const len = source.len;
      const need = hdr + len;
      let used = 0;
      let room = 0;
      let outcome: 'ok' | 'wait' | 'fault' = 'ok';
      while (room < need && used < MAX_MERGE && (used === 0 || mergeable)) {
        const c = chains[used]!;
        const r = q.pop(c, 'write');
        if (r === 'empty') {
          outcome = 'wait';
          break;
        }
        if (r === 'broken' || (r === 'fault' && q.lastFault === 'desc-out-of-ram')) {
          this.#queueFault(q, RX_RING);
          for (let i = 0; i < used; i++) q.pushUsed(chains[i]!.head, 0);
          q.publishUsed();
          return n;
        }
        if (r === 'fault') {
          outcome = 'fault';
          break;
        }
        room += c.writableBytes;
        used++;
      }
      if (outcome === 'wait') {
        q.unpop(used);
        this.rxStarved = true;
        break;
      }
      if (outcome === 'fault' || room < need) {
        for (let i = 0; i < used; i++) q.pushUsed(chains[i]!.head, 0);
        stats[outcome === 'fault' ? D_RX_CHAIN : D_RX_TOO_SMALL]!++;
        source.release();
        continue;
      }
      // Scatter: the header (zeros, then num_buffers) and the frame, segment by segment.
      let left = need;
      let fromFrame = at - hdr;
      for (let i = 0; i < used; i++) {
        const c = chains[i]!;
        let written = 0;
        for (let k = 0; k < c.count && left > 0; k++) {
          if (c.writable[k] === 0) continue;
          const a = c.addr[k]!;
          const l = c.len[k]! < left ? c.len[k]! : left;
          let j = 0;
          if (hdr === 12 && fromFrame + hdr === at && l >= hdr && ((guest.base + a) & 3) === 0) {
            // The whole header in the first segment, word-aligned (the usual case): three word
            // stores, num_buffers in the high half of the third (little-endian, as GuestMemory).
            const w = (guest.base + a) >> 2;
            const words = guest.words;
            words[w] = 0;
            words[w + 1] = 0;
            words[w + 2] = used << 16;
            j = hdr;
          }
          // Header bytes (positions before the frame) are zeros, except num_buffers at 10..11.
          while (j < l && fromFrame + j < at) {
            const h = fromFrame + j - (at - hdr);
            bytes[a + j] = hdr === 12 && h === 10 ? used & 0xff : hdr === 12 && h === 11 ? used >>> 8 : 0;
            j++;
          }
          if (j < l) copier.copyBetween(guest, a + j, src, fromFrame + j, l - j);
          fromFrame += l;
          written += l;
          left -= l;
        }
        q.pushUsed(c.head, written);
      }
      source.release();
      frames++;
      octets += len;
    }
    stats[Stat.FramesToGuest]! += frames;
    stats[Stat.BytesToGuest]! += octets;
    if (q.publishUsed()) this.#call(this.#rxCall);
    return n;
  }
}
