/**
 * `kind: openflow-switch` — an OpenFlow 1.3 switch with a multi-table pipeline, programmed with
 * flows in ovs-ofctl syntax.
 *
 *   br-tun:
 *     kind: openflow-switch
 *     flows: ["table=0,priority=1,in_port=1,actions=resubmit(,2)", ...]   # or
 *     flows_file: br-tun.flows           # one flow per line, relative to the lab file
 *     groups: ["group_id=1,type=select,bucket=output:1,bucket=output:2"]   # before the flows
 *     controller: tcp:127.0.0.1:6653     # kept in the model for the OpenFlow channel
 *     listen: ptcp:6634
 *     datapath_id: "0x1"
 *     cache: true                        # fast path on (default)
 *
 * Ports are numbered 1, 2, ... in the order the node's links appear in the lab file; flows may
 * name them (in_port=patch-int, output:vxlan). The app (an `OpenFlowSwitch`, named after the
 * node) implements `OpenFlowSwitchApi`, which is what the OpenFlow channel attaches to.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Engine, Graph } from '../../../engine/engine.js';
import { OfctlSession } from '../../../netfns/openflow/ofctl/session.js';
import { flowKeyOfText, traceFlow, traceKey, type FlowTrace } from '../../../netfns/openflow/trace.js';
import { readCaptureFile } from '../../../capture/capture.js';
import { LINKTYPE_ETHERNET } from '../../../capture/pcapng.js';
import { OpenFlowSwitch, type OpenFlowSwitchConf } from '../../../netfns/openflow/switch.js';
import { OfctlError, parseFlow, parseGroup } from '../../../netfns/openflow/ofctl/parse.js';
import type { Endpoint, LabModel, NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';
import type { NodeKind } from './kind.js';

export interface OpenFlowSwitchNodeModel extends NodeModel {
  readonly kind: 'openflow-switch';
  readonly flows: readonly string[];
  /** Groups in ovs-ofctl add-group syntax, installed before the flows. */
  readonly groups: readonly string[];
  readonly flowsFile?: string;
  readonly controller?: string;
  readonly listen?: string;
  readonly datapathId?: string;
  readonly cache: boolean;
}

export function isOpenFlowSwitch(n: NodeModel | undefined): n is OpenFlowSwitchNodeModel {
  return n?.kind === 'openflow-switch';
}

/** The node's port names in OpenFlow port order (the order of the lab's links). */
export function openflowPorts(lab: Pick<LabModel, 'links'>, node: string): string[] {
  const out: string[] = [];
  for (const l of lab.links) {
    for (const e of [l.a, l.b]) if (e.node === node && !out.includes(e.iface)) out.push(e.iface);
  }
  return out;
}

/** Reads the flows of a node: inline flows, then the flows file (resolved next to the lab file). */
export function openflowFlows(model: OpenFlowSwitchNodeModel, labFile: string): string[] {
  const flows = [...model.flows];
  if (model.flowsFile !== undefined) {
    const file = resolve(dirname(labFile), model.flowsFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`${labFile}: flows_file ${model.flowsFile}: cannot read: ${(e as Error).message}`);
    }
    text.split('\n').forEach((raw) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (line !== '') flows.push(line);
    });
  }
  return flows;
}

const CONTROLLER_RE = /^(tcp|ssl|unix):.+$/;
const LISTEN_RE = /^(ptcp|pssl|punix):.+$/;

