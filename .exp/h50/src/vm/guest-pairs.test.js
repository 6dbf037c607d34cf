import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpec } from '../wire/spec.js';
import { ALL_NIC_KINDS, guestPair } from './guest-pairs.js';
import { assertConserved } from '../testing/conservation.js';
const frame = encodeSpec('eth(src=52:54:00:00:00:01,dst=52:54:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=9,dst=9),payload(len=18)');
for (const kind of ALL_NIC_KINDS) {
    test(`raw frames from a traffic guest cross ${kind} byte for byte and come back when reflected`, () => {
        const n = guestPair(kind, { guest: 'traffic', poll: true });
        const a = n.engine.app(n.guests[0]);
        const b = n.engine.app(n.guests[1]);
        b.reflect = true;
        assert.equal(a.send('eth0', frame, 20), 20);
        n.engine.runUntil(() => a.received >= 20, 100_000_000);
        assert.equal(b.received, 20);
        assert.equal(a.received, 20);
        assert.equal(a.receivedBytes, 20 * frame.length);
        assert.ok(n.stats().frames >= 40, JSON.stringify(n.stats()));
        assertConserved(n.engine);
    });
}
//# sourceMappingURL=guest-pairs.test.js.map