import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNics, renderCompare, type CompareRow } from './compare.js';

test('compare nics shows the survey ordering on deterministic counts: passthrough and SR-IOV free, e1000 the most exits', async () => {
  const r = await compareNics({ packets: 256, sizes: [64], latencySamples: 4 });
  const row = (kind: string): CompareRow | undefined => r.rows.find((x) => x.kind === kind);
  for (const kind of ['passthrough', 'sriov-vf']) {
    const x = row(kind)!;
    assert.ok(x.packets >= 256, `${kind} delivered ${x.packets}`);
    assert.equal(x.copiesPerPacket, 0, kind);
    assert.equal(x.exitsPerPacket, 0, kind);
    assert.equal(x.notificationsPerPacket, 0, kind);
  }
  const e1000 = row('e1000')!;
  assert.equal(e1000.copiesPerPacket, 2, 'one VMM copy out of the sender, one into the receiver');
  assert.ok(e1000.exitsPerPacket > 0.5, `e1000 exits/pkt ${e1000.exitsPerPacket}`);
  for (const x of r.rows) if (x.kind !== 'e1000') assert.ok(x.exitsPerPacket < e1000.exitsPerPacket, `${x.kind} exits ${x.exitsPerPacket} vs e1000 ${e1000.exitsPerPacket}`);
  const vhostNet = row('vhost-net');
  const virtio = row('virtio');
  if (vhostNet !== undefined && virtio !== undefined) assert.ok(vhostNet.copiesPerPacket < virtio.copiesPerPacket, 'vhost-net copies less than the VMM backend');
  const text = renderCompare(r);
  assert.match(text, /^nic +frame +Mpps +Gbit\/s +copies\/pkt +exits\/pkt +notif\/pkt +p50 us +p99 us +cpu ns\/pkt$/m);
  assert.match(text, /^e1000 +64 /m);
});

test('a kind that is not built is listed as missing instead of failing the comparison', async () => {
  const r = await compareNics({ packets: 32, sizes: [64], latencySamples: 2, kinds: ['sriov-vf', 'no-such-nic'] });
  assert.deepEqual(r.rows.map((x) => x.kind), ['sriov-vf']);
});
