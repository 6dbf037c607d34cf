import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearClassifier, TupleSpaceClassifier } from './classifier.js';
import { classifierConformance, randomKey, randomRule, rng, rule } from '../../testing/classifier-suite.js';
import { F, FLOW_WORDS, W, setMatchField } from './types.js';
classifierConformance('tuple space', () => new TupleSpaceClassifier());
classifierConformance('linear', () => new LinearClassifier());
test('tuple space and linear agree on 100,000 random rules and 100,000 random packets', () => {
    const r = rng(20240601);
    let rules = 0;
    let packets = 0;
    let hits = 0;
    for (let round = 0; round < 100; round++) {
        const tss = new TupleSpaceClassifier();
        const lin = new LinearClassifier();
        const live = [];
        for (let i = 0; i < 1000; i++) {
            rules++;
            // Mostly inserts, some removals, so removal paths are exercised too.
            if (live.length > 0 && r() < 0.1) {
                const victim = live.splice(Math.floor(r() * live.length), 1)[0];
                assert.equal(tss.remove(victim), true);
                assert.equal(lin.remove(victim), true);
                continue;
            }
            const x = randomRule(r, round * 1000 + i);
            if (lin.findExact(x.match, x.priority) !== null) {
                assert.notEqual(tss.findExact(x.match, x.priority), null);
                continue;
            }
            tss.insert(x);
            lin.insert(x);
            live.push(x);
        }
        assert.equal(tss.size, lin.size);
        for (let i = 0; i < 1000; i++) {
            packets++;
            const k = randomKey(r);
            const wc = new Uint32Array(FLOW_WORDS);
            const a = tss.lookup(k, wc);
            const b = lin.lookup(k, null);
            assert.equal(a?.id, b?.id, `round ${round} packet ${i}`);
            if (a !== null)
                hits++;
        }
    }
    assert.equal(rules, 100_000);
    assert.equal(packets, 100_000);
    assert.ok(hits > 50_000, `most packets should hit a rule (hit ${hits})`);
});
test('a lookup stopped at the first stage reports only that stage as examined', () => {
    const c = new TupleSpaceClassifier();
    c.insert(rule(1, 10, (m) => {
        setMatchField(m, F.in_port, 1n);
        setMatchField(m, F.eth_type, 0x0800n);
        setMatchField(m, F.ip_proto, 6n);
        setMatchField(m, F.tcp_dst, 80n);
    }));
    c.insert(rule(2, 5, (m) => setMatchField(m, F.eth_type, 0x0800n)));
    const k = new Uint32Array(FLOW_WORDS);
    k[W.IN_PORT] = 99;
    k[W.ETH_TYPE] = 0x0800;
    k[W.NW_PROTO] = 6;
    k[W.TP_DST] = 80;
    const wc = new Uint32Array(FLOW_WORDS);
    assert.equal(c.lookup(k, wc)?.id, 2);
    assert.equal(wc[W.IN_PORT], 0xffffffff);
    assert.equal(wc[W.ETH_TYPE], 0xffff);
    assert.equal(wc[W.NW_PROTO], 0, 'the in_port stage missed, so ip_proto was never looked at');
    assert.equal(wc[W.TP_DST], 0);
});
//# sourceMappingURL=classifier.test.js.map