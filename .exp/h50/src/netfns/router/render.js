/**
 * Routes as iproute2 shows them: `ip -j route` JSON objects and `ip route` text lines.
 * Connected routes are `proto kernel scope link src ADDR`, static ones `proto static`; an ECMP
 * route lists its `nexthops` (weight 1 each). Routes of a table other than `main` carry
 * `table NAME`, as `ip route show table all` prints them.
 */
import { formatCidr, formatIpv4Addr } from '../../wire/ipv4-addr.js';
import { MAIN_TABLE } from './config.js';
function dstText(r) {
    return r.len === 0 ? 'default' : formatCidr(r.dst, r.len);
}
export function routeJson(r, ifaces, table = MAIN_TABLE) {
    const tableField = table !== MAIN_TABLE ? { table } : {};
    if (r.hops.length > 1) {
        const nexthops = r.hops.map((h) => ({ ...(h.via !== 0 ? { gateway: formatIpv4Addr(h.via) } : {}), dev: ifaces[h.ifIndex].name, weight: 1, flags: [] }));
        return { dst: dstText(r), ...tableField, protocol: r.protocol, flags: [], nexthops };
    }
    const h = r.hops[0];
    return {
        dst: dstText(r),
        ...(h.via !== 0 ? { gateway: formatIpv4Addr(h.via) } : {}),
        dev: ifaces[h.ifIndex].name,
        ...tableField,
        protocol: r.protocol,
        ...(h.via === 0 ? { scope: 'link' } : {}),
        ...(r.prefsrc !== 0 ? { prefsrc: formatIpv4Addr(r.prefsrc) } : {}),
        flags: [],
    };
}
export function routeText(r, ifaces, table = MAIN_TABLE) {
    const tableText = table !== MAIN_TABLE ? ` table ${table}` : '';
    if (r.hops.length > 1) {
        const hops = r.hops.map((h) => `\tnexthop${h.via !== 0 ? ` via ${formatIpv4Addr(h.via)}` : ''} dev ${ifaces[h.ifIndex].name} weight 1`);
        return [`${dstText(r)}${tableText} proto ${r.protocol}`, ...hops].join('\n');
    }
    const h = r.hops[0];
    return `${dstText(r)}${h.via !== 0 ? ` via ${formatIpv4Addr(h.via)}` : ''} dev ${ifaces[h.ifIndex].name}${tableText} proto ${r.protocol}${h.via === 0 ? ' scope link' : ''}${r.prefsrc !== 0 ? ` src ${formatIpv4Addr(r.prefsrc)}` : ''}`;
}
//# sourceMappingURL=render.js.map