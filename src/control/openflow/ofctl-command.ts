/**
 * One ovs-ofctl or ovs-appctl command on an openflow-switch node of a lab, given the apps that
 * hold the lab's switches: what `vnet ofctl FILE BRIDGE ...` runs on a lab built for the call, on
 * a live `lab up` lab through its control socket, and on a lab in the daemon. Prints what
 * ovs-ofctl would and returns its exit code, so every path prints the same text and exits the
 * same way. The CLI around it (which lab, which process) is src/cli/ofctl.ts.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodePacket, parseHex } from '../packets.js';
import { countOf } from '../count.js';
import { OfctlError, ofctlSession, ofprotoTrace, ofprotoTraceCapture, ofprotoTraceText, type FlowTrace, type LabApps } from '../lab/kinds/openflow-switch.js';
import type { LabControlReply, LabControlRequest } from './lab-control.js';

export const OFCTL_USAGE = `  ofctl FILE BRIDGE add-flow FLOW | add-flows FLOWFILE | mod-flows FLOW | del-flows [FLOW] | replace-flows FLOWFILE
        | dump-flows [FLOW] | dump-aggregate [FLOW] | dump-tables | dump-ports
        | add-group GROUP | del-groups [group_id=N] | dump-groups [--run]
                          ovs-ofctl on an openflow-switch node; --run runs the lab's checks
                          after the change (counters, learned flows), then prints the flows;
                          on a running \`lab up\` lab the change persists; otherwise the lab
                          is built for this one command
  ofctl FILE BRIDGE dpctl/dump-flows | dpif-netdev/pmd-stats-show [--run] [-j] | dpctl/del-flows
        | fdb/show [--run]
                          the datapath under the tables, as ovs-appctl shows it: the cached
                          megaflows, how packets were answered (EMC, megaflow, upcall), emptying
                          the caches; the addresses the NORMAL action learned
  ofctl FILE BRIDGE trace PORT SPEC | PORT --hex HEX | [PORT] --pcap CAPTURE | FLOW [-j]
                          ofproto/trace: a frame (a packet spec, hex bytes, or each frame
                          of a pcap/pcapng file) entering BRIDGE on PORT, table by table
                          (without PORT: the frames a lab run --capture saw enter BRIDGE);
                          or a flow as ofproto/trace takes it, e.g.
                          in_port=vxlan,tun_id=0x64,arp,arp_tpa=10.0.0.1 (unset fields zero)
`;

export const OFCTL_OPTIONS = {
  run: { type: 'boolean' }, strict: { type: 'boolean' }, json: { type: 'boolean', short: 'j' }, hex: { type: 'string' }, pcap: { type: 'string' },
} as const;

/**
 * What an ofctl command acts on: the lab's apps (`engine`: an Engine, or `labApps` of a shared one), and the lab's checks
 * for --run where this process can run them (a `LabRuntime` can; a real lab's checks are real
 * pings, run by `lab run --real`, and `noChecks` says so).
 */
export interface OfctlTarget {
  readonly engine: LabApps;
  runChecks?(): { readonly failed: number };
  readonly noChecks?: string;
}

/** Runs one control-socket request on a live lab, capturing what the offline command would print. */
export function ofctlReply(target: OfctlTarget, req: LabControlRequest): LabControlReply {
  const out: string[] = [];
  const err: string[] = [];
  const line = (s: string): string => (s.endsWith('\n') ? s.slice(0, -1) : s);
  try {
    const code = ofctlOnLab(target, req.bridge, req.args, (s) => out.push(line(s)), (s) => err.push(line(s)));
    return { ok: code === 0, text: out.join('\n'), ...(err.length > 0 ? { error: err.join('\n') } : {}), code };
  } catch (e) {
    return { ok: false, text: out.join('\n'), error: `vnet: ${(e as Error).message}`, code: 1 };
  }
}

/**
 * One ofctl command (`[COMMAND, ...ARGS, flags]`) on BRIDGE of a lab runtime, offline or live.
 * Prints what ovs-ofctl would and returns the exit code; ofctl errors (a bad flow) print
 * `ovs-ofctl: ...` and return 1, other errors (no such bridge) throw.
 */
