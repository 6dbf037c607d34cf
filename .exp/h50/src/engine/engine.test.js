import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph, NextBreath } from './engine.js';
import { Sink, Source, Wire } from './basic.js';
import { PacketPool } from './packet.js';
import { assertConserved } from '../testing/conservation.js';
const frame = new Array(60).fill(0xab);
test('a source feeds a sink through a wire and every packet is accounted for', () => {
    const e = new Engine();
    e.configure(new Graph().app('src', Source, { frame, batch: 10, limit: 95 }).app('w', Wire).app('snk', Sink).link('src.output -> w.input').link('w.output -> snk.input'));
    e.runBreaths(20);
    assert.equal(e.app('snk').consumed, 95);
    assert.equal(e.pool.inUse, 0);
    assertConserved(e);
});
test('a full link drops and counts instead of throwing', () => {
    const e = new Engine({ linkCapacity: 4 });
    e.configure(new Graph().app('src', Source, { frame, batch: 10, limit: 10 }).app('w', Wire).link('src.output -> w.input'));
    // The source checks writable(), so it only fills the ring; push Wire's output nowhere.
    e.runBreaths(1);
    const link = e.links.get('src.output -> w.input');
    assert.equal(link.drops, 0);
    assert.equal(e.app('w').dropCounts['no-output'], 4);
    assertConserved(e);
});
test('link transmit on a full ring frees the packet and counts a drop', () => {
    const e = new Engine({ linkCapacity: 2 });
    e.configure(new Graph().app('a', Sink).app('b', Sink).link('a.out -> b.in'));
    const l = e.links.get('a.out -> b.in');
    for (let i = 0; i < 3; i++)
        l.transmit(e.pool.alloc());
    assert.equal(l.drops, 1);
    assert.equal(l.queued, 2);
    assert.equal(e.pool.inUse, 2);
});
test('rebasing a link keeps its counters, its queue and the order of its packets', () => {
    const e = new Engine({ linkCapacity: 4 });
    e.configure(new Graph().app('a', Sink).app('b', Sink).link('a.out -> b.in'));
    const l = e.links.get('a.out -> b.in');
    const seen = [];
    let next = 0;
    // 50 rounds of three in, two out, with a rebase of 8 (two capacities) after each: the read
    // index passes 8 again and again, and two packets stay queued across each rebase.
    for (let round = 0; round < 50; round++) {
        for (let k = 0; k < 3 && l.writable() > 0; k++) {
            const p = e.pool.alloc();
            p.setData(new Uint8Array([next & 0xff, next >> 8]));
            next++;
            l.transmit(p);
        }
        for (let k = 0; k < 2 && !l.empty(); k++) {
            const p = l.receive();
            seen.push(p.buf[p.off] | (p.buf[p.off + 1] << 8));
            e.pool.free(p);
        }
        l.rebase(8);
    }
    assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i), 'packets come out in the order they went in');
    assert.equal(l.txPackets, next);
    assert.equal(l.rxPackets, seen.length);
    assert.equal(l.queued, next - seen.length);
    assert.equal(l.txBytes, 2 * next);
    assert.equal(l.rxBytes, 2 * seen.length);
    assert.throws(() => l.rebase(6), /rebase step 6 is not a multiple of the capacity 4/);
});
test('the engine rebases its links as it breathes, and their counters carry on', () => {
    const e = new Engine();
    e.configure(new Graph().app('src', Source, { frame, batch: 4 }).app('w', Wire).app('sink', Sink).link('src.output -> w.input').link('w.output -> sink.input'));
    e.runBreaths(5000);
    const l = e.links.get('src.output -> w.input');
    assert.equal(l.txPackets, 20_000);
    assert.equal(l.rxPackets, 20_000);
    assert.equal(e.app('sink').consumed, 20_000);
    assertConserved(e);
});
test('a link longer than 2^24 is refused', () => {
    assert.throws(() => new Engine({ linkCapacity: 1 << 25 }).configure(new Graph().app('a', Sink).app('b', Sink).link('a.out -> b.in')), /capacity must be a power of two from 2 to 16777216, got 33554432/);
});
test('reconfiguring keeps unchanged links and their queued packets', () => {
    const e = new Engine();
    const g = new Graph().app('src', Source, { frame, batch: 5, limit: 5 }).app('snk', Sink).link('src.output -> snk.input');
    e.configure(g);
    const before = e.links.get('src.output -> snk.input');
    e.app('src').pull();
    e.configure(new Graph().app('src', Source, { frame, batch: 5, limit: 5 }).app('snk', Sink).app('extra', Sink).link('src.output -> snk.input'));
    assert.equal(e.links.get('src.output -> snk.input'), before);
    assert.equal(before.queued, 5);
    e.runBreaths(1);
    assert.equal(e.app('snk').consumed, 5);
    assertConserved(e);
});
test('removing a link counts the packets queued on it', () => {
    const e = new Engine();
    e.configure(new Graph().app('src', Source, { frame, batch: 5, limit: 5 }).app('snk', Sink).link('src.output -> snk.input'));
    e.app('src').pull();
    e.configure(new Graph().app('src', Source, { frame, batch: 5, limit: 5 }).app('snk', Sink));
    assert.equal(e.linkRemovalDrops, 5);
    assert.equal(e.pool.inUse, 0);
});
test('the pool refuses to grow and counts the refusal', () => {
    const pool = new PacketPool({ count: 2 });
    assert.ok(pool.alloc());
    assert.ok(pool.alloc());
    assert.equal(pool.alloc(), null);
    assert.equal(pool.allocFailures, 1);
});
test('a packet freed twice is a programming error', () => {
    const pool = new PacketPool({ count: 2 });
    const p = pool.alloc();
    pool.free(p);
    assert.throws(() => pool.free(p), /freed twice/);
});
test('prepend uses headroom without copying and refuses beyond it', () => {
    const pool = new PacketPool({ count: 1, headroom: 16 });
    const p = pool.fromBytes(new Uint8Array([1, 2, 3]));
    assert.ok(p.prepend(16));
    assert.equal(p.len, 19);
    assert.equal(p.buf[p.off + 16], 1);
    assert.equal(p.prepend(1), false);
});
test('the virtual clock jumps over idle time to the next timer', () => {
    const e = new Engine();
    const fired = [];
    e.after(5_000_000_000, () => fired.push(e.now()));
    e.after(1_000, () => fired.push(e.now()));
    e.runUntil(() => fired.length === 2, 10_000_000_000);
    assert.deepEqual(fired, [1_000, 5_000_000_000]);
    assert.ok(e.breaths < 10);
});
test('a traced packet records its hops and the apps decisions', () => {
    const e = new Engine();
    e.configure(new Graph().app('src', Source, { frame, batch: 1, limit: 0 }).app('w', Wire).app('snk', Sink).link('src.output -> w.input').link('w.output -> snk.input'));
    const p = e.pool.fromBytes(new Uint8Array(frame));
    const id = e.tracer.start(p);
    e.links.get('src.output -> w.input').transmit(p);
    e.runBreaths(1);
    const hops = e.tracer.records(id).map((r) => `${r.where} ${r.text}`);
    assert.deepEqual(hops, ['src.output -> w.input', 'w.output -> snk.input']);
});
test('a source that finds the pool empty still balances: the lost frame counts as generated and dropped', () => {
    const e = new Engine({ pool: new PacketPool({ count: 4 }) });
    e.configure(new Graph().app('src', Source, { frame, batch: 10, limit: 10 }).app('w', Wire).link('src.output -> w.input'));
    e.app('src').pull();
    const src = e.app('src');
    assert.equal(src.dropCounts['pool-empty'], 1);
    assert.equal(e.pool.allocFailures, 1);
    assertConserved(e);
});
test('a NextBreath runs once however often it is asked, in order with at(now) timers, and can be asked again from inside', () => {
    const e = new Engine();
    const order = [];
    let again = true;
    const task = new NextBreath(() => {
        order.push('task');
        // Asked again while running: it has left the heap, so this is a new request, due now, and
        // it runs in the same pass over due timers, as at(now) from inside a timer would.
        if (again) {
            again = false;
            e.soon(task);
        }
    });
    e.at(e.now(), () => order.push('before'));
    e.soon(task);
    e.soon(task);
    assert.equal(task.pending, true);
    e.at(e.now(), () => order.push('after'));
    e.breathe();
    assert.deepEqual(order, ['before', 'task', 'after', 'task']);
    e.breathe();
    assert.equal(order.length, 4, 'nothing asked, nothing run');
    e.soon(task);
    e.cancelSoon(task);
    assert.equal(task.pending, false);
    e.breathe();
    assert.equal(order.length, 4, 'withdrawn before the breath');
    e.soon(task);
    e.stop();
    e.soon(task);
    assert.equal(task.pending, true, 'a stop empties the heap, and the task can be asked for again');
});
//# sourceMappingURL=engine.test.js.map