export const openflowSwitchKind: NodeKind<OpenFlowSwitchNodeModel> = {
  name: 'openflow-switch',
  aliases: ['ovs-bridge', 'openflow'],
  description: 'an OpenFlow 1.3 switch: multi-table pipeline, learn/resubmit, groups, megaflow cache, flows and groups in ovs-ofctl syntax',
  schemaProperties: {
    flows: { type: 'array', items: { type: 'string' }, description: 'flows in ovs-ofctl add-flow syntax' },
    flows_file: { type: 'string', description: 'a file of flows, one per line, relative to the lab file' },
    groups: { type: 'array', items: { type: 'string' }, description: 'groups in ovs-ofctl add-group syntax, installed before the flows' },
    controller: { type: 'string', pattern: '^(tcp|ssl|unix):.+$', description: 'controller to connect to, e.g. tcp:127.0.0.1:6653' },
    listen: { type: 'string', pattern: '^(ptcp|pssl|punix):.+$', description: 'passive OpenFlow listener, e.g. ptcp:6634' },
    datapath_id: { type: 'string', pattern: '^(0x[0-9a-fA-F]{1,16}|[0-9]+)$', description: 'datapath id (default 1)' },
    cache: { type: 'boolean', description: 'exact-match and megaflow caches in front of the pipeline (default true)' },
  },
  parse(v: Validator, node: Record<string, unknown>, path: Path): OpenFlowSwitchNodeModel {
    const strings = (key: 'flows' | 'groups', what: string): string[] => {
      const out: string[] = [];
      const list = node[key];
      if (list === undefined) return out;
      if (!Array.isArray(list)) v.fail([...path, key], `must be a list of ${what} in ovs-ofctl syntax`);
      else list.forEach((f, i) => {
        const s = v.string(f, [...path, key, i]);
        if (s !== undefined) out.push(s);
      });
      return out;
    };
    const flows = strings('flows', 'flows');
    const groups = strings('groups', 'groups');
    const str = (key: string, re?: RegExp, hint?: string): string | undefined => {
      if (node[key] === undefined) return undefined;
      const s = v.string(typeof node[key] === 'number' ? String(node[key]) : node[key], [...path, key]);
      if (s !== undefined && re !== undefined && !re.test(s)) v.fail([...path, key], `${JSON.stringify(s)} is not ${hint}`);
      return s;
    };
    const flowsFile = str('flows_file');
    const controller = str('controller', CONTROLLER_RE, 'a controller target like tcp:127.0.0.1:6653');
    const listen = str('listen', LISTEN_RE, 'a listener like ptcp:6634');
    const datapathId = str('datapath_id', /^(0x[0-9a-fA-F]{1,16}|[0-9]+)$/, 'a datapath id (decimal or 0x hex)');
    const cache = node.cache === undefined ? true : v.bool(node.cache, [...path, 'cache']) ?? true;
    return {
      kind: 'openflow-switch', flows, groups, cache,
      ...(flowsFile !== undefined ? { flowsFile } : {}),
      ...(controller !== undefined ? { controller } : {}),
      ...(listen !== undefined ? { listen } : {}),
      ...(datapathId !== undefined ? { datapathId } : {}),
    };
  },
  checkLinks(v: Validator, name: string, model: OpenFlowSwitchNodeModel, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[], path: Path): void {
    const ports: string[] = [];
    for (const l of links) if (!ports.includes(l.endpoint.iface)) ports.push(l.endpoint.iface);
    const portByName = (n: string) => (ports.includes(n) ? ports.indexOf(n) + 1 : undefined);
    model.flows.forEach((f, i) => {
      try {
        parseFlow(f, { actions: 'required', portByName });
      } catch (e) {
        v.fail([...path, 'flows', i], `${name}: ${(e as Error).message}`);
      }
    });
    model.groups.forEach((g, i) => {
      try {
        parseGroup(g, { portByName });
      } catch (e) {
        v.fail([...path, 'groups', i], `${name}: ${(e as Error).message}`);
      }
    });
  },
  build(graph: Graph, name: string, model: OpenFlowSwitchNodeModel, lab: LabModel): void {
    const conf: OpenFlowSwitchConf = {
      ports: openflowPorts(lab, name),
      flows: openflowFlows(model, lab.file),
      groups: model.groups,
      bridge: name,
      cache: model.cache,
      ...(model.datapathId !== undefined ? { datapathId: BigInt(model.datapathId) } : {}),
      ...(model.controller !== undefined ? { controller: model.controller } : {}),
      ...(model.listen !== undefined ? { listen: model.listen } : {}),
    };
    graph.app(name, OpenFlowSwitch, conf);
  },
};

/**
 * The apps of a lab by node name: an `Engine` running the lab alone, or a lab's share of a
 * daemon's engine with the app prefix taken off (`labApps`).
 */
export interface LabApps {
  readonly apps: ReadonlyMap<string, unknown>;
}

/** A lab's apps within an engine shared under app-name prefixes (`<lab>:<node>`), named by node. */
export function labApps(engine: Engine, prefix: string): LabApps {
  const apps = new Map<string, unknown>();
  for (const [name, app] of engine.apps) if (name.startsWith(prefix)) apps.set(name.slice(prefix.length), app);
  return { apps };
}

