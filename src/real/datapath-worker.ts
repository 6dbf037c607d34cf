/**
 * The daemon's datapath thread: one engine on the wall clock running every real lab the daemon
 * was asked to bring up, reconfigured by difference as labs come and go.
 *
 * The control thread sends requests with postMessage ({ id, op, ...args }) and gets one reply
 * each ({ id, ok, result } or { id, ok: false, error }); packets never cross this channel.
 * Requests are handled one at a time, between breaths. Labs share the engine under app-name
 * prefixes (`<lab>:<node>`); bringing a lab up or down configures the union of the remaining
 * labs' graphs, so the engine keeps every unchanged app and link with its queued packets:
 * traffic of the labs that stay is not interrupted. The OpenFlow channels of a lab's switches
 * (`listen`, `controller`) run on this thread too, handled between breaths like the requests;
 * the lab-up reply and the lab's state file say where they listen. `ofctl` runs `vnet ofctl`'s
 * command on a lab's switches here, between breaths, as a lab's own control socket would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, Graph } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { PacketPool } from '../engine/packet.js';
import { loadLabFile } from '../control/lab/load.js';
import { TapPort } from '../nics/tap/tap-port.js';
import { VhostUserPort } from '../nics/vhost-user/port.js';
import { Stat } from '../nics/vhost-user/shared.js';
import { UdpUnderlay } from './vxlan-udp.js';
import { RealLoop } from './loop.js';
import { readRealLabState, RealLab, realLabStatePath } from './real-lab.js';
import { startLabChannels, type LabChannels } from '../control/openflow/lab-channels.js';
import { ofctlReply } from '../control/openflow/ofctl-command.js';
import type { LabControlReply } from '../control/openflow/lab-control.js';
import { labApps } from '../control/lab/kinds/openflow-switch.js';

export type DatapathRequest =
  | { readonly id: number; readonly op: 'lab-up'; readonly file: string; readonly offloads?: boolean; readonly nsPrefix?: string }
  | { readonly id: number; readonly op: 'lab-down'; readonly lab: string }
  | { readonly id: number; readonly op: 'ofctl'; readonly lab: string; readonly bridge: string; readonly args: readonly string[] }
  | { readonly id: number; readonly op: 'show-ports' }
  | { readonly id: number; readonly op: 'status' }
  | { readonly id: number; readonly op: 'shutdown' };

/** A line for the daemon's output, sent unasked (a lab's OpenFlow channel: listening, a controller connecting or failing). */
export interface DatapathLog {
  readonly log: string;
}

export type DatapathReply = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface PortRow {
  readonly port: string;
  /** The Linux interface behind a TAP port. */
  readonly ifname?: string;
  /** Frames into vnet through this port. */
  readonly rxPackets: number;
  /** Frames vnet delivered to this port. */
  readonly txPackets: number;
  readonly drops: number;
  /**
   * A TAP port's offload work: GSO packets taken whole from the kernel, GSO packets cut into
   * segments, and frames merged from segments before writing (GRO) with the segments they held.
   */
  readonly offloads?: { readonly on: boolean; readonly rxGsoPackets: number; readonly txSegmented: number; readonly txCoalesced: number; readonly txCoalescedSegments: number };
  /**
   * A tunnel's real UDP socket: its address, datagrams in and out, sends that carried a run cut
   * by the kernel (UDP GSO), slots that held a run coalesced by the kernel (UDP GRO), frames
   * merged from datagrams before the VTEP with the datagrams they held, and what the kernel
   * dropped on the socket (-1: unknown).
   */
  readonly socket?: { readonly local: string; readonly rxDatagrams: number; readonly txDatagrams: number; readonly gsoSends: number; readonly groRuns: number; readonly merged: number; readonly mergedDatagrams: number; readonly kernelDrops: number };
  /**
   * A vhost-user port: its socket path, who serves its rings (inline or thread), the backend's
   * state, front-ends connected so far, frames held back on the front-end's transmit ring because
   * the engine was behind (rounds), and the backend's own drops.
   */
  readonly vhostUser?: { readonly socket: string; readonly placement: string; readonly state: string; readonly connections: number; readonly backpressure: number; readonly workerDrops: number };
}

interface LabEntry {
  readonly lab: RealLab;
  readonly graph: Graph;
  /** The OpenFlow channels of its switches (`listen`, `controller`), once started. */
  openflow: LabChannels | null;
}

