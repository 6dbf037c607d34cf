/**
 * A lab file made real: every `host` node becomes a Linux network namespace whose interfaces
 * are TAP devices attached to vnet's apps, so `ip netns exec h1 ping 10.0.0.2` and iperf3
 * between hosts go through vnet's datapath. Bridges, routers and every other node stay vnet
 * apps, built by their kinds exactly as in an emulated lab.
 *
 * Graph: a link with a host at one end becomes a TapPort app `<host>/<iface>` cabled straight
 * to the other end (no veth app between them: a 64 KB GSO packet must not meet an MTU check
 * meant for wire frames); links between two vnet nodes keep their veth app, as in emulation.
 *
 * Side effects happen in `setup()`, in this order, each recorded in the state file
 * (os.tmpdir()/vnet-<lab>.json) BEFORE it is made, so `realLabDown` can undo a half-built or
 * crashed lab: namespace created, TAP moved into it and renamed to the lab's interface name,
 * MAC/MTU set, VLAN sub-interfaces, addresses, routes, gateway. `teardown()` deletes the
 * namespaces (their TAPs go with them, or when vnet closes the fds) and the state file.
 *
 * Namespace names are the host names (what `ip netns exec h1` expects) unless a prefix is given
 * (tests use `vn<random>-`); an existing namespace of that name is refused, never reused.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Graph } from '../engine/engine.js';
import { NODE_KINDS } from '../control/lab/kinds/index.js';
import { wallClockEnv } from '../control/lab/kinds/kind.js';
import { isHost, type CheckModel, type HostNodeModel, type LabModel } from '../control/lab/model.js';
import { deriveMac } from '../hosts/config.js';
import { formatMac } from '../wire/mac.js';
import { Veth } from '../nics/veth.js';
import { TapPort, type TapPortConf } from '../nics/tap/tap-port.js';
import type { LabChannelDesc } from '../control/openflow/lab-channels.js';
import { ipAsync, namespaceExists, nsExec, tryIp, uniqueName } from './netns.js';

export interface RealLabOptions {
  /** Prefix of namespace names (default none: a host's namespace is named after it). */
  readonly nsPrefix?: string;
  /** Prefix of app names, when several labs share one engine (the daemon). */
  readonly appPrefix?: string;
  /**
   * TAP offloads (checksum, TSO): one 64 KB packet per TCP burst. Safe with any node behind a
   * port: bridges, veths, routers, NAT gateways and OpenFlow switches pass them on, and a TAP
   * port whose packets can meet an app that takes no offloaded packets (an emulated host)
   * segments them on receive. Default false.
   */
  readonly offloads?: boolean;
  /** Doorbell of the engine loop, rung by the TAP workers. */
  readonly doorbell?: SharedArrayBuffer;
  /** Where the state file goes (default realLabStatePath(lab)). */
  readonly statePath?: string;
  /** The control socket of the daemon running the lab, recorded so a plain `lab down` can point there. */
  readonly daemonSocket?: string;
}

export interface RealLabState {
  readonly pid: number;
  readonly lab: string;
  readonly file: string;
  readonly started: string;
  readonly mode: 'real';
  /** Namespaces this lab created (or was about to create). */
  readonly namespaces: string[];
  /** TAP names in the root namespace before they were moved. */
  readonly taps: string[];
  /** Set when a daemon runs the lab: its control socket. */
  readonly daemonSocket?: string;
  /** Set while `vnet lab up --real` serves ofctl requests (see src/control/openflow/lab-control.ts). */
  readonly control?: string;
  /** The switches' OpenFlow channels once they run: bound listeners (`ptcp:PORT:HOST`) and controller targets. */
  readonly openflow?: readonly LabChannelDesc[];
}

export interface RealHostIface {
  readonly iface: string;
  readonly tap: string;
  readonly app: string;
}

export interface RealHost {
  readonly node: string;
  readonly ns: string;
  readonly model: HostNodeModel;
  readonly ifaces: readonly RealHostIface[];
}

export interface RealCheckResult {
  readonly check: string;
  readonly expect: 'success' | 'failure';
  /** False for a failed check and for one not run (`skipped`). */
  readonly passed: boolean;
  readonly detail: string;
  /**
   * Set when the check cannot run for real: it starts from, or its UDP listener would run on, a
   * node that stays emulated (a `vm`, a `qemu` guest...), since only `host` nodes become
   * namespaces. The lab's emulated run (`vnet lab run FILE`) runs it.
   */
  readonly skipped?: true;
}

