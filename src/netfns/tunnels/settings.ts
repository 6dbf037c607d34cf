/**
 * Configuration of an overlay endpoint (a VXLAN VTEP or a GRE tunnel endpoint), as given by a
 * user or a control plane, and its validation into plain numbers for the data path.
 *
 * A tenant segment is named by its VNI (VXLAN) or its key (GRE); the same shape serves both,
 * with the field called `vni` or `key`. Every problem throws an Error naming the endpoint and
 * the field, before any state changes.
 */
import { parseCidr, parseIpv4Addr, prefixMask } from '../../wire/ipv4-addr.js';
import { isMulticast, parseMac } from '../../wire/mac.js';

/**
 * An access port's membership: frames with this VLAN (untagged when absent) belong to the segment.
 * `flow` (OVS `options:key=flow`) binds the port to every segment of the flood lists, the frame's
 * `tunnelId` metadata naming the segment both ways: read on encapsulation, set on delivery.
 */
export interface OverlayPortBinding {
  /** VXLAN network identifier (VXLAN endpoints), or `flow`. */
  readonly vni?: number | 'flow';
  /** GRE key (GRE endpoints), or `flow`. */
  readonly key?: number | 'flow';
  /** 802.1Q VLAN id on a trunk port; absent for untagged frames. */
  readonly vlan?: number;
  /** GRE only: `ethernet` (gretap, protocol 0x6558, the default) or `ip` (IPv4 over GRE, 0x0800). */
  readonly payload?: 'ethernet' | 'ip';
}

export interface UnderlayConf {
  /** Port name of the underlay side (default `underlay`). */
  readonly port?: string;
  /** The endpoint's underlay address with prefix length, e.g. 192.168.0.1/24. */
  readonly ip: string;
  /** Underlay MAC (default 0e:00 followed by the four octets of the underlay address). */
  readonly mac?: string;
  /** Next hop for remote endpoints outside the underlay prefix. */
  readonly gateway?: string;
  /** Underlay L3 MTU (default 1500); the overlay MTU is this minus the encapsulation. */
  readonly mtu?: number;
  /** Static underlay neighbours (IP -> MAC): never resolved by ARP, never moved. */
  readonly neighbours?: Readonly<Record<string, string>>;
}

export interface OverlayStaticEntry {
  readonly vni?: number;
  readonly key?: number;
  readonly mac: string;
  /** Underlay IP of the remote endpoint behind which `mac` lives. */
  readonly remote: string;
}

export interface OverlayConf {
  readonly underlay: UnderlayConf;
  /** Access ports: port name -> segment number, one binding, or a list of VLAN bindings (a trunk). */
  readonly ports: Readonly<Record<string, number | OverlayPortBinding | readonly OverlayPortBinding[]>>;
  /** Per segment (VNI or key, as a string key), the remote endpoints: head-end replication list and who may use the segment. */
  readonly flood?: Readonly<Record<string, readonly string[]>>;
  /** Learn inner source MACs from decapsulated traffic (default true). */
  readonly learning?: boolean;
  /** FDB entries installed by a control plane: never aged, never moved. */
  readonly static?: readonly OverlayStaticEntry[];
  /** ARP suppression: per segment, IP -> MAC answered locally instead of flooding the request. */
  readonly arpSuppress?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** FDB bound (default 4096 entries over all segments). */
  readonly fdbMax?: number;
  /** Seconds a learned FDB entry lives (default 300). */
  readonly ageingTime?: number;
  /** Frames waiting for underlay ARP, at most (default 64). */
  readonly pendingMax?: number;
}

export interface Binding {
  readonly segment: number;
  /** 0 for untagged. */
  readonly vlan: number;
}

/** The validated configuration, in numbers. */
export interface OverlaySettings {
  readonly underlayPort: string;
  readonly ip: number;
  readonly prefixLen: number;
  readonly mac: number;
  /** 0 when there is none. */
  readonly gateway: number;
  readonly mtu: number;
  readonly neighbours: ReadonlyMap<number, number>;
  /** Access port name -> its bindings (a flow port: one per flood-list segment, VLAN 0). */
  readonly ports: ReadonlyMap<string, readonly Binding[]>;
  /** Access ports whose segment is the frame's `tunnelId` (`flow` bindings). */
  readonly flowPorts: ReadonlySet<string>;
  /** Segment ids (VNI or key) in first-seen order; the index is the segment's number in the data path. */
  readonly segments: readonly number[];
  /** Segment id -> `ip` for IP-over-GRE segments. */
  readonly segmentPayload: ReadonlyMap<number, 'ethernet' | 'ip'>;
  /** Segment id -> remote underlay IPs. */
  readonly flood: ReadonlyMap<number, readonly number[]>;
  readonly learning: boolean;
  readonly statics: readonly { readonly segment: number; readonly mac: number; readonly remote: number }[];
  readonly arpSuppress: ReadonlyMap<number, ReadonlyMap<number, number>>;
  readonly fdbMax: number;
  readonly ageingTime: number;
  readonly pendingMax: number;
}

