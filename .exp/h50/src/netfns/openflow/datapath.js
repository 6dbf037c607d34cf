import { checksumUpdate16, checksumUpdate32 } from '../../wire/checksum.js';
import { formatMac } from '../../wire/mac.js';
import { formatIpv4Addr } from '../../wire/ipv4-addr.js';
import { W } from './types.js';
export const OP_OUTPUT = 1;
export const OP_NORMAL = 2;
export const OP_CONTROLLER = 3;
export const OP_LEARN = 4;
export const OP_SET_ETH_DST = 5;
export const OP_SET_ETH_SRC = 6;
export const OP_PUSH_VLAN = 7;
export const OP_POP_VLAN = 8;
export const OP_SET_VLAN_TCI = 9;
export const OP_SET_IPV4_SRC = 10;
export const OP_SET_IPV4_DST = 11;
export const OP_SET_TOS = 12;
export const OP_SET_TTL = 13;
export const OP_SET_TP_SRC = 14;
export const OP_SET_TP_DST = 15;
export const OP_SET_ARP = 16;
export const OP_SET_TUNNEL = 17;
export const OP_CLONE = 18;
const TWO_POW_32 = 4294967296;
/** Offset of the L3 header, or -1 when the frame is shorter than its L2 header. */
function l3Offset(p) {
    const b = p.buf;
    const o = p.off;
    if (p.len < 14)
        return -1;
    const t = (b[o + 12] << 8) | b[o + 13];
    if (t === 0x8100 || t === 0x88a8)
        return p.len < 18 ? -1 : o + 18;
    return o + 14;
}
/** Runs ops[from, to) on `p`; the packet is consumed (sent, or handed to `sink.finish`). */
export function runProgram(ops, refs, from, to, p, sink) {
    let i = from;
    let delivered = false;
    while (i < to) {
        const op = ops[i];
        switch (op) {
            case OP_OUTPUT: {
                const port = ops[i + 1];
                i += 2;
                if (i >= to)
                    return sink.toPort(p, port); // last action: send the original
                const q = sink.clone(p);
                if (q !== null)
                    sink.toPort(q, port);
                delivered = true;
                break;
            }
            case OP_NORMAL: {
                i += 1;
                if (i >= to)
                    return sink.normal(p);
                const q = sink.clone(p);
                if (q !== null)
                    sink.normal(q);
                delivered = true;
                break;
            }
            case OP_CONTROLLER:
                sink.controller(p, ops[i + 1], ops[i + 2], ops[i + 3], refs[ops[i + 4]]);
                delivered = true;
                i += 5;
                break;
            case OP_LEARN:
                sink.learn(refs[ops[i + 1]]);
                i += 2;
                break;
            case OP_CLONE: {
                const n = ops[i + 1];
                const q = sink.clone(p);
                if (q !== null)
                    runProgram(ops, refs, i + 2, i + 2 + n, q, sink);
                delivered = true;
                i += 2 + n;
                break;
            }
            default:
                i = rewrite(ops, i, p, sink);
        }
    }
    sink.finish(p, delivered);
}
/** Applies one header rewrite; returns the index of the next op. */
function rewrite(ops, i, p, sink) {
    const op = ops[i];
    const b = p.buf;
    const o = p.off;
    const v = p.view;
    switch (op) {
        case OP_SET_ETH_DST:
        case OP_SET_ETH_SRC: {
            if (p.len < 14)
                sink.rewriteSkipped();
            else {
                const at = o + (op === OP_SET_ETH_DST ? 0 : 6);
                v.setUint16(at, ops[i + 1]);
                v.setUint32(at + 2, ops[i + 2]);
            }
            return i + 3;
        }
        case OP_PUSH_VLAN: {
            if (p.len < 14 || !p.prepend(4))
                sink.rewriteSkipped();
            else {
                b.copyWithin(p.off, p.off + 4, p.off + 16);
                v.setUint16(p.off + 12, ops[i + 1]);
                v.setUint16(p.off + 14, ops[i + 2]);
            }
            return i + 3;
        }
        case OP_POP_VLAN: {
            if (p.len < 18)
                sink.rewriteSkipped();
            else {
                b.copyWithin(o + 4, o, o + 12);
                p.shift(4);
            }
            return i + 1;
        }
        case OP_SET_VLAN_TCI: {
            if (p.len < 18)
                sink.rewriteSkipped();
            else
                v.setUint16(o + 14, ops[i + 1]);
            return i + 2;
        }
        case OP_SET_TUNNEL:
            p.tunnelId = ops[i + 1];
            return i + 2;
        default:
            return rewriteL3(ops, i, p, sink);
    }
}
function rewriteL3(ops, i, p, sink) {
    const op = ops[i];
    const arg = ops[i + 1];
    const v = p.view;
    const l3 = l3Offset(p);
    const end = p.off + p.len;
    if (op === OP_SET_ARP) {
        const value = ops[i + 2];
        if (l3 < 0 || l3 + 28 > end)
            sink.rewriteSkipped();
        else
            writeArpWord(p, l3, arg, value);
        return i + 3;
    }
    if (l3 < 0 || l3 + 20 > end) {
        sink.rewriteSkipped();
        return i + 2;
    }
    const ihl = (p.buf[l3] & 0x0f) * 4;
    const proto = p.buf[l3 + 9];
    const l4 = l3 + ihl;
    const csum = l3 + 10;
    switch (op) {
        case OP_SET_IPV4_SRC:
        case OP_SET_IPV4_DST: {
            const at = l3 + (op === OP_SET_IPV4_SRC ? 12 : 16);
            const old = v.getUint32(at);
            v.setUint32(at, arg);
            v.setUint16(csum, checksumUpdate32(v.getUint16(csum), old, arg));
            updateL4Checksum(p, l4, end, proto, old, arg, true);
            break;
        }
        case OP_SET_TOS: {
            const old = v.getUint16(l3);
            p.buf[l3 + 1] = arg;
            v.setUint16(csum, checksumUpdate16(v.getUint16(csum), old, v.getUint16(l3)));
            break;
        }
        case OP_SET_TTL: {
            const old = v.getUint16(l3 + 8);
            p.buf[l3 + 8] = arg;
            v.setUint16(csum, checksumUpdate16(v.getUint16(csum), old, v.getUint16(l3 + 8)));
            break;
        }
        case OP_SET_TP_SRC:
        case OP_SET_TP_DST: {
            const at = l4 + (op === OP_SET_TP_SRC ? 0 : 2);
            if (at + 2 > end) {
                sink.rewriteSkipped();
                break;
            }
            if (proto === 1) {
                // ICMP type (tp_src) and code (tp_dst) are single bytes covered by the ICMP checksum.
                const off = l4 + (op === OP_SET_TP_SRC ? 0 : 1);
                const old = v.getUint16(l4);
                p.buf[off] = arg;
                if (l4 + 4 <= end)
                    v.setUint16(l4 + 2, checksumUpdate16(v.getUint16(l4 + 2), old, v.getUint16(l4)));
                break;
            }
            const old = v.getUint16(at);
            v.setUint16(at, arg);
            updateL4Checksum(p, l4, end, proto, old, arg, false);
            break;
        }
        default:
            sink.rewriteSkipped();
    }
    return i + 2;
}
/**
 * Patches the TCP/UDP checksum after an address (`wide`, a pseudo-header word pair) or a port
 * changed. A partial checksum (a TAP's offloaded packet, `csumStart` >= 0) holds the folded
 * pseudo-header sum, not complemented, and is summed over the L4 bytes when the packet is
 * finished: an address change is added to it as it is, and a port change is left to that sum.
 */
