/**
 * Capture: records the packets crossing chosen engine links, for pcapng/pcap files.
 *
 * A port (one pcapng interface, e.g. "h1/eth0") is a pair of links: packets entering its
 * `outbound` link are recorded as sent by the port, packets entering its `inbound` link as
 * received. Recording happens in `Link.tap`, which the link calls for each packet it accepts
 * (a packet refused by a full link was never on the wire and is not recorded). The same link
 * may be the outbound of one port and the inbound of another: the packet is then recorded twice,
 * once per interface, as two real taps would.
 *
 * Bytes are copied at tap time (the packet is freed or rewritten later) into one arena that
 * grows by doubling up to `maxBytes`; per-packet metadata live in typed arrays that grow up to
 * `maxPackets`. Once either bound is reached further packets are not recorded and are counted in
 * `overflowPackets` (first packets are kept, which is what a capture filter user expects).
 * Timestamps are the engine clock in nanoseconds, plus `epochNs` when written to a file.
 * A packet's tunnel key (`tunnelId` metadata, which no header in its bytes holds) is kept too and
 * written as the pcapng packet comment `tun_id=0x..`, which Wireshark shows and
 * `readCaptureFile` reads back.
 */
import type { Link } from '../engine/link.js';
import type { Packet } from '../engine/packet.js';
import { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, PcapngWriter, readPcapng, type Direction } from './pcapng.js';
import { PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, readPcap, writePcap } from './pcap.js';

export interface CaptureOptions {
  /** Most packets kept (default 100,000). */
  readonly maxPackets?: number;
  /** Most captured bytes kept (default 64 MiB). */
  readonly maxBytes?: number;
  /** Bytes kept per packet; longer packets keep their original length (default 262,144). */
  readonly snaplen?: number;
  /** Added to engine time when writing files, e.g. the Unix time the run started, in ns (default 0). */
  readonly epochNs?: bigint;
}

export interface CapturePortLinks {
  /** The link carrying packets into the port (recorded as inbound). */
  readonly inbound?: Link;
  /** The link carrying packets out of the port (recorded as outbound). */
  readonly outbound?: Link;
}

/** One recorded packet, as returned by `Capture.records()`. */
export interface CaptureRecord {
  readonly interfaceId: number;
  readonly port: string;
  readonly direction: Direction;
  /** Engine time in ns (without `epochNs`). */
  readonly time: number;
  readonly data: Uint8Array;
  readonly originalLength: number;
  /** The packet's tunnel key metadata when it was recorded (0: none). */
  readonly tunnelId: number;
}

/** Anything with the engine clock's `now()` in nanoseconds (an Engine or a Clock). */
export interface CaptureClock {
  now(): number;
}

const DIR_INBOUND = 1;
const DIR_OUTBOUND = 2;

interface TapEntry {
  readonly iface: number;
  readonly dir: number;
}

export class Capture {
  readonly maxPackets: number;
  readonly maxBytes: number;
  readonly snaplen: number;
  readonly epochNs: bigint;
  readonly #clock: CaptureClock;
  readonly #ports: string[] = [];
  readonly #taps = new Map<Link, { fn: (p: Packet) => void; entries: TapEntry[] }>();
  #arena = new Uint8Array(0);
  #time = new Float64Array(0);
  #start = new Uint32Array(0);
  #caplen = new Uint32Array(0);
  #origlen = new Uint32Array(0);
  #iface = new Uint16Array(0);
  #dir = new Uint8Array(0);
  #tun = new Float64Array(0);
  #count = 0;
  #used = 0;
  #detached = false;
  /** Packets not recorded because a bound was reached (the capture's overflow counter). */
  overflowPackets = 0;

