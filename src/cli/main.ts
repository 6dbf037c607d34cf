#!/usr/bin/env node
/**
 * The `vnet` command. Talks to control/ only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LabFileError, labSchema, loadLabFile, nodeKinds } from '../control/lab/load.js';
import { LabRuntime, labNeedsWallClock } from '../control/lab/runtime.js';
import { decodePacket, decodeText, encodePacket, parseHex, toHex } from '../control/packets.js';
import { countOf, renderReport, renderTrace } from './render.js';
import { COMPARE_USAGE, compareCommand } from './compare.js';
import { OFCTL_USAGE, ofctlCommand } from './ofctl.js';
import { runShell } from './shell.js';
import { labUpDown } from './lab-up.js';
import { offloadsOption, realLabCommand, realLabDownCommand, realLabRecorded } from './real-lab.js';
import { daemonClientCommand, daemonCommand } from './daemon.js';
import { Progress } from './progress.js';
import { generateLabYaml } from '../control/lab/generate.js';

const USAGE = `usage: vnet <command> ...

  lab run FILE [--json] [--capture DIR] [--pcap]
                          build the lab on the virtual clock (the wall clock when a VTEP
                          has a UDP underlay), run its checks, report; exits 1 if a check
                          fails. --capture writes DIR/<lab>.pcapng
                          (one interface per port; --pcap: classic pcap, a file per port)
  lab validate FILE       check a lab file and print what it describes
  lab schema              print the JSON schema of lab files
  lab generate --hosts N --bridges M
                          print a generated lab (hosts over a core/access bridge tree)
  lab kinds               list the node kinds a lab file may use
  lab shell FILE          an interactive shell on the running lab (try "help")
  lab up FILE             keep the lab running on the wall clock with its OpenFlow channels
                          (listen/controller of openflow-switch nodes) and the UDP sockets of
                          VTEPs with underlay: { udp: ... } until Ctrl-C
  lab down FILE           stop a lab started with lab up (real labs: also removes their namespaces)
  lab up|run FILE --real [--no-offloads] [--netns-prefix P]
                          (root) hosts become network namespaces on TAP ports, everything else
                          stays vnet apps; runs the checks with real ping (see docs/real.md);
                          TAP offloads (checksum, TSO, GRO) are on unless --no-offloads;
                          under lab up, OpenFlow channels run and vnet ofctl acts on the
                          live switches, as for an emulated lab
  daemon --socket PATH    (root) keep real labs running in a daemon; its datapath runs in a
                          worker thread, the control socket speaks newline-delimited JSON
  --daemon PATH show ports | status | lab up FILE --real | lab down FILE | shutdown
                          ask a running daemon (vnet ofctl FILE ... finds a daemon's lab itself)
  trace FILE PORT SPEC    send one frame (a packet spec, or --hex HEX) out of PORT (h1:eth0)
                          and explain its path app by app [-j]
  trace FILE BRIDGE PORT SPEC | PORT --hex HEX | [PORT] --pcap CAPTURE | FLOW [-j]
                          on an openflow-switch node: ofproto/trace, as ofctl ... trace below
  decode HEX|-            print any bytes layer by layer [-j]; - reads hex from stdin
${COMPARE_USAGE}${OFCTL_USAGE}  encode SPEC             print the bytes of a packet spec as hex, e.g.
                          vnet encode 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=4)'
`;

class UsageError extends Error {}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === '--daemon') {
    const [socket, ...command] = rest;
    if (socket === undefined) throw new UsageError('--daemon: expected the socket PATH');
    return daemonClientCommand(socket, command);
  }
  switch (cmd) {
    case 'daemon':
      return daemonCommand(rest);
    case 'lab':
      return lab(rest);
    case 'trace':
      return trace(rest);
    case 'decode':
      return decode(rest);
    case 'ofctl':
      return ofctlCommand(rest, print, printErr);
    case 'compare':
      void compareCommand(rest, print).then((code) => { process.exitCode = code; }, (e: Error) => { process.stderr.write(`vnet: ${e.message}\n`); process.exitCode = 2; });
      return -1;
    case 'encode':
      return encode(rest);
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
  }
}

function lab(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub === 'schema') {
    print(JSON.stringify(labSchema(), null, 2));
    return 0;
  }
  if (sub === 'generate') {
    const { values } = parseArgs({ args: rest, options: { hosts: { type: 'string' }, bridges: { type: 'string' }, name: { type: 'string' } } });
    process.stdout.write(generateLabYaml({ hosts: Number(values.hosts ?? 100), bridges: Number(values.bridges ?? 10), ...(values.name ? { name: values.name } : {}) }));
    return 0;
  }
  if (sub === 'kinds') {
    print(nodeKinds().map((k) => `${k.name.padEnd(16)}${k.description}${k.aliases.length ? ` (also: ${k.aliases.join(', ')})` : ''}`).join('\n'));
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { json: { type: 'boolean', short: 'j' }, capture: { type: 'string' }, pcap: { type: 'boolean' }, real: { type: 'boolean' }, offloads: { type: 'boolean' }, 'no-offloads': { type: 'boolean' }, 'netns-prefix': { type: 'string' } },
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) throw new UsageError(`lab ${sub ?? ''}: expected one lab FILE`);
  const model = loadLabFile(file);
  if (sub === 'validate') {
    if (values.json) print(JSON.stringify(model, null, 2));
    else {
      const kinds = Object.values(model.nodes).reduce<Record<string, number>>((a, n) => ({ ...a, [n.kind]: (a[n.kind] ?? 0) + 1 }), {});
      print(`${file}: lab ${model.name} is valid: ${Object.entries(kinds).map(([k, n]) => countOf(n, k)).join(', ')}, ${countOf(model.links.length, 'link')}, ${countOf(model.checks.length, 'check')}`);
    }
    return 0;
  }
  if (values.real && (sub === 'up' || sub === 'run')) return realLabCommand(sub, model, { offloads: offloadsOption(values.offloads, values['no-offloads']), json: values.json ?? false, ...(values['netns-prefix'] !== undefined ? { nsPrefix: values['netns-prefix'] } : {}) });
  if (sub === 'down' && realLabRecorded(model.name)) {
    realLabDownCommand(model).then((c) => { process.exitCode = c; }, (e: unknown) => { process.stderr.write(`vnet: lab down: ${(e as Error).message}\n`); process.exitCode = 1; });
    return -1;
  }
  if (sub === 'up' || sub === 'down') return labUpDown(sub, file);
  if (sub === 'shell') {
    void runShell(new LabRuntime(model));
    return -1;
  }
  if (sub !== 'run') throw new UsageError(`unknown lab command ${JSON.stringify(sub)} (run, validate, shell)`);
  const progress = new Progress();
  progress.update(`building lab ${model.name}: ${countOf(Object.keys(model.nodes).length, 'node')}, ${countOf(model.links.length, 'link')}`);
  const rt = new LabRuntime(model, { clock: labNeedsWallClock(model) ? 'wall' : 'virtual' });
  const captures = values.capture === undefined ? [] : values.pcap ? rt.ports.map((p) => ({ file: `${model.name}-${p.node}-${p.iface}.pcap`, cap: rt.capture([p.name]) })) : [{ file: `${model.name}.pcapng`, cap: rt.capture() }];
  const report = rt.runChecks((i, n) => progress.update(`running check ${i + 1}/${n}`));
  progress.done();
  if (values.capture !== undefined) {
    mkdirSync(values.capture, { recursive: true });
    for (const c of captures) {
      writeFileSync(join(values.capture, c.file), values.pcap ? c.cap.toPcap() : c.cap.toPcapng());
      c.cap.detach();
    }
  }
  if (values.json) print(JSON.stringify({ ...report, captures: captures.map((c) => join(values.capture ?? '', c.file)) }, null, 2));
  else {
    print(renderReport(report));
    if (captures.length > 0) print(`capture: ${captures.length === 1 ? join(values.capture!, captures[0]!.file) : `${captures.length} files in ${values.capture}`} (${captures.reduce((n, c) => n + c.cap.packetCount, 0)} packets)`);
  }
  // Nodes on real sockets have I/O workers that would keep the process alive.
  rt.stop();
  return report.failed === 0 && report.conservation.ok ? 0 : 1;
}

function trace(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', short: 'j' }, hex: { type: 'string' }, pcap: { type: 'string' } } });
  const [file, port, spec] = positionals;
  if (file === undefined || port === undefined) throw new UsageError('trace: expected FILE PORT SPEC, or FILE PORT --hex HEX');
  const model = loadLabFile(file);
  // `vnet trace FILE BRIDGE ...` on an OpenFlow switch is ofproto/trace (`vnet ofctl FILE BRIDGE trace ...`).
  if (model.nodes[port]?.kind === 'openflow-switch') {
    const rest = [...argv];
    rest.splice(rest.indexOf(file), 1);
    rest.splice(rest.indexOf(port), 1);
    return ofctlCommand([file, port, 'trace', ...rest], print, printErr);
  }
  if (values.pcap !== undefined) throw new UsageError('trace: --pcap traces through an openflow-switch node: vnet trace FILE BRIDGE [PORT] --pcap CAPTURE');
  if ((spec === undefined) === (values.hex === undefined)) throw new UsageError('trace: expected FILE PORT SPEC, or FILE PORT --hex HEX');
  const rt = new LabRuntime(model);
  const bytes = values.hex !== undefined ? parseHex(values.hex) : encodePacket(spec!);
  const steps = rt.trace(port, bytes);
  if (values.json) print(JSON.stringify({ port, packet: decodePacket(bytes), steps }, null, 2));
  else print(renderTrace(port, steps, decodeText(bytes)));
  return 0;
}

function decode(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', short: 'j' } } });
  if (positionals.length === 0) throw new UsageError('decode: expected HEX (or - for stdin)');
  const text = positionals[0] === '-' ? readFileSync(0, 'utf8') : positionals.join('');
  const bytes = parseHex(text);
  if (values.json) print(JSON.stringify(decodePacket(bytes), null, 2));
  else print(decodeText(bytes));
  return 0;
}

function encode(argv: string[]): number {
  if (argv.length === 0) throw new UsageError('encode: expected a packet SPEC');
  print(toHex(encodePacket(argv.join(' '))));
  return 0;
}

function print(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}

function printErr(s: string): void {
  process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);
}

// `vnet ... | head` closes the pipe early: the rest of the output is dropped quietly, as other
// Unix tools do, and the command still finishes (a lab up still cleans up what it made).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

try {
  const code = main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (e) {
  if (e instanceof LabFileError) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  } else if (e instanceof UsageError) {
    process.stderr.write(`vnet: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`vnet: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