function updateL4Checksum(p, l4, end, proto, old, now, wide) {
    const v = p.view;
    let at = -1;
    if (proto === 6 && l4 + 18 <= end)
        at = l4 + 16;
    else if (proto === 17 && l4 + 8 <= end)
        at = l4 + 6;
    if (at < 0)
        return;
    if (p.csumStart >= 0) {
        if (wide)
            v.setUint16(at, ~checksumUpdate32(~v.getUint16(at) & 0xffff, old, now) & 0xffff);
        return;
    }
    const cur = v.getUint16(at);
    if (proto === 17 && cur === 0)
        return; // UDP without checksum stays without
    let next = wide ? checksumUpdate32(cur, old, now) : checksumUpdate16(cur, old, now);
    if (proto === 17 && next === 0)
        next = 0xffff;
    v.setUint16(at, next);
}
function writeArpWord(p, l3, word, value) {
    const v = p.view;
    switch (word) {
        case W.NW_PROTO:
            v.setUint16(l3 + 6, value);
            break;
        case W.ARP_SHA_HI:
            v.setUint16(l3 + 8, value);
            break;
        case W.ARP_SHA_LO:
            v.setUint32(l3 + 10, value);
            break;
        case W.NW_SRC:
            v.setUint32(l3 + 14, value);
            break;
        case W.ARP_THA_HI:
            v.setUint16(l3 + 18, value);
            break;
        case W.ARP_THA_LO:
            v.setUint32(l3 + 20, value);
            break;
        case W.NW_DST:
            v.setUint32(l3 + 24, value);
            break;
    }
}
/** Formats a program like ovs-dpctl's datapath actions ("set(eth(dst=..)),2", "drop"). */
export function formatProgram(ops, refs, portName = String, from = 0, to = ops.length) {
    const parts = [];
    let i = from;
    while (i < to) {
        const op = ops[i];
        const a = ops[i + 1];
        const c = ops[i + 2];
        switch (op) {
            case OP_OUTPUT:
                parts.push(portName(a));
                i += 2;
                break;
            case OP_NORMAL:
                parts.push('NORMAL');
                i += 1;
                break;
            case OP_CONTROLLER:
                parts.push(`userspace(controller,reason=${c},max_len=${a})`);
                i += 5;
                break;
            case OP_LEARN:
                parts.push('learn');
                i += 2;
                break;
            case OP_SET_ETH_DST:
                parts.push(`set(eth(dst=${formatMac(a * TWO_POW_32 + c)}))`);
                i += 3;
                break;
            case OP_SET_ETH_SRC:
                parts.push(`set(eth(src=${formatMac(a * TWO_POW_32 + c)}))`);
                i += 3;
                break;
            case OP_PUSH_VLAN:
                parts.push(`push_vlan(vid=${c & 0xfff},pcp=${c >> 13})`);
                i += 3;
                break;
            case OP_POP_VLAN:
                parts.push('pop_vlan');
                i += 1;
                break;
            case OP_SET_VLAN_TCI:
                parts.push(`set(vlan(vid=${a & 0xfff},pcp=${a >> 13}))`);
                i += 2;
                break;
            case OP_SET_IPV4_SRC:
                parts.push(`set(ipv4(src=${formatIpv4Addr(a)}))`);
                i += 2;
                break;
            case OP_SET_IPV4_DST:
                parts.push(`set(ipv4(dst=${formatIpv4Addr(a)}))`);
                i += 2;
                break;
            case OP_SET_TOS:
                parts.push(`set(ipv4(tos=0x${a.toString(16)}))`);
                i += 2;
                break;
            case OP_SET_TTL:
                parts.push(`set(ipv4(ttl=${a}))`);
                i += 2;
                break;
            case OP_SET_TP_SRC:
                parts.push(`set(l4(src=${a}))`);
                i += 2;
                break;
            case OP_SET_TP_DST:
                parts.push(`set(l4(dst=${a}))`);
                i += 2;
                break;
            case OP_SET_ARP:
                parts.push(`set(arp(word${a}=0x${c.toString(16)}))`);
                i += 3;
                break;
            case OP_SET_TUNNEL:
                parts.push(`set(tunnel(tun_id=0x${a.toString(16)}))`);
                i += 2;
                break;
            case OP_CLONE:
                parts.push(`clone(${formatProgram(ops, refs, portName, i + 2, i + 2 + a)})`);
                i += 2 + a;
                break;
            default:
                parts.push(`?${op}`);
                i += 1;
        }
    }
    return parts.length === 0 ? 'drop' : parts.join(',');
}
//# sourceMappingURL=datapath.js.map