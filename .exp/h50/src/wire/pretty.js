/**
 * Pretty-printing of dissected frames: one line per layer, each indented two spaces deeper than
 * the layer carrying it, in a tcpdump-like vocabulary; or the layer list as JSON. The output
 * depends only on the bytes (golden tests compare it).
 */
import { dissect } from './dissect.js';
import { icmpTypeName } from './spec.js';
const ETHERTYPE_NAMES = {
    0x0800: 'IPv4',
    0x0806: 'ARP',
    0x8100: '802.1Q',
    0x88a8: '802.1ad',
    0x86dd: 'IPv6',
    0x6558: 'TEB',
    0x88cc: 'LLDP',
    0x8847: 'MPLS',
};
const PROTO_NAMES = { 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 132: 'SCTP' };
const hex4 = (n) => `0x${n.toString(16).padStart(4, '0')}`;
const etherType = (t) => (ETHERTYPE_NAMES[t] !== undefined ? `${ETHERTYPE_NAMES[t]} (${hex4(t)})` : hex4(t));
const count = (n) => `${n} byte${Number(n) === 1 ? '' : 's'}`;
const bad = (v) => (v === 'bad' ? ' [bad checksum]' : '');
/** One line of text for one layer (without indentation). */
export function layerLine(l) {
    const f = l.fields;
    const n = (k) => Number(f[k]);
    if (l.error !== undefined)
        return `${LAYER_TITLES[l.name] ?? l.name} [malformed: ${l.error}] (${count(l.length)})`;
    switch (l.name) {
        case 'eth':
            return `Ethernet ${f.src} > ${f.dst} type ${etherType(n('type'))}`;
        case 'vlan':
        case 'qinq':
            return `${l.name === 'vlan' ? '802.1Q' : '802.1ad'} vid ${f.vid} pcp ${f.pcp}${n('dei') ? ' dei' : ''} type ${etherType(n('type'))}`;
        case 'arp': {
            const op = n('op');
            if (op === 1)
                return `ARP who-has ${f.tpa} tell ${f.spa} (${f.sha})`;
            if (op === 2)
                return `ARP reply ${f.spa} is-at ${f.sha} to ${f.tpa} (${f.tha})`;
            return `ARP op ${op} ${f.sha} ${f.spa} > ${f.tha} ${f.tpa}`;
        }
        case 'ipv4': {
            const flags = [f.df ? 'DF' : '', f.mf ? 'MF' : '', f.rf ? 'RF' : ''].filter((x) => x).join(',');
            const proto = PROTO_NAMES[n('proto')] ?? String(n('proto'));
            return (`${f.quoted ? 'quoted ' : ''}IPv4 ${f.src} > ${f.dst} ttl ${f.ttl} id ${f.id} len ${f.len} proto ${proto}` +
                (flags ? ` flags ${flags}` : '') +
                (n('frag') ? ` frag ${f.frag}` : '') +
                (n('dscp') || n('ecn') ? ` dscp ${f.dscp} ecn ${f.ecn}` : '') +
                (f.opts ? ` options ${f.opts}` : '') +
                bad(f.checksum));
        }
        case 'icmp': {
            const type = n('type');
            const name = icmpTypeName(type) ?? `type ${type}`;
            const extra = f.id !== undefined ? ` id ${f.id} seq ${f.seq}` : f.mtu !== undefined ? (n('mtu') ? ` mtu ${f.mtu}` : '') : ` rest ${hex4(n('rest'))}`;
            return `ICMP ${name} code ${f.code}${extra}${bad(f.checksum)}`;
        }
        case 'udp':
            return `UDP ${f.src} > ${f.dst} len ${f.len}${f.checksum === 'none' ? ' no checksum' : bad(f.checksum)}`;
        case 'tcp':
            return `TCP ${f.src} > ${f.dst} [${f.flags || 'none'}] seq ${f.seq} ack ${f.ack} win ${f.win}${f.options ? ` options [${f.options}]` : ''}${bad(f.checksum)}`;
        case 'vxlan':
            return `VXLAN vni ${f.vni} flags 0x${n('flags').toString(16).padStart(2, '0')}`;
        case 'gre':
            return `GRE proto ${etherType(n('proto'))}${f.key !== undefined ? ` key ${f.key}` : ''}${f.seq !== undefined ? ` seq ${f.seq}` : ''}${f.csum !== undefined ? ` csum${bad(f.checksum) || ' ok'}` : ''}`;
        case 'pad':
            return `Padding ${count(f.len)}`;
        default:
            return `Payload ${count(f.len)}`;
    }
}
const LAYER_TITLES = {
    eth: 'Ethernet',
    vlan: '802.1Q',
    qinq: '802.1ad',
    arp: 'ARP',
    ipv4: 'IPv4',
    icmp: 'ICMP',
    udp: 'UDP',
    tcp: 'TCP',
    vxlan: 'VXLAN',
    gre: 'GRE',
    payload: 'Payload',
    pad: 'Padding',
};
/** Layered text: one line per layer, indented by depth; padding lines up with the outermost layer. */
export function prettyLayers(layers) {
    let depth = 0;
    return layers
        .map((l) => {
        const line = `${'  '.repeat(l.name === 'pad' ? 0 : depth)}${layerLine(l)}`;
        depth++;
        return line;
    })
        .join('\n');
}
/** Dissects and pretty-prints a frame. Never throws. */
export function prettyPacket(bytes) {
    return prettyLayers(dissect(bytes));
}
/** The dissected layers as stable JSON (two-space indentation). */
export function packetJson(bytes) {
    return JSON.stringify(dissect(bytes), null, 2);
}
//# sourceMappingURL=pretty.js.map