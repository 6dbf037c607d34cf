import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpec } from '../../wire/spec.js';
import { rng } from '../../testing/classifier-suite.js';
import { INGRESS_WORDS, extractFlowKey, extractFlowKeyHashed, ingressHash, newFlowKey, KEY_RUNT } from './flow-key.js';
import { FLOW_WORDS, W } from './types.js';
const SPECS = [
    'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)',
    'eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:01),arp(op=reply,spa=10.0.0.9,tpa=10.0.0.1)',
    'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:09),vlan(vid=7),ipv4(src=10.0.0.1,dst=10.0.0.9),icmp(type=echo-request,id=1,seq=1)',
    'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=192.168.1.1,dst=224.0.0.5),udp(src=5353,dst=53)',
    'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.1.1.1,dst=10.2.2.2),tcp(src=40000,dst=80)',
];
/** The one-pass extractor into a key that has only ever seen extractors (non-ingress words zero). */
function hashed(bytes, inPort, tun, key = newFlowKey()) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { key, hash: extractFlowKeyHashed(view, 0, bytes.length, inPort, tun, key) };
}
test('the one-pass extractor gives the byte extractor\'s key and the ingress hash of it, on real frames and every truncation', () => {
    const reused = newFlowKey();
    for (const spec of SPECS) {
        const frame = encodeSpec(spec);
        for (let len = 0; len <= frame.length; len++) {
            const bytes = frame.slice(0, len);
            const ref = newFlowKey();
            const rc = extractFlowKey(bytes, 0, len, 3, 0x64, ref);
            const got = hashed(bytes, 3, 0x64, reused);
            if (rc === KEY_RUNT) {
                assert.equal(got.hash, -1, `${spec} cut to ${len}`);
                continue;
            }
            assert.deepEqual([...got.key], [...ref], `${spec} cut to ${len}`);
            assert.equal(got.hash, ingressHash(ref));
        }
    }
});
test('random bytes under IPv4, ARP and VLAN EtherTypes extract alike both ways', () => {
    const r = rng(7);
    const key = newFlowKey();
    for (let n = 0; n < 20000; n++) {
        const len = 14 + Math.floor(r() * 60);
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++)
            b[i] = Math.floor(r() * 256);
        const type = [0x0800, 0x0806, 0x8100, 0x88a8, 0x86dd][n % 5];
        b[12] = type >> 8;
        b[13] = type & 0xff;
        if (n % 3 === 0 && len > 18)
            b[14] = 0x45;
        if (n % 7 === 0 && len >= 20)
            b.set([0, 1, 8, 0, 6, 4], 14);
        const ref = newFlowKey();
        extractFlowKey(b, 0, len, 1 + (n % 4), n, ref);
        const got = hashed(b, 1 + (n % 4), n, key);
        assert.deepEqual([...got.key], [...ref]);
        assert.equal(got.hash, ingressHash(ref));
    }
});
test('the ingress words are every word a packet sets, and nothing a pipeline writes', () => {
    assert.equal(new Set(INGRESS_WORDS).size, INGRESS_WORDS.length);
    for (let w = 0; w < FLOW_WORDS; w++) {
        const pipelineOnly = w >= W.METADATA_HI && w <= W.TUN_ID_HI;
        assert.equal(INGRESS_WORDS.includes(w), !pipelineOnly, `word ${w}`);
    }
});
//# sourceMappingURL=flow-key.test.js.map