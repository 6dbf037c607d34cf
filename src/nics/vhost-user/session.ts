/**
 * One vhost-user connection, backend side: the protocol state machine behind the socket.
 *
 * `handle(header, payload, fds)` applies one front-end message and returns the reply payload (for the
 * GET_* requests and REPLY_ACK), nothing, or a reason to close the connection. It owns what the
 * messages hand over: the mapped memory table and the kick/call/err eventfds; `close()` releases all of
 * it, so a new connection starts from scratch.
 *
 * Rings (one queue pair: 0 receive, 1 transmit; no MQ): a ring is started by SET_VRING_KICK (the
 * current spec's reading, also what DPDK and QEMU do) and stopped by GET_VRING_BASE, which reports
 * where the backend stopped. It is enabled by SET_VRING_ENABLE when VHOST_USER_F_PROTOCOL_FEATURES was
 * negotiated, otherwise from the start. A started ring has its queue (virtio's DeviceQueue, resumed
 * at the ring's base and translating descriptor addresses through the memory's region table) built
 * over the mapped memory. Started and enabled, it is live and the data path serves it. Started but
 * disabled, the spec's third state, the data path supplies nothing on a receive ring and takes and
 * discards what a transmit ring carries (a counted drop).
 *
 * Every check that fails closes the connection with a reason naming the message and the field:
 * payload sizes, queue indices, ring sizes, ring addresses not covered by one region, a memory table
 * that cannot be mapped, fds where none belong or missing where they must be, features never offered.
 */
import { DeviceQueue, RING_FAULTS, availRingBytes, descTableBytes, isValidQueueSize, usedRingBytes } from '../virtio/virtqueue.js';
import { MemoryMapping } from './memory.js';
import {
  BACKEND_FEATURES, BACKEND_PROTOCOL_FEATURES, type Header, PROTOCOL_F_REPLY_ACK, Req, VHOST_USER_F_PROTOCOL_FEATURES, VHOST_USER_NEED_REPLY_FLAG,
  VIRTIO_F_RING_EVENT_IDX, VIRTIO_F_RING_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_NET_F_MRG_RXBUF, VRING_INDEX_MASK, VRING_NOFD_FLAG, type VringAddr,
  decodeMemTable, decodeU64, decodeVringAddr, decodeVringState, encodeU64, encodeVringState, hasBit, requestName,
} from './protocol.js';
import type { Sys } from './sys.js';

export const RX_RING = 0;
export const TX_RING = 1;
const RING_COUNT = 2;
/** Largest chain a ring may post: 64 KiB of payload, the 14-byte Ethernet header and the 12-byte virtio_net_hdr. */
const MAX_CHAIN_BYTES = 65562;

export class Vring {
  readonly index: number;
  num = 0;
  addr: VringAddr | null = null;
  /** Where the device resumes in the avail ring (SET_VRING_BASE; updated when the ring stops). */
  base = 0;
  kickFd = -1;
  callFd = -1;
  errFd = -1;
  enabled = false;
  started = false;
  /** The served ring, while live. */
  queue: DeviceQueue | null = null;

  constructor(index: number) {
    this.index = index;
  }
}

export type HandleResult = { reply: Uint8Array | null } | { close: string };

export interface SessionOptions {
  readonly features?: bigint;
  readonly protocolFeatures?: bigint;
  /** File size of an fd (fstat), to refuse regions longer than their file. */
  readonly fileSize: (fd: number) => number;
}

export class Session {
  readonly #sys: Sys;
  readonly offered: bigint;
  readonly offeredProtocol: bigint;
  readonly #fileSize: (fd: number) => number;
  features = 0n;
  protocolFeatures = 0n;
  featuresSet = false;
  /** SET_PROTOCOL_FEATURES was received (legal only because GET_FEATURES offered VHOST_USER_F_PROTOCOL_FEATURES). */
  protocolFeaturesSet = false;
  owner = false;
  status = 0;
  mapping: MemoryMapping | null = null;
  readonly rings: Vring[] = [];
  /** Bytes of virtio_net_hdr in front of every frame (12 with VERSION_1 or MRG_RXBUF, else 10). */
  hdrLen = 12;
  mergeable = false;
  /** Messages handled (counter) and the last one's name, for logs. */
  messages = 0;
  /** Called when a ring becomes live or stops (the worker re-reads the rings). */
  onRingsChanged: (() => void) | null = null;
  /**
   * Called when GET_VRING_BASE is about to stop a started ring, or SET_VRING_ENABLE 0 to disable a
   * live one: the worker takes what the front-end already made available on it, so every frame
   * the front-end counted as sent is accounted for (delivered, or dropped with a reason).
   */
  onRingStopping: ((index: number, how: 'disable' | 'stop') => void) | null = null;

