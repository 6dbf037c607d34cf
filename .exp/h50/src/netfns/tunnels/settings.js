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
/** Most segments one endpoint serves (the FDB keys a segment in 12 bits). */
export const MAX_SEGMENTS = 4095;
export function resolveOverlayConf(who, field, conf) {
    const fail = (where, msg) => {
        throw new Error(`${who}: ${where}: ${msg}`);
    };
    const maxId = field === 'vni' ? 0xffffff : 0xffffffff;
    const segmentId = (v, where) => {
        const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > maxId)
            fail(where, `${field} must be an integer 0..${maxId}, got ${JSON.stringify(v)}`);
        return n;
    };
    const ip = (v, where) => {
        if (typeof v !== 'string')
            return fail(where, `expected an IPv4 address, got ${JSON.stringify(v)}`);
        try {
            return parseIpv4Addr(v);
        }
        catch (e) {
            return fail(where, e.message);
        }
    };
    const mac = (v, where) => {
        if (typeof v !== 'string')
            return fail(where, `expected a MAC address, got ${JSON.stringify(v)}`);
        let m;
        try {
            m = parseMac(v);
        }
        catch (e) {
            return fail(where, e.message);
        }
        if (isMulticast(m))
            fail(where, `${v} is a group address`);
        return m;
    };
    if (typeof conf !== 'object' || conf === null)
        fail('conf', 'expected an object');
    const u = conf.underlay;
    if (typeof u !== 'object' || u === null)
        fail('underlay', 'expected { ip, mac?, gateway?, mtu?, neighbours? }');
    let cidr;
    try {
        cidr = parseCidr(String(u.ip));
    }
    catch (e) {
        return fail('underlay.ip', e.message);
    }
    const underlayMac = u.mac === undefined ? 0x0e00 * 2 ** 32 + cidr.addr : mac(u.mac, 'underlay.mac');
    const gateway = u.gateway === undefined ? 0 : ip(u.gateway, 'underlay.gateway');
    if (gateway !== 0 && ((gateway ^ cidr.addr) & prefixMask(cidr.prefixLen)) !== 0)
        fail('underlay.gateway', `${u.gateway} is outside ${u.ip}`);
    const mtu = u.mtu ?? 1500;
    if (!Number.isInteger(mtu) || mtu < 128 || mtu > 65535)
        fail('underlay.mtu', `must be an integer 128..65535, got ${JSON.stringify(u.mtu)}`);
    const neighbours = new Map();
    for (const [k, v] of Object.entries(u.neighbours ?? {}))
        neighbours.set(ip(k, `underlay.neighbours.${k}`), mac(v, `underlay.neighbours.${k}`));
    const underlayPort = u.port ?? 'underlay';
    const segments = [];
    const segmentPayload = new Map();
    const addSegment = (id) => {
        if (!segments.includes(id))
            segments.push(id);
    };
    const ports = new Map();
    const flowPorts = new Set();
    if (typeof conf.ports !== 'object' || conf.ports === null)
        fail('ports', 'expected a mapping of access port -> segment');
    for (const [name, raw] of Object.entries(conf.ports)) {
        if (name === underlayPort)
            fail(`ports.${name}`, 'is the underlay port');
        const list = Array.isArray(raw) ? raw : [raw];
        if (list.length === 0)
            fail(`ports.${name}`, 'needs at least one binding');
        const bindings = [];
        list.forEach((b, i) => {
            const where = Array.isArray(raw) ? `ports.${name}[${i}]` : `ports.${name}`;
            let id;
            let vlan = 0;
            if (typeof b === 'number')
                id = segmentId(b, where);
            else if (typeof b === 'object' && b !== null) {
                const o = b;
                if (o[field] === 'flow') {
                    if (list.length !== 1 || o.vlan !== undefined || o.payload !== undefined)
                        fail(where, `a ${field}: flow binding is the port's only one, without vlan or payload`);
                    flowPorts.add(name);
                    return;
                }
                id = segmentId(o[field], `${where}.${field}`);
                if (o.vlan !== undefined) {
                    if (!Number.isInteger(o.vlan) || o.vlan < 1 || o.vlan > 4094)
                        fail(`${where}.vlan`, `must be 1..4094, got ${JSON.stringify(o.vlan)}`);
                    vlan = o.vlan;
                }
                if (o.payload !== undefined) {
                    if (field !== 'key')
                        fail(`${where}.payload`, 'only GRE carries a payload other than Ethernet');
                    if (o.payload !== 'ethernet' && o.payload !== 'ip')
                        fail(`${where}.payload`, `must be ethernet or ip, got ${JSON.stringify(o.payload)}`);
                    const before = segmentPayload.get(id);
                    if (before !== undefined && before !== o.payload)
                        fail(`${where}.payload`, `key ${id} is already ${before}`);
                    segmentPayload.set(id, o.payload);
                }
            }
            else
                return fail(where, `expected a ${field} or { ${field}, vlan? }`);
            if (bindings.some((x) => x.vlan === vlan))
                fail(where, vlan === 0 ? 'two untagged bindings' : `VLAN ${vlan} bound twice`);
            if (bindings.some((x) => x.segment === id))
                fail(where, `${field} ${id} bound twice on one port`);
            bindings.push({ segment: id, vlan });
            addSegment(id);
        });
        ports.set(name, bindings);
    }
    // A flow port serves whatever the flood lists name.
    for (const name of flowPorts) {
        const ids = Object.keys(conf.flood ?? {}).map((k) => segmentId(k, `flood.${k}`));
        if (ids.length === 0)
            fail(`ports.${name}`, `a ${field}: flow port needs the segments it carries listed in flood`);
        for (const id of ids)
            addSegment(id);
        ports.set(name, ids.map((id) => ({ segment: id, vlan: 0 })));
    }
    for (const id of segments)
        if (!segmentPayload.has(id))
            segmentPayload.set(id, 'ethernet');
    const flood = new Map();
    for (const [k, list] of Object.entries(conf.flood ?? {})) {
        const id = segmentId(k, `flood.${k}`);
        if (!segments.includes(id))
            fail(`flood.${k}`, `${field} ${id} is not bound to any access port`);
        if (!Array.isArray(list))
            fail(`flood.${k}`, 'expected a list of remote underlay addresses');
        const ips = list.map((x, i) => ip(x, `flood.${k}[${i}]`));
        if (ips.includes(cidr.addr))
            fail(`flood.${k}`, 'lists this endpoint itself');
        flood.set(id, [...new Set(ips)]);
    }
    const statics = (conf.static ?? []).map((s, i) => {
        const where = `static[${i}]`;
        const id = segmentId(s[field], `${where}.${field}`);
        if (!segments.includes(id))
            fail(`${where}.${field}`, `${field} ${id} is not bound to any access port`);
        return { segment: id, mac: mac(s.mac, `${where}.mac`), remote: ip(s.remote, `${where}.remote`) };
    });
    const arpSuppress = new Map();
    for (const [k, table] of Object.entries(conf.arpSuppress ?? {})) {
        const id = segmentId(k, `arpSuppress.${k}`);
        if (!segments.includes(id))
            fail(`arpSuppress.${k}`, `${field} ${id} is not bound to any access port`);
        const m = new Map();
        for (const [a, b] of Object.entries(table))
            m.set(ip(a, `arpSuppress.${k}.${a}`), mac(b, `arpSuppress.${k}.${a}`));
        arpSuppress.set(id, m);
    }
    for (const id of segments) {
        if (segmentPayload.get(id) !== 'ip')
            continue;
        const members = [...ports.values()].flat().filter((b) => b.segment === id).length;
        if (members !== 1)
            fail(`ports`, `IP-over-GRE key ${id} needs exactly one access port binding, has ${members}`);
        if ((flood.get(id) ?? []).length !== 1)
            fail(`flood.${id}`, `IP-over-GRE key ${id} is point to point: list exactly one remote`);
    }
    if (segments.length > MAX_SEGMENTS)
        fail('ports', `at most ${MAX_SEGMENTS} segments, got ${segments.length}`);
    const learning = conf.learning ?? true;
    if (typeof learning !== 'boolean')
        fail('learning', 'must be true or false');
    const fdbMax = conf.fdbMax ?? 4096;
    if (!Number.isInteger(fdbMax) || fdbMax < 1 || fdbMax > 1 << 24)
        fail('fdbMax', `must be an integer 1..${1 << 24}`);
    const ageingTime = conf.ageingTime ?? 300;
    if (typeof ageingTime !== 'number' || !(ageingTime > 0))
        fail('ageingTime', 'must be a positive number of seconds');
    const pendingMax = conf.pendingMax ?? 64;
    if (!Number.isInteger(pendingMax) || pendingMax < 1 || pendingMax > 65536)
        fail('pendingMax', 'must be an integer 1..65536');
    return {
        underlayPort, ip: cidr.addr, prefixLen: cidr.prefixLen, mac: underlayMac, gateway, mtu, neighbours,
        ports, flowPorts, segments, segmentPayload, flood, learning, statics, arpSuppress, fdbMax, ageingTime, pendingMax,
    };
}
//# sourceMappingURL=settings.js.map