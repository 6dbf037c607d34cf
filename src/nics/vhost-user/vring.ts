/**
 * The device side of a split virtqueue for vhost-user: the virtio ring code (virtio/virtqueue.ts)
 * with address translation built in.
 *
 * Why not DeviceQueue itself: it reads a descriptor's address as a guest-physical offset into one
 * flat RAM below 2^32, while a vhost-user front-end writes addresses of its own choosing: DPDK
 * virtio-user puts its 47-bit virtual addresses there, QEMU its guest-physical ones, in up to eight
 * regions. This queue reads the 64-bit address and translates it through the region table
 * (memory.ts) to a local offset. Everything else follows DeviceQueue, and reuses its pieces: the
 * layout (`descTableBytes`...), `Chain`, the fault names (`CHAIN_FAULTS`, `RING_FAULTS`), the
 * notification rule (`needEvent`), the same results from `pop` and the same bounded walks, so a
 * hostile ring can neither loop the worker nor make it touch memory outside the mapped regions.
 *
 * The ring parts are checked once at set-up (inside one region, aligned); indirect tables and buffers
 * are checked at use. Index fields the other side writes are read with Atomics, our own are published
 * with Atomics, bulk fields with plain DataView accesses (the ordering argument of virtqueue.ts).
 */
import {
  Chain, type ChainFault, type PopResult, type QueueFeatures, type RingFault, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE, VIRTQ_DESC_SIZE, VIRTQ_USED_F_NO_NOTIFY, availRingBytes, descTableBytes, isValidQueueSize, needEvent, usedRingBytes,
} from '../virtio/virtqueue.js';
import type { MappedMemory } from './memory.js';

export { Chain };

/** Where a ring lives, as local offsets in the mapping. */
export interface LocalRingAddresses {
  readonly size: number;
  readonly desc: number;
  readonly avail: number;
  readonly used: number;
}

const TWO_POW_32 = 0x1_0000_0000;

export class VhostQueue {
  readonly mem: MappedMemory;
  readonly size: number;
  readonly #view: DataView;
  readonly #u16: Uint16Array;
  readonly #mask: number;
  readonly #desc: number;
  readonly #avail: number;
  readonly #used: number;
  readonly #eventIdx: boolean;
  readonly #indirect: boolean;
  readonly maxChainBytes: number;
  #lastAvail: number;
  #availSeen: number;
  #usedIdx = 0;
  #signalledUsed = 0;
  broken: RingFault | null = null;
  lastFault: ChainFault | null = null;
  readonly chainFaults: Record<ChainFault, number> = { 'desc-out-of-ram': 0, 'chain-too-long': 0, 'readable-after-writable': 0, 'wrong-direction': 0 };
  popped = 0;
  interrupts = 0;
  interruptsSuppressed = 0;

  /** `base` is where the device resumes in the avail ring (SET_VRING_BASE). */
  constructor(mem: MappedMemory, addrs: LocalRingAddresses, features: QueueFeatures, base: number, maxChainBytes = 65562) {
    this.mem = mem;
    this.#view = mem.view;
    this.#u16 = new Uint16Array(mem.bytes.buffer, mem.bytes.byteOffset, mem.bytes.byteLength >>> 1);
    this.#eventIdx = features.eventIdx;
    this.#indirect = features.indirect;
    this.maxChainBytes = maxChainBytes;
    const size = isValidQueueSize(addrs.size) ? addrs.size : 1;
    this.size = size;
    this.#mask = size - 1;
    this.#desc = addrs.desc;
    this.#avail = addrs.avail;
    this.#used = addrs.used;
    this.#lastAvail = this.#availSeen = base & 0xffff;
    if (size !== addrs.size) this.broken = 'bad-queue-size';
    else if (
      addrs.desc % 16 !== 0 || addrs.avail % 2 !== 0 || addrs.used % 4 !== 0 ||
      !mem.check(addrs.desc, descTableBytes(size)) || !mem.check(addrs.avail, availRingBytes(size)) || !mem.check(addrs.used, usedRingBytes(size))
    ) this.broken = 'ring-out-of-ram';
    if (this.broken === null) this.#usedIdx = this.#signalledUsed = Atomics.load(this.#u16, (this.#used + 2) >>> 1);
  }

  get lastAvail(): number {
    return this.#lastAvail;
  }

