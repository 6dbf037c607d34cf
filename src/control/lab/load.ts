/**
 * Loads and validates a lab file.
 *
 * Every problem is reported as `file:line:col: path: message`, where path names the field
 * (`topology.nodes.h1.interfaces.eth0.ip`), so a user can go straight to it. All problems of a
 * file are collected before failing, not just the first.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { BridgeNodeModel, BridgePortModel, CheckModel, HostInterfaceModel, HostNodeModel, LabModel, LinkModel, NodeModel } from './model.js';

export interface LabProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
}

export class LabFileError extends Error {
  readonly problems: readonly LabProblem[];
  constructor(problems: readonly LabProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'LabFileError';
    this.problems = problems;
  }
}

export function formatProblem(p: LabProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}

/** Fields containerlab defines that vnet accepts and ignores, so containerlab files load. */
const CONTAINERLAB_NODE_FIELDS = new Set(['image', 'cmd', 'binds', 'env', 'labels', 'mgmt-ipv4', 'mgmt-ipv6', 'exec', 'group', 'type', 'startup-config', 'ports', 'kind']);
const NODE_KIND_ALIASES: Record<string, 'bridge' | 'host'> = { bridge: 'bridge', 'linux-bridge': 'bridge', host: 'host', linux: 'host' };

type Path = (string | number)[];

class Validator {
  readonly problems: LabProblem[] = [];
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #file: string;

  constructor(file: string, doc: Document, lines: LineCounter) {
    this.#file = file;
    this.#doc = doc;
    this.#lines = lines;
  }

