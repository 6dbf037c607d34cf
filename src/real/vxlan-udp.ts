/**
 * VXLAN over a real UDP socket: vnet's VTEP (netfns/tunnels/vxlan-vtep.ts, the same app the
 * emulated labs use) with its underlay port attached to a real `dgram` socket, so it talks to
 * the Linux kernel's vxlan devices and to other vnet processes over real networks.
 *
 * How: the VTEP speaks Ethernet/IPv4/UDP/VXLAN frames on its underlay port; `UdpUnderlay` is
 * the other end of that port. A datagram received from a.b.c.d:sport becomes the frame the VTEP
 * would have seen on a wire (outer Ethernet to the VTEP's MAC, IPv4 from a.b.c.d to the local
 * address, UDP sport -> 4789, checksum 0, the datagram as payload). A frame the VTEP sends is
 * read back (IPv4 destination, UDP payload) and the payload goes out with `send()` to the
 * remote's VXLAN port; the kernel builds the real outer headers. The VTEP is given every
 * remote as a static underlay neighbour with one stand-in MAC, so it never ARPs: the real
 * network resolves the real next hop. The kernel picks a UDP source port per flow (RFC 7348);
 * replies always go to the remote's destination port (4789 unless configured), never to that
 * source port.
 *
 * Costs: one Buffer per datagram in each direction, at the I/O edge (dgram hands out Buffers
 * and keeps a Buffer until the send completes); received datagrams wait in a bounded queue
 * (`queueMax`, overflow counted) between the socket callback and the engine's next pull.
 */
import dgram from 'node:dgram';
import { App, type AppContext } from '../engine/app.js';
import type { Graph } from '../engine/engine.js';
import { internetChecksum } from '../wire/checksum.js';
import { formatIpv4Addr, parseIpv4Addr } from '../wire/ipv4-addr.js';
import { formatMac, parseMac, writeMac } from '../wire/mac.js';
import { UDP_PORT_VXLAN } from '../wire/udp.js';
import { VxlanVtep } from '../netfns/tunnels/vxlan-vtep.js';
import type { OverlayConf } from '../netfns/tunnels/settings.js';

export const UDP_UNDERLAY_DROPS = {
  'rx-queue-full': 'datagrams arrived faster than the engine took them: receive queue full',
  'pool-empty': 'no free packet buffer for a received datagram',
  'too-big': 'datagram does not fit a packet buffer with its synthetic outer headers',
  'not-ipv4-udp': 'frame from the VTEP is not IPv4/UDP (underlay ARP or other traffic has no real counterpart)',
  'socket-down': 'the UDP socket is not open (bind failed or closed)',
} as const;

/** The MAC every remote VTEP appears to have on the synthetic underlay wire. */
export const REMOTE_STAND_IN_MAC = '02:00:5e:00:47:89';
const OUTER_LEN = 14 + 20 + 8;

export interface UdpUnderlayConf {
  /** Local address to bind, e.g. 10.0.0.1 (also the VTEP's underlay address). */
  readonly local: string;
  /** UDP port to listen on (default 4789). */
  readonly port?: number;
  /** UDP port of the remotes' VXLAN (default 4789). */
  readonly remotePort?: number;
  /** The VTEP's underlay MAC (destination of synthesized frames). */
  readonly vtepMac: string;
  /** Received datagrams waiting for the engine, at most (default 4096). */
  readonly queueMax?: number;
  /** Rung (word 0, Atomics) when datagrams arrive, to wake a sleeping engine loop. */
  readonly doorbell?: SharedArrayBuffer;
}

export class UdpUnderlay extends App<typeof UDP_UNDERLAY_DROPS, UdpUnderlayConf> {
  readonly #socket: dgram.Socket;
  readonly #local: number;
  readonly #remotePort: number;
  readonly #vtepMac: number;
  readonly #standIn = parseMac(REMOTE_STAND_IN_MAC);
  readonly #queueMax: number;
  readonly #bell: Int32Array | null;
  #queue: { data: Buffer; from: number; port: number }[] = [];
  #open = false;
  readonly #ready: Promise<void>;
  /** Why the socket is unusable, or null. */
  error: string | null = null;
  rxDatagrams = 0;
  txDatagrams = 0;

