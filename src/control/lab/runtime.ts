/**
 * A running emulated lab: the model turned into one engine graph, plus the operations the
 * CLI and the shell offer on it (checks, ping, show, trace, capture).
 *
 * Graph shape: every lab link becomes a veth pair app between its two endpoints, so a frame
 * from h1:eth0 to br0:p1 travels `h1.eth0 -> link0.a`, `link0.b -> br0.p1`. Each endpoint is a
 * port `node/iface` with an outbound link (what the node sends) and an inbound link (what it
 * receives); counters, captures and traces are all read from those links.
 */
import { Engine, Graph } from '../../engine/engine.js';
import type { App } from '../../engine/app.js';
import type { Link } from '../../engine/link.js';
import { PacketPool } from '../../engine/packet.js';
import { NS_PER_S, RealClock } from '../../engine/clock.js';
import { DoorbellIdleWait } from '../../engine/doorbell-wait.js';
import { formatIpv4Addr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import type { LearningBridge } from '../../bridges/learning-bridge.js';
import type { Host, PingSession } from '../../hosts/host.js';
import { Veth } from '../../nics/veth.js';
import { Capture } from '../../capture/capture.js';
import { conservation, type ConservationReport } from '../../testing/conservation.js';
import { isWorkerGuest, withWorkerGuests, workerGuestDrops } from '../../vm/worker-guest.js';
import type { IpStack } from '../../vm/remote-stack.js';
import { isBridge, isHost, type CheckModel, type LabModel, type NodeModel } from './model.js';
import { NODE_KINDS, type NodeKind } from './kinds/index.js';
import { VIRTUAL_CLOCK_ENV, wallClockEnv } from './kinds/kind.js';

function kindOf(node: NodeModel): NodeKind {
  const k = NODE_KINDS.find((x) => x.name === node.kind);
  if (k === undefined) throw new Error(`no node kind ${node.kind}`);
  return k;
}

export interface LabPort {
  /** `node/iface`, the name captures and `show ports` use. */
  readonly name: string;
  readonly node: string;
  readonly iface: string;
  /** Frames the node sends out of this port. */
  readonly outbound: Link;
  /** Frames delivered to the node on this port. */
  readonly inbound: Link;
  /** The veth app that carries this port's cable. */
  readonly cable: string;
}

export interface CheckResult {
  /** The check as written, e.g. "ping h1 -> 10.0.0.2". */
  readonly check: string;
  readonly expect: 'success' | 'failure';
  readonly passed: boolean;
  /** One line saying what happened. */
  readonly detail: string;
  /** For pingall: every pair tried. */
  readonly pairs?: readonly { from: string; to: string; address: string; reachable: boolean }[];
  /** For ping: RTTs in nanoseconds of engine time. */
  readonly rtts?: readonly number[];
}

export interface LabReport {
  readonly lab: string;
  readonly file: string;
  readonly mode: 'emulated';
  /** The clock the checks ran on: virtual, or the wall clock for a lab with nodes on real sockets. */
  readonly clock: 'virtual' | 'wall';
  readonly nodes: number;
  readonly links: number;
  readonly checks: readonly CheckResult[];
  readonly passed: number;
  readonly failed: number;
  /** Engine time the whole run took, in nanoseconds. */
  readonly virtualTime: number;
  readonly breaths: number;
  readonly conservation: ConservationReport;
}

export interface PortRow {
  readonly port: string;
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly txPackets: number;
  readonly txBytes: number;
  /** Frames the port could not send because its cable's queue was full. */
  readonly txDrops: number;
}

export interface DropRow {
  readonly where: string;
  readonly reason: string;
  readonly count: number;
}

export interface TraceStep {
  readonly time: number;
  readonly where: string;
  readonly kind: 'note' | 'hop';
  readonly text: string;
  readonly length: number;
}

export interface LabRuntimeOptions {
  /** Packet buffers in the pool (default scales with the lab). */
  readonly packets?: number;
  /**
   * The engine's clock (default `virtual`):
   * - `virtual`: the lab's own time, jumping ahead whenever nothing is due (`lab run`, the shell)
   * - `driven`: a virtual clock the caller moves to wall-clock time before every breath (`lab up`)
   * - `wall`: the wall clock itself, so checks take real time (`lab run` of a lab whose nodes talk
   *   to the real world, see `labNeedsWallClock`)
   * Nodes that talk to the real world (a VTEP on a UDP socket) are built only with `driven` or `wall`.
   */
  readonly clock?: 'virtual' | 'driven' | 'wall';
  /** Rung by the I/O workers of nodes on real sockets, to wake the caller's sleeping loop (see RealLoop). */
  readonly doorbell?: SharedArrayBuffer;
}

/** Whether some node of the lab exchanges packets with the real world, so the lab cannot run on the virtual clock. */
export function labNeedsWallClock(model: LabModel): boolean {
  return Object.values(model.nodes).some((n) => kindOf(n).needsWallClock?.(n) === true);
}

const PING_TIMEOUT = NS_PER_S;
const PING_INTERVAL = NS_PER_S / 10;

export class LabRuntime {
  readonly model: LabModel;
  readonly engine: Engine;
  readonly ports: readonly LabPort[];
  /** What the engine's clock is: the lab's virtual time (also when a caller drives it to wall time) or the wall clock. */
  readonly clockKind: 'virtual' | 'wall';
  readonly #portsByName = new Map<string, LabPort>();

  constructor(model: LabModel, options: LabRuntimeOptions = {}) {
    this.model = model;
    const nodeCount = Object.keys(model.nodes).length;
    const packets = options.packets ?? Math.min(1 << 16, Math.max(16384, 8 * nodeCount));
    const clock = options.clock ?? 'virtual';
    // On the wall clock the checks' runs sleep between breaths until a worker rings the doorbell
    // (a datagram came) or the next timer is due, instead of breathing without pause.
    const doorbell = clock === 'wall' ? (options.doorbell ?? new SharedArrayBuffer(4)) : options.doorbell;
    this.engine = new Engine({
      pool: new PacketPool({ count: packets }),
      ...(clock === 'wall' ? { clock: new RealClock(), idleWait: new DoorbellIdleWait(doorbell!) } : {}),
    });
    this.clockKind = clock === 'wall' ? 'wall' : 'virtual';
    const graph = new Graph();
    const env = clock === 'virtual' ? VIRTUAL_CLOCK_ENV : wallClockEnv(doorbell);
    for (const [name, node] of Object.entries(model.nodes)) kindOf(node).build(graph, name, node, model, env);
    const ports: LabPort[] = [];
    model.links.forEach((l, i) => {
      const cable = `link${i}`;
      graph.app(cable, Veth, l.mtu !== undefined ? { mtu: l.mtu } : {});
      graph.link(`${l.a.node}.${l.a.iface} -> ${cable}.a`).link(`${cable}.b -> ${l.b.node}.${l.b.iface}`);
      graph.link(`${l.b.node}.${l.b.iface} -> ${cable}.b`).link(`${cable}.a -> ${l.a.node}.${l.a.iface}`);
    });
    this.engine.configure(graph);
    model.links.forEach((l, i) => {
      const cable = `link${i}`;
      for (const [end, ep] of [['a', l.a], ['b', l.b]] as const) {
        const outbound = this.engine.links.get(`${ep.node}.${ep.iface} -> ${cable}.${end}`)!;
        const inbound = this.engine.links.get(`${cable}.${end} -> ${ep.node}.${ep.iface}`)!;
        const port: LabPort = { name: `${ep.node}/${ep.iface}`, node: ep.node, iface: ep.iface, outbound, inbound, cable };
        ports.push(port);
        this.#portsByName.set(port.name, port);
      }
    });
    this.ports = ports;
  }

  /** The IP stack of a host node or of a VM's guest (in the lab's engine or in its own thread); a clear error for anything else. */
  host(name: string): IpStack {
    const app = this.#ipStackApp(name);
    if (app === undefined) throw new Error(`${name} is not a host or VM of lab ${this.model.name} (hosts: ${this.hostNames().join(', ')})`);
    const a = this.engine.app(app);
    return isWorkerGuest(a) ? a.ipStack() : (a as Host);
  }

  #ipStackApp(name: string): string | undefined {
    const node = this.model.nodes[name];
    if (node === undefined) return undefined;
    return isHost(node) ? name : kindOf(node).ipStackApp?.(name);
  }

  bridge(name: string): LearningBridge {
    const node = this.model.nodes[name];
    if (!isBridge(node)) throw new Error(`${name} is not a bridge of lab ${this.model.name} (bridges: ${this.bridgeNames().join(', ')})`);
    return this.engine.app<LearningBridge>(name);
  }

  hostNames(): string[] {
    return Object.keys(this.model.nodes).filter((k) => this.#ipStackApp(k) !== undefined);
  }

  bridgeNames(): string[] {
    return Object.entries(this.model.nodes).filter(([, n]) => isBridge(n)).map(([k]) => k);
  }

  /** A port by `node/iface` or `node:iface`. */
  port(name: string): LabPort {
    const p = this.#portsByName.get(name.replace(':', '/'));
    if (p === undefined) throw new Error(`no port ${name} in lab ${this.model.name} (ports look like h1:eth0)`);
    return p;
  }

  /** Runs the engine until `done()` or `maxTime` ns of engine time pass. */
  runUntil(done: () => boolean, maxTime: number): boolean {
    return this.engine.runUntil(done, maxTime);
  }

  /** Pings and waits for the session to finish. */
  ping(from: string, to: string, count = 1, options: { interval?: number; timeout?: number; size?: number } = {}): PingSession {
    const session = this.host(from).ping(to, { count, interval: options.interval ?? PING_INTERVAL, timeout: options.timeout ?? PING_TIMEOUT, ...(options.size !== undefined ? { size: options.size } : {}) });
    this.engine.runUntil(() => session.done, (count + 2) * ((options.interval ?? PING_INTERVAL) + (options.timeout ?? PING_TIMEOUT)));
    return session;
  }

  /** Sends one UDP datagram and waits for the far host to echo it; true when the echo came back. */
  udpProbe(from: string, to: string, port: number): { ok: boolean; detail: string } {
    const src = this.host(from);
    // The answering host owns `to`, or sits behind an app that forwards `to:port` (a NAT port forward).
    let target = { ip: to, port };
    for (const app of this.engine.apps.values()) {
      const t = app.serviceTarget?.('udp', parseIpv4Addr(to), port);
      if (t) target = { ip: formatIpv4Addr(t.ip), port: t.port };
    }
    const owner = this.hostNames().find((h) => hostAddresses(this.host(h)).includes(target.ip));
    const payload = new TextEncoder().encode(`vnet-probe ${from}->${to}:${port}`);
    let echoed = false;
    const srcPort = 40000 + (this.engine.breaths % 20000);
    let bound = false;
    if (owner !== undefined) {
      const dst = this.host(owner);
      const listen = target.port;
      try {
        dst.udpBind(listen, (ip, sport, data) => { dst.udpSend(ip, sport, data, { srcPort: listen }); });
        bound = true;
      } catch {
        // The port is already taken on the far host: probe whatever listens there.
      }
    }
    src.udpBind(srcPort, () => { echoed = true; });
    try {
      const sent = src.udpSend(to, port, payload, { srcPort });
      if (sent !== 'sent' && sent !== 'queued') return { ok: false, detail: `send failed: ${sent}` };
      this.engine.runUntil(() => echoed, 2 * PING_TIMEOUT);
    } finally {
      src.udpUnbind(srcPort);
      if (bound && owner !== undefined) this.host(owner).udpUnbind(target.port);
    }
    const via = target.ip !== to || target.port !== port ? ` (forwarded to ${target.ip}:${target.port})` : '';
    return echoed ? { ok: true, detail: `echo from ${owner ?? to}:${target.port}${via}` } : { ok: false, detail: owner === undefined ? `no host owns ${to}; no answer` : 'no answer' };
  }

  /** Runs one check. */
  runCheck(c: CheckModel): CheckResult {
    if (c.kind === 'ping') {
      const s = this.ping(c.from, c.to, c.count);
      const success = s.received === c.count;
      const failure = s.received === 0;
      const passed = c.expect === 'success' ? success : failure;
      const rtts = s.replies.map((r) => r.rtt);
      const errs = s.errors.map((e) => e.kind);
      const detail = `${s.received}/${s.sent} received` + (rtts.length ? `, rtt ${fmtMs(avg(rtts))} ms` : '') + (errs.length ? `, ${[...new Set(errs)].join(', ')}` : '');
      return { check: `ping ${c.from} -> ${c.to}${c.count > 1 ? ` (${c.count})` : ''}`, expect: c.expect, passed, detail, rtts };
    }
    if (c.kind === 'udp') {
      const r = this.udpProbe(c.from, c.to, c.port);
      return { check: `udp ${c.from} -> ${c.to}:${c.port}`, expect: c.expect, passed: r.ok === (c.expect === 'success'), detail: r.detail };
    }
    const pairs: { from: string; to: string; address: string; reachable: boolean }[] = [];
    const hosts = this.hostNames();
    for (const from of hosts) {
      for (const to of hosts) {
        if (from === to) continue;
        const address = hostAddresses(this.host(to))[0];
        if (address === undefined) continue;
        const s = this.ping(from, address, c.count);
        pairs.push({ from, to, address, reachable: s.received === c.count });
      }
    }
    const ok = pairs.filter((p) => p.reachable).length;
    const dropped = pairs.length === 0 ? 0 : Math.round((100 * (pairs.length - ok)) / pairs.length);
    return { check: 'pingall', expect: 'success', passed: ok === pairs.length && pairs.length > 0, detail: `${dropped}% dropped (${ok}/${pairs.length} received)`, pairs };
  }

  /** Runs every check of the lab file and reports; `onCheck` hears about each check as it starts. */
  runChecks(onCheck?: (index: number, total: number) => void): LabReport {
    const start = this.engine.now();
    const checks = this.model.checks.map((c, i) => {
      onCheck?.(i, this.model.checks.length);
      return this.runCheck(c);
    });
    const passed = checks.filter((c) => c.passed).length;
    return {
      lab: this.model.name,
      file: this.model.file,
      mode: 'emulated',
      clock: this.clockKind,
      nodes: Object.keys(this.model.nodes).length,
      links: this.model.links.length,
      checks,
      passed,
      failed: checks.length - passed,
      virtualTime: this.engine.now() - start,
      breaths: this.engine.breaths,
      conservation: this.conservation(),
    };
  }

  /** Packet conservation over the whole engine right now. */
  conservation(): ConservationReport {
    return withWorkerGuests(this.engine, conservation(this.engine));
  }

  portRows(): PortRow[] {
    return this.ports.map((p) => ({
      port: p.name,
      rxPackets: p.inbound.rxPackets,
      rxBytes: p.inbound.rxBytes,
      txPackets: p.outbound.txPackets,
      txBytes: p.outbound.txBytes,
      txDrops: p.outbound.drops,
    }));
  }

  /** Every non-zero drop counter: per app and reason, full links, the packet pool. */
  dropRows(): DropRow[] {
    const rows: DropRow[] = [];
    for (const app of this.engine.apps.values()) {
      for (const [reason, count] of Object.entries((app as App).dropCounts)) if (count > 0) rows.push({ where: app.name, reason, count });
    }
    for (const l of this.engine.links.values()) if (l.drops > 0) rows.push({ where: l.name, reason: 'link-full', count: l.drops });
    if (this.engine.pool.allocFailures > 0) rows.push({ where: 'packet-pool', reason: 'pool-empty', count: this.engine.pool.allocFailures });
    rows.push(...workerGuestDrops(this.engine));
    return rows;
  }

  /**
   * Sends `frame` out of a port as if its node had sent it, runs the engine until the packet
   * and everything it caused have settled, and returns what each app decided.
   */
  trace(portName: string, frame: Uint8Array): TraceStep[] {
    const port = this.port(portName);
    const p = this.engine.pool.fromBytes(frame);
    if (p === null) throw new Error('trace: no free packet buffer or the frame is too large');
    const id = this.engine.tracer.start(p);
    this.engine.tracer.note(p, port.node, `sent on ${port.iface}, ${frame.length} bytes`);
    // The node "sent" this frame: count it as generated there so conservation still holds.
    this.engine.app(port.node).generated++;
    port.outbound.transmit(p);
    const settleBy = this.engine.now() + 10 * this.engine.breathCost;
    this.engine.runUntil(() => this.engine.queued() === 0 && this.engine.now() >= settleBy, NS_PER_S);
    return this.engine.tracer.records(id).map((r) => ({ time: r.time, where: r.where, kind: r.kind, text: r.text, length: r.length }));
  }

  /** Starts capturing on every port (or the named ones). */
  capture(portNames?: readonly string[]): Capture {
    const cap = new Capture({ now: () => this.engine.now() }, { epochNs: BigInt(Date.now()) * 1_000_000n });
    for (const p of this.ports) {
      if (portNames && !portNames.includes(p.name) && !portNames.includes(`${p.node}:${p.iface}`)) continue;
      cap.addPort(p.name, { inbound: p.inbound, outbound: p.outbound });
    }
    return cap;
  }

  stop(): void {
    this.engine.stop();
  }
}

/** A host's addresses without prefix lengths, in interface order. */
export function hostAddresses(h: Pick<IpStack, 'addresses'>): string[] {
  return h.addresses().flatMap((a) => a.addrs.map((x) => x.split('/')[0]!));
}

function avg(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function fmtMs(ns: number): string {
  return (ns / 1e6).toFixed(3);
}
