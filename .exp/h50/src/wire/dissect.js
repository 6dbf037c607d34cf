/**
 * A dissector: decodes an Ethernet frame layer by layer into a list of plain records, for
 * `vnet` commands, traces, golden tests and the packet spec formatter. Not a data path: it
 * allocates freely, but it never throws on any input.
 *
 * Layers (named as in the packet spec language): eth, vlan (802.1Q), qinq (802.1ad), arp, ipv4,
 * icmp (error messages quote an IPv4 header, decoded leniently as a `quoted` ipv4), udp, tcp,
 * vxlan (UDP destination port 4789, then an inner eth), gre (TEB -> eth, 0x0800 -> ipv4),
 * payload (bytes no decoder claims) and pad (bytes after the outermost length-delimited layer,
 * such as Ethernet padding).
 *
 * A layer that cannot be decoded is reported with `error` (the codec's reason) and decoding stops
 * there. Checksums are verified and reported as `checksum: 'ok' | 'bad'` (UDP also 'none'), never
 * as an error: a capture of a broken packet should still show everything else about it.
 */
import { internetSum, ipv4PseudoHeaderSum } from './checksum.js';
import { formatMac } from './mac.js';
import { formatIpv4Addr } from './ipv4-addr.js';
import { parseEthernet, ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_QINQ, ETHERTYPE_TEB, ETHERTYPE_VLAN } from './ethernet.js';
import { parseVlan, VLAN_TAG_LEN } from './vlan.js';
import { parseArp, ARP_LEN } from './arp.js';
import { parseIpv4, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPV4_MIN_HEADER_LEN } from './ipv4.js';
import { parseIcmpv4, ICMPV4_HEADER_LEN, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_DEST_UNREACHABLE } from './icmpv4.js';
import { parseUdp, UDP_HEADER_LEN, UDP_PORT_VXLAN } from './udp.js';
import { parseTcp } from './tcp.js';
import { parseVxlan, VXLAN_HEADER_LEN } from './vxlan.js';
import { parseGre } from './gre.js';
/** TCP flag letters, lowest bit first (FIN .. CWR, then NS). */
export const TCP_FLAG_LETTERS = 'FSRPAUECN';
export function tcpFlagsText(flags) {
    let s = '';
    for (let i = 0; i < TCP_FLAG_LETTERS.length; i++)
        if (flags & (1 << i))
            s += TCP_FLAG_LETTERS[i];
    return s;
}
/** ICMP types whose body quotes the offending datagram's header (RFC 792). */
const ICMP_QUOTING_TYPES = new Set([3, 4, 5, 11, 12]);
const hexOf = (b, start, end) => {
    let s = '';
    for (let i = start; i < end; i++)
        s += b[i].toString(16).padStart(2, '0');
    return s;
};
const u16 = (b, o) => (b[o] << 8) | b[o + 1];
const u32 = (b, o) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
/** Decodes a frame. Never throws. */
export function dissect(bytes) {
    try {
        return walk(bytes);
    }
    catch (e) {
        // A decoder bug must not take a capture viewer down: report it as a layer error.
        return [{ name: 'payload', offset: 0, length: bytes.length, fields: { len: bytes.length }, error: `internal: ${e.message}` }];
    }
}
function walk(b) {
    const layers = [];
    let off = 0;
    let end = b.length;
    let next = 'eth';
    let etherType = 0;
    let ipSrc = 0;
    let ipDst = 0;
    const fail = (name, error) => {
        layers.push({ name, offset: off, length: end - off, fields: {}, error });
    };
    for (let guard = 0; guard < 64; guard++) {
        if (next === 'eth') {
            const e = parseEthernet(b, off, end - off);
            if ('error' in e)
                return fail('eth', e.error), finish(layers, b, end);
            layers.push({ name: 'eth', offset: off, length: ETHERNET_HEADER_LEN, fields: { src: formatMac(e.src), dst: formatMac(e.dst), type: e.etherType } });
            etherType = e.etherType;
            off += ETHERNET_HEADER_LEN;
            next = 'ethertype';
        }
        else if (next === 'ethertype') {
            if (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
                const name = etherType === ETHERTYPE_VLAN ? 'vlan' : 'qinq';
                // The tag view starts at the TPID, i.e. 2 bytes before the current offset.
                const v = parseVlan(b, off - 2, end - off + 2);
                if ('error' in v)
                    return fail(name, v.error), finish(layers, b, end);
                layers.push({ name, offset: off, length: VLAN_TAG_LEN, fields: { vid: v.vid, pcp: v.pcp, dei: v.dei ? 1 : 0, type: v.innerEtherType } });
                etherType = v.innerEtherType;
                off += VLAN_TAG_LEN;
            }
            else if (etherType === ETHERTYPE_ARP) {
                const a = parseArp(b, off, end - off);
                if ('error' in a)
                    return fail('arp', a.error), finish(layers, b, end);
                layers.push({
                    name: 'arp',
                    offset: off,
                    length: ARP_LEN,
                    fields: { op: a.op, sha: formatMac(a.senderMac), spa: formatIpv4Addr(a.senderIp), tha: formatMac(a.targetMac), tpa: formatIpv4Addr(a.targetIp) },
                });
                off += ARP_LEN;
                end = off;
                next = 'payload';
            }
            else if (etherType === ETHERTYPE_IPV4) {
                next = 'ipv4';
            }
            else {
                next = 'payload';
            }
        }
        else if (next === 'ipv4' || next === 'ipv4-quoted') {
            const quoted = next === 'ipv4-quoted';
            const r = quoted ? quotedIpv4(b, off, end) : ipv4(b, off, end);
            if ('error' in r)
                return fail('ipv4', r.error), finish(layers, b, end);
            layers.push({ name: 'ipv4', offset: off, length: r.hlen, fields: r.fields });
            ipSrc = r.src;
            ipDst = r.dst;
            off += r.hlen;
            if (quoted) {
                next = 'payload';
                continue;
            }
            end = r.end;
            const proto = r.proto;
            if (r.fragmented) {
                next = 'payload';
            }
            else if (proto === IPPROTO_ICMP) {
                const ic = parseIcmpv4(b, off, end - off);
                if ('error' in ic)
                    return fail('icmp', ic.error), finish(layers, b, end);
                const type = b[off];
                const fields = { type, code: b[off + 1] };
                if (type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) {
                    fields.id = u16(b, off + 4);
                    fields.seq = u16(b, off + 6);
                }
                else if (type === ICMP_DEST_UNREACHABLE && u16(b, off + 4) === 0) {
                    fields.mtu = u16(b, off + 6);
                }
                else {
                    fields.rest = u32(b, off + 4);
                }
                fields.csum = ic.checksum;
                fields.checksum = ic.checksumOk ? 'ok' : 'bad';
                layers.push({ name: 'icmp', offset: off, length: ICMPV4_HEADER_LEN, fields });
                off += ICMPV4_HEADER_LEN;
                next = ICMP_QUOTING_TYPES.has(type) && end - off >= IPV4_MIN_HEADER_LEN ? 'ipv4-quoted' : 'payload';
            }
            else if (proto === IPPROTO_UDP) {
                const u = parseUdp(b, off, end - off);
                if ('error' in u)
                    return fail('udp', u.error), finish(layers, b, end);
                const len = u.payloadLength + UDP_HEADER_LEN;
                const checksum = u.checksum === 0 ? 'none' : internetSum(b, off, len, ipv4PseudoHeaderSum(ipSrc, ipDst, IPPROTO_UDP, len)) === 0xffff ? 'ok' : 'bad';
                layers.push({ name: 'udp', offset: off, length: UDP_HEADER_LEN, fields: { src: u.srcPort, dst: u.dstPort, len, csum: u.checksum, checksum } });
                end = off + len;
                off += UDP_HEADER_LEN;
                if (u.dstPort === UDP_PORT_VXLAN) {
                    const vx = parseVxlan(b, off, end - off);
                    if ('error' in vx)
                        return fail('vxlan', vx.error), finish(layers, b, end);
                    layers.push({ name: 'vxlan', offset: off, length: VXLAN_HEADER_LEN, fields: { flags: b[off], vni: (u32(b, off + 4) >>> 8), rsv1: (u32(b, off) & 0xffffff), rsv2: b[off + 7] } });
                    off += VXLAN_HEADER_LEN;
                    next = 'eth';
                }
                else {
                    next = 'payload';
                }
            }
            else if (proto === IPPROTO_TCP) {
                const t = tcp(b, off, end, ipSrc, ipDst);
                if ('error' in t)
                    return fail('tcp', t.error), finish(layers, b, end);
                layers.push({ name: 'tcp', offset: off, length: t.hlen, fields: t.fields });
                off += t.hlen;
                next = 'payload';
            }
            else if (proto === IPPROTO_GRE) {
                const g = gre(b, off, end);
                if ('error' in g)
                    return fail('gre', g.error), finish(layers, b, end);
                layers.push({ name: 'gre', offset: off, length: g.hlen, fields: g.fields });
                off += g.hlen;
                next = g.proto === ETHERTYPE_TEB ? 'eth' : g.proto === ETHERTYPE_IPV4 ? 'ipv4' : 'payload';
            }
            else {
                next = 'payload';
            }
        }
        else {
            if (end > off)
                layers.push({ name: 'payload', offset: off, length: end - off, fields: { len: end - off, hex: hexOf(b, off, end) } });
            return finish(layers, b, end);
        }
    }
    fail('payload', 'too-many-layers');
    return finish(layers, b, end);
}
/** Adds the bytes after the innermost layer's end (Ethernet padding and the like). */
function finish(layers, b, end) {
    const last = layers[layers.length - 1];
    if (last?.error === undefined && end < b.length)
        layers.push({ name: 'pad', offset: end, length: b.length - end, fields: { len: b.length - end, hex: hexOf(b, end, b.length) } });
    return layers;
}
function ipv4Fields(b, off, hlen) {
    const flags = b[off + 6];
    return {
        src: formatIpv4Addr(u32(b, off + 12)),
        dst: formatIpv4Addr(u32(b, off + 16)),
        ttl: b[off + 8],
        id: u16(b, off + 4),
        proto: b[off + 9],
        len: u16(b, off + 2),
        dscp: b[off + 1] >>> 2,
        ecn: b[off + 1] & 3,
        df: (flags & 0x40) !== 0,
        mf: (flags & 0x20) !== 0,
        rf: (flags & 0x80) !== 0,
        frag: (u16(b, off + 6) & 0x1fff) << 3,
        opts: hexOf(b, off + IPV4_MIN_HEADER_LEN, off + hlen),
        csum: u16(b, off + 10),
        checksum: internetSum(b, off, hlen) === 0xffff ? 'ok' : 'bad',
    };
}
function ipv4(b, off, end) {
    const p = parseIpv4(b, off, end - off);
    if ('error' in p)
        return p;
    return {
        hlen: p.headerLength,
        end: off + p.totalLength,
        src: p.src,
        dst: p.dst,
        proto: p.protocol,
        fragmented: p.moreFragments || p.fragmentOffset !== 0,
        fields: ipv4Fields(b, off, p.headerLength),
    };
}
/** The IPv4 header quoted in an ICMP error: the datagram itself is cut, so the total length is not checked. */
function quotedIpv4(b, off, end) {
    if (end - off < IPV4_MIN_HEADER_LEN)
        return { error: 'truncated' };
    if (b[off] >>> 4 !== 4)
        return { error: 'bad-version' };
    const hlen = (b[off] & 0x0f) << 2;
    if (hlen < IPV4_MIN_HEADER_LEN)
        return { error: 'bad-ihl' };
    if (hlen > end - off)
        return { error: 'truncated' };
    const fields = ipv4Fields(b, off, hlen);
    fields.quoted = true;
    return { hlen, end, src: u32(b, off + 12), dst: u32(b, off + 16), proto: b[off + 9], fragmented: false, fields };
}
/** Human text of TCP options, or null when they are malformed. */
export function tcpOptionsText(b, start, end) {
    const parts = [];
    let i = start;
    while (i < end) {
        const kind = b[i];
        if (kind === 0) {
            parts.push('eol');
            break;
        }
        if (kind === 1) {
            parts.push('nop');
            i++;
            continue;
        }
        if (i + 1 >= end)
            return null;
        const len = b[i + 1];
        if (len < 2 || i + len > end)
            return null;
        if (kind === 2 && len === 4)
            parts.push(`mss ${u16(b, i + 2)}`);
        else if (kind === 3 && len === 3)
            parts.push(`wscale ${b[i + 2]}`);
        else if (kind === 4 && len === 2)
            parts.push('sackok');
        else if (kind === 5 && (len - 2) % 8 === 0) {
            const blocks = [];
            for (let k = i + 2; k < i + len; k += 8)
                blocks.push(`${u32(b, k)}-${u32(b, k + 4)}`);
            parts.push(`sack ${blocks.join(' ')}`);
        }
        else if (kind === 8 && len === 10)
            parts.push(`ts ${u32(b, i + 2)}/${u32(b, i + 6)}`);
        else
            parts.push(`opt${kind} ${hexOf(b, i + 2, i + len)}`);
        i += len;
    }
    return parts.join(', ');
}
function tcp(b, off, end, src, dst) {
    const parsed = parseTcp(b, off, end - off);
    if ('error' in parsed)
        return parsed;
    const hlen = (b[off + 12] >>> 4) * 4;
    const options = tcpOptionsText(b, off + 20, off + hlen);
    if (options === null)
        return { error: 'bad-option' };
    const len = end - off;
    const flags = u16(b, off + 12) & 0x0fff;
    return {
        hlen,
        fields: {
            src: u16(b, off),
            dst: u16(b, off + 2),
            seq: u32(b, off + 4),
            ack: u32(b, off + 8),
            flags: tcpFlagsText(flags & 0x1ff),
            rsv: flags >>> 9,
            win: u16(b, off + 14),
            urg: u16(b, off + 18),
            options,
            opts: hexOf(b, off + 20, off + hlen),
            csum: u16(b, off + 16),
            checksum: internetSum(b, off, len, ipv4PseudoHeaderSum(src, dst, IPPROTO_TCP, len)) === 0xffff ? 'ok' : 'bad',
        },
    };
}
function gre(b, off, end) {
    const parsed = parseGre(b, off, end - off);
    if ('error' in parsed)
        return parsed;
    const word = u16(b, off);
    const ver = word & 7;
    const c = (word & 0x8000) !== 0;
    const k = (word & 0x2000) !== 0;
    const s = (word & 0x1000) !== 0;
    const hlen = 4 + (c ? 4 : 0) + (k ? 4 : 0) + (s ? 4 : 0);
    const proto = u16(b, off + 2);
    const fields = { proto };
    let o = off + 4;
    if (c) {
        fields.csum = u16(b, o);
        fields.checksum = internetSum(b, off, end - off) === 0xffff ? 'ok' : 'bad';
        fields.rsv1 = u16(b, o + 2);
        o += 4;
    }
    if (k) {
        fields.key = u32(b, o);
        o += 4;
    }
    if (s)
        fields.seq = u32(b, o);
    // Reserved bits other than C, K and S (R, strict source route, recursion, flags), as a number.
    fields.rsv0 = (word & 0x4ff8) >>> 3;
    fields.ver = ver;
    return { hlen, proto, fields };
}
//# sourceMappingURL=dissect.js.map