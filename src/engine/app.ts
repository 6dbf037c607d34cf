/**
 * The app interface: a small object that the engine calls with packets on named links.
 *
 * An app declares what it can do: its drop reasons (a closed set, so `drop(p, 'x')` with an
 * undeclared reason does not compile), and optionally fixed input and output names. The engine
 * fills `input` and `output` from the graph's links and calls `relink()` when they change.
 *
 * Conservation: the base class counts what an app creates (`generated`), terminates
 * (`consumed`) and drops (`dropCounts`); the links count what goes in and out. With
 * `held()` for packets an app keeps across breaths, every app satisfies
 *   received + generated = sent + consumed + dropped + held
 * and `testing/conservation.ts` checks it.
 */
import type { Link } from './link.js';
import type { Packet, PacketPool } from './packet.js';
import type { Engine } from './engine.js';

/**
 * What an app does with a packet that carries offload state (`Packet.gsoSize` > 0: one TCP
 * segment of up to 64 KB; `Packet.csumStart` >= 0: an unfinished L4 checksum):
 * - 'no': it expects wire-size frames with finished checksums (the default: routers, NAT,
 *   tunnels and anything not checked).
 * - 'passes-on': it forwards such a packet unchanged (header bytes may be retagged), so it can
 *   take one only when every app it sends to can (the learning bridge).
 * - 'finishes': it delivers such a packet correctly itself (a TAP port: as it came, or segmented).
 * - 'tunnels': a tunnel endpoint (VXLAN, GRE). From an access port it carries such a packet
 *   encapsulated, whole, out of its underlay port (`tunnelUnderlayPort`), and from the underlay
 *   it delivers a decapsulated one to its access ports. An encapsulated offloaded packet may
 *   only cross 'passes-on' apps to another endpoint's underlay port: nothing else knows that the
 *   TCP segment to cut or finish sits inside a tunnel (rx-offload.ts walks the graph that way).
 * - 'segments-tunnelled': a tunnel endpoint's underlay socket (VXLAN over a real UDP socket). It
 *   takes an encapsulated offloaded packet and sends it as the wire datagrams it stands for,
 *   cutting the inner TCP segment and finishing its checksums itself; a plain one it cannot take.
 */
export type OffloadHandling = 'no' | 'passes-on' | 'finishes' | 'tunnels' | 'segments-tunnelled';

/** A table of drop reasons: name -> one-line description. */
export type DropTable = Readonly<Record<string, string>>;

export interface AppContext {
  readonly engine: Engine;
  readonly name: string;
}

export abstract class App<D extends DropTable = DropTable, Conf = unknown> {
  readonly name: string;
  readonly engine: Engine;
  readonly pool: PacketPool;
  /** Input links by port name (filled by the engine). */
  readonly input: Record<string, Link> = Object.create(null) as Record<string, Link>;
  /** Output links by port name (filled by the engine). */
  readonly output: Record<string, Link> = Object.create(null) as Record<string, Link>;
  /** The declared drop reasons with their descriptions. */
  readonly dropReasons: D;
  /** Packets dropped, per declared reason. */
  readonly dropCounts: Record<keyof D & string, number>;
  /** Packets this app created (originated or cloned). */
  generated = 0;
  /** Packets this app terminated (delivered to a local stack, answered, absorbed). */
  consumed = 0;
  /** How this app treats packets with offload state; ports sending to a 'no' app finish them first. */
  readonly offloadHandling: OffloadHandling = 'no';
  /**
   * For a 'finishes' app: true when it hands offloaded packets on as they are (a TAP with
   * offloads), false when it segments them or completes their checksums itself. Merging received
   * segments into one offloaded packet (GRO) pays only in front of the first kind.
   */
  get keepsOffloads(): boolean {
    return false;
  }
  /** For a 'tunnels' app: the port its encapsulated frames leave and arrive by. */
  get tunnelUnderlayPort(): string | null {
    return null;
  }
  /** Period of `tick()` in nanoseconds of engine time; 0 means the app has no tick. */
  tickInterval = 0;
  conf: Conf;

  constructor(ctx: AppContext, conf: Conf, drops: D) {
    this.name = ctx.name;
    this.engine = ctx.engine;
    this.pool = ctx.engine.pool;
    this.conf = conf;
    this.dropReasons = drops;
    const counts = Object.create(null) as Record<string, number>;
    for (const reason of Object.keys(drops)) counts[reason] = 0;
    this.dropCounts = counts as Record<keyof D & string, number>;
  }

  /** Called once per breath before any push, to bring packets into the graph. */
  pull?(): void;
  /** Called when input links may hold packets. */
  push?(): void;
  /** Called every `tickInterval` nanoseconds of engine time. */
  tick?(now: number): void;
  /** Called when the graph gives this app a new configuration; without it the app is restarted. */
  reconfig?(conf: Conf): void;
  /** Called after the links of this app changed. */
  relink?(): void;
  /** Called when the app is removed from the graph. */
  stop?(): void;
  /** Packets the app keeps across breaths (queues waiting for ARP, reassembly...). */
  held(): number {
    return 0;
  }
  /** Port names the app always has, whether or not they are linked (for `show ports`). */
  ports?(): readonly string[];
  /**
   * Where a connection to `ip:port` really ends when this app redirects it (a NAT port forward,
   * a load balancer), or null. Lets tools find the instance that answers a public address.
   */
  serviceTarget?(proto: 'tcp' | 'udp', ip: number, port: number): { ip: number; port: number } | null;

  /** Counts and frees a packet dropped for a declared reason. */
  protected drop(p: Packet, reason: keyof D & string): void {
    this.dropCounts[reason]++;
    if (p.traceId !== 0) this.engine.tracer.note(p, this.name, `drop: ${reason}`);
    p.pool.free(p);
  }

  /** Counts and frees a packet this app terminated. */
  protected consume(p: Packet): void {
    this.consumed++;
    p.pool.free(p);
  }

  /**
   * Counts a frame lost before it got a packet buffer: it came from outside the graph (a guest
   * ring, a socket, a generator, a copy for flooding) and the pool was empty or the bytes were
   * unusable. It counts as generated and dropped, so the app's balance still holds.
   */
  protected countDrop(reason: keyof D & string): void {
    this.generated++;
    this.dropCounts[reason]++;
  }

  /** Allocates a packet this app originates, or null when the pool is empty (the pool counts it). */
  protected alloc(): Packet | null {
    const p = this.pool.alloc();
    if (p !== null) this.generated++;
    return p;
  }

  /** Copies a packet (flooding) into the packet's own pool (TAP ports have bigger buffers), or null when that pool is empty. */
  protected clone(p: Packet): Packet | null {
    const q = p.pool.clone(p);
    if (q !== null) this.generated++;
    return q;
  }

  /** Records a forwarding decision for a traced packet; costs one check when tracing is off. */
  protected note(p: Packet, text: string): void {
    if (p.traceId !== 0) this.engine.tracer.note(p, this.name, text);
  }

  /** Sum of all drop counters. */
  totalDrops(): number {
    let n = 0;
    for (const k in this.dropCounts) n += this.dropCounts[k as keyof D & string];
    return n;
  }
}

/** What the engine needs to build an app: a constructor taking the context and configuration. */
export type AppClass<Conf = any> = new (ctx: AppContext, conf: Conf) => App<DropTable, Conf>;