  constructor(sys: Sys, options: SessionOptions) {
    this.#sys = sys;
    this.offered = options.features ?? BACKEND_FEATURES;
    this.offeredProtocol = options.protocolFeatures ?? BACKEND_PROTOCOL_FEATURES;
    this.#fileSize = options.fileSize;
    for (let i = 0; i < RING_COUNT; i++) this.rings.push(new Vring(i));
  }

  /** True when both rings are live (started and enabled). */
  get running(): boolean {
    return this.rings.every((r) => r.queue !== null && r.enabled);
  }

  /** True when a ring is started but disabled: the worker must still take (and discard) what its transmit ring carries. */
  get anyStartedDisabled(): boolean {
    return this.rings.some((r) => r.queue !== null && !r.enabled);
  }

  /** Applies one message; fds are owned by the session from here on (kept or closed). */
  handle(h: Header, payload: Uint8Array, fds: number[]): HandleResult {
    this.messages++;
    const r = this.#dispatch(h, payload, fds);
    if ('close' in r) return r;
    if (r.reply === null && (h.flags & VHOST_USER_NEED_REPLY_FLAG) !== 0 && hasBit(this.protocolFeatures, PROTOCOL_F_REPLY_ACK)) return { reply: encodeU64(0n) };
    return r;
  }

