/**
 * TapPort: a vnet port that is a Linux TAP interface, so real programs (ping, iperf3, a whole
 * network namespace) send and receive frames through vnet's datapath.
 *
 * Receive: `pull` reads the (non-blocking) TAP fd itself, once per frame, straight into a pool
 * packet: the virtio-net header lands in the packet's headroom and the frame at `p.off`, so a
 * frame costs one read() and no copy or thread hop in vnet. It reads until the kernel says
 * EAGAIN, the output link is full, or 1 MB has been read (so the push that follows copies
 * cache-warm data). The kernel's TAP queue (txqueuelen frames) is the only RX queue, so frames
 * keep their order.
 * Waking an idle engine: the port's I/O worker (tap-worker.ts) sleeps in epoll_wait with the
 * TAP registered one-shot. The engine loop calls `armWakeup()` before it sleeps (RealLoop does);
 * the first frame then wakes the worker, which rings the loop's doorbell (`TapPortConf.doorbell`).
 * A busy engine arms nothing and is never woken, so frames cost no wakeups while traffic flows.
 * A loop that never sleeps needs no arming: `pull` finds the frames anyway.
 * Transmit: `push` writes a frame to the TAP itself, straight from the packet with its virtio-net
 * header in the headroom, whenever the TX ring is empty. Only when the kernel pushes back
 * (EAGAIN), or for TSO segments cut here, do frames go through the TX ring (a SharedArrayBuffer
 * ring, ../sys/frame-ring.ts). Then the worker writes them, and is woken through an eventfd only when
 * it sleeps. Order holds because the direct path is taken only with an empty ring. Copies into
 * the ring use libc memcpy (../sys/copy.ts): V8 copies shared memory element by element.
 *
 * Coalescing (GRO, on with offloads unless `gro: false`): consecutive TCP segments (IPv4 or IPv6) of one flow
 * taken from the input link in one push are merged into one GSO frame before they are written
 * (gro.ts), so the kernel's TCP stack behind the TAP takes 64 KB at a time instead of one wire
 * segment. A run never outlives the push that started it, so nothing is held across breaths and
 * frames keep their order: a run is written before any frame that does not join it.
 *
 * Offloads (`offloads: true`): the TAP is opened with TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6, so the
 * kernel may hand over one TCP segment of up to 64 KB with a partial checksum. It crosses vnet
 * as ONE packet from this port's own pool of 64 KB buffers, its virtio-net header kept in the
 * packet's offload fields. Leaving through a TAP with offloads, it goes out as it came; through
 * one without, it is segmented or its checksum completed here (offload.ts). When the apps behind
 * the output link cannot all take such packets (an emulated host, for one: see
 * `App.offloadHandling` and rx-offload.ts), the port finishes them on receive instead: a GSO packet becomes wire
 * segments in the engine's pool, a partial checksum is completed, and nothing behind the port
 * sees offload state. Without offloads the kernel finishes every checksum itself and the port
 * uses the engine's pool.
 *
 * Failure: a TAP whose interface is deleted fails its next read or the worker's watch with the
 * errno; the port then reports `error` and drops what it is asked to send ('tap-gone'). Bad
 * frames from the kernel are counted drops with reasons, as is everything that does not fit.
 * With no free packet the frame is still read (into a scratch buffer) and counted 'pool-empty',
 * so a full pool never leaves a readable TAP that would wake the engine again and again.
 */
import { closeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { App, type AppContext } from '../../engine/app.js';
import { DEFAULT_HEADROOM, type Packet, PacketPool } from '../../engine/packet.js';
import { checksumMemory, MemoryChecksum } from '../../wire/checksum-wasm.js';
import { siblingModule, startWorker, terminateIfStuck } from '../../vm/worker.js';
import { FrameRing } from '../sys/frame-ring.js';
import { TcpCoalescer } from './gro.js';
import { completeChecksum, readVnetHeader, TsoSegmenter, VNET_HDR_LEN, writeVnetHeader } from './offload.js';
import { OffloadFinisher, type FinishBooks } from './rx-offload.js';
import { CTL_ERRNO, CTL_RUNNING, CTL_RX_WAKEUPS, CTL_STOP, CTL_TX_DOWN, CTL_WATCHING, CTL_WORDS, type TapWorkerData } from './tap-worker.js';
import { ByteCopier } from '../sys/copy.js';
import { EAGAIN, EINTR, EIO, Libc } from '../sys/libc.js';
import { errnoText, openEventFd, openTap, TapWatch } from './tun.js';


export const TAP_DROPS = {
  runt: 'frame from the kernel shorter than an Ethernet header',
  oversize: 'frame larger than the MTU (or than 64 KB with offloads), or than the buffers of this port',
  'bad-csum-offsets': 'virtio-net header: csum_start + csum_offset beyond the frame',
  'unsupported-gso': 'virtio-net header: a GSO type vnet does not segment (only TCPv4/TCPv6)',
  'bad-gso': 'virtio-net header: gso_size 0, or GSO without a partial checksum',
  'bad-hdr-len': 'virtio-net header: hdr_len beyond the frame',
  'gso-not-tcp': 'GSO packet whose headers are not Ethernet/IP/TCP',
  'gso-bad-headers': 'GSO packet whose TCP header is not where csum_start says, or is cut short',
  'gso-segment-too-big': 'GSO packet to segment on receive whose gso_size makes segments larger than the MTU or the pool\'s buffers',
  'pool-empty': 'no free packet buffer for a received frame',
  'no-output': 'the port is not linked, frames from the TAP have nowhere to go',
  'tx-ring-full': 'the TAP worker has not caught up: transmit ring full',
  'mtu-exceeded': 'frame (or TSO segment) larger than this TAP\'s MTU',
  'tap-gone': 'the TAP interface was deleted or failed; nothing can be sent',
} as const;

export interface TapPortConf {
  /** Interface name, at most 15 bytes (vnet names them vn...). */
  readonly ifname: string;
  /** Checksum and TCP segmentation offloads between the kernel and vnet (default false). */
  readonly offloads?: boolean;
  /** L3 MTU of the interface (default 1500); frames up to mtu + 14 + 8 (two VLAN tags) pass. */
  readonly mtu?: number;
  /** Frames the TX backlog ring holds (power of two; default 1024, 128 with offloads). */
  readonly ringSlots?: number;
  /** Doorbell word 0 of this SharedArrayBuffer is bumped when frames arrive after `armWakeup()`. */
  readonly doorbell?: SharedArrayBuffer;
  /**
   * Merge consecutive TCP segments (IPv4 or IPv6) of one flow into one GSO frame before writing them (gro.ts);
   * needs `offloads` (default: on with offloads, off without).
   */
  readonly gro?: boolean;
}

export interface TapPortStats {
  readonly ifname: string;
  readonly offloads: boolean;
  readonly rxFrames: number;
  readonly txFrames: number;
  /** GSO packets received as one packet (offloads on). */
  readonly rxGsoPackets: number;
  /** Segments written for GSO packets this port could not take whole. */
  readonly txSegments: number;
  /** Checksums completed by vnet for a port without offloads. */
  readonly txChecksumsCompleted: number;
  /** GSO packets cut into segments on receive, because an app behind this port cannot take them. */
  readonly rxSegmented: number;
  /** Segments those packets became. */
  readonly rxSegments: number;
  /** Partial checksums completed on receive, for the same reason. */
  readonly rxChecksumsCompleted: number;
  /** Whether received offloaded packets are currently finished before they enter the graph. */
  readonly rxFinishing: boolean;
  /** Frames written by the engine thread straight from the packet (the TX ring was empty). */
  readonly txDirect: number;
  /** Frames the kernel refused because the interface was down. */
  readonly txLinkDown: number;
  /** read() calls on the TAP that found no frame (EAGAIN): the cost of reading from the engine thread. */
  readonly rxEmptyReads: number;
  /** Times the engine armed the TAP's watch before sleeping (one epoll_ctl each). */
  readonly rxArms: number;
  /** Times the I/O worker rang the doorbell because frames arrived while the engine slept. */
  readonly rxWakeups: number;
  /** Frames waiting in the TX backlog ring (the ring's gauge). */
  readonly txRingQueued: number;
  /** Whether TCP segments are merged into GSO frames before they are written. */
  readonly gro: boolean;
  /** GSO frames written that vnet merged from several TCP segments. */
  readonly txCoalesced: number;
  /** Segments those frames were merged from (their ratio to `txCoalesced` is the merge ratio). */
  readonly txCoalescedSegments: number;
  /** Segments not merged because their IPv4 or TCP checksum was wrong (written alone, for the kernel to drop). */
  readonly txCoalesceBadChecksums: number;
  /** Why the TAP stopped working, or null. */
  readonly error: string | null;
}

const BATCH = 256;
/**
 * Bytes one `pull` reads before it lets the breath go on to push them: 16 GSO packets of 64 KB.
 * The write to the other TAP then copies data the read left in the cache. Measured on 2 vCPUs
 * (AMD EPYC, 512 KB L2 per core), TCP with offloads, two sets of 5 alternating runs, medians:
 * 4 streams 0.81-0.83 s of vnet CPU per GB against 0.90-0.96 s with only the 256-frame limit,
 * 1 stream 0.87-0.89 s against 0.90-0.94 s.
 */
const RX_BYTES_PER_PULL = 1 << 20;
/** Ethernet header plus two VLAN tags. */
const L2_OVERHEAD = 14 + 8;
/** Data room of the offload pool: a 64 KB IP packet plus L2 headers. */
const GSO_DATA_ROOM = 65536 + 512;
const GSO_POOL_PACKETS = 256;
/**
 * Room a pull keeps on its output link while it segments on receive: a 64 KB packet at the
 * MSS of a 1500-byte MTU is 46 segments. Smaller MSSs can make more; those beyond the room are
 * counted as the link's drops.
 */
const SEGMENT_RESERVE = 64;

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * The pool of 64 KB buffers a TAP with offloads reads into, in a WebAssembly memory: whoever
 * cuts its packets into segments further on (a VXLAN socket) sums their payloads in place, fast
 * (`PacketPool.sum`, wire/checksum-wasm.ts).
 */
function gsoPool(): PacketPool {
  const bytes = GSO_POOL_PACKETS * (DEFAULT_HEADROOM + GSO_DATA_ROOM);
  const memory = checksumMemory(bytes, false);
  return new PacketPool({ count: GSO_POOL_PACKETS, dataRoom: GSO_DATA_ROOM, backing: memory.buffer, checksum: new MemoryChecksum(memory) });
}

export class TapPort extends App<typeof TAP_DROPS, TapPortConf> {
  /** Sends offloaded packets to the kernel as they are with offloads on, segmented or completed without. */
  override readonly offloadHandling = 'finishes';
  readonly ifname: string;
  readonly offloads: boolean;
  readonly mtu: number;
  readonly #libc: Libc;

  override get keepsOffloads(): boolean {
    return this.offloads;
  }
  readonly #copier: ByteCopier;
  readonly #fd: number;
  readonly #eventFd: number;
  readonly #watch: TapWatch;
  readonly #tx: FrameRing;
  readonly #ctl: Int32Array;
  readonly #worker: Worker;
  readonly #rxPool: PacketPool;
  /** Native address of the RX pool's memory: packet i's bytes start at `+ p.base`. */
  readonly #rxPoolAddress: number;
  /** Bytes one read() may fill: the virtio-net header plus the RX pool's data room. */
  readonly #rxReadLen: number;
  /** Where a frame goes when the pool is empty, to be counted and dropped. */
  readonly #rxScratch: Uint8Array;
  readonly #maxFrame: number;
  readonly #segmenter: TsoSegmenter;
  readonly #finisher: OffloadFinisher;
  /** Merges TCP segments into GSO frames on transmit, or null when `gro` is off. */
  readonly #gro: TcpCoalescer | null;
  readonly #books: FinishBooks = {
    generated: (n) => { this.generated += n; },
    consume: (p) => this.consume(p),
    drop: (p, reason) => this.drop(p, reason),
    poolEmpty: () => this.countDrop('pool-empty'),
  };
  readonly #wake = new Uint8Array(8);
  #closed = false;
  #error: string | null = null;
  rxFrames = 0;
  txFrames = 0;
  rxGsoPackets = 0;
  txSegments = 0;
  txChecksumsCompleted = 0;
  /** Frames written to the TAP by the engine thread itself (the TX ring was empty). */
  txDirect = 0;
  /** GSO frames written that were merged from several segments, and those segments. */
  txCoalesced = 0;
  txCoalescedSegments = 0;
  #txLinkDown = 0;
  #rxEmptyReads = 0;
  #rxArms = 0;

  constructor(ctx: AppContext, conf: TapPortConf) {
    super(ctx, conf, TAP_DROPS);
    const mtu = conf.mtu ?? 1500;
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new Error(`tap port ${ctx.name}: mtu must be an integer 68..65535, got ${JSON.stringify(conf.mtu)}`);
    this.ifname = conf.ifname;
    this.offloads = conf.offloads ?? false;
    this.mtu = mtu;
    this.#maxFrame = mtu + L2_OVERHEAD;
    const slots = conf.ringSlots ?? (this.offloads ? 128 : 1024);
    const slotSize = roundUp8(VNET_HDR_LEN + (this.offloads ? Math.max(GSO_DATA_ROOM, this.#maxFrame) : this.#maxFrame));
    this.#rxPool = this.offloads ? gsoPool() : this.pool;
    if (!this.offloads && this.#maxFrame > this.pool.dataRoom) throw new Error(`tap port ${ctx.name}: mtu ${mtu} does not fit the engine's ${this.pool.dataRoom}-byte packet buffers`);
    if (this.#rxPool.headroom < VNET_HDR_LEN) throw new Error(`tap port ${ctx.name}: the engine's packet headroom (${this.#rxPool.headroom}) is smaller than the ${VNET_HDR_LEN}-byte virtio-net header`);
    this.#rxReadLen = VNET_HDR_LEN + this.#rxPool.dataRoom;
    this.#rxScratch = new Uint8Array(this.#rxReadLen);
    this.#tx = new FrameRing({ slots, slotSize });
    this.#ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
    this.#libc = new Libc();
    this.#copier = new ByteCopier(this.#libc);
    this.#rxPoolAddress = this.#copier.address(new Uint8Array(this.#rxPool.backing, 0, 1));
    this.#segmenter = new TsoSegmenter(this.#copier);
    // Segments go to the engine's pool, unless its buffers are smaller than this port's frames.
    this.#finisher = new OffloadFinisher(this.#maxFrame <= this.pool.dataRoom ? this.pool : this.#rxPool, this.#maxFrame, this.#copier);
    if (conf.gro !== undefined && typeof conf.gro !== 'boolean') throw new Error(`tap port ${ctx.name}: gro must be true or false, got ${JSON.stringify(conf.gro)}`);
    if (conf.gro === true && !this.offloads) throw new Error(`tap port ${ctx.name}: gro needs offloads: true (the kernel must accept GSO frames from this TAP)`);
    // Merged frames are built in the offload pool's 64 KB buffers, one at a time.
    this.#gro = this.offloads && conf.gro !== false ? new TcpCoalescer({ pool: this.#rxPool, maxSegmentFrame: this.#maxFrame, copy: this.#copier }) : null;
    this.#fd = openTap(this.#libc, { name: conf.ifname, offloads: this.offloads, vnetHeaderSize: VNET_HDR_LEN });
    let eventFd = -1;
    let epollFd = -1;
    try {
      eventFd = openEventFd(this.#libc);
      epollFd = TapWatch.open(this.#libc, this.#fd, eventFd);
    } catch (e) {
      closeSync(this.#fd);
      if (eventFd >= 0) this.#libc.close(eventFd);
      throw e;
    }
    this.#eventFd = eventFd;
    this.#watch = new TapWatch(this.#libc, epollFd, this.#fd);
    // Armed by TapWatch.open: the first frame wakes a loop that sleeps before it ever breathed.
    Atomics.store(this.#ctl, CTL_WATCHING, 1);
    const data: TapWorkerData = {
      fd: this.#fd,
      eventFd: this.#eventFd,
      epollFd,
      tx: { sab: this.#tx.sab, slots, slotSize },
      ctl: this.#ctl.buffer as SharedArrayBuffer,
      bell: conf.doorbell ?? new SharedArrayBuffer(4),
    };
    this.#worker = startWorker(siblingModule(import.meta.url, 'tap-worker'), data);
    this.#worker.on('error', (e) => {
      this.#error ??= `worker failed: ${e.message}`;
    });
    this.#worker.on('exit', () => this.#closeFds());
  }

  override ports(): readonly string[] {
    return ['port'];
  }

  /** Why the TAP stopped working, or null while it works. */
  get error(): string | null {
    if (this.#error === null) {
      const e = Atomics.load(this.#ctl, CTL_ERRNO);
      if (e !== 0) this.#error = `TAP ${this.ifname} failed: ${errnoText(e)}`;
    }
    return this.#error;
  }

  /** True once the I/O worker has started its loop. */
  get running(): boolean {
    return Atomics.load(this.#ctl, CTL_RUNNING) !== 0 && !this.#closed;
  }

  /** Resolves once the I/O worker runs its loop (starting a worker takes a while under a loader); rejects after `timeoutMs`. */
  async ready(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Atomics.load(this.#ctl, CTL_RUNNING) === 0) {
      if (this.error !== null) throw new Error(this.error);
      if (Date.now() > end) throw new Error(`tap port ${this.name}: I/O worker did not start within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  stats(): TapPortStats {
    return {
      ifname: this.ifname,
      offloads: this.offloads,
      rxFrames: this.rxFrames,
      txFrames: this.txFrames,
      rxGsoPackets: this.rxGsoPackets,
      txSegments: this.txSegments,
      txChecksumsCompleted: this.txChecksumsCompleted,
      rxSegmented: this.#finisher.segmented,
      rxSegments: this.#finisher.segments,
      rxChecksumsCompleted: this.#finisher.checksumsCompleted,
      rxFinishing: this.#finisher.finishing,
      txDirect: this.txDirect,
      txLinkDown: Atomics.load(this.#ctl, CTL_TX_DOWN) + this.#txLinkDown,
      rxEmptyReads: this.#rxEmptyReads,
      rxArms: this.#rxArms,
      rxWakeups: Atomics.load(this.#ctl, CTL_RX_WAKEUPS),
      txRingQueued: this.#tx.queued,
      gro: this.#gro !== null,
      txCoalesced: this.txCoalesced,
      txCoalescedSegments: this.txCoalescedSegments,
      txCoalesceBadChecksums: this.#gro?.badChecksums ?? 0,
      error: this.error,
    };
  }

  override pull(): void {
    if (this.#closed || this.error !== null) return;
    const out = this.output.port;
    const pool = this.#rxPool;
    const libc = this.#libc;
    const fd = this.#fd;
    const readLen = this.#rxReadLen;
    let budget = out === undefined ? BATCH : Math.min(BATCH, out.writable());
    const fin = this.#finisher;
    const finishing = fin.refresh(this.engine, out, this.offloads);
    let bytes = 0;
    while (budget-- > 0 && bytes < RX_BYTES_PER_PULL) {
      if (finishing && out !== undefined && out.writable() < SEGMENT_RESERVE) return;
      const p = pool.alloc();
      if (p === null) {
        if (this.#readIntoScratch()) continue;
        return;
      }
      const hdr = p.off - VNET_HDR_LEN;
      const n = libc.readAt(fd, this.#rxPoolAddress + p.base + hdr, readLen);
      if (n < 0) {
        pool.free(p);
        if (this.#readFailed()) return;
        continue;
      }
      this.generated++;
      this.rxFrames++;
      bytes += n;
      // tun returns the frame's full length even when it had to cut it to fit the buffer.
      const frameLen = n - VNET_HDR_LEN;
      if (frameLen < 14) {
        this.drop(p, 'runt');
        continue;
      }
      if (n > readLen || (!this.offloads && frameLen > this.#maxFrame)) {
        this.drop(p, 'oversize');
        continue;
      }
      p.len = frameLen;
      const bad = readVnetHeader(p.buf, hdr, p);
      if (bad !== null) {
        this.drop(p, bad);
        continue;
      }
      if (p.gsoSize > 0) this.rxGsoPackets++;
      else if (frameLen > this.#maxFrame) {
        this.drop(p, 'oversize');
        continue;
      }
      if (out === undefined) {
        this.drop(p, 'no-output');
        continue;
      }
      fin.deliverBooked(p, out, this.#books);
    }
  }

  /** With the pool empty, takes one frame off the TAP anyway and counts it 'pool-empty'; false when there was none. */
  #readIntoScratch(): boolean {
    const n = this.#libc.read(this.#fd, this.#rxScratch, this.#rxReadLen);
    if (n < 0) return !this.#readFailed();
    this.countDrop('pool-empty');
    return true;
  }

  /** After a failed read: true when reading should stop for this breath (EAGAIN, or the TAP failed). */
  #readFailed(): boolean {
    const e = this.#libc.errno();
    if (e === EAGAIN) {
      this.#rxEmptyReads++;
      return true;
    }
    if (e === EINTR) return false;
    this.#error ??= `TAP ${this.ifname} failed: ${errnoText(e)}`;
    return true;
  }

  /**
   * Called by the engine loop before it sleeps: the next frame on this TAP will wake the I/O
   * worker, which rings the doorbell. Costs one epoll_ctl when the watch had fired since the
   * last arming, nothing otherwise.
   */
  armWakeup(): void {
    if (this.#closed || this.error !== null || Atomics.load(this.#ctl, CTL_WATCHING) !== 0) return;
    Atomics.store(this.#ctl, CTL_WATCHING, 1);
    this.#rxArms++;
    if (!this.#watch.arm()) this.#error ??= `TAP ${this.ifname} failed: epoll_ctl: ${errnoText(this.#libc.errno())}`;
  }

  override push(): void {
    const input = this.input.port;
    if (input === undefined) return;
    // A dead TAP drops everything in #transmit; merging first would only cost time.
    const gro = this.#closed || this.error !== null ? null : this.#gro;
    let wake = false;
    while (!input.empty()) {
      const p = input.receive();
      if (gro !== null) {
        if (gro.segments > 0) {
          const first = gro.head;
          if (gro.append(p)) {
            // The first segment's bytes were copied into a new merged packet: it is used up, as is `p`.
            if (first !== null) {
              this.generated++;
              this.consume(first);
            }
            this.note(p, 'gro: merged into the frame before it');
            this.consume(p);
            if (gro.complete && this.#sendRun(gro)) wake = true;
            continue;
          }
          if (this.#sendRun(gro)) wake = true;
        }
        if (gro.begin(p)) continue;
      }
      if (this.#transmit(p)) wake = true;
    }
    if (gro !== null && gro.segments > 0 && this.#sendRun(gro)) wake = true;
    if (wake) this.#kick();
  }

  /** Sends the coalescer's run: its first segment as it came, or the merged frame. Returns true when the worker needs a kick. */
  #sendRun(gro: TcpCoalescer): boolean {
    const n = gro.segments;
    const q = gro.finish();
    if (n > 1) {
      this.txCoalesced++;
      this.txCoalescedSegments += n;
    }
    return this.#transmit(q);
  }

  /**
   * Writes one packet to the TAP: straight from the packet when the TX ring is empty, otherwise
   * through the ring, segmented or with its checksum completed when this TAP has no offloads.
   * Returns true when the worker needs a kick.
   */
  #transmit(p: Packet): boolean {
    if (this.#closed || this.error !== null) {
      this.drop(p, 'tap-gone');
      return false;
    }
    const tx = this.#tx;
    const bytes = tx.bytes;
    let wake = false;
    if (p.gsoSize > 0 && !this.offloads) {
      const seg = this.#segmenter;
      const bad = seg.begin(p);
      if (bad !== null) {
        this.drop(p, bad);
        return false;
      }
      if (seg.segmentLength(0) > this.#maxFrame) {
        this.drop(p, 'mtu-exceeded');
        return false;
      }
      if (tx.slots - tx.queued < seg.count) {
        this.drop(p, 'tx-ring-full');
        return false;
      }
      for (let i = 0; i < seg.count; i++) {
        const off = tx.nextSlotOffset();
        bytes.fill(0, off, off + VNET_HDR_LEN);
        const len = seg.emit(i, bytes, off + VNET_HDR_LEN, tx.view);
        if (tx.publish(VNET_HDR_LEN + len)) wake = true;
      }
      this.txSegments += seg.count;
      this.txFrames += seg.count;
      this.consume(p);
      return wake;
    }
    if (VNET_HDR_LEN + p.len > tx.slotSize || (p.gsoSize === 0 && p.len > this.#maxFrame)) {
      this.drop(p, 'mtu-exceeded');
      return false;
    }
    if (tx.queued === 0 && p.off >= VNET_HDR_LEN && this.#writeDirect(p)) return false;
    if (!tx.writable()) {
      this.drop(p, 'tx-ring-full');
      return false;
    }
    const off = tx.nextSlotOffset();
    this.#copier.copy(bytes, off + VNET_HDR_LEN, p.buf, p.off, p.len);
    if (p.csumStart >= 0 && !this.offloads) {
      bytes.fill(0, off, off + VNET_HDR_LEN);
      completeChecksum(bytes, tx.view, off + VNET_HDR_LEN, p.len, p.csumStart - p.off, p.csumOffset);
      this.txChecksumsCompleted++;
    } else {
      const hdrLen = p.gsoSize > 0 ? p.csumStart - p.off + ((p.buf[p.csumStart + 12]! >>> 4) * 4) : 0;
      writeVnetHeader(p, bytes, off, hdrLen);
    }
    if (tx.publish(VNET_HDR_LEN + p.len)) wake = true;
    this.txFrames++;
    this.consume(p);
    return wake;
  }

  /**
   * Writes `p` to the TAP from this thread, its virtio-net header in the packet's headroom: no
   * copy into the TX ring and no wakeup of the worker. Only when the ring is empty, so frames
   * keep their order. Returns false when the kernel would block (the caller then queues it).
   */
  #writeDirect(p: Packet): boolean {
    const hdr = p.off - VNET_HDR_LEN;
    if (p.csumStart >= 0 && !this.offloads) {
      p.buf.fill(0, hdr, p.off);
      completeChecksum(p.buf, p.view, p.off, p.len, p.csumStart - p.off, p.csumOffset);
      p.csumStart = -1;
      this.txChecksumsCompleted++;
    } else {
      const hdrLen = p.gsoSize > 0 ? p.csumStart - p.off + ((p.buf[p.csumStart + 12]! >>> 4) * 4) : 0;
      writeVnetHeader(p, p.buf, hdr, hdrLen);
    }
    const w = this.#libc.writeAt(this.#fd, this.#copier.packetAddress(p) + hdr, VNET_HDR_LEN + p.len);
    if (w < 0) {
      const e = this.#libc.errno();
      if (e === EAGAIN || e === EINTR) return false;
      if (e === EIO) this.#txLinkDown++;
      else {
        this.#error ??= `TAP ${this.ifname} failed: ${errnoText(e)}`;
        this.drop(p, 'tap-gone');
        return true;
      }
    }
    this.txFrames++;
    this.txDirect++;
    this.consume(p);
    return true;
  }

  #kick(): void {
    const w = this.#wake;
    w[0] = 1;
    this.#libc.write(this.#eventFd, w, 8);
  }

  override stop(): void {
    if (this.#closed) return;
    Atomics.store(this.#ctl, CTL_STOP, 1);
    this.#kick();
    // Woken, the worker leaves its loop within one poll timeout.
    terminateIfStuck(this.#worker);
  }

  /** Resolves when the worker has exited and the TAP fd is closed (the interface is then gone). */
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
    this.#libc.close(this.#watch.epfd);
  }
}
