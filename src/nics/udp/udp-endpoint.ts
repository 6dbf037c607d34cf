/**
 * UdpEndpoint: an IPv4 UDP socket for the engine thread, with no allocation per datagram.
 *
 * Receive: an I/O worker (udp-worker.ts) reads with recvmmsg straight into the slots of a
 * SharedArrayBuffer frame ring (../sys/frame-ring.ts); each slot keeps the sender's address and
 * port next to the datagram. The engine takes them with `readable` / `peek*` / `copyPayload` /
 * `release`, one memcpy into its own packet. The worker rings the engine loop's doorbell after
 * each batch. With `receiveCoalescing` (UDP_GRO) the kernel may hand over a run of one sender's
 * datagrams as one, in one slot; the engine still takes them one by one (the run's datagram
 * size is kept in the slot), so the caller sees the datagrams that were sent.
 * Transmit: `queue` collects up to BATCH datagrams as raw addresses into the caller's buffers
 * (its packets), and `flush` sends them with one sendmmsg from the engine thread: no copy, no
 * wakeup of the worker. A run of datagrams to one destination, all one size but the last, goes
 * as ONE message whose iovecs are the run and whose UDP_SEGMENT cmsg (UDP GSO) has the kernel
 * cut it back into the same datagrams late, so the run crosses the kernel's stack once: about
 * a quarter less CPU per GB for TCP inside VXLAN. Only when the kernel pushes back (EAGAIN,
 * ENOBUFS) are the rest copied into the TX ring, which the worker drains when the socket is
 * writable again; while that ring holds datagrams, new ones go behind them, so order holds. `outcome(i)` tells the caller what
 * happened to entry i (sent, queued, dropped for a full ring, refused by the kernel), so it can
 * free or count its packets.
 *
 * Bounds: both rings are `ringSlots` long (gauges `rxQueued`, `txQueued`); a full RX ring stops
 * the worker reading, so the kernel's socket buffer fills and the kernel counts the overflow
 * (`kernelDrops`, from /proc/net/udp); a full TX ring is the `ring-full` outcome.
 */
import { closeSync, readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Packet } from '../../engine/packet.js';
import { siblingModule, startWorker, terminateIfStuck } from '../../vm/worker.js';
import { FrameRing } from '../sys/frame-ring.js';
import { ByteCopier } from '../sys/copy.js';
import { checksumMemory, MemoryChecksum, type OnesSum } from '../../wire/checksum-wasm.js';
import { EAGAIN, EFD_CLOEXEC, EFD_NONBLOCK, EINTR, Libc } from '../sys/libc.js';
import { EINVAL, EMSGSIZE, ENOBUFS, MmsgVector, openUdpSocket, SEGMENT_CMSG_SPACE, SegmentCmsgs, SOCKADDR_IN_LEN, UDP_MAX_SEGMENTS, sockaddrInAddress, sockaddrInPort, socketErrnoText, UdpSys, writeSockaddrIn } from './udp-sys.js';
import { CTL_ERRNO, CTL_RUNNING, CTL_RX_RING_FULL, CTL_STOP, CTL_TX_ERRORS, CTL_TX_LAST_ERRNO, CTL_TX_SENT, CTL_WORDS, SLOT_NAME, SLOT_PAYLOAD, SLOT_SEGMENT, SLOT_TX_LENGTH, type UdpWorkerData } from './udp-worker.js';


/** Datagrams one `flush` sends at most; `queue` returns false when the batch is full. */
export const UDP_BATCH = 64;

export const SEND_OK = 0;
export const SEND_QUEUED = 1;
export const SEND_RING_FULL = 2;
export const SEND_REFUSED = 3;

/** Most payload bytes in one segmented send: an IPv4 datagram's limit. */
const MAX_GSO_PAYLOAD = 65507;
/** Room for one coalesced receive: the kernel stops a UDP GRO run below 64 KB. */
const GRO_MAX_PAYLOAD = 65536;

