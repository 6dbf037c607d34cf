import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { RealClock } from '../../engine/clock.js';
import { Wire } from '../../engine/basic.js';
import { PacketPool } from '../../engine/packet.js';
import { assertConserved } from '../../testing/conservation.js';
import { RealLoop } from '../../real/loop.js';
import { addNamespace, haveCommand, ip, iperf3, namespaceExists, nsExec, tryIp, uniqueName } from '../../real/netns.js';
import { TapPort } from './tap-port.js';
import { tapUnavailableReason } from './tun.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
const skip = tapUnavailableReason();
if (skip !== null)
    console.log(`# skipping TAP port tests: ${skip}`);
/**
 * Two namespaces, each with a TAP interface that is a vnet TapPort, the two ports cabled
 * directly in one engine: every frame between the namespaces crosses vnet.
 */
async function withPair(confA, confB, body, cable = 'direct') {
    const nsA = uniqueName('vn');
    const nsB = uniqueName('vn');
    const tapA = uniqueName('vnt');
    const tapB = uniqueName('vnt');
    const engine = new Engine({ clock: new RealClock() });
    const loop = new RealLoop(engine);
    try {
        addNamespace(nsA);
        addNamespace(nsB);
        const g = new Graph()
            .app('a', TapPort, { ifname: tapA, ...confA, doorbell: loop.doorbell })
            .app('b', TapPort, { ifname: tapB, ...confB, doorbell: loop.doorbell });
        // Wires take no offloaded packets, so with them in between the ports exchange wire segments.
        if (cable === 'wires') {
            g.app('ab', Wire).app('ba', Wire).link('a.port -> ab.input').link('ab.output -> b.port').link('b.port -> ba.input').link('ba.output -> a.port');
        }
        else
            g.connect('a.port', 'b.port');
        engine.configure(g);
        ip('link', 'set', tapA, 'netns', nsA);
        ip('link', 'set', tapB, 'netns', nsB);
        ip('-n', nsA, 'addr', 'add', '10.231.0.1/24', 'dev', tapA);
        ip('-n', nsB, 'addr', 'add', '10.231.0.2/24', 'dev', tapB);
        ip('-n', nsA, 'link', 'set', tapA, 'up');
        ip('-n', nsB, 'link', 'set', tapB, 'up');
        await Promise.all([engine.app('a').ready(), engine.app('b').ready()]);
        loop.start();
        await body({ nsA, nsB, a: engine.app('a'), b: engine.app('b'), engine });
    }
    finally {
        await loop.stop();
        const ports = [...engine.apps.values()].filter((x) => x instanceof TapPort);
        engine.stop();
        await Promise.all(ports.map((p) => p.closed()));
        tryIp('netns', 'del', nsA);
        tryIp('netns', 'del', nsB);
    }
    assert.equal(namespaceExists(nsA) || namespaceExists(nsB), false);
}
/** Keeps every packet it receives (counted as held) until it is stopped: a way to empty a pool. */
class Keeper extends App {
    #kept = [];
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    push() {
        const l = this.input.in;
        while (l !== undefined && !l.empty())
            this.#kept.push(l.receive());
    }
    held() {
        return this.#kept.length;
    }
    stop() {
        for (const p of this.#kept.splice(0))
            this.consume(p);
    }
}
test('ping between two namespaces crosses vnet through two TAP ports, waking the sleeping engine for every echo', { skip: skip ?? false, timeout: 30_000 }, async () => {
    await withPair({}, {}, async ({ nsA, a, b, engine }) => {
        const r = await nsExec(nsA, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.231.0.2']);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /3 received/);
        assert.ok(a.rxFrames >= 4 && b.txFrames >= 4, `a rx ${a.rxFrames}, b tx ${b.txFrames}`);
        assert.equal(a.error, null);
        // 200 ms between echoes: the loop slept in between, so the frames came through armed watches.
        assert.ok(a.stats().rxArms >= 3 && a.stats().rxWakeups >= 3, JSON.stringify(a.stats()));
        assertConserved(engine);
    });
});
test('a frame larger than the port takes is read, counted as oversize and dropped; smaller frames still pass', { skip: skip ?? false, timeout: 30_000 }, async () => {
    await withPair({}, {}, async ({ nsA, a }) => {
        // The interface accepts 3000-byte packets; vnet's port is set up for 1500 (1522-byte frames)
        // and reads into 2048-byte buffers, so the second size is also cut short by the read.
        ip('-n', nsA, 'link', 'set', a.ifname, 'mtu', '3000');
        for (const size of ['1900', '2900']) {
            const big = await nsExec(nsA, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '-M', 'do', '-s', size, '10.231.0.2']);
            assert.notEqual(big.code, 0);
        }
        assert.ok(a.dropCounts.oversize >= 4, `oversize ${a.dropCounts.oversize}`);
        assert.equal(a.error, null);
        const small = await nsExec(nsA, ['ping', '-c', '2', '-i', '0.2', '-W', '2', '-s', '1000', '10.231.0.2']);
        assert.equal(small.code, 0, small.stdout + small.stderr);
    });
});
test('with the packet pool exhausted, frames are still taken off the TAP and counted as pool-empty, and every packet is accounted for', { skip: skip ?? false, timeout: 30_000 }, async () => {
    const ns = uniqueName('vn');
    const tap = uniqueName('vnt');
    const engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 8 }) });
    const loop = new RealLoop(engine);
    try {
        addNamespace(ns);
        engine.configure(new Graph().app('a', TapPort, { ifname: tap, doorbell: loop.doorbell }).app('keep', Keeper).link('a.port -> keep.in'));
        const a = engine.app('a');
        await a.ready();
        ip('link', 'set', tap, 'netns', ns);
        ip('-n', ns, 'addr', 'add', '10.232.0.1/24', 'dev', tap);
        ip('-n', ns, 'link', 'set', tap, 'up');
        ip('-n', ns, 'neigh', 'add', '10.232.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', tap);
        loop.start();
        await nsExec(ns, ['ping', '-c', '30', '-i', '0.01', '-W', '1', '10.232.0.9']);
        const deadline = Date.now() + 3000;
        while (a.rxFrames + a.dropCounts['pool-empty'] < 30 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
        assert.equal(engine.app('keep').held(), 8);
        assert.ok(a.dropCounts['pool-empty'] >= 22, `pool-empty ${a.dropCounts['pool-empty']}, frames ${a.rxFrames}`);
        assert.equal(a.rxFrames, 8);
        assertConserved(engine);
        // The readable TAP did not keep the loop awake: it slept between the echoes.
        assert.ok(loop.sleeps > 0);
    }
    finally {
        await loop.stop();
        const a = engine.app('a');
        engine.stop();
        await a.closed();
        tryIp('netns', 'del', ns);
    }
});
test('with offloads on both ports a TCP stream crosses as 64 KB GSO packets, one packet each', { skip: skip ?? (haveCommand('iperf3') ? false : 'iperf3 is not installed'), timeout: 40_000 }, async () => {
    await withPair({ offloads: true }, { offloads: true }, async ({ nsA, nsB, a, b }) => {
        const bps = (await iperf3(nsA, nsB, '10.231.0.2', 1)).sum_received?.bits_per_second ?? 0;
        assert.ok(bps > 1e6, `only ${bps} bit/s`);
        assert.ok(a.rxGsoPackets > 10, `a received ${a.rxGsoPackets} GSO packets`);
        assert.equal(b.txSegments, 0);
        // The engine thread wrote most of them itself: the TX ring is only used while the kernel pushes back.
        assert.ok(b.txDirect > b.txFrames / 2, `b wrote ${b.txDirect} of ${b.txFrames} frames directly`);
        // While the stream flows the engine finds the frames itself: few of them needed a wakeup.
        const s = a.stats();
        assert.ok(s.rxWakeups * 4 < s.rxFrames, `${s.rxWakeups} wakeups for ${s.rxFrames} frames`);
        console.log(`# offloads on both: ${(bps / 1e9).toFixed(2)} Gbit/s, ${a.rxGsoPackets} GSO packets of ${a.rxFrames} frames, ${s.rxWakeups} wakeups, ${s.rxEmptyReads} empty reads`);
    });
});
test('a GSO packet leaving through a TAP without offloads is segmented by vnet and TCP still works', { skip: skip ?? (haveCommand('iperf3') ? false : 'iperf3 is not installed'), timeout: 40_000 }, async () => {
    await withPair({ offloads: true }, { offloads: false }, async ({ nsA, nsB, a, b }) => {
        const end = await iperf3(nsA, nsB, '10.231.0.2', 1);
        assert.ok((end.sum_received?.bits_per_second ?? 0) > 1e6);
        assert.ok(a.rxGsoPackets > 0, 'no GSO packet arrived');
        assert.ok(b.txSegments > a.rxGsoPackets, `segments ${b.txSegments} for ${a.rxGsoPackets} GSO packets`);
        assert.equal(b.dropCounts['gso-bad-headers'] + b.dropCounts['gso-not-tcp'], 0);
    });
});
test('a TAP whose interface is deleted reports the error and drops what it is asked to send', { skip: skip ?? false, timeout: 30_000 }, async () => {
    await withPair({}, {}, async ({ nsA, nsB, a, b }) => {
        const tapB = b.ifname;
        ip('-n', nsB, 'link', 'del', tapB);
        const end = Date.now() + 3000;
        while (b.error === null && Date.now() < end)
            await new Promise((r) => setTimeout(r, 20));
        assert.match(b.error ?? '', /failed: errno/);
        await nsExec(nsA, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '10.231.0.2']);
        assert.ok(b.dropCounts['tap-gone'] > 0, 'nothing counted as tap-gone');
        assert.equal(a.error, null);
    });
});
/** Sends a list of frames once, all in its first pull (so the port gets them in one push). */
class FrameList extends App {
    #sent = false;
    constructor(ctx, conf) {
        super(ctx, conf, { 'pool-empty': 'no packet buffer for a frame' });
    }
    pull() {
        const out = this.output.output;
        if (this.#sent || out === undefined)
            return;
        this.#sent = true;
        for (const f of this.conf.frames) {
            const p = this.alloc();
            if (p === null)
                this.countDrop('pool-empty');
            else if (p.setData(f))
                out.transmit(p);
        }
    }
}
/** Consumes what it receives and counts the TCP segments with RST among them. */
class RstCounter extends App {
    resets = 0;
    constructor(ctx, conf) {
        super(ctx, conf, {});
    }
    push() {
        const l = this.input.input;
        while (l !== undefined && !l.empty()) {
            const p = l.receive();
            const b = p.buf;
            const o = p.off;
            if (p.len >= 54 && b[o + 12] === 0x08 && b[o + 13] === 0x00 && b[o + 23] === 6 && (b[o + 14 + (b[o + 14] & 0x0f) * 4 + 13] & 0x04) !== 0)
                this.resets++;
            this.consume(p);
        }
    }
}
/** `n` full 1448-byte TCP segments of one flow from 10.233.0.2:40000 to 10.233.0.1:9 (where nothing listens), checksums correct. */
function tcpSegments(n, dstMac) {
    const frames = [];
    for (let i = 0; i < n; i++) {
        const f = encodeSpec(`eth(src=02:00:00:00:00:09,dst=${dstMac}),ipv4(src=10.233.0.2,dst=10.233.0.1,id=${i},df),tcp(src=40000,dst=9,seq=${1000 + i * 1448},ack=1,flags=A,win=500),payload(len=1448)`);
        for (let j = 54; j < f.length; j++)
            f[j] = (i + j) & 0xff;
        const v = new DataView(f.buffer);
        v.setUint16(50, 0);
        v.setUint16(50, internetChecksum(f, 34, f.length - 34, ipv4PseudoHeaderSum(0x0ae90002, 0x0ae90001, 6, f.length - 34)));
        frames.push(f);
    }
    return frames;
}
/** Frames the kernel took in on `ifname` in `ns` (what vnet wrote to the TAP). */
function rxPackets(ns, ifname) {
    const j = JSON.parse(ip('-n', ns, '-s', '-j', 'link', 'show', 'dev', ifname));
    return j[0].stats64.rx.packets;
}
for (const gro of [true, false]) {
    test(`90 TCP segments written into a TAP with offloads ${gro ? 'arrive as 2 GSO frames, and the kernel answers each frame with one RST' : 'and gro: false arrive as 90 frames'}`, { skip: skip ?? false, timeout: 30_000 }, async () => {
        const ns = uniqueName('vn');
        const tap = uniqueName('vnt');
        const mac = '02:00:00:00:e9:01';
        const engine = new Engine({ clock: new RealClock() });
        const loop = new RealLoop(engine);
        try {
            addNamespace(ns);
            engine.configure(new Graph().app('t', TapPort, { ifname: tap, offloads: true, gro, doorbell: loop.doorbell }).app('count', RstCounter).link('t.port -> count.input'));
            const t = engine.app('t');
            await t.ready();
            ip('link', 'set', tap, 'netns', ns);
            ip('-n', ns, 'link', 'set', tap, 'address', mac);
            ip('-n', ns, 'addr', 'add', '10.233.0.1/24', 'dev', tap);
            ip('-n', ns, 'link', 'set', tap, 'up');
            ip('-n', ns, 'neigh', 'add', '10.233.0.2', 'lladdr', '02:00:00:00:00:09', 'dev', tap);
            loop.start();
            const before = rxPackets(ns, tap);
            const frames = tcpSegments(90, mac);
            engine.configure(new Graph().app('t', TapPort, { ifname: tap, offloads: true, gro, doorbell: loop.doorbell }).app('count', RstCounter).app('src', FrameList, { frames }).link('t.port -> count.input').link('src.output -> t.port'));
            loop.wake();
            const frameCount = gro ? 2 : 90;
            const counter = engine.app('count');
            const deadline = Date.now() + 5000;
            while ((rxPackets(ns, tap) - before < frameCount || counter.resets < frameCount) && Date.now() < deadline)
                await new Promise((r) => setTimeout(r, 20));
            const s = t.stats();
            assert.equal(rxPackets(ns, tap) - before, frameCount, JSON.stringify(s));
            assert.equal(s.txFrames, frameCount);
            assert.equal(s.txCoalesced, gro ? 2 : 0);
            assert.equal(s.txCoalescedSegments, gro ? 90 : 0);
            assert.equal(s.gro, gro);
            // The kernel's TCP took each frame as one segment: one RST each, for the first sequence number it carried.
            await new Promise((r) => setTimeout(r, 100));
            assert.equal(counter.resets, frameCount);
            assert.equal(t.totalDrops(), 0);
            assertConserved(engine);
        }
        finally {
            await loop.stop();
            const t = engine.app('t');
            engine.stop();
            await t.closed();
            tryIp('netns', 'del', ns);
        }
    });
}
test('gro without offloads is a configuration error naming the port', { skip: skip ?? false }, () => {
    const engine = new Engine({ clock: new RealClock() });
    assert.throws(() => engine.configure(new Graph().app('t', TapPort, { ifname: uniqueName('vnt'), gro: true })), /tap port t: gro needs offloads: true/);
    assert.throws(() => engine.configure(new Graph().app('t', TapPort, { ifname: uniqueName('vnt'), offloads: true, gro: 'yes' })), /tap port t: gro must be true or false/);
});
test('a TCP stream cut into wire segments in front of a TAP with offloads reaches it merged again, with every packet accounted for', { skip: skip ?? (haveCommand('iperf3') ? false : 'iperf3 is not installed'), timeout: 40_000 }, async () => {
    await withPair({ offloads: true }, { offloads: true }, async ({ nsA, nsB, a, b, engine }) => {
        const bps = (await iperf3(nsA, nsB, '10.231.0.2', 1)).sum_received?.bits_per_second ?? 0;
        assert.ok(bps > 1e6, `only ${bps} bit/s`);
        // Port a cut the sender's GSO packets for the wires; port b merged the segments again.
        assert.ok(a.stats().rxSegmented > 0, 'a segmented nothing');
        const s = b.stats();
        assert.ok(s.txCoalesced > 0, JSON.stringify(s));
        const ratio = s.txCoalescedSegments / s.txCoalesced;
        assert.ok(ratio > 2, `only ${ratio.toFixed(1)} segments per merged frame`);
        assert.equal(s.txCoalesceBadChecksums, 0);
        assert.equal(b.totalDrops(), 0, JSON.stringify(b.dropCounts));
        assertConserved(engine);
        console.log(`# wires between offload ports, gro on: ${(bps / 1e9).toFixed(2)} Gbit/s, ${s.txCoalesced} merged frames of ${ratio.toFixed(1)} segments, ${s.txFrames} frames written`);
    }, 'wires');
});
//# sourceMappingURL=tap-port.test.js.map