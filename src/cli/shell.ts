/**
 * `vnet lab shell`: a Mininet-style shell on a running emulated lab.
 *
 * Reads commands line by line (from a terminal with a prompt and history, or from a pipe,
 * which makes scripted sessions and tests easy). Every `show` takes `-j` for JSON.
 */
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import type { Capture } from '../capture/capture.js';
import { LabRuntime, fmtMs } from '../control/lab/runtime.js';
import { showRouterRoutes } from '../control/lab/kinds/router.js';
import { decodeText, encodePacket } from '../control/packets.js';
import { renderDrops, renderFdb, renderNet, renderPorts, renderReport, renderTrace } from './render.js';
import { ofctlOnLab } from './ofctl.js';

const HELP = `commands:
  net                          nodes and their links
  pingall                      every host pings every other host
  H ping ADDR [-c N] [-s SIZE] ping from host H
  H udp ADDR PORT              one UDP datagram, echoed back by the host that owns ADDR
  check                        run the lab file's checks
  show ports|drops|conservation [-j]
  show fdb BRIDGE [-j]         a bridge's forwarding database
  show addr|neigh|routes H [-j]
  show conntrack NODE          connection tracking entries (NAT gateways, port filters)
  show routes ROUTER [-j]      a router's tables, as ip route
  flush BRIDGE                 empty a bridge's learned entries
  trace PORT SPEC              send a frame out of PORT (h1:eth0) and explain its path
  ofctl BRIDGE COMMAND ...     ovs-ofctl on an openflow-switch node, as vnet ofctl: add-flow,
                               add-flows, del-flows, replace-flows, dump-flows, dump-ports,
                               trace PORT SPEC | trace FLOW, dpctl/dump-flows,
                               dpif-netdev/pmd-stats-show (changes stay for the session)
  run SECONDS                  let engine time pass (ageing, timeouts)
  capture start [PORT...]      record frames on all (or the given) ports
  capture save FILE.pcapng     write what was recorded
  time                         engine time
  exit`;

export async function runShell(rt: LabRuntime, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<void> {
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, prompt: 'vnet> ' });
  const out = (s: string): void => { output.write(s.endsWith('\n') ? s : `${s}\n`); };
  let capture: Capture | null = null;
  if (interactive) out(`lab ${rt.model.name}: ${rt.hostNames().length} hosts, ${rt.bridgeNames().length} bridges. Type help.`);
  const prompt = (): void => { if (interactive) rl.prompt(); };
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) { prompt(); continue; }
    if (!interactive) out(`vnet> ${line}`);
    if (line === 'exit' || line === 'quit') break;
    try {
      const result = execute(rt, line, { get: () => capture, set: (c) => { capture = c; } });
      if (result !== '') out(result);
    } catch (e) {
      out(`error: ${(e as Error).message}`);
    }
    prompt();
  }
  rl.close();
  (capture as Capture | null)?.detach();
}

interface CaptureSlot {
  get(): Capture | null;
  set(c: Capture | null): void;
}