export interface RealCheckOptions {
  readonly onCheck?: (index: number, total: number) => void;
  /** Where a UDP service address really ends (a NAT port forward), from the vnet apps; null when nothing redirects it. */
  readonly serviceTarget?: (ip: string, port: number) => { ip: string; port: number } | null;
}

export function realLabStatePath(lab: string): string {
  return join(tmpdir(), `vnet-${lab.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/** The control socket beside a real lab's state file. */
export function realLabControlPath(lab: string): string {
  return realLabStatePath(lab).replace(/\.json$/, '.sock');
}

export function readRealLabState(path: string): RealLabState | null {
  if (!existsSync(path)) return null;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as RealLabState;
    return s.mode === 'real' ? s : null;
  } catch {
    return null;
  }
}

/** How a check is named in results: `ping h1 -> 10.0.0.2`, `udp h1 -> 10.0.0.2:7000`, `pingall`. */
function checkName(c: CheckModel): string {
  return c.kind === 'ping' ? `ping ${c.from} -> ${c.to}` : c.kind === 'udp' ? `udp ${c.from} -> ${c.to}:${c.port}` : 'pingall';
}

/** Results by outcome; a skipped check did not run, so it is neither passed nor failed. */
export function countRealChecks(results: readonly RealCheckResult[]): { readonly passed: number; readonly failed: number; readonly skipped: number } {
  const skipped = results.filter((r) => r.skipped === true).length;
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed - skipped, skipped };
}

function withoutPrefix(cidr: string): string {
  return cidr.split('/')[0]!;
}

export class RealLab {
  readonly model: LabModel;
  readonly hosts: readonly RealHost[];
  readonly statePath: string;
  readonly #options: RealLabOptions;
  #state: RealLabState;
  #serviceTarget: RealCheckOptions['serviceTarget'] | null = null;

  constructor(model: LabModel, options: RealLabOptions = {}) {
    this.model = model;
    this.#options = options;
    this.statePath = options.statePath ?? realLabStatePath(model.name);
    const hosts: RealHost[] = [];
    const prefix = options.appPrefix ?? '';
    for (const [node, m] of Object.entries(model.nodes)) {
      if (!isHost(m)) continue;
      const ifaces: RealHostIface[] = [];
      for (const [iface, cfg] of Object.entries(m.interfaces)) {
        if (cfg.nic !== undefined) throw new Error(`${model.file}: ${node}:${iface}: interfaces on SR-IOV VFs or passed-through devices cannot be made real (--real supports interfaces on links)`);
        if (cfg.vlan !== undefined && cfg.parent !== iface) continue;
        if (Buffer.byteLength(iface) > 15) throw new Error(`${model.file}: ${node}:${iface}: interface names are at most 15 bytes in Linux`);
        ifaces.push({ iface, tap: uniqueName('vn', 10), app: `${prefix}${node}/${iface}` });
      }
      const ns = `${options.nsPrefix ?? ''}${node}`;
      hosts.push({ node, ns, model: m, ifaces });
    }
    this.hosts = hosts;
    this.#state = { pid: process.pid, lab: model.name, file: model.file, started: new Date().toISOString(), mode: 'real', namespaces: [], taps: [], ...(options.daemonSocket !== undefined ? { daemonSocket: options.daemonSocket } : {}) };
  }

  /** Adds the lab's apps and links to `graph` (app names carry the app prefix). */
  addTo(graph: Graph): void {
    const prefix = this.#options.appPrefix ?? '';
    const own = new Graph();
    const env = wallClockEnv(this.#options.doorbell);
    for (const [name, node] of Object.entries(this.model.nodes)) {
      if (isHost(node)) continue;
      const kind = NODE_KINDS.find((k) => k.name === node.kind);
      if (kind === undefined) throw new Error(`${this.model.file}: node ${name}: no node kind ${node.kind}`);
      kind.build(own, name, node, this.model, env);
    }
    for (const [name, spec] of own.apps) graph.app(`${prefix}${name}`, spec.app, spec.conf);
    for (const spec of own.links) graph.link(spec.replace(/^(\s*)(\S)/, `$1${prefix}$2`).replace(/->(\s*)(\S)/, `->$1${prefix}$2`));
    const tapOf = new Map<string, RealHostIface>();
    for (const h of this.hosts) for (const i of h.ifaces) tapOf.set(`${h.node}:${i.iface}`, i);
    this.model.links.forEach((l, k) => {
      const ends = [l.a, l.b].map((e) => {
        const tap = tapOf.get(`${e.node}:${e.iface}`);
        if (tap === undefined) return `${prefix}${e.node}.${e.iface}`;
        if (!graph.apps.has(tap.app)) {
          const host = this.hosts.find((h) => h.node === e.node)!;
          const mtu = l.mtu ?? host.model.interfaces[e.iface]?.mtu;
          const conf: TapPortConf = {
            ifname: tap.tap,
            offloads: this.#options.offloads ?? false,
            ...(mtu !== undefined ? { mtu } : {}),
            ...(this.#options.doorbell !== undefined ? { doorbell: this.#options.doorbell } : {}),
          };
          graph.app(tap.app, TapPort, conf);
        }
        return `${tap.app}.port`;
      });
      const [a, b] = ends as [string, string];
      if (a.includes('/') || b.includes('/')) {
        graph.connect(a, b);
      } else {
        const cable = `${prefix}link${k}`;
        graph.app(cable, Veth, l.mtu !== undefined ? { mtu: l.mtu } : {});
        graph.link(`${a} -> ${cable}.a`).link(`${cable}.b -> ${b}`);
        graph.link(`${b} -> ${cable}.b`).link(`${cable}.a -> ${a}`);
      }
    });
  }

  /**
   * Records how the running lab is reached, once it is: where the switches' OpenFlow channels
   * listen (a port picked by the kernel for ptcp:0 included) and, for `lab up --real`, the
   * control socket `vnet ofctl` talks to, already listening.
   */
  recordLive(live: { readonly openflow: readonly LabChannelDesc[]; readonly control?: string }): void {
    this.#state = { ...this.#state, openflow: live.openflow, ...(live.control !== undefined ? { control: live.control } : {}) };
    this.#record();
  }

  #record(): void {
    writeFileSync(this.statePath, JSON.stringify(this.#state, null, 2));
  }

  /**
   * Refuses to start when a namespace it would create exists already. Call before the engine
   * opens the TAPs; records the TAP names so a crash right after leaves nothing unknown.
   */
  prepare(): void {
    for (const h of this.hosts) if (namespaceExists(h.ns)) throw new Error(`lab ${this.model.name}: network namespace ${h.ns} already exists (another lab up? try: vnet lab down ${this.model.file})`);
    for (const h of this.hosts) for (const i of h.ifaces) this.#state.taps.push(i.tap);
    this.#record();
  }

  /** Creates the namespaces and configures the hosts; the TAPs must exist (the engine started the TapPorts). */
  async setup(): Promise<void> {
    for (const h of this.hosts) {
      this.#state.namespaces.push(h.ns);
      this.#record();
      await ipAsync('netns', 'add', h.ns);
      await ipAsync('-n', h.ns, 'link', 'set', 'lo', 'up');
      const ns = h.ns;
      for (const i of h.ifaces) {
        await ipAsync('link', 'set', i.tap, 'netns', ns);
        await ipAsync('-n', ns, 'link', 'set', i.tap, 'name', i.iface);
        const cfg = h.model.interfaces[i.iface]!;
        // The MAC the emulated host would have, unless the lab gives one: apps that know a
        // host's MAC (a port filter's anti-spoofing) then see the same frames in both modes.
        await ipAsync('-n', ns, 'link', 'set', i.iface, 'address', cfg.mac ?? formatMac(deriveMac(h.node, i.iface)));
        if (cfg.mtu !== undefined) await ipAsync('-n', ns, 'link', 'set', i.iface, 'mtu', String(cfg.mtu));
        await ipAsync('-n', ns, 'link', 'set', i.iface, 'up');
      }
      for (const [iface, cfg] of Object.entries(h.model.interfaces)) {
        if (cfg.vlan !== undefined && cfg.parent !== undefined && cfg.parent !== iface) {
          try {
            await ipAsync('-n', ns, 'link', 'add', 'link', cfg.parent, 'name', iface, 'type', 'vlan', 'id', String(cfg.vlan));
          } catch (e) {
            throw new Error(`${this.model.file}: ${h.node}:${iface}: cannot create the VLAN sub-interface (does this kernel have 802.1Q support, CONFIG_VLAN_8021Q?): ${(e as Error).message}`);
          }
          if (cfg.mac !== undefined) await ipAsync('-n', ns, 'link', 'set', iface, 'address', cfg.mac);
          await ipAsync('-n', ns, 'link', 'set', iface, 'up');
        }
        for (const a of cfg.ips) await ipAsync('-n', ns, 'addr', 'add', a, 'dev', iface);
      }
      for (const r of h.model.routes) {
        await ipAsync('-n', ns, 'route', 'add', r.dst, ...(r.via !== undefined ? ['via', r.via] : []), ...(r.dev !== undefined ? ['dev', r.dev] : []));
      }
      if (h.model.gateway !== undefined) await ipAsync('-n', ns, 'route', 'add', 'default', 'via', h.model.gateway);
    }
  }

  /** Deletes what `setup` created and the state file. Safe to call twice or after a failed setup. */
  async teardown(): Promise<void> {
    for (const ns of this.#state.namespaces) await ipAsync('netns', 'del', ns).catch(() => '');
    for (const tap of this.#state.taps) await ipAsync('link', 'del', tap).catch(() => '');
    rmSync(this.statePath, { force: true });
  }

  /** Runs the lab file's checks with real tools inside the namespaces. */
  async runChecks(options: RealCheckOptions = {}): Promise<RealCheckResult[]> {
    const results: RealCheckResult[] = [];
    this.#serviceTarget = options.serviceTarget ?? null;
    for (const [i, c] of this.model.checks.entries()) {
      options.onCheck?.(i, this.model.checks.length);
      results.push(await this.#check(c));
    }
    return results;
  }

  #host(name: string): RealHost {
    const h = this.hosts.find((x) => x.node === name);
    if (h === undefined) throw new Error(`lab ${this.model.name}: no host ${name}`);
    return h;
  }

  async #ping(from: string, to: string, count: number): Promise<{ received: number; detail: string }> {
    const r = await nsExec(this.#host(from).ns, ['ping', '-c', String(count), '-i', '0.2', '-W', '1', to], 10_000 + count * 1000);
    const m = /(\d+) received/.exec(r.stdout);
    const received = m ? Number(m[1]) : 0;
    const rtt = /= [\d.]+\/([\d.]+)\//.exec(r.stdout);
    return { received, detail: `${received}/${count} received${rtt ? `, avg rtt ${rtt[1]} ms` : ''}${r.code === null ? `: ${r.stderr.trim()}` : ''}` };
  }

  /** Why a check cannot run with real tools here, or null. */
  #notRunnable(c: CheckModel): string | null {
    const staysEmulated = (node: string): string | null => {
      if (this.hosts.some((h) => h.node === node)) return null;
      const kind = this.model.nodes[node]?.kind ?? 'unknown';
      return `a ${kind} node, which stays emulated under --real (only host nodes become namespaces); vnet lab run ${this.model.file} runs this check`;
    };
    const emulated = (node: string): string | null => {
      const why = staysEmulated(node);
      return why === null ? null : `${node} is ${why}`;
    };
    if (c.kind === 'ping') return emulated(c.from);
    if (c.kind === 'udp') {
      const from = emulated(c.from);
      if (from !== null) return from;
      const target = this.#serviceTarget?.(c.to, c.port) ?? { ip: c.to, port: c.port };
      if (this.#ownerOf(target.ip) !== undefined) return null;
      const node = Object.entries(this.model.nodes).find(([, m]) => Object.values((m as { interfaces?: Record<string, { ips?: string[] }> }).interfaces ?? {}).some((i) => (i.ips ?? []).some((a) => withoutPrefix(a) === target.ip)))?.[0];
      const why = node === undefined ? null : staysEmulated(node);
      return why === null ? null : `${target.ip} belongs to ${node}, ${why}`;
    }
    return this.hosts.length < 2 ? `pingall needs two host nodes, and ${this.hosts.length === 1 ? 'only one is' : 'none is'} a namespace under --real; vnet lab run ${this.model.file} runs it` : null;
  }

  #ownerOf(ip: string): RealHost | undefined {
    return this.hosts.find((h) => Object.values(h.model.interfaces).some((i) => i.ips.some((a) => withoutPrefix(a) === ip)));
  }

  async #check(c: CheckModel): Promise<RealCheckResult> {
    const skip = this.#notRunnable(c);
    if (skip !== null) return { check: checkName(c), expect: c.kind === 'pingall' ? 'success' : c.expect, passed: false, detail: skip, skipped: true };
    if (c.kind === 'ping') {
      const r = await this.#ping(c.from, c.to, c.count);
      const ok = r.received === c.count;
      return { check: checkName(c), expect: c.expect, passed: ok === (c.expect === 'success'), detail: r.detail };
    }
    if (c.kind === 'udp') {
      const ok = await this.#udp(c.from, c.to, c.port);
      return { check: checkName(c), expect: c.expect, passed: ok === (c.expect === 'success'), detail: ok ? 'datagram delivered' : 'no datagram arrived within 2 s' };
    }
    let ok = 0;
    let total = 0;
    for (const from of this.hosts) {
      for (const to of this.hosts) {
        if (from === to) continue;
        const address = Object.values(to.model.interfaces).flatMap((i) => i.ips)[0];
        if (address === undefined) continue;
        total++;
        if ((await this.#ping(from.node, withoutPrefix(address), c.count)).received === c.count) ok++;
      }
    }
    const dropped = total === 0 ? 0 : Math.round((100 * (total - ok)) / total);
    return { check: checkName(c), expect: 'success', passed: ok === total && total > 0, detail: `${dropped}% dropped (${ok}/${total} received)` };
  }

  /** A datagram from `from` to `to:port`: a node listener in the namespace owning `to`, a node sender in `from`'s. */
  async #udp(from: string, to: string, port: number): Promise<boolean> {
    const target = this.#serviceTarget?.(to, port) ?? { ip: to, port };
    const owner = this.#ownerOf(target.ip);
    if (owner === undefined) return false;
    const listen = `const s=require('dgram').createSocket('udp4');s.on('message',()=>{console.log('got');process.exit(0)});s.bind(${target.port},()=>console.log('ready'));setTimeout(()=>process.exit(1),3000);`;
    const send = `const s=require('dgram').createSocket('udp4');let n=0;const t=setInterval(()=>{s.send('vnet',${port},${JSON.stringify(to)});if(++n===5){clearInterval(t);setTimeout(()=>process.exit(0),50)}},200);`;
    const listener = nsExec(owner.ns, [process.execPath, '-e', listen], 5000);
    await new Promise((r) => setTimeout(r, 300));
    await nsExec(this.#host(from).ns, [process.execPath, '-e', send], 5000);
    const r = await listener;
    return r.stdout.includes('got');
  }
}

/**
 * `lab down` for a real lab: stops the process that runs it (SIGTERM, then waits up to
 * `waitMs`), then deletes every namespace and TAP the state file lists, also after a crash.
 * Returns what it did, one line each.
 */
export async function realLabDown(statePath: string, waitMs = 5000): Promise<string[]> {
  const state = readRealLabState(statePath);
  if (state === null) throw new Error(`no real lab state in ${statePath}`);
  const lines: string[] = [];
  const alive = (): boolean => {
    try {
      process.kill(state.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (state.daemonSocket !== undefined && state.pid !== process.pid && alive()) {
    throw new Error(`lab ${state.lab} runs in the daemon at ${state.daemonSocket} (pid ${state.pid}); run: vnet --daemon ${state.daemonSocket} lab down ${state.file}`);
  }
  if (state.pid !== process.pid && alive()) {
    process.kill(state.pid, 'SIGTERM');
    const end = Date.now() + waitMs;
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    lines.push(alive() ? `process ${state.pid} did not stop within ${waitMs} ms; removing its namespaces anyway` : `stopped process ${state.pid}`);
  }
  for (const ns of state.namespaces) if (namespaceExists(ns) && tryIp('netns', 'del', ns)) lines.push(`deleted namespace ${ns}`);
  for (const tap of state.taps) if (tryIp('link', 'del', tap)) lines.push(`deleted interface ${tap}`);
  // A crashed `lab up --real` leaves its control socket file behind.
  if (state.control !== undefined && state.pid !== process.pid && !alive()) rmSync(state.control, { force: true });
  rmSync(statePath, { force: true });
  lines.push(`lab ${state.lab} is down`);
  return lines;
}
