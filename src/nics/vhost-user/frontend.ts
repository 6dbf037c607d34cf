/**
 * A small vhost-user front-end for tests: it plays the part of QEMU or DPDK virtio-user against a
 * backend socket, with guest memory in a memfd it shares through SET_MEM_TABLE and the virtio driver
 * side of the rings (DriverQueue) over its own mapping of that memfd.
 *
 * It can speak the protocol correctly (`negotiate`, `startRings`, then `transmit`/`receive`) or be
 * told to send anything at all (`send` with raw payloads and fds), which is how the backend's
 * refusals are tested. Every call is synchronous: replies are awaited with poll() and a timeout. A
 * backend in another thread (the thread placement) answers meanwhile; one served by this thread's
 * engine (the inline placement) needs `pump`, which the waits call between short polls.
 *
 * Memory layout: one region, guest-physical 0.. `size`, front-end virtual address FAKE_VA (the backend
 * must translate; the value is never dereferenced), file offset `mmapOffset` into the memfd.
 */
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { DriverQueue, allocateVirtqueue, type VirtqueueAddresses } from '../virtio/virtqueue.js';
import {
  Req, VHOST_USER_HEADER_SIZE, VHOST_USER_NEED_REPLY_FLAG, VHOST_USER_VERSION, encodeMemTable, encodeU64, encodeVringAddr, encodeVringState,
  readHeader, writeHeader,
} from './protocol.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, MAP_SHARED, MsgIo, POLLIN, PROT_RW, Sys, connectUnix } from './sys.js';

export const FAKE_VA = 0x7f12_3400_0000;
const HDR = 12;
const BUF = 2048;

export interface FrontendOptions {
  /** Bytes of guest memory (default 4 MiB). */
  readonly size?: number;
  /** Offset of the region in the memfd (default 64 KiB, so the backend must honour mmap_offset). */
  readonly mmapOffset?: number;
  readonly queueSize?: number;
  /** Runs a backend that lives on this thread while the front-end waits (e.g. `() => engine.runBreaths(64)`). */
  readonly pump?: () => void;
}

export class TestFrontend {
  readonly sys = new Sys();
  readonly io: MsgIo;
  readonly fd: number;
  readonly memfd: number;
  readonly size: number;
  readonly mmapOffset: number;
  readonly mem: GuestMemory;
  readonly #alloc: GuestAllocator;
  readonly #ptr: bigint;
  readonly #mapLen: number;
  readonly queueSize: number;
  readonly rings: VirtqueueAddresses[];
  readonly kick: number[] = [];
  readonly call: number[] = [];
  rxq: DriverQueue | null = null;
  txq: DriverQueue | null = null;
  #txBufs: number[] = [];
  #rxBufBase = 0;
  readonly #pending: { token: number; len: number }[] = [];
  readonly #buf = Buffer.alloc(VHOST_USER_HEADER_SIZE + 4096);
  #closed = false;
  readonly #pump: (() => void) | null;

