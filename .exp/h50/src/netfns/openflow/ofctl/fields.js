/**
 * Field names as ovs-ofctl spells them: NXM names (NXM_OF_ETH_DST), OXM names (OXM_OF_IN_PORT)
 * and the ovs-fields(7) names (eth_dst, dl_dst, reg0, tun_id). The first name of each row is
 * the one printed back, as ovs-ofctl prints field references in actions.
 */
import { F } from '../types.js';
import { fieldInfo } from '../types.js';
const NAMES = [
    [F.in_port, ['NXM_OF_IN_PORT', 'OXM_OF_IN_PORT', 'in_port']],
    [F.eth_dst, ['NXM_OF_ETH_DST', 'OXM_OF_ETH_DST', 'eth_dst', 'dl_dst']],
    [F.eth_src, ['NXM_OF_ETH_SRC', 'OXM_OF_ETH_SRC', 'eth_src', 'dl_src']],
    [F.eth_type, ['NXM_OF_ETH_TYPE', 'OXM_OF_ETH_TYPE', 'eth_type', 'dl_type']],
    [F.vlan_tci, ['NXM_OF_VLAN_TCI', 'vlan_tci']],
    [F.vlan_vid, ['OXM_OF_VLAN_VID', 'vlan_vid']],
    [F.vlan_pcp, ['OXM_OF_VLAN_PCP', 'vlan_pcp']],
    [F.ip_proto, ['NXM_OF_IP_PROTO', 'OXM_OF_IP_PROTO', 'ip_proto', 'nw_proto']],
    [F.ip_dscp, ['OXM_OF_IP_DSCP', 'ip_dscp']],
    [F.ip_ecn, ['NXM_NX_IP_ECN', 'OXM_OF_IP_ECN', 'ip_ecn', 'nw_ecn']],
    [F.nw_ttl, ['NXM_NX_IP_TTL', 'nw_ttl']],
    [F.ip_frag, ['NXM_NX_IP_FRAG', 'ip_frag']],
    [F.ipv4_src, ['NXM_OF_IP_SRC', 'OXM_OF_IPV4_SRC', 'ipv4_src', 'ip_src', 'nw_src']],
    [F.ipv4_dst, ['NXM_OF_IP_DST', 'OXM_OF_IPV4_DST', 'ipv4_dst', 'ip_dst', 'nw_dst']],
    [F.tcp_src, ['NXM_OF_TCP_SRC', 'OXM_OF_TCP_SRC', 'tcp_src', 'tp_src']],
    [F.tcp_dst, ['NXM_OF_TCP_DST', 'OXM_OF_TCP_DST', 'tcp_dst', 'tp_dst']],
    [F.udp_src, ['NXM_OF_UDP_SRC', 'OXM_OF_UDP_SRC', 'udp_src']],
    [F.udp_dst, ['NXM_OF_UDP_DST', 'OXM_OF_UDP_DST', 'udp_dst']],
    [F.icmp_type, ['NXM_OF_ICMP_TYPE', 'OXM_OF_ICMPV4_TYPE', 'icmp_type', 'icmpv4_type']],
    [F.icmp_code, ['NXM_OF_ICMP_CODE', 'OXM_OF_ICMPV4_CODE', 'icmp_code', 'icmpv4_code']],
    [F.arp_op, ['NXM_OF_ARP_OP', 'OXM_OF_ARP_OP', 'arp_op']],
    [F.arp_spa, ['NXM_OF_ARP_SPA', 'OXM_OF_ARP_SPA', 'arp_spa']],
    [F.arp_tpa, ['NXM_OF_ARP_TPA', 'OXM_OF_ARP_TPA', 'arp_tpa']],
    [F.arp_sha, ['NXM_NX_ARP_SHA', 'OXM_OF_ARP_SHA', 'arp_sha']],
    [F.arp_tha, ['NXM_NX_ARP_THA', 'OXM_OF_ARP_THA', 'arp_tha']],
    [F.tun_id, ['NXM_NX_TUN_ID', 'OXM_OF_TUNNEL_ID', 'tun_id', 'tunnel_id']],
    [F.metadata, ['OXM_OF_METADATA', 'metadata']],
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => [(F.reg0 + i), [`NXM_NX_REG${i}`, `reg${i}`]]),
];
const BY_NAME = new Map();
for (const [id, names] of NAMES)
    for (const n of names)
        BY_NAME.set(n.toLowerCase(), id);
/** The field a name denotes, case-insensitively, or undefined. */
export function fieldByName(name) {
    return BY_NAME.get(name.toLowerCase());
}
/** The name ovs-ofctl prints for a field in actions (NXM when there is one). */
export function canonicalName(id) {
    return NAMES.find((n) => n[0] === id)?.[1][0] ?? fieldInfo(id).name;
}
/** `NAME[]`, `NAME[a]` or `NAME[a..b]`. */
export function formatRef(ref) {
    const bits = fieldInfo(ref.field).bits;
    const name = canonicalName(ref.field);
    if (ref.ofs === 0 && ref.nBits === bits)
        return `${name}[]`;
    if (ref.nBits === 1)
        return `${name}[${ref.ofs}]`;
    return `${name}[${ref.ofs}..${ref.ofs + ref.nBits - 1}]`;
}
/** Parses `NAME[]`, `NAME[a]`, `NAME[a..b]` or (when `bare`) `NAME`; returns null when it is not a field reference. */
export function parseRef(text, bare = false) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(?:(\d+)(?:\.\.(\d+))?)?\])?$/.exec(text.trim());
    if (m === null)
        return null;
    if (m[0].indexOf('[') < 0 && !bare)
        return null;
    const id = fieldByName(m[1]);
    if (id === undefined)
        return `unknown field ${m[1]}`;
    const bits = fieldInfo(id).bits;
    if (m[2] === undefined)
        return { field: id, ofs: 0, nBits: bits };
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (hi < lo || hi >= bits)
        return `${m[1]}[${lo}..${hi}]: bit range outside the ${bits}-bit field`;
    return { field: id, ofs: lo, nBits: hi - lo + 1 };
}
//# sourceMappingURL=fields.js.map