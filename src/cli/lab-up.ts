/**
 * `vnet lab up FILE` and `vnet lab down FILE`: keep a lab running on the wall clock, with the
 * OpenFlow channel of every openflow-switch node listening (`listen: ptcp:6653`) or connecting
 * (`controller: tcp:HOST:PORT`), until Ctrl-C or `lab down`.
 *
 * The engine's clock stays the lab's virtual clock, moved forward to real elapsed time before
 * every breath, so timers and per-hop latency keep their meaning. The loop is the real labs'
 * `RealLoop` (src/real/loop.ts): it breathes while packets move, yielding to I/O between bursts
 * of breaths (OpenFlow messages are handled between two breaths, never during one), and sleeps
 * up to IDLE_MS when nothing is due, or until a node on a real socket (a VTEP with a UDP
 * underlay) rings the doorbell because datagrams arrived.
 * `lab up` writes a state file keyed by the lab name in the temp directory; `lab down` reads
 * the pid from it and sends SIGTERM, and `lab up` removes it on the way out.
 *
 * Control socket: `lab up` also listens on a Unix socket (the state file's `control`, beside it)
 * so `vnet ofctl FILE BRIDGE ...` acts on the live switches. Newline-delimited JSON, one reply
 * per request: `{"op":"ofctl","bridge":B,"args":[COMMAND,...ARGS,flags]}` ->
 * `{"ok":bool,"text":STDOUT,"error"?:STDERR,"code":EXIT}`; the command is `ofctlOnLab`, the
 * same code the offline `vnet ofctl` runs, so text and exit codes match (details in
 * src/control/openflow/lab-control.ts). A request runs between two breaths.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadLabFile } from '../control/lab/load.js';
import { LabRuntime } from '../control/lab/runtime.js';
import { RealLoop } from '../real/loop.js';
import type { VhostUserPort } from '../nics/vhost-user/port.js';
import { Stat } from '../nics/vhost-user/shared.js';
import { countOf } from './render.js';
import type { UdpUnderlay } from '../real/vxlan-udp.js';
import { isVtep, udpUnderlaySummary } from '../control/lab/kinds/vtep.js';
import { startLabChannels, type LabChannelDesc } from '../control/openflow/lab-channels.js';
import { LabControlServer, labControlPath, labStatePath } from '../control/openflow/lab-control.js';
import { ofctlReply } from './ofctl.js';

const IDLE_MS = 5;

interface LabState {
  readonly pid: number;
  readonly lab: string;
  readonly file: string;
  readonly started: string;
  /** The control socket (see the header). */
  readonly control: string;
  readonly openflow: readonly LabChannelDesc[];
}

export { labStatePath };

/** `lab up` / `lab down`; `up` runs until stopped and sets the exit code itself (returns -1). */
export function labUpDown(sub: 'up' | 'down', file: string, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const model = loadLabFile(file);
  const statePath = labStatePath(model.name);
  if (sub === 'down') {
    if (!existsSync(statePath)) throw new Error(`lab ${model.name} is not up (no ${statePath})`);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as LabState;
    try {
      process.kill(state.pid, 'SIGTERM');
    } catch {
      rmSync(statePath, { force: true });
      out(`lab ${model.name}: process ${state.pid} was already gone; state file removed`);
      return 0;
    }
    out(`lab ${model.name}: stopping (pid ${state.pid})`);
    return 0;
  }
  if (existsSync(statePath)) {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as LabState;
    let alive = true;
    try {
      process.kill(state.pid, 0);
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`lab ${model.name} is already up (pid ${state.pid}); run: vnet lab down ${file}`);
  }
  void runLab(model, file, statePath, out).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      rmSync(statePath, { force: true });
      process.stderr.write(`vnet: lab up: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
  return -1;
}

async function runLab(model: ReturnType<typeof loadLabFile>, file: string, statePath: string, out: (line: string) => void): Promise<number> {
  const doorbell = new SharedArrayBuffer(4);
  const rt = new LabRuntime(model, { clock: 'driven', doorbell });
  const openflow = await startLabChannels(model, rt.engine, out);
  const control = await LabControlServer.listen(labControlPath(model.name), (req) => ofctlReply(rt, req));
  const state: LabState = { pid: process.pid, lab: model.name, file, started: new Date().toISOString(), control: control.path, openflow: openflow.described };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  out(`lab ${model.name} is up: ${countOf(Object.keys(model.nodes).length, 'node')}, ${countOf(model.links.length, 'link')}, ${countOf(openflow.channels.length, 'OpenFlow channel')} (pid ${process.pid}; stop with Ctrl-C or vnet lab down ${file})`);
  const vhostUser: [string, VhostUserPort][] = [];
  for (const [name, node] of Object.entries(model.nodes)) {
    if (isVtep(node) && node.underlay.udp !== undefined) out(`${name}: ${udpUnderlaySummary(node, rt.engine.app<UdpUnderlay>(`${name}/udp`).port)}`);
    if (node.kind === 'vhost-user') {
      const port = rt.engine.app<VhostUserPort>(name);
      vhostUser.push([name, port]);
      await port.ready;
      out(`${name}: vhost-user socket ${port.conf.socket}, rings served ${port.placement === 'inline' ? 'by the engine thread' : 'by a ring worker thread'} (a front-end connects with --vdev net_virtio_user0,path=${port.conf.socket})`);
    }
  }

  const loop = new RealLoop(rt.engine, { idleMs: IDLE_MS, spinUs: 0, doorbell });
  loop.start();
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await stopped;
  await loop.stop();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  await Promise.all([control.close(), openflow.stop()]);
  rt.stop();
  for (const [name, port] of vhostUser) {
    await port.close();
    const drops = Object.entries(port.workerDrops()).filter(([, n]) => n > 0).map(([reason, n]) => `${reason} ${n}`);
    out(`${name}: ${port.stat(Stat.FramesFromGuest)} frames from the front-end, ${port.stat(Stat.FramesToGuest)} to it, ${port.stat(Stat.Connections)} connections${drops.length > 0 ? `, drops: ${drops.join(', ')}` : ''}`);
  }
  rmSync(statePath, { force: true });
  out(`lab ${model.name} is down`);
  return 0;
}
