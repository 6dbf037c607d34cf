/**
 * Host configuration: the shape a lab file gives a host, and its checked, resolved form.
 *
 * Everything here runs at configure time and throws clear errors naming the host, the
 * interface or route, and what is wrong. The datapath only ever sees the resolved numbers.
 */
import { formatIpv4Addr, parseCidr, parseIpv4Addr, prefixMask, broadcastOf, networkOf, inPrefix } from '../wire/ipv4-addr.js';
import { isMulticast, parseMac } from '../wire/mac.js';
/** A port of the host: one engine port (`h1.eth0`), carrying untagged and 802.1Q-tagged frames. */
export class HostPort {
    index;
    name;
    /** The interface that takes untagged (and priority-tagged, VID 0) frames, if any. */
    untagged = null;
    /** Interfaces that take tagged frames, by VLAN id. */
    vlans = new Map();
    constructor(index, name) {
        this.index = index;
        this.name = name;
    }
}
/** One IPv4 interface of a host (`eth0`, or a VLAN sub-interface `eth0.10`) with its counters. */
export class Iface {
    index;
    name;
    port;
    mac;
    mtu;
    /** VLAN id of the 802.1Q tag this interface sends and expects, 0 for untagged. */
    vlan;
    addrs;
    rxPackets = 0;
    rxBytes = 0;
    txPackets = 0;
    txBytes = 0;
    constructor(index, name, port, mac, mtu, vlan, addrs) {
        this.index = index;
        this.name = name;
        this.port = port;
        this.mac = mac;
        this.mtu = mtu;
        this.vlan = vlan;
        this.addrs = addrs;
    }
    /** True when `addr` is one of this interface's addresses. */
    owns(addr) {
        const a = this.addrs;
        for (let i = 0; i < a.length; i++)
            if (a[i].addr === addr)
                return true;
        return false;
    }
    /** True when `addr` is the directed broadcast of one of this interface's subnets. */
    isBroadcast(addr) {
        const a = this.addrs;
        for (let i = 0; i < a.length; i++)
            if (a[i].broadcast === addr && addr !== 0)
                return true;
        return false;
    }
    /** The address to send from towards `dst`: one whose subnet holds it, else the primary, else 0. */
    sourceFor(dst) {
        const a = this.addrs;
        for (let i = 0; i < a.length; i++)
            if (inPrefix(dst, a[i].addr, a[i].prefixLen))
                return a[i].addr;
        return a.length > 0 ? a[0].addr : 0;
    }
}
export const DEFAULT_MTU = 1500;
export const MAX_MTU = 65535;
/**
 * Checks a host configuration and turns it into ports, interfaces and routes; throws naming
 * what is wrong. The VLAN rules follow the lab file: `eth0.10` (or `{ parent: 'eth0', vlan: 10 }`)
 * rides on port `eth0`, which need not be an interface of its own; `{ vlan: 10 }` without a
 * parent makes the port itself send tagged frames.
 */
