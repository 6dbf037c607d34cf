/**
 * vhost-user receive rate: dpdk-testpmd (virtio-user, txonly) transmits into vnet's vhost-user
 * backend, whose frames cross the engine to a Sink, beside DPDK's own vhost backend (a second
 * testpmd with net_vhost, rxonly) receiving from the same kind of testpmd. Both in Mpps; the ratio
 * is vnet / DPDK, DPDK measured before and after vnet's runs of a group and averaged. Goal
 * (64-byte frames): >= 0.25.
 *
 * Rows (the inline placement, the default; `-thread` rows run the thread placement beside it):
 *   vhost-user.txonly-64B     64-byte frames that reach the Sink, the engine run by a RealLoop as
 *                             the daemon runs it (it sleeps when idle and is woken by its doorbell)
 *   vhost-user.txonly-1500B   the same with 1500-byte frames (both testpmds send 1500 bytes)
 *   vhost-user.rxonly-64B     the other way: 64-byte frames from an engine Source through the
 *                             backend to testpmd rxonly, as testpmd counts them, beside DPDK's
 *                             net_vhost in txonly sending to the same kind of testpmd
 * Every frame counts once it reached the Sink: the backend holds frames back on the virtio ring
 * while the engine is behind, so nothing is dropped on the way. Root and dpdk-testpmd required;
 * otherwise one row with a note says why. The machine has 2 CPUs: testpmd's forwarding lcore
 * takes one; vnet's engine thread takes the other (inline), or shares it with the ring worker
 * (thread). DPDK's backend is one lcore that both takes the frames and frees them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sink, Source } from '../../src/engine/basic.js';
import { RealClock } from '../../src/engine/clock.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { VhostUserPort, type VhostUserPlacement } from '../../src/nics/vhost-user/port.js';
import { Stat } from '../../src/nics/vhost-user/shared.js';
import { Testpmd, testpmdUnavailableReason } from '../../src/nics/vhost-user/testpmd.js';
import { RealLoop } from '../../src/real/loop.js';
import { type BenchContext, type Row, type Suite, round } from '../lib.js';

const START_TIMEOUT_MS = 90_000;

type Direction = 'txonly' | 'rxonly';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(50);
  }
  return true;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
}

/**
 * DPDK's own vhost backend, in Mpps (median of the receiver's samples): toward the backend, a
 * virtio-user txonly testpmd sends to a net_vhost rxonly one; toward the front-end, a net_vhost
 * txonly testpmd sends to a virtio-user rxonly one.
 */
async function dpdkBaseline(dir: string, seconds: number, length: number, direction: Direction): Promise<{ mpps: number } | { reason: string }> {
  const socket = join(dir, 'dpdk-vhost.sock');
  const toBackend = direction === 'txonly';
  const backend = new Testpmd({ vdev: `net_vhost0,iface=${socket},queues=1`, forwardMode: toBackend ? 'rxonly' : 'txonly', lcores: '0@0,1@1', ...(toBackend ? {} : { txLength: length }) });
  let frontend: Testpmd | null = null;
  try {
    if (!(await waitFor(() => backend.output.includes('Port statistics'), START_TIMEOUT_MS))) return { reason: 'DPDK vhost backend did not start' };
    frontend = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: toBackend ? 'txonly' : 'rxonly', lcores: '0@1,1@0', ...(toBackend ? { txLength: length } : {}) });
    const receiver = toBackend ? backend : frontend;
    if (!(await waitFor(() => receiver.rxPpsSamples().some((x) => x > 0), START_TIMEOUT_MS))) return { reason: `no traffic reached the DPDK ${toBackend ? 'vhost backend' : 'virtio-user front-end'}` };
    const from = receiver.rxPpsSamples().length;
    await sleep(Math.max(3, seconds) * 1000);
    const samples = receiver.rxPpsSamples().slice(from).filter((x) => x > 0);
    if (samples.length === 0) return { reason: 'no Rx-pps samples from the receiving testpmd' };
    return { mpps: median(samples) / 1e6 };
  } finally {
    await frontend?.stop();
    await backend.stop();
  }
}

