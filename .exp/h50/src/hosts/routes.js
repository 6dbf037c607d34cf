/**
 * A host's IPv4 routing table: connected, static and default routes with longest-prefix match.
 *
 * A host has a handful of routes, so the table is a short array kept sorted by prefix length
 * (longest first, insertion order among equals) and a lookup is a linear scan that stops at the
 * first match: no allocation, a few comparisons. The table is bounded; `add` refuses past the
 * bound and counts the refusal in `overflow`.
 */
import { prefixMask } from '../wire/ipv4-addr.js';
export class RouteTable {
    capacity;
    #routes = [];
    /** Routes refused because the table was full. */
    overflow = 0;
    constructor(capacity = 64) {
        if (!Number.isInteger(capacity) || capacity < 1)
            throw new RangeError(`route table: capacity must be a positive integer, got ${capacity}`);
        this.capacity = capacity;
    }
    /** Routes in the table (the gauge). */
    get size() {
        return this.#routes.length;
    }
    /** Adds a route; a second route to the same prefix is refused (`exists`), as `ip route add` does. */
    add(route) {
        const dst = (route.dst & route.mask) >>> 0;
        let at = this.#routes.length;
        for (let i = 0; i < this.#routes.length; i++) {
            const r = this.#routes[i];
            if (r.prefixLen === route.prefixLen && r.dst === dst)
                return 'exists';
            if (at === this.#routes.length && r.prefixLen < route.prefixLen)
                at = i;
        }
        if (this.#routes.length >= this.capacity) {
            this.overflow++;
            return 'table-full';
        }
        this.#routes.splice(at, 0, dst === route.dst ? route : { ...route, dst });
        return 'ok';
    }
    /** Removes the route to exactly `dst/prefixLen`; returns whether there was one. */
    delete(dst, prefixLen) {
        const net = (dst & prefixMask(prefixLen)) >>> 0;
        const i = this.#routes.findIndex((r) => r.prefixLen === prefixLen && r.dst === net);
        if (i < 0)
            return false;
        this.#routes.splice(i, 1);
        return true;
    }
    /** The most specific route covering `addr` (uint32), or null. */
    lookup(addr) {
        const routes = this.#routes;
        for (let i = 0; i < routes.length; i++) {
            const r = routes[i];
            if (((addr & r.mask) >>> 0) === r.dst)
                return r;
        }
        return null;
    }
    /** Every route, most specific first. */
    list() {
        return this.#routes;
    }
    clear() {
        this.#routes.length = 0;
    }
}
//# sourceMappingURL=routes.js.map