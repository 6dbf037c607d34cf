/**
 * The split virtqueue between two threads: a driver in a worker posting 64-byte buffers, the device in
 * the main thread copying them out and returning them, at batch 1, 32 and 256, with RING_EVENT_IDX on
 * and off. Rows give Mpps one way and notifications (kicks + interrupts) per packet.
 * Baseline: bench/c/virtqueue.c, the same protocol between two pthreads with futex doorbells.
 */
import { runRingBench } from '../../src/nics/virtio/ring-bench.js';
import { mppsRow } from '../lib.js';
const round = (x) => Math.round(x * 10000) / 10000;
export const virtqueueSuite = {
    name: 'virtqueue',
    async run(ctx) {
        const rows = [];
        // Sized so the suite stays near 15 s on a loaded 2-core machine: batch 1 runs at well under 1 Mpps
        // on both sides (a futex wake per frame), and the C baseline moves the same number of frames.
        const packets = Math.max(100_000, Math.round(ctx.seconds * 300_000));
        // Each run starts two fresh isolates; the warm-up lets the ring code compile before the clock starts.
        const warmupPackets = Math.round(ctx.warmupSeconds * 300_000);
        for (const eventIdx of [true, false]) {
            for (const batch of [1, 32, 256]) {
                const id = `virtqueue/two-threads/64B/batch-${batch}/${eventIdx ? 'event-idx' : 'flags'}`;
                if (!ctx.wants(id))
                    continue;
                ctx.progress(id);
                const r = await runRingBench({ batch, eventIdx, packets, warmupPackets });
                const c = ctx.runC('virtqueue', [batch, eventIdx ? 1 : 0, packets]);
                rows.push(mppsRow(id, r.mpps * 1e6, c));
                const cn = c.ok && typeof c.value.notifications_per_packet === 'number' ? c.value.notifications_per_packet : null;
                rows.push({
                    id: `${id}/notifications`,
                    unit: 'notifications/packet',
                    value: round(r.notificationsPerPacket),
                    nsPerPacket: round(1e3 / r.mpps),
                    baseline: cn === null ? null : { name: 'c', value: round(cn) },
                    ratio: cn === null || cn === 0 ? null : round(r.notificationsPerPacket / cn),
                    note: `kicks ${r.kicks}, interrupts ${r.interrupts}`,
                });
            }
        }
        return rows;
    },
};
//# sourceMappingURL=virtqueue.js.map