import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashMacTable, LinearMacTable } from './mac-table.js';
import { macTableConformance } from '../testing/mac-table-suite.js';
macTableConformance('HashMacTable', (capacity) => new HashMacTable(capacity));
macTableConformance('LinearMacTable', (capacity) => new LinearMacTable(capacity));
/** A small seeded generator (mulberry32) so failures replay. */
function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
function sorted(entries) {
    return entries.sort((x, y) => x.mac - y.mac || x.vlan - y.vlan);
}
function differential(seed, capacity, keys, steps) {
    const rand = rng(seed);
    const hashed = new HashMacTable(capacity);
    const linear = new LinearMacTable(capacity);
    // Keys share their low bits in groups so probe clusters form and deletions must shift.
    const macs = Array.from({ length: keys }, (_, i) => (i % 3) * 2 ** 40 + 0x020000000000 + Math.floor(i / 3) * 65536);
    let now = 0;
    for (let step = 0; step < steps; step++) {
        const mac = macs[Math.floor(rand() * keys)];
        const vlan = Math.floor(rand() * 3);
        const port = Math.floor(rand() * 4);
        const op = rand();
        const where = `seed ${seed} step ${step}`;
        now += Math.floor(rand() * 10);
        if (op < 0.45) {
            assert.equal(hashed.learn(mac, vlan, port, now), linear.learn(mac, vlan, port, now), where);
        }
        else if (op < 0.7) {
            assert.equal(hashed.lookup(mac, vlan), linear.lookup(mac, vlan), where);
        }
        else if (op < 0.8) {
            assert.equal(hashed.remove(mac, vlan), linear.remove(mac, vlan), where);
        }
        else if (op < 0.85) {
            if (hashed.size < capacity || hashed.lookup(mac, vlan) >= 0) {
                hashed.addStatic(mac, vlan, port, now);
                linear.addStatic(mac, vlan, port, now);
            }
        }
        else if (op < 0.93) {
            assert.equal(hashed.age(now, 40), linear.age(now, 40), where);
        }
        else if (op < 0.96) {
            const flushVlan = rand() < 0.5 ? -1 : vlan;
            assert.equal(hashed.flush(port, flushVlan), linear.flush(port, flushVlan), where);
        }
        else {
            assert.equal(hashed.flush(-1, vlan, true), linear.flush(-1, vlan, true), where);
        }
        assert.equal(hashed.size, linear.size, where);
        assert.equal(hashed.overflows, linear.overflows, where);
        if (step % 97 === 0)
            assert.deepEqual(sorted(hashed.entries()), sorted(linear.entries()), where);
    }
    assert.deepEqual(sorted(hashed.entries()), sorted(linear.entries()));
    for (const mac of macs)
        for (let vlan = 0; vlan < 3; vlan++)
            assert.equal(hashed.lookup(mac, vlan), linear.lookup(mac, vlan));
}
test('the hashed table agrees with the linear reference over random operation sequences', () => {
    for (let seed = 1; seed <= 20; seed++)
        differential(seed, 48, 60, 2000);
});
test('the hashed table agrees with the linear reference when it is mostly full', () => {
    for (let seed = 100; seed <= 110; seed++)
        differential(seed, 16, 30, 2000);
});
test('the bucket count is a power of two at least twice the capacity', () => {
    assert.equal(new HashMacTable(1).buckets, 2);
    assert.equal(new HashMacTable(1000).buckets, 2048);
    assert.equal(new HashMacTable(1024).buckets, 2048);
    assert.throws(() => new HashMacTable(0), /capacity/);
});
//# sourceMappingURL=mac-table.test.js.map