/** Most segments one endpoint serves (the FDB keys a segment in 12 bits). */
export const MAX_SEGMENTS = 4095;

export function resolveOverlayConf(who: string, field: 'vni' | 'key', conf: OverlayConf): OverlaySettings {
  const fail = (where: string, msg: string): never => {
    throw new Error(`${who}: ${where}: ${msg}`);
  };
  const maxId = field === 'vni' ? 0xffffff : 0xffffffff;
  const segmentId = (v: unknown, where: string): number => {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > maxId) fail(where, `${field} must be an integer 0..${maxId}, got ${JSON.stringify(v)}`);
    return n as number;
  };
  const ip = (v: unknown, where: string): number => {
    if (typeof v !== 'string') return fail(where, `expected an IPv4 address, got ${JSON.stringify(v)}`);
    try {
      return parseIpv4Addr(v);
    } catch (e) {
      return fail(where, (e as Error).message);
    }
  };
  const mac = (v: unknown, where: string): number => {
    if (typeof v !== 'string') return fail(where, `expected a MAC address, got ${JSON.stringify(v)}`);
    let m: number;
    try {
      m = parseMac(v);
    } catch (e) {
      return fail(where, (e as Error).message);
    }
    if (isMulticast(m)) fail(where, `${v} is a group address`);
    return m;
  };
  if (typeof conf !== 'object' || conf === null) fail('conf', 'expected an object');
  const u = conf.underlay;
  if (typeof u !== 'object' || u === null) fail('underlay', 'expected { ip, mac?, gateway?, mtu?, neighbours? }');
  let cidr: { addr: number; prefixLen: number };
  try {
    cidr = parseCidr(String(u.ip));
  } catch (e) {
    return fail('underlay.ip', (e as Error).message);
  }
  const underlayMac = u.mac === undefined ? 0x0e00 * 2 ** 32 + cidr.addr : mac(u.mac, 'underlay.mac');
  const gateway = u.gateway === undefined ? 0 : ip(u.gateway, 'underlay.gateway');
  if (gateway !== 0 && ((gateway ^ cidr.addr) & prefixMask(cidr.prefixLen)) !== 0) fail('underlay.gateway', `${u.gateway} is outside ${u.ip}`);
  const mtu = u.mtu ?? 1500;
  if (!Number.isInteger(mtu) || mtu < 128 || mtu > 65535) fail('underlay.mtu', `must be an integer 128..65535, got ${JSON.stringify(u.mtu)}`);
  const neighbours = new Map<number, number>();
  for (const [k, v] of Object.entries(u.neighbours ?? {})) neighbours.set(ip(k, `underlay.neighbours.${k}`), mac(v, `underlay.neighbours.${k}`));
  const underlayPort = u.port ?? 'underlay';

  const segments: number[] = [];
  const segmentPayload = new Map<number, 'ethernet' | 'ip'>();
  const addSegment = (id: number): void => {
    if (!segments.includes(id)) segments.push(id);
  };
  const ports = new Map<string, Binding[]>();
  const flowPorts = new Set<string>();
  if (typeof conf.ports !== 'object' || conf.ports === null) fail('ports', 'expected a mapping of access port -> segment');
  for (const [name, raw] of Object.entries(conf.ports)) {
    if (name === underlayPort) fail(`ports.${name}`, 'is the underlay port');
    const list: unknown[] = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) fail(`ports.${name}`, 'needs at least one binding');
    const bindings: Binding[] = [];
    list.forEach((b, i) => {
      const where = Array.isArray(raw) ? `ports.${name}[${i}]` : `ports.${name}`;
      let id: number;
      let vlan = 0;
      if (typeof b === 'number') id = segmentId(b, where);
      else if (typeof b === 'object' && b !== null) {
        const o = b as OverlayPortBinding;
        if (o[field] === 'flow') {
          if (list.length !== 1 || o.vlan !== undefined || o.payload !== undefined) fail(where, `a ${field}: flow binding is the port's only one, without vlan or payload`);
          flowPorts.add(name);
          return;
        }
        id = segmentId(o[field], `${where}.${field}`);
        if (o.vlan !== undefined) {
          if (!Number.isInteger(o.vlan) || o.vlan < 1 || o.vlan > 4094) fail(`${where}.vlan`, `must be 1..4094, got ${JSON.stringify(o.vlan)}`);
          vlan = o.vlan;
        }
        if (o.payload !== undefined) {
          if (field !== 'key') fail(`${where}.payload`, 'only GRE carries a payload other than Ethernet');
          if (o.payload !== 'ethernet' && o.payload !== 'ip') fail(`${where}.payload`, `must be ethernet or ip, got ${JSON.stringify(o.payload)}`);
          const before = segmentPayload.get(id);
          if (before !== undefined && before !== o.payload) fail(`${where}.payload`, `key ${id} is already ${before}`);
          segmentPayload.set(id, o.payload);
        }
      } else return fail(where, `expected a ${field} or { ${field}, vlan? }`);
      if (bindings.some((x) => x.vlan === vlan)) fail(where, vlan === 0 ? 'two untagged bindings' : `VLAN ${vlan} bound twice`);
      if (bindings.some((x) => x.segment === id)) fail(where, `${field} ${id} bound twice on one port`);
      bindings.push({ segment: id, vlan });
      addSegment(id);
    });
    ports.set(name, bindings);
  }
  // A flow port serves whatever the flood lists name.
  for (const name of flowPorts) {
    const ids = Object.keys(conf.flood ?? {}).map((k) => segmentId(k, `flood.${k}`));
    if (ids.length === 0) fail(`ports.${name}`, `a ${field}: flow port needs the segments it carries listed in flood`);
    for (const id of ids) addSegment(id);
    ports.set(name, ids.map((id) => ({ segment: id, vlan: 0 })));
  }
  for (const id of segments) if (!segmentPayload.has(id)) segmentPayload.set(id, 'ethernet');

  const flood = new Map<number, number[]>();
  for (const [k, list] of Object.entries(conf.flood ?? {})) {
    const id = segmentId(k, `flood.${k}`);
    if (!segments.includes(id)) fail(`flood.${k}`, `${field} ${id} is not bound to any access port`);
    if (!Array.isArray(list)) fail(`flood.${k}`, 'expected a list of remote underlay addresses');
    const ips = list.map((x, i) => ip(x, `flood.${k}[${i}]`));
    if (ips.includes(cidr.addr)) fail(`flood.${k}`, 'lists this endpoint itself');
    flood.set(id, [...new Set(ips)]);
  }
  const statics = (conf.static ?? []).map((s, i) => {
    const where = `static[${i}]`;
    const id = segmentId(s[field], `${where}.${field}`);
    if (!segments.includes(id)) fail(`${where}.${field}`, `${field} ${id} is not bound to any access port`);
    return { segment: id, mac: mac(s.mac, `${where}.mac`), remote: ip(s.remote, `${where}.remote`) };
  });
  const arpSuppress = new Map<number, Map<number, number>>();
  for (const [k, table] of Object.entries(conf.arpSuppress ?? {})) {
    const id = segmentId(k, `arpSuppress.${k}`);
    if (!segments.includes(id)) fail(`arpSuppress.${k}`, `${field} ${id} is not bound to any access port`);
    const m = new Map<number, number>();
    for (const [a, b] of Object.entries(table)) m.set(ip(a, `arpSuppress.${k}.${a}`), mac(b, `arpSuppress.${k}.${a}`));
    arpSuppress.set(id, m);
  }
  for (const id of segments) {
    if (segmentPayload.get(id) !== 'ip') continue;
    const members = [...ports.values()].flat().filter((b) => b.segment === id).length;
    if (members !== 1) fail(`ports`, `IP-over-GRE key ${id} needs exactly one access port binding, has ${members}`);
    if ((flood.get(id) ?? []).length !== 1) fail(`flood.${id}`, `IP-over-GRE key ${id} is point to point: list exactly one remote`);
  }
  if (segments.length > MAX_SEGMENTS) fail('ports', `at most ${MAX_SEGMENTS} segments, got ${segments.length}`);
  const learning = conf.learning ?? true;
  if (typeof learning !== 'boolean') fail('learning', 'must be true or false');
  const fdbMax = conf.fdbMax ?? 4096;
  if (!Number.isInteger(fdbMax) || fdbMax < 1 || fdbMax > 1 << 24) fail('fdbMax', `must be an integer 1..${1 << 24}`);
  const ageingTime = conf.ageingTime ?? 300;
  if (typeof ageingTime !== 'number' || !(ageingTime > 0)) fail('ageingTime', 'must be a positive number of seconds');
  const pendingMax = conf.pendingMax ?? 64;
  if (!Number.isInteger(pendingMax) || pendingMax < 1 || pendingMax > 65536) fail('pendingMax', 'must be an integer 1..65536');
  return {
    underlayPort, ip: cidr.addr, prefixLen: cidr.prefixLen, mac: underlayMac, gateway, mtu, neighbours,
    ports, flowPorts, segments, segmentPayload, flood, learning, statics, arpSuppress, fdbMax, ageingTime, pendingMax,
  };
}
