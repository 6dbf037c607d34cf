/**
 * Packet buffers and the pool they live in.
 *
 * Design: every packet of a pool is a fixed window into one backing ArrayBuffer
 * (optionally a SharedArrayBuffer, so worker threads can see the same bytes).
 * The data of a packet starts `headroom` bytes into its window, so a tunnel can
 * prepend an outer header by moving `off` back instead of copying the payload.
 *
 * Invariants:
 * - `0 <= off` and `off + len <= buf.length`; `prepend`/`append` refuse rather than overrun.
 * - A packet is owned by exactly one place at a time: a link, an app, or the free list.
 *   `free` of an already free packet is a programming error and throws.
 * - Allocation never grows the pool: an empty pool returns null and counts `allocFailures`.
 */
import { copyBytes } from './copy-bytes.js';

/** Default room in front of the packet data for headers pushed later (VXLAN needs 50). */
export const DEFAULT_HEADROOM = 128;
/** Default room for packet data: a 1500-byte MTU frame with tags and tunnel headers fits. */
export const DEFAULT_DATA_ROOM = 2048;

export class Packet {
  // Field order is layout order: the fields every hop touches come first, so a hop usually
  // touches one cache line of the packet object.
  /** Offset of the first data byte in `buf`. */
  off: number;
  /** Number of data bytes. */
  len: number;
  /** Non-zero while the packet is being traced; clones inherit it. */
  traceId = 0;
  /** Debug guard against double free and use after free. */
  free = true;
  readonly pool: PacketPool;
  /** Index of this packet in its pool. */
  readonly id: number;
  /** Offset of this packet's window in the pool's backing memory: data byte i is at `pool.memory` offset `base + off + i`. */
  readonly base: number;
  /** Free metadata slots, reset on allocation: the port a packet entered by, its VLAN, tunnel key, a flow hash. */
  inPort = 0;
  vlan = 0;
  tunnelId = 0;
  hash = 0;
  /**
   * Offload state (virtio-net header semantics, see nics/tap/offload.ts), reset on allocation.
   * `csumStart` >= 0: the L4 checksum is partial (NEEDS_CSUM); sum `buf` from `csumStart` (an
   * absolute offset in `buf`, so pushing headers in front keeps it valid) to the end of the data
   * and store it at `csumStart + csumOffset`. `gsoSize` > 0: the packet is one TCP segment of up
   * to 64 KB to be cut into `gsoSize`-byte segments (`gsoType`: virtio GSO type) before a port
   * that cannot take it.
   */
  csumStart = -1;
  csumOffset = 0;
  gsoType = 0;
  gsoSize = 0;
  /** The whole window of this packet, headroom included. Never reassigned. */
  readonly buf: Uint8Array;
  /** A DataView over the same window, for multi-byte fields. */
  readonly view: DataView;

  constructor(pool: PacketPool, id: number, buf: Uint8Array) {
    this.off = pool.headroom;
    this.len = 0;
    this.pool = pool;
    this.id = id;
    this.base = buf.byteOffset;
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Bytes available in front of the data. */
  get headroom(): number {
    return this.off;
  }

  /** Bytes available after the data. */
  get tailroom(): number {
    return this.buf.length - this.off - this.len;
  }

  /** Grows the data at the front by `n` bytes (uninitialised). Returns false if the headroom is too small. */
  prepend(n: number): boolean {
    if (n > this.off) return false;
    this.off -= n;
    this.len += n;
    return true;
  }

  /** Removes `n` bytes from the front of the data. Returns false if the packet is shorter than `n`. */
  shift(n: number): boolean {
    if (n > this.len) return false;
    this.off += n;
    this.len -= n;
    return true;
  }

  /** Grows the data at the end by `n` bytes (uninitialised). Returns false if the tailroom is too small. */
  append(n: number): boolean {
    if (n > this.buf.length - this.off - this.len) return false;
    this.len += n;
    return true;
  }

  /** Sets the data to a copy of `bytes` (keeping the pool's headroom). Returns false if it does not fit. */
  setData(bytes: Uint8Array): boolean {
    const off = this.pool.headroom;
    if (bytes.length > this.buf.length - off) return false;
    this.off = off;
    this.len = bytes.length;
    this.buf.set(bytes, off);
    return true;
  }

  /** A fresh copy of the data bytes (allocates: for tests, control plane and captures only). */
  bytes(): Uint8Array {
    return this.buf.slice(this.off, this.off + this.len);
  }

  /** A view of the data bytes without copying (allocates the view object). */
  data(): Uint8Array {
    return this.buf.subarray(this.off, this.off + this.len);
  }
}

export interface PacketPoolOptions {
  /** Number of packets; the pool never grows. */
  count?: number;
  headroom?: number;
  /** Room for data after the headroom. */
  dataRoom?: number;
  /** Back the pool with a SharedArrayBuffer so workers can map it. */
  shared?: boolean;
  /**
   * Back the pool with this buffer (at least count x (headroom + dataRoom) bytes, packets from
   * offset 0) instead of a new one: a WebAssembly memory's, so that its bytes can be summed fast
   * (`sum`). Overrides `shared`.
   */
  backing?: ArrayBuffer | SharedArrayBuffer;
  /** Makes the pool's `sum` for its `memory` (a `MemoryChecksum` of wire/checksum-wasm.ts over the backing's WebAssembly memory). */
  checksum?: { sumFor(view: DataView): (view: DataView, off: number, len: number, seed: number) => number };
}

/**
 * The frame length of the largest wire segment a TSO packet (`gsoSize` > 0) stands for:
 * everything up to the end of its TCP header (at `csumStart`) plus `gsoSize`, at most the
 * packet's length. When `csumStart` does not leave room for an Ethernet, an IPv4 and a TCP header
 * inside the packet, the packet's length, so a malformed packet is measured as the big frame it is.
 */
export function gsoSegmentFrameLength(p: Packet): number {
  const tcp = p.csumStart;
  if (tcp < p.off + 34 || tcp + 20 > p.off + p.len) return p.len;
  return Math.min(p.len, tcp - p.off + (p.buf[tcp + 12]! >>> 4) * 4 + p.gsoSize);
}

export class PacketPool {
  readonly headroom: number;
  readonly dataRoom: number;
  readonly capacity: number;
  readonly backing: ArrayBuffer | SharedArrayBuffer;
  /**
   * One DataView over the whole backing: a hot loop reads any packet of the pool through it at
   * `p.base + p.off`, which saves touching each packet's own `view` object (one cache line less per hop).
   */
  readonly memory: DataView;
  /**
   * The whole backing as native-endian 32-bit words: a hot loop that only compares or hashes
   * header words (the OpenFlow exact-match key) reads an aligned one at `(p.base + p.off) >> 2`
   * without a DataView's byte swap and checks.
   */
  readonly words: Int32Array;
  /**
   * Sums ranges of `memory` at WebAssembly speed when the pool's owner backed it with a
   * WebAssembly memory (`PacketPoolOptions.checksum`); null otherwise. Offsets are `p.base + ...`.
   */
  readonly sum: ((view: DataView, off: number, len: number, seed: number) => number) | null;
  /** The whole backing as bytes, so a clone within the pool is one `copyWithin` (no view per copy). */
  readonly #bytes: Uint8Array;
  readonly #packets: Packet[];
  readonly #freeStack: Int32Array;
  #freeTop: number;
  /** Allocations refused because every packet was in use (the pool's overflow counter). */
  allocFailures = 0;
  /** Packets ever handed out. */
  allocations = 0;

