/**
 * The OpenFlow switch: the fast path (exact-match and megaflow caches) and the slow path.
 *
 * Rows:
 * - openflow.hit.{100,1k,10k}-rules: 64-byte UDP frames over 256 flows that all hit the cache,
 *   the table holding that many exact nw_dst rules (spread over three masks) plus a default.
 * - openflow.setup: every frame a new source port against a table that matches on it, so every
 *   frame is an upcall, a translation and a megaflow install (flow setups per second).
 * - openflow.tss-explosion: random headers against an allow-some/drop-others ACL whose rules use
 *   many masks, so megaflows multiply masks; reported with its ratio to the single-flow rate.
 * Notes carry the hit rate per cache level, masks probed per packet, upcalls and evictions.
 * No C baseline: these rows are measured against their goals (>= 8 Mpps hit path at 1k rules,
 * >= 100,000 setups/s).
 */
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { OpenFlowSwitch } from '../../src/netfns/openflow/switch.js';
import { type BenchContext, type Row, type Suite, measure, mppsRow, round } from '../lib.js';

const NO_C = { ok: false, reason: 'JS only (goal-based)' } as const;
const BATCH = 64;

function frame(dst: number, src: number, sport: number, dport: number): Uint8Array {
  const b = new Uint8Array(60);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x02000000);
  v.setUint16(4, 0x0002);
  v.setUint32(6, 0x02000000);
  v.setUint16(10, 0x0001);
  v.setUint16(12, 0x0800);
  b[14] = 0x45;
  v.setUint16(16, 46);
  b[22] = 64;
  b[23] = 17;
  v.setUint32(26, src);
  v.setUint32(30, dst);
  v.setUint16(34, sport);
  v.setUint16(36, dport);
  v.setUint16(38, 26);
  return b;
}

interface Rig {
  readonly sw: OpenFlowSwitch;
  /** Sends frames[i % n] for `count` packets; returns packets processed. */
  send(frames: readonly Uint8Array[], count: number): number;
}

function rig(flows: string[], opts: { megaflowCapacity?: number } = {}): Rig {
  const pool = new PacketPool({ count: 4096, dataRoom: 256 });
  const e = new Engine({ pool });
  const g = new Graph().app('sw', OpenFlowSwitch, { ports: ['p1', 'p2', 'p3'], flows, ...opts });
  g.app('s2', Sink).link('sw.p2 -> s2.input').app('s3', Sink).link('sw.p3 -> s3.input');
  e.configure(g);
  const sw = e.app<OpenFlowSwitch>('sw');
  const sinks = [e.app<Sink>('s2'), e.app<Sink>('s3')];
  let cursor = 0;
  return {
    sw,
    send(frames: readonly Uint8Array[], count: number): number {
      for (let done = 0; done < count; done += BATCH) {
        for (let i = 0; i < BATCH; i++) {
          const p = pool.alloc()!;
          const f = frames[cursor]!;
          cursor = cursor + 1 === frames.length ? 0 : cursor + 1;
          p.buf.set(f, p.off);
          p.len = f.length;
          sw.receive(p, 1);
        }
        sinks[0]!.push!();
        sinks[1]!.push!();
      }
      return count;
    },
  };
}

function fastPathNote(sw: OpenFlowSwitch, packets: number): string {
  const s = sw.fastPathStats();
  const pct = (x: number) => `${round((100 * x) / Math.max(1, packets))}%`;
  return `emc hit ${pct(s.emcHits)}, megaflow hit ${pct(s.megaflowHits)}, upcalls ${pct(s.upcalls)}, masks probed/pkt ${round(s.masksProbed / Math.max(1, s.megaflowLookups))}, megaflows ${s.megaflowEntries} in ${s.masks} masks, evictions ${s.evictions}`;
}

