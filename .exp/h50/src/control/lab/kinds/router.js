import { resolveRouterConf } from '../../../netfns/router/config.js';
import { Router, renderRouterRoutes } from '../../../netfns/router/router.js';
const NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';
const nextHopSchema = { type: 'object', additionalProperties: false, properties: { via: { $ref: '#/definitions/ipv4' }, dev: { type: 'string' } } };
export const routerKind = {
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
    checkLinks(v, name, node, links, path) {
        for (const { endpoint, path: lp } of links) {
            if (node.interfaces[endpoint.iface] === undefined)
                v.fail(lp, `${name} has no interface ${endpoint.iface} (interfaces: ${Object.keys(node.interfaces).join(', ')})`);
        }
        for (const iface of Object.keys(node.interfaces)) {
            if (!links.some((l) => l.endpoint.iface === iface))
                v.fail([...path, 'interfaces', iface], `${name}:${iface} is not connected by any link`);
        }
    },
    build(graph, name, node) {
        const conf = { interfaces: node.interfaces, routes: node.routes };
        graph.app(name, Router, conf);
    },
};
function parseRouter(v, node, path) {
    const problemsBefore = v.problems.length;
    const interfaces = {};
    const rawIfs = node.interfaces === undefined ? {} : v.object(node.interfaces, [...path, 'interfaces']) ?? {};
    if (Object.keys(rawIfs).length === 0)
        v.fail([...path, 'interfaces'], 'a router needs at least one interface', node.interfaces === undefined);
    for (const [ifName, raw] of Object.entries(rawIfs)) {
        const ip = [...path, 'interfaces', ifName];
        if (!new RegExp(NAME_PATTERN).test(ifName))
            v.fail(ip, 'interface names look like eth0 (letters, digits, _ and -)', true);
        const i = raw === null ? {} : v.object(raw, ip);
        if (i === undefined)
            continue;
        v.allowOnly(i, ip, ['ip', 'ips', 'mac', 'mtu', 'vrf']);
        const ips = [];
        if (i.ip !== undefined) {
            const c = v.cidr(i.ip, [...ip, 'ip']);
            if (c)
                ips.push(c);
        }
        if (i.ips !== undefined) {
            if (!Array.isArray(i.ips))
                v.fail([...ip, 'ips'], 'must be a list of addresses like 10.0.0.1/24');
            else
                i.ips.forEach((x, k) => { const c = v.cidr(x, [...ip, 'ips', k]); if (c)
                    ips.push(c); });
        }
        const vrf = i.vrf === undefined ? undefined : tableName(v, i.vrf, [...ip, 'vrf']);
        interfaces[ifName] = {
            ...(ips.length > 0 ? { ip: ips[0], ips: ips.slice(1) } : {}),
            ...(i.mac !== undefined ? { mac: v.mac(i.mac, [...ip, 'mac']) } : {}),
            ...(i.mtu !== undefined ? { mtu: v.int(i.mtu, [...ip, 'mtu'], 68, 65535) } : {}),
            ...(vrf !== undefined ? { vrf } : {}),
        };
    }
    const routes = [];
    if (node.routes !== undefined) {
        if (!Array.isArray(node.routes))
            v.fail([...path, 'routes'], 'must be a list of { dst, via?, dev?, nexthops?, table? }');
        else
            node.routes.forEach((raw, k) => {
                const rp = [...path, 'routes', k];
                const r = v.object(raw, rp);
                if (r === undefined)
                    return;
                v.allowOnly(r, rp, ['dst', 'via', 'dev', 'nexthops', 'table']);
                const dst = r.dst === 'default' ? 'default' : v.cidr(r.dst, [...rp, 'dst']);
                const hop = (h, hp) => {
                    const via = h.via === undefined ? undefined : v.ip(h.via, [...hp, 'via']);
                    const dev = h.dev === undefined ? undefined : v.string(h.dev, [...hp, 'dev']);
                    if (dev !== undefined && interfaces[dev] === undefined)
                        v.fail([...hp, 'dev'], `no interface ${dev} on this router`);
                    if (h.via === undefined && h.dev === undefined) {
                        v.fail(hp, 'a next hop needs via or dev');
                        return undefined;
                    }
                    return { ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
                };
                const table = r.table === undefined ? undefined : tableName(v, r.table, [...rp, 'table']);
                if (r.nexthops !== undefined) {
                    if (r.via !== undefined || r.dev !== undefined)
                        v.fail([...rp, 'nexthops'], 'give either via/dev or nexthops, not both');
                    if (!Array.isArray(r.nexthops) || r.nexthops.length === 0) {
                        v.fail([...rp, 'nexthops'], 'must be a non-empty list of { via?, dev? }');
                        return;
                    }
                    const hops = r.nexthops.map((raw2, j) => {
                        const hp = [...rp, 'nexthops', j];
                        const h = v.object(raw2, hp);
                        if (h === undefined)
                            return undefined;
                        v.allowOnly(h, hp, ['via', 'dev']);
                        return hop(h, hp);
                    });
                    if (dst && hops.every((h) => h !== undefined))
                        routes.push({ dst, nexthops: hops, ...(table ? { table } : {}) });
                    return;
                }
                const h = hop(r, rp);
                if (dst && h)
                    routes.push({ dst, ...h, ...(table ? { table } : {}) });
            });
    }
    const model = { kind: 'router', interfaces, routes };
    // What needs the whole router (a gateway outside every connected subnet, an address twice)
    // is checked by the router's own resolver, reported here with the node's position.
    const name = String(path[path.length - 1]);
    if (v.problems.length === problemsBefore) {
        try {
            resolveRouterConf(name, { interfaces, routes });
        }
        catch (e) {
            v.fail(path, e.message.replace(`router ${name}: `, ''));
        }
    }
    return model;
}
function tableName(v, raw, path) {
    const s = v.string(raw, path);
    if (s !== undefined && !new RegExp(NAME_PATTERN).test(s)) {
        v.fail(path, `${JSON.stringify(s)} is not a table name (letters, digits, _ and -)`);
        return undefined;
    }
    return s;
}
/** `show routes NODE` for a router node of a running lab: every table as `ip route` text, or `ip -j route` JSON. */
export function showRouterRoutes(engine, name, json) {
    return renderRouterRoutes(engine.app(name), json);
}
//# sourceMappingURL=router.js.map