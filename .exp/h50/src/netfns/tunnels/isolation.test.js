import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../../testing/classifier-suite.js';
import { assertConserved } from '../../testing/conservation.js';
import { encodeSpec } from '../../wire/spec.js';
import { overlayPair, ROGUE_IP, VTEP1_IP, VTEP1_MAC } from './testkit.js';
// Both tenants draw from the same MACs: every frame's source may be forged as the other tenant's host.
const MACS = [0x020000000001, 0x020000000002, 0x020000000003, 0x020000000004];
const GROUPS = [0xffffffffffff, 0x01005e000001, 0x333300000001];
const TENANT_A = 0xaa;
const TENANT_B = 0xbb;
for (const mode of ['vxlan', 'gre']) {
    test(`${mode}: over 4000 random frames with forged MACs and broadcasts, no frame ever reaches the other tenant`, () => {
        const pair = overlayPair(mode);
        const random = rng(mode === 'vxlan' ? 7 : 11);
        const senders = [
            { peer: pair.a1, tenant: TENANT_A },
            { peer: pair.a2, tenant: TENANT_A },
            { peer: pair.b1, tenant: TENANT_B },
            { peer: pair.b2, tenant: TENANT_B },
        ];
        const pick = (xs) => xs[Math.floor(random() * xs.length)];
        for (let i = 0; i < 4000; i++) {
            const s = pick(senders);
            const frame = new Uint8Array(60 + Math.floor(random() * 200));
            const dst = random() < 0.3 ? pick(GROUPS) : pick(MACS);
            const src = pick(MACS);
            for (let k = 0; k < 6; k++) {
                frame[k] = Math.floor(dst / 2 ** (8 * (5 - k))) & 0xff;
                frame[6 + k] = Math.floor(src / 2 ** (8 * (5 - k))) & 0xff;
            }
            const etherType = pick([0x0800, 0x0806, 0x88b5]);
            frame[12] = etherType >> 8;
            frame[13] = etherType & 0xff;
            for (let k = 14; k < frame.length; k++)
                frame[k] = Math.floor(random() * 256);
            // The tenant mark: where an ARP request's bytes would not make ARP suppression answer it.
            frame[14] = s.tenant;
            frame[15] = s.tenant;
            s.peer.send(frame);
            // Hostile underlay traffic too: the rogue claims tenant B's segment from an unknown address,
            // and replays tenant B's segment with a forged source address of a real VTEP it does not own.
            if (i % 50 === 0) {
                const inner = `eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),payload(hex=${TENANT_A.toString(16).repeat(2)}${'00'.repeat(44)})`;
                const tunnel = mode === 'vxlan' ? 'udp(dst=4789,csum=0),vxlan(vni=200)' : 'gre(key=200)';
                pair.rogue.send(encodeSpec(`eth(src=02:66:66:66:66:66,dst=${VTEP1_MAC}),ipv4(src=${ROGUE_IP},dst=${VTEP1_IP}),${tunnel},${inner}`));
            }
            if (i % 16 === 15)
                pair.run(1);
        }
        pair.run(10);
        let delivered = 0;
        for (const [peer, tenant] of [[pair.a1, TENANT_A], [pair.a2, TENANT_A], [pair.b1, TENANT_B], [pair.b2, TENANT_B]]) {
            for (const f of peer.received) {
                // Frames the VTEP itself made (ICMP errors, ARP replies) carry no mark; there are none here.
                assert.equal(f[14], tenant, `a frame marked ${f[14]?.toString(16)} reached a tenant ${tenant.toString(16)} port`);
                delivered++;
            }
        }
        // Enough traffic crossed the underlay for the test to mean something.
        assert.ok(delivered > 1000, `only ${delivered} frames delivered`);
        assert.ok(pair.a2.received.length > 100 && pair.b2.received.length > 100 && pair.a1.received.length > 100 && pair.b1.received.length > 100);
        assert.equal(pair.engine.app('vtep1').dropCounts['unknown-vtep'], 80);
        assertConserved(pair.engine);
    });
}
//# sourceMappingURL=isolation.test.js.map