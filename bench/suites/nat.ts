/**
 * The NAT gateway on 64-byte UDP frames from the inside to one outside host.
 * Rows: the gateway with translation off (`translate: false`: the same parsing, routing, TTL
 * and neighbour work, no conntrack, no NAT) as the same-run baseline; masquerade on
 * established flows (1k and 64k flows, every flow already in the table); and new connections
 * per second (each frame a new flow, the virtual clock moved past the UDP timeout between
 * rounds so expired entries are reclaimed as the table fills). NAT rows carry `ratio` against
 * the route-only row. Goal: NAT >= 0.7 of route-only.
 */
import { App, type AppContext } from '../../src/engine/app.js';
import { Sink } from '../../src/engine/basic.js';
import { VirtualClock } from '../../src/engine/clock.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { NatGateway } from '../../src/netfns/nat/nat-gateway.js';
import { encodeSpec } from '../../src/wire/spec.js';
import { type BenchContext, type Row, type Suite, measure } from '../lib.js';

const GW_IN = '02:00:00:00:01:01';
const GW_OUT = '02:00:00:00:02:01';
const BATCH = 64;

interface FlowSourceConf {
  readonly flows: number;
  /** Every frame a new flow: ports come from a running counter. */
  readonly fresh: boolean;
}

/** Sends 64-byte UDP frames, cycling through `flows` source ports (or a counter), UDP checksum zero. */
class FlowSource extends App<{ 'pool-empty': string }, FlowSourceConf> {
  readonly #frame = encodeSpec(`eth(src=02:00:00:00:01:99,dst=${GW_IN}),ipv4(src=10.0.0.2,dst=203.0.113.2),udp(src=1024,dst=7,csum=0),payload(hex=${'00'.repeat(18)})`);
  #n = 0;
  constructor(ctx: AppContext, conf: FlowSourceConf) {
    super(ctx, conf, { 'pool-empty': 'no buffer' });
  }
  override pull(): void {
    const out = this.output.output;
    if (out === undefined) return;
    const n = Math.min(BATCH, out.writable());
    const f = this.#frame;
    const flows = this.conf.flows;
    for (let i = 0; i < n; i++) {
      const p = this.alloc();
      if (p === null) return this.countDrop('pool-empty');
      const b = p.buf;
      const o = p.off;
      b.set(f, o);
      p.len = f.length;
      const k = this.conf.fresh ? this.#n : this.#n % flows;
      const sport = 1024 + (k % 64000);
      const dport = 1 + ((k / 64000) | 0) % 65000;
      b[o + 34] = sport >>> 8;
      b[o + 35] = sport;
      b[o + 36] = dport >>> 8;
      b[o + 37] = dport;
      this.#n++;
      out.transmit(p);
    }
  }
}

function run(ctx: BenchContext, translate: boolean, flows: number, fresh: boolean): { pps: number; note?: string } {
  const clock = new VirtualClock();
  const e = new Engine({ clock, pool: new PacketPool({ count: 8192, dataRoom: 256 }) });
  const g = new Graph()
    .app('src', FlowSource, { flows, fresh })
    .app('nat', NatGateway, { inside: { ip: '10.0.0.1/24', mac: GW_IN }, outside: { ip: '203.0.113.1/24', mac: GW_OUT }, translate, conntrack: { capacity: 1 << 17 } })
    .app('inject', Injector, {})
    .app('snk', Sink, {});
  g.link('src.output -> nat.inside').link('nat.outside -> snk.input').link('inject.output -> nat.outside');
  e.configure(g);
  // Teach the gateway the outside host's MAC (again after each clock jump, as a live neighbour would).
  const arpReply = encodeSpec(`eth(src=02:00:00:00:02:99,dst=${GW_OUT}),arp(op=reply,sha=02:00:00:00:02:99,spa=203.0.113.2,tha=${GW_OUT},tpa=203.0.113.1)`);
  const injector = e.app<Injector>('inject');
  injector.send(arpReply);
  e.runBreaths(2);
  const nat = e.app<NatGateway>('nat');
  const snk = e.app<Sink>('snk');
  if (!fresh) e.runBreaths(Math.ceil(flows / BATCH) + 2);
  const r = measure(
    () => {
      const before = snk.consumed;
      if (fresh) {
        clock.advance(31e9);
        injector.send(arpReply);
      }
      e.runBreaths(16);
      return snk.consumed - before;
    },
    ctx.seconds,
    ctx.warmupSeconds,
  );
  const drops = nat.totalDrops();
  const note = drops > 0 ? `drops: ${JSON.stringify(Object.fromEntries(Object.entries(nat.dropCounts).filter(([, v]) => v > 0)))}` : undefined;
  e.stop();
  return note === undefined ? { pps: r.pps } : { pps: r.pps, note };
}

class Injector extends App<{ 'no-output': string }, unknown> {
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, { 'no-output': 'not linked' });
  }
  send(frame: Uint8Array): void {
    const p = this.alloc();
    if (p === null) return;
    p.setData(frame);
    const out = this.output.output;
    if (out === undefined) return this.drop(p, 'no-output');
    out.transmit(p);
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export const natSuite: Suite = {
  name: 'nat',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    ctx.progress('nat.route-only');
    const plain = run(ctx, false, 1024, false);
    const base = { name: 'nat-gateway route-only (translate: false), same run', value: r3(plain.pps / 1e6) };
    const row = (id: string, pps: number, unit: string, note?: string): Row => ({
      id,
      unit,
      value: r3(pps / 1e6),
      nsPerPacket: r3(1e9 / pps),
      baseline: base,
      ratio: r3(pps / plain.pps),
      ...(note ? { note } : {}),
    });
    if (ctx.wants('nat.route-only.64B-udp')) rows.push({ id: 'nat.route-only.64B-udp', unit: 'Mpps', value: base.value, nsPerPacket: r3(1e9 / plain.pps), baseline: null, ratio: null, note: 'the baseline of the nat rows: gateway parsing, routing, TTL, ARP, no conntrack' });
    for (const [id, flows] of [['nat.masquerade.64B-udp.established.1k-flows', 1024], ['nat.masquerade.64B-udp.established.64k-flows', 65536]] as const) {
      if (!ctx.wants(id)) continue;
      ctx.progress(id);
      const r = run(ctx, true, flows, false);
      rows.push(row(id, r.pps, 'Mpps', r.note));
      await Promise.resolve();
    }
    const id = 'nat.masquerade.new-connections';
    if (ctx.wants(id)) {
      ctx.progress(id);
      const r = run(ctx, true, 0, true);
      rows.push(row(id, r.pps, 'M conn/s', ['every frame opens a UDP connection with port allocation; ratio against route-only packets', r.note].filter(Boolean).join('; ')));
    }
    return rows;
  },
};
