/**
 * Two VTEPs on real UDP sockets over loopback (127.0.0.1 and 127.0.0.2, one port), each with an
 * emulated host: no root needed. The namespace and kernel interop tests are in test/real/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Engine, Graph } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { Host } from '../hosts/host.js';
import { conservation } from '../testing/conservation.js';
import { RealLoop } from './loop.js';
import { addVxlanOverUdp } from './vxlan-udp.js';
const VNI = 5005;
async function freePort() {
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    const port = s.address().port;
    await new Promise((r) => s.close(r));
    return port;
}
async function twoVteps() {
    const port = await freePort();
    const engine = new Engine({ clock: new RealClock() });
    const loop = new RealLoop(engine);
    const g = new Graph();
    for (const [side, local, remote, hostIp] of [['a', '127.0.0.1', '127.0.0.2', '192.168.50.1/24'], ['b', '127.0.0.2', '127.0.0.1', '192.168.50.2/24']]) {
        addVxlanOverUdp(g, `vtep-${side}`, { local, port, remotePort: port, overlay: { ports: { h: VNI }, flood: { [String(VNI)]: [remote] } }, doorbell: loop.doorbell });
        g.app(`h${side}`, Host, { interfaces: { eth0: { ip: hostIp, mtu: 1450, mac: side === 'a' ? '02:00:00:50:00:01' : '02:00:00:50:00:02' } } });
        g.connect(`h${side}.eth0`, `vtep-${side}.h`);
    }
    engine.configure(g);
    await engine.app('vtep-a/udp').ready();
    await engine.app('vtep-b/udp').ready();
    loop.start();
    return {
        engine,
        loop,
        port,
        stop: async () => {
            await loop.stop();
            const sockets = [engine.app('vtep-a/udp'), engine.app('vtep-b/udp')];
            engine.stop();
            await Promise.all(sockets.map((s) => s.closed()));
        },
    };
}
async function ping(engine, loop, from, to, count) {
    const s = engine.app(from).ping(to, { count, interval: 50e6, timeout: 1e9 });
    loop.wake();
    const end = Date.now() + 10_000;
    while (!s.done && Date.now() < end)
        await new Promise((r) => setTimeout(r, 10));
    return s.received;
}
test('two VTEPs on real UDP sockets carry ARP and pings between their hosts, and every packet is accounted for', async () => {
    const { engine, loop, stop } = await twoVteps();
    try {
        assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 5), 5);
        assert.equal(await ping(engine, loop, 'hb', '192.168.50.1', 3), 3);
        for (const side of ['a', 'b']) {
            const udp = engine.app(`vtep-${side}/udp`);
            // ARP request and reply, 8 echo requests or replies each way.
            assert.ok(udp.rxDatagrams >= 9 && udp.txDatagrams >= 9, `${side}: ${JSON.stringify(udp.stats())}`);
            assert.equal(udp.totalDrops(), 0, JSON.stringify(udp.dropCounts));
            assert.equal(udp.stats().rxQueued, 0);
            assert.equal(udp.stats().txRefused, 0);
        }
        await loop.stop();
        const report = conservation(engine);
        assert.ok(report.ok, report.problems.join('; '));
    }
    finally {
        await stop();
    }
});
test('a burst through the tunnel crosses the kernel as one segmented run and arrives as the datagrams sent, in order', async () => {
    const { engine, loop, stop } = await twoVteps();
    try {
        assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 1), 1, 'ARP resolved first');
        const got = [];
        engine.app('hb').udpBind(7000, (_src, _port, payload) => {
            if (payload.length === 1000 && payload.every((b, k) => k < 4 || b === (payload[0] + k) % 251))
                got.push(new DataView(payload.buffer, payload.byteOffset).getUint32(0));
        });
        // Sent between two breaths: the VTEP encapsulates all 50 in one push.
        for (let i = 0; i < 50; i++) {
            const payload = new Uint8Array(1000);
            for (let k = 4; k < 1000; k++)
                payload[k] = (payload[0] + k) % 251;
            new DataView(payload.buffer).setUint32(0, i);
            assert.equal(engine.app('ha').udpSend('192.168.50.2', 7000, payload), 'sent');
        }
        loop.wake();
        const end = Date.now() + 5000;
        while (got.length < 50 && Date.now() < end)
            await new Promise((r) => setTimeout(r, 10));
        assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => i));
        assert.ok(engine.app('vtep-a/udp').stats().txSegmentedSends >= 1, JSON.stringify(engine.app('vtep-a/udp').stats()));
        assert.ok(engine.app('vtep-b/udp').stats().rxCoalescedRuns >= 1, JSON.stringify(engine.app('vtep-b/udp').stats()));
        await loop.stop();
        const report = conservation(engine);
        assert.ok(report.ok, report.problems.join('; '));
    }
    finally {
        await stop();
    }
});
test('garbage datagrams become counted drops: the VTEP refuses bad VXLAN, the underlay refuses a datagram too big for a packet', async () => {
    const { engine, loop, port, stop } = await twoVteps();
    const junk = dgram.createSocket('udp4');
    try {
        await new Promise((r) => junk.bind(0, '127.0.0.2', r));
        const send = (b) => new Promise((r) => junk.send(b, port, '127.0.0.1', () => r()));
        await send(Buffer.from([1, 2, 3]));
        // I flag clear, then a VNI nobody serves, each followed by an inner Ethernet header's worth of bytes.
        await send(Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0x13, 0x8d, 0]), Buffer.alloc(14)]));
        await send(Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 7, 0]), Buffer.alloc(14)]));
        await send(Buffer.alloc(4000, 8));
        const vtep = engine.app('vtep-a');
        const udp = engine.app('vtep-a/udp');
        const end = Date.now() + 5000;
        while (udp.rxDatagrams < 4 && Date.now() < end)
            await new Promise((r) => setTimeout(r, 10));
        await loop.stop();
        assert.equal(udp.rxDatagrams, 4);
        assert.equal(vtep.dropCounts['vxlan-truncated'], 1);
        assert.equal(vtep.dropCounts['vxlan-i-flag-clear'], 1);
        assert.equal(vtep.dropCounts['unknown-vni'], 1);
        assert.equal(udp.dropCounts['too-big'], 1);
        const report = conservation(engine);
        assert.ok(report.ok, report.problems.join('; '));
        loop.start();
        assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 2), 2, 'the tunnel still works');
    }
    finally {
        junk.close();
        await stop();
    }
});
test('a VTEP whose address and port are taken fails at configure time, naming them', async () => {
    const port = await freePort();
    const taken = dgram.createSocket('udp4');
    await new Promise((r) => taken.bind(port, '127.0.0.1', r));
    const engine = new Engine({ clock: new RealClock() });
    try {
        const g = new Graph();
        addVxlanOverUdp(g, 'vtep', { local: '127.0.0.1', port, overlay: { ports: { h: VNI }, flood: { [String(VNI)]: ['127.0.0.2'] } } });
        assert.throws(() => engine.configure(g), new RegExp(`udp 127\\.0\\.0\\.1:${port}: bind failed: .*EADDRINUSE`));
    }
    finally {
        taken.close();
        engine.stop();
    }
});
//# sourceMappingURL=vxlan-udp.test.js.map