export interface UdpEndpointConf {
  /** IPv4 address to bind, as a 32-bit number. */
  readonly address: number;
  /** Port to bind (0: the kernel picks; see `port`). */
  readonly port: number;
  /** Longest datagram payload received or sent (default 9000). */
  readonly maxDatagram?: number;
  /** Datagrams each ring holds (power of two, default 1024). */
  readonly ringSlots?: number;
  /** SO_RCVBUF and SO_SNDBUF (default 4 MiB each). */
  readonly socketBuffer?: number;
  /** Word 0 is bumped and notified after every batch received. */
  readonly doorbell?: SharedArrayBuffer;
  /** Send runs of same-sized datagrams to one destination as one UDP GSO send (default true). */
  readonly segmentation?: boolean;
  /** Let the kernel hand over runs of one sender's datagrams as one (UDP_GRO; default false). */
  readonly receiveCoalescing?: boolean;
}

export interface UdpEndpointStats {
  readonly rxDatagrams: number;
  readonly txDatagrams: number;
  /** Datagrams sent by the engine thread itself. */
  readonly txDirect: number;
  /** Sends that carried a run of datagrams cut by the kernel (UDP GSO). */
  readonly txSegmentedSends: number;
  /** Receive slots that held a run of datagrams coalesced by the kernel (UDP GRO). */
  readonly rxCoalescedRuns: number;
  /** Datagrams the kernel refused (no route...), on either thread. */
  readonly txRefused: number;
  /** errno of the last refused send, or 0. */
  readonly txLastErrno: number;
  readonly rxQueued: number;
  readonly txQueued: number;
  /** Times the worker found the RX ring full and stopped reading. */
  readonly rxRingFullStalls: number;
  /** Datagrams the kernel dropped on this socket (its buffer was full), or -1 if unknown. */
  readonly kernelDrops: number;
  readonly error: string | null;
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

export class UdpEndpoint {
  /** The bound port. */
  readonly port: number;
  readonly address: number;
  readonly maxDatagram: number;
  readonly #libc = new Libc();
  readonly #sys = new UdpSys();
  readonly #copier: ByteCopier;
  readonly #fd: number;
  readonly #eventFd: number;
  readonly #rx: FrameRing;
  readonly #rxView: DataView;
  /** Where the current datagram starts in a slot holding a coalesced run. */
  #rxSub = 0;
  readonly #tx: FrameRing;
  readonly #txView: DataView;
  readonly #ctl: Int32Array;
  readonly #worker: Worker;
  /** Two iovecs per entry: a datagram may be sent from two places (`queueTwoAt`). */
  readonly #vec = new MmsgVector(UDP_BATCH, 2);
  /** Per queued entry: where its payload is (buffer, offset, length), for the copy into the TX ring; `#lens` is the whole datagram. */
  readonly #bufs: (Uint8Array | null)[] = new Array<Uint8Array | null>(UDP_BATCH).fill(null);
  readonly #offs = new Int32Array(UDP_BATCH);
  readonly #lens = new Int32Array(UDP_BATCH);
  /** The second part of a two-part entry (length 0 for one part). */
  readonly #bufs2: (Uint8Array | null)[] = new Array<Uint8Array | null>(UDP_BATCH).fill(null);
  readonly #offs2 = new Int32Array(UDP_BATCH);
  readonly #lens2 = new Int32Array(UDP_BATCH);
  readonly #outcomes = new Uint8Array(UDP_BATCH);
  readonly #dstAddrs = new Uint32Array(UDP_BATCH);
  readonly #dstPorts = new Uint16Array(UDP_BATCH);
  /** sendmmsg headers over runs of `#vec`'s entries, and their UDP_SEGMENT cmsgs. */
  readonly #groups = new MmsgVector(UDP_BATCH);
  readonly #cmsgs = new SegmentCmsgs(UDP_BATCH);
  /** Where header g's run starts in `#vec`; entry [headers] is the end. */
  readonly #groupStart = new Int32Array(UDP_BATCH + 1);
  /** Largest datagram sent in a segmented run (0: segmentation off). */
  #segmentLimit: number;
  readonly #wake = new Uint8Array(8);
  #queued = 0;
  #stopping = false;
  #closed = false;
  #error: string | null = null;
  rxDatagrams = 0;
  txDatagrams = 0;
  txDirect = 0;
  /** sendmmsg headers that carried a run of datagrams with UDP_SEGMENT. */
  txSegmentedSends = 0;
  /** Runs the kernel would not segment (sent one by one after that). */
  txSegmentationRefused = 0;
  /** Slots that held a run of datagrams coalesced by the kernel (UDP_GRO). */
  rxCoalescedRuns = 0;
  #txRefused = 0;
  #txLastErrno = 0;

