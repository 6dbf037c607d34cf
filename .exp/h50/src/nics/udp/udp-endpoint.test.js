import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { SEND_OK, UDP_BATCH, UdpEndpoint } from './udp-endpoint.js';
const LOOPBACK = 0x7f000001;
function datagram(i, len) {
    const b = Buffer.alloc(len);
    for (let k = 0; k < len; k++)
        b[k] = (i * 31 + k) & 0xff;
    return b;
}
/** 1000 bytes, the first four the datagram's number. */
function numbered(i) {
    const b = datagram(i, 1000);
    b.writeUInt32BE(i, 0);
    return b;
}
async function until(cond, ms = 5000) {
    const end = Date.now() + ms;
    while (!cond()) {
        if (Date.now() > end)
            throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 5));
    }
}
async function boundSocket() {
    const s = dgram.createSocket('udp4');
    await new Promise((r) => s.bind(0, '127.0.0.1', r));
    return s;
}
test('datagrams from a socket arrive whole, in order, each with its sender address and port', async () => {
    const ep = new UdpEndpoint({ address: LOOPBACK, port: 0, maxDatagram: 2000, ringSlots: 512 });
    const sender = await boundSocket();
    try {
        await ep.ready();
        assert.ok(ep.port > 0);
        const sizes = Array.from({ length: 300 }, (_, i) => 1 + ((i * 97) % 1999));
        for (const [i, n] of sizes.entries())
            sender.send(datagram(i, n), ep.port, '127.0.0.1');
        const got = [];
        await until(() => {
            while (ep.readable()) {
                const len = ep.peekLength();
                assert.equal(ep.peekSourceAddress(), LOOPBACK);
                assert.equal(ep.peekSourcePort(), sender.address().port);
                const b = Buffer.alloc(len);
                ep.copyPayload(b, 0);
                ep.release();
                got.push(b);
            }
            return got.length === sizes.length;
        });
        for (const [i, n] of sizes.entries())
            assert.deepEqual(got[i], datagram(i, n), `datagram ${i}`);
        assert.equal(ep.stats().rxDatagrams, sizes.length);
        assert.equal(ep.stats().rxQueued, 0);
    }
    finally {
        sender.close();
        ep.close();
        await ep.closed();
    }
});
test('a datagram longer than maxDatagram is reported with length -1 and the next one is intact', async () => {
    const ep = new UdpEndpoint({ address: LOOPBACK, port: 0, maxDatagram: 100, ringSlots: 8 });
    const sender = await boundSocket();
    try {
        await ep.ready();
        sender.send(datagram(1, 101), ep.port, '127.0.0.1');
        sender.send(datagram(2, 100), ep.port, '127.0.0.1');
        await until(() => ep.stats().rxQueued === 2);
        assert.equal(ep.peekLength(), -1);
        ep.release();
        assert.equal(ep.peekLength(), 100);
        const b = Buffer.alloc(100);
        ep.copyPayload(b, 0);
        ep.release();
        assert.deepEqual(b, datagram(2, 100));
    }
    finally {
        sender.close();
        ep.close();
        await ep.closed();
    }
});
test('a batch sent with one flush reaches its destinations whole and in order, straight from the caller\'s buffer', async () => {
    const ep = new UdpEndpoint({ address: LOOPBACK, port: 0 });
    const receivers = [await boundSocket(), await boundSocket()];
    const got = [[], []];
    receivers.forEach((r, k) => r.on('message', (m, rinfo) => {
        assert.equal(rinfo.port, ep.port);
        got[k].push(m);
    }));
    try {
        // Payloads at odd offsets of one shared buffer, as packets in a pool would be.
        const area = new Uint8Array(UDP_BATCH * 1500 + 7);
        const sent = [[], []];
        for (let i = 0; i < UDP_BATCH; i++) {
            const len = 1 + ((i * 53) % 1400);
            const d = datagram(i, len);
            area.set(d, 7 + i * 1500);
            sent[i % 2].push(d);
            assert.equal(ep.queue(area, 7 + i * 1500, len, LOOPBACK, receivers[i % 2].address().port), true);
        }
        assert.equal(ep.queue(area, 0, 1, LOOPBACK, receivers[0].address().port), false, 'the batch is full');
        assert.equal(ep.flush(), UDP_BATCH);
        for (let i = 0; i < UDP_BATCH; i++)
            assert.equal(ep.outcome(i), SEND_OK);
        await until(() => got[0].length + got[1].length === UDP_BATCH);
        assert.deepEqual(got, sent);
        assert.equal(ep.stats().txDirect, UDP_BATCH);
        assert.equal(ep.flush(), 0, 'nothing left to send');
    }
    finally {
        for (const r of receivers)
            r.close();
        ep.close();
        await ep.closed();
    }
});
test('runs of same-sized datagrams to one destination go out as one segmented send and arrive as the datagrams queued', async () => {
    for (const segmentation of [true, false]) {
        const ep = new UdpEndpoint({ address: LOOPBACK, port: 0, segmentation });
        const receivers = [await boundSocket(), await boundSocket()];
        const got = [[], []];
        receivers.forEach((r, k) => r.on('message', (m) => got[k].push(m)));
        try {
            const area = new Uint8Array(UDP_BATCH * 1500);
            const sent = [[], []];
            // 40 of 1000 bytes and a last short one to receiver 0, then 5 of 1000 bytes to receiver 1, then 1 to 0 again.
            const plan = [...Array.from({ length: 40 }, () => [0, 1000]), [0, 300], ...Array.from({ length: 5 }, () => [1, 1000]), [0, 1000]];
            plan.forEach(([to, len], i) => {
                const d = datagram(i, len);
                area.set(d, i * 1500);
                sent[to].push(d);
                ep.queue(area, i * 1500, len, LOOPBACK, receivers[to].address().port);
            });
            assert.equal(ep.flush(), plan.length);
            for (let i = 0; i < plan.length; i++)
                assert.equal(ep.outcome(i), SEND_OK);
            await until(() => got[0].length + got[1].length === plan.length);
            assert.deepEqual(got, sent);
            // Runs: 41 to receiver 0 (the short one ends it), 5 to receiver 1; the last one alone.
            assert.equal(ep.stats().txSegmentedSends, segmentation ? 2 : 0);
        }
        finally {
            for (const r of receivers)
                r.close();
            ep.close();
            await ep.closed();
        }
    }
});
test('a run coalesced by the kernel (UDP GRO) is taken apart into the datagrams that were sent', async () => {
    const sender = new UdpEndpoint({ address: LOOPBACK, port: 0 });
    const receiver = new UdpEndpoint({ address: LOOPBACK, port: 0, receiveCoalescing: true, maxDatagram: 1500 });
    try {
        await receiver.ready();
        const area = new Uint8Array(UDP_BATCH * 1500);
        const sent = [];
        // One run of 40 (the last one shorter), then a lone bigger one: it cannot join the run.
        const sizes = [...Array.from({ length: 39 }, () => 1200), 700, 1500];
        sizes.forEach((len, i) => {
            const d = datagram(i, len);
            area.set(d, i * 1500);
            sent.push(d);
            sender.queue(area, i * 1500, len, LOOPBACK, receiver.port);
        });
        sender.flush();
        const got = [];
        await until(() => {
            while (receiver.readable()) {
                assert.equal(receiver.peekSourcePort(), sender.port);
                const b = Buffer.alloc(receiver.peekLength());
                receiver.copyPayload(b, 0);
                receiver.release();
                got.push(b);
            }
            return got.length >= sizes.length;
        });
        assert.deepEqual(got, sent);
        const s = receiver.stats();
        assert.equal(s.rxDatagrams, sizes.length);
        assert.ok(s.rxCoalescedRuns >= 1, JSON.stringify(s));
        assert.equal(s.rxQueued, 0);
    }
    finally {
        sender.close();
        receiver.close();
        await Promise.all([sender.closed(), receiver.closed()]);
    }
});
test('a full receive ring stops reading: the ring stays at its size, the kernel counts the overflow, and every datagram is accounted for', async () => {
    const ep = new UdpEndpoint({ address: LOOPBACK, port: 0, maxDatagram: 1000, ringSlots: 4, socketBuffer: 4096 });
    const sender = await boundSocket();
    try {
        await ep.ready();
        // Waves of datagrams until the ring has filled (the worker may drain the first waves).
        let sent = 0;
        while (ep.stats().rxRingFullStalls === 0 && sent < 2000) {
            for (let k = 0; k < 20; k++)
                sender.send(numbered(sent++), ep.port, '127.0.0.1');
            await new Promise((r) => setTimeout(r, 10));
        }
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(ep.stats().rxQueued, 4);
        // What got through is in the order sent, with gaps where the kernel dropped.
        const seen = [];
        let quiet = 0;
        while (quiet < 10) {
            if (!ep.readable()) {
                quiet++;
                await new Promise((r) => setTimeout(r, 10));
                continue;
            }
            quiet = 0;
            const b = Buffer.alloc(ep.peekLength());
            ep.copyPayload(b, 0);
            ep.release();
            assert.deepEqual(b, numbered(b.readUInt32BE(0)), 'a datagram as sent');
            seen.push(b.readUInt32BE(0));
        }
        assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
        assert.equal(seen[0], 0);
        assert.ok(ep.stats().rxRingFullStalls > 0 && ep.stats().kernelDrops > 0, JSON.stringify(ep.stats()));
        assert.equal(seen.length + ep.stats().kernelDrops, sent);
    }
    finally {
        sender.close();
        ep.close();
        await ep.closed();
    }
});
test('binding an address and port in use fails with a message naming both and the reason', async () => {
    const taken = await boundSocket();
    try {
        assert.throws(() => new UdpEndpoint({ address: LOOPBACK, port: taken.address().port }), new RegExp(`udp 127\\.0\\.0\\.1:${taken.address().port}: bind failed: errno 98 EADDRINUSE`));
    }
    finally {
        taken.close();
    }
});
//# sourceMappingURL=udp-endpoint.test.js.map