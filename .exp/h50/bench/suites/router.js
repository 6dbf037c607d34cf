/**
 * Plain IPv4 forwarding through the router: 64-byte UDP frames in on eth0, out on eth1, over 256
 * flows to addresses under one static route (next hop resolved by a permanent neighbour entry).
 * Per packet the router checks the Ethernet and IPv4 headers (checksum included), looks the
 * destination up in its DIR-24-8 table, decrements the TTL with an RFC 1624 patch and rewrites
 * the MACs. The source rewrites the 44 bytes of Ethernet, IPv4 and UDP header of each packet
 * (the router changed TTL and MACs of the last use), so the row includes that small cost.
 * `measureRouterForwarding` is exported as the plain-forwarding baseline other suites compare to.
 */
import { App } from '../../src/engine/app.js';
import { Sink } from '../../src/engine/basic.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { Router } from '../../src/netfns/router/router.js';
import { ETHERTYPE_IPV4, emitEthernet } from '../../src/wire/ethernet.js';
import { parseIpv4Addr } from '../../src/wire/ipv4-addr.js';
import { IPPROTO_UDP, emitIpv4 } from '../../src/wire/ipv4.js';
import { parseMac } from '../../src/wire/mac.js';
import { preformPool } from '../apps.js';
import { measure, mppsRow } from '../lib.js';
const FLOWS = 256;
/** Words of header the forwarding source writes per frame: Ethernet, IPv4 and UDP header (44 bytes). */
export const FRAME_HEADER_WORDS = 11;
const BATCH = 64;
const ROUTER_IN_MAC = '02:00:00:00:01:00';
const HOP2_IN_MAC = '02:00:00:00:00:20';
const NO_DROPS = {};
/**
 * The source every L3/L4 row shares: per packet it writes one flow's precomputed header words
 * (44 bytes by default) into a preformed frame, as int32 stores into the pool's memory, and
 * sets the length (a NIC's DMA, which costs the CPU nothing, is the model). Apps under test rewrite headers in place (TTL, MACs, NAT addresses), so each use
 * of a buffer restores them; that small cost is in every row alike.
 */