  constructor(clock: CaptureClock, options: CaptureOptions = {}) {
    this.#clock = clock;
    this.maxPackets = options.maxPackets ?? 100_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    this.epochNs = options.epochNs ?? 0n;
    if (!Number.isInteger(this.maxPackets) || this.maxPackets < 1) throw new RangeError(`capture: maxPackets must be a positive integer, got ${this.maxPackets}`);
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1 || this.maxBytes > 0xffffffff) throw new RangeError(`capture: maxBytes must be a positive integer below 4 GiB, got ${this.maxBytes}`);
    if (!Number.isInteger(this.snaplen) || this.snaplen < 1) throw new RangeError(`capture: snaplen must be a positive integer, got ${this.snaplen}`);
  }

  /** Packets recorded (the capture's gauge). */
  get packetCount(): number {
    return this.#count;
  }

  /** Captured bytes stored. */
  get byteCount(): number {
    return this.#used;
  }

  /** Port names in interface order. */
  get ports(): readonly string[] {
    return this.#ports;
  }

  /** Adds a port as one capture interface and taps its links; returns the interface id. */
  addPort(name: string, links: CapturePortLinks): number {
    if (this.#detached) throw new Error(`capture: cannot add port ${name} after detach()`);
    if (name.length === 0) throw new Error('capture: a port needs a name');
    if (this.#ports.includes(name)) throw new Error(`capture: port ${name} added twice`);
    if (links.inbound === undefined && links.outbound === undefined) throw new Error(`capture: port ${name} has neither an inbound nor an outbound link`);
    if (this.#ports.length >= 0xffff) throw new RangeError('capture: too many ports');
    for (const l of [links.inbound, links.outbound]) {
      if (l !== undefined && l.tap !== null && this.#taps.get(l)?.fn !== l.tap) {
        throw new Error(`capture: link ${l.name} of port ${name} is already tapped by another capture`);
      }
    }
    const iface = this.#ports.length;
    this.#ports.push(name);
    if (links.inbound !== undefined) this.#tap(links.inbound, { iface, dir: DIR_INBOUND });
    if (links.outbound !== undefined) this.#tap(links.outbound, { iface, dir: DIR_OUTBOUND });
    return iface;
  }

  #tap(link: Link, entry: TapEntry): void {
    const existing = this.#taps.get(link);
    if (existing !== undefined) {
      existing.entries.push(entry);
      return;
    }
    const entries = [entry];
    const fn = (p: Packet): void => {
      for (let i = 0; i < entries.length; i++) this.#record(p, entries[i]!);
    };
    this.#taps.set(link, { fn, entries });
    link.tap = fn;
  }

  #record(p: Packet, e: TapEntry): void {
    const n = this.#count;
    const caplen = Math.min(p.len, this.snaplen);
    if (n >= this.maxPackets || this.#used + caplen > this.maxBytes) {
      this.overflowPackets++;
      return;
    }
    if (n === this.#time.length) this.#growMeta();
    if (this.#used + caplen > this.#arena.length) this.#growArena(this.#used + caplen);
    this.#arena.set(p.buf.subarray(p.off, p.off + caplen), this.#used);
    this.#time[n] = this.#clock.now();
    this.#start[n] = this.#used;
    this.#caplen[n] = caplen;
    this.#origlen[n] = p.len;
    this.#iface[n] = e.iface;
    this.#dir[n] = e.dir;
    this.#tun[n] = p.tunnelId;
    this.#used += caplen;
    this.#count = n + 1;
  }

  #growMeta(): void {
    const size = Math.min(this.maxPackets, Math.max(64, this.#time.length * 2));
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, (k) => new Float64Array(k));
    this.#start = grow(this.#start, (k) => new Uint32Array(k));
    this.#caplen = grow(this.#caplen, (k) => new Uint32Array(k));
    this.#origlen = grow(this.#origlen, (k) => new Uint32Array(k));
    this.#iface = grow(this.#iface, (k) => new Uint16Array(k));
    this.#dir = grow(this.#dir, (k) => new Uint8Array(k));
    this.#tun = grow(this.#tun, (k) => new Float64Array(k));
  }

  #growArena(need: number): void {
    let size = Math.max(65536, this.#arena.length * 2);
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.maxBytes));
    next.set(this.#arena.subarray(0, this.#used));
    this.#arena = next;
  }

  /** Removes this capture's taps from every link; the recorded packets stay readable. */
  detach(): void {
    for (const [link, t] of this.#taps) if (link.tap === t.fn) link.tap = null;
    this.#taps.clear();
    this.#detached = true;
  }

  /** Forgets the recorded packets and the overflow count; the taps stay. */
  clear(): void {
    this.#count = 0;
    this.#used = 0;
    this.overflowPackets = 0;
  }

  /** The recorded packets in capture order (copies of the bytes). */
  records(): CaptureRecord[] {
    const out: CaptureRecord[] = [];
    for (let i = 0; i < this.#count; i++) {
      const start = this.#start[i]!;
      const iface = this.#iface[i]!;
      out.push({
        interfaceId: iface,
        port: this.#ports[iface]!,
        direction: this.#dir[i] === DIR_INBOUND ? 'inbound' : 'outbound',
        time: this.#time[i]!,
        data: this.#arena.slice(start, start + this.#caplen[i]!),
        originalLength: this.#origlen[i]!,
        tunnelId: this.#tun[i]!,
      });
    }
    return out;
  }

  /** A pcapng file: one interface per port (named after it), directions in epb_flags, ns timestamps. */
  toPcapng(): Uint8Array {
    const w = new PcapngWriter();
    for (const name of this.#ports) w.addInterface({ name, linktype: LINKTYPE_ETHERNET, snaplen: this.snaplen });
    for (let i = 0; i < this.#count; i++) {
      const start = this.#start[i]!;
      w.addPacket({
        interfaceId: this.#iface[i]!,
        timestampNs: this.epochNs + BigInt(this.#time[i]!),
        data: this.#arena.subarray(start, start + this.#caplen[i]!),
        originalLength: this.#origlen[i]!,
        direction: this.#dir[i] === DIR_INBOUND ? 'inbound' : 'outbound',
        ...(this.#tun[i] !== 0 ? { comment: tunnelComment(this.#tun[i]!) } : {}),
      });
    }
    return w.toBytes();
  }

  /** A classic nanosecond pcap file (interfaces and directions are lost: every port in one stream). */
  toPcap(): Uint8Array {
    const packets = [];
    for (let i = 0; i < this.#count; i++) {
      const start = this.#start[i]!;
      packets.push({
        timestampNs: this.epochNs + BigInt(this.#time[i]!),
        data: this.#arena.subarray(start, start + this.#caplen[i]!),
        originalLength: this.#origlen[i]!,
      });
    }
    return writePcap(packets, { nanosecond: true, snaplen: this.snaplen, linktype: LINKTYPE_ETHERNET });
  }
}

/** The pcapng packet comment that carries a packet's tunnel key. */
export function tunnelComment(tunnelId: number): string {
  return `tun_id=0x${tunnelId.toString(16)}`;
}

const TUNNEL_COMMENT = /^tun_id=0x([0-9a-f]{1,13})$/;

/** A packet of a capture file read back, whatever its format. */
export interface CaptureFilePacket {
  /** Interface name (pcapng `if_name`), or undefined when the file has none. */
  readonly port: string | undefined;
  readonly direction: Direction;
  readonly timestampNs: bigint;
  readonly data: Uint8Array;
  readonly originalLength: number;
  readonly linktype: number;
  /** The tunnel key from a `tun_id=0x..` packet comment (pcapng), else 0. */
  readonly tunnelId: number;
}

export interface CaptureFile {
  readonly format: 'pcapng' | 'pcap' | 'unknown';
  readonly packets: CaptureFilePacket[];
  /** Null when the whole file was read; otherwise why and where reading stopped. */
  readonly error: { readonly reason: string; readonly offset: number } | null;
}

/** Reads a pcapng or classic pcap file (sniffed by magic). Never throws. */
export function readCaptureFile(bytes: Uint8Array): CaptureFile {
  if (bytes.length >= 4) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = dv.getUint32(0, true);
    const be = dv.getUint32(0, false);
    if (le === 0x0a0d0d0a) {
      const r = readPcapng(bytes);
      return {
        format: 'pcapng',
        packets: r.packets.map((p) => {
          const ifc = r.interfaces[p.interfaceId]!;
          const tun = p.comments.map((c) => TUNNEL_COMMENT.exec(c)).find((m) => m !== null);
          const tunnelId = tun === undefined ? 0 : parseInt(tun[1]!, 16);
          return { port: ifc.name, direction: p.direction, timestampNs: p.timestampNs, data: p.data, originalLength: p.originalLength, linktype: ifc.linktype, tunnelId };
        }),
        error: r.error,
      };
    }
    if ([PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS].includes(le) || [PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS].includes(be)) {
      const r = readPcap(bytes);
      const linktype = r.header?.linktype ?? LINKTYPE_ETHERNET;
      return {
        format: 'pcap',
        packets: r.packets.map((p) => ({ port: undefined, direction: 'unknown' as const, timestampNs: p.timestampNs, data: p.data, originalLength: p.originalLength, linktype, tunnelId: 0 })),
        error: r.error,
      };
    }
  }
  return { format: 'unknown', packets: [], error: { reason: 'unknown-format', offset: 0 } };
}
