/**
 * `vnet ofctl LABFILE BRIDGE COMMAND ...`: ovs-ofctl on an openflow-switch node of a lab. When
 * `vnet lab up LABFILE` (emulated or `--real`) is running, the command goes over that lab's control socket
 * (src/control/openflow/lab-control.ts), or for a lab in `vnet daemon` over the daemon's socket,
 * and acts on the live switch, so changes persist from one call to the next; otherwise the lab is built on the virtual clock for this one command.
 * Either way the same `ofctlOnLab` runs and prints the same text with the same exit code.
 * With --run the lab's checks run afterwards (so counters and learned flows show), and changes
 * print the resulting flows.
 *
 *   add-flow FLOW | add-flows FILE | mod-flows FLOW [--strict] | del-flows [FLOW] | replace-flows FILE
 *   dump-flows [FLOW] | dump-ports | trace PORT SPEC | PORT --hex HEX | [PORT] --pcap CAPTURE | FLOW [-j]
 *   dpctl/dump-flows | dpif-netdev/pmd-stats-show | dpctl/del-flows | fdb/show (ovs-appctl's views)
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabFile } from '../control/lab/load.js';
import { LabRuntime } from '../control/lab/runtime.js';
import { labControlRequest, labStatePath, type LabControlReply } from '../control/openflow/lab-control.js';
import { OFCTL_OPTIONS, OFCTL_USAGE, ofctlOnLab } from '../control/openflow/ofctl-command.js';
import { realLabStatePath } from '../real/real-lab.js';
import { daemonRequest } from './daemon.js';

export { OFCTL_USAGE, ofctlOnLab, ofctlReply, type OfctlTarget } from '../control/openflow/ofctl-command.js';

/** Where a running lab takes ofctl requests: its own control socket, or the daemon that runs it. */
type LiveLab = { readonly control: string } | { readonly daemon: string };

/** The running `lab up` of this lab (emulated, or real with `--real`, or in a daemon), if a state file names where it listens. */
function liveLab(labName: string): LiveLab | null {
  for (const statePath of [labStatePath(labName), realLabStatePath(labName)]) {
    if (!existsSync(statePath)) continue;
    let state: { control?: unknown; daemonSocket?: unknown };
    try {
      state = JSON.parse(readFileSync(statePath, 'utf8')) as typeof state;
    } catch {
      continue; // a state file being written, or not ours: the next one, else offline
    }
    if (typeof state.control === 'string') return { control: state.control };
    if (typeof state.daemonSocket === 'string') return { daemon: state.daemonSocket };
  }
  return null;
}

export function ofctlCommand(argv: readonly string[], print: (s: string) => void, printErr: (s: string) => void): number {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OFCTL_OPTIONS });
  const [file, bridge, cmd, ...args] = positionals;
  if (file === undefined || bridge === undefined || cmd === undefined) {
    printErr(`vnet ofctl: expected FILE BRIDGE COMMAND\n\nusage:\n${OFCTL_USAGE}`);
    return 2;
  }
  const model = loadLabFile(file);
  const live = liveLab(model.name);
  // A capture file is read by the lab process, which may run in another directory.
  const flags = flagArgs({ ...values, ...(values.pcap !== undefined ? { pcap: resolve(values.pcap) } : {}) });
  const offline = (): number => ofctlOnLab(new LabRuntime(model), bridge, [cmd, ...args, ...flags], print, printErr);
  if (live === null) return offline();
  // A FLOWFILE is read by the lab process, which may run in another directory.
  const sent = cmd === 'add-flows' || cmd === 'replace-flows' ? args.map((a, i) => (i === 0 ? resolve(a) : a)) : args;
  const show = (r: LabControlReply): number => {
    if (r.text !== '') print(r.text);
    if (r.error !== undefined && r.error !== '') printErr(r.error);
    return r.code;
  };
  const request = { bridge, args: [cmd, ...sent, ...flags] };
  const answered: Promise<number> = 'control' in live
    ? labControlRequest(live.control, { op: 'ofctl', ...request }).then((reply) => (reply === null ? offline() : show(reply)))
    : daemonRequest(live.daemon, { op: 'ofctl', lab: model.name, ...request }).then((r) => {
      if (!r.ok) throw new Error(`the daemon at ${live.daemon}: ${r.error ?? 'no answer'}`);
      return show(r.result as LabControlReply);
    });
  answered.then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      printErr(`vnet: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
  return -1;
}

function flagArgs(values: { run?: boolean; strict?: boolean; json?: boolean; hex?: string; pcap?: string }): string[] {
  return [
    ...(values.run ? ['--run'] : []), ...(values.strict ? ['--strict'] : []), ...(values.json ? ['-j'] : []),
    ...(values.hex !== undefined ? ['--hex', values.hex] : []), ...(values.pcap !== undefined ? ['--pcap', values.pcap] : []),
  ];
}
