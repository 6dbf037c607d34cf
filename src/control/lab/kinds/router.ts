/**
 * `kind: router` — an IPv4 router: interfaces with addresses (optionally in a VRF), static and
 * ECMP routes. A VRF is a routing table by name: an interface's `vrf` puts it (and its connected
 * routes) in that table; a route's `table` picks the table it goes in.
 *
 *   r1:
 *     kind: router
 *     interfaces: { eth0: { ip: 10.0.1.1/24 }, eth1: { ip: 10.0.12.1/30, mtu: 1400 } }
 *     routes:
 *       - { dst: 10.0.3.0/24, via: 10.0.12.2 }
 *       - { dst: 10.9.0.0/16, nexthops: [{ via: 10.0.12.2 }, { via: 10.0.13.2 }] }
 */
import type { Engine, Graph } from '../../../engine/engine.js';
import { resolveRouterConf } from '../../../netfns/router/config.js';
import { Router, renderRouterRoutes, type RouterConf, type RouterInterfaceConf, type RouterRouteConf } from '../../../netfns/router/router.js';
import type { Endpoint, NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';
import type { NodeKind } from './kind.js';

export interface RouterNodeModel extends NodeModel {
  readonly kind: 'router';
  readonly interfaces: Readonly<Record<string, RouterInterfaceConf>>;
  readonly routes: readonly RouterRouteConf[];
}

const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';
const nextHopSchema = { type: 'object', additionalProperties: false, properties: { via: { $ref: '#/definitions/ipv4' }, dev: { type: 'string' } } };

export const routerKind: NodeKind<RouterNodeModel> = {
  name: 'router',
  aliases: [],
  description: 'an IPv4 router: interfaces with addresses and VRFs, connected, static and ECMP routes, ARP, ICMP errors',
  schemaProperties: {
    interfaces: {
      type: 'object',
      propertyNames: { pattern: NAME_PATTERN },
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          ip: { $ref: '#/definitions/cidr' },
          ips: { type: 'array', items: { $ref: '#/definitions/cidr' } },
          mac: { $ref: '#/definitions/mac' },
          mtu: { type: 'integer', minimum: 68, maximum: 65535 },
          vrf: { type: 'string', pattern: NAME_PATTERN, description: 'routing table of the interface (default main)' },
        },
      },
    },
    routes: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['dst'],
        properties: {
          dst: { oneOf: [{ const: 'default' }, { $ref: '#/definitions/cidr' }] },
          via: { $ref: '#/definitions/ipv4' },
          dev: { type: 'string' },
          nexthops: { type: 'array', minItems: 1, items: nextHopSchema, description: 'ECMP: each flow hashed onto one next hop' },
          table: { type: 'string', pattern: NAME_PATTERN, description: 'routing table (VRF) of the route (default: that of dev, else main)' },
        },
      },
    },
  },
  parse: parseRouter,
  checkLinks(v: Validator, name: string, node: RouterNodeModel, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[], path: Path): void {
    for (const { endpoint, path: lp } of links) {
      if (node.interfaces[endpoint.iface] === undefined) v.fail(lp, `${name} has no interface ${endpoint.iface} (interfaces: ${Object.keys(node.interfaces).join(', ')})`);
    }
    for (const iface of Object.keys(node.interfaces)) {
      if (!links.some((l) => l.endpoint.iface === iface)) v.fail([...path, 'interfaces', iface], `${name}:${iface} is not connected by any link`);
    }
  },
  build(graph: Graph, name: string, node: RouterNodeModel): void {
    const conf: RouterConf = { interfaces: node.interfaces, routes: node.routes };
    graph.app(name, Router, conf);
  },
};

