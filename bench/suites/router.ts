/**
 * Plain IPv4 forwarding through the router: 64-byte UDP frames in on eth0, out on eth1, over 256
 * flows to addresses under one static route (next hop resolved by a permanent neighbour entry).
 * Per packet the router checks the Ethernet and IPv4 headers (checksum included), looks the
 * destination up in its DIR-24-8 table, decrements the TTL with an RFC 1624 patch and rewrites
 * the MACs. The source rewrites the 36 bytes of Ethernet and IPv4 header of each packet (the
 * router changed TTL and MACs of the last use), so the row includes that small cost.
 * `measureRouterForwarding` is exported as the plain-forwarding baseline other suites compare to.
 */
import { App, type AppContext } from '../../src/engine/app.js';
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { Router, type RouterConf } from '../../src/netfns/router/router.js';
import { ETHERTYPE_IPV4, emitEthernet } from '../../src/wire/ethernet.js';
import { parseIpv4Addr } from '../../src/wire/ipv4-addr.js';
import { IPPROTO_UDP, emitIpv4 } from '../../src/wire/ipv4.js';
import { parseMac } from '../../src/wire/mac.js';
import { preformPool } from '../apps.js';
import { type BenchContext, type Row, type Suite, measure, mppsRow } from '../lib.js';

const FLOWS = 256;
const HEADER_WORDS = 9;
const BATCH = 64;
const ROUTER_IN_MAC = '02:00:00:00:01:00';

export interface FrameHeadersConf {
  /** Per frame, the first 36 bytes (Ethernet, IPv4, UDP ports) as big-endian words, sent round-robin. */
  readonly headers: Uint32Array;
  readonly batch?: number;
}

const NO_DROPS = {} as const;

/** Writes one of its precomputed 36-byte headers into a preformed 64-byte frame per packet. */
export class FrameHeaderSource extends App<typeof NO_DROPS, FrameHeadersConf> {
  readonly #headers: Uint32Array;
  readonly #batch: number;
  #cursor = 0;

  constructor(ctx: AppContext, conf: FrameHeadersConf) {
    super(ctx, conf, NO_DROPS);
    this.#headers = conf.headers;
    this.#batch = conf.batch ?? BATCH;
  }

  override pull(): void {
    const out = this.output.output;
    if (out === undefined) return;
    const n = Math.min(this.#batch, out.writable());
    const h = this.#headers;
    let c = this.#cursor;
    for (let i = 0; i < n; i++) {
      const p = this.alloc();
      if (p === null) break;
      const v = p.view;
      const o = p.off;
      for (let w = 0; w < HEADER_WORDS; w++) v.setUint32(o + 4 * w, h[c + w]!);
      p.len = 64;
      c += HEADER_WORDS;
      if (c === h.length) c = 0;
      out.transmit(p);
    }
    this.#cursor = c;
  }
}

/** 256 flows from 10.0.0.10 to 10.1.x.y, checksums filled. */
export function forwardingHeaders(): Uint32Array {
  const words = new Uint32Array(FLOWS * HEADER_WORDS);
  const frame = new Uint8Array(64);
  const view = new DataView(frame.buffer);
  for (let f = 0; f < FLOWS; f++) {
    emitEthernet({ dst: parseMac(ROUTER_IN_MAC), src: parseMac('02:00:00:00:00:10'), etherType: ETHERTYPE_IPV4 }, frame, 0);
    emitIpv4({
      dscp: 0, ecn: 0, identification: f, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IPPROTO_UDP,
      src: parseIpv4Addr('10.0.0.10'), dst: (parseIpv4Addr('10.1.0.0') + f * 97 + 1) >>> 0, options: new Uint8Array(0), payloadLength: 64 - 34,
    }, frame, 14);
    view.setUint16(34, 1024 + f);
    view.setUint16(36, 53);
    for (let w = 0; w < HEADER_WORDS; w++) words[f * HEADER_WORDS + w] = view.getUint32(4 * w);
  }
  return words;
}

export const FORWARDING_ROUTER: RouterConf = {
  interfaces: { eth0: { ip: '10.0.0.1/24', mac: ROUTER_IN_MAC }, eth1: { ip: '10.0.1.1/24', mac: '02:00:00:00:01:01' } },
  routes: [{ dst: '10.1.0.0/16', via: '10.0.1.2' }],
  neighbours: [{ ip: '10.0.1.2', dev: 'eth1', mac: '02:00:00:00:00:20' }],
};

/**
 * Packets per second of plain L3 forwarding of 64-byte frames (source -> router -> sink), and a
 * note when anything but forwarding happened while measuring.
 */
export function measureRouterForwarding(seconds: number, warmupSeconds: number): { pps: number; note?: string } {
  const pool = new PacketPool({ count: 8192, dataRoom: 256 });
  preformPool(pool);
  const e = new Engine({ pool });
  e.configure(new Graph()
    .app('src', FrameHeaderSource, { headers: forwardingHeaders() })
    .app('r1', Router, FORWARDING_ROUTER)
    .app('snk', Sink)
    .link('src.output -> r1.eth0')
    .link('r1.eth1 -> snk.input'));
  const sink = e.app<Sink>('snk');
  const router = e.app<Router>('r1');
  const r = measure(
    () => {
      const before = sink.consumed;
      e.runBreaths(64);
      return sink.consumed - before;
    },
    seconds,
    warmupSeconds,
  );
  const drops = router.totalDrops();
  e.stop();
  return drops === 0 ? { pps: r.pps } : { pps: r.pps, note: `unexpected: ${drops} router drops while measuring` };
}

export const routerSuite: Suite = {
  name: 'router',
  async run(ctx: BenchContext): Promise<Row[]> {
    const id = 'router.forward.64B';
    if (!ctx.wants(id)) return [];
    ctx.progress(id);
    const r = measureRouterForwarding(ctx.seconds, ctx.warmupSeconds);
    await Promise.resolve();
    return [mppsRow(id, r.pps, { ok: false, reason: 'none for the router (the engine rows give the harness cost)' }, r.note)];
  },
};
