import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Engine, Graph } from '../engine/engine.js';
import { assertConserved } from '../testing/conservation.js';
import { DgramPort } from './dgram-port.js';
import { FrameEnd } from '../testing/frame-end.js';
function frame(payload, fill = 0x5a) {
    return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x08, 0x06, ...new Array(payload).fill(fill)];
}
async function rig(conf = {}) {
    const e = new Engine();
    e.configure(new Graph().app('dp', DgramPort, { port: 'eth0', ...conf }).app('end', FrameEnd).link('end.tx -> dp.eth0').link('dp.eth0 -> end.rx'));
    const dp = e.app('dp');
    const port = await dp.ready();
    return { e, dp, end: e.app('end'), port, close: () => e.stop() };
}
async function peerSocket(port = 0) {
    const sock = dgram.createSocket('udp4');
    const got = [];
    sock.on('message', (m) => got.push(m));
    await new Promise((resolve) => sock.bind(port, '127.0.0.1', resolve));
    return { sock, port: sock.address().port, got };
}
async function until(cond, what) {
    const end = Date.now() + 2000;
    while (!cond()) {
        if (Date.now() > end)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 2));
    }
}
test('a datagram becomes a frame on the engine port and a frame sent on the port goes back to the first sender', async () => {
    const { e, dp, end, port, close } = await rig();
    const peer = await peerSocket();
    try {
        assert.equal(dp.peer, null);
        const f = frame(46);
        peer.sock.send(Buffer.from(f), port, '127.0.0.1');
        await until(() => dp.rxDatagrams === 1, 'the datagram');
        assert.equal(dp.queued, 1);
        e.runBreaths(2);
        assert.deepEqual(end.received, [f]);
        assert.equal(dp.peer, `127.0.0.1:${peer.port}`);
        const reply = frame(100, 0xa5);
        end.send(reply);
        e.runBreaths(2);
        await until(() => peer.got.length === 1, 'the reply');
        assert.deepEqual([...peer.got[0]], reply);
        assert.equal(dp.txDatagrams, 1);
        assertConserved(e);
    }
    finally {
        peer.sock.close();
        close();
    }
});
test('runts, oversize frames and datagrams from a stranger are counted drops and packets stay conserved', async () => {
    const { e, dp, end, port, close } = await rig({ maxFrame: 200 });
    const peer = await peerSocket();
    const stranger = await peerSocket();
    try {
        peer.sock.send(Buffer.from(frame(10)), port, '127.0.0.1');
        await until(() => dp.rxDatagrams === 1, 'the first datagram');
        peer.sock.send(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), port, '127.0.0.1');
        peer.sock.send(Buffer.from(frame(187)), port, '127.0.0.1');
        stranger.sock.send(Buffer.from(frame(20)), port, '127.0.0.1');
        peer.sock.send(Buffer.from(frame(186)), port, '127.0.0.1');
        await until(() => dp.rxDatagrams === 5, 'all datagrams');
        e.runBreaths(2);
        assert.deepEqual(end.received.map((r) => r.length), [24, 200]);
        assert.equal(dp.dropCounts.runt, 1);
        assert.equal(dp.dropCounts.oversize, 1);
        assert.equal(dp.dropCounts['foreign-source'], 1);
        end.send(frame(300));
        end.send([1, 2, 3]);
        e.runBreaths(2);
        assert.equal(dp.dropCounts.oversize, 2);
        assert.equal(dp.dropCounts.runt, 2);
        assert.equal(dp.txDatagrams, 0);
        assertConserved(e);
    }
    finally {
        peer.sock.close();
        stranger.sock.close();
        close();
    }
});
test('the receive queue is bounded: datagrams beyond queueMax are counted and the rest arrive in order', async () => {
    const { e, dp, end, port, close } = await rig({ queueMax: 2 });
    const peer = await peerSocket();
    try {
        for (let i = 0; i < 5; i++)
            peer.sock.send(Buffer.from(frame(4, i)), port, '127.0.0.1');
        await until(() => dp.rxDatagrams === 5, 'five datagrams');
        assert.equal(dp.queued, 2);
        assert.equal(dp.queueHighWater, 2);
        assert.equal(dp.dropCounts['rx-queue-full'], 3);
        e.runBreaths(2);
        assert.deepEqual(end.received.map((r) => r[14]), [0, 1]);
        assert.equal(dp.queued, 0);
        assertConserved(e);
    }
    finally {
        peer.sock.close();
        close();
    }
});
test('without a configured peer nothing is sent before someone spoke; with one, frames go out at once', async () => {
    const peer = await peerSocket();
    const a = await rig();
    const b = await rig({ peerPort: peer.port });
    try {
        a.end.send(frame(50));
        a.e.runBreaths(2);
        assert.equal(a.dp.dropCounts['no-peer'], 1);
        b.end.send(frame(50));
        b.e.runBreaths(2);
        await until(() => peer.got.length === 1, 'the frame to the configured peer');
        assert.equal(b.dp.peer, `127.0.0.1:${peer.port}`);
        // A configured peer is not replaced by whoever sends first.
        peer.sock.send(Buffer.from(frame(20)), a.port, '127.0.0.1');
        const stranger = await peerSocket();
        stranger.sock.send(Buffer.from(frame(20)), b.port, '127.0.0.1');
        await until(() => b.dp.rxDatagrams === 1, 'the stranger');
        stranger.sock.close();
        assert.equal(b.dp.dropCounts['foreign-source'], 1);
        assertConserved(a.e);
        assertConserved(b.e);
    }
    finally {
        peer.sock.close();
        a.close();
        b.close();
    }
});
test('a port already taken is reported by ready() and frames are dropped as socket-down', async () => {
    const holder = await peerSocket();
    const e = new Engine();
    e.configure(new Graph().app('dp', DgramPort, { port: 'eth0', bindPort: holder.port, peerPort: 9 }).app('end', FrameEnd).link('end.tx -> dp.eth0').link('dp.eth0 -> end.rx'));
    const dp = e.app('dp');
    try {
        await assert.rejects(dp.ready(), /dp: udp 127\.0\.0\.1:\d+: .*EADDRINUSE/);
        assert.match(dp.error ?? '', /EADDRINUSE/);
        e.app('end').send(frame(50));
        e.runBreaths(2);
        assert.equal(dp.dropCounts['socket-down'], 1);
        assertConserved(e);
    }
    finally {
        holder.sock.close();
        e.stop();
    }
});
test('bad settings are refused with the app name and the field', () => {
    const e = new Engine();
    assert.throws(() => e.configure(new Graph().app('dp', DgramPort, { queueMax: 0 })), /dp: queueMax must be a positive integer/);
    assert.throws(() => e.configure(new Graph().app('dq', DgramPort, { peerPort: 70000 })), /dq: peerPort must be 1\.\.65535/);
});
//# sourceMappingURL=dgram-port.test.js.map