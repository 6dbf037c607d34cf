import { NatGateway } from '../../../netfns/nat/nat-gateway.js';
const side = (gateway) => ({
    type: 'object',
    additionalProperties: false,
    required: ['ip'],
    properties: {
        ip: { $ref: '#/definitions/cidr' },
        mac: { $ref: '#/definitions/mac' },
        port: { type: 'string', description: 'port name used in links (default: inside / outside)' },
        ...(gateway ? { gateway: { $ref: '#/definitions/ipv4' } } : {}),
    },
});
export const natKind = {
    name: 'nat',
    aliases: ['nat-gateway'],
    description: 'a NAT gateway: connection tracking, masquerade, port forwards, hairpin; routes inside <-> outside',
    schemaProperties: {
        inside: side(false),
        outside: side(true),
        masquerade: { type: 'boolean', description: 'translate inside sources to the outside address (default true)' },
        port_forwards: {
            type: 'array',
            items: {
                type: 'object', additionalProperties: false, required: ['proto', 'port', 'to'],
                properties: { proto: { enum: ['tcp', 'udp'] }, port: { type: 'integer', minimum: 1, maximum: 65535 }, to: { type: 'string', pattern: '^[0-9.]+(:[0-9]+)?$' } },
            },
        },
        port_range: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 }, minItems: 2, maxItems: 2 },
        conntrack_max: { type: 'integer', minimum: 1, maximum: 16777216 },
    },
    parse: parseNat,
    checkLinks(v, name, node, links, path) {
        const ports = [node.inside.port, node.outside.port];
        for (const { endpoint, path: lp } of links)
            if (!ports.includes(endpoint.iface))
                v.fail(lp, `${name} has ports ${ports.join(' and ')}, not ${endpoint.iface}`);
        for (const [which, port] of [['inside', node.inside.port], ['outside', node.outside.port]]) {
            if (!links.some((l) => l.endpoint.iface === port))
                v.fail([...path, which], `${name}:${port} is not connected by any link`);
        }
    },
    build(graph, name, node) {
        const conf = {
            inside: { ip: node.inside.ip, port: node.inside.port, ...(node.inside.mac ? { mac: node.inside.mac } : {}) },
            outside: { ip: node.outside.ip, port: node.outside.port, ...(node.outside.mac ? { mac: node.outside.mac } : {}), ...(node.outside.gateway ? { gateway: node.outside.gateway } : {}) },
            masquerade: node.masquerade,
            portForwards: node.portForwards,
            ...(node.portRange ? { portRange: node.portRange } : {}),
            ...(node.conntrackMax !== undefined ? { conntrack: { capacity: node.conntrackMax } } : {}),
        };
        graph.app(name, NatGateway, conf);
    },
};
function parseSide(v, raw, path, which) {
    const o = raw === undefined ? (v.fail(path, `${which} is required: { ip: a.b.c.d/len }`), undefined) : v.object(raw, path);
    if (o === undefined)
        return { ip: '0.0.0.0/0', port: which };
    v.allowOnly(o, path, which === 'outside' ? ['ip', 'mac', 'port', 'gateway'] : ['ip', 'mac', 'port']);
    const ip = v.cidr(o.ip, [...path, 'ip']) ?? '0.0.0.0/0';
    const mac = o.mac === undefined ? undefined : v.mac(o.mac, [...path, 'mac']);
    const port = o.port === undefined ? which : v.string(o.port, [...path, 'port']) ?? which;
    const gateway = o.gateway === undefined ? undefined : v.ip(o.gateway, [...path, 'gateway']);
    return { ip, port, ...(mac ? { mac } : {}), ...(gateway ? { gateway } : {}) };
}
function parseNat(v, node, path) {
    const inside = parseSide(v, node.inside, [...path, 'inside'], 'inside');
    const outside = parseSide(v, node.outside, [...path, 'outside'], 'outside');
    if (inside.port === outside.port)
        v.fail([...path, 'outside', 'port'], `inside and outside cannot share port ${inside.port}`);
    const masquerade = node.masquerade === undefined ? true : v.bool(node.masquerade, [...path, 'masquerade']) ?? true;
    const portForwards = [];
    if (node.port_forwards !== undefined) {
        if (!Array.isArray(node.port_forwards))
            v.fail([...path, 'port_forwards'], 'must be a list of { proto, port, to }');
        else
            node.port_forwards.forEach((raw, i) => {
                const fp = [...path, 'port_forwards', i];
                const f = v.object(raw, fp);
                if (f === undefined)
                    return;
                v.allowOnly(f, fp, ['proto', 'port', 'to']);
                if (f.proto !== 'tcp' && f.proto !== 'udp')
                    v.fail([...fp, 'proto'], `must be tcp or udp, got ${JSON.stringify(f.proto)}`);
                const port = v.int(f.port, [...fp, 'port'], 1, 65535);
                const to = v.string(f.to, [...fp, 'to']);
                if (to !== undefined && !/^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/.test(to))
                    v.fail([...fp, 'to'], `must look like 10.0.0.2:80, got ${JSON.stringify(to)}`);
                if ((f.proto === 'tcp' || f.proto === 'udp') && port !== undefined && to !== undefined)
                    portForwards.push({ proto: f.proto, port, to });
            });
    }
    let portRange;
    if (node.port_range !== undefined) {
        const r = node.port_range;
        if (!Array.isArray(r) || r.length !== 2)
            v.fail([...path, 'port_range'], 'must be [min, max]');
        else {
            const lo = v.int(r[0], [...path, 'port_range', 0], 1, 65535);
            const hi = v.int(r[1], [...path, 'port_range', 1], 1, 65535);
            if (lo !== undefined && hi !== undefined) {
                if (lo > hi)
                    v.fail([...path, 'port_range'], `min ${lo} is above max ${hi}`);
                else
                    portRange = [lo, hi];
            }
        }
    }
    const conntrackMax = node.conntrack_max === undefined ? undefined : v.int(node.conntrack_max, [...path, 'conntrack_max'], 1, 1 << 24);
    return { kind: 'nat', inside, outside, masquerade, portForwards, ...(portRange ? { portRange } : {}), ...(conntrackMax !== undefined ? { conntrackMax } : {}) };
}
//# sourceMappingURL=nat.js.map