function parseRouter(v: Validator, node: Record<string, unknown>, path: Path): RouterNodeModel {
  const problemsBefore = v.problems.length;
  const interfaces: Record<string, RouterInterfaceConf> = {};
  const rawIfs = node.interfaces === undefined ? {} : v.object(node.interfaces, [...path, 'interfaces']) ?? {};
  if (Object.keys(rawIfs).length === 0) v.fail([...path, 'interfaces'], 'a router needs at least one interface', node.interfaces === undefined);
  for (const [ifName, raw] of Object.entries(rawIfs)) {
    const ip: Path = [...path, 'interfaces', ifName];
    if (!new RegExp(NAME_PATTERN).test(ifName)) v.fail(ip, 'interface names look like eth0 (letters, digits, _ and -)', true);
    const i = raw === null ? {} : v.object(raw, ip);
    if (i === undefined) continue;
    v.allowOnly(i, ip, ['ip', 'ips', 'mac', 'mtu', 'vrf']);
    const ips: string[] = [];
    if (i.ip !== undefined) { const c = v.cidr(i.ip, [...ip, 'ip']); if (c) ips.push(c); }
    if (i.ips !== undefined) {
      if (!Array.isArray(i.ips)) v.fail([...ip, 'ips'], 'must be a list of addresses like 10.0.0.1/24');
      else i.ips.forEach((x, k) => { const c = v.cidr(x, [...ip, 'ips', k]); if (c) ips.push(c); });
    }
    const vrf = i.vrf === undefined ? undefined : tableName(v, i.vrf, [...ip, 'vrf']);
    interfaces[ifName] = {
      ...(ips.length > 0 ? { ip: ips[0], ips: ips.slice(1) } : {}),
      ...(i.mac !== undefined ? { mac: v.mac(i.mac, [...ip, 'mac']) } : {}),
      ...(i.mtu !== undefined ? { mtu: v.int(i.mtu, [...ip, 'mtu'], 68, 65535) } : {}),
      ...(vrf !== undefined ? { vrf } : {}),
    };
  }
  const routes: RouterRouteConf[] = [];
  if (node.routes !== undefined) {
    if (!Array.isArray(node.routes)) v.fail([...path, 'routes'], 'must be a list of { dst, via?, dev?, nexthops?, table? }');
    else node.routes.forEach((raw, k) => {
      const rp: Path = [...path, 'routes', k];
      const r = v.object(raw, rp);
      if (r === undefined) return;
      v.allowOnly(r, rp, ['dst', 'via', 'dev', 'nexthops', 'table']);
      const dst = r.dst === 'default' ? 'default' : v.cidr(r.dst, [...rp, 'dst']);
      const hop = (h: Record<string, unknown>, hp: Path): { via?: string; dev?: string } | undefined => {
        const via = h.via === undefined ? undefined : v.ip(h.via, [...hp, 'via']);
        const dev = h.dev === undefined ? undefined : v.string(h.dev, [...hp, 'dev']);
        if (dev !== undefined && interfaces[dev] === undefined) v.fail([...hp, 'dev'], `no interface ${dev} on this router`);
        if (h.via === undefined && h.dev === undefined) {
          v.fail(hp, 'a next hop needs via or dev');
          return undefined;
        }
        return { ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
      };
      const table = r.table === undefined ? undefined : tableName(v, r.table, [...rp, 'table']);
      if (r.nexthops !== undefined) {
        if (r.via !== undefined || r.dev !== undefined) v.fail([...rp, 'nexthops'], 'give either via/dev or nexthops, not both');
        if (!Array.isArray(r.nexthops) || r.nexthops.length === 0) {
          v.fail([...rp, 'nexthops'], 'must be a non-empty list of { via?, dev? }');
          return;
        }
        const hops = r.nexthops.map((raw2, j) => {
          const hp: Path = [...rp, 'nexthops', j];
          const h = v.object(raw2, hp);
          if (h === undefined) return undefined;
          v.allowOnly(h, hp, ['via', 'dev']);
          return hop(h, hp);
        });
        if (dst && hops.every((h) => h !== undefined)) routes.push({ dst, nexthops: hops as { via?: string; dev?: string }[], ...(table ? { table } : {}) });
        return;
      }
      const h = hop(r, rp);
      if (dst && h) routes.push({ dst, ...h, ...(table ? { table } : {}) });
    });
  }
  const model: RouterNodeModel = { kind: 'router', interfaces, routes };
  // What needs the whole router (a gateway outside every connected subnet, an address twice)
  // is checked by the router's own resolver, reported here with the node's position.
  const name = String(path[path.length - 1]);
  if (v.problems.length === problemsBefore) {
    try {
      resolveRouterConf(name, { interfaces, routes });
    } catch (e) {
      v.fail(path, (e as Error).message.replace(`router ${name}: `, ''));
    }
  }
  return model;
}

function tableName(v: Validator, raw: unknown, path: Path): string | undefined {
  const s = v.string(raw, path);
  if (s !== undefined && !new RegExp(NAME_PATTERN).test(s)) {
    v.fail(path, `${JSON.stringify(s)} is not a table name (letters, digits, _ and -)`);
    return undefined;
  }
  return s;
}

/** `show routes NODE` for a router node of a running lab: every table as `ip route` text, or `ip -j route` JSON. */
export function showRouterRoutes(engine: Engine, name: string, json: boolean): string {
  return renderRouterRoutes(engine.app<Router>(name), json);
}
