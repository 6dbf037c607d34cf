import { GreTunnel } from '../../../netfns/tunnels/gre-tunnel.js';
import { VXLAN_OVERHEAD, VxlanVtep } from '../../../netfns/tunnels/vxlan-vtep.js';
import { addVxlanOverUdp } from '../../../real/vxlan-udp.js';
import { isHost } from '../model.js';
import { describe } from '../validator.js';
export function isVtep(n) {
    return n?.kind === 'vtep';
}
const segmentId = { type: 'integer', minimum: 0, maximum: 4294967295, description: 'VNI (vxlan, up to 16777215) or GRE key' };
const flowSegment = { const: 'flow', description: 'the segment is the frame\'s tun_id (an OpenFlow switch sets it); the port carries every segment of remotes' };
const binding = {
    type: 'object', additionalProperties: false,
    properties: { vni: { oneOf: [segmentId, flowSegment] }, key: { oneOf: [segmentId, flowSegment] }, vlan: { $ref: '#/definitions/vlan' }, payload: { enum: ['ethernet', 'ip'] } },
};
export const vtepKind = {
    name: 'vtep',
    aliases: ['vxlan', 'gre'],
    description: 'an overlay tunnel endpoint (VXLAN or GRE): tenant segments by VNI or key over the underlay (lab links, or for VXLAN a real UDP socket)',
    schemaProperties: {
        mode: { enum: ['vxlan', 'gre'], description: 'encapsulation (default vxlan, or the kind alias)' },
        underlay: {
            type: 'object', additionalProperties: false,
            anyOf: [{ required: ['ip'] }, { required: ['udp'] }],
            properties: {
                port: { type: 'string', description: 'underlay port name (default underlay)' },
                ip: { $ref: '#/definitions/cidr' },
                mac: { $ref: '#/definitions/mac' },
                gateway: { $ref: '#/definitions/ipv4' },
                mtu: { type: 'integer', minimum: 128, maximum: 65535 },
                udp: {
                    description: 'instead of ip and an underlay link: a real UDP socket on this local address (VXLAN only; the lab then runs on the wall clock: lab up, lab run or --real)',
                    oneOf: [
                        { $ref: '#/definitions/ipv4' },
                        {
                            type: 'object', additionalProperties: false, required: ['local'],
                            properties: {
                                local: { $ref: '#/definitions/ipv4' },
                                port: { type: 'integer', minimum: 1, maximum: 65535, description: 'local UDP port (default 4789)' },
                                remote_port: { type: 'integer', minimum: 1, maximum: 65535, description: 'UDP port of the remotes (default 4789)' },
                                offloads: { type: 'boolean', description: 'UDP GSO and GRO on the socket (default true)' },
                            },
                        },
                    ],
                },
            },
        },
        ports: { type: 'object', additionalProperties: { oneOf: [segmentId, binding, { type: 'array', items: binding }] } },
        remotes: { type: 'object', propertyNames: { pattern: '^[0-9]+$' }, additionalProperties: { type: 'array', items: { $ref: '#/definitions/ipv4' } } },
        learning: { type: 'boolean', description: 'learn inner MACs from decapsulated traffic (default true)' },
        static_fdb: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['mac', 'remote'], properties: { vni: segmentId, key: segmentId, mac: { $ref: '#/definitions/mac' }, remote: { $ref: '#/definitions/ipv4' } } },
        },
        arp_suppress: {
            type: 'object', propertyNames: { pattern: '^[0-9]+$' },
            additionalProperties: { type: 'object', additionalProperties: { $ref: '#/definitions/mac' } },
        },
        gre: { type: 'object', additionalProperties: false, properties: { sequence: { type: 'boolean' }, checksum: { type: 'boolean' } } },
    },
    parse: parseVtep,
    checkLinks(v, name, node, links, path) {
        const udp = node.underlay.udp !== undefined;
        for (const { endpoint, path: lp } of links) {
            if (udp && endpoint.iface === node.underlay.port) {
                v.fail(lp, `${name}:${endpoint.iface}: this VTEP's underlay is a UDP socket (underlay.udp), not a lab port`);
            }
            else if (endpoint.iface !== node.underlay.port && node.ports[endpoint.iface] === undefined) {
                v.fail(lp, `${name}:${endpoint.iface} is neither the underlay port (${node.underlay.port}) nor one of the ports`);
            }
        }
        for (const port of [...(udp ? [] : [node.underlay.port]), ...Object.keys(node.ports)]) {
            if (!links.some((l) => l.endpoint.iface === port))
                v.fail(port === node.underlay.port ? [...path, 'underlay'] : [...path, 'ports', port], `${name}:${port} is not connected by any link`);
        }
    },
    needsWallClock(node) {
        return node.underlay.udp !== undefined;
    },
    build(graph, name, node, lab, env) {
        const field = node.mode === 'vxlan' ? 'vni' : 'key';
        const ports = {};
        for (const [port, bindings] of Object.entries(node.ports)) {
            ports[port] = bindings.map((b) => ({ [field]: b.segment, ...(b.vlan !== undefined ? { vlan: b.vlan } : {}), ...(b.payload !== undefined ? { payload: b.payload } : {}) }));
        }
        const mtu = underlayMtu(lab, name, node);
        const overlay = {
            ports,
            flood: node.remotes,
            learning: node.learning,
            static: node.staticFdb.map((s) => ({ [field]: s.segment, mac: s.mac, remote: s.remote })),
            arpSuppress: node.arpSuppress,
        };
        const udp = node.underlay.udp;
        if (udp !== undefined) {
            if (!env.wallClock) {
                throw new Error(`${lab.file}: node ${name}: its underlay is a real UDP socket, which needs the wall clock: use vnet lab up FILE or vnet lab run FILE (or --real); the shell, trace and offline ofctl run on the virtual clock`);
            }
            addVxlanOverUdp(graph, name, {
                local: udp.local, port: udp.port, remotePort: udp.remotePort, offloads: udp.offloads, mtu, overlay,
                ...(env.doorbell !== undefined ? { doorbell: env.doorbell } : {}),
            });
            for (const w of overlayMtuWarnings(lab).filter((x) => x.node === name))
                process.stderr.write(`warning: ${w.message}\n`);
            return;
        }
        const conf = {
            underlay: { port: node.underlay.port, ip: node.underlay.ip, mtu, ...(node.underlay.mac ? { mac: node.underlay.mac } : {}), ...(node.underlay.gateway ? { gateway: node.underlay.gateway } : {}) },
            ...overlay,
            ...(node.mode === 'gre' ? { sequence: node.sequence, checksum: node.checksum } : {}),
        };
        if (node.mode === 'vxlan')
            graph.app(name, VxlanVtep, conf);
        else
            graph.app(name, GreTunnel, conf);
        for (const w of overlayMtuWarnings(lab).filter((x) => x.node === name))
            process.stderr.write(`warning: ${w.message}\n`);
    },
};
/** For people, a VTEP with a UDP underlay: its bound socket and where its datagrams go (null without one). */
export function udpUnderlaySummary(node, boundPort) {
    const udp = node.underlay.udp;
    if (udp === undefined)
        return null;
    const remotes = [...new Set([...Object.values(node.remotes).flat(), ...node.staticFdb.map((s) => s.remote)])];
    return `VXLAN on udp ${udp.local}:${boundPort}, remotes ${remotes.map((r) => `${r}:${udp.remotePort}`).join(' ') || 'none'}`;
}
/** Bytes a VTEP adds in front of an inner frame. */
export function overlayOverhead(node) {
    return node.mode === 'vxlan' ? VXLAN_OVERHEAD : 14 + 20 + 8 + (node.sequence ? 4 : 0) + (node.checksum ? 4 : 0);
}
/** The underlay MTU a VTEP assumes: its own setting, else its underlay link's MTU, else 1500. */
export function underlayMtu(lab, name, node) {
    if (node.underlay.mtu !== undefined)
        return node.underlay.mtu;
    const link = lab.links.find((l) => (l.a.node === name && l.a.iface === node.underlay.port) || (l.b.node === name && l.b.iface === node.underlay.port));
    return link?.mtu ?? 1500;
}
/**
 * MTU problems of the overlays in a lab: links on a VTEP's underlay path (through bridges) whose
 * MTU is below the VTEP's underlay MTU, and hosts on its access ports that can send packets larger
 * than the overlay MTU (they get ICMP fragmentation-needed with DF, drops without).
 */