  constructor(conf: UdpEndpointConf) {
    const maxDatagram = conf.maxDatagram ?? 9000;
    if (!Number.isInteger(maxDatagram) || maxDatagram < 1 || maxDatagram > 65507) throw new RangeError(`udp endpoint: maxDatagram must be an integer 1..65507, got ${maxDatagram}`);
    const coalescing = conf.receiveCoalescing === true;
    const buffer = conf.socketBuffer ?? 4 << 20;
    this.maxDatagram = maxDatagram;
    this.address = conf.address;
    this.#segmentLimit = conf.segmentation === false ? 0 : maxDatagram;
    // A coalesced run is up to 64 KB: fewer, larger receive slots then.
    const rxSlotPayload = coalescing ? GRO_MAX_PAYLOAD : maxDatagram;
    const rxLayout = { slots: conf.ringSlots ?? (coalescing ? 128 : 1024), slotSize: roundUp8(SLOT_PAYLOAD + rxSlotPayload) };
    const txLayout = { slots: conf.ringSlots ?? 1024, slotSize: roundUp8(SLOT_PAYLOAD + maxDatagram) };
    // The receive ring lives in a WebAssembly memory, so that datagrams can be summed in place fast (`rxSum`).
    const rxMemory = checksumMemory(FrameRing.bytesNeeded(rxLayout), true);
    this.#rx = new FrameRing(rxLayout, rxMemory.buffer as SharedArrayBuffer);
    this.#rxView = new DataView(this.#rx.bytes.buffer, this.#rx.bytes.byteOffset, this.#rx.bytes.byteLength);
    this.rxSum = new MemoryChecksum(rxMemory).sumFor(this.#rxView);
    this.#tx = new FrameRing(txLayout);
    this.#txView = new DataView(this.#tx.bytes.buffer, this.#tx.bytes.byteOffset, this.#tx.bytes.byteLength);
    this.#ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
    this.#copier = new ByteCopier(this.#libc);
    const opened = openUdpSocket(this.#libc, this.#sys, { address: conf.address, port: conf.port, receiveBuffer: buffer, sendBuffer: buffer, receiveCoalescing: coalescing });
    this.#fd = opened.fd;
    this.port = opened.port;
    this.#eventFd = this.#libc.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (this.#eventFd < 0) {
      const e = this.#libc.errno();
      closeSync(this.#fd);
      throw new Error(`udp endpoint: eventfd failed: ${socketErrnoText(e)}`);
    }
    const data: UdpWorkerData = {
      kind: 'udp',
      fd: this.#fd,
      eventFd: this.#eventFd,
      rx: { sab: this.#rx.sab, ...rxLayout },
      tx: { sab: this.#tx.sab, ...txLayout },
      ctl: this.#ctl.buffer as SharedArrayBuffer,
      rxSlotPayload,
      txSlotPayload: maxDatagram,
      bell: conf.doorbell ?? new SharedArrayBuffer(4),
    };
    this.#worker = startWorker(siblingModule(import.meta.url, 'udp-worker'), data);
    this.#worker.on('error', (e) => {
      this.#error ??= `udp worker failed: ${e.message}`;
    });
    this.#worker.on('exit', () => this.#closeFds());
  }

  /** Why the socket stopped working, or null. */
  get error(): string | null {
    if (this.#error === null) {
      const e = Atomics.load(this.#ctl, CTL_ERRNO);
      if (e !== 0) this.#error = `udp socket failed: ${socketErrnoText(e)}`;
    }
    return this.#error;
  }

  /** True while datagrams can be sent. */
  get open(): boolean {
    return !this.#stopping && !this.#closed && this.error === null;
  }

  /** Resolves once the I/O worker runs its loop; rejects after `timeoutMs` or on failure. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Atomics.load(this.#ctl, CTL_RUNNING) === 0) {
      if (this.error !== null) throw new Error(this.error);
      if (Date.now() > end) throw new Error(`udp endpoint: I/O worker did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // Receive side (engine thread).

  /** Is a received datagram waiting? */
  readable(): boolean {
    return this.#rx.readable();
  }

  /** Payload length of the oldest datagram, or -1 when it was longer than `maxDatagram` (cut). */
  peekLength(): number {
    const total = this.#rx.peekLength();
    if (total < 0) return -1;
    const run = this.#rxView.getUint32(this.#rx.peekOffset() + SLOT_SEGMENT, true);
    const rest = total - this.#rxSub;
    const len = run === 0 || rest < run ? rest : run;
    return len > this.maxDatagram ? -1 : len;
  }

  /** Sender's IPv4 address (a 32-bit number) of the oldest datagram. */
  peekSourceAddress(): number {
    return sockaddrInAddress(this.#rx.bytes, this.#rx.peekOffset() + SLOT_NAME);
  }

  /** Sender's UDP port of the oldest datagram. */
  peekSourcePort(): number {
    return sockaddrInPort(this.#rx.bytes, this.#rx.peekOffset() + SLOT_NAME);
  }

  /** The receive ring's bytes, for reading the oldest datagram in place (`peekPayloadOffset`) before `release`. */
  get rxBytes(): Uint8Array {
    return this.#rx.bytes;
  }

  /** A DataView over `rxBytes`, at the same offsets. */
  get rxView(): DataView {
    return this.#rxView;
  }

  /** Sums ranges of `rxView` in WebAssembly (and of any other view in JS): `internetSumView`'s contract, for checks of received datagrams in place. */
  readonly rxSum: OnesSum;

  /** Where the oldest datagram's payload (`peekLength()` bytes) starts in `rxBytes`; valid until `release`. */
  peekPayloadOffset(): number {
    return this.#rx.peekOffset() + SLOT_PAYLOAD + this.#rxSub;
  }

  /** Copies the oldest datagram's payload (`peekLength()` bytes) to `dst[dstOff...]`. */
  copyPayload(dst: Uint8Array, dstOff: number): void {
    this.#copier.copy(dst, dstOff, this.#rx.bytes, this.#rx.peekOffset() + SLOT_PAYLOAD + this.#rxSub, this.peekLength());
  }

  /** Done with the oldest datagram: the next one of a coalesced run, or the next slot. */
  release(): void {
    this.rxDatagrams++;
    const total = this.#rx.peekLength();
    const run = this.#rxView.getUint32(this.#rx.peekOffset() + SLOT_SEGMENT, true);
    if (run > 0 && total >= 0) {
      if (this.#rxSub + run < total) {
        this.#rxSub += run;
        return;
      }
      this.rxCoalescedRuns++;
    }
    this.#rxSub = 0;
    this.#rx.release();
  }

  // Transmit side (engine thread).

  /**
   * Adds `buf[off, off + len)` for `address:port` to the batch; false when the batch is full
   * (flush first). `buf` must stay untouched until `flush` returns.
   */
  queue(buf: Uint8Array, off: number, len: number, address: number, port: number): boolean {
    return this.queueAt(buf, this.#copier.address(buf), off, len, address, port);
  }

  /** `queue` for a packet's bytes (`p.buf`), whose native address comes without a lookup. */
  queuePacket(p: Packet, off: number, len: number, address: number, port: number): boolean {
    return this.queueAt(p.buf, this.#copier.packetAddress(p), off, len, address, port);
  }

  /** `queue` with the native address of `buf[0]` already known. */
  queueAt(buf: Uint8Array, bufAddress: number, off: number, len: number, address: number, port: number): boolean {
    const i = this.#queued;
    if (i === UDP_BATCH) return false;
    this.#vec.setBuffer(i, bufAddress + off, len);
    writeSockaddrIn(this.#vec.bytes, this.#vec.nameOffset(i), address, port);
    this.#dstAddrs[i] = address;
    this.#dstPorts[i] = port;
    this.#bufs[i] = buf;
    this.#offs[i] = off;
    this.#lens[i] = len;
    this.#lens2[i] = 0;
    this.#queued = i + 1;
    return true;
  }

  /**
   * `queueAt` for a datagram in two parts: `buf[off, off + len)` then `buf2[off2, off2 + len2)`,
   * sent as one datagram (a header written in one place, a payload left in another). Both
   * buffers must stay untouched until `flush` returns.
   */
  queueTwoAt(buf: Uint8Array, bufAddress: number, off: number, len: number, buf2: Uint8Array, buf2Address: number, off2: number, len2: number, address: number, port: number): boolean {
    const i = this.#queued;
    if (i === UDP_BATCH) return false;
    this.#vec.setBuffers(i, bufAddress + off, len, buf2Address + off2, len2);
    writeSockaddrIn(this.#vec.bytes, this.#vec.nameOffset(i), address, port);
    this.#dstAddrs[i] = address;
    this.#dstPorts[i] = port;
    this.#bufs[i] = buf;
    this.#offs[i] = off;
    this.#lens[i] = len + len2;
    this.#bufs2[i] = buf2;
    this.#offs2[i] = off2;
    this.#lens2[i] = len2;
    this.#queued = i + 1;
    return true;
  }

  /**
   * Sends the batch and returns its size; `outcome(i)` then says what became of entry i
   * (SEND_OK, SEND_QUEUED into the TX ring, SEND_RING_FULL, SEND_REFUSED by the kernel).
   * Afterwards the caller's buffers are free again.
   */
  flush(): number {
    const count = this.#queued;
    if (count === 0) return 0;
    this.#queued = 0;
    let i = 0;
    if (this.#tx.queued === 0) {
      while (i < count) {
        const groups = this.#group(i, count);
        const w = this.#sys.sendmmsg(this.#fd, this.#groups.addressOf(0), groups, 0);
        if (w > 0) {
          const end = this.#groupStart[w]!;
          for (let k = i; k < end; k++) this.#outcomes[k] = SEND_OK;
          this.txDirect += end - i;
          this.txDatagrams += end - i;
          i = end;
          continue;
        }
        const e = this.#libc.errno();
        if (e === EAGAIN || e === ENOBUFS) break;
        if (e === EINTR) continue;
        const first = this.#groupStart[1]! - i;
        if (first > 1) {
          // The kernel would not cut this run: segments beyond the path MTU (EINVAL, EMSGSIZE)
          // or no UDP GSO at all. Send such runs one datagram at a time from now on.
          this.#segmentLimit = e === EINVAL || e === EMSGSIZE ? Math.min(this.#segmentLimit, this.#lens[i]! - 1) : 0;
          this.txSegmentationRefused++;
          continue;
        }
        this.#outcomes[i] = SEND_REFUSED;
        this.#txRefused++;
        this.#txLastErrno = e;
        i++;
      }
    }
    let wake = false;
    for (; i < count; i++) {
      if (!this.#tx.writable()) {
        this.#outcomes[i] = SEND_RING_FULL;
        continue;
      }
      const slot = this.#tx.nextSlotOffset();
      const len = this.#lens[i]!;
      const name = this.#vec.nameOffset(i);
      for (let k = 0; k < SOCKADDR_IN_LEN; k++) this.#tx.bytes[slot + SLOT_NAME + k] = this.#vec.bytes[name + k]!;
      this.#txView.setUint32(slot + SLOT_TX_LENGTH, len, true);
      const len2 = this.#lens2[i]!;
      this.#copier.copy(this.#tx.bytes, slot + SLOT_PAYLOAD, this.#bufs[i]!, this.#offs[i]!, len - len2);
      if (len2 > 0) this.#copier.copy(this.#tx.bytes, slot + SLOT_PAYLOAD + len - len2, this.#bufs2[i]!, this.#offs2[i]!, len2);
      if (this.#tx.publish(len)) wake = true;
      this.#outcomes[i] = SEND_QUEUED;
      this.txDatagrams++;
    }
    this.#bufs.fill(null, 0, count);
    this.#bufs2.fill(null, 0, count);
    if (wake) this.#kick();
    return count;
  }

  /**
   * Cuts entries [from, to) into sendmmsg headers: a run of datagrams to one destination, all of
   * one size but the last (which may be shorter), becomes ONE header whose iovecs are the run's
   * and whose UDP_SEGMENT cmsg tells the kernel the size. The kernel then takes the run through
   * its stack as one packet and cuts it back into the same datagrams at the last moment (or
   * never, over a veth to a socket that does GRO). Fills `#groupStart`; returns the header count.
   */
  #group(from: number, to: number): number {
    const groups = this.#groups;
    const lens = this.#lens;
    const addrs = this.#dstAddrs;
    const ports = this.#dstPorts;
    let g = 0;
    let i = from;
    while (i < to) {
      this.#groupStart[g] = i;
      const size = lens[i]!;
      let n = 1;
      if (size <= this.#segmentLimit) {
        let total = size;
        while (i + n < to && n < UDP_MAX_SEGMENTS && addrs[i + n] === addrs[i] && ports[i + n] === ports[i] && lens[i + n - 1] === size && lens[i + n]! <= size && total + lens[i + n]! <= MAX_GSO_PAYLOAD) {
          total += lens[i + n]!;
          n++;
        }
      }
      groups.pointName(g, this.#vec.nameAddress(i));
      groups.pointIovecs(g, this.#vec.iovecAddress(i), n * this.#vec.parts);
      if (n > 1) {
        groups.setControl(g, this.#cmsgs.prepare(g, size), SEGMENT_CMSG_SPACE);
        this.txSegmentedSends++;
      } else groups.setControl(g, 0, 0);
      g++;
      i += n;
    }
    this.#groupStart[g] = to;
    return g;
  }

  /** What became of entry i of the last flush. */
  outcome(i: number): number {
    return this.#outcomes[i]!;
  }

  stats(): UdpEndpointStats {
    return {
      rxDatagrams: this.rxDatagrams,
      txDatagrams: this.txDatagrams,
      txDirect: this.txDirect,
      txSegmentedSends: this.txSegmentedSends,
      rxCoalescedRuns: this.rxCoalescedRuns,
      txRefused: this.#txRefused + Atomics.load(this.#ctl, CTL_TX_ERRORS),
      txLastErrno: Atomics.load(this.#ctl, CTL_TX_LAST_ERRNO) || this.#txLastErrno,
      rxQueued: this.#rx.queued,
      txQueued: this.#tx.queued,
      rxRingFullStalls: Atomics.load(this.#ctl, CTL_RX_RING_FULL),
      kernelDrops: this.#kernelDrops(),
      error: this.error,
    };
  }

  /** Datagrams the worker sent from the TX ring. */
  get txFromRing(): number {
    return Atomics.load(this.#ctl, CTL_TX_SENT);
  }

  /** The drops column of this socket's line in /proc/net/udp (local address and port match). */
  #kernelDrops(): number {
    try {
      const a = this.address;
      const local = `${[a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24].map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase()}:${this.port.toString(16).padStart(4, '0').toUpperCase()}`;
      for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f[1] === local) return Number(f[f.length - 1]);
      }
    } catch {
      // no procfs
    }
    return -1;
  }

  #kick(): void {
    this.#wake[0] = 1;
    this.#libc.write(this.#eventFd, this.#wake, 8);
  }

  /** Stops the worker; the socket closes when it has exited (see `closed`). */
  close(): void {
    if (this.#closed || this.#stopping) return;
    this.#stopping = true;
    Atomics.store(this.#ctl, CTL_STOP, 1);
    this.#kick();
    // Woken, the worker leaves its loop within one poll timeout.
    terminateIfStuck(this.#worker);
  }

  /** Resolves when the worker has exited and the socket is closed. */
  closed(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  #closeFds(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    this.#libc.close(this.#eventFd);
  }
}
