/**
 * The packet spec language: packets written as text, OVS-flavoured, turned into bytes and back.
 *
 *   eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=10,pcp=3),
 *   ipv4(src=10.0.0.1,dst=10.0.0.2,ttl=64),udp(src=1000,dst=2000),payload(hex=deadbeef)
 *
 * A spec is a list of layers, outermost first; each layer is `name(field=value,flag,...)`.
 * Fields left out take defaults; EtherTypes, IP protocol numbers, GRE protocol types, lengths
 * and checksums are computed from what follows unless given (so `ipv4(...,csum=0x1234)` makes a
 * bad checksum on purpose). Layers: eth, vlan, qinq, arp, ipv4, icmp, udp, tcp, vxlan, gre,
 * payload, and pad (bytes after everything, such as Ethernet padding: not counted in lengths).
 *
 * `formatSpec(bytes)` goes the other way through the dissector: it writes every field the
 * bytes hold, then drops each field whose absence encodes to the same bytes (keeping addresses,
 * ports and a few identifying fields for readability). Because every drop is checked by
 * re-encoding, spec -> bytes -> spec -> bytes is the identity by construction; bytes the
 * language cannot describe end up in a `payload(hex=...)`.
 */
import { internetChecksum, ipv4PseudoHeaderSum } from './checksum.js';
import { parseMac } from './mac.js';
import { parseIpv4Addr } from './ipv4-addr.js';
import { emitEthernet, ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_QINQ, ETHERTYPE_TEB, ETHERTYPE_VLAN } from './ethernet.js';
import { emitVlan } from './vlan.js';
import { emitArp, ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST } from './arp.js';
import { emitIpv4, IPPROTO_GRE, IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_UDP, IPV4_MAX_OPTIONS_LEN } from './ipv4.js';
import { emitIcmpv4, ICMPV4_HEADER_LEN, ICMP_DEST_UNREACHABLE, ICMP_ECHO_REPLY, ICMP_ECHO_REQUEST, ICMP_PARAMETER_PROBLEM, ICMP_REDIRECT, ICMP_TIME_EXCEEDED } from './icmpv4.js';
import { emitUdp, UDP_HEADER_LEN, UDP_PORT_VXLAN } from './udp.js';
import { dissect, TCP_FLAG_LETTERS } from './dissect.js';
/** EtherType used when an Ethernet or GRE header is followed by raw payload (IEEE local experimental). */
export const ETHERTYPE_EXPERIMENTAL = 0x88b5;
/** IP protocol used when IPv4 is followed by raw payload (RFC 3692 experimentation). */
export const IPPROTO_EXPERIMENTAL = 253;
/** A spec that cannot be parsed or encoded: names the layer, the field and the character position. */
export class SpecError extends Error {
    layer;
    field;
    position;
    constructor(message, layer, field, position) {
        super(`packet spec: ${layer !== undefined ? `${layer}${field !== undefined ? ` field ${field}` : ''}: ` : ''}${message} (at character ${position})`);
        this.layer = layer;
        this.field = field;
        this.position = position;
        this.name = 'SpecError';
    }
}
const TCP_OPTION_KEYS = new Set(['mss', 'wscale', 'sackok', 'sack', 'ts', 'nop', 'eol']);
const LAYER_FIELDS = {
    eth: ['src', 'dst', 'type'],
    vlan: ['vid', 'pcp', 'dei', 'type'],
    qinq: ['vid', 'pcp', 'dei', 'type'],
    arp: ['op', 'sha', 'spa', 'tha', 'tpa'],
    ipv4: ['src', 'dst', 'ttl', 'id', 'proto', 'len', 'dscp', 'ecn', 'df', 'mf', 'rf', 'frag', 'opts', 'csum'],
    icmp: ['type', 'code', 'id', 'seq', 'mtu', 'rest', 'csum'],
    udp: ['src', 'dst', 'len', 'csum'],
    tcp: ['src', 'dst', 'seq', 'ack', 'flags', 'rsv', 'win', 'urg', 'opts', 'mss', 'wscale', 'sackok', 'sack', 'ts', 'nop', 'eol', 'csum'],
    vxlan: ['vni', 'flags', 'rsv1', 'rsv2'],
    gre: ['proto', 'csum', 'rsv1', 'key', 'seq', 'rsv0', 'ver'],
    payload: ['hex', 'len', 'fill'],
    pad: ['hex', 'len', 'fill'],
};
/** Fields the formatter always shows, even at their default, because they identify the packet. */
const ALWAYS_SHOWN = {
    eth: ['src', 'dst'],
    vlan: ['vid'],
    qinq: ['vid'],
    arp: ['op', 'spa', 'tpa'],
    ipv4: ['src', 'dst'],
    icmp: ['type'],
    udp: ['src', 'dst'],
    tcp: ['src', 'dst', 'flags'],
    vxlan: ['vni'],
    gre: [],
};
const ICMP_TYPE_NAMES = {
    'echo-reply': ICMP_ECHO_REPLY,
    'dest-unreachable': ICMP_DEST_UNREACHABLE,
    redirect: ICMP_REDIRECT,
    'echo-request': ICMP_ECHO_REQUEST,
    'time-exceeded': ICMP_TIME_EXCEEDED,
    'param-problem': ICMP_PARAMETER_PROBLEM,
};
const ARP_OP_NAMES = { request: ARP_OP_REQUEST, reply: ARP_OP_REPLY };
export function icmpTypeName(type) {
    for (const [k, v] of Object.entries(ICMP_TYPE_NAMES))
        if (v === type)
            return k;
    return undefined;
}
// ---------------------------------------------------------------- parsing text
/** Parses spec text into layers (syntax and field names only; values are checked when encoding). */
export function parseSpec(text) {
    const layers = [];
    let i = 0;
    const ws = () => {
        while (i < text.length && /\s/.test(text[i]))
            i++;
    };
    ws();
    if (i === text.length)
        throw new SpecError('empty spec', undefined, undefined, 0);
    for (;;) {
        ws();
        const start = i;
        while (i < text.length && /[a-z0-9]/i.test(text[i]))
            i++;
        const name = text.slice(start, i).toLowerCase();
        if (name.length === 0)
            throw new SpecError(`expected a layer name, found ${JSON.stringify(text[i] ?? 'end of text')}`, undefined, undefined, i);
        const allowed = LAYER_FIELDS[name];
        if (allowed === undefined)
            throw new SpecError(`unknown layer ${JSON.stringify(name)} (known: ${Object.keys(LAYER_FIELDS).join(', ')})`, name, undefined, start);
        ws();
        if (text[i] !== '(')
            throw new SpecError(`expected "(" after the layer name`, name, undefined, i);
        i++;
        const fields = [];
        ws();
        if (text[i] === ')')
            i++;
        else {
            for (;;) {
                ws();
                const kpos = i;
                while (i < text.length && /[a-z0-9_]/i.test(text[i]))
                    i++;
                const key = text.slice(kpos, i).toLowerCase();
                if (key.length === 0)
                    throw new SpecError(`expected a field name, found ${JSON.stringify(text[i] ?? 'end of text')}`, name, undefined, i);
                if (!allowed.includes(key))
                    throw new SpecError(`unknown field (known: ${allowed.join(', ')})`, name, key, kpos);
                if (key !== 'nop' && fields.some((f) => f.key === key))
                    throw new SpecError('given twice', name, key, kpos);
                ws();
                let value = null;
                if (text[i] === '=') {
                    i++;
                    const vstart = i;
                    while (i < text.length && text[i] !== ',' && text[i] !== ')')
                        i++;
                    value = text.slice(vstart, i).trim();
                }
                fields.push({ key, value, pos: kpos });
                ws();
                if (text[i] === ',') {
                    i++;
                    continue;
                }
                if (text[i] === ')') {
                    i++;
                    break;
                }
                throw new SpecError(`expected "," or ")" ${i >= text.length ? 'before the end of the text' : `but found ${JSON.stringify(text[i])}`}`, name, key, i);
            }
        }
        layers.push({ name, fields, pos: start });
        ws();
        if (i >= text.length)
            break;
        if (text[i] !== ',')
            throw new SpecError(`expected "," between layers, found ${JSON.stringify(text[i])}`, name, undefined, i);
        i++;
    }
    return layers;
}
// ---------------------------------------------------------------- field values
class Fields {
    layer;
    constructor(layer) {
        this.layer = layer;
    }
    get(key) {
        return this.layer.fields.find((f) => f.key === key);
    }
    has(key) {
        return this.get(key) !== undefined;
    }
    fail(f, message) {
        throw new SpecError(message, this.layer.name, f.key, f.pos);
    }
    value(f) {
        if (f.value === null || f.value === '')
            this.fail(f, 'needs a value');
        return f.value;
    }
    numOf(f, max, names) {
        const v = this.value(f).toLowerCase();
        if (names !== undefined && names[v] !== undefined)
            return names[v];
        let n = NaN;
        if (/^0x[0-9a-f]+$/.test(v))
            n = parseInt(v.slice(2), 16);
        else if (/^[0-9]+$/.test(v))
            n = parseInt(v, 10);
        if (!Number.isSafeInteger(n) || n > max) {
            const known = names !== undefined ? `, or one of ${Object.keys(names).join('|')}` : '';
            this.fail(f, `expected a number 0-${max} (decimal or 0x hex${known}), got ${JSON.stringify(f.value)}`);
        }
        return n;
    }
    num(key, def, max, names) {
        const f = this.get(key);
        return f === undefined ? def : this.numOf(f, max, names);
    }
    opt(key, max) {
        const f = this.get(key);
        return f === undefined ? undefined : this.numOf(f, max);
    }
    flag(key) {
        const f = this.get(key);
        if (f === undefined)
            return false;
        if (f.value === null)
            return true;
        if (f.value === '1' || f.value === 'true')
            return true;
        if (f.value === '0' || f.value === 'false')
            return false;
        return this.fail(f, `expected no value, 0 or 1, got ${JSON.stringify(f.value)}`);
    }
    mac(key, def) {
        const f = this.get(key);
        if (f === undefined)
            return def;
        try {
            return parseMac(this.value(f));
        }
        catch {
            return this.fail(f, `expected a MAC address like 02:00:00:00:00:01, got ${JSON.stringify(f.value)}`);
        }
    }
    ip(key, def) {
        const f = this.get(key);
        if (f === undefined)
            return def;
        try {
            return parseIpv4Addr(this.value(f));
        }
        catch {
            return this.fail(f, `expected an IPv4 address like 10.0.0.1, got ${JSON.stringify(f.value)}`);
        }
    }
    hexOf(f) {
        const v = f.value ?? '';
        if (!/^([0-9a-f]{2})*$/i.test(v))
            this.fail(f, `expected an even number of hex digits, got ${JSON.stringify(v)}`);
        const out = new Uint8Array(v.length / 2);
        for (let i = 0; i < out.length; i++)
            out[i] = parseInt(v.slice(i * 2, i * 2 + 2), 16);
        return out;
    }
    /** hex=..., or len=N with an optional fill=byte (zeros by default). */
    bytes() {
        const hex = this.get('hex');
        const len = this.get('len');
        if (hex !== undefined) {
            if (len !== undefined)
                this.fail(len, 'cannot be combined with hex');
            return this.hexOf(hex);
        }
        const n = len === undefined ? 0 : this.numOf(len, 65535);
        return new Uint8Array(n).fill(this.num('fill', 0, 255));
    }
}
const DEFAULT_SRC_MAC = 0x02_00_00_00_00_01;
const DEFAULT_DST_MAC = 0x02_00_00_00_00_02;
const DEFAULT_SRC_IP = 0x0a_00_00_01;
const DEFAULT_DST_IP = 0x0a_00_00_02;
const DEFAULT_PORT = 1024;
function etherTypeFor(next) {
    switch (next) {
        case 'vlan':
            return ETHERTYPE_VLAN;
        case 'qinq':
            return ETHERTYPE_QINQ;
        case 'ipv4':
            return ETHERTYPE_IPV4;
        case 'arp':
            return ETHERTYPE_ARP;
        case 'eth':
            return ETHERTYPE_TEB;
        default:
            return ETHERTYPE_EXPERIMENTAL;
    }
}
function protocolFor(next) {
    switch (next) {
        case 'icmp':
            return IPPROTO_ICMP;
        case 'udp':
            return IPPROTO_UDP;
        case 'tcp':
            return IPPROTO_TCP;
        case 'gre':
            return IPPROTO_GRE;
        case 'ipv4':
            return IPPROTO_IPIP;
        default:
            return IPPROTO_EXPERIMENTAL;
    }
}
/** TCP options from the structured option fields, in the order written, zero-padded to 32 bits. */
function tcpOptionBytes(F) {
    const out = [];
    for (const f of F.layer.fields) {
        if (!TCP_OPTION_KEYS.has(f.key))
            continue;
        switch (f.key) {
            case 'mss': {
                const v = F.numOf(f, 0xffff);
                out.push(2, 4, v >>> 8, v & 0xff);
                break;
            }
            case 'wscale':
                out.push(3, 3, F.numOf(f, 255));
                break;
            case 'sackok':
                out.push(4, 2);
                break;
            case 'nop':
                out.push(1);
                break;
            case 'eol':
                out.push(0);
                break;
            case 'ts':
            case 'sack': {
                const pairs = F.value(f).split('/');
                const sep = f.key === 'ts' ? null : '-';
                const words = [];
                if (sep === null) {
                    if (pairs.length !== 2)
                        F.fail(f, `expected value/echo like 1/0, got ${JSON.stringify(f.value)}`);
                    words.push(...pairs.map((p) => F.numOf({ ...f, value: p }, 0xffffffff)));
                }
                else {
                    for (const p of pairs) {
                        const lr = p.split(sep);
                        if (lr.length !== 2)
                            F.fail(f, `expected blocks like 100-200/300-400, got ${JSON.stringify(f.value)}`);
                        words.push(...lr.map((x) => F.numOf({ ...f, value: x }, 0xffffffff)));
                    }
                    if (words.length > 8)
                        F.fail(f, 'at most 4 SACK blocks fit in the options');
                }
                out.push(f.key === 'ts' ? 8 : 5, 2 + words.length * 4);
                for (const w of words)
                    out.push(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
                break;
            }
        }
    }
    while (out.length % 4 !== 0)
        out.push(0);
    return Uint8Array.from(out);
}
function tcpFlagsOf(F, f) {
    const v = f.value ?? '';
    if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(v))
        return F.numOf(f, 0x1ff);
    let n = 0;
    for (const c of v.toUpperCase()) {
        const bit = TCP_FLAG_LETTERS.indexOf(c);
        if (bit < 0)
            F.fail(f, `expected flag letters from ${TCP_FLAG_LETTERS} or a number, got ${JSON.stringify(v)}`);
        n |= 1 << bit;
    }
    return n;
}
const put16 = (b, o, v) => {
    b[o] = (v >>> 8) & 0xff;
    b[o + 1] = v & 0xff;
};
const put32 = (b, o, v) => {
    b[o] = (v >>> 24) & 0xff;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
};
function withInner(headerLen, inner) {
    const out = new Uint8Array(headerLen + inner.length);
    out.set(inner, headerLen);
    return out;
}
// ---------------------------------------------------------------- encoding
/** Encodes parsed layers into frame bytes. Throws SpecError on bad values. */
export function encodeLayers(layers) {
    let padCount = 0;
    while (padCount < layers.length && layers[layers.length - 1 - padCount].name === 'pad')
        padCount++;
    const body = layers.slice(0, layers.length - padCount);
    for (const l of body)
        if (l.name === 'pad')
            throw new SpecError('pad can only come last', 'pad', undefined, l.pos);
    const F = body.map((l) => new Fields(l));
    // Values that inner layers borrow from the nearest enclosing layer of a kind.
    const enclosing = (i, name) => {
        for (let k = i - 1; k >= 0; k--)
            if (body[k].name === name)
                return F[k];
        return undefined;
    };
    let inner = new Uint8Array(0);
    for (let i = body.length - 1; i >= 0; i--) {
        const f = F[i];
        const next = body[i + 1]?.name;
        let out;
        switch (body[i].name) {
            case 'eth': {
                out = withInner(ETHERNET_HEADER_LEN, inner);
                emitEthernet({ src: f.mac('src', DEFAULT_SRC_MAC), dst: f.mac('dst', DEFAULT_DST_MAC), etherType: f.num('type', etherTypeFor(next), 0xffff) }, out, 0);
                break;
            }
            case 'vlan':
            case 'qinq': {
                const tag = new Uint8Array(6);
                const tpid = body[i].name === 'vlan' ? ETHERTYPE_VLAN : ETHERTYPE_QINQ;
                emitVlan({ tpid, pcp: f.num('pcp', 0, 7), dei: f.num('dei', 0, 1) === 1, vid: f.num('vid', 0, 4095), innerEtherType: f.num('type', etherTypeFor(next), 0xffff) }, tag, 0);
                out = withInner(4, inner);
                out.set(tag.subarray(2), 0);
                break;
            }
            case 'arp': {
                out = withInner(ARP_LEN, inner);
                const eth = enclosing(i, 'eth');
                emitArp({
                    op: f.num('op', ARP_OP_REQUEST, 0xffff, ARP_OP_NAMES),
                    senderMac: f.mac('sha', eth?.mac('src', DEFAULT_SRC_MAC) ?? DEFAULT_SRC_MAC),
                    senderIp: f.ip('spa', 0),
                    targetMac: f.mac('tha', 0),
                    targetIp: f.ip('tpa', 0),
                }, out, 0);
                break;
            }
            case 'ipv4': {
                const optsField = f.get('opts');
                const options = optsField === undefined ? new Uint8Array(0) : f.hexOf(optsField);
                if (options.length > IPV4_MAX_OPTIONS_LEN)
                    f.fail(optsField, `options are ${options.length} bytes, at most ${IPV4_MAX_OPTIONS_LEN} fit`);
                const hlen = 20 + ((options.length + 3) & ~3);
                const total = f.num('len', hlen + inner.length, 0xffff);
                const frag = f.num('frag', 0, 0xffff);
                if (frag % 8 !== 0)
                    f.fail(f.get('frag'), 'fragment offset must be a multiple of 8 bytes');
                out = withInner(hlen, inner);
                emitIpv4({
                    dscp: f.num('dscp', 0, 63),
                    ecn: f.num('ecn', 0, 3),
                    identification: f.num('id', 0, 0xffff),
                    dontFragment: f.flag('df'),
                    moreFragments: f.flag('mf'),
                    fragmentOffset: frag,
                    ttl: f.num('ttl', 64, 255),
                    protocol: f.num('proto', protocolFor(next), 255),
                    src: f.ip('src', DEFAULT_SRC_IP),
                    dst: f.ip('dst', DEFAULT_DST_IP),
                    options,
                    payloadLength: total - hlen,
                }, out, 0);
                put16(out, 2, total);
                if (f.flag('rf'))
                    out[6] |= 0x80;
                put16(out, 10, 0);
                put16(out, 10, f.num('csum', internetChecksum(out, 0, hlen), 0xffff));
                break;
            }
            case 'icmp': {
                out = withInner(ICMPV4_HEADER_LEN, inner);
                const type = f.num('type', ICMP_ECHO_REQUEST, 255, ICMP_TYPE_NAMES);
                const low = f.has('mtu') ? f.num('mtu', 0, 0xffff) : f.num('seq', 0, 0xffff);
                const rest = f.has('rest') ? f.num('rest', 0, 0xffffffff) : ((f.num('id', 0, 0xffff) << 16) | low) >>> 0;
                emitIcmpv4({ kind: 'other', type, code: f.num('code', 0, 255), restOfHeader: rest, payloadLength: inner.length }, out, 0);
                const csum = f.opt('csum', 0xffff);
                if (csum !== undefined)
                    put16(out, 2, csum);
                break;
            }
            case 'udp': {
                out = withInner(UDP_HEADER_LEN, inner);
                const ip = enclosing(i, 'ipv4');
                const src = ip?.ip('src', DEFAULT_SRC_IP) ?? 0;
                const dst = ip?.ip('dst', DEFAULT_DST_IP) ?? 0;
                emitUdp({ srcPort: f.num('src', DEFAULT_PORT, 0xffff), dstPort: f.num('dst', next === 'vxlan' ? UDP_PORT_VXLAN : DEFAULT_PORT, 0xffff), payloadLength: inner.length }, out, 0, src, dst, false);
                const len = f.num('len', out.length, 0xffff);
                put16(out, 4, len);
                const csum = f.opt('csum', 0xffff);
                put16(out, 6, csum ?? (internetChecksum(out, 0, out.length, ipv4PseudoHeaderSum(src, dst, IPPROTO_UDP, len)) || 0xffff));
                break;
            }
            case 'tcp': {
                const optsField = f.get('opts');
                const structured = body[i].fields.find((x) => TCP_OPTION_KEYS.has(x.key));
                if (optsField !== undefined && structured !== undefined)
                    f.fail(structured, 'cannot be combined with opts=');
                let options = optsField !== undefined ? f.hexOf(optsField) : tcpOptionBytes(f);
                if (options.length % 4 !== 0) {
                    const padded = new Uint8Array((options.length + 3) & ~3);
                    padded.set(options);
                    options = padded;
                }
                if (options.length > 40)
                    f.fail(optsField ?? structured, `options take ${options.length} bytes, at most 40 fit`);
                const hlen = 20 + options.length;
                out = withInner(hlen, inner);
                const flagsField = f.get('flags');
                const flags = flagsField === undefined ? 0x02 : tcpFlagsOf(f, flagsField);
                put16(out, 0, f.num('src', DEFAULT_PORT, 0xffff));
                put16(out, 2, f.num('dst', DEFAULT_PORT, 0xffff));
                put32(out, 4, f.num('seq', 0, 0xffffffff));
                put32(out, 8, f.num('ack', 0, 0xffffffff));
                put16(out, 12, ((hlen / 4) << 12) | (f.num('rsv', 0, 7) << 9) | flags);
                put16(out, 14, f.num('win', 8192, 0xffff));
                put16(out, 18, f.num('urg', 0, 0xffff));
                out.set(options, 20);
                const ip = enclosing(i, 'ipv4');
                const seed = ipv4PseudoHeaderSum(ip?.ip('src', DEFAULT_SRC_IP) ?? 0, ip?.ip('dst', DEFAULT_DST_IP) ?? 0, IPPROTO_TCP, out.length);
                put16(out, 16, f.num('csum', internetChecksum(out, 0, out.length, seed), 0xffff));
                break;
            }
            case 'vxlan': {
                out = withInner(8, inner);
                put32(out, 0, f.num('rsv1', 0, 0xffffff));
                out[0] = f.num('flags', 0x08, 255);
                put32(out, 4, f.num('vni', 0, 0xffffff) * 256 + f.num('rsv2', 0, 255));
                break;
            }
            case 'gre': {
                const csumField = f.get('csum');
                const hasKey = f.has('key');
                const hasSeq = f.has('seq');
                const hlen = 4 + (csumField !== undefined ? 4 : 0) + (hasKey ? 4 : 0) + (hasSeq ? 4 : 0);
                out = withInner(hlen, inner);
                const word = (csumField !== undefined ? 0x8000 : 0) | (hasKey ? 0x2000 : 0) | (hasSeq ? 0x1000 : 0) | ((f.num('rsv0', 0, 0x9ff) << 3) & 0x4ff8) | f.num('ver', 0, 7);
                put16(out, 0, word);
                put16(out, 2, f.num('proto', etherTypeFor(next), 0xffff));
                let o = 4;
                if (csumField !== undefined) {
                    put16(out, o + 2, f.num('rsv1', 0, 0xffff));
                    o += 4;
                }
                if (hasKey) {
                    put32(out, o, f.num('key', 0, 0xffffffff));
                    o += 4;
                }
                if (hasSeq)
                    put32(out, o, f.num('seq', 0, 0xffffffff));
                if (csumField !== undefined)
                    put16(out, 4, csumField.value === null ? internetChecksum(out, 0, out.length) : f.numOf(csumField, 0xffff));
                break;
            }
            default: {
                // payload
                const data = f.bytes();
                out = new Uint8Array(data.length + inner.length);
                out.set(data);
                out.set(inner, data.length);
            }
        }
        inner = out;
    }
    if (padCount === 0)
        return inner;
    const pads = layers.slice(layers.length - padCount).map((l) => new Fields(l).bytes());
    const total = new Uint8Array(inner.length + pads.reduce((n, p) => n + p.length, 0));
    total.set(inner);
    let o = inner.length;
    for (const p of pads) {
        total.set(p, o);
        o += p.length;
    }
    return total;
}
/** Turns spec text into frame bytes. Throws SpecError naming the layer, field and position. */
export function encodeSpec(text) {
    return encodeLayers(parseSpec(text));
}
// ---------------------------------------------------------------- formatting
const hex2 = (n) => n.toString(16).padStart(2, '0');
const hex16 = (n) => `0x${n.toString(16).padStart(4, '0')}`;
const hexBytes = (b, start, end) => {
    let s = '';
    for (let i = start; i < end; i++)
        s += hex2(b[i]);
    return s;
};
function field(key, value, pos = 0) {
    return { key, value: value === null ? null : String(value), pos };
}
/** Structured TCP option fields for raw option bytes, or null when only opts=hex describes them. */
function tcpOptionFields(raw) {
    const out = [];
    const u16 = (o) => (raw[o] << 8) | raw[o + 1];
    const u32 = (o) => ((raw[o] << 24) | (raw[o + 1] << 16) | (raw[o + 2] << 8) | raw[o + 3]) >>> 0;
    let i = 0;
    while (i < raw.length) {
        const kind = raw[i];
        if (kind === 0) {
            out.push(field('eol', null));
            break;
        }
        if (kind === 1) {
            out.push(field('nop', null));
            i++;
            continue;
        }
        const len = raw[i + 1];
        if (len === undefined || len < 2 || i + len > raw.length)
            return null;
        if (kind === 2 && len === 4)
            out.push(field('mss', u16(i + 2)));
        else if (kind === 3 && len === 3)
            out.push(field('wscale', raw[i + 2]));
        else if (kind === 4 && len === 2)
            out.push(field('sackok', null));
        else if (kind === 8 && len === 10)
            out.push(field('ts', `${u32(i + 2)}/${u32(i + 6)}`));
        else if (kind === 5 && len > 2 && (len - 2) % 8 === 0) {
            const blocks = [];
            for (let k = i + 2; k < i + len; k += 8)
                blocks.push(`${u32(k)}-${u32(k + 4)}`);
            out.push(field('sack', blocks.join('/')));
        }
        else
            return null;
        i += len;
    }
    // A trailing EOL is what the zero padding writes anyway.
    if (out.length > 0 && out[out.length - 1].key === 'eol') {
        const without = out.slice(0, -1);
        if (sameBytes(tcpOptionBytes(new Fields({ name: 'tcp', fields: without, pos: 0 })), raw))
            return without;
    }
    return sameBytes(tcpOptionBytes(new Fields({ name: 'tcp', fields: out, pos: 0 })), raw) ? out : null;
}
function sameBytes(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
/** Every field of a dissected layer, as spec fields (before defaults are dropped). */
function fullLayer(l, bytes) {
    const v = l.fields;
    const fs = [];
    const add = (key, value) => {
        fs.push(field(key, value));
    };
    switch (l.name) {
        case 'eth':
            add('src', String(v.src));
            add('dst', String(v.dst));
            add('type', hex16(Number(v.type)));
            break;
        case 'vlan':
        case 'qinq':
            add('vid', Number(v.vid));
            add('pcp', Number(v.pcp));
            add('dei', Number(v.dei));
            add('type', hex16(Number(v.type)));
            break;
        case 'arp': {
            const op = Number(v.op);
            add('op', op === ARP_OP_REQUEST ? 'request' : op === ARP_OP_REPLY ? 'reply' : op);
            for (const k of ['sha', 'spa', 'tha', 'tpa'])
                add(k, String(v[k]));
            break;
        }
        case 'ipv4':
            for (const k of ['src', 'dst', 'ttl', 'id', 'proto', 'len', 'dscp', 'ecn', 'frag'])
                add(k, String(v[k]));
            for (const k of ['df', 'mf', 'rf'])
                if (v[k] === true)
                    add(k, null);
            if (v.opts !== '')
                add('opts', String(v.opts));
            add('csum', hex16(Number(v.csum)));
            break;
        case 'icmp': {
            const type = Number(v.type);
            add('type', icmpTypeName(type) ?? type);
            add('code', Number(v.code));
            for (const k of ['id', 'seq', 'mtu', 'rest'])
                if (v[k] !== undefined)
                    add(k, Number(v[k]));
            add('csum', hex16(Number(v.csum)));
            break;
        }
        case 'udp':
            for (const k of ['src', 'dst', 'len'])
                add(k, Number(v[k]));
            add('csum', hex16(Number(v.csum)));
            break;
        case 'tcp': {
            for (const k of ['src', 'dst', 'seq', 'ack'])
                add(k, Number(v[k]));
            add('flags', v.flags === '' ? '0' : String(v.flags));
            for (const k of ['rsv', 'win', 'urg'])
                add(k, Number(v[k]));
            const raw = bytes.subarray(l.offset + 20, l.offset + l.length);
            const structured = tcpOptionFields(raw);
            if (structured === null)
                add('opts', hexBytes(raw, 0, raw.length));
            else
                fs.push(...structured);
            add('csum', hex16(Number(v.csum)));
            break;
        }
        case 'vxlan':
            add('vni', Number(v.vni));
            add('flags', `0x${hex2(Number(v.flags))}`);
            add('rsv1', Number(v.rsv1));
            add('rsv2', Number(v.rsv2));
            break;
        case 'gre':
            add('proto', hex16(Number(v.proto)));
            if (v.csum !== undefined) {
                add('csum', v.checksum === 'ok' ? null : hex16(Number(v.csum)));
                add('rsv1', Number(v.rsv1));
            }
            if (v.key !== undefined)
                add('key', Number(v.key));
            if (v.seq !== undefined)
                add('seq', Number(v.seq));
            add('rsv0', Number(v.rsv0));
            add('ver', Number(v.ver));
            break;
        default:
            add('hex', hexBytes(bytes, l.offset, l.offset + l.length));
    }
    return { name: l.name, fields: fs, pos: 0 };
}
/** Rewrites payload/pad bytes in their shortest equivalent form (len=N for zeros, fill=B for a repeated byte). */
function shortBytes(l) {
    const hexField = l.fields.find((f) => f.key === 'hex');
    const h = hexField?.value ?? '';
    if (h.length === 0)
        return l;
    const first = h.slice(0, 2);
    if (h !== first.repeat(h.length / 2) || (first !== '00' && h.length < 8))
        return l;
    const fields = [field('len', h.length / 2)];
    if (first !== '00')
        fields.push(field('fill', `0x${first}`));
    return { ...l, fields };
}
/** The canonical spec of a frame: spec -> bytes -> spec -> bytes is the identity. Never throws. */
export function formatSpec(bytes) {
    try {
        const layers = dissect(bytes);
        const spec = [];
        for (const l of layers) {
            if (l.error !== undefined) {
                spec.push({ name: 'payload', fields: [field('hex', hexBytes(bytes, l.offset, bytes.length))], pos: 0 });
                break;
            }
            spec.push(fullLayer(l, bytes));
        }
        if (spec.length === 0)
            spec.push({ name: 'payload', fields: [], pos: 0 });
        if (!sameBytes(encodeLayers(spec), bytes))
            return `payload(hex=${hexBytes(bytes, 0, bytes.length)})`;
        // Drop every field whose default encodes to the same bytes.
        for (let i = 0; i < spec.length; i++) {
            const layer = spec[i];
            const keep = ALWAYS_SHOWN[layer.name] ?? [];
            for (let j = layer.fields.length - 1; j >= 0; j--) {
                const f = layer.fields[j];
                if (keep.includes(f.key) || f.key === 'hex' || f.key === 'opts' || TCP_OPTION_KEYS.has(f.key))
                    continue;
                if (layer.name === 'gre' && ['csum', 'key', 'seq'].includes(f.key))
                    continue;
                layer.fields.splice(j, 1);
                let same = false;
                try {
                    same = sameBytes(encodeLayers(spec), bytes);
                }
                catch {
                    same = false;
                }
                if (!same)
                    layer.fields.splice(j, 0, f);
            }
            spec[i] = shortBytes(layer);
        }
        return formatLayers(spec);
    }
    catch {
        return `payload(hex=${hexBytes(bytes, 0, bytes.length)})`;
    }
}
/** Writes layers as spec text. */
export function formatLayers(layers) {
    return layers.map((l) => `${l.name}(${l.fields.map((f) => (f.value === null ? f.key : `${f.key}=${f.value}`)).join(',')})`).join(',');
}
/** The canonical form of spec text (parse, encode, format). */
export function canonicalSpec(text) {
    return formatSpec(encodeSpec(text));
}
//# sourceMappingURL=spec.js.map