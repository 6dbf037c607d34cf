import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTable } from './routes.js';
import { parseCidr, prefixMask } from '../wire/ipv4-addr.js';
function route(cidr, ifIndex) {
    const c = parseCidr(cidr);
    return { dst: c.addr, prefixLen: c.prefixLen, mask: prefixMask(c.prefixLen), via: 0, ifIndex, proto: 'static', src: 0 };
}
test('lookup picks the longest matching prefix whatever the insertion order', () => {
    const t = new RouteTable(8);
    t.add(route('0.0.0.0/0', 0));
    t.add(route('10.1.2.0/24', 2));
    t.add(route('10.0.0.0/8', 1));
    t.add(route('10.1.2.128/25', 3));
    const at = (a) => t.lookup(parseCidr(a).addr)?.ifIndex;
    assert.equal(at('10.1.2.200'), 3);
    assert.equal(at('10.1.2.5'), 2);
    assert.equal(at('10.9.9.9'), 1);
    assert.equal(at('8.8.8.8'), 0);
    assert.deepEqual(t.list().map((r) => r.prefixLen), [25, 24, 8, 0]);
});
test('the table agrees with a brute-force longest-prefix scan on random addresses', () => {
    const t = new RouteTable(64);
    const routes = [];
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 40; i++) {
        const len = rnd() % 33;
        const r = { ...route('0.0.0.0/0', i), dst: (rnd() & prefixMask(len)) >>> 0, prefixLen: len, mask: prefixMask(len) };
        if (t.add(r) === 'ok')
            routes.push(r);
    }
    for (let i = 0; i < 2000; i++) {
        const a = i % 2 === 0 ? rnd() : (routes[i % routes.length].dst | (rnd() & ~routes[i % routes.length].mask)) >>> 0;
        let best = null;
        for (const r of routes)
            if (((a & r.mask) >>> 0) === r.dst && (best === null || r.prefixLen > best.prefixLen))
                best = r;
        assert.equal(t.lookup(a)?.ifIndex, best?.ifIndex);
    }
});
test('the table refuses duplicates and counts overflow past its bound', () => {
    const t = new RouteTable(2);
    assert.equal(t.add(route('10.0.0.0/8', 0)), 'ok');
    assert.equal(t.add(route('10.0.0.0/8', 1)), 'exists');
    assert.equal(t.add(route('0.0.0.0/0', 1)), 'ok');
    assert.equal(t.add(route('192.168.0.0/16', 1)), 'table-full');
    assert.equal(t.overflow, 1);
    assert.equal(t.size, 2);
    assert.ok(t.delete(parseCidr('10.0.0.0').addr, 8));
    assert.equal(t.lookup(parseCidr('10.0.0.1').addr)?.prefixLen, 0);
});
//# sourceMappingURL=routes.test.js.map