/** vnet's backend toward the front-end: an engine Source, run by a RealLoop, through the port to testpmd rxonly (its Rx-pps). */
async function vnetToFrontendRate(dir: string, seconds: number, length: number, placement: VhostUserPlacement): Promise<{ mpps: number; ringFull: number } | { reason: string }> {
  const socket = join(dir, `vnet-vhost-rx-${length}.sock`);
  const engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 8192, dataRoom: length > 200 ? 2048 : 256 }) });
  const loop = new RealLoop(engine);
  const frame = new Uint8Array(length);
  frame.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);
  engine.configure(new Graph().app('src', Source, { frame, batch: 64 }).app('vu', VhostUserPort, { socket, placement, ringSlots: 4096, doorbell: loop.doorbell }).link('src.output -> vu.wire'));
  const port = engine.app<VhostUserPort>('vu');
  await port.ready;
  const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'rxonly', lcores: '0@1,1@0' });
  // The loop runs from the start: inline, it is what accepts testpmd and answers its messages.
  loop.start();
  try {
    if (!(await waitFor(() => port.state === 'running', START_TIMEOUT_MS))) return { reason: `testpmd did not start its rings (backend: ${port.log.join('; ')})` };
    if (!(await waitFor(() => pmd.rxPpsSamples().some((x) => x > 0), START_TIMEOUT_MS))) return { reason: 'no frames reached testpmd' };
    const from = pmd.rxPpsSamples().length;
    const full0 = port.dropCounts['to-guest-ring-full'];
    const t0 = performance.now();
    await sleep(Math.max(3, seconds) * 1000);
    const s = (performance.now() - t0) / 1000;
    const samples = pmd.rxPpsSamples().slice(from).filter((x) => x > 0);
    if (samples.length === 0) return { reason: 'no Rx-pps samples from testpmd' };
    return { mpps: median(samples) / 1e6, ringFull: (port.dropCounts['to-guest-ring-full'] - full0) / s };
  } finally {
    await loop.stop();
    await pmd.stop();
    await port.close();
  }
}

/** vnet's backend: frames per second through the engine, run by a RealLoop, to a Sink. */
async function vnetRate(dir: string, seconds: number, length: number, placement: VhostUserPlacement): Promise<{ mpps: number; wakeups: number; backpressure: number } | { reason: string }> {
  const socket = join(dir, `vnet-vhost-${length}.sock`);
  const engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 8192, dataRoom: length > 200 ? 2048 : 256 }) });
  const loop = new RealLoop(engine);
  engine.configure(new Graph().app('vu', VhostUserPort, { socket, placement, ringSlots: 4096, doorbell: loop.doorbell }).app('sink', Sink, {}).link('vu.wire -> sink.input'));
  const port = engine.app<VhostUserPort>('vu');
  const sink = engine.app<Sink>('sink');
  await port.ready;
  loop.start();
  const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'txonly', lcores: '0@1,1@0', txLength: length });
  try {
    if (!(await waitFor(() => sink.consumed > 100_000, START_TIMEOUT_MS))) return { reason: `no traffic from testpmd reached vnet's Sink (backend: ${port.log.join('; ')})` };
    const ms = Math.max(3, seconds) * 1000;
    const c0 = sink.consumed;
    // The loop's wakeups for frames: rung by the ring worker (thread) or the waker (inline).
    const wakeups = (): number => port.stat(Stat.EngineWakeups) + port.wakerRings;
    const w0 = wakeups();
    const b0 = port.stat(Stat.TxBackpressure);
    const t0 = performance.now();
    await sleep(ms);
    const s = (performance.now() - t0) / 1000;
    return { mpps: (sink.consumed - c0) / s / 1e6, wakeups: (wakeups() - w0) / s, backpressure: (port.stat(Stat.TxBackpressure) - b0) / s };
  } finally {
    await pmd.stop();
    await loop.stop();
    await port.close();
  }
}

function failedRow(id: string, reason: string): Row {
  return { id, unit: 'Mpps', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `failed: ${reason}` };
}

/** A row of vnet's rate beside DPDK's (or with why DPDK's is missing). */
function rateRow(id: string, mpps: number, base: { mpps: number } | { reason: string }, notes: readonly string[]): Row {
  const baseline = 'mpps' in base ? { name: 'dpdk-net_vhost', value: round(base.mpps) } : null;
  return {
    id,
    unit: 'Mpps',
    value: round(mpps),
    nsPerPacket: round(1e3 / mpps),
    baseline,
    ratio: baseline === null ? null : round(mpps / baseline.value),
    note: [...notes, ...('mpps' in base ? [] : [`no DPDK baseline: ${base.reason}`])].join('; '),
  };
}

