/**
 * Overlay tunnels: 64-byte inner frames through an encapsulating endpoint and a decapsulating one.
 *
 *   tunnel rows:  source -> ep1.p_a (encap) -> ep1.underlay -> ep2.underlay (decap) -> ep2.p_a -> sink
 *   plain row:    source -> wire1 -> wire2 -> sink
 *
 * "Plain forwarding" is the same graph with each endpoint replaced by a Wire app (basic.ts), which
 * moves the packet from its input link to its output link and does nothing else: the same source,
 * sink, number of apps, links and breaths, measured in the same run. The ratio of a tunnel row
 * is its Mpps over plain forwarding's, so it is the share of the engine's forwarding rate that
 * survives two passes of header work (encap: learn, FDB lookup, MTU check, flow hash, 50 bytes of
 * outer headers with the IPv4 checksum; decap: outer checks including the IPv4 checksum, the
 * tunnel header, learning, FDB lookup). Every FDB lookup hits (ep1 has a static entry for the
 * destination, ep2 learned it during warmup), so nothing floods while measuring.
 */
import { Sink, Source, Wire } from '../../src/engine/basic.js';
import type { AppClass } from '../../src/engine/app.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { GreTunnel } from '../../src/netfns/tunnels/gre-tunnel.js';
import type { OverlayEndpoint } from '../../src/netfns/tunnels/overlay-endpoint.js';
import type { OverlayConf } from '../../src/netfns/tunnels/settings.js';
import { VxlanVtep } from '../../src/netfns/tunnels/vxlan-vtep.js';
import { HeaderSource, preformPool } from '../apps.js';
import { type BenchContext, type Row, type Suite, measure, round } from '../lib.js';

const SRC_MAC = '02:00:00:00:00:01';
const DST_MAC = '02:00:00:00:00:02';

function endpointConf(mode: 'vxlan' | 'gre', me: 1 | 2): OverlayConf {
  const field = mode === 'vxlan' ? 'vni' : 'key';
  const peer = me === 1 ? '192.168.0.2' : '192.168.0.1';
  return {
    underlay: { ip: `192.168.0.${me}/24`, neighbours: { [peer]: me === 1 ? '0e:00:c0:a8:00:02' : '0e:00:c0:a8:00:01' } },
    ports: { p_a: { [field]: 100 } },
    flood: { 100: [peer] },
    static: me === 1 ? [{ [field]: 100, mac: DST_MAC, remote: peer }] : [],
  };
}

function run(ctx: BenchContext, mode: 'plain' | 'vxlan' | 'gre'): { pps: number; note?: string } {
  const pool = new PacketPool({ count: 8192, dataRoom: 256 });
  preformPool(pool);
  const e = new Engine({ pool });
  const header = new Uint8Array(12);
  header.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]);
  const view = new DataView(header.buffer);
  const headers = Uint32Array.of(view.getUint32(0), view.getUint32(4), view.getUint32(8));
  const g = new Graph().app('src', HeaderSource, { headers, batch: 64 }).app('snk', Sink);
  if (mode === 'plain') {
    g.app('ep1', Wire).app('ep2', Wire).link('src.output -> ep1.input').link('ep1.output -> ep2.input').link('ep2.output -> snk.input');
  } else {
    const cls: AppClass<OverlayConf> = mode === 'vxlan' ? VxlanVtep : GreTunnel;
    g.app('ep1', cls, endpointConf(mode, 1)).app('ep2', cls, endpointConf(mode, 2));
    // One frame from the destination host teaches ep2 where DST_MAC lives.
    const warm = [...header.subarray(6, 12), ...header.subarray(0, 6), 0x08, 0x00, ...new Array<number>(46).fill(0)];
    g.app('warm', Source, { frame: warm, limit: 1 }).link('warm.output -> ep2.p_a');
    g.link('src.output -> ep1.p_a').connect('ep1.underlay', 'ep2.underlay').link('ep2.p_a -> snk.input');
  }
  e.configure(g);
  const sink = e.app<Sink>('snk');
  e.runBreaths(4);
  const r = measure(
    () => {
      const before = sink.consumed;
      e.runBreaths(64);
      return sink.consumed - before;
    },
    ctx.seconds,
    ctx.warmupSeconds,
  );
  let note: string | undefined;
  if (mode !== 'plain') {
    const ep1 = e.app<OverlayEndpoint<any, unknown>>('ep1');
    const ep2 = e.app<OverlayEndpoint<any, unknown>>('ep2');
    const drops = ep1.totalDrops() + ep2.totalDrops() - (ep1.dropCounts["port-unlinked"] ?? 0);
    if (drops !== 0 || ep1.stats().floods !== 0 || ep2.stats().floods > 1) note = `unexpected: ${drops} drops, ${ep1.stats().floods + ep2.stats().floods} floods`;
  }
  e.stop();
  return note === undefined ? { pps: r.pps } : { pps: r.pps, note };
}

const PLAIN = 'plain forwarding: source -> Wire -> Wire -> sink, same run';

export const tunnelsSuite: Suite = {
  name: 'tunnels',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    const ids = { plain: 'tunnels.plain.64B.two-wires', vxlan: 'tunnels.vxlan.64B.encap+decap', gre: 'tunnels.gre.64B.encap+decap' } as const;
    if (!Object.values(ids).some((id) => ctx.wants(id))) return rows;
    ctx.progress(ids.plain);
    const plain = run(ctx, 'plain');
    const plainMpps = plain.pps / 1e6;
    if (ctx.wants(ids.plain)) {
      rows.push({ id: ids.plain, unit: 'Mpps', value: round(plainMpps), nsPerPacket: round(1e9 / plain.pps), baseline: null, ratio: null, note: PLAIN });
    }
    for (const mode of ['vxlan', 'gre'] as const) {
      const id = ids[mode];
      if (!ctx.wants(id)) continue;
      ctx.progress(id);
      await Promise.resolve();
      const r = run(ctx, mode);
      const value = r.pps / 1e6;
      rows.push({
        id,
        unit: 'Mpps',
        value: round(value),
        nsPerPacket: round(1e9 / r.pps),
        baseline: { name: 'plain forwarding', value: round(plainMpps) },
        ratio: round(value / plainMpps),
        note: [`baseline is ${PLAIN}`, r.note].filter((x) => x !== undefined).join('; '),
      });
    }
    return rows;
  },
};