export function overlayMtuWarnings(lab) {
    const out = [];
    const linkName = (i) => {
        const l = lab.links[i];
        return `link ${l.a.node}:${l.a.iface} <-> ${l.b.node}:${l.b.iface}`;
    };
    for (const [name, node] of Object.entries(lab.nodes)) {
        if (!isVtep(node))
            continue;
        const mtu = underlayMtu(lab, name, node);
        // Walk the underlay: from the VTEP's underlay link through bridge nodes.
        const seen = new Set();
        const queue = [{ node: name, iface: node.underlay.port }];
        const visitedNodes = new Set();
        while (queue.length > 0) {
            const ep = queue.shift();
            lab.links.forEach((l, i) => {
                const far = l.a.node === ep.node && l.a.iface === ep.iface ? l.b : l.b.node === ep.node && l.b.iface === ep.iface ? l.a : undefined;
                if (far === undefined || seen.has(i))
                    return;
                seen.add(i);
                const linkMtu = l.mtu ?? 1500;
                if (linkMtu < mtu)
                    out.push({ node: name, message: `${linkName(i)} has MTU ${linkMtu}, below the underlay MTU ${mtu} of ${name}: encapsulated frames larger than that are dropped on it` });
                if (lab.nodes[far.node]?.kind === 'bridge' && !visitedNodes.has(far.node)) {
                    visitedNodes.add(far.node);
                    for (const m of lab.links) {
                        if (m.a.node === far.node && m.a.iface !== far.iface)
                            queue.push(m.a);
                        if (m.b.node === far.node && m.b.iface !== far.iface)
                            queue.push(m.b);
                    }
                }
            });
        }
        const overlayMtu = mtu - overlayOverhead(node);
        for (const port of Object.keys(node.ports)) {
            const link = lab.links.find((l) => (l.a.node === name && l.a.iface === port) || (l.b.node === name && l.b.iface === port));
            if (link === undefined)
                continue;
            const far = link.a.node === name && link.a.iface === port ? link.b : link.a;
            const farNode = lab.nodes[far.node];
            const hostMtu = isHost(farNode) ? Math.max(0, ...Object.values(farNode.interfaces).filter((i) => (i.parent ?? far.iface) === far.iface).map((i) => i.mtu ?? 1500)) : 1500;
            const sendable = Math.min(hostMtu, link.mtu ?? 1500);
            if (sendable > overlayMtu) {
                out.push({ node: name, message: `${far.node}:${far.iface} can send ${sendable}-byte packets but the overlay MTU of ${name}:${port} is ${overlayMtu} (underlay ${mtu} - ${overlayOverhead(node)}): larger packets get ICMP fragmentation-needed with DF and are dropped without` });
            }
        }
    }
    return out;
}
function parseVtep(v, node, path) {
    const kindMode = node.kind === 'gre' ? 'gre' : 'vxlan';
    let mode = kindMode;
    if (node.mode !== undefined) {
        if (node.mode !== 'vxlan' && node.mode !== 'gre')
            v.fail([...path, 'mode'], `must be vxlan or gre, got ${describe(node.mode)}`);
        else if (node.kind !== 'vtep' && node.mode !== kindMode)
            v.fail([...path, 'mode'], `kind ${String(node.kind)} is mode ${kindMode}`);
        else
            mode = node.mode;
    }
    const field = mode === 'vxlan' ? 'vni' : 'key';
    const maxId = mode === 'vxlan' ? 0xffffff : 0xffffffff;
    const id = (x, p) => {
        const n = typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x;
        return v.int(n, p, 0, maxId);
    };
    const up = [...path, 'underlay'];
    const u = v.object(node.underlay, up) ?? {};
    v.allowOnly(u, up, ['port', 'ip', 'mac', 'gateway', 'mtu', 'udp']);
    const udp = u.udp === undefined ? undefined : parseUdpUnderlay(v, u, mode, [...up, 'udp']);
    const underlay = {
        port: u.port === undefined ? 'underlay' : v.string(u.port, [...up, 'port']) ?? 'underlay',
        ip: udp !== undefined ? `${udp.local}/32` : v.cidr(u.ip, [...up, 'ip']) ?? '0.0.0.0/32',
        ...(u.mac !== undefined ? { mac: v.mac(u.mac, [...up, 'mac']) } : {}),
        ...(u.gateway !== undefined ? { gateway: v.ip(u.gateway, [...up, 'gateway']) } : {}),
        ...(u.mtu !== undefined ? { mtu: v.int(u.mtu, [...up, 'mtu'], 128, 65535) } : {}),
        ...(udp !== undefined ? { udp } : {}),
    };
    const ports = {};
    const segments = new Set();
    let anyFlow = false;
    const rawPorts = v.object(node.ports, [...path, 'ports']) ?? {};
    for (const [port, raw] of Object.entries(rawPorts)) {
        const pp = [...path, 'ports', port];
        if (port === underlay.port)
            v.fail(pp, `${port} is the underlay port`, true);
        const list = Array.isArray(raw) ? raw : [raw];
        const bindings = [];
        list.forEach((b, i) => {
            const bp = Array.isArray(raw) ? [...pp, i] : pp;
            if (typeof b === 'number') {
                const s = id(b, bp);
                if (s !== undefined)
                    bindings.push({ segment: s });
                return;
            }
            const o = v.object(b, bp);
            if (o === undefined)
                return;
            v.allowOnly(o, bp, mode === 'gre' ? ['key', 'vlan', 'payload'] : ['vni', 'vlan']);
            const s = o[field] === 'flow' ? 'flow' : id(o[field], [...bp, field]);
            const vlan = o.vlan === undefined ? undefined : v.int(o.vlan, [...bp, 'vlan'], 1, 4094);
            let payload;
            if (o.payload !== undefined) {
                if (o.payload === 'ethernet' || o.payload === 'ip')
                    payload = o.payload;
                else
                    v.fail([...bp, 'payload'], `must be ethernet or ip, got ${describe(o.payload)}`);
            }
            if (s !== undefined)
                bindings.push({ segment: s, ...(vlan !== undefined ? { vlan } : {}), ...(payload !== undefined ? { payload } : {}) });
        });
        if (list.length > 1 && bindings.some((b) => b.vlan === undefined))
            v.fail(pp, 'a port with several bindings is a trunk: give each a vlan');
        if (bindings.some((b) => b.segment === 'flow') && (list.length > 1 || bindings.some((b) => b.vlan !== undefined || b.payload !== undefined)))
            v.fail(pp, `a ${field}: flow binding is the port's only one, without vlan or payload`);
        for (const b of bindings) {
            if (b.segment === 'flow')
                anyFlow = true;
            else
                segments.add(b.segment);
        }
        ports[port] = bindings;
    }
    const segmentKey = (k, p) => {
        const s = id(k, p);
        if (s === undefined)
            return undefined;
        if (!segments.has(s) && !anyFlow) {
            v.fail(p, `${field} ${s} is not bound to any port of this node`, true);
            return undefined;
        }
        return String(s);
    };
    const remotes = {};
    if (node.remotes !== undefined) {
        for (const [k, list] of Object.entries(v.object(node.remotes, [...path, 'remotes']) ?? {})) {
            const rp = [...path, 'remotes', k];
            const key = segmentKey(k, rp);
            if (!Array.isArray(list)) {
                v.fail(rp, 'must be a list of remote underlay addresses');
                continue;
            }
            const ips = list.map((x, i) => v.ip(x, [...rp, i])).filter((x) => x !== undefined);
            if (ips.includes(underlay.ip.split('/')[0]))
                v.fail(rp, 'lists this endpoint itself');
            if (key !== undefined)
                remotes[key] = ips;
        }
    }
    const staticFdb = [];
    if (node.static_fdb !== undefined) {
        if (!Array.isArray(node.static_fdb))
            v.fail([...path, 'static_fdb'], `must be a list of { ${field}, mac, remote }`);
        else
            node.static_fdb.forEach((raw, i) => {
                const sp = [...path, 'static_fdb', i];
                const e = v.object(raw, sp);
                if (e === undefined)
                    return;
                v.allowOnly(e, sp, [field, 'mac', 'remote']);
                const key = segmentKey(String(e[field]), [...sp, field]);
                const mac = v.mac(e.mac, [...sp, 'mac']);
                const remote = v.ip(e.remote, [...sp, 'remote']);
                if (key !== undefined && mac && remote)
                    staticFdb.push({ segment: Number(key), mac, remote });
            });
    }
    const arpSuppress = {};
    if (node.arp_suppress !== undefined) {
        for (const [k, table] of Object.entries(v.object(node.arp_suppress, [...path, 'arp_suppress']) ?? {})) {
            const ap = [...path, 'arp_suppress', k];
            const key = segmentKey(k, ap);
            const t = v.object(table, ap);
            if (t === undefined || key === undefined)
                continue;
            const entries = {};
            for (const [ip, mac] of Object.entries(t)) {
                const a = v.ip(ip, [...ap, ip]);
                const m = v.mac(mac, [...ap, ip]);
                if (a && m)
                    entries[a] = m;
            }
            arpSuppress[key] = entries;
        }
    }
    const learning = node.learning === undefined ? true : v.bool(node.learning, [...path, 'learning']) ?? true;
    let sequence = false;
    let checksum = false;
    if (node.gre !== undefined) {
        const gp = [...path, 'gre'];
        if (mode !== 'gre')
            v.fail(gp, 'only meaningful with mode gre', true);
        const g = v.object(node.gre, gp) ?? {};
        v.allowOnly(g, gp, ['sequence', 'checksum']);
        if (g.sequence !== undefined)
            sequence = v.bool(g.sequence, [...gp, 'sequence']) ?? false;
        if (g.checksum !== undefined)
            checksum = v.bool(g.checksum, [...gp, 'checksum']) ?? false;
    }
    return { kind: 'vtep', mode, underlay, ports, remotes, learning, staticFdb, arpSuppress, sequence, checksum };
}
/** `underlay.udp`: an address, or { local, port, remote_port, offloads }; the wire-side fields do not apply to it. */
function parseUdpUnderlay(v, u, mode, path) {
    const parent = path.slice(0, -1);
    if (mode !== 'vxlan')
        v.fail(path, 'a UDP underlay carries VXLAN only (GRE is IP protocol 47, not UDP)');
    for (const f of ['ip', 'mac', 'gateway', 'port']) {
        if (u[f] !== undefined)
            v.fail([...parent, f], `does not apply with udp: the socket's address is udp.local, and the kernel routes and resolves the underlay`);
    }
    const raw = u.udp;
    if (typeof raw === 'string') {
        const local = v.ip(raw, path);
        return local === undefined ? undefined : { local, port: 4789, remotePort: 4789, offloads: true };
    }
    const o = v.object(raw, path);
    if (o === undefined)
        return undefined;
    v.allowOnly(o, path, ['local', 'port', 'remote_port', 'offloads']);
    const local = v.ip(o.local, [...path, 'local']);
    const port = o.port === undefined ? 4789 : v.int(o.port, [...path, 'port'], 1, 65535);
    const remotePort = o.remote_port === undefined ? 4789 : v.int(o.remote_port, [...path, 'remote_port'], 1, 65535);
    const offloads = o.offloads === undefined ? true : v.bool(o.offloads, [...path, 'offloads']);
    if (local === undefined || port === undefined || remotePort === undefined || offloads === undefined)
        return undefined;
    return { local, port, remotePort, offloads };
}
//# sourceMappingURL=vtep.js.map