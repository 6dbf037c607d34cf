/**
 * vhost-user receive rate: dpdk-testpmd (virtio-user, txonly, 64-byte frames) transmits into vnet's
 * vhost-user backend, beside DPDK's own vhost backend (a second testpmd with net_vhost, rxonly)
 * receiving from the same kind of testpmd. Both in Mpps; the ratio is vnet / DPDK. Goal: >= 0.25.
 *
 * Rows:
 *   vhost-user.txonly-64B.worker  frames the ring worker takes off the virtio ring per second (copied
 *                                 into the frame ring toward the engine, or counted as dropped once it
 *                                 is full: nothing drains it), the main thread idle
 *   vhost-user.txonly-64B.engine  frames that reach a Sink through the engine (the main thread runs
 *                                 the engine flat out)
 * Root and dpdk-testpmd required; otherwise one row with a note says why. The machine has 2 CPUs:
 * testpmd's forwarding lcore takes one, the receiver (our worker or DPDK's lcore) the other, so
 * the engine row also competes with the worker for a CPU.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { VhostUserPort } from '../../src/nics/vhost-user/port.js';
import { Testpmd, testpmdUnavailableReason } from '../../src/nics/vhost-user/testpmd.js';
import { round } from '../lib.js';
const START_TIMEOUT_MS = 90_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, ms) {
    const end = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > end)
            return false;
        await sleep(50);
    }
    return true;
}
function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}
/** DPDK's own vhost backend: Mpps received by a net_vhost rxonly testpmd (median of its samples). */
async function dpdkBaseline(dir, seconds) {
    const socket = join(dir, 'dpdk-vhost.sock');
    const backend = new Testpmd({ vdev: `net_vhost0,iface=${socket},queues=1`, forwardMode: 'rxonly', lcores: '0@0,1@1' });
    let frontend = null;
    try {
        if (!(await waitFor(() => backend.output.includes('Port statistics'), START_TIMEOUT_MS)))
            return { reason: 'DPDK vhost backend did not start' };
        frontend = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'txonly', lcores: '0@1,1@0' });
        if (!(await waitFor(() => backend.rxPpsSamples().some((x) => x > 0), START_TIMEOUT_MS)))
            return { reason: 'no traffic reached the DPDK vhost backend' };
        const from = backend.rxPpsSamples().length;
        await sleep(Math.max(3, seconds) * 1000);
        const samples = backend.rxPpsSamples().slice(from).filter((x) => x > 0);
        if (samples.length === 0)
            return { reason: 'no Rx-pps samples from the DPDK vhost backend' };
        return { mpps: median(samples) / 1e6 };
    }
    finally {
        await frontend?.stop();
        await backend.stop();
    }
}
/** vnet's backend: frames taken per second by the worker, then through the engine to a Sink. */
async function vnetRates(dir, seconds) {
    const socket = join(dir, 'vnet-vhost.sock');
    const engine = new Engine({ pool: new PacketPool({ count: 8192, dataRoom: 256 }) });
    engine.configure(new Graph().app('vu', VhostUserPort, { socket, ringSlots: 4096 }).app('sink', Sink, {}).link('vu.wire -> sink.input'));
    const port = engine.app('vu');
    const sink = engine.app('sink');
    await port.ready;
    const taken = () => port.stat(4 /* Stat.FramesFromGuest */) + port.workerDrops()['to-engine-ring-full'];
    const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'txonly', lcores: '0@1,1@0' });
    try {
        if (!(await waitFor(() => taken() > 100_000, START_TIMEOUT_MS)))
            return { reason: `no traffic from testpmd reached vnet (backend: ${port.log.join('; ')})` };
        const ms = Math.max(3, seconds) * 1000;
        // Worker alone: the main thread sleeps, the frame ring fills and the rest are counted drops.
        const t0 = performance.now();
        const n0 = taken();
        await sleep(ms);
        const worker = (taken() - n0) / ((performance.now() - t0) / 1000);
        // Through the engine: the main thread runs breaths flat out for the same time.
        const c0 = sink.consumed;
        const t1 = performance.now();
        while (performance.now() - t1 < ms)
            engine.runBreaths(64);
        const eng = (sink.consumed - c0) / ((performance.now() - t1) / 1000);
        return { worker: worker / 1e6, engine: eng / 1e6 };
    }
    finally {
        await pmd.stop();
        await port.close();
    }
}
export const vhostUserSuite = {
    name: 'vhost-user',
    async run(ctx) {
        const ids = ['vhost-user.txonly-64B.worker', 'vhost-user.txonly-64B.engine'];
        if (!ids.some((id) => ctx.wants(id)))
            return [];
        const skip = testpmdUnavailableReason();
        if (skip !== null)
            return [{ id: ids[0], unit: 'Mpps', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `skipped: ${skip}` }];
        const dir = mkdtempSync(join(tmpdir(), 'vnet-bench-vu-'));
        try {
            ctx.progress('vhost-user: DPDK net_vhost baseline');
            const base = await dpdkBaseline(dir, ctx.seconds);
            ctx.progress('vhost-user: vnet backend');
            const vnet = await vnetRates(dir, ctx.seconds);
            if ('reason' in vnet)
                return [{ id: ids[0], unit: 'Mpps', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `failed: ${vnet.reason}` }];
            const baseline = 'mpps' in base ? { name: 'dpdk-net_vhost', value: round(base.mpps) } : null;
            const note = 'mpps' in base ? undefined : `no DPDK baseline: ${base.reason}`;
            const row = (id, mpps, what) => ({
                id,
                unit: 'Mpps',
                value: round(mpps),
                nsPerPacket: round(1e3 / mpps),
                baseline,
                ratio: baseline === null ? null : round(mpps / baseline.value),
                note: [what, note].filter((x) => x !== undefined).join('; '),
            });
            return [
                row(ids[0], vnet.worker, 'frames the ring worker takes from testpmd txonly (copied toward the engine, or counted drops once that ring is full)'),
                row(ids[1], vnet.engine, 'frames through the engine to a Sink, main thread running breaths flat out'),
            ].filter((r) => ctx.wants(r.id));
        }
        finally {
            rmSync(dir, { recursive: true, force: true });
        }
    },
};
//# sourceMappingURL=vhost-user.js.map