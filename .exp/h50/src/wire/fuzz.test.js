/**
 * Property tests for every codec in src/wire, with a seeded PRNG so failures reproduce.
 *
 * 1. Hostile bytes: real fixtures mutated (bytes flipped or set to boundary values, truncated,
 *    extended, bogus offsets and lengths) and plain random buffers go through every view's
 *    wrap(), every getter after a successful wrap, and every parseX. Nothing may throw, every
 *    reason must come from the codec's declared union, the view and the parser must agree,
 *    and a wrapped header must describe a payload inside the bytes it was given.
 * 2. Round trips: random reprs go through emitX then parseX and must come back unchanged,
 *    with checksums that verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fx from './fixtures.js';
import { EthernetView, parseEthernet, emitEthernet } from './ethernet.js';
import { VlanView, parseVlan, emitVlan } from './vlan.js';
import { ArpView, parseArp, emitArp } from './arp.js';
import { Ipv4View, parseIpv4, emitIpv4, ipv4HeaderLen } from './ipv4.js';
import { Icmpv4View, parseIcmpv4, emitIcmpv4 } from './icmpv4.js';
import { UdpView, parseUdp, emitUdp } from './udp.js';
import { TcpView, parseTcp, emitTcp, tcpHeaderLen } from './tcp.js';
import { VxlanView, parseVxlan, emitVxlan } from './vxlan.js';
import { GreView, parseGre, emitGre, greHeaderLen } from './gre.js';
/** xorshift32: tiny, deterministic, good enough to pick bytes and branches. */
class Rng {
    #s;
    constructor(seed) {
        this.#s = seed >>> 0 || 1;
    }
    u32() {
        let s = this.#s;
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        this.#s = s >>> 0;
        return this.#s;
    }
    /** Integer in [0, n). */
    int(n) {
        return this.u32() % n;
    }
    bool() {
        return (this.u32() & 1) === 1;
    }
    mac() {
        return (this.u32() & 0xffff) * 0x1_0000_0000 + this.u32();
    }
    bytes(n) {
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++)
            out[i] = this.u32() & 0xff;
        return out;
    }
    pick(items) {
        return items[this.int(items.length)];
    }
}
// Declared reason sets. `Record<XError, true>` fails to compile if a union gains or loses a member.
const ETHERNET_REASONS = { truncated: true };
const VLAN_REASONS = { truncated: true };
const ARP_REASONS = { truncated: true, 'unsupported-hardware': true, 'unsupported-protocol': true };
const IPV4_REASONS = {
    truncated: true, 'bad-version': true, 'bad-ihl': true, 'bad-total-length': true, 'total-length-exceeds-buffer': true, 'bad-option': true,
};
const ICMPV4_REASONS = { truncated: true };
const UDP_REASONS = { truncated: true, 'bad-length': true, 'length-exceeds-buffer': true };
const TCP_REASONS = { truncated: true, 'bad-data-offset': true, 'bad-option': true };
const VXLAN_REASONS = { truncated: true, 'vni-flag-not-set': true };
const GRE_REASONS = { truncated: true, 'unsupported-version': true, 'routing-present': true };
function gettersOf(proto) {
    return Object.entries(Object.getOwnPropertyDescriptors(proto))
        .filter(([, d]) => d.get !== undefined)
        .map(([name]) => name);
}
function codec(name, view, reasons, parse, parseOnly = [], methods) {
    return { name, view, getters: gettersOf(Object.getPrototypeOf(view)), reasons, parseOnly: new Set(parseOnly), parse, ...(methods ? { methods } : {}) };
}
const CODECS = [
    codec('ethernet', new EthernetView(), ETHERNET_REASONS, parseEthernet),
    codec('vlan', new VlanView(), VLAN_REASONS, parseVlan),
    codec('arp', new ArpView(), ARP_REASONS, parseArp),
    codec('ipv4', new Ipv4View(), IPV4_REASONS, parseIpv4, ['bad-option']),
    codec('icmpv4', new Icmpv4View(), ICMPV4_REASONS, parseIcmpv4),
    codec('udp', new UdpView(), UDP_REASONS, parseUdp, [], (v, rng) => {
        const ok = v.checksumOk(rng.u32(), rng.u32());
        assert.equal(typeof ok, 'boolean');
    }),
    codec('tcp', new TcpView(), TCP_REASONS, parseTcp, ['bad-option'], (v, rng) => {
        const tcp = v;
        assert.equal(typeof tcp.checksumOk(rng.u32(), rng.u32()), 'boolean');
        for (const kind of [2, 3, 4, 5, 8, rng.int(256)]) {
            const at = tcp.findOption(kind);
            assert.ok(at === -1 || (at >= tcp.optionsOffset && at + tcp.buf[at + 1] <= tcp.payloadOffset && tcp.buf[at] === kind), `findOption(${kind}) = ${at}`);
        }
    }),
    codec('vxlan', new VxlanView(), VXLAN_REASONS, parseVxlan),
    codec('gre', new GreView(), GRE_REASONS, parseGre),
];
/** Each fixture with the offsets where its layers start, so mutations hit real headers. */
const FIXTURES = [
    { bytes: fx.hex(fx.VXLAN_ICMP_FRAME), layers: [0, 14, 34, 42, 50, 64, 84] },
    { bytes: fx.hex(fx.ARP_REQUEST_FRAME), layers: [0, 14] },
    { bytes: fx.hex(fx.ARP_REPLY_FRAME), layers: [0, 14] },
    { bytes: fx.hex(fx.IPV4_OPTIONS_UDP_PACKET), layers: [0, 36] },
    { bytes: fx.hex(fx.IPV4_FRAGMENT_PACKET), layers: [0, 20] },
    { bytes: fx.hex(fx.ICMP_FRAG_NEEDED_PACKET), layers: [0, 20, 28, 48] },
    { bytes: fx.hex(fx.ICMP_TIME_EXCEEDED_PACKET), layers: [0, 20, 28, 48] },
    { bytes: fx.hex(fx.VLAN_UDP_FRAME), layers: [0, 12, 18, 38] },
    { bytes: fx.hex(fx.QINQ_ARP_FRAME), layers: [0, 12, 16, 22] },
    { bytes: fx.hex(fx.TCP_SYN_PACKET), layers: [0, 20] },
    { bytes: fx.hex(fx.TCP_SACK_PACKET), layers: [0, 20] },
    { bytes: fx.hex(fx.TCP_UNKNOWN_OPTION_PACKET), layers: [0, 20] },
    { bytes: fx.hex(fx.GRE_PLAIN_PACKET), layers: [0, 20, 24, 44] },
    { bytes: fx.hex(fx.GRE_CKS_KEY_SEQ_PACKET), layers: [0, 20, 36] },
    { bytes: fx.hex(fx.PADDED_UDP_FRAME), layers: [0, 14, 34] },
];
const BOUNDARY_BYTES = [0x00, 0x01, 0x02, 0x04, 0x05, 0x08, 0x0f, 0x10, 0x40, 0x45, 0x4f, 0x50, 0x7f, 0x80, 0xf0, 0xff];
function mutate(rng) {
    const fixture = rng.pick(FIXTURES);
    let buf = fixture.bytes.slice();
    let off = rng.int(4) === 0 ? rng.int(buf.length + 1) : rng.pick(fixture.layers);
    switch (rng.int(7)) {
        case 0:
            break;
        case 1: {
            const flips = 1 + rng.int(4);
            for (let i = 0; i < flips; i++)
                buf[rng.int(buf.length)] = rng.u32() & 0xff;
            break;
        }
        case 2: {
            // Boundary values near the header being decoded, where length and flag fields live.
            const at = Math.min(buf.length - 1, off + rng.int(24));
            buf[at] = rng.pick(BOUNDARY_BYTES);
            if (rng.bool())
                buf[Math.min(buf.length - 1, at + 1)] = rng.pick(BOUNDARY_BYTES);
            break;
        }
        case 3:
            buf = buf.slice(0, rng.int(buf.length + 1));
            break;
        case 4: {
            const longer = new Uint8Array(buf.length + 1 + rng.int(64));
            longer.set(buf);
            longer.set(rng.bytes(longer.length - buf.length), buf.length);
            buf = longer;
            break;
        }
        case 5:
            buf = rng.bytes(rng.int(128));
            off = rng.int(buf.length + 1);
            break;
        case 6: {
            const flips = 1 + rng.int(3);
            for (let i = 0; i < flips; i++) {
                const at = rng.int(buf.length);
                buf[at] = buf[at] ^ (1 << rng.int(8));
            }
            break;
        }
    }
    let len = Math.max(0, buf.length - off);
    const window = rng.int(16);
    if (window === 0)
        len = rng.int(len + 1); // a shorter window inside the buffer
    else if (window === 1)
        len += 1 + rng.int(8); // a caller claiming more bytes than exist
    else if (window === 2)
        off = -1 - rng.int(4);
    else if (window === 3)
        off = buf.length + rng.int(8);
    return { buf, off, len };
}
function describe(input) {
    return `off=${input.off} len=${input.len} buf=${Buffer.from(input.buf).toString('hex')}`;
}
function checkCodec(c, input, rng) {
    const { buf, off, len } = input;
    const view = c.view;
    const reason = view.wrap(buf, off, len);
    if (reason !== null)
        assert.ok(c.reasons[reason], `${c.name}.wrap gave undeclared reason ${reason}`);
    const parsed = c.parse(buf, off, len);
    if ('error' in parsed) {
        const error = parsed.error;
        assert.ok(c.reasons[error], `${c.name} parse gave undeclared reason ${error}`);
        if (reason === null)
            assert.ok(c.parseOnly.has(error), `${c.name}: wrap accepted but parse said ${error}`);
        else
            assert.equal(error, reason, `${c.name}: wrap and parse disagree`);
    }
    else {
        assert.equal(reason, null, `${c.name}: parse accepted what wrap rejected (${reason})`);
    }
    if (reason !== null)
        return;
    for (const name of c.getters) {
        const value = view[name];
        if (name === 'buf')
            continue;
        if (typeof value === 'boolean')
            continue;
        assert.ok(typeof value === 'number' && Number.isInteger(value) && value >= 0, `${c.name}.${name} = ${String(value)}`);
    }
    assert.equal(view.payloadOffset, off + view.headerLength, `${c.name}: payloadOffset`);
    assert.ok(view.payloadLength >= 0, `${c.name}: payloadLength ${view.payloadLength}`);
    assert.ok(view.payloadOffset + view.payloadLength <= off + len, `${c.name}: payload ends beyond the bytes given`);
    c.methods?.(view, rng);
}
test('hostile bytes never make a codec throw, and every reason is a declared one', () => {
    const rng = new Rng(0x5eed_c0de);
    const INPUTS = 100_000;
    let accepted = 0;
    for (let i = 0; i < INPUTS; i++) {
        const input = mutate(rng);
        for (const c of CODECS) {
            try {
                checkCodec(c, input, rng);
            }
            catch (err) {
                throw new Error(`input ${i}, codec ${c.name}: ${err.message}\n${describe(input)}`, { cause: err });
            }
        }
        if (CODECS[3].view.wrap(input.buf, input.off, input.len) === null)
            accepted++;
    }
    // Mutations must still reach the accepting paths, or the test only exercises rejections.
    assert.ok(accepted > INPUTS / 50, `only ${accepted} inputs passed the IPv4 wrap`);
});
function roundTrip(name, rng, count, make, check) {
    for (let i = 0; i < count; i++) {
        const t = make(rng);
        const written = t.emit();
        try {
            check(t.repr, parseFor(name)(t.buf, t.off, t.len), written, t.buf);
        }
        catch (err) {
            throw new Error(`${name} round trip ${i}: ${err.message}\nrepr=${JSON.stringify(t.repr, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`, { cause: err });
        }
    }
}
function parseFor(name) {
    return CODECS.find((c) => c.name === name).parse;
}
/** Builds a well-formed IPv4 option list of at most `max` bytes. */
function ipv4Options(rng, max) {
    const out = [];
    while (out.length < max && rng.int(3) !== 0) {
        const room = max - out.length;
        if (room < 2 || rng.int(4) === 0) {
            out.push(1);
            continue;
        }
        const kind = 2 + rng.int(254);
        const len = 2 + rng.int(room - 1);
        out.push(kind, len);
        for (let j = 2; j < len; j++)
            out.push(rng.int(256));
    }
    return Uint8Array.from(out);
}
function tcpOptions(rng) {
    const out = [];
    let used = 0;
    while (rng.int(4) !== 0) {
        let opt;
        switch (rng.int(7)) {
            case 0:
                opt = { kind: 'nop' };
                break;
            case 1:
                opt = { kind: 'mss', mss: rng.int(65536) };
                break;
            case 2:
                opt = { kind: 'window-scale', shift: rng.int(256) };
                break;
            case 3:
                opt = { kind: 'sack-permitted' };
                break;
            case 4:
                opt = { kind: 'sack', blocks: Array.from({ length: 1 + rng.int(4) }, () => ({ left: rng.u32(), right: rng.u32() })) };
                break;
            case 5:
                opt = { kind: 'timestamps', value: rng.u32(), echo: rng.u32() };
                break;
            default: {
                const type = rng.pick([6, 7, 9, 19, 28, 29, 30, 34, 253, 254, 200]);
                opt = { kind: 'unknown', type, data: rng.bytes(rng.int(8)) };
            }
        }
        const size = tcpHeaderLen({ options: [opt] }) - 20;
        if (used + size > 40)
            break;
        out.push(opt);
        used += size;
    }
    return out;
}
test('random reprs survive emit then parse unchanged, with checksums that verify', () => {
    const rng = new Rng(0xabad1dea);
    const N = 3000;
    const frame = (n) => new Uint8Array(n);
    roundTrip('ethernet', rng, N, (r) => {
        const repr = { dst: r.mac(), src: r.mac(), etherType: r.int(65536) };
        const buf = frame(14);
        return { repr, buf, off: 0, len: 14, emit: () => emitEthernet(repr, buf, 0) };
    }, (repr, parsed) => assert.deepEqual(parsed, repr));
    roundTrip('vlan', rng, N, (r) => {
        const repr = { tpid: r.int(65536), pcp: r.int(8), dei: r.bool(), vid: r.int(4096), innerEtherType: r.int(65536) };
        const buf = frame(8);
        return { repr, buf, off: 2, len: 6, emit: () => emitVlan(repr, buf, 2) };
    }, (repr, parsed) => assert.deepEqual(parsed, repr));
    roundTrip('arp', rng, N, (r) => {
        const repr = { op: r.int(65536), senderMac: r.mac(), senderIp: r.u32(), targetMac: r.mac(), targetIp: r.u32() };
        const buf = frame(28 + r.int(20));
        return { repr, buf, off: 0, len: buf.length, emit: () => emitArp(repr, buf, 0) };
    }, (repr, parsed) => assert.deepEqual(parsed, repr));
    roundTrip('ipv4', rng, N, (r) => {
        const repr = {
            dscp: r.int(64), ecn: r.int(4), identification: r.int(65536), dontFragment: r.bool(), moreFragments: r.bool(),
            fragmentOffset: r.int(8192) * 8, ttl: r.int(256), protocol: r.int(256), src: r.u32(), dst: r.u32(),
            options: ipv4Options(r, 40), payloadLength: r.int(64),
        };
        const hlen = ipv4HeaderLen(repr);
        const buf = frame(hlen + repr.payloadLength + r.int(8));
        return { repr, buf, off: 0, len: buf.length, emit: () => emitIpv4(repr, buf, 0) };
    }, (repr, parsed, written) => {
        assert.ok(!('error' in parsed), JSON.stringify(parsed));
        const p = parsed;
        assert.equal(p.checksumOk, true);
        assert.equal(p.headerLength, written);
        assert.equal(p.totalLength, written + repr.payloadLength);
        const padded = new Uint8Array(written - 20);
        padded.set(repr.options);
        assert.deepEqual(p.options, padded);
        const { options: _a, ...want } = repr;
        for (const [k, v] of Object.entries(want))
            assert.equal(p[k], v, k);
    });
    roundTrip('icmpv4', rng, N, (r) => {
        const payloadLength = r.int(64);
        let repr;
        switch (r.int(4)) {
            case 0:
                repr = { kind: r.bool() ? 'echo-request' : 'echo-reply', identifier: r.int(65536), sequence: r.int(65536), payloadLength };
                break;
            case 1:
                repr = { kind: 'dest-unreachable', code: r.int(16), nextHopMtu: r.int(65536), payloadLength };
                break;
            case 2:
                repr = { kind: 'time-exceeded', code: r.int(2), payloadLength };
                break;
            default: repr = { kind: 'other', type: r.pick([4, 5, 9, 10, 12, 13, 14, 42, 255]), code: r.int(256), restOfHeader: r.u32(), payloadLength };
        }
        const buf = frame(8 + payloadLength);
        buf.set(r.bytes(payloadLength), 8);
        return { repr, buf, off: 0, len: buf.length, emit: () => emitIcmpv4(repr, buf, 0) };
    }, (repr, parsed) => {
        const { checksum: _c, checksumOk, ...rest } = parsed;
        assert.equal(checksumOk, true);
        assert.deepEqual(rest, repr);
    });
    roundTrip('udp', rng, N, (r) => {
        const repr = { srcPort: r.int(65536), dstPort: r.int(65536), payloadLength: r.int(64), src: r.u32(), dst: r.u32() };
        const buf = frame(8 + repr.payloadLength + r.int(8));
        buf.set(r.bytes(repr.payloadLength), 8);
        return { repr, buf, off: 0, len: buf.length, emit: () => emitUdp(repr, buf, 0, repr.src, repr.dst) };
    }, (repr, parsed, _written, buf) => {
        const p = parsed;
        assert.deepEqual([p.srcPort, p.dstPort, p.payloadLength], [repr.srcPort, repr.dstPort, repr.payloadLength]);
        assert.notEqual(p.checksum, 0, 'a computed zero is sent as 0xffff');
        const view = new UdpView();
        assert.equal(view.wrap(buf, 0, buf.length), null);
        assert.equal(view.checksumOk(repr.src, repr.dst), true);
    });
    roundTrip('tcp', rng, N, (r) => {
        const repr = {
            srcPort: r.int(65536), dstPort: r.int(65536), seq: r.u32(), ack: r.u32(), flags: r.int(512), window: r.int(65536),
            urgentPointer: r.int(65536), options: tcpOptions(r), payloadLength: r.int(64), src: r.u32(), dst: r.u32(),
        };
        const hlen = tcpHeaderLen(repr);
        const buf = frame(hlen + repr.payloadLength);
        buf.set(r.bytes(repr.payloadLength), hlen);
        return { repr, buf, off: 0, len: buf.length, emit: () => emitTcp(repr, buf, 0, repr.src, repr.dst) };
    }, (repr, parsed, written, buf) => {
        assert.ok(!('error' in parsed), JSON.stringify(parsed));
        const { checksum: _c, headerLength, options, ...rest } = parsed;
        const { src, dst, options: wantOptions, ...want } = repr;
        assert.deepEqual(rest, want);
        assert.equal(headerLength, written);
        const padded = options.length > wantOptions.length ? options.slice(0, -1) : options;
        if (options.length > wantOptions.length)
            assert.deepEqual(options.at(-1), { kind: 'eol' });
        assert.deepEqual(padded, wantOptions);
        const view = new TcpView();
        assert.equal(view.wrap(buf, 0, buf.length), null);
        assert.equal(view.checksumOk(src, dst), true);
    });
    roundTrip('vxlan', rng, N, (r) => {
        const repr = { flags: r.int(256) | 0x08, vni: r.int(0x1000000), reserved1: r.int(0x1000000), reserved2: r.int(256) };
        const buf = frame(8 + r.int(20));
        return { repr, buf, off: 0, len: buf.length, emit: () => emitVxlan(repr, buf, 0) };
    }, (repr, parsed) => assert.deepEqual(parsed, repr));
    roundTrip('gre', rng, N, (r) => {
        const repr = {
            protocolType: r.int(65536), checksumPresent: r.bool(), key: r.bool() ? r.u32() : null, sequence: r.bool() ? r.u32() : null,
            reserved0: r.int(512), payloadLength: r.int(64),
        };
        const hlen = greHeaderLen(repr);
        const buf = frame(hlen + repr.payloadLength);
        buf.set(r.bytes(repr.payloadLength), hlen);
        return { repr, buf, off: 0, len: buf.length, emit: () => emitGre(repr, buf, 0) };
    }, (repr, parsed, written) => {
        const { checksum: _c, checksumOk, headerLength, ...rest } = parsed;
        assert.equal(checksumOk, true);
        assert.equal(headerLength, written);
        assert.deepEqual(rest, repr);
    });
});
//# sourceMappingURL=fuzz.test.js.map