function ip(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

function hitRow(ctx: BenchContext, rules: number, label: string): Row {
  const flows: string[] = ['priority=0,actions=output:3'];
  const masks = ['32', '24', '16'];
  for (let i = 0; i < rules - 1; i++) {
    const dst = (10 << 24) + i * 256 + 1;
    flows.push(`priority=${10 + (i % 3)},ip,nw_dst=${ip(dst)}/${masks[i % 3]},actions=output:2`);
  }
  const r = rig(flows);
  const frames = Array.from({ length: 256 }, (_, i) => frame((10 << 24) + (i % Math.max(1, rules - 1)) * 256 + 1, (192 << 24) + i, 1000 + i, 53));
  r.send(frames, BATCH * 64); // fill the caches
  const res = measure(() => r.send(frames, BATCH * 16), ctx.seconds, ctx.warmupSeconds);
  return mppsRow(`openflow.hit.${label}-rules`, res.pps, NO_C, fastPathNote(r.sw, r.sw.fastPathStats().emcLookups));
}

function setupRow(ctx: BenchContext): Row {
  const r = rig(['priority=10,udp,tp_src=1,actions=drop', 'priority=1,actions=output:2'], { megaflowCapacity: 1 << 16 });
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 1 << 14; i++) frames.push(frame(0x0a000001, 0xc0000001, 2 + i, 80));
  // The tp_src=1 rule makes every lookup examine tp_src, so each frame needs its own megaflow;
  // each pass over the list starts from flushed caches.
  const res = measure(() => {
    r.sw.pipeline.invalidate();
    return r.send(frames, frames.length);
  }, ctx.seconds, ctx.warmupSeconds);
  const s = r.sw.fastPathStats();
  const row = mppsRow('openflow.setup', res.pps, NO_C, fastPathNote(r.sw, s.emcLookups));
  return { ...row, id: 'openflow.setup', unit: 'setups/s', value: Math.round(res.pps * (s.upcalls / Math.max(1, s.emcLookups))) };
}

function explosionRows(ctx: BenchContext): Row[] {
  // An ACL: allow some (source prefixes of many lengths, service ports), drop the rest.
  const flows = ['priority=0,actions=drop'];
  for (let len = 8; len <= 32; len += 2) flows.push(`priority=${100 + len},udp,nw_src=10.${len}.0.0/${len},tp_dst=53,actions=output:2`);
  for (let p = 0; p < 16; p++) flows.push(`priority=50,udp,tp_dst=${1000 + p * 7},actions=output:2`);
  const single = rig(flows);
  const one = [frame(0x0a000001, 0x0a0a0101, 1234, 53)];
  const s1 = measure(() => single.send(one, BATCH * 16), ctx.seconds / 2, ctx.warmupSeconds);
  const random = rig(flows);
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const frames = Array.from({ length: 1 << 14 }, () => frame(rnd(), ((10 << 24) | (rnd() & 0x00ffffff)) >>> 0, rnd() & 0xffff, [53, 1000, 1007, 80, rnd() & 0xffff][rnd() % 5]!));
  const s2 = measure(() => random.send(frames, BATCH * 16), ctx.seconds / 2, ctx.warmupSeconds);
  const st = random.sw.fastPathStats();
  const ratio = s2.pps / s1.pps;
  return [
    mppsRow('openflow.tss-explosion.single-flow', s1.pps, NO_C, fastPathNote(single.sw, single.sw.fastPathStats().emcLookups)),
    mppsRow('openflow.tss-explosion.random', s2.pps, NO_C, `${round(ratio)}x the single-flow rate; ${fastPathNote(random.sw, st.emcLookups)}`),
    { id: 'openflow.tss-explosion.ratio', unit: 'x', value: round(ratio), nsPerPacket: round(1e9 / s2.pps), baseline: null, ratio: null, note: 'random headers / single flow' },
  ];
}

export const openflowSuite: Suite = {
  name: 'openflow',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    for (const [n, label] of [[100, '100'], [1000, '1k'], [10000, '10k']] as const) {
      const id = `openflow.hit.${label}-rules`;
      if (!ctx.wants(id)) continue;
      ctx.progress(id);
      rows.push(hitRow(ctx, n, label));
    }
    if (ctx.wants('openflow.setup')) {
      ctx.progress('openflow.setup');
      rows.push(setupRow(ctx));
    }
    if (ctx.wants('openflow.tss-explosion')) {
      ctx.progress('openflow.tss-explosion');
      rows.push(...explosionRows(ctx));
    }
    return rows;
  },
};
