import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NeighbourCache } from './neighbours.js';
import { PacketPool } from '../engine/packet.js';
const opts = { capacity: 2, queueLength: 2, reachableTime: 30, staleTime: 60 };
test('an entry is incomplete until confirmed, reachable for the reachable time, then stale, then gone', () => {
    const c = new NeighbourCache(opts);
    const n = c.create(0, 7, 0);
    assert.equal(c.state(n, 0), 'incomplete');
    c.confirm(n, 0x020000000001, 10);
    assert.equal(c.state(n, 39), 'reachable');
    assert.equal(c.state(n, 40), 'stale');
    assert.equal(c.get(0, 7, 99), n);
    assert.equal(c.get(0, 7, 100), undefined);
    assert.equal(c.size, 0);
});
test('entries are keyed by interface and address', () => {
    const c = new NeighbourCache(opts);
    const a = c.create(0, 7, 0);
    const b = c.create(1, 7, 0);
    assert.notEqual(a, b);
    assert.equal(c.get(1, 7, 0), b);
    assert.equal(c.get(0, 8, 0), undefined);
});
test('a full queue pushes its oldest packet out, and the held gauge follows', () => {
    const pool = new PacketPool({ count: 4 });
    const c = new NeighbourCache(opts);
    const n = c.create(0, 7, 0);
    const [p1, p2, p3] = [pool.alloc(), pool.alloc(), pool.alloc()];
    assert.equal(c.enqueue(n, p1), null);
    assert.equal(c.enqueue(n, p2), null);
    assert.equal(c.enqueue(n, p3), p1);
    assert.equal(c.held, 2);
    assert.equal(c.dequeue(n), p2);
    assert.equal(c.dequeue(n), p3);
    assert.equal(c.dequeue(n), null);
    assert.equal(c.held, 0);
});
test('a full cache evicts the least recently confirmed resolved entry, never an incomplete one', () => {
    const c = new NeighbourCache(opts);
    const old = c.create(0, 1, 0);
    c.confirm(old, 1, 0);
    const fresh = c.create(0, 2, 5);
    c.confirm(fresh, 2, 5);
    assert.ok(c.create(0, 3, 6));
    assert.equal(c.evictions, 1);
    assert.equal(c.get(0, 1, 6), undefined);
    assert.ok(c.create(0, 4, 7));
    assert.equal(c.get(0, 2, 7), undefined);
    // Now both entries are incomplete: nothing to evict.
    assert.equal(c.create(0, 5, 8), null);
    assert.equal(c.overflow, 1);
});
//# sourceMappingURL=neighbours.test.js.map