export function ofctlOnLab(rt: OfctlTarget, bridge: string, argv: readonly string[], print: (s: string) => void, printErr: (s: string) => void): number {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OFCTL_OPTIONS });
  const [cmd, ...args] = positionals;
  if (cmd === undefined) {
    printErr(`vnet ofctl: expected FILE BRIDGE COMMAND\n\nusage:\n${OFCTL_USAGE}`);
    return 2;
  }
  const session = ofctlSession(rt.engine, bridge);
  const arg = args.join(' ');
  const flowsOf = (path: string | undefined) => {
    if (path === undefined) throw new OfctlError(`${cmd}: missing FLOWFILE`);
    return session.parseFlows(readFileSync(path, 'utf8').split('\n'), path);
  };
  let failed = 0;
  const run = () => {
    if (!values.run) return;
    if (rt.runChecks === undefined) throw new Error(`--run: ${rt.noChecks ?? 'this lab runs no checks here'}`);
    failed = rt.runChecks().failed;
  };
  // A dump: after the checks with --run (whose failure is the exit status), as text or with -j as JSON.
  const report = (lines: () => string[], json?: () => unknown): number => {
    run();
    if (values.json && json !== undefined) print(JSON.stringify(json(), null, 2));
    else for (const l of lines()) print(l);
    return failed > 0 ? 1 : 0;
  };
  try {
    switch (cmd) {
      case 'add-flow':
        if (arg === '') throw new OfctlError('add-flow: missing FLOW');
        session.addFlows(session.parseFlows([arg]));
        break;
      case 'add-flows':
        session.addFlows(flowsOf(args[0]));
        break;
      case 'mod-flows':
        if (arg === '') throw new OfctlError('mod-flows: missing FLOW');
        session.modFlows(arg, values.strict ?? false);
        break;
      case 'del-flows':
        session.delFlows(arg, values.strict ?? false);
        break;
      case 'replace-flows': {
        const r = session.replaceFlows(flowsOf(args[0]));
        print(`replace-flows: ${r.added} added, ${r.deleted} deleted, ${r.kept} kept`);
        break;
      }
      case 'add-group':
        if (arg === '') throw new OfctlError('add-group: missing GROUP');
        session.addGroup(arg);
        return report(() => session.dumpGroups());
      case 'del-groups':
        session.delGroups(arg);
        return report(() => session.dumpGroups());
      case 'dump-groups':
        return report(() => session.dumpGroups());
      case 'dump-flows':
        return report(() => session.dumpFlows(arg));
      case 'dump-ports':
        return report(() => session.dumpPorts());
      case 'dump-aggregate':
        return report(() => session.dumpAggregate(arg));
      case 'dump-tables':
        return report(() => session.dumpTables());
      case 'dpctl/dump-flows':
        return report(() => session.dumpDatapathFlows(), () => session.datapathFlowsJson());
      case 'dpctl/del-flows':
        session.delDatapathFlows();
        return 0;
      case 'fdb/show':
        return report(() => session.fdbShow());
      case 'dpif-netdev/pmd-stats-show':
        return report(() => session.pmdStats(), () => session.fastPathStats());
      case 'trace':
        ofprotoTraceCommand(rt, bridge, args, values, print);
        return 0;
      default:
        printErr(`vnet ofctl: unknown command ${cmd}\n\nusage:\n${OFCTL_USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof OfctlError) {
      printErr(`ovs-ofctl: ${e.message}`);
      return 1;
    }
    throw e;
  }
  run();
  for (const l of session.dumpFlows()) print(l);
  return failed > 0 ? 1 : 0;
}

/**
 * `trace PORT SPEC`, `trace PORT --hex HEX`, `trace [PORT] --pcap CAPTURE` or `trace FLOW`, as text
 * in ofproto/trace layout or (-j) as JSON: one trace object, or for a capture an array of
 * `{ packet, length, trace }` (the frame's number in the file).
 */
function ofprotoTraceCommand(rt: OfctlTarget, bridge: string, args: readonly string[], values: { json?: boolean; hex?: string; pcap?: string }, print: (s: string) => void): void {
  const json = (t: FlowTrace) => {
    const { text: _text, ...rest } = t;
    return rest;
  };
  const [port, ...spec] = args;
  if (values.hex !== undefined && values.pcap !== undefined) throw new OfctlError('trace: give --hex or --pcap, not both');
  if (values.pcap !== undefined) {
    if (spec.length > 0) throw new OfctlError('trace: expected [PORT] --pcap CAPTURE');
    const r = ofprotoTraceCapture(rt.engine, bridge, readFileSync(values.pcap), port);
    if (values.json) {
      print(JSON.stringify(r.traces.map((c) => ({ packet: c.packet, length: c.length, port: c.port, trace: json(c.trace) })), null, 2));
      return;
    }
    const parts = r.traces.map((c) => `Packet ${c.packet} (${c.length} bytes, in_port ${c.port})\n\n${c.trace.text}`);
    if (r.notEthernet > 0) parts.push(`${countOf(r.notEthernet, 'frame')} skipped: not Ethernet`);
    if (r.notEntering > 0) parts.push(`${countOf(r.notEntering, 'frame')} skipped: not captured entering ${bridge}`);
    if (r.stopped !== null) parts.push(`capture read stopped: ${r.stopped}`);
    if (parts.length === 0) parts.push('the capture holds no frames');
    print(parts.join('\n\n'));
    return;
  }
  let t: FlowTrace;
  if (values.hex !== undefined) {
    if (port === undefined || spec.length > 0) throw new OfctlError('trace: expected PORT --hex HEX');
    t = ofprotoTrace(rt.engine, bridge, parseHex(values.hex), port);
  } else if (port !== undefined && spec.length === 0 && port.includes('=') && !port.includes('(')) {
    t = ofprotoTraceText(rt.engine, bridge, port);
  } else {
    if (port === undefined || spec.length === 0) throw new OfctlError('trace: expected PORT SPEC, PORT --hex HEX, PORT --pcap CAPTURE or FLOW');
    t = ofprotoTrace(rt.engine, bridge, encodePacket(spec.join(' ')), port);
  }
  print(values.json ? JSON.stringify(json(t), null, 2) : t.text);
}
