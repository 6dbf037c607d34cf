import { deriveMac } from '../../../hosts/config.js';
import { PortFilter } from '../../../netfns/security/port-filter.js';
import { isHost } from '../model.js';
const rule = {
    type: 'object', additionalProperties: false,
    properties: {
        protocol: { enum: ['tcp', 'udp', 'icmp', 'any'] },
        ports: { oneOf: [{ type: 'integer', minimum: 1, maximum: 65535 }, { type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 }, minItems: 2, maxItems: 2 }] },
        remote: { $ref: '#/definitions/cidr' },
    },
};
export const portFilterKind = {
    name: 'port-filter',
    aliases: ['security-group'],
    description: 'port security (anti-spoofing, allowed address pairs) and stateful security groups between a host port (vm) and the network (net)',
    schemaProperties: {
        mac: { $ref: '#/definitions/mac' },
        ips: { type: 'array', items: { $ref: '#/definitions/cidr' } },
        port_security: { type: 'boolean' },
        allowed_address_pairs: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['ip'], properties: { ip: { $ref: '#/definitions/cidr' }, mac: { $ref: '#/definitions/mac' } } } },
        ingress: { type: 'array', items: rule, description: 'rules for new connections to the host (default: none, deny)' },
        egress: { type: 'array', items: rule, description: 'rules for new connections from the host (default: allow all)' },
    },
    parse: parsePortFilter,
    checkLinks(v, name, _node, links, path) {
        for (const { endpoint, path: lp } of links)
            if (endpoint.iface !== 'vm' && endpoint.iface !== 'net')
                v.fail(lp, `${name} has ports vm and net, not ${endpoint.iface}`);
        for (const port of ['vm', 'net'])
            if (!links.some((l) => l.endpoint.iface === port))
                v.fail(path, `${name}:${port} is not connected by any link`);
    },
    build(graph, name, node, lab) {
        const link = lab.links.find((l) => (l.a.node === name && l.a.iface === 'vm') || (l.b.node === name && l.b.iface === 'vm'));
        const peer = link === undefined ? undefined : link.a.node === name && link.a.iface === 'vm' ? link.b : link.a;
        const host = peer === undefined ? undefined : lab.nodes[peer.node];
        const iface = isHost(host) && peer !== undefined ? host.interfaces[peer.iface] : undefined;
        const mac = node.mac ?? iface?.mac ?? (peer !== undefined && isHost(host) ? formatDerived(deriveMac(peer.node, peer.iface)) : undefined);
        if (mac === undefined)
            throw new Error(`port filter ${name}: no mac given and no host interface on its vm port to take it from`);
        const conf = {
            mac,
            ips: node.ips ?? iface?.ips ?? [],
            portSecurity: node.portSecurity,
            allowedAddressPairs: node.allowedAddressPairs,
            ingress: node.ingress,
            ...(node.egress !== undefined ? { egress: node.egress } : {}),
        };
        graph.app(name, PortFilter, conf);
    },
};
function formatDerived(mac) {
    const hex = mac.toString(16).padStart(12, '0');
    return hex.match(/../g).join(':');
}
function parseRules(v, raw, path) {
    if (!Array.isArray(raw)) {
        v.fail(path, 'must be a list of { protocol?, ports?, remote? }');
        return [];
    }
    const out = [];
    raw.forEach((r, i) => {
        const rp = [...path, i];
        const o = v.object(r, rp);
        if (o === undefined)
            return;
        v.allowOnly(o, rp, ['protocol', 'ports', 'remote']);
        const protocol = o.protocol === undefined ? 'any' : o.protocol;
        if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp' && protocol !== 'any')
            return v.fail([...rp, 'protocol'], 'must be tcp, udp, icmp or any');
        let ports;
        if (o.ports !== undefined) {
            if (protocol !== 'tcp' && protocol !== 'udp')
                v.fail([...rp, 'ports'], 'ports need protocol tcp or udp');
            if (Array.isArray(o.ports) && o.ports.length === 2) {
                const lo = v.int(o.ports[0], [...rp, 'ports', 0], 1, 65535);
                const hi = v.int(o.ports[1], [...rp, 'ports', 1], 1, 65535);
                if (lo !== undefined && hi !== undefined)
                    ports = [lo, hi];
            }
            else
                ports = v.int(o.ports, [...rp, 'ports'], 1, 65535);
        }
        const remote = o.remote === undefined ? undefined : v.cidr(o.remote, [...rp, 'remote']);
        out.push({ protocol, ...(ports !== undefined ? { ports } : {}), ...(remote ? { remote } : {}) });
    });
    return out;
}
function parsePortFilter(v, node, path) {
    const mac = node.mac === undefined ? undefined : v.mac(node.mac, [...path, 'mac']);
    let ips;
    if (node.ips !== undefined) {
        if (!Array.isArray(node.ips))
            v.fail([...path, 'ips'], 'must be a list of addresses like 10.0.0.2/24');
        else
            ips = node.ips.flatMap((x, i) => v.cidr(x, [...path, 'ips', i]) ?? []);
    }
    const pairs = [];
    if (node.allowed_address_pairs !== undefined) {
        if (!Array.isArray(node.allowed_address_pairs))
            v.fail([...path, 'allowed_address_pairs'], 'must be a list of { ip, mac? }');
        else
            node.allowed_address_pairs.forEach((raw, i) => {
                const pp = [...path, 'allowed_address_pairs', i];
                const o = v.object(raw, pp);
                if (o === undefined)
                    return;
                v.allowOnly(o, pp, ['ip', 'mac']);
                const ip = v.cidr(o.ip, [...pp, 'ip']);
                const m = o.mac === undefined ? undefined : v.mac(o.mac, [...pp, 'mac']);
                if (ip)
                    pairs.push({ ip, ...(m ? { mac: m } : {}) });
            });
    }
    return {
        kind: 'port-filter',
        ...(mac ? { mac } : {}),
        ...(ips ? { ips } : {}),
        portSecurity: node.port_security === undefined ? true : v.bool(node.port_security, [...path, 'port_security']) ?? true,
        allowedAddressPairs: pairs,
        ingress: node.ingress === undefined ? [] : parseRules(v, node.ingress, [...path, 'ingress']),
        ...(node.egress !== undefined ? { egress: parseRules(v, node.egress, [...path, 'egress']) } : {}),
    };
}
//# sourceMappingURL=port-filter.js.map