function vhostUserCounters(port: VhostUserPort): NonNullable<PortRow['vhostUser']> {
  return {
    socket: port.conf.socket,
    placement: port.placement,
    state: port.state,
    connections: port.stat(Stat.Connections),
    backpressure: port.stat(Stat.TxBackpressure),
    workerDrops: Object.values(port.workerDrops()).reduce((a, b) => a + b, 0),
  };
}

function socketCounters(udp: UdpUnderlay): NonNullable<PortRow['socket']> {
  const s = udp.stats();
  return {
    local: `${udp.conf.local}:${udp.port}`,
    rxDatagrams: s.rxDatagrams,
    txDatagrams: s.txDatagrams,
    gsoSends: s.txSegmentedSends,
    groRuns: s.rxCoalescedRuns,
    merged: udp.rxMerged,
    mergedDatagrams: udp.rxMergedDatagrams,
    kernelDrops: s.kernelDrops,
  };
}

function tapOffloads(tap: TapPort): NonNullable<PortRow['offloads']> {
  const s = tap.stats();
  return { on: s.offloads, rxGsoPackets: s.rxGsoPackets, txSegmented: s.txSegments, txCoalesced: s.txCoalesced, txCoalescedSegments: s.txCoalescedSegments };
}

class Datapath {
  readonly engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 32768 }) });
  readonly loop = new RealLoop(this.engine);
  readonly labs = new Map<string, LabEntry>();
  readonly socket: string | undefined;
  readonly log: (line: string) => void;

  constructor(socket: string | undefined, log: (line: string) => void) {
    this.socket = socket;
    this.log = log;
    this.loop.start();
  }

  #union(): Graph {
    const g = new Graph();
    for (const { graph } of this.labs.values()) {
      for (const [name, spec] of graph.apps) g.app(name, spec.app, spec.conf);
      for (const l of graph.links) g.link(l);
    }
    return g;
  }

  async labUp(file: string, offloads: boolean, nsPrefix: string | undefined): Promise<unknown> {
    const model = loadLabFile(file);
    if (this.labs.has(model.name)) throw new Error(`lab ${model.name} is already up in this daemon`);
    if (readRealLabState(realLabStatePath(model.name)) !== null) throw new Error(`lab ${model.name} is already up elsewhere, or a crashed run left ${realLabStatePath(model.name)}; run: vnet lab down ${file}`);
    const lab = new RealLab(model, { appPrefix: `${model.name}:`, offloads, doorbell: this.loop.doorbell, ...(this.socket !== undefined ? { daemonSocket: this.socket } : {}), ...(nsPrefix !== undefined ? { nsPrefix } : {}) });
    const graph = new Graph();
    lab.addTo(graph);
    lab.prepare();
    const entry: LabEntry = { lab, graph, openflow: null };
    this.labs.set(model.name, entry);
    try {
      this.engine.configure(this.#union());
      await Promise.all(lab.hosts.flatMap((h) => h.ifaces.map((i) => this.engine.app<TapPort>(i.app).ready())));
      await lab.setup();
      // The channels run on this thread's event loop, which the loop yields to between breaths.
      entry.openflow = await startLabChannels(model, this.engine, (line) => this.log(`lab ${model.name}: ${line}`), `${model.name}:`);
      lab.recordLive({ openflow: entry.openflow.described });
    } catch (e) {
      await this.labDown(model.name).catch(() => {});
      throw e;
    }
    this.loop.wake();
    return {
      lab: model.name,
      hosts: lab.hosts.map((h) => ({ node: h.node, netns: h.ns, interfaces: h.ifaces.map((i) => i.iface) })),
      ...(entry.openflow.described.length > 0 ? { openflow: entry.openflow.described } : {}),
    };
  }

  async labDown(name: string): Promise<unknown> {
    const entry = this.labs.get(name);
    if (entry === undefined) throw new Error(`lab ${name} is not up in this daemon (up: ${[...this.labs.keys()].join(', ') || 'none'})`);
    const taps = [...entry.graph.apps.keys()].map((a) => this.engine.apps.get(a)).filter((a): a is TapPort => a instanceof TapPort);
    this.labs.delete(name);
    await entry.openflow?.stop();
    this.engine.configure(this.#union());
    await Promise.all(taps.map((t) => t.closed()));
    await entry.lab.teardown();
    return { lab: name, down: true };
  }

  /** `vnet ofctl` on a switch of one of the daemon's labs: what the command prints and its exit code. */
  ofctl(lab: unknown, bridge: unknown, args: unknown): LabControlReply {
    if (typeof lab !== 'string' || typeof bridge !== 'string' || !Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw new Error('ofctl: expected { lab: string, bridge: string, args: string[] }');
    }
    const entry = this.labs.get(lab);
    if (entry === undefined) throw new Error(`lab ${lab} is not up in this daemon (up: ${[...this.labs.keys()].join(', ') || 'none'})`);
    const file = entry.lab.model.file;
    return ofctlReply({ engine: labApps(this.engine, `${lab}:`), noChecks: `lab ${lab} runs in the daemon; its checks are real pings, which run with: vnet lab run ${file} --real` }, { op: 'ofctl', bridge, args });
  }

  showPorts(): PortRow[] {
    const rows: PortRow[] = [];
    for (const app of this.engine.apps.values()) {
      const names = new Set([...Object.keys(app.input), ...Object.keys(app.output)]);
      for (const port of names) {
        const out = app.output[port];
        const inp = app.input[port];
        rows.push({
          port: `${app.name}.${port}`,
          ...(app instanceof TapPort ? { ifname: app.ifname } : {}),
          rxPackets: out?.txPackets ?? 0,
          txPackets: inp?.rxPackets ?? 0,
          drops: (out?.drops ?? 0) + (app instanceof TapPort || app instanceof UdpUnderlay ? app.totalDrops() : 0) + (app instanceof VhostUserPort ? vhostUserCounters(app).workerDrops : 0),
          ...(app instanceof TapPort ? { offloads: tapOffloads(app) } : {}),
          ...(app instanceof UdpUnderlay ? { socket: socketCounters(app) } : {}),
          ...(app instanceof VhostUserPort ? { vhostUser: vhostUserCounters(app) } : {}),
        });
      }
    }
    return rows;
  }

  status(): unknown {
    return {
      labs: [...this.labs.entries()].map(([name, e]) => ({ lab: name, file: e.lab.model.file, hosts: e.lab.hosts.map((h) => h.ns) })),
      apps: this.engine.apps.size,
      links: this.engine.links.size,
      breaths: this.engine.breaths,
      poolInUse: this.engine.pool.inUse,
      drops: this.dropRows(),
    };
  }

  /** Every non-zero drop counter: per app and reason, and full links. */
  dropRows(): { where: string; reason: string; count: number }[] {
    const rows: { where: string; reason: string; count: number }[] = [];
    for (const app of this.engine.apps.values()) for (const [reason, count] of Object.entries(app.dropCounts)) if (count > 0) rows.push({ where: app.name, reason, count });
    for (const l of this.engine.links.values()) if (l.drops > 0) rows.push({ where: l.name, reason: 'link-full', count: l.drops });
    if (this.engine.linkRemovalDrops > 0) rows.push({ where: 'engine', reason: 'link-removed', count: this.engine.linkRemovalDrops });
    return rows;
  }

  async shutdown(): Promise<unknown> {
    for (const name of [...this.labs.keys()]) await this.labDown(name);
    await this.loop.stop();
    this.engine.stop();
    return { stopped: true };
  }
}

async function handle(dp: Datapath, req: DatapathRequest): Promise<unknown> {
  switch (req.op) {
    case 'lab-up':
      return dp.labUp(req.file, req.offloads ?? false, req.nsPrefix);
    case 'lab-down':
      return dp.labDown(req.lab);
    case 'ofctl':
      return dp.ofctl(req.lab, req.bridge, req.args);
    case 'show-ports':
      return dp.showPorts();
    case 'status':
      return dp.status();
    case 'shutdown':
      return dp.shutdown();
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const dp = new Datapath((workerData as { socket?: string } | null)?.socket, (line) => port.postMessage({ log: line } satisfies DatapathLog));
  let chain = Promise.resolve();
  port.on('message', (req: DatapathRequest) => {
    chain = chain.then(async () => {
      try {
        port.postMessage({ id: req.id, ok: true, result: await handle(dp, req) } satisfies DatapathReply);
      } catch (e) {
        port.postMessage({ id: req.id, ok: false, error: (e as Error).message } satisfies DatapathReply);
      }
      if (req.op === 'shutdown') port.close();
    });
  });
}
