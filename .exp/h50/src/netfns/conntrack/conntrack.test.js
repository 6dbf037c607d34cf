import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CT_ACCEPT, CT_CLASH, CT_FULL, CT_IGNORED, CT_INVALID, CT_ZONE_FULL, Conntrack } from './conntrack.js';
import { TCP_STATE_NAMES, tcpFlagsValid } from './tcp-state.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../../wire/tcp.js';
import { parseIpv4Addr as ip } from '../../wire/ipv4-addr.js';
const S = 1e9;
const A = ip('10.0.0.1');
const B = ip('10.0.0.2');
function tcpConn(ct, now = 0, zone = 0) {
    const e = ct.create(zone, 6, A, B, 1234, 80, B, A, 80, 1234, now);
    assert.ok(e >= 0, `create returned ${e}`);
    return e;
}
const state = (ct, e) => TCP_STATE_NAMES[ct.state(e)];
test('a TCP connection walks SYN_SENT, SYN_RECV, ESTABLISHED and closes through FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = tcpConn(ct);
    const orig = 2 * e;
    const reply = 2 * e + 1;
    assert.equal(ct.track(orig, TCP_SYN, 0), CT_ACCEPT);
    assert.equal(state(ct, e), 'SYN_SENT');
    assert.equal(ct.info(e, 0).timeout, 120);
    assert.equal(ct.find(0, 6, B, A, 80, 1234, 0), reply, 'the reply tuple finds the same entry');
    assert.equal(ct.track(reply, TCP_SYN | TCP_ACK, S), CT_ACCEPT);
    assert.equal(state(ct, e), 'SYN_RECV');
    assert.equal(ct.info(e, S).seenReply, true);
    assert.equal(ct.info(e, S).assured, false);
    assert.equal(ct.track(orig, TCP_ACK, 2 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'ESTABLISHED');
    assert.equal(ct.info(e, 2 * S).assured, true);
    assert.equal(ct.info(e, 2 * S).timeout, 432000);
    assert.equal(ct.track(reply, TCP_ACK | TCP_PSH, 3 * S), CT_ACCEPT);
    assert.equal(ct.track(orig, TCP_FIN | TCP_ACK, 4 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'FIN_WAIT');
    assert.equal(ct.track(orig, TCP_FIN | TCP_ACK, 5 * S), CT_ACCEPT, 'a retransmitted FIN');
    assert.equal(state(ct, e), 'FIN_WAIT', 'the same side closing twice is not the peer closing');
    assert.equal(ct.track(reply, TCP_ACK, 6 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'CLOSE_WAIT');
    assert.equal(ct.track(reply, TCP_FIN | TCP_ACK, 7 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'LAST_ACK');
    assert.equal(ct.info(e, 7 * S).timeout, 30);
    assert.equal(ct.track(orig, TCP_ACK, 8 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'TIME_WAIT');
    assert.equal(ct.find(0, 6, A, B, 1234, 80, 127 * S), orig, 'alive just before 120 s of TIME_WAIT');
    assert.equal(ct.find(0, 6, A, B, 1234, 80, 128 * S), -1, 'gone after 120 s');
    assert.equal(ct.size, 0);
    assert.equal(ct.expired, 1);
});
test('RST closes a connection with the 10 s CLOSE timeout; a new SYN reopens it', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = tcpConn(ct);
    ct.track(2 * e, TCP_SYN, 0);
    ct.track(2 * e + 1, TCP_SYN | TCP_ACK, 0);
    ct.track(2 * e, TCP_ACK, 0);
    assert.equal(ct.track(2 * e + 1, TCP_RST, S), CT_ACCEPT);
    assert.equal(state(ct, e), 'CLOSE');
    assert.equal(ct.info(e, S).timeout, 10);
    assert.equal(ct.track(2 * e, TCP_SYN, 2 * S), CT_ACCEPT);
    assert.equal(state(ct, e), 'SYN_SENT');
    assert.equal(ct.info(e, 2 * S).assured, false);
});
test('packets that do not fit the state are invalid, late SYN/ACKs are ignored', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = tcpConn(ct);
    ct.track(2 * e, TCP_SYN, 0);
    assert.equal(ct.track(2 * e, TCP_ACK, 0), CT_INVALID, 'client ACK before any SYN/ACK');
    assert.equal(ct.track(2 * e, TCP_SYN | TCP_ACK, 0), CT_INVALID, 'client SYN/ACK');
    assert.equal(ct.invalid, 2);
    ct.track(2 * e + 1, TCP_SYN | TCP_ACK, 0);
    ct.track(2 * e, TCP_ACK, 0);
    assert.equal(ct.track(2 * e + 1, TCP_SYN | TCP_ACK, 0), CT_IGNORED, 'retransmitted SYN/ACK');
    assert.equal(state(ct, e), 'ESTABLISHED');
    assert.equal(ct.track(2 * e, TCP_URG, 0), CT_INVALID, 'no SYN, FIN, ACK or RST');
});
test('only SYN opens a TCP connection, and impossible flag combinations are recognised', () => {
    assert.equal(Conntrack.tcpOpens(TCP_SYN), true);
    assert.equal(Conntrack.tcpOpens(TCP_ACK), false);
    assert.equal(Conntrack.tcpOpens(TCP_SYN | TCP_ACK), false);
    for (const bad of [TCP_SYN | TCP_FIN, TCP_SYN | TCP_RST, 0, TCP_FIN, TCP_SYN | TCP_FIN | TCP_ACK, TCP_FIN | TCP_RST, TCP_PSH, TCP_URG])
        assert.equal(tcpFlagsValid(bad), false, `flags 0x${bad.toString(16)}`);
    for (const good of [TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_ACK | TCP_PSH, TCP_FIN | TCP_ACK, TCP_RST, TCP_RST | TCP_ACK, TCP_ACK | 0x40 | 0x80])
        assert.equal(tcpFlagsValid(good), true, `flags 0x${good.toString(16)}`);
});
test('UDP is unreplied for 30 s, then assured with 120 s once traffic follows a reply', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = ct.create(0, 17, A, B, 5000, 53, B, A, 53, 5000, 0);
    ct.track(2 * e, 0, 0);
    assert.equal(ct.info(e, 0).timeout, 30);
    assert.equal(ct.info(e, 0).seenReply, false);
    ct.track(2 * e + 1, 0, S);
    assert.equal(ct.info(e, S).seenReply, true);
    assert.equal(ct.info(e, S).assured, false);
    ct.track(2 * e, 0, 2 * S);
    assert.equal(ct.info(e, 2 * S).assured, true);
    assert.equal(ct.info(e, 2 * S).timeout, 120);
    assert.equal(ct.find(0, 17, A, B, 5000, 53, 121 * S), 2 * e);
    assert.equal(ct.find(0, 17, A, B, 5000, 53, 123 * S), -1);
});
test('ICMP echo is keyed by identifier and type, so an incoming request never matches an outgoing one\'s reply side', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = ct.create(0, 1, A, B, 7, 0x0800, B, A, 7, 0, 0);
    ct.track(2 * e, 0, 0);
    assert.equal(ct.info(e, 0).timeout, 30);
    assert.equal(ct.find(0, 1, B, A, 7, 0, 0), 2 * e + 1, 'the echo reply');
    assert.equal(ct.find(0, 1, B, A, 7, 0x0800, 0), -1, 'a request from B to A');
    assert.equal(ct.find(0, 1, A, B, 8, 0x0800, 0), -1, 'another identifier');
    assert.equal(ct.translated(e), false);
});
test('a full table refuses with CT_FULL until an entry expires, then the slot is reused', () => {
    const ct = new Conntrack({ capacity: 4 });
    for (let i = 0; i < 4; i++) {
        const e = ct.create(0, 17, A, B, 1000 + i, 53, B, A, 53, 1000 + i, 0);
        ct.track(2 * e, 0, 0);
    }
    assert.equal(ct.size, 4);
    assert.equal(ct.create(0, 17, A, B, 2000, 53, B, A, 53, 2000, S), CT_FULL);
    assert.equal(ct.full, 1);
    const e = ct.create(0, 17, A, B, 2000, 53, B, A, 53, 2000, 31 * S);
    assert.ok(e >= 0, 'expired entries are swept to make room');
    assert.equal(ct.size, 1);
});
test('each zone is bounded on its own and the same tuple lives separately in two zones', () => {
    const ct = new Conntrack({ capacity: 16, zoneLimit: 2 });
    for (let i = 0; i < 2; i++)
        ct.track(2 * ct.create(1, 17, A, B, 1000 + i, 53, B, A, 53, 1000 + i, 0), 0, 0);
    assert.equal(ct.create(1, 17, A, B, 1002, 53, B, A, 53, 1002, 0), CT_ZONE_FULL);
    assert.equal(ct.zoneFull, 1);
    const z2 = ct.create(2, 17, A, B, 1000, 53, B, A, 53, 1000, 0);
    assert.ok(z2 >= 0);
    ct.track(2 * z2, 0, 0);
    assert.equal(ct.zoneSize(1), 2);
    assert.equal(ct.zoneSize(2), 1);
    assert.equal(ct.find(2, 17, A, B, 1000, 53, 0), 2 * z2);
    assert.notEqual(ct.find(1, 17, A, B, 1000, 53, 0), 2 * z2);
});
test('a second entry may not reuse a tuple of a live entry', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = tcpConn(ct);
    ct.track(2 * e, TCP_SYN, 0);
    assert.equal(ct.create(0, 6, ip('10.0.0.9'), B, 1, 80, B, A, 80, 1234, 0), CT_CLASH, 'reply tuple taken');
    assert.equal(ct.create(0, 6, A, B, 1234, 80, B, ip('1.2.3.4'), 80, 9, 0), CT_CLASH, 'original tuple taken');
});
test('the table agrees with a linear reference over random creations, lookups, removals and expiries', () => {
    const ct = new Conntrack({ capacity: 256, sweepBatch: 16 });
    const ref = new Map();
    let seed = 12345;
    const rnd = (n) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % n;
    };
    const key = (z, p, s, d, sp, dp) => `${z}/${p}/${s}/${d}/${sp}/${dp}`;
    let now = 0;
    for (let step = 0; step < 20000; step++) {
        now += rnd(3) * S;
        const z = rnd(2);
        const p = rnd(2) === 0 ? 17 : 1;
        const s = ip('10.0.0.0') + rnd(8);
        const d = ip('10.0.1.0') + rnd(8);
        const sp = rnd(16);
        const dp = p === 1 ? 0x0800 : rnd(4);
        for (const [k, v] of ref)
            if (v.expires <= now)
                ref.delete(k);
        const op = rnd(10);
        if (op < 4) {
            const before = ct.size;
            const e = ct.create(z, p, s, d, sp, dp, d, s, p === 1 ? sp : dp, p === 1 ? 0 : sp, now);
            const k0 = key(z, p, s, d, sp, dp);
            const k1 = key(z, p, d, s, p === 1 ? sp : dp, p === 1 ? 0 : sp);
            if (ref.has(k0) || ref.has(k1))
                assert.equal(e, CT_CLASH, `step ${step}`);
            else if (e >= 0) {
                ct.track(2 * e, 0, now);
                const expires = ct.expires(e);
                ref.set(k0, { e, dir: 0, expires });
                ref.set(k1, { e, dir: 1, expires });
            }
            else
                assert.ok(before >= 256 - 0 || e === CT_FULL, `unexpected ${e}`);
        }
        else if (op < 9) {
            const r = ct.find(z, p, s, d, sp, dp, now);
            const want = ref.get(key(z, p, s, d, sp, dp));
            assert.equal(r, want === undefined ? -1 : 2 * want.e + want.dir, `step ${step}`);
        }
        else {
            const want = ref.get(key(z, p, s, d, sp, dp));
            if (want !== undefined) {
                ct.remove(want.e);
                for (const [k, v] of ref)
                    if (v.e === want.e)
                        ref.delete(k);
            }
        }
        if (step % 97 === 0)
            ct.sweep(now);
        if (step % 1000 === 0) {
            for (const [k, v] of ref) {
                const [zz, pp, ss, dd, spp, dpp] = k.split('/').map(Number);
                assert.equal(ct.find(zz, pp, ss, dd, spp, dpp, now), 2 * v.e + v.dir);
            }
        }
    }
    assert.ok(ct.created > 1000);
});
test('the table prints like conntrack -L', () => {
    const ct = new Conntrack({ capacity: 8 });
    const e = tcpConn(ct);
    ct.track(2 * e, TCP_SYN, 0);
    ct.track(2 * e + 1, TCP_SYN | TCP_ACK, 0);
    ct.track(2 * e, TCP_ACK, S);
    const u = ct.create(3, 17, A, B, 5000, 53, B, ip('203.0.113.1'), 53, 61000, S);
    ct.track(2 * u, 0, S);
    const i = ct.create(0, 1, A, B, 7, 0x0800, B, A, 7, 0, S);
    ct.track(2 * i, 0, S);
    assert.equal(ct.format(2 * S), [
        'tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1234 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1234 [ASSURED] mark=0 zone=0 use=1',
        'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=5000 dport=53 [UNREPLIED] src=10.0.0.2 dst=203.0.113.1 sport=53 dport=61000 mark=0 zone=3 use=1',
        'icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=7 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=7 mark=0 zone=0 use=1',
        '',
    ].join('\n'));
    assert.equal(ct.info(u, S).srcNat, true);
    assert.equal(ct.info(u, S).dstNat, false);
});
test('the index grows with the table and every connection stays findable in both directions, through removals', () => {
    const ct = new Conntrack({ capacity: 8192 });
    const n = 3000;
    const src = (i) => (ip('10.1.0.0') + i) >>> 0;
    const dst = ip('203.0.113.9');
    const entries = [];
    for (let i = 0; i < n; i++) {
        const e = ct.create(0, 17, src(i), dst, 1000 + (i % 50000), 53, dst, src(i), 53, 1000 + (i % 50000), 0);
        assert.ok(e >= 0, `create ${i}: ${e}`);
        ct.track(2 * e, 0, 0);
        entries.push(e);
    }
    // 3000 entries at load 1/4 need 32,768 slots: three doublings from 4,096.
    assert.equal(ct.indexGrowths, 3);
    for (let i = 0; i < n; i++) {
        assert.equal(ct.find(0, 17, src(i), dst, 1000 + (i % 50000), 53, 0), 2 * entries[i]);
        assert.equal(ct.find(0, 17, dst, src(i), 53, 1000 + (i % 50000), 0), 2 * entries[i] + 1);
    }
    for (let i = 0; i < n; i += 2)
        ct.remove(entries[i]);
    for (let i = 0; i < n; i++) {
        const want = i % 2 === 0 ? -1 : 2 * entries[i];
        assert.equal(ct.find(0, 17, src(i), dst, 1000 + (i % 50000), 53, 0), want, `after removals, connection ${i}`);
    }
    assert.equal(ct.size, n / 2);
    assert.equal(ct.indexGrowths, 3, 'the index does not shrink');
});
//# sourceMappingURL=conntrack.test.js.map