  fail(path: Path, message: string, keyOnly = false): void {
    let node = this.#doc.getIn(path, true);
    // Point at the key for a missing or unknown field: walk up to the parent map.
    let offset: number | undefined;
    if (isNode(node) && node.range && !keyOnly) offset = node.range[0];
    if (offset === undefined) {
      for (let n = path.length - 1; n >= 0 && offset === undefined; n--) {
        node = this.#doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) {
          const parent = node as unknown as { items?: { key?: { range?: [number, number, number]; value?: unknown } }[] };
          const key = path[n];
          const item = parent.items?.find((i) => (i.key as { value?: unknown } | undefined)?.value === key);
          offset = item?.key?.range?.[0] ?? node.range[0];
        }
      }
    }
    const pos = offset === undefined ? { line: 1, col: 1 } : this.#lines.linePos(offset);
    this.problems.push({ file: this.#file, line: pos.line, col: pos.col, path: path.map(String).join('.'), message });
  }

  object(v: unknown, path: Path): Record<string, unknown> | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.fail(path, `must be a mapping, got ${describe(v)}`);
      return undefined;
    }
    return v as Record<string, unknown>;
  }

  allowOnly(obj: Record<string, unknown>, path: Path, allowed: readonly string[], ignored: ReadonlySet<string> = new Set()): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k) && !ignored.has(k)) this.fail([...path, k], `unknown field (expected one of: ${allowed.join(', ')})`, true);
    }
  }

  string(v: unknown, path: Path): string | undefined {
    if (typeof v !== 'string' || v === '') {
      this.fail(path, `must be a non-empty string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  int(v: unknown, path: Path, min: number, max: number): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(path, `must be an integer from ${min} to ${max}, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  bool(v: unknown, path: Path): boolean | undefined {
    if (typeof v !== 'boolean') {
      this.fail(path, `must be true or false, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  vlanList(v: unknown, path: Path): number[] | undefined {
    if (typeof v === 'number') v = [v];
    if (!Array.isArray(v)) {
      this.fail(path, `must be a list of VLAN ids, got ${describe(v)}`);
      return undefined;
    }
    const out: number[] = [];
    v.forEach((x, i) => {
      const n = this.int(x, [...path, i], 1, 4094);
      if (n !== undefined) out.push(n);
    });
    return out;
  }

  cidr(v: unknown, path: Path): string | undefined {
    const s = this.string(v, path);
    if (s === undefined) return undefined;
    if (!isCidr(s)) {
      this.fail(path, `${JSON.stringify(s)} is not an IPv4 address with prefix length, like 10.0.0.1/24`);
      return undefined;
    }
    return s;
  }

  ip(v: unknown, path: Path): string | undefined {
    const s = this.string(v, path);
    if (s === undefined) return undefined;
    if (!isIpv4(s)) {
      this.fail(path, `${JSON.stringify(s)} is not an IPv4 address`);
      return undefined;
    }
    return s;
  }

  mac(v: unknown, path: Path): string | undefined {
    const s = this.string(v, path);
    if (s === undefined) return undefined;
    if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) {
      this.fail(path, `${JSON.stringify(s)} is not a MAC address like 02:00:00:00:00:01`);
      return undefined;
    }
    if ((parseInt(s.slice(0, 2), 16) & 1) === 1) {
      this.fail(path, `${s} is a multicast address; an interface needs a unicast MAC`);
      return undefined;
    }
    return s.toLowerCase();
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

export function isIpv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}

export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const len = s.slice(slash + 1);
  return isIpv4(s.slice(0, slash)) && /^\d{1,2}$/.test(len) && Number(len) <= 32;
}

/** Reads and validates a lab file; throws LabFileError listing every problem. */
export function loadLabFile(path: string): LabModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LabFileError([{ file: path, line: 1, col: 1, path: '', message: `cannot read: ${(e as Error).message}` }]);
  }
  return parseLab(text, path);
}

/** Validates lab file text; `file` is used in messages. */
export function parseLab(text: string, file = '<lab>'): LabModel {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const shortFile = file;
  if (doc.errors.length > 0) {
    throw new LabFileError(doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file: shortFile, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
    }));
  }
  const v = new Validator(shortFile, doc, lines);
  const root = v.object(doc.toJS(), []);
  if (root === undefined) throw new LabFileError(v.problems);
  v.allowOnly(root, [], ['name', 'topology', 'checks'], new Set(['prefix', 'mgmt']));
  const name = root.name === undefined ? basename(file).replace(/\.(clab\.)?ya?ml$/, '') : v.string(root.name, ['name']) ?? 'lab';
  const topo = v.object(root.topology, ['topology']) ?? {};
  v.allowOnly(topo, ['topology'], ['nodes', 'links'], new Set(['kinds', 'defaults']));
  const nodes: Record<string, NodeModel> = {};
  const rawNodes = v.object(topo.nodes, ['topology', 'nodes']) ?? {};
  for (const [nodeName, raw] of Object.entries(rawNodes)) {
    const path: Path = ['topology', 'nodes', nodeName];
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(nodeName)) v.fail(path, 'node names start with a letter and hold letters, digits, _ and -', true);
    const node = v.object(raw, path);
    if (node === undefined) continue;
    const kindName = v.string(node.kind, [...path, 'kind']);
    if (kindName === undefined) continue;
    const kind = NODE_KIND_ALIASES[kindName];
    if (kind === undefined) {
      v.fail([...path, 'kind'], `unknown kind ${JSON.stringify(kindName)} (known: ${Object.keys(NODE_KIND_ALIASES).join(', ')})`);
      continue;
    }
    if (kind === 'bridge') nodes[nodeName] = bridgeNode(v, node, path);
    else nodes[nodeName] = hostNode(v, node, path);
  }
  const links: LinkModel[] = [];
  const used = new Map<string, number>();
  const rawLinks = topo.links === undefined ? [] : topo.links;
  if (!Array.isArray(rawLinks)) v.fail(['topology', 'links'], `must be a list, got ${describe(rawLinks)}`);
  else rawLinks.forEach((raw, i) => {
    const path: Path = ['topology', 'links', i];
    const l = v.object(raw, path);
    if (l === undefined) return;
    v.allowOnly(l, path, ['endpoints', 'mtu'], new Set(['vars', 'labels']));
    const eps = l.endpoints;
    if (!Array.isArray(eps) || eps.length !== 2) {
      v.fail([...path, 'endpoints'], 'must be a list of two "node:iface" strings');
      return;
    }
    const parsed = eps.map((e, j) => {
      const s = v.string(e, [...path, 'endpoints', j]);
      if (s === undefined) return undefined;
      const m = /^([^:]+):(.+)$/.exec(s);
      if (!m) {
        v.fail([...path, 'endpoints', j], `${JSON.stringify(s)} is not "node:iface"`);
        return undefined;
      }
      const [, node, iface] = m as unknown as [string, string, string];
      if (nodes[node] === undefined && rawNodes[node] === undefined) {
        v.fail([...path, 'endpoints', j], `unknown node ${JSON.stringify(node)}`);
        return undefined;
      }
      const key = `${node}:${iface}`;
      if (used.has(key)) {
        v.fail([...path, 'endpoints', j], `${key} is already used by link ${used.get(key)}`);
        return undefined;
      }
      used.set(key, i);
      const n = nodes[node];
      if (n?.kind === 'host' && n.interfaces[iface]?.vlan !== undefined && n.interfaces[iface]?.parent !== iface) {
        v.fail([...path, 'endpoints', j], `${key} is a VLAN sub-interface; link its parent ${n.interfaces[iface]?.parent}`);
      }
      return { node, iface };
    });
    const mtu = l.mtu === undefined ? undefined : v.int(l.mtu, [...path, 'mtu'], 68, 65535);
    if (parsed[0] && parsed[1]) links.push({ a: parsed[0], b: parsed[1], ...(mtu !== undefined ? { mtu } : {}) });
  });
  // Every host interface that carries frames must be linked.
  for (const [nodeName, n] of Object.entries(nodes)) {
    if (n.kind !== 'host') continue;
    for (const [iface, cfg] of Object.entries(n.interfaces)) {
      const port = cfg.parent ?? iface;
      if (!used.has(`${nodeName}:${port}`)) v.fail(['topology', 'nodes', nodeName, 'interfaces', iface], `${nodeName}:${port} is not connected by any link`);
    }
  }
  const checks = parseChecks(v, root.checks, nodes);
  if (v.problems.length > 0) throw new LabFileError(v.problems);
  return { name, file, nodes, links, checks };
}

function bridgeNode(v: Validator, node: Record<string, unknown>, path: Path): BridgeNodeModel {
  v.allowOnly(node, path, ['kind', 'ports', 'vlan_filtering', 'ageing_time', 'fdb_max', 'static_fdb'], CONTAINERLAB_NODE_FIELDS);
  const ports: Record<string, BridgePortModel> = {};
  let anyVlan = false;
  const rawPorts = node.ports === undefined ? {} : v.object(node.ports, [...path, 'ports']) ?? {};
  for (const [portName, raw] of Object.entries(rawPorts)) {
    const pp: Path = [...path, 'ports', portName];
    const p = raw === null ? {} : v.object(raw, pp);
    if (p === undefined) continue;
    v.allowOnly(p, pp, ['pvid', 'untagged', 'tagged', 'learning', 'flood', 'hairpin']);
    const port: { -readonly [K in keyof BridgePortModel]: BridgePortModel[K] } = {};
    if (p.pvid !== undefined) { port.pvid = v.int(p.pvid, [...pp, 'pvid'], 1, 4094); anyVlan = true; }
    if (p.untagged !== undefined) { port.untagged = v.vlanList(p.untagged, [...pp, 'untagged']); anyVlan = true; }
    if (p.tagged !== undefined) { port.tagged = v.vlanList(p.tagged, [...pp, 'tagged']); anyVlan = true; }
    if (p.learning !== undefined) port.learning = v.bool(p.learning, [...pp, 'learning']);
    if (p.flood !== undefined) port.flood = v.bool(p.flood, [...pp, 'flood']);
    if (p.hairpin !== undefined) port.hairpin = v.bool(p.hairpin, [...pp, 'hairpin']);
    ports[portName] = port;
  }
  const vlanFiltering = node.vlan_filtering === undefined ? anyVlan : v.bool(node.vlan_filtering, [...path, 'vlan_filtering']) ?? false;
  const staticFdb: { mac: string; port: string; vlan?: number }[] = [];
  if (node.static_fdb !== undefined) {
    if (!Array.isArray(node.static_fdb)) v.fail([...path, 'static_fdb'], 'must be a list of { mac, port, vlan? }');
    else node.static_fdb.forEach((raw, i) => {
      const sp: Path = [...path, 'static_fdb', i];
      const e = v.object(raw, sp);
      if (e === undefined) return;
      v.allowOnly(e, sp, ['mac', 'port', 'vlan']);
      const mac = v.mac(e.mac, [...sp, 'mac']);
      const port = v.string(e.port, [...sp, 'port']);
      const vlan = e.vlan === undefined ? undefined : v.int(e.vlan, [...sp, 'vlan'], 1, 4094);
      if (mac && port) staticFdb.push({ mac, port, ...(vlan !== undefined ? { vlan } : {}) });
    });
  }
  return {
    kind: 'bridge',
    vlanFiltering,
    ports,
    staticFdb,
    ...(node.ageing_time !== undefined ? { ageingTime: v.int(node.ageing_time, [...path, 'ageing_time'], 0, 1_000_000) } : {}),
    ...(node.fdb_max !== undefined ? { fdbMax: v.int(node.fdb_max, [...path, 'fdb_max'], 1, 1 << 24) } : {}),
  };
}

function hostNode(v: Validator, node: Record<string, unknown>, path: Path): HostNodeModel {
  v.allowOnly(node, path, ['kind', 'interfaces', 'gateway', 'routes'], CONTAINERLAB_NODE_FIELDS);
  const interfaces: Record<string, HostInterfaceModel> = {};
  const rawIfs = node.interfaces === undefined ? {} : v.object(node.interfaces, [...path, 'interfaces']) ?? {};
  for (const [ifName, raw] of Object.entries(rawIfs)) {
    const ip: Path = [...path, 'interfaces', ifName];
    if (!/^[A-Za-z][A-Za-z0-9_-]*(\.\d+)?$/.test(ifName)) v.fail(ip, 'interface names look like eth0 or eth0.10', true);
    const i = raw === null ? {} : v.object(raw, ip);
    if (i === undefined) continue;
    v.allowOnly(i, ip, ['ip', 'ips', 'mac', 'vlan', 'parent', 'mtu']);
    const ips: string[] = [];
    if (i.ip !== undefined) { const c = v.cidr(i.ip, [...ip, 'ip']); if (c) ips.push(c); }
    if (i.ips !== undefined) {
      if (!Array.isArray(i.ips)) v.fail([...ip, 'ips'], 'must be a list of addresses like 10.0.0.1/24');
      else i.ips.forEach((x, k) => { const c = v.cidr(x, [...ip, 'ips', k]); if (c) ips.push(c); });
    }
    const dot = /^(.+)\.(\d+)$/.exec(ifName);
    let vlan = i.vlan === undefined ? undefined : v.int(i.vlan, [...ip, 'vlan'], 1, 4094);
    let parent = i.parent === undefined ? undefined : v.string(i.parent, [...ip, 'parent']);
    if (dot && vlan === undefined && parent === undefined) {
      vlan = Number(dot[2]);
      parent = dot[1];
      if (vlan < 1 || vlan > 4094) v.fail(ip, `VLAN ${vlan} in the interface name is outside 1..4094`, true);
    }
    if (parent !== undefined && vlan === undefined) v.fail([...ip, 'parent'], 'a parent is only meaningful with a vlan');
    if (vlan !== undefined && parent === undefined) parent = ifName; // tagged frames on this port itself
    if (parent !== undefined && parent !== ifName && rawIfs[parent] !== undefined) {
      const parentCfg = rawIfs[parent] as Record<string, unknown> | null;
      if (parentCfg && parentCfg.vlan !== undefined) v.fail([...ip, 'parent'], `${parent} is itself a VLAN interface`);
    }
    interfaces[ifName] = {
      ips,
      ...(i.mac !== undefined ? { mac: v.mac(i.mac, [...ip, 'mac']) } : {}),
      ...(vlan !== undefined ? { vlan } : {}),
      ...(parent !== undefined ? { parent } : {}),
      ...(i.mtu !== undefined ? { mtu: v.int(i.mtu, [...ip, 'mtu'], 68, 65535) } : {}),
    };
  }
  const gateway = node.gateway === undefined ? undefined : v.ip(node.gateway, [...path, 'gateway']);
  const routes: { dst: string; via?: string; dev?: string }[] = [];
  if (node.routes !== undefined) {
    if (!Array.isArray(node.routes)) v.fail([...path, 'routes'], 'must be a list of { dst, via?, dev? }');
    else node.routes.forEach((raw, k) => {
      const rp: Path = [...path, 'routes', k];
      const r = v.object(raw, rp);
      if (r === undefined) return;
      v.allowOnly(r, rp, ['dst', 'via', 'dev']);
      const dst = r.dst === 'default' ? 'default' : v.cidr(r.dst, [...rp, 'dst']);
      const via = r.via === undefined ? undefined : v.ip(r.via, [...rp, 'via']);
      const dev = r.dev === undefined ? undefined : v.string(r.dev, [...rp, 'dev']);
      if (dev !== undefined && interfaces[dev] === undefined) v.fail([...rp, 'dev'], `no interface ${dev} on this host`);
      if (via === undefined && dev === undefined) v.fail(rp, 'a route needs via or dev');
      if (dst) routes.push({ dst, ...(via ? { via } : {}), ...(dev ? { dev } : {}) });
    });
  }
  return { kind: 'host', interfaces, routes, ...(gateway ? { gateway } : {}) };
}

function parseChecks(v: Validator, raw: unknown, nodes: Record<string, NodeModel>): CheckModel[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    v.fail(['checks'], 'must be a list');
    return [];
  }
  const checks: CheckModel[] = [];
  const host = (x: unknown, path: Path): string | undefined => {
    const s = v.string(x, path);
    if (s === undefined) return undefined;
    if (nodes[s]?.kind !== 'host') {
      v.fail(path, `${JSON.stringify(s)} is not a host of this lab`);
      return undefined;
    }
    return s;
  };
  const expect = (x: unknown, path: Path): 'success' | 'failure' | undefined => {
    if (x === undefined) return 'success';
    if (x === 'success' || x === 'failure') return x;
    v.fail(path, `must be success or failure, got ${describe(x)}`);
    return undefined;
  };
  raw.forEach((c, i) => {
    const path: Path = ['checks', i];
    if (c === 'pingall') {
      checks.push({ kind: 'pingall', count: 1 });
      return;
    }
    const obj = v.object(c, path);
    if (obj === undefined) return;
    const keys = Object.keys(obj);
    if (keys.length !== 1) {
      v.fail(path, `a check is pingall, or a mapping with one of: pingall, ping, udp`);
      return;
    }
    const kind = keys[0]!;
    const body = obj[kind];
    if (kind === 'pingall') {
      const b = body === null ? {} : v.object(body, [...path, kind]);
      if (!b) return;
      v.allowOnly(b, [...path, kind], ['count']);
      const count = b.count === undefined ? 1 : v.int(b.count, [...path, kind, 'count'], 1, 100);
      if (count !== undefined) checks.push({ kind: 'pingall', count });
    } else if (kind === 'ping' || kind === 'udp') {
      const b = v.object(body, [...path, kind]);
      if (!b) return;
      const bp: Path = [...path, kind];
      v.allowOnly(b, bp, kind === 'ping' ? ['from', 'to', 'expect', 'count'] : ['from', 'to', 'port', 'expect']);
      const from = host(b.from, [...bp, 'from']);
      const to = v.ip(b.to, [...bp, 'to']);
      const ex = expect(b.expect, [...bp, 'expect']);
      if (kind === 'ping') {
        const count = b.count === undefined ? 1 : v.int(b.count, [...bp, 'count'], 1, 100);
        if (from && to && ex && count !== undefined) checks.push({ kind: 'ping', from, to, expect: ex, count });
      } else {
        const port = v.int(b.port, [...bp, 'port'], 1, 65535);
        if (from && to && ex && port !== undefined) checks.push({ kind: 'udp', from, to, port, expect: ex });
      }
    } else {
      v.fail([...path, kind], `unknown check (known: pingall, ping, udp)`, true);
    }
  });
  return checks;
}