type Base = { mpps: number } | { reason: string };

/** DPDK's rate measured before and after vnet's runs: their mean (or the one that worked), and both in a note. */
function bracket(before: Base, after: Base): { base: Base; note: string } {
  const ok = [before, after].filter((b): b is { mpps: number } => 'mpps' in b);
  const show = (b: Base): string => ('mpps' in b ? b.mpps.toFixed(2) : 'failed');
  const note = `DPDK before / after vnet's runs: ${show(before)} / ${show(after)} Mpps`;
  if (ok.length === 0) return { base: before, note };
  return { base: { mpps: ok.reduce((a, b) => a + b.mpps, 0) / ok.length }, note };
}

interface Group {
  readonly direction: Direction;
  readonly length: number;
  readonly runs: { readonly placement: VhostUserPlacement; readonly id: string }[];
}

/**
 * Row ids: the inline placement (the default) at each length and direction, and the thread
 * placement at 64 bytes beside it (`-thread`). DPDK's own rate moves by 2x between runs on a small
 * shared machine, so each group of rows is bracketed: DPDK, then vnet's runs, then DPDK again, and
 * the ratio is to the mean of the two DPDK runs.
 */
const THREAD_SUFFIX = '-thread';

export const vhostUserSuite: Suite = {
  name: 'vhost-user',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rowId = (direction: Direction, length: number, placement: VhostUserPlacement): string => `vhost-user.${direction}-${length}B${placement === 'thread' ? THREAD_SUFFIX : ''}`;
    const group = (direction: Direction, length: number, placements: readonly VhostUserPlacement[]): Group => ({
      direction,
      length,
      runs: placements.map((placement) => ({ placement, id: rowId(direction, length, placement) })).filter((r) => ctx.wants(r.id)),
    });
    const groups = [group('txonly', 64, ['inline', 'thread']), group('txonly', 1500, ['inline']), group('rxonly', 64, ['inline', 'thread'])].filter((g) => g.runs.length > 0);
    if (groups.length === 0) return [];
    const skip = testpmdUnavailableReason();
    if (skip !== null) return [{ id: groups[0]!.runs[0]!.id, unit: 'Mpps', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `skipped: ${skip}` }];
    const dir = mkdtempSync(join(tmpdir(), 'vnet-bench-vu-'));
    const rows: Row[] = [];
    try {
      for (const { direction, length, runs } of groups) {
        const first = runs[0]!.id;
        ctx.progress(`${first}: DPDK net_vhost baseline (before)`);
        const before = await dpdkBaseline(dir, ctx.seconds, length, direction);
        const results: { id: string; placement: VhostUserPlacement; mpps: number; notes: string[] }[] = [];
        const failed: Row[] = [];
        for (const { placement, id } of runs) {
          ctx.progress(`${id}: vnet backend (${placement})`);
          if (direction === 'txonly') {
            const vnet = await vnetRate(dir, ctx.seconds, length, placement);
            if ('reason' in vnet) failed.push(failedRow(id, vnet.reason));
            else results.push({ id, placement, mpps: vnet.mpps, notes: [
              `${placement} placement: ${length}-byte frames from testpmd txonly through the backend and the engine (RealLoop) to a Sink, ${((vnet.mpps * length * 8) / 1e3).toFixed(2)} Gbit/s`,
              `doorbell wakeups ${Math.round(vnet.wakeups)}/s, backpressure rounds ${Math.round(vnet.backpressure)}/s`,
            ] });
          } else {
            const vnet = await vnetToFrontendRate(dir, ctx.seconds, length, placement);
            if ('reason' in vnet) failed.push(failedRow(id, vnet.reason));
            else results.push({ id, placement, mpps: vnet.mpps, notes: [
              `${placement} placement: ${length}-byte frames from an engine Source (RealLoop) through the backend to testpmd rxonly, as testpmd counted them`,
              `frames the port dropped for no room toward the front-end: ${Math.round(vnet.ringFull)}/s`,
            ] });
          }
        }
        ctx.progress(`${first}: DPDK net_vhost baseline (after)`);
        const after = await dpdkBaseline(dir, ctx.seconds, length, direction);
        const { base, note } = bracket(before, after);
        for (const r of results) rows.push(rateRow(r.id, r.mpps, base, [...r.notes, note]));
        rows.push(...failed);
      }
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
