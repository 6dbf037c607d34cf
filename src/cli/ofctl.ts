/**
 * `vnet ofctl LABFILE BRIDGE COMMAND ...`: ovs-ofctl on an openflow-switch node of an emulated
 * lab. The lab is built on the virtual clock, the command applied; with --run the lab's checks
 * run afterwards (so counters and learned flows show), and changes print the resulting flows.
 *
 *   add-flow FLOW | add-flows FILE | del-flows [FLOW] | replace-flows FILE
 *   dump-flows [FLOW] | dump-ports | trace PORT SPEC [-j]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadLabFile } from '../control/lab/load.js';
import { LabRuntime } from '../control/lab/runtime.js';
import { encodePacket } from '../control/packets.js';
import { OfctlError, ofctlSession, ofprotoTrace } from '../control/lab/kinds/openflow-switch.js';

export const OFCTL_USAGE = `  ofctl FILE BRIDGE add-flow FLOW | add-flows FLOWFILE | del-flows [FLOW] | replace-flows FLOWFILE
        | dump-flows [FLOW] | dump-ports [--run]
                          ovs-ofctl on an openflow-switch node; --run runs the lab's checks
                          after the change (counters, learned flows), then prints the flows
  ofctl FILE BRIDGE trace PORT SPEC [-j]
                          ofproto/trace: a frame entering BRIDGE on PORT, table by table
`;

export function ofctlCommand(argv: readonly string[], print: (s: string) => void, printErr: (s: string) => void): number {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { run: { type: 'boolean' }, strict: { type: 'boolean' }, json: { type: 'boolean', short: 'j' } } });
  const [file, bridge, cmd, ...args] = positionals;
  if (file === undefined || bridge === undefined || cmd === undefined) {
    printErr(`vnet ofctl: expected FILE BRIDGE COMMAND\n\nusage:\n${OFCTL_USAGE}`);
    return 2;
  }
  const rt = new LabRuntime(loadLabFile(file));
  const session = ofctlSession(rt.engine, bridge);
  const arg = args.join(' ');
  const flowsOf = (path: string | undefined) => {
    if (path === undefined) throw new OfctlError(`${cmd}: missing FLOWFILE`);
    return session.parseFlows(readFileSync(path, 'utf8').split('\n'), path);
  };
  let failed = 0;
  const run = () => {
    if (values.run) failed = rt.runChecks().failed;
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
      case 'del-flows':
        session.delFlows(arg, values.strict ?? false);
        break;
      case 'replace-flows': {
        const r = session.replaceFlows(flowsOf(args[0]));
        print(`replace-flows: ${r.added} added, ${r.deleted} deleted, ${r.kept} kept`);
        break;
      }
      case 'dump-flows':
        run();
        for (const l of session.dumpFlows(arg)) print(l);
        return failed > 0 ? 1 : 0;
      case 'dump-ports':
        run();
        for (const l of session.dumpPorts()) print(l);
        return failed > 0 ? 1 : 0;
      case 'trace': {
        const [port, ...spec] = args;
        if (port === undefined || spec.length === 0) throw new OfctlError('trace: expected PORT SPEC');
        const t = ofprotoTrace(rt.engine, bridge, encodePacket(spec.join(' ')), port);
        if (values.json) {
          const { text: _text, ...rest } = t;
          print(JSON.stringify(rest, null, 2));
        } else print(t.text);
        return 0;
      }
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