/** Runs one shell command and returns its output. Exported for tests. */
export function execute(rt: LabRuntime, line: string, capture: CaptureSlot = { get: () => null, set: () => undefined }): string {
  const words = line.split(/\s+/);
  const json = words.includes('-j');
  const args = words.filter((w) => w !== '-j');
  const [cmd, a1, a2, ...more] = args;
  switch (cmd) {
    case 'help':
      return HELP;
    case 'net':
      return renderNet(rt);
    case 'time':
      return `engine time ${(rt.engine.now() / 1e9).toFixed(6)} s`;
    case 'check': {
      const r = rt.runChecks();
      return json ? JSON.stringify(r, null, 2) : renderReport(r);
    }
    case 'pingall': {
      const r = rt.runCheck({ kind: 'pingall', count: 1 });
      if (json) return JSON.stringify(r, null, 2);
      const lines = ['*** Ping: testing ping reachability'];
      const byFrom = new Map<string, string[]>();
      for (const p of r.pairs ?? []) byFrom.set(p.from, [...(byFrom.get(p.from) ?? []), p.reachable ? p.to : 'X']);
      for (const [from, tos] of byFrom) lines.push(`${from} -> ${tos.join(' ')}`);
      lines.push(`*** Results: ${r.detail}`);
      return lines.join('\n');
    }
    case 'show':
      return show(rt, a1, a2, json);
    case 'flush':
      if (a1 === undefined) throw new Error('flush BRIDGE');
      return `${rt.bridge(a1).flush()} entries flushed from ${a1}`;
    case 'run': {
      const s = Number(a1);
      if (!(s >= 0)) throw new Error('run SECONDS, e.g. run 300');
      rt.engine.runFor(s * 1e9);
      return `engine time ${(rt.engine.now() / 1e9).toFixed(6)} s`;
    }
    case 'trace': {
      if (a1 === undefined || a2 === undefined) throw new Error('trace PORT SPEC, e.g. trace h1:eth0 eth(dst=ff:ff:ff:ff:ff:ff),arp(...)');
      const spec = [a2, ...more].join('');
      const bytes = encodePacket(spec);
      const steps = rt.trace(a1, bytes);
      return json ? JSON.stringify(steps, null, 2) : renderTrace(a1, steps, decodeText(bytes));
    }
    case 'ofctl': {
      if (a1 === undefined || a2 === undefined) throw new Error('ofctl BRIDGE COMMAND ..., e.g. ofctl br0 dump-flows');
      const lines: string[] = [];
      ofctlOnLab(rt, a1, [a2, ...more, ...(json ? ['-j'] : [])], (s) => lines.push(s), (s) => lines.push(s));
      return lines.map((l) => l.replace(/\n$/, '')).join('\n');
    }
    case 'capture': {
      if (a1 === 'start') {
        capture.get()?.detach();
        const ports = [a2, ...more].filter((x): x is string => x !== undefined);
        capture.set(rt.capture(ports.length > 0 ? ports : undefined));
        return `capturing on ${capture.get()!.ports.length} ports`;
      }
      if (a1 === 'save') {
        const c = capture.get();
        if (c === null) throw new Error('no capture running: capture start first');
        if (a2 === undefined) throw new Error('capture save FILE.pcapng');
        writeFileSync(a2, a2.endsWith('.pcap') ? c.toPcap() : c.toPcapng());
        return `${c.packetCount} packets written to ${a2}`;
      }
      throw new Error('capture start [PORT...] | capture save FILE');
    }
    default:
      break;
  }
  if (cmd !== undefined && rt.hostNames().includes(cmd)) {
    if (a1 === 'ping') {
      if (a2 === undefined) throw new Error(`${cmd} ping ADDRESS [-c COUNT] [-s SIZE]`);
      const count = optionValue(args, '-c', 3);
      const size = optionValue(args, '-s', 56);
      const s = rt.ping(cmd, a2, count, { size, interval: 1e9 });
      if (json) return JSON.stringify({ sent: s.sent, received: s.received, replies: s.replies, errors: s.errors }, null, 2);
      const lines = [`PING ${a2} ${size}(${size + 28}) bytes of data.`];
      for (const r of s.replies) lines.push(`${r.bytes + 8} bytes from ${r.from}: icmp_seq=${r.seq} ttl=${r.ttl} time=${fmtMs(r.rtt)} ms`);
      for (const e of s.errors) lines.push(`icmp_seq=${e.seq} ${e.kind}${e.from ? ` from ${e.from}` : ''}`);
      lines.push(`--- ${a2} ping statistics ---`, s.summary());
      return lines.join('\n');
    }
    if (a1 === 'udp') {
      if (a2 === undefined || more[0] === undefined) throw new Error(`${cmd} udp ADDRESS PORT`);
      const r = rt.udpProbe(cmd, a2, Number(more[0]));
      return `${r.ok ? 'ok' : 'failed'}: ${r.detail}`;
    }
    throw new Error(`${cmd}: host commands are ping and udp`);
  }
  throw new Error(`unknown command ${JSON.stringify(cmd)}; type help`);
}

function optionValue(args: string[], flag: string, dflt: number): number {
  const i = args.indexOf(flag);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} takes a whole number`);
  return v;
}

function show(rt: LabRuntime, what: string | undefined, arg: string | undefined, json: boolean): string {
  const j = (x: unknown): string => JSON.stringify(x, null, 2);
  switch (what) {
    case 'ports':
      return json ? j(rt.portRows()) : renderPorts(rt);
    case 'drops':
      return json ? j(rt.dropRows()) : renderDrops(rt);
    case 'conservation': {
      const r = rt.conservation();
      return json ? j(r) : r.ok ? `conserved: ${r.poolInUse} buffers in use = ${r.queued} queued + ${r.held} held` : r.problems.join('\n');
    }
    case 'conntrack': {
      if (arg === undefined) throw new Error('show conntrack NODE');
      const app = rt.engine.apps.get(arg) as { showConntrack?: () => string } | undefined;
      if (app?.showConntrack === undefined) throw new Error(`${arg} does not track connections`);
      const text = app.showConntrack();
      return json ? j(text.split('\n').filter((l) => l !== '')) : text === '' ? '(no connections)' : text;
    }
    case 'fdb':
      if (arg === undefined) throw new Error('show fdb BRIDGE');
      return json ? j(rt.bridge(arg).fdb()) : renderFdb(rt, arg);
    case 'addr': case 'neigh': case 'routes': {
      if (arg === undefined) throw new Error(`show ${what} HOST`);
      if (what === 'routes' && rt.model.nodes[arg]?.kind === 'router') return showRouterRoutes(rt.engine, arg, json);
      const h = rt.host(arg);
      if (what === 'addr') return json ? j(h.addresses()) : h.addresses().map((a) => a.text).join('\n');
      if (what === 'neigh') {
        const n = h.neighbours();
        return json ? j(n) : n.length === 0 ? '(empty)' : n.map((x) => x.text).join('\n');
      }
      const r = h.routes();
      return json ? j(r) : r.map((x) => x.text).join('\n');
    }
    default:
      throw new Error('show ports|drops|conservation|fdb BRIDGE|addr HOST|neigh HOST|routes HOST|conntrack NODE');
  }
}