  constructor(ctx: AppContext, conf: UdpUnderlayConf) {
    super(ctx, conf, UDP_UNDERLAY_DROPS);
    this.#local = parseIpv4Addr(conf.local);
    this.#remotePort = conf.remotePort ?? UDP_PORT_VXLAN;
    this.#vtepMac = parseMac(conf.vtepMac);
    this.#queueMax = conf.queueMax ?? 4096;
    this.#bell = conf.doorbell ? new Int32Array(conf.doorbell) : null;
    const socket = dgram.createSocket({ type: 'udp4' });
    this.#socket = socket;
    socket.on('message', (msg, rinfo) => this.#received(msg, rinfo));
    this.#ready = new Promise((resolve, reject) => {
      socket.once('error', (e) => {
        this.error = `udp ${conf.local}:${conf.port ?? UDP_PORT_VXLAN}: ${e.message}`;
        reject(new Error(this.error));
      });
      socket.bind(conf.port ?? UDP_PORT_VXLAN, conf.local, () => {
        this.#open = true;
        resolve();
      });
    });
    this.#ready.catch(() => {});
  }

  /** Resolves when the socket is bound; rejects with the bind error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  override ports(): readonly string[] {
    return ['vtep'];
  }

  override held(): number {
    return 0;
  }

  #received(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#queue.length >= this.#queueMax) {
      this.countDrop('rx-queue-full');
      return;
    }
    this.#queue.push({ data: msg, from: parseIpv4Addr(rinfo.address), port: rinfo.port });
    if (this.#bell !== null) {
      Atomics.add(this.#bell, 0, 1);
      Atomics.notify(this.#bell, 0);
    }
  }

  override pull(): void {
    if (this.#queue.length === 0) return;
    const queue = this.#queue;
    this.#queue = [];
    const out = this.output.vtep;
    for (const d of queue) {
      const p = this.alloc();
      if (p === null) {
        this.countDrop('pool-empty');
        continue;
      }
      this.rxDatagrams++;
      if (OUTER_LEN + d.data.length > p.buf.length - p.off) {
        this.drop(p, 'too-big');
        continue;
      }
      const b = p.buf;
      const o = p.off;
      writeMac(b, o, this.#vtepMac);
      writeMac(b, o + 6, this.#standIn);
      b[o + 12] = 0x08;
      b[o + 13] = 0x00;
      const ipLen = 20 + 8 + d.data.length;
      const ip = o + 14;
      b[ip] = 0x45;
      b[ip + 1] = 0;
      b[ip + 2] = ipLen >>> 8;
      b[ip + 3] = ipLen & 0xff;
      b[ip + 4] = 0;
      b[ip + 5] = 0;
      b[ip + 6] = 0x40;
      b[ip + 7] = 0;
      b[ip + 8] = 64;
      b[ip + 9] = 17;
      b[ip + 10] = 0;
      b[ip + 11] = 0;
      p.view.setUint32(ip + 12, d.from);
      p.view.setUint32(ip + 16, this.#local);
      const c = internetChecksum(b, ip, 20);
      b[ip + 10] = c >>> 8;
      b[ip + 11] = c & 0xff;
      const udp = ip + 20;
      p.view.setUint16(udp, d.port);
      p.view.setUint16(udp + 2, UDP_PORT_VXLAN);
      p.view.setUint16(udp + 4, 8 + d.data.length);
      p.view.setUint16(udp + 6, 0);
      b.set(d.data, udp + 8);
      p.len = OUTER_LEN + d.data.length;
      if (out === undefined) this.consume(p);
      else out.transmit(p);
    }
  }

  override push(): void {
    const input = this.input.vtep;
    if (input === undefined) return;
    while (!input.empty()) {
      const p = input.receive();
      const b = p.buf;
      const o = p.off;
      if (p.len < OUTER_LEN || b[o + 12] !== 0x08 || b[o + 13] !== 0x00 || b[o + 14]! >>> 4 !== 4 || b[o + 23] !== 17) {
        this.drop(p, 'not-ipv4-udp');
        continue;
      }
      if (!this.#open) {
        this.drop(p, 'socket-down');
        continue;
      }
      const ihl = (b[o + 14]! & 0x0f) * 4;
      const dst = p.view.getUint32(o + 14 + 16);
      const payload = o + 14 + ihl + 8;
      const end = o + p.len;
      if (payload > end) {
        this.drop(p, 'not-ipv4-udp');
        continue;
      }
      // dgram keeps the buffer until the datagram is sent: it needs its own copy.
      const data = Buffer.from(b.subarray(payload, end));
      this.#socket.send(data, this.#remotePort, formatIpv4Addr(dst));
      this.txDatagrams++;
      this.consume(p);
    }
  }

  override stop(): void {
    this.#open = false;
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
  }
}

export interface VxlanOverUdpConf {
  /** Local underlay address; the socket binds it and the VTEP uses it as its own. */
  readonly local: string;
  readonly port?: number;
  readonly remotePort?: number;
  /** The VTEP's access ports and segments, flood lists, statics... (everything but the underlay). */
  readonly overlay: Omit<OverlayConf, 'underlay'>;
  /** Underlay L3 MTU (default 1500): the overlay MTU is 50 bytes less. */
  readonly mtu?: number;
  readonly doorbell?: SharedArrayBuffer;
}

/** Every remote address the overlay config names (flood lists and static entries). */
function remotesOf(overlay: Omit<OverlayConf, 'underlay'>): string[] {
  const set = new Set<string>();
  for (const list of Object.values(overlay.flood ?? {})) for (const r of list) set.add(r);
  for (const s of overlay.static ?? []) set.add(s.remote);
  return [...set];
}

/**
 * Adds a VTEP named `name` (access ports as `overlay.ports` says) and its UDP underlay
 * `name/udp` to a graph, cabled together.
 */
export function addVxlanOverUdp(graph: Graph, name: string, conf: VxlanOverUdpConf): void {
  const local = parseIpv4Addr(conf.local);
  const vtepMac = formatMac(0x0e0000000000 + local);
  const neighbours: Record<string, string> = {};
  for (const r of remotesOf(conf.overlay)) neighbours[r] = REMOTE_STAND_IN_MAC;
  graph.app(name, VxlanVtep, {
    ...conf.overlay,
    underlay: { port: 'underlay', ip: `${conf.local}/0`, mac: vtepMac, neighbours, ...(conf.mtu !== undefined ? { mtu: conf.mtu } : {}) },
  });
  graph.app(`${name}/udp`, UdpUnderlay, {
    local: conf.local,
    vtepMac,
    ...(conf.port !== undefined ? { port: conf.port } : {}),
    ...(conf.remotePort !== undefined ? { remotePort: conf.remotePort } : {}),
    ...(conf.doorbell !== undefined ? { doorbell: conf.doorbell } : {}),
  });
  graph.connect(`${name}.underlay`, `${name}/udp.vtep`);
}
