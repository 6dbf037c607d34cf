import { Host } from '../../../hosts/host.js';
import { adminVfMac } from './sriov-nic.js';
export const hostKind = {
    name: 'host',
    aliases: ['linux'],
    description: 'an emulated host: interfaces with addresses, ARP, ICMP echo, UDP, routes, 802.1Q sub-interfaces',
    schemaProperties: {
        interfaces: {
            type: 'object',
            propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*(\\.[0-9]+)?$' },
            additionalProperties: {
                type: ['object', 'null'],
                additionalProperties: false,
                properties: {
                    ip: { $ref: '#/definitions/cidr' },
                    ips: { type: 'array', items: { $ref: '#/definitions/cidr' } },
                    mac: { $ref: '#/definitions/mac' },
                    vlan: { $ref: '#/definitions/vlan' },
                    parent: { type: 'string' },
                    mtu: { type: 'integer', minimum: 68, maximum: 65535 },
                    nic: {
                        description: 'the NIC behind the interface: a VF of an sriov-nic node, or a passed-through device node (wired by that node, not by a link)',
                        oneOf: [
                            { type: 'object', additionalProperties: false, required: ['sriov', 'vf'], properties: { sriov: { type: 'string' }, vf: { type: 'integer', minimum: 0 } } },
                            { type: 'object', additionalProperties: false, required: ['passthrough'], properties: { passthrough: { type: 'string' } } },
                        ],
                    },
                },
            },
        },
        gateway: { $ref: '#/definitions/ipv4' },
        routes: {
            type: 'array',
            items: {
                type: 'object', additionalProperties: false, required: ['dst'],
                properties: { dst: { oneOf: [{ const: 'default' }, { $ref: '#/definitions/cidr' }] }, via: { $ref: '#/definitions/ipv4' }, dev: { type: 'string' } },
            },
        },
    },
    parse: parseHost,
    checkLinks(v, name, node, links, path) {
        for (const { endpoint, path: lp } of links) {
            const cfg = node.interfaces[endpoint.iface];
            if (cfg?.nic !== undefined)
                v.fail(lp, `${name}:${endpoint.iface} is wired by ${'sriov' in cfg.nic ? `${cfg.nic.sriov} (vf ${cfg.nic.vf})` : cfg.nic.passthrough}, not by a link; remove this link`);
            if (cfg?.vlan !== undefined && cfg.parent !== endpoint.iface)
                v.fail(lp, `${name}:${endpoint.iface} is a VLAN sub-interface; link its parent ${cfg.parent}`);
        }
        for (const [iface, cfg] of Object.entries(node.interfaces)) {
            const port = cfg.parent ?? iface;
            if (node.interfaces[port]?.nic !== undefined)
                continue;
            if (!links.some((l) => l.endpoint.iface === port))
                v.fail([...path, 'interfaces', iface], `${name}:${port} is not connected by any link`);
        }
    },
    build(graph, name, node, lab) {
        const interfaces = {};
        for (const [ifName, i] of Object.entries(node.interfaces)) {
            const vfMac = i.mac === undefined && i.nic !== undefined ? adminVfMac(lab, i.nic) : undefined;
            interfaces[ifName] = hostInterfaceConf(vfMac !== undefined ? { ...i, mac: vfMac } : i);
        }
        graph.app(name, Host, { interfaces, routes: node.routes, ...(node.gateway !== undefined ? { gateway: node.gateway } : {}) });
    },
};
function hostInterfaceConf(i) {
    return {
        ...(i.ips.length > 0 ? { ip: i.ips[0], ips: i.ips.slice(1) } : {}),
        ...(i.mac !== undefined ? { mac: i.mac } : {}),
        ...(i.vlan !== undefined ? { vlan: i.vlan, parent: i.parent } : {}),
        ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
    };
}
function parseNic(v, raw, path) {
    const n = v.object(raw, path);
    if (n === undefined)
        return undefined;
    if (n.passthrough !== undefined) {
        v.allowOnly(n, path, ['passthrough']);
        const device = v.string(n.passthrough, [...path, 'passthrough']);
        return device === undefined ? undefined : { passthrough: device };
    }
    v.allowOnly(n, path, ['sriov', 'vf']);
    if (n.sriov === undefined) {
        v.fail(path, 'must be { sriov: NIC, vf: N } or { passthrough: DEVICE }');
        return undefined;
    }
    const sriov = v.string(n.sriov, [...path, 'sriov']);
    const vf = v.int(n.vf, [...path, 'vf'], 0, 255);
    return sriov === undefined || vf === undefined ? undefined : { sriov, vf };
}
function parseHost(v, node, path) {
    const interfaces = {};
    const rawIfs = node.interfaces === undefined ? {} : v.object(node.interfaces, [...path, 'interfaces']) ?? {};
    for (const [ifName, raw] of Object.entries(rawIfs)) {
        const ip = [...path, 'interfaces', ifName];
        if (!/^[A-Za-z][A-Za-z0-9_-]*(\.\d+)?$/.test(ifName))
            v.fail(ip, 'interface names look like eth0 or eth0.10', true);
        const i = raw === null ? {} : v.object(raw, ip);
        if (i === undefined)
            continue;
        v.allowOnly(i, ip, ['ip', 'ips', 'mac', 'vlan', 'parent', 'mtu', 'nic']);
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
        const dot = /^(.+)\.(\d+)$/.exec(ifName);
        let vlan = i.vlan === undefined ? undefined : v.int(i.vlan, [...ip, 'vlan'], 1, 4094);
        let parent = i.parent === undefined ? undefined : v.string(i.parent, [...ip, 'parent']);
        if (dot && vlan === undefined && parent === undefined) {
            vlan = Number(dot[2]);
            parent = dot[1];
            if (vlan < 1 || vlan > 4094)
                v.fail(ip, `VLAN ${vlan} in the interface name is outside 1..4094`, true);
        }
        if (parent !== undefined && vlan === undefined)
            v.fail([...ip, 'parent'], 'a parent is only meaningful with a vlan');
        if (vlan !== undefined && parent === undefined)
            parent = ifName; // tagged frames on this port itself
        if (parent !== undefined && parent !== ifName && rawIfs[parent] !== undefined) {
            const parentCfg = rawIfs[parent];
            if (parentCfg && parentCfg.vlan !== undefined)
                v.fail([...ip, 'parent'], `${parent} is itself a VLAN interface`);
        }
        interfaces[ifName] = {
            ips,
            ...(i.mac !== undefined ? { mac: v.mac(i.mac, [...ip, 'mac']) } : {}),
            ...(vlan !== undefined ? { vlan } : {}),
            ...(parent !== undefined ? { parent } : {}),
            ...(i.mtu !== undefined ? { mtu: v.int(i.mtu, [...ip, 'mtu'], 68, 65535) } : {}),
            ...(i.nic !== undefined ? { nic: parseNic(v, i.nic, [...ip, 'nic']) } : {}),
        };
    }
    const gateway = node.gateway === undefined ? undefined : v.ip(node.gateway, [...path, 'gateway']);
    const routes = [];
    if (node.routes !== undefined) {
        if (!Array.isArray(node.routes))
            v.fail([...path, 'routes'], 'must be a list of { dst, via?, dev? }');
        else
            node.routes.forEach((raw, k) => {
                const rp = [...path, 'routes', k];
                const r = v.object(raw, rp);
                if (r === undefined)
                    return;
                v.allowOnly(r, rp, ['dst', 'via', 'dev']);
                const dst = r.dst === 'default' ? 'default' : v.cidr(r.dst, [...rp, 'dst']);
                const via = r.via === undefined ? undefined : v.ip(r.via, [...rp, 'via']);
                const dev = r.dev === undefined ? undefined : v.string(r.dev, [...rp, 'dev']);
                if (dev !== undefined && interfaces[dev] === undefined)
                    v.fail([...rp, 'dev'], `no interface ${dev} on this host`);
                if (via === undefined && dev === undefined)
                    v.fail(rp, 'a route needs via or dev');
                if (dst)
                    routes.push({ dst, ...(via ? { via } : {}), ...(dev ? { dev } : {}) });
            });
    }
    return { kind: 'host', interfaces, routes, ...(gateway ? { gateway } : {}) };
}
//# sourceMappingURL=host.js.map