import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNics, renderCompare } from './compare.js';
test('compare nics shows the survey ordering on deterministic counts: copies and exits per packet follow the work each NIC does', async () => {
    const r = await compareNics({ packets: 640, sizes: [64], latencySamples: 4, batch: 32 });
    const row = (kind) => {
        const x = r.rows.find((y) => y.kind === kind);
        assert.ok(x !== undefined, `no row for ${kind}`);
        assert.ok(x.packets >= 640, `${kind} delivered ${x.packets}`);
        return x;
    };
    const [veth, passthrough, sriov, vhostUser, vhostNet, virtio, e1000] = ['veth', 'passthrough', 'sriov-vf', 'vhost-user', 'vhost-net', 'virtio', 'e1000'].map(row);
    // Native and hardware-assisted: the NIC does the DMA, the host neither copies nor traps.
    for (const x of [veth, passthrough, sriov]) {
        assert.equal(x.copiesPerPacket, 0, x.kind);
        assert.equal(x.exitsPerPacket, 0, x.kind);
        assert.equal(x.notificationsPerPacket, 0, x.kind);
    }
    // vhost: one copy out of the sender's guest RAM, one into the receiver's.
    assert.equal(vhostUser.copiesPerPacket, 2);
    assert.equal(vhostNet.copiesPerPacket, 2);
    // The VMM device and e1000 add the TAP's copy each side.
    assert.equal(virtio.copiesPerPacket, 4);
    assert.equal(e1000.copiesPerPacket, 4);
    // A poll-mode vhost-user backend keeps kicks off: no exits; vhost-net takes a kick per burst.
    assert.equal(vhostUser.exitsPerPacket, 0);
    assert.equal(vhostNet.exitsPerPacket, 1 / 32);
    assert.equal(virtio.exitsPerPacket, vhostNet.exitsPerPacket);
    // e1000: a TDT write per burst and an interrupt handler's ICR/IMC/STATUS/IMS/STATUS (+ RDT) on each side.
    assert.ok(e1000.exitsPerPacket >= 10 / 32, `e1000 exits/pkt ${e1000.exitsPerPacket}`);
    assert.ok(e1000.exitsPerPacket > 10 * virtio.exitsPerPacket);
    const text = renderCompare(r);
    assert.match(text, /^nic +guest +frame +Mpps +Gbit\/s +copies\/pkt +exits\/pkt +notif\/pkt +p50 us +p99 us +cpu ns\/pkt$/m);
    assert.match(text, /^e1000 +inline +64 /m);
});
test('an unknown kind is listed as missing instead of failing the comparison', async () => {
    const r = await compareNics({ packets: 32, sizes: [64], latencySamples: 2, kinds: ['sriov-vf', 'no-such-nic'] });
    assert.deepEqual(r.rows.map((x) => x.kind), ['sriov-vf']);
    assert.deepEqual(r.missing.map((m) => m.kind), ['no-such-nic']);
});
test('with the guest in a worker, the e1000 costs a TDT write and an interrupt handler per burst, and vhost-user copies once without kicks', async () => {
    const r = await compareNics({ guest: 'worker', kinds: ['veth', 'vhost-user', 'virtio', 'e1000'], packets: 640, batch: 32, sizes: [64], latencySamples: 3 });
    const row = (kind) => r.rows.find((x) => x.kind === kind);
    assert.deepEqual(r.rows.map((x) => `${x.kind} ${x.guest}`), ['vhost-user worker', 'virtio worker', 'e1000 worker']);
    assert.deepEqual(r.missing.map((m) => m.kind), ['veth']);
    assert.equal(row('vhost-user').copiesPerPacket, 1);
    assert.ok(row('vhost-user').exitsPerPacket < 0.01, `vhost-user exits/pkt ${row('vhost-user').exitsPerPacket}`);
    assert.equal(row('virtio').copiesPerPacket, 2, 'into the VMM buffer, then into the TAP');
    assert.equal(row('e1000').copiesPerPacket, 2, 'out of guest RAM, then into the TAP');
    // TDT, then ICR read, IMC write, STATUS read, IMS write, STATUS read: every one a round trip to the VMM thread.
    assert.equal(row('e1000').exitsPerPacket, 6 / 32);
    assert.equal(row('e1000').notificationsPerPacket, 1 / 32);
});
//# sourceMappingURL=compare.test.js.map