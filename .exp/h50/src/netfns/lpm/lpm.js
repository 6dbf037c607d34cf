/**
 * Longest-prefix match over IPv4: the interface every LPM table implements, and the linear
 * reference the fast tables are checked against.
 *
 * Addresses and prefixes are uint32 numbers; next hops are small integers (0 to
 * `LPM_MAX_NEXT_HOP`) that the caller maps to whatever a route means. Host bits of an inserted
 * prefix are cleared, as the route it stands for covers the whole network. Tables are bounded:
 * an insert past `maxPrefixes` (or past an implementation's own limits) is refused, counted in
 * `overflow`, and leaves the table as it was. Replacing the next hop of a prefix already held is
 * always allowed. Argument errors (a length above 32, a next hop out of range) throw.
 */
import { prefixMask } from '../../wire/ipv4-addr.js';
/** Largest next-hop id a table stores (24 bits). */
export const LPM_MAX_NEXT_HOP = 0xff_ffff;
/** Checks the arguments every implementation shares; returns the prefix with its host bits cleared. */
export function checkPrefix(what, prefix, len) {
    if (!Number.isInteger(len) || len < 0 || len > 32)
        throw new RangeError(`${what}: prefix length must be an integer 0-32, got ${len}`);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 0xffff_ffff)
        throw new RangeError(`${what}: prefix must be a uint32, got ${prefix}`);
    return (prefix & prefixMask(len)) >>> 0;
}
export function checkNextHop(what, nextHop) {
    if (!Number.isInteger(nextHop) || nextHop < 0 || nextHop > LPM_MAX_NEXT_HOP)
        throw new RangeError(`${what}: next hop must be an integer 0-${LPM_MAX_NEXT_HOP}, got ${nextHop}`);
}
export function checkMaxPrefixes(what, maxPrefixes) {
    if (!Number.isInteger(maxPrefixes) || maxPrefixes < 1)
        throw new RangeError(`${what}: maxPrefixes must be a positive integer, got ${maxPrefixes}`);
}
export function compareEntries(a, b) {
    return a.len - b.len || a.prefix - b.prefix;
}
/** The reference: a list scanned in full on every lookup. Obviously right, and slow. */
export class LinearLpm {
    maxPrefixes;
    #entries = [];
    overflow = 0;
    constructor(maxPrefixes = 1024) {
        checkMaxPrefixes('linear lpm', maxPrefixes);
        this.maxPrefixes = maxPrefixes;
    }
    get size() {
        return this.#entries.length;
    }
    insert(prefix, len, nextHop) {
        const p = checkPrefix('linear lpm insert', prefix, len);
        checkNextHop('linear lpm insert', nextHop);
        const i = this.#find(p, len);
        if (i >= 0) {
            this.#entries[i] = { prefix: p, len, nextHop };
            return 'replaced';
        }
        if (this.#entries.length >= this.maxPrefixes) {
            this.overflow++;
            return 'table-full';
        }
        this.#entries.push({ prefix: p, len, nextHop });
        return 'added';
    }
    delete(prefix, len) {
        const i = this.#find(checkPrefix('linear lpm delete', prefix, len), len);
        if (i < 0)
            return false;
        this.#entries.splice(i, 1);
        return true;
    }
    get(prefix, len) {
        const i = this.#find(checkPrefix('linear lpm get', prefix, len), len);
        return i < 0 ? -1 : this.#entries[i].nextHop;
    }
    lookup(addr) {
        let best = -1;
        let bestLen = -1;
        for (const e of this.#entries) {
            if (e.len > bestLen && ((addr & prefixMask(e.len)) >>> 0) === e.prefix) {
                best = e.nextHop;
                bestLen = e.len;
            }
        }
        return best;
    }
    entries() {
        return [...this.#entries].sort(compareEntries);
    }
    clear() {
        this.#entries.length = 0;
    }
    #find(prefix, len) {
        return this.#entries.findIndex((e) => e.prefix === prefix && e.len === len);
    }
}
//# sourceMappingURL=lpm.js.map