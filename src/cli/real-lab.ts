/**
 * `vnet lab up FILE --real`, `vnet lab run FILE --real` and `vnet lab down FILE` for real labs:
 * hosts as network namespaces on TAP ports, everything else as vnet apps (src/real/real-lab.ts).
 *
 * `up` builds the lab, runs its checks with real ping, prints them, and keeps forwarding until
 * Ctrl-C, SIGTERM or `lab down`; `run` does the same but tears the lab down after the checks
 * and exits 1 when one failed. Either way everything created is removed on the way out, and
 * `lab down` also cleans up after a process that crashed (the state file lists it all).
 * While `up` forwards, the lab is reachable as an emulated `lab up` is: the OpenFlow channels
 * of its switches (`listen`, `controller`) run, and `vnet ofctl FILE BRIDGE ...` acts on the
 * live switches through the control socket the state file names (`--run` is refused there:
 * a real lab's checks are real pings, which `lab run --real` runs).
 */
import { Engine, Graph } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { PacketPool } from '../engine/packet.js';
import type { LabModel } from '../control/lab/model.js';
import { TapPort } from '../nics/tap/tap-port.js';
import { tapUnavailableReason } from '../nics/tap/tun.js';
import { RealLoop } from '../real/loop.js';
import { formatIpv4Addr, parseIpv4Addr } from '../wire/ipv4-addr.js';
import { countRealChecks, readRealLabState, RealLab, realLabControlPath, realLabDown, realLabStatePath, type RealCheckResult } from '../real/real-lab.js';
import { startLabChannels, type LabChannels } from '../control/openflow/lab-channels.js';
import { LabControlServer } from '../control/openflow/lab-control.js';
import { ofctlReply } from './ofctl.js';

export interface RealLabCliOptions {
  readonly offloads?: boolean;
  readonly json?: boolean;
  /** Namespace names are this prefix plus the host name (default: just the host name). */
  readonly nsPrefix?: string;
  readonly out?: (line: string) => void;
}

/** Is a real lab of this name recorded as up (state file present)? */
export function realLabRecorded(labName: string): boolean {
  return readRealLabState(realLabStatePath(labName)) !== null;
}

/** `lab down` of a real lab; returns the exit code through the promise. */
export async function realLabDownCommand(model: LabModel, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  for (const line of await realLabDown(realLabStatePath(model.name))) out(line);
  return 0;
}

