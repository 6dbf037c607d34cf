/**
 * Conformance suite for flow classifiers (src/netfns/openflow/classifier.ts): every
 * implementation runs the same cases, and the seeded generators here drive the differential test
 * against the linear reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, FLOW_WORDS, W, emptyMatch, setMatchField } from '../netfns/openflow/types.js';
export function rule(id, priority, build) {
    const match = emptyMatch();
    build(match);
    return { id, priority, match };
}
export function keyOf(build) {
    const k = new Uint32Array(FLOW_WORDS);
    build(k);
    return k;
}
/** A small deterministic PRNG (mulberry32). */
export function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
/** A random rule over a few fields with few values each, so rules overlap and tie often. */
export function randomRule(r, id) {
    return rule(id, Math.floor(r() * 24), (m) => {
        if (r() < 0.4)
            setMatchField(m, F.in_port, BigInt(1 + Math.floor(r() * 4)));
        if (r() < 0.2)
            setMatchField(m, F.metadata, BigInt(Math.floor(r() * 4)), 0xffn);
        if (r() < 0.15)
            setMatchField(m, F.eth_dst, 0x010000000000n, 0x010000000000n);
        else if (r() < 0.1)
            setMatchField(m, F.eth_dst, 0xffffffffffffn);
        if (r() < 0.6) {
            setMatchField(m, F.eth_type, 0x0800n);
            if (r() < 0.5)
                setMatchField(m, F.ipv4_src, BigInt((10 << 24) | (Math.floor(r() * 4) << 16) | Math.floor(r() * 4)), BigInt(pick(r, [0xff000000, 0xffff0000, 0xffffffff])));
            if (r() < 0.5) {
                setMatchField(m, F.ip_proto, BigInt(pick(r, [6, 17])));
                if (r() < 0.6)
                    setMatchField(m, F.tcp_dst, BigInt(pick(r, [22, 53, 80, 443])));
            }
        }
        else if (r() < 0.3)
            setMatchField(m, F.eth_type, 0x0806n);
    });
}
/** A random key, near the rule space (so lookups hit) most of the time. */
export function randomKey(r) {
    return keyOf((k) => {
        k[W.IN_PORT] = 1 + Math.floor(r() * 5);
        k[W.METADATA_LO] = Math.floor(r() * 5);
        k[W.ETH_DST_HI] = r() < 0.3 ? 0x0100 : r() < 0.2 ? 0xffff : 0x0200;
        k[W.ETH_DST_LO] = k[W.ETH_DST_HI] === 0xffff ? 0xffffffff : 0;
        k[W.ETH_TYPE] = pick(r, [0x0800, 0x0800, 0x0806, 0x86dd]);
        if (k[W.ETH_TYPE] === 0x0800) {
            k[W.NW_SRC] = ((10 << 24) | (Math.floor(r() * 5) << 16) | Math.floor(r() * 5)) >>> 0;
            k[W.NW_PROTO] = pick(r, [6, 17, 1, 0]);
            k[W.TP_DST] = pick(r, [22, 53, 80, 443, 8080]);
        }
    });
}
/** Registers the conformance cases for one implementation. */
export function classifierConformance(name, make) {
    const ip = (m) => setMatchField(m, F.eth_type, 0x0800n);
    const key = keyOf((k) => {
        k[W.IN_PORT] = 1;
        k[W.ETH_TYPE] = 0x0800;
        k[W.NW_PROTO] = 6;
        k[W.NW_SRC] = 0x0a000001;
        k[W.TP_DST] = 80;
    });
    test(`${name}: an empty classifier matches nothing`, () => {
        assert.equal(make().lookup(key, null), null);
    });
    test(`${name}: the highest priority covering rule wins`, () => {
        const c = make();
        c.insert(rule(1, 10, ip));
        c.insert(rule(2, 20, (m) => { ip(m); setMatchField(m, F.ip_proto, 6n); setMatchField(m, F.tcp_dst, 80n); }));
        c.insert(rule(3, 30, (m) => { ip(m); setMatchField(m, F.ip_proto, 6n); setMatchField(m, F.tcp_dst, 443n); }));
        c.insert(rule(4, 5, () => { }));
        assert.equal(c.lookup(key, null)?.id, 2);
        assert.equal(c.size, 4);
    });
    test(`${name}: masked fields compare only the mask bits`, () => {
        const c = make();
        c.insert(rule(1, 1, (m) => { ip(m); setMatchField(m, F.ipv4_src, 0x0a000000n, 0xff000000n); }));
        assert.equal(c.lookup(key, null)?.id, 1);
        c.insert(rule(2, 2, (m) => { ip(m); setMatchField(m, F.ipv4_src, 0x0b000000n, 0xff000000n); }));
        assert.equal(c.lookup(key, null)?.id, 1);
    });
    test(`${name}: values with the top bit set match (broadcast MACs, 192.168/16 addresses)`, () => {
        const c = make();
        c.insert(rule(1, 3, (m) => { setMatchField(m, F.eth_dst, 0xffffffffffffn); setMatchField(m, F.eth_type, 0x0806n); }));
        c.insert(rule(2, 2, (m) => { ip(m); setMatchField(m, F.ipv4_src, 0xc0a80000n, 0xffff0000n); }));
        const bcast = keyOf((k) => { k[W.ETH_DST_HI] = 0xffff; k[W.ETH_DST_LO] = 0xffffffff; k[W.ETH_TYPE] = 0x0806; });
        const lan = keyOf((k) => { k[W.ETH_TYPE] = 0x0800; k[W.NW_SRC] = 0xc0a80105; });
        assert.equal(c.lookup(bcast, null)?.id, 1);
        assert.equal(c.lookup(lan, null)?.id, 2);
    });
    test(`${name}: among equal priorities the rule inserted first wins`, () => {
        const c = make();
        c.insert(rule(1, 7, (m) => setMatchField(m, F.in_port, 1n)));
        c.insert(rule(2, 7, ip));
        assert.equal(c.lookup(key, null)?.id, 1);
    });
    test(`${name}: a removed rule no longer matches and findExact follows`, () => {
        const c = make();
        const a = rule(1, 10, ip);
        const b = rule(2, 5, () => { });
        c.insert(a);
        c.insert(b);
        assert.equal(c.findExact(a.match, 10), a);
        assert.equal(c.findExact(a.match, 11), null);
        assert.equal(c.remove(a), true);
        assert.equal(c.remove(a), false);
        assert.equal(c.findExact(a.match, 10), null);
        assert.equal(c.lookup(key, null)?.id, 2);
        assert.equal(c.size, 1);
    });
    test(`${name}: keys that agree on the reported wildcard bits get the same answer`, () => {
        const r = rng(7);
        const c = make();
        for (let i = 0; i < 300; i++) {
            const x = randomRule(r, i);
            if (c.findExact(x.match, x.priority) === null)
                c.insert(x);
        }
        for (let i = 0; i < 2000; i++) {
            const k = randomKey(r);
            const wc = new Uint32Array(FLOW_WORDS);
            const got = c.lookup(k, wc);
            const k2 = randomKey(r);
            for (let w = 0; w < FLOW_WORDS; w++)
                k2[w] = ((k[w] & wc[w]) | (k2[w] & ~wc[w])) >>> 0;
            assert.equal(c.lookup(k2, null), got, `key ${i}`);
        }
    });
}
//# sourceMappingURL=classifier-suite.js.map