  constructor(options: PacketPoolOptions = {}) {
    const count = options.count ?? 16384;
    this.headroom = options.headroom ?? DEFAULT_HEADROOM;
    this.dataRoom = options.dataRoom ?? DEFAULT_DATA_ROOM;
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`packet pool: count must be a positive integer, got ${count}`);
    const size = this.headroom + this.dataRoom;
    this.capacity = count;
    if (options.backing !== undefined && options.backing.byteLength < size * count) throw new RangeError(`packet pool: the backing holds ${options.backing.byteLength} bytes, ${count} packets need ${size * count}`);
    this.backing = options.backing ?? (options.shared ? new SharedArrayBuffer(size * count) : new ArrayBuffer(size * count));

    this.memory = new DataView(this.backing);
    this.sum = options.checksum?.sumFor(this.memory) ?? null;
    this.words = new Int32Array(this.backing, 0, this.backing.byteLength >> 2);
    this.#bytes = new Uint8Array(this.backing);
    this.#packets = new Array<Packet>(count);
    this.#freeStack = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      this.#packets[i] = new Packet(this, i, new Uint8Array(this.backing, i * size, size));
      this.#freeStack[i] = count - 1 - i;
    }
    this.#freeTop = count;
  }

  /** Packets currently handed out (the pool's gauge). */
  get inUse(): number {
    return this.capacity - this.#freeTop;
  }

  /** Takes an empty packet with the default headroom, or null if the pool is exhausted. */
  alloc(): Packet | null {
    if (this.#freeTop === 0) {
      this.allocFailures++;
      return null;
    }
    const p = this.#packets[this.#freeStack[--this.#freeTop]!]!;
    p.free = false;
    p.off = this.headroom;
    p.len = 0;
    p.traceId = 0;
    p.inPort = 0;
    p.vlan = 0;
    p.tunnelId = 0;
    p.hash = 0;
    p.csumStart = -1;
    p.csumOffset = 0;
    p.gsoType = 0;
    p.gsoSize = 0;
    this.allocations++;
    return p;
  }

  /** Returns a packet to the pool. */
  free(p: Packet): void {
    if (p.free || p.pool !== this) throw new Error(`packet pool: packet ${p.id} freed twice or freed into the wrong pool`);
    p.free = true;
    this.#freeStack[this.#freeTop++] = p.id;
  }

  /** A new packet with a copy of `p`'s data and metadata, or null if the pool is exhausted or `p` (of a pool with bigger buffers) does not fit. */
  clone(p: Packet): Packet | null {
    if (p.off + p.len > this.headroom + this.dataRoom) return null;
    const q = this.alloc();
    if (q === null) return null;
    q.off = p.off;
    q.len = p.len;
    if (p.pool === this) this.#bytes.copyWithin(q.base + p.off, p.base + p.off, p.base + p.off + p.len);
    else copyBytes(q.buf, p.off, p.buf, p.off, p.len);
    q.traceId = p.traceId;
    q.inPort = p.inPort;
    q.vlan = p.vlan;
    q.tunnelId = p.tunnelId;
    q.hash = p.hash;
    q.csumStart = p.csumStart;
    q.csumOffset = p.csumOffset;
    q.gsoType = p.gsoType;
    q.gsoSize = p.gsoSize;
    return q;
  }

  /** A packet holding a copy of `bytes`, or null if the pool is exhausted or the bytes do not fit. */
  fromBytes(bytes: Uint8Array): Packet | null {
    const p = this.alloc();
    if (p === null) return null;
    if (!p.setData(bytes)) {
      this.free(p);
      return null;
    }
    return p;
  }

  /** The packet with pool index `id` (for workers and rings that pass indices). */
  byId(id: number): Packet {
    const p = this.#packets[id];
    if (p === undefined) throw new RangeError(`packet pool: no packet ${id}`);
    return p;
  }
}