export function renderRealChecks(lab: string, results: readonly RealCheckResult[]): string {
  const lines = results.map((r) => `${r.passed ? 'PASS' : r.skipped ? 'SKIP' : 'FAIL'}  ${r.check}${r.expect === 'failure' ? ' (expect failure)' : ''}: ${r.detail}`);
  const { passed, failed, skipped } = countRealChecks(results);
  lines.push(`lab ${lab} (real): ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return lines.join('\n');
}

/** A real lab running in this process: the engine, its loop and the namespaces. */
export class RealLabProcess {
  readonly lab: RealLab;
  readonly engine: Engine;
  readonly loop: RealLoop;

  constructor(model: LabModel, options: { offloads?: boolean; nsPrefix?: string } = {}) {
    const why = tapUnavailableReason();
    if (why !== null) throw new Error(`lab ${model.name} --real: ${why}`);
    const state = readRealLabState(realLabStatePath(model.name));
    if (state !== null) {
      let alive = true;
      try {
        process.kill(state.pid, 0);
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`lab ${model.name} is already up (pid ${state.pid}); run: vnet lab down ${model.file}`);
      throw new Error(`lab ${model.name}: a crashed run left ${realLabStatePath(model.name)}; run: vnet lab down ${model.file}`);
    }
    this.engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 16384 }) });
    this.loop = new RealLoop(this.engine);
    this.lab = new RealLab(model, {
      offloads: options.offloads ?? false,
      doorbell: this.loop.doorbell,
      ...(options.nsPrefix !== undefined ? { nsPrefix: options.nsPrefix } : {}),
    });
  }

  /** Opens the TAPs, builds the namespaces, starts forwarding. Cleans up what it made if anything fails. */
  async start(): Promise<void> {
    try {
      this.lab.prepare();
      const graph = new Graph();
      this.lab.addTo(graph);
      this.engine.configure(graph);
      await Promise.all(this.taps().map((t) => t.ready()));
      await this.lab.setup();
      this.loop.start();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    const taps = [...this.engine.apps.values()].filter((a): a is TapPort => a instanceof TapPort);
    this.engine.stop();
    await Promise.all(taps.map((t) => t.closed()));
    await this.lab.teardown();
  }

  /** Where a vnet app (a NAT port forward) sends connections to ip:port, or null. */
  serviceTarget(ip: string, port: number): { ip: string; port: number } | null {
    const addr = parseIpv4Addr(ip);
    for (const app of this.engine.apps.values()) {
      // Apps that redirect connections (NAT port forwards) may answer where they really end.
      const redirect = (app as { serviceTarget?: (proto: 'udp', ip: number, port: number) => { ip: number; port: number } | null }).serviceTarget;
      const t = redirect?.call(app, 'udp', addr, port);
      if (t) return { ip: formatIpv4Addr(t.ip), port: t.port };
    }
    return null;
  }

  taps(): TapPort[] {
    return [...this.engine.apps.values()].filter((a): a is TapPort => a instanceof TapPort);
  }
}

/** `lab up|run FILE --real`; returns -1 (the exit code is set when it finishes). */
export function realLabCommand(sub: 'up' | 'run', model: LabModel, options: RealLabCliOptions = {}): number {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const proc = new RealLabProcess(model, { offloads: options.offloads ?? false, ...(options.nsPrefix !== undefined ? { nsPrefix: options.nsPrefix } : {}) });
  const run = async (): Promise<number> => {
    let stopping = false;
    let wake: () => void = () => {};
    const stop = (): void => {
      stopping = true;
      wake();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let openflow: LabChannels | null = null;
    let server: LabControlServer | null = null;
    try {
      await proc.start();
      const hosts = proc.lab.hosts.map((h) => `${h.node} (netns ${h.ns}: ${h.ifaces.map((i) => i.iface).join(', ')})`).join(', ');
      if (!options.json) out(`lab ${model.name} is up (real): ${hosts}; pid ${process.pid}`);
      if (sub === 'up') {
        // Before the checks, so a controller named in the lab file can program the switches first.
        openflow = await startLabChannels(model, proc.engine, options.json ? () => undefined : out);
        server = await LabControlServer.listen(realLabControlPath(model.name), (req) => ofctlReply({ engine: proc.engine, noChecks: `lab ${model.name} is up for real; its checks are real pings, which run with: vnet lab run ${model.file} --real` }, req));
        proc.lab.recordLive({ openflow: openflow.described, control: server.path });
      }
      const results = await proc.lab.runChecks({ serviceTarget: (ip, port) => proc.serviceTarget(ip, port) });
      const { passed, failed, skipped } = countRealChecks(results);
      if (options.json) out(JSON.stringify({ lab: model.name, mode: 'real', hosts: proc.lab.hosts.map((h) => ({ node: h.node, netns: h.ns, interfaces: h.ifaces.map((i) => i.iface) })), checks: results, passed, failed, skipped }, null, 2));
      else if (results.length > 0) out(renderRealChecks(model.name, results));
      if (sub === 'up' && !stopping) {
        out(`forwarding; stop with Ctrl-C or: vnet lab down ${model.file}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (stopping) resolve();
        });
      }
      return sub === 'run' && failed > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await Promise.all([server?.close(), openflow?.stop()]);
      await proc.stop();
      if (!options.json) out(`lab ${model.name} is down`);
    }
  };
  void run().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`vnet: lab ${sub} --real: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
  return -1;
}

/**
 * TAP offloads for a real lab: on unless `--no-offloads` (since routers, NAT, OpenFlow switches,
 * port filters and tunnels within the lab pass 64 KB packets on, only a tunnel onto a real UDP
 * socket makes a port segment in front of it).
 * `--offloads` is still taken, for scripts written when it had to be asked for.
 */
export function offloadsOption(on: boolean | undefined, off: boolean | undefined): boolean {
  if (on === true && off === true) throw new Error('--offloads and --no-offloads contradict each other: give one');
  return off !== true;
}
