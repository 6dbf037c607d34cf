import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRingBench } from './ring-bench.js';
test('a run with warm-up frames times only the measured frames and counts their notifications', async () => {
    const r = await runRingBench({ batch: 32, eventIdx: true, packets: 20_000, warmupPackets: 20_000 });
    assert.ok(Number.isFinite(r.mpps) && r.mpps > 0, `mpps ${r.mpps}`);
    // One copy per frame, scaled to the measured frames; notifications only from the timed part.
    assert.equal(Math.round(r.copies), 20_000);
    // Per packet over the timed frames (within one batch of 20k), not over the 40k moved in all.
    const timed = (r.kicks + r.interrupts) / r.notificationsPerPacket;
    assert.ok(r.kicks + r.interrupts > 0 && Math.abs(timed - 20_000) <= 32, `kicks ${r.kicks} interrupts ${r.interrupts} per packet ${r.notificationsPerPacket}`);
});
test('the vmm backend copies each frame twice and vhost-user polls without kicks', async () => {
    const vmm = await runRingBench({ batch: 32, eventIdx: true, packets: 10_000, backend: 'vmm' });
    assert.equal(Math.round(vmm.copies), 20_000);
    const poll = await runRingBench({ batch: 32, eventIdx: false, packets: 10_000, backend: 'vhost-user' });
    assert.equal(poll.kicks, 0);
});
//# sourceMappingURL=ring-bench.test.js.map