/** The ovs-ofctl session on an openflow-switch node of a running lab (for `vnet ofctl`). */
export function ofctlSession(engine: LabApps, node: string): OfctlSession {
  return new OfctlSession(switchNode(engine, node));
}

/** The openflow-switch app named `node`, or an error naming the lab's switches. */
function switchNode(engine: LabApps, node: string): OpenFlowSwitch {
  const app = engine.apps.get(node);
  if (app instanceof OpenFlowSwitch) return app;
  const switches = [...engine.apps].filter(([, a]) => a instanceof OpenFlowSwitch).map(([n]) => n);
  const known = switches.length === 0 ? 'it has none' : `its openflow-switch nodes: ${switches.join(', ')}`;
  throw new Error(`${node} is not an openflow-switch node of this lab (${known})`);
}

/** Traces a frame through an openflow-switch node in ofproto/trace layout. */
export function ofprotoTrace(engine: LabApps, node: string, frame: Uint8Array, inPort: string): FlowTrace {
  const app = switchNode(engine, node);
  return traceFlow(app, frame, switchPort(app, node, inPort));
}

/** Traces a flow written as ofproto/trace takes it (`in_port=vxlan,tun_id=0x64,arp,...`; see `flowKeyOfText`). */
export function ofprotoTraceText(engine: LabApps, node: string, flow: string): FlowTrace {
  const app = switchNode(engine, node);
  // A frame of this flow is at least the Ethernet minimum; the length only feeds counters.
  return traceKey(app, flowKeyOfText(flow, (name) => app.portNumber(name)), 60);
}

/** One frame of a capture file traced: its 1-based number in the file, the port it entered by, and its trace. */
export interface CapturedTrace {
  readonly packet: number;
  readonly length: number;
  readonly port: string;
  readonly trace: FlowTrace;
}

/**
 * Traces Ethernet frames of a pcap or pcapng file (`bytes`) through `node`. With `inPort`, every
 * frame, as if it entered on that port. Without, the frames the capture recorded entering `node`
 * (pcapng interface `node/PORT`, direction inbound, as `vnet lab run --capture` writes them),
 * each on its own port: the switch's traffic replayed. Other frames are skipped and counted; a
 * file that is cut short is traced as far as it reads, and `stopped` says why it stopped.
 */
export function ofprotoTraceCapture(engine: LabApps, node: string, bytes: Uint8Array, inPort: string | undefined): { traces: CapturedTrace[]; notEthernet: number; notEntering: number; stopped: string | null } {
  const app = switchNode(engine, node);
  const fixed = inPort === undefined ? null : switchPort(app, node, inPort);
  const file = readCaptureFile(bytes);
  if (file.format === 'unknown') throw new OfctlError('trace: the capture is neither pcap nor pcapng');
  if (inPort === undefined && file.format !== 'pcapng') throw new OfctlError('trace: a classic pcap file does not say which port a frame entered by: give PORT');
  const traces: CapturedTrace[] = [];
  let notEthernet = 0;
  let notEntering = 0;
  const prefix = `${node}/`;
  file.packets.forEach((p, i) => {
    if (p.linktype !== LINKTYPE_ETHERNET) {
      notEthernet++;
      return;
    }
    let portName = inPort;
    let port = fixed;
    if (port === null) {
      const own = p.port !== undefined && p.port.startsWith(prefix) && p.direction === 'inbound' ? p.port.slice(prefix.length) : undefined;
      port = own === undefined ? null : (app.portNumber(own) ?? null);
      portName = own;
    }
    if (port === null || portName === undefined) notEntering++;
    else traces.push({ packet: i + 1, length: p.data.length, port: portName, trace: traceFlow(app, p.data, port, p.tunnelId) });
  });
  return { traces, notEthernet, notEntering, stopped: file.error === null ? null : `${file.error.reason} at byte ${file.error.offset}` };
}

function switchPort(app: OpenFlowSwitch, node: string, inPort: string): number {
  const port = app.portNumber(inPort) ?? (/^\d+$/.test(inPort) ? Number(inPort) : undefined);
  if (port === undefined) throw new Error(`${node} has no port ${inPort} (ports: ${app.ports().join(', ')})`);
  return port;
}

export { OfctlError } from '../../../netfns/openflow/ofctl/parse.js';
export type { FlowTrace } from '../../../netfns/openflow/trace.js';