  /** Chains made available and not taken; 0 (and broken) when avail.idx jumped by more than the size. */
  pending(): number {
    if (this.broken !== null) return 0;
    const idx = Atomics.load(this.#u16, (this.#avail + 2) >>> 1);
    const n = (idx - this.#lastAvail) & 0xffff;
    if (n > this.size) {
      this.broken = 'avail-index-jump';
      return 0;
    }
    this.#availSeen = idx;
    return n;
  }

  /** Local offset of the 64-bit address in the descriptor at `d`, or -1 when no region holds it. */
  #addr(d: number): number {
    const hi = this.#view.getUint32(d + 4, true);
    if (hi >= 0x20_0000) return -1;
    return this.mem.table.gpaToLocal(hi * TWO_POW_32 + this.#view.getUint32(d, true));
  }

  /** Takes the next chain into `out` (see DeviceQueue.pop: same results, same faults). */
  pop(out: Chain, need: 'read' | 'write'): PopResult {
    if (this.broken !== null) return 'broken';
    if (this.#availSeen === this.#lastAvail && this.pending() === 0) return this.broken !== null ? 'broken' : 'empty';
    const mem = this.mem;
    const view = this.#view;
    const head = view.getUint16(this.#avail + 4 + 2 * (this.#lastAvail & this.#mask), true);
    if (head >= this.size) return this.#break('bad-head-index');
    this.#lastAvail = (this.#lastAvail + 1) & 0xffff;
    this.popped++;
    out.head = head;
    out.count = 0;
    out.readableBytes = 0;
    out.writableBytes = 0;
    let table = this.#desc;
    let tableSize = this.size;
    let inIndirect = false;
    let i = head;
    let fault: ChainFault | null = null;
    let steps = 0;
    const limit = Math.min(this.size, out.addr.length);
    for (;;) {
      if (++steps > tableSize + 1) return this.#break('descriptor-loop');
      const d = table + VIRTQ_DESC_SIZE * i;
      const addr = this.#addr(d);
      const len = view.getUint32(d + 8, true);
      const flags = view.getUint16(d + 12, true);
      const next = view.getUint16(d + 14, true);
      if ((flags & VIRTQ_DESC_F_INDIRECT) !== 0) {
        if (!this.#indirect) return this.#break('indirect-not-negotiated');
        if (inIndirect) return this.#break('nested-indirect');
        if ((flags & VIRTQ_DESC_F_NEXT) !== 0) return this.#break('indirect-with-next');
        if (len === 0 || len % VIRTQ_DESC_SIZE !== 0) return this.#break('bad-indirect-length');
        if (addr < 0 || !mem.check(addr, len)) return this.#break('indirect-out-of-ram');
        table = addr;
        tableSize = len / VIRTQ_DESC_SIZE;
        inIndirect = true;
        i = 0;
        steps = 0;
        continue;
      }
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      if (fault === null) {
        if (addr < 0 || !mem.check(addr, len)) fault = 'desc-out-of-ram';
        else if (!writable && out.writableBytes > 0) fault = 'readable-after-writable';
        else if (out.readableBytes + out.writableBytes + len > this.maxChainBytes || out.count >= limit) fault = 'chain-too-long';
        else {
          const k = out.count++;
          out.addr[k] = addr;
          out.len[k] = len;
          out.writable[k] = writable ? 1 : 0;
          if (writable) out.writableBytes += len;
          else out.readableBytes += len;
        }
      }
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      if (next >= tableSize) return this.#break('bad-next-index');
      i = next;
    }
    if (fault === null && (need === 'read' ? out.readableBytes === 0 : out.writableBytes === 0)) fault = 'wrong-direction';
    if (fault !== null) {
      this.chainFaults[fault]++;
      this.lastFault = fault;
      this.pushUsed(head, 0);
      return 'fault';
    }
    return 'chain';
  }

  #break(reason: RingFault): 'broken' {
    this.broken = reason;
    return 'broken';
  }

  /** Gives back the last `n` popped chains that were not pushed to the used ring. */
  unpop(n: number): void {
    this.#lastAvail = (this.#lastAvail - n) & 0xffff;
    this.popped -= n;
  }

  pushUsed(head: number, written: number): void {
    if (this.broken !== null) return;
    const e = this.#used + 4 + 8 * (this.#usedIdx & this.#mask);
    this.#view.setUint32(e, head, true);
    this.#view.setUint32(e + 4, written, true);
    this.#usedIdx = (this.#usedIdx + 1) & 0xffff;
  }

  /** Publishes pushed entries; true when the driver wants an interrupt (after suppression). */
  publishUsed(): boolean {
    if (this.broken !== null) return false;
    const next = this.#usedIdx;
    const old = this.#signalledUsed;
    if (next === old) return false;
    Atomics.store(this.#u16, (this.#used + 2) >>> 1, next);
    this.#signalledUsed = next;
    const want = this.#eventIdx
      ? needEvent(Atomics.load(this.#u16, (this.#avail + 4 + 2 * this.size) >>> 1), next, old)
      : (Atomics.load(this.#u16, this.#avail >>> 1) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    if (want) this.interrupts++;
    else this.interruptsSuppressed++;
    return want;
  }

  /** Asks the driver not to kick (the worker is polling). */
  disableNotify(): void {
    if (this.broken !== null || this.#eventIdx) return;
    Atomics.store(this.#u16, this.#used >>> 1, VIRTQ_USED_F_NO_NOTIFY);
  }

  /** Asks for a kick on the next avail entry; true when entries arrived meanwhile. */
  enableNotify(): boolean {
    if (this.broken !== null) return false;
    if (this.#eventIdx) Atomics.store(this.#u16, (this.#used + 4 + 8 * this.size) >>> 1, this.#lastAvail);
    else Atomics.store(this.#u16, this.#used >>> 1, 0);
    return this.pending() > 0;
  }
}