  #closeFds(fds: readonly number[]): void {
    for (const fd of fds) this.#sys.close(fd);
  }

  #noFds(name: string, fds: number[]): string | null {
    if (fds.length === 0) return null;
    this.#closeFds(fds);
    return `${name}: carried ${fds.length} unexpected file descriptor(s)`;
  }

  #ring(name: string, index: number): Vring | string {
    const ring = this.rings[index];
    return ring ?? `${name}: queue index ${index}, but this backend has one queue pair (queues 0 and 1; MQ is not offered)`;
  }

  #dispatch(h: Header, payload: Uint8Array, fds: number[]): HandleResult {
    const name = requestName(h.request);
    const takesFds = h.request === Req.SET_MEM_TABLE || h.request === Req.SET_VRING_KICK || h.request === Req.SET_VRING_CALL || h.request === Req.SET_VRING_ERR;
    if (!takesFds) {
      const bad = this.#noFds(name, fds);
      if (bad !== null) return { close: bad };
    }
    switch (h.request) {
      case Req.GET_FEATURES:
        return { reply: encodeU64(this.offered) };
      case Req.SET_FEATURES: {
        const d = decodeU64(name, payload);
        if (!d.ok) return { close: d.reason };
        if ((d.value & ~this.offered) !== 0n) return { close: `${name}: features 0x${d.value.toString(16)} include bits never offered (offered 0x${this.offered.toString(16)})` };
        this.features = d.value;
        this.featuresSet = true;
        this.mergeable = hasBit(d.value, VIRTIO_NET_F_MRG_RXBUF);
        this.hdrLen = this.mergeable || hasBit(d.value, VIRTIO_F_VERSION_1) ? 12 : 10;
        if (!this.#protocolNegotiated()) for (const r of this.rings) r.enabled = true;
        return this.#changed();
      }
      case Req.SET_OWNER:
        this.owner = true;
        return { reply: null };
      case Req.RESET_OWNER:
        this.#resetDevice();
        return { reply: null };
      case Req.GET_PROTOCOL_FEATURES:
        return { reply: encodeU64(this.offeredProtocol) };
      case Req.SET_PROTOCOL_FEATURES: {
        const d = decodeU64(name, payload);
        if (!d.ok) return { close: d.reason };
        if ((d.value & ~this.offeredProtocol) !== 0n) return { close: `${name}: protocol features 0x${d.value.toString(16)} include bits never offered (offered 0x${this.offeredProtocol.toString(16)})` };
        this.protocolFeatures = d.value;
        this.protocolFeaturesSet = true;
        return { reply: null };
      }
      case Req.GET_QUEUE_NUM:
        return { reply: encodeU64(1n) };
      case Req.SET_STATUS: {
        const d = decodeU64(name, payload);
        if (!d.ok) return { close: d.reason };
        this.status = Number(d.value & 0xffn);
        if (this.status === 0) this.#resetDevice();
        return { reply: null };
      }
      case Req.GET_STATUS:
        return { reply: encodeU64(BigInt(this.status)) };
      case Req.SET_MEM_TABLE:
        return this.#setMemTable(payload, fds);
      case Req.SET_VRING_NUM: {
        const d = decodeVringState(name, payload);
        if (!d.ok) return { close: d.reason };
        const ring = this.#ring(name, d.value.index);
        if (typeof ring === 'string') return { close: ring };
        if (!isValidQueueSize(d.value.num)) return { close: `${name}: queue ${ring.index} size ${d.value.num} is not a power of two within 1..32768` };
        if (ring.started) return { close: `${name}: queue ${ring.index} is running` };
        ring.num = d.value.num;
        return { reply: null };
      }
      case Req.SET_VRING_ADDR: {
        const d = decodeVringAddr(name, payload);
        if (!d.ok) return { close: d.reason };
        const ring = this.#ring(name, d.value.index);
        if (typeof ring === 'string') return { close: ring };
        ring.addr = d.value;
        if (this.mapping !== null && ring.num > 0) {
          const bad = this.#translateRing(ring);
          if (typeof bad === 'string') return { close: `${name}: ${bad}` };
        }
        return this.#changed();
      }
      case Req.SET_VRING_BASE: {
        const d = decodeVringState(name, payload);
        if (!d.ok) return { close: d.reason };
        const ring = this.#ring(name, d.value.index);
        if (typeof ring === 'string') return { close: ring };
        if (d.value.num > 0xffff) return { close: `${name}: queue ${ring.index} base ${d.value.num} is not a 16-bit ring index` };
        if (ring.started) return { close: `${name}: queue ${ring.index} is running` };
        ring.base = d.value.num;
        return { reply: null };
      }
      case Req.GET_VRING_BASE: {
        const d = decodeVringState(name, payload);
        if (!d.ok) return { close: d.reason };
        const ring = this.#ring(name, d.value.index);
        if (typeof ring === 'string') return { close: ring };
        if (ring.queue !== null) this.onRingStopping?.(ring.index, 'stop');
        this.#stop(ring);
        ring.started = false;
        this.#replaceFd(ring, 'kickFd', -1);
        this.onRingsChanged?.();
        return { reply: encodeVringState(ring.index, ring.base) };
      }
      case Req.SET_VRING_KICK:
      case Req.SET_VRING_CALL:
      case Req.SET_VRING_ERR: {
        const d = decodeU64(name, payload);
        if (!d.ok) {
          this.#closeFds(fds);
          return { close: d.reason };
        }
        const index = Number(d.value & BigInt(VRING_INDEX_MASK));
        const noFd = (d.value & BigInt(VRING_NOFD_FLAG)) !== 0n;
        const ring = this.#ring(name, index);
        if (typeof ring === 'string') {
          this.#closeFds(fds);
          return { close: ring };
        }
        if (fds.length !== (noFd ? 0 : 1)) {
          this.#closeFds(fds);
          return { close: `${name}: queue ${index} with ${fds.length} file descriptors, expected ${noFd ? 0 : 1}${noFd ? ' (the no-fd flag is set)' : ''}` };
        }
        const fd = noFd ? -1 : fds[0]!;
        if (h.request === Req.SET_VRING_CALL) this.#replaceFd(ring, 'callFd', fd);
        else if (h.request === Req.SET_VRING_ERR) this.#replaceFd(ring, 'errFd', fd);
        else {
          this.#replaceFd(ring, 'kickFd', fd);
          ring.started = true;
          return this.#changed();
        }
        return { reply: null };
      }
      case Req.SET_VRING_ENABLE: {
        const d = decodeVringState(name, payload);
        if (!d.ok) return { close: d.reason };
        if (!this.#protocolNegotiated()) return { close: `${name}: sent without VHOST_USER_F_PROTOCOL_FEATURES negotiated` };
        const ring = this.#ring(name, d.value.index);
        if (typeof ring === 'string') return { close: ring };
        if (d.value.num > 1) return { close: `${name}: queue ${ring.index} state ${d.value.num}, expected 0 or 1` };
        const enable = d.value.num === 1;
        // DPDK's virtio-user disables its rings before GET_VRING_BASE when it stops: what it made
        // available while the ring was enabled is delivered first; later frames are discarded.
        if (!enable && ring.enabled && ring.queue !== null) this.onRingStopping?.(ring.index, 'disable');
        ring.enabled = enable;
        return this.#changed();
      }
      default:
        return { close: `${name}: not supported by this backend (its feature was never offered)` };
    }
  }

  /**
   * VHOST_USER_F_PROTOCOL_FEATURES counts as negotiated once the front-end has set the protocol
   * features, or acked the bit in SET_FEATURES. QEMU sends SET_VRING_ENABLE between the two (at
   * device start-up, before SET_FEATURES), as the spec allows: the protocol features are
   * negotiated with their own messages once the backend offered the bit.
   */
  #protocolNegotiated(): boolean {
    return this.protocolFeaturesSet || hasBit(this.features, VHOST_USER_F_PROTOCOL_FEATURES);
  }

  #replaceFd(ring: Vring, which: 'kickFd' | 'callFd' | 'errFd', fd: number): void {
    if (ring[which] >= 0) this.#sys.close(ring[which]);
    ring[which] = fd;
  }

  #setMemTable(payload: Uint8Array, fds: number[]): HandleResult {
    const d = decodeMemTable(payload, fds.length);
    if (!d.ok) {
      this.#closeFds(fds);
      return { close: d.reason };
    }
    // Queues hold views of the old mapping: stop them (keeping their position) before it goes.
    for (const r of this.rings) this.#stop(r);
    this.mapping?.unmap();
    this.mapping = null;
    const m = MemoryMapping.map(this.#sys, d.value, fds, this.#fileSize);
    if (typeof m === 'string') return { close: m };
    this.mapping = m;
    for (const r of this.rings) {
      if (r.addr !== null && r.num > 0) {
        const bad = this.#translateRing(r);
        if (typeof bad === 'string') return { close: `SET_MEM_TABLE: ${bad}` };
      }
    }
    return this.#changed();
  }

  /** Local addresses of a ring's three parts, or a reason when a part is outside every region. */
  #translateRing(ring: Vring): { desc: number; avail: number; used: number } | string {
    const a = ring.addr!;
    const table = this.mapping!.memory.table;
    const parts = [
      ['descriptor table', a.desc, descTableBytes(ring.num)],
      ['avail ring', a.avail, availRingBytes(ring.num)],
      ['used ring', a.used, usedRingBytes(ring.num)],
    ] as const;
    const out: number[] = [];
    for (const [what, va, len] of parts) {
      const local = va < 1n << 53n ? table.vaToLocal(Number(va), len) : -1;
      if (local < 0) return `queue ${ring.index} ${what} at 0x${va.toString(16)} (${len} bytes) is not inside one memory region`;
      out.push(local);
    }
    return { desc: out[0]!, avail: out[1]!, used: out[2]! };
  }

  /** Builds the queues of rings that became live; returns a close reason when one cannot be served. */
  #changed(): HandleResult {
    for (const ring of this.rings) {
      if (ring.queue !== null || !ring.started) continue;
      if (!this.featuresSet || this.mapping === null || ring.addr === null || ring.num === 0) continue;
      const at = this.#translateRing(ring);
      if (typeof at === 'string') return { close: `${requestName(Req.SET_VRING_KICK)}: ${at}` };
      const features = { eventIdx: hasBit(this.features, VIRTIO_F_RING_EVENT_IDX), indirect: hasBit(this.features, VIRTIO_F_RING_INDIRECT_DESC) };
      const memory = this.mapping.memory;
      const q = new DeviceQueue(memory, { size: ring.num, ...at }, features, MAX_CHAIN_BYTES, { startIndex: ring.base, translation: memory.table });
      if (q.broken !== null) return { close: `queue ${ring.index}: ${RING_FAULTS[q.broken]}` };
      ring.queue = q;
    }
    this.onRingsChanged?.();
    return { reply: null };
  }

  /** Stops serving a ring, remembering where it stopped. */
  #stop(ring: Vring): void {
    if (ring.queue !== null) ring.base = ring.queue.lastAvail;
    ring.queue = null;
  }

  #resetDevice(): void {
    for (const r of this.rings) {
      this.#stop(r);
      r.started = false;
      r.base = 0;
    }
    this.onRingsChanged?.();
  }

  /** Releases everything the front-end handed over: queues, memory, eventfds. */
  close(): void {
    for (const r of this.rings) {
      this.#stop(r);
      r.started = false;
      for (const k of ['kickFd', 'callFd', 'errFd'] as const) this.#replaceFd(r, k, -1);
    }
    this.mapping?.unmap();
    this.mapping = null;
    this.onRingsChanged?.();
  }
}