export function resolveHostConf(host, conf) {
    const where = `host ${host}`;
    if (conf === null || typeof conf !== 'object' || conf.interfaces === null || typeof conf.interfaces !== 'object') {
        throw new Error(`${where}: configuration needs an 'interfaces' object`);
    }
    const names = Object.keys(conf.interfaces);
    if (names.length === 0)
        throw new Error(`${where}: no interfaces`);
    // Where each interface rides: its port and VLAN.
    const placement = new Map();
    for (const name of names) {
        const ic = conf.interfaces[name] ?? {};
        const w = `${where}: interface ${name}`;
        if (!/^[A-Za-z0-9_][A-Za-z0-9_\-]*(\.\d+)?$/.test(name))
            throw new Error(`${w}: names look like eth0 or eth0.10`);
        const dotted = /^(.+)\.(\d+)$/.exec(name);
        let parent = ic.parent;
        let vlan = ic.vlan;
        if (parent === undefined && vlan === undefined && dotted !== null) {
            parent = dotted[1];
            vlan = Number(dotted[2]);
        }
        if (parent !== undefined && vlan === undefined)
            throw new Error(`${w}: parent ${parent} given without a vlan id`);
        if (vlan !== undefined && (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094))
            throw new Error(`${w}: vlan must be an integer 1-4094, got ${vlan}`);
        placement.set(name, { port: parent ?? name, vlan: vlan ?? 0 });
    }
    for (const [name, pl] of placement) {
        if (pl.port === name)
            continue;
        const parentPl = placement.get(pl.port);
        if (parentPl !== undefined && parentPl.vlan !== 0)
            throw new Error(`${where}: interface ${name}: parent ${pl.port} is itself a VLAN interface`);
    }
    const ports = [];
    const portByName = new Map();
    const ifaces = [];
    const byName = new Map();
    const seenAddrs = new Map();
    const portOf = (name) => {
        let port = portByName.get(name);
        if (port === undefined) {
            port = new HostPort(ports.length, name);
            ports.push(port);
            portByName.set(name, port);
        }
        return port;
    };
    const build = (name) => {
        const ic = conf.interfaces[name] ?? {};
        const pl = placement.get(name);
        const w = `${where}: interface ${name}`;
        const parent = pl.port !== name ? byName.get(pl.port) : undefined;
        let mac;
        if (ic.mac !== undefined) {
            try {
                mac = parseMac(ic.mac);
            }
            catch (e) {
                throw new Error(`${w}: ${e.message}`);
            }
            if (isMulticast(mac))
                throw new Error(`${w}: MAC ${ic.mac} is a multicast address`);
        }
        else {
            // A sub-interface shares its parent's MAC, as Linux VLAN devices do.
            mac = parent !== undefined ? parent.mac : deriveMac(host, pl.port);
        }
        const mtu = ic.mtu ?? parent?.mtu ?? DEFAULT_MTU;
        if (!Number.isInteger(mtu) || mtu < 68 || mtu > MAX_MTU)
            throw new Error(`${w}: mtu must be an integer 68-${MAX_MTU}, got ${mtu}`);
        if (parent !== undefined && mtu > parent.mtu)
            throw new Error(`${w}: mtu ${mtu} exceeds parent ${parent.name} mtu ${parent.mtu}`);
        const texts = [...(ic.ip !== undefined ? [ic.ip] : []), ...(ic.ips ?? [])];
        const addrs = [];
        for (const text of texts) {
            let c;
            try {
                c = parseCidr(text);
            }
            catch (e) {
                throw new Error(`${w}: ${e.message}`);
            }
            if (!text.includes('/'))
                throw new Error(`${w}: address ${text} needs a prefix length, e.g. ${text}/24`);
            if (c.addr === 0 || c.addr >>> 28 >= 0xe || (c.prefixLen < 31 && (c.addr === networkOf(c.addr, c.prefixLen) || c.addr === broadcastOf(c.addr, c.prefixLen)))) {
                throw new Error(`${w}: ${text} is not a usable host address`);
            }
            const other = seenAddrs.get(c.addr);
            if (other !== undefined)
                throw new Error(`${w}: address ${formatIpv4Addr(c.addr)} is already on ${other}`);
            seenAddrs.set(c.addr, name);
            addrs.push({ addr: c.addr, prefixLen: c.prefixLen, broadcast: c.prefixLen < 31 ? broadcastOf(c.addr, c.prefixLen) : 0 });
        }
        const port = portOf(pl.port);
        if (pl.vlan !== 0 && port.vlans.has(pl.vlan)) {
            throw new Error(`${w}: vlan ${pl.vlan} on port ${port.name} is already taken by ${port.vlans.get(pl.vlan).name}`);
        }
        const iface = new Iface(ifaces.length, name, port, mac, mtu, pl.vlan, addrs);
        if (pl.vlan === 0)
            port.untagged = iface;
        else
            port.vlans.set(pl.vlan, iface);
        ifaces.push(iface);
        byName.set(name, iface);
        return iface;
    };
    // Interfaces on their own port first, so sub-interfaces find their parents whatever the order.
    for (const name of names)
        if (placement.get(name).port === name)
            build(name);
    for (const name of names)
        if (placement.get(name).port !== name)
            build(name);
    // Connected routes, then static ones, then the gateway.
    const routes = [];
    for (const iface of ifaces) {
        for (const a of iface.addrs) {
            const dst = networkOf(a.addr, a.prefixLen);
            if (routes.some((r) => r.dst === dst && r.prefixLen === a.prefixLen))
                continue;
            routes.push({ dst, prefixLen: a.prefixLen, mask: prefixMask(a.prefixLen), via: 0, ifIndex: iface.index, proto: 'kernel', src: a.addr });
        }
    }
    const statics = [...(conf.routes ?? [])];
    if (conf.gateway !== undefined)
        statics.push({ dst: 'default', via: conf.gateway });
    for (const rc of statics) {
        const w = `${where}: route ${rc.dst}${rc.via !== undefined ? ` via ${rc.via}` : ''}${rc.dev !== undefined ? ` dev ${rc.dev}` : ''}`;
        let dst;
        let prefixLen;
        let via = 0;
        try {
            if (rc.dst === 'default') {
                dst = 0;
                prefixLen = 0;
            }
            else {
                const c = parseCidr(rc.dst);
                dst = networkOf(c.addr, c.prefixLen);
                prefixLen = c.prefixLen;
            }
            if (rc.via !== undefined)
                via = parseIpv4Addr(rc.via);
        }
        catch (e) {
            throw new Error(`${w}: ${e.message}`);
        }
        let iface;
        if (rc.dev !== undefined) {
            iface = byName.get(rc.dev);
            if (iface === undefined)
                throw new Error(`${w}: no interface ${rc.dev}`);
        }
        else if (rc.via !== undefined) {
            iface = ifaces.find((i) => i.addrs.some((a) => inPrefix(via, a.addr, a.prefixLen)));
            if (iface === undefined)
                throw new Error(`${w}: gateway ${rc.via} is not in any connected subnet (give dev to force the interface)`);
        }
        else {
            throw new Error(`${w}: needs via or dev`);
        }
        if (routes.some((r) => r.dst === dst && r.prefixLen === prefixLen))
            throw new Error(`${w}: a route to ${formatIpv4Addr(dst)}/${prefixLen} already exists`);
        routes.push({ dst, prefixLen, mask: prefixMask(prefixLen), via, ifIndex: iface.index, proto: 'static', src: 0 });
    }
    const maxRoutes = conf.maxRoutes ?? 64;
    if (!Number.isInteger(maxRoutes) || maxRoutes < 1)
        throw new Error(`${where}: maxRoutes must be a positive integer, got ${maxRoutes}`);
    if (routes.length > maxRoutes)
        throw new Error(`${where}: ${routes.length} routes exceed maxRoutes ${maxRoutes}`);
    const a = conf.arp ?? {};
    const arp = {
        reachableTime: positive(where, 'arp.reachableTime', a.reachableTime ?? 30e9),
        staleTime: positive(where, 'arp.staleTime', a.staleTime ?? 60e9),
        retransTime: positive(where, 'arp.retransTime', a.retransTime ?? 1e9),
        probes: positiveInt(where, 'arp.probes', a.probes ?? 3),
        queueLength: positiveInt(where, 'arp.queueLength', a.queueLength ?? 8),
        cacheSize: positiveInt(where, 'arp.cacheSize', a.cacheSize ?? 256),
        learnGratuitous: a.learnGratuitous ?? false,
    };
    const ttl = conf.ttl ?? 64;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255)
        throw new Error(`${where}: ttl must be an integer 1-255, got ${ttl}`);
    const icmpErrorRate = conf.icmpErrorRate ?? 1000;
    if (!(icmpErrorRate >= 0))
        throw new Error(`${where}: icmpErrorRate must be >= 0, got ${icmpErrorRate}`);
    return { ports, ifaces, routes, arp, maxRoutes, ttl, icmpErrorRate };
}
function positive(where, what, v) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
        throw new Error(`${where}: ${what} must be a positive number of nanoseconds, got ${v}`);
    return v;
}
function positiveInt(where, what, v) {
    if (!Number.isInteger(v) || v < 1)
        throw new Error(`${where}: ${what} must be a positive integer, got ${v}`);
    return v;
}
/**
 * A stable, locally administered unicast MAC for an interface without one: 02 followed by
 * 40 bits of FNV-1a over "host/interface", so labs get the same addresses on every run.
 */
export function deriveMac(host, ifname) {
    const text = `${host}/${ifname}`;
    let h = 0x811c9dc5;
    let g = 0x01000193;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        h = Math.imul(h ^ c, 0x01000193) >>> 0;
        g = Math.imul(g ^ c, 0x01000193) >>> 0;
        g = (g ^ (g >>> 13)) >>> 0;
    }
    return 0x02 * 0x100_0000_0000 + (g & 0xff) * 0x1_0000_0000 + h;
}
//# sourceMappingURL=config.js.map