export class FrameHeaderSource extends App {
    /** The header words byte-swapped, so they store little-endian into `#mem` as the big-endian bytes of the frame. */
    #headers;
    #words;
    #len;
    #batch;
    /** The pool's memory as int32 words: every packet's data starts on a word (checked in the constructor). */
    #mem;
    #cursor = 0;
    constructor(ctx, conf) {
        super(ctx, conf, NO_DROPS);
        this.#words = conf.words ?? FRAME_HEADER_WORDS;
        this.#len = conf.len ?? 64;
        this.#batch = conf.batch ?? BATCH;
        if (conf.headers.length % this.#words !== 0)
            throw new Error(`FrameHeaderSource: ${conf.headers.length} header words is not a multiple of ${this.#words}`);
        const pool = this.pool;
        if (pool.headroom % 4 !== 0 || pool.byId(0).base % 4 !== 0 || (pool.capacity > 1 && pool.byId(1).base % 4 !== 0)) {
            throw new Error('FrameHeaderSource: packet data must start on a 4-byte boundary (pool headroom and buffer size multiples of 4)');
        }
        this.#headers = Int32Array.from(conf.headers, (x) => ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0);
        this.#mem = new Int32Array(pool.backing, 0, pool.backing.byteLength >> 2);
        if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
            throw new Error('FrameHeaderSource: expects a little-endian machine');
    }
    // The copy is unrolled for the 10 and 11 words the suites use: a loop over `words` costs more
    // than the switch under test at these sizes.
    pull() {
        const out = this.output.output;
        if (out === undefined)
            return;
        const n = Math.min(this.#batch, out.writable());
        const h = this.#headers;
        const words = this.#words;
        const len = this.#len;
        const m = this.#mem;
        let c = this.#cursor;
        for (let i = 0; i < n; i++) {
            const p = this.alloc();
            if (p === null)
                break;
            const at = (p.base + p.off) >> 2;
            if (words === 10 || words === 11) {
                m[at] = h[c];
                m[at + 1] = h[c + 1];
                m[at + 2] = h[c + 2];
                m[at + 3] = h[c + 3];
                m[at + 4] = h[c + 4];
                m[at + 5] = h[c + 5];
                m[at + 6] = h[c + 6];
                m[at + 7] = h[c + 7];
                m[at + 8] = h[c + 8];
                m[at + 9] = h[c + 9];
                if (words === 11)
                    m[at + 10] = h[c + 10];
            }
            else {
                for (let w = 0; w < words; w++)
                    m[at + w] = h[c + w];
            }
            p.len = len;
            c += words;
            if (c === h.length)
                c = 0;
            out.transmit(p);
        }
        this.#cursor = c;
    }
}
/** The first `words` words of each 64-byte frame, as `FrameHeaderSource` takes them. */
export function headerWords(frames, words = FRAME_HEADER_WORDS) {
    const out = new Uint32Array(frames.length * words);
    frames.forEach((f, i) => {
        const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
        for (let w = 0; w < words; w++)
            out[i * words + w] = v.getUint32(4 * w);
    });
    return out;
}
/** Writes `template` at the headroom of every packet of the pool, so a source only writes headers. */
export function preformPoolWith(pool, template) {
    for (let id = 0; id < pool.capacity; id++)
        pool.byId(id).buf.set(template, pool.headroom);
}
/** 256 64-byte UDP frames from 10.0.0.10 to 10.1.x.y, checksums filled (UDP checksum 0). */
export function forwardingFrames() {
    const frames = [];
    for (let f = 0; f < FLOWS; f++) {
        const frame = new Uint8Array(64);
        const view = new DataView(frame.buffer);
        emitEthernet({ dst: parseMac(ROUTER_IN_MAC), src: parseMac('02:00:00:00:00:10'), etherType: ETHERTYPE_IPV4 }, frame, 0);
        emitIpv4({
            dscp: 0, ecn: 0, identification: f, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: IPPROTO_UDP,
            src: parseIpv4Addr('10.0.0.10'), dst: (parseIpv4Addr('10.1.0.0') + f * 97 + 1) >>> 0, options: new Uint8Array(0), payloadLength: 64 - 34,
        }, frame, 14);
        view.setUint16(34, 1024 + f);
        view.setUint16(36, 53);
        view.setUint16(38, 64 - 34);
        view.setUint16(40, 0);
        frames.push(frame);
    }
    return frames;
}
/** The header words of `forwardingFrames`. */
export function forwardingHeaders() {
    return headerWords(forwardingFrames());
}
export const FORWARDING_ROUTER = {
    interfaces: { eth0: { ip: '10.0.0.1/24', mac: ROUTER_IN_MAC }, eth1: { ip: '10.0.1.1/24', mac: '02:00:00:00:01:01' } },
    routes: [{ dst: '10.1.0.0/16', via: '10.0.1.2' }],
    neighbours: [{ ip: '10.0.1.2', dev: 'eth1', mac: HOP2_IN_MAC }],
};
/** The second router of the two-hop chain: it owns 10.0.1.2 (the first router's next hop). */
const SECOND_ROUTER = {
    interfaces: { eth0: { ip: '10.0.1.2/24', mac: HOP2_IN_MAC }, eth1: { ip: '10.0.2.1/24', mac: '02:00:00:00:02:01' } },
    routes: [{ dst: '10.1.0.0/16', via: '10.0.2.2' }],
    neighbours: [{ ip: '10.0.2.2', dev: 'eth1', mac: '02:00:00:00:00:30' }],
};
function median(xs) {
    const sorted = [...xs].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
/**
 * Measures several prepared benchmarks in `rounds` alternating slices of `seconds / rounds`
 * each (after one warmup of each) and gives each one's median packets per second of process
 * CPU time (`process.cpuUsage`, user + system), and ratios paired by round. On this machine the
 * speed of everything moves by up to 1.6x for seconds at a time (the other vCPU's load, the
 * host): CPU time leaves out the time the process was descheduled, and a ratio taken within one
 * round compares two slices measured a fraction of a second apart, so most of such a change
 * cancels, where a ratio of two medians taken over different moments does not.
 */
export function measureInterleavedPaired(prepared, seconds, warmupSeconds, rounds = 15) {
    const samples = prepared.map(() => []);
    for (let r = 0; r < rounds; r++) {
        prepared.forEach((b, i) => {
            if (r === 0)
                measure(() => b.step(), warmupSeconds, 0);
            const before = process.cpuUsage();
            const m = measure(() => b.step(), seconds / rounds, 0);
            const used = process.cpuUsage(before);
            const cpuSeconds = (used.user + used.system) / 1e6;
            samples[i].push(m.packets / (cpuSeconds > 0 ? cpuSeconds : m.elapsed));
        });
    }
    return {
        pps: samples.map(median),
        ratio: (a, b) => median(samples[a].map((x, r) => x / samples[b][r])),
    };
}
/** `measureInterleavedPaired`'s medians alone. */
export function measureInterleaved(prepared, seconds, warmupSeconds, rounds = 15) {
    return [...measureInterleavedPaired(prepared, seconds, warmupSeconds, rounds).pps];
}
/**
 * Plain L3 forwarding of 64-byte frames: source -> router -> sink (`hops` 1), or source ->
 * router -> router -> sink (`hops` 2, two forwarding traversals, the counterpart of encap+decap).
 */
export function prepareRouterForwarding(hops = 1) {
    const pool = new PacketPool({ count: 8192, dataRoom: 256 });
    preformPool(pool);
    const e = new Engine({ pool });
    const g = new Graph()
        .app('src', FrameHeaderSource, { headers: forwardingHeaders() })
        .app('r1', Router, FORWARDING_ROUTER)
        .app('snk', Sink)
        .link('src.output -> r1.eth0');
    if (hops === 1)
        g.link('r1.eth1 -> snk.input');
    else
        g.app('r2', Router, SECOND_ROUTER).link('r1.eth1 -> r2.eth0').link('r2.eth1 -> snk.input');
    e.configure(g);
    const sink = e.app('snk');
    const routers = hops === 1 ? [e.app('r1')] : [e.app('r1'), e.app('r2')];
    return {
        step: () => {
            const before = sink.consumed;
            e.runBreaths(64);
            return sink.consumed - before;
        },
        finish: () => {
            const drops = routers.reduce((n, x) => n + x.totalDrops(), 0);
            e.stop();
            return drops === 0 ? undefined : `unexpected: ${drops} router drops while measuring`;
        },
    };
}
/** Packets per second of plain L3 forwarding (see `prepareRouterForwarding`), and a note when anything but forwarding happened. */
export function measureRouterForwarding(seconds, warmupSeconds, hops = 1) {
    const b = prepareRouterForwarding(hops);
    const r = measure(() => b.step(), seconds, warmupSeconds);
    const note = b.finish();
    return note === undefined ? { pps: r.pps } : { pps: r.pps, note };
}
export const routerSuite = {
    name: 'router',
    async run(ctx) {
        const cases = [['router.forward.64B', 1], ['router.forward.64B.two-hops', 2]].filter(([id]) => ctx.wants(id));
        if (cases.length === 0)
            return [];
        ctx.progress('router');
        const prepared = cases.map(([, hops]) => prepareRouterForwarding(hops));
        const pps = measureInterleaved(prepared, ctx.seconds, ctx.warmupSeconds);
        const notes = prepared.map((b) => b.finish());
        await Promise.resolve();
        const noC = { ok: false, reason: 'none for the router (the engine rows give the harness cost)' };
        return cases.map(([id, hops], i) => mppsRow(id, pps[i], noC, ['packets per second of process CPU time', hops === 2 ? 'source -> router -> router -> sink: two forwarding traversals per packet' : undefined, notes[i]].filter((x) => x !== undefined).join('; ')));
    },
};
//# sourceMappingURL=router.js.map