  constructor(socketPath: string, options: FrontendOptions = {}) {
    this.#pump = options.pump ?? null;
    this.size = options.size ?? 4 * 1024 * 1024;
    this.mmapOffset = options.mmapOffset ?? 65536;
    this.queueSize = options.queueSize ?? 256;
    this.io = new MsgIo(this.sys);
    this.memfd = this.sys.memfdCreate('vnet-test-guest', 1 /* MFD_CLOEXEC */);
    if (this.memfd < 0) throw new Error(`memfd_create failed: errno ${this.sys.errno()}`);
    if (this.sys.ftruncate(this.memfd, this.mmapOffset + this.size) < 0) throw new Error(`ftruncate failed: errno ${this.sys.errno()}`);
    this.#mapLen = this.size;
    this.#ptr = this.sys.mmap(null, this.size, PROT_RW, MAP_SHARED, this.memfd, this.mmapOffset);
    this.mem = new GuestMemory(this.sys.view(this.#ptr, this.size) as unknown as SharedArrayBuffer);
    this.#alloc = new GuestAllocator(this.mem);
    this.rings = [allocateVirtqueue(this.#alloc, this.queueSize), allocateVirtqueue(this.#alloc, this.queueSize)];
    for (let i = 0; i < 2; i++) {
      this.kick.push(this.sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
      this.call.push(this.sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    }
    this.fd = connectUnix(this.sys, socketPath);
  }

  /** Front-end virtual address of guest-physical `gpa`. */
  va(gpa: number): bigint {
    return BigInt(FAKE_VA + gpa);
  }

  /** Sends one message; fds ride along as SCM_RIGHTS. Returns false when the socket is gone. */
  send(request: number, payload: Uint8Array = new Uint8Array(0), fds: readonly number[] = [], flags = VHOST_USER_VERSION, sizeOverride?: number): boolean {
    const out = Buffer.alloc(VHOST_USER_HEADER_SIZE + payload.byteLength);
    writeHeader(out, request, flags, sizeOverride ?? payload.byteLength);
    out.set(payload, VHOST_USER_HEADER_SIZE);
    return this.io.send(this.fd, out, out.byteLength, fds) === out.byteLength;
  }

  /** Waits for a reply to `request` and returns its payload; throws on timeout or a closed socket. */
  reply(request: number, timeoutMs = 2000): Uint8Array {
    this.#readExact(VHOST_USER_HEADER_SIZE, timeoutMs);
    const h = readHeader(this.#buf);
    if (h.request !== request) throw new Error(`front-end: reply to request ${h.request}, expected ${request}`);
    if (h.size > 0) this.#readExact(h.size, timeoutMs, VHOST_USER_HEADER_SIZE);
    return this.#buf.subarray(VHOST_USER_HEADER_SIZE, VHOST_USER_HEADER_SIZE + h.size);
  }

  #readExact(len: number, timeoutMs: number, at = 0): void {
    const deadline = Date.now() + timeoutMs;
    let have = 0;
    const pfd = new Int32Array(2);
    while (have < len) {
      pfd[0] = this.fd;
      pfd[1] = POLLIN;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('front-end: timed out waiting for the backend');
      if (this.#wait(pfd, left) <= 0) continue;
      const n = this.io.recv(this.fd, this.#buf, at + have, len - have);
      if (n === 0) throw new Error('front-end: the backend closed the connection');
      if (n > 0) have += n;
    }
  }

  /** poll() on `pfd` for up to `ms`, running the pump first and polling in 1 ms steps when there is one. */
  #wait(pfd: Int32Array, ms: number): number {
    if (this.#pump === null) return this.sys.poll(pfd, 1, ms);
    this.#pump();
    return this.sys.poll(pfd, 1, Math.min(ms, 1));
  }

  /** Sends and waits for the reply payload. */
  request(request: number, payload?: Uint8Array, fds: readonly number[] = []): Uint8Array {
    if (!this.send(request, payload, fds)) throw new Error(`front-end: cannot send request ${request}`);
    return this.reply(request);
  }

  /** Sends with NEED_REPLY and returns the ack value (0 is success). */
  requestAck(request: number, payload?: Uint8Array, fds: readonly number[] = []): bigint {
    if (!this.send(request, payload, fds, VHOST_USER_VERSION | VHOST_USER_NEED_REPLY_FLAG)) throw new Error(`front-end: cannot send request ${request}`);
    const r = this.reply(request);
    return Buffer.from(r).readBigUInt64LE(0);
  }

  /** True once the backend has closed the connection (waits up to `timeoutMs`). */
  closedByBackend(timeoutMs = 2000): boolean {
    const deadline = Date.now() + timeoutMs;
    const pfd = new Int32Array(2);
    for (;;) {
      pfd[0] = this.fd;
      pfd[1] = POLLIN;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (this.#wait(pfd, left) <= 0) continue;
      const n = this.io.recv(this.fd, this.#buf, 0, this.#buf.byteLength);
      for (const fd of this.io.fds.splice(0)) this.sys.close(fd);
      if (n === 0) return true;
    }
  }

  /** Feature and protocol-feature negotiation; returns what the backend offered. */
  negotiate(accept?: (offered: bigint) => bigint): { features: bigint; protocol: bigint } {
    this.send(Req.SET_OWNER);
    const features = Buffer.from(this.request(Req.GET_FEATURES)).readBigUInt64LE(0);
    const protocol = Buffer.from(this.request(Req.GET_PROTOCOL_FEATURES)).readBigUInt64LE(0);
    this.send(Req.SET_PROTOCOL_FEATURES, encodeU64(protocol));
    this.send(Req.SET_FEATURES, encodeU64(accept === undefined ? features : accept(features)));
    return { features, protocol };
  }

  memTable(): Uint8Array {
    return encodeMemTable([{ guestPhysAddr: 0n, size: BigInt(this.size), userAddr: this.va(0), mmapOffset: BigInt(this.mmapOffset) }]);
  }

  /** SET_MEM_TABLE (acked), then each ring's size, base, addresses, call and kick, then enable. */
  startRings(): void {
    const ack = this.requestAck(Req.SET_MEM_TABLE, this.memTable(), [this.memfd]);
    if (ack !== 0n) throw new Error(`front-end: SET_MEM_TABLE refused (${ack})`);
    for (let i = 0; i < 2; i++) {
      const r = this.rings[i]!;
      this.send(Req.SET_VRING_NUM, encodeVringState(i, r.size));
      this.send(Req.SET_VRING_BASE, encodeVringState(i, 0));
      this.send(Req.SET_VRING_ADDR, encodeVringAddr({ index: i, flags: 0, desc: this.va(r.desc), used: this.va(r.used), avail: this.va(r.avail), log: 0n }));
      this.send(Req.SET_VRING_CALL, encodeU64(BigInt(i)), [this.call[i]!]);
      this.send(Req.SET_VRING_KICK, encodeU64(BigInt(i)), [this.kick[i]!]);
    }
    for (let i = 0; i < 2; i++) this.send(Req.SET_VRING_ENABLE, encodeVringState(i, 1));
    const features = { eventIdx: false, indirect: false };
    this.rxq = new DriverQueue(this.mem, this.rings[0]!, features);
    this.txq = new DriverQueue(this.mem, this.rings[1]!, features);
    this.#txBufs = [];
    for (let i = 0; i < this.queueSize; i++) this.#txBufs.push(this.#alloc.alloc(BUF, 64));
    this.#rxBufBase = this.#alloc.alloc(BUF * this.queueSize, 64);
    // Make sure the backend has applied everything before the rings are used.
    this.request(Req.GET_FEATURES);
  }

  /** Posts `n` receive buffers of 2 KiB (index = token). */
  postReceive(n: number): number {
    const q = this.rxq!;
    let posted = 0;
    for (let i = 0; i < n && q.numFree > 0; i++) {
      const token = i % this.queueSize;
      q.begin();
      q.add(this.#rxBufBase + token * BUF, BUF, true);
      if (!q.commit(token)) break;
      posted++;
    }
    if (q.publish()) this.sys.signal(this.kick[0]!, Buffer.alloc(8));
    return posted;
  }

  /** Queues a frame with a zeroed virtio_net_hdr, split over `segments` descriptors; false when the ring is full. */
  transmit(frame: Uint8Array, segments = 1, header?: Uint8Array): boolean {
    const q = this.txq!;
    while (q.pollUsed()) this.#txBufs.push(q.usedToken);
    const buf = this.#txBufs.pop();
    if (buf === undefined) return false;
    const total = HDR + frame.byteLength;
    this.mem.bytes.fill(0, buf, buf + HDR);
    if (header !== undefined) this.mem.bytes.set(header, buf);
    this.mem.bytes.set(frame, buf + HDR);
    q.begin();
    const step = Math.ceil(total / segments);
    for (let at = 0; at < total; at += step) q.add(buf + at, Math.min(step, total - at), false);
    if (!q.commit(buf)) {
      this.#txBufs.push(buf);
      return false;
    }
    return true;
  }

  /** Publishes queued frames and kicks when the backend asked for kicks. */
  flush(): void {
    if (this.txq!.publish()) this.sys.signal(this.kick[1]!, Buffer.alloc(8));
  }

  /**
   * Takes received frames: the header stripped, a frame merged from `num_buffers` buffers (MRG_RXBUF)
   * joined back together. A buffer returned with length 0 (a dropped frame) is skipped.
   */
  receive(): { frame: Uint8Array; numBuffers: number }[] {
    const q = this.rxq!;
    const out: { frame: Uint8Array; numBuffers: number }[] = [];
    for (;;) {
      const first = this.#pending.length > 0 ? this.#pending.shift()! : q.pollUsed() ? { token: q.usedToken, len: q.usedLen } : null;
      if (first === null) break;
      if (first.len < HDR) continue;
      const at = this.#rxBufBase + first.token * BUF;
      const numBuffers = this.mem.view.getUint16(at + 10, true);
      const parts = [this.mem.bytes.slice(at + HDR, at + first.len)];
      const rest: { token: number; len: number }[] = [];
      while (rest.length < numBuffers - 1 && q.pollUsed()) rest.push({ token: q.usedToken, len: q.usedLen });
      if (rest.length < numBuffers - 1) {
        // The rest has not been published yet: try again later.
        this.#pending.unshift(first, ...rest);
        break;
      }
      for (const r of rest) parts.push(this.mem.bytes.slice(this.#rxBufBase + r.token * BUF, this.#rxBufBase + r.token * BUF + r.len));
      out.push({ frame: new Uint8Array(Buffer.concat(parts)), numBuffers });
    }
    return out;
  }

  /** Closes the connection and frees everything (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sys.close(this.fd);
    this.sys.munmap(this.#ptr, this.#mapLen);
    this.sys.close(this.memfd);
    for (const fd of [...this.kick, ...this.call]) this.sys.close(fd);
  }
}
