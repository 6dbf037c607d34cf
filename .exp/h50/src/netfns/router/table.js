/**
 * One routing table of the router (one per VRF): routes held by id, found through a DIR-24-8 LPM
 * whose next-hop ids are the route ids.
 *
 * A route is a prefix with a type and one or more next hops (several for ECMP). Besides the
 * unicast routes `ip route` shows (connected `kernel` routes and `static` ones), the table holds
 * the router's own addresses as `local` /32 routes and its subnets' directed broadcasts as
 * `broadcast` /32 routes (Linux keeps these in its `local` table), so one lookup tells
 * "forward", "for me" and "broadcast" apart. Ids are reused after a delete; the table is bounded
 * by `maxRoutes`, and the LPM's own bounds (tbl8 groups) apply too.
 */
import { Dir248Lpm } from '../lpm/dir24-8.js';
import { prefixMask } from '../../wire/ipv4-addr.js';
export const ROUTE_UNICAST = 0;
export const ROUTE_LOCAL = 1;
export const ROUTE_BROADCAST = 2;
export class NextHop {
    /** Gateway (uint32), or 0 when the destination is on the link. */
    via;
    /** Index of the egress interface. */
    ifIndex;
    constructor(via, ifIndex) {
        this.via = via;
        this.ifIndex = ifIndex;
    }
}
export class Route {
    id;
    /** Network (uint32, host bits clear). */
    dst;
    len;
    type;
    protocol;
    /** Preferred source address (uint32) or 0. */
    prefsrc;
    hops;
    constructor(id, dst, len, type, protocol, prefsrc, hops) {
        this.id = id;
        this.dst = dst;
        this.len = len;
        this.type = type;
        this.protocol = protocol;
        this.prefsrc = prefsrc;
        this.hops = hops;
    }
}
export class RoutingTable {
    name;
    index;
    maxRoutes;
    lpm;
    /** Routes by id (the LPM's next hop); null for a free id. */
    byId = [];
    #freeIds = [];
    #count = 0;
    /** Routes refused because the table was full. */
    overflow = 0;
    constructor(name, index, options) {
        this.name = name;
        this.index = index;
        this.maxRoutes = options.maxRoutes;
        this.lpm = new Dir248Lpm({ maxPrefixes: options.maxRoutes, maxTbl8Groups: options.maxTbl8Groups });
    }
    /** Routes held, local and broadcast ones included (the gauge). */
    get size() {
        return this.#count;
    }
    add(dst, len, type, protocol, prefsrc, hops) {
        const net = (dst & prefixMask(len)) >>> 0;
        if (this.lpm.get(net, len) >= 0)
            return 'exists';
        if (this.#count >= this.maxRoutes) {
            this.overflow++;
            return 'table-full';
        }
        const id = this.#freeIds.length > 0 ? this.#freeIds.pop() : this.byId.length;
        const r = this.lpm.insert(net, len, id);
        if (r !== 'added') {
            if (id === this.byId.length)
                this.byId.push(null);
            this.#freeIds.push(id);
            this.overflow++;
            return r === 'tbl8-full' ? 'tbl8-full' : 'table-full';
        }
        const route = new Route(id, net, len, type, protocol, prefsrc, hops);
        if (id === this.byId.length)
            this.byId.push(route);
        else
            this.byId[id] = route;
        this.#count++;
        return 'ok';
    }
    /** The route to exactly `dst/len`, or null. */
    get(dst, len) {
        const id = this.lpm.get((dst & prefixMask(len)) >>> 0, len);
        return id < 0 ? null : this.byId[id];
    }
    /** Removes the route to exactly `dst/len` and returns it, or null. */
    remove(dst, len) {
        const route = this.get(dst, len);
        if (route === null)
            return null;
        this.lpm.delete(route.dst, len);
        this.byId[route.id] = null;
        this.#freeIds.push(route.id);
        this.#count--;
        return route;
    }
    /** The longest-prefix route for `addr`, or null (control path; the datapath reads `lpm` and `byId` itself). */
    lookup(addr) {
        const id = this.lpm.lookup(addr);
        return id < 0 ? null : this.byId[id];
    }
    /** Every route in the order `ip route` lists them: by network, then shorter first. */
    list() {
        return this.byId.filter((r) => r !== null).sort((a, b) => a.dst - b.dst || a.len - b.len);
    }
}
//# sourceMappingURL=table.js.map