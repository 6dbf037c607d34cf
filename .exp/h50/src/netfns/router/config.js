/**
 * Router configuration: the shape a lab file (or a test) gives a router, and its checked,
 * resolved form. Runs at configure time only and throws naming the router, the interface or
 * route, and what is wrong.
 *
 * VRFs are routing tables by name: an interface's `vrf` names the table that routes what it
 * receives (and gets its connected routes); a route's `table` names the table it goes in
 * (default: the table of its `dev`, else `main`). A route's next hop may leave through an
 * interface of another table, which is how routes leak between VRFs on purpose.
 */
import { deriveMac } from '../../hosts/config.js';
import { broadcastOf, inPrefix, networkOf, parseCidr, parseIpv4Addr } from '../../wire/ipv4-addr.js';
import { isMulticast, parseMac } from '../../wire/mac.js';
export const MAIN_TABLE = 'main';
/** One interface: an engine port of the same name. */
export class RouterIface {
    index;
    name;
    mac;
    /** The MAC's top 16 bits and low 32 bits, for writing and comparing headers word by word. */
    macHi;
    macLo;
    mtu;
    table;
    addrs;
    rxPackets = 0;
    rxBytes = 0;
    txPackets = 0;
    txBytes = 0;
    constructor(index, name, mac, mtu, table, addrs) {
        this.index = index;
        this.name = name;
        this.mac = mac;
        this.macHi = Math.floor(mac / 0x1_0000_0000);
        this.macLo = mac % 0x1_0000_0000;
        this.mtu = mtu;
        this.table = table;
        this.addrs = addrs;
    }
    owns(addr) {
        for (const a of this.addrs)
            if (a.addr === addr)
                return true;
        return false;
    }
    /** The address to send from towards `dst`: one whose subnet holds it, else the primary, else 0. */
    sourceFor(dst) {
        for (const a of this.addrs)
            if (inPrefix(dst, a.addr, a.prefixLen))
                return a.addr;
        return this.addrs.length > 0 ? this.addrs[0].addr : 0;
    }
}
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
function wrapError(where, f) {
    try {
        return f();
    }
    catch (e) {
        throw new Error(`${where}: ${e.message}`);
    }
}
export function resolveRouterConf(router, conf) {
    const where = `router ${router}`;
    if (conf === null || typeof conf !== 'object' || conf.interfaces === null || typeof conf.interfaces !== 'object') {
        throw new Error(`${where}: configuration needs an 'interfaces' object`);
    }
    const names = Object.keys(conf.interfaces);
    if (names.length === 0)
        throw new Error(`${where}: no interfaces`);
    const ifaces = [];
    const seen = new Map();
    const tables = [MAIN_TABLE];
    for (const name of names) {
        const ic = conf.interfaces[name] ?? {};
        const w = `${where}: interface ${name}`;
        if (!NAME.test(name))
            throw new Error(`${w}: names look like eth0 (letters, digits, _ and -)`);
        const mac = ic.mac !== undefined ? wrapError(w, () => parseMac(ic.mac)) : deriveMac(router, name);
        if (isMulticast(mac))
            throw new Error(`${w}: MAC ${ic.mac} is a multicast address`);
        const mtu = ic.mtu ?? 1500;
        if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
            throw new Error(`${w}: mtu must be an integer 68-65535, got ${mtu}`);
        const table = ic.vrf ?? MAIN_TABLE;
        if (!NAME.test(table))
            throw new Error(`${w}: vrf ${JSON.stringify(table)} is not a name (letters, digits, _ and -)`);
        if (!tables.includes(table))
            tables.push(table);
        const addrs = [];
        for (const text of [...(ic.ip !== undefined ? [ic.ip] : []), ...(ic.ips ?? [])]) {
            if (!text.includes('/'))
                throw new Error(`${w}: address ${text} needs a prefix length, e.g. ${text}/24`);
            const c = wrapError(w, () => parseCidr(text));
            if (c.addr === 0 || c.addr >>> 28 >= 0xe || c.addr >>> 24 === 127 || (c.prefixLen < 31 && (c.addr === networkOf(c.addr, c.prefixLen) || c.addr === broadcastOf(c.addr, c.prefixLen)))) {
                throw new Error(`${w}: ${text} is not a usable host address`);
            }
            const other = seen.get(c.addr);
            if (other !== undefined)
                throw new Error(`${w}: address ${text} is already on ${other}`);
            seen.set(c.addr, name);
            addrs.push({ addr: c.addr, prefixLen: c.prefixLen, broadcast: c.prefixLen < 31 ? broadcastOf(c.addr, c.prefixLen) : 0 });
        }
        ifaces.push(new RouterIface(ifaces.length, name, mac, mtu, table, addrs));
    }
    const byName = new Map(ifaces.map((i) => [i.name, i]));
    const routes = (conf.routes ?? []).map((rc) => resolveRoute(where, rc, ifaces, byName));
    for (const r of routes)
        if (!tables.includes(r.table))
            tables.push(r.table);
    const neighbours = (conf.neighbours ?? []).map((n) => {
        const w = `${where}: neighbour ${n.ip} dev ${n.dev}`;
        const iface = byName.get(n.dev);
        if (iface === undefined)
            throw new Error(`${w}: no interface ${n.dev}`);
        const mac = wrapError(w, () => parseMac(n.mac));
        if (isMulticast(mac))
            throw new Error(`${w}: MAC ${n.mac} is a multicast address`);
        return { ifIndex: iface.index, ip: wrapError(w, () => parseIpv4Addr(n.ip)), mac };
    });
    const a = conf.arp ?? {};
    const arp = {
        reachableTime: positive(where, 'arp.reachableTime', a.reachableTime ?? 30e9),
        staleTime: positive(where, 'arp.staleTime', a.staleTime ?? 60e9),
        retransTime: positive(where, 'arp.retransTime', a.retransTime ?? 1e9),
        probes: positiveInt(where, 'arp.probes', a.probes ?? 3),
        queueLength: positiveInt(where, 'arp.queueLength', a.queueLength ?? 8),
        cacheSize: positiveInt(where, 'arp.cacheSize', a.cacheSize ?? 1024),
    };
    const maxRoutes = positiveInt(where, 'maxRoutes', conf.maxRoutes ?? 4096);
    const maxTbl8Groups = positiveInt(where, 'maxTbl8Groups', conf.maxTbl8Groups ?? 256);
    const icmpErrorRate = conf.icmpErrorRate ?? 1000;
    if (!(icmpErrorRate >= 0) || !Number.isFinite(icmpErrorRate))
        throw new Error(`${where}: icmpErrorRate must be a number >= 0, got ${icmpErrorRate}`);
    const icmpErrorBurst = positiveInt(where, 'icmpErrorBurst', conf.icmpErrorBurst ?? 50);
    const ttl = conf.ttl ?? 64;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255)
        throw new Error(`${where}: ttl must be an integer 1-255, got ${ttl}`);
    return { ifaces, tables, routes, neighbours, arp, maxRoutes, maxTbl8Groups, icmpErrorRate, icmpErrorBurst, ttl };
}
/** Checks one static route against the interfaces; used at configure time and by `addRoute`. */
export function resolveRoute(where, rc, ifaces, byName) {
    const hopConfs = rc.nexthops !== undefined ? [...rc.nexthops] : [{ ...(rc.via !== undefined ? { via: rc.via } : {}), ...(rc.dev !== undefined ? { dev: rc.dev } : {}) }];
    const w = `${where}: route ${rc.dst}${rc.via !== undefined ? ` via ${rc.via}` : ''}${rc.dev !== undefined ? ` dev ${rc.dev}` : ''}`;
    if (rc.nexthops !== undefined && (rc.via !== undefined || rc.dev !== undefined))
        throw new Error(`${w}: give either via/dev or nexthops, not both`);
    if (hopConfs.length === 0)
        throw new Error(`${w}: nexthops is empty`);
    let dst = 0;
    let len = 0;
    if (rc.dst !== 'default') {
        if (typeof rc.dst !== 'string' || !rc.dst.includes('/'))
            throw new Error(`${w}: dst must be a prefix like 10.1.0.0/16 or default`);
        const c = wrapError(w, () => parseCidr(rc.dst));
        dst = networkOf(c.addr, c.prefixLen);
        len = c.prefixLen;
    }
    const firstDev = hopConfs[0].dev;
    const table = rc.table ?? (firstDev !== undefined ? byName.get(firstDev)?.table : undefined) ?? MAIN_TABLE;
    if (!NAME.test(table))
        throw new Error(`${w}: table ${JSON.stringify(table)} is not a name (letters, digits, _ and -)`);
    const hops = hopConfs.map((h) => {
        const via = h.via !== undefined ? wrapError(w, () => parseIpv4Addr(h.via)) : 0;
        if (h.dev !== undefined) {
            const iface = byName.get(h.dev);
            if (iface === undefined)
                throw new Error(`${w}: no interface ${h.dev}`);
            return { via, ifIndex: iface.index };
        }
        if (h.via === undefined)
            throw new Error(`${w}: a next hop needs via or dev`);
        const candidates = ifaces.filter((i) => i.addrs.some((a) => inPrefix(via, a.addr, a.prefixLen)));
        const iface = candidates.find((i) => i.table === table) ?? candidates[0];
        if (iface === undefined)
            throw new Error(`${w}: gateway ${h.via} is not in any connected subnet (give dev to choose the interface)`);
        if (iface.owns(via))
            throw new Error(`${w}: gateway ${h.via} is an address of this router`);
        return { via, ifIndex: iface.index };
    });
    const keys = new Set(hops.map((h) => `${h.via}/${h.ifIndex}`));
    if (keys.size !== hops.length)
        throw new Error(`${w}: the same next hop is listed twice`);
    return { table, dst, len, hops };
}
function positive(where, what, v) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
        throw new Error(`${where}: ${what} must be a positive number, got ${v}`);
    return v;
}
function positiveInt(where, what, v) {
    if (!Number.isInteger(v) || v < 1)
        throw new Error(`${where}: ${what} must be a positive integer, got ${v}`);
    return v;
}
/** `resolveRoute` for a route added at run time, against the router's interfaces. */
export function resolveRouteConfAgainst(router, rc, ifaces) {
    return resolveRoute(`router ${router}`, rc, ifaces, new Map(ifaces.map((i) => [i.name, i])));
}
//# sourceMappingURL=config.js.map