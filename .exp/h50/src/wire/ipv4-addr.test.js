import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastOf, formatCidr, formatIpv4Addr, inPrefix, isIpv4Multicast, maskToPrefixLen, networkOf, parseCidr, parseIpv4Addr, prefixMask, readIpv4Addr, writeIpv4Addr, } from './ipv4-addr.js';
test('parseIpv4Addr reads dotted quads into unsigned 32-bit numbers', () => {
    assert.equal(parseIpv4Addr('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4Addr('255.255.255.255'), 0xffffffff);
    assert.equal(parseIpv4Addr('192.168.42.2'), 0xc0a82a02);
    assert.equal(formatIpv4Addr(0xc0a82a02), '192.168.42.2');
    assert.equal(formatIpv4Addr(0xffffffff), '255.255.255.255');
});
test('parseIpv4Addr rejects out-of-range octets, leading zeros and short forms', () => {
    for (const bad of ['256.0.0.1', '10.0.0', '010.0.0.1', '1.2.3.4.5', '', 'a.b.c.d']) {
        assert.throws(() => parseIpv4Addr(bad), /invalid IPv4 address/, bad);
    }
});
test('parseCidr keeps host bits and defaults to /32', () => {
    assert.deepEqual(parseCidr('10.1.2.3/24'), { addr: 0x0a010203, prefixLen: 24 });
    assert.deepEqual(parseCidr('10.1.2.3'), { addr: 0x0a010203, prefixLen: 32 });
    assert.deepEqual(parseCidr('0.0.0.0/0'), { addr: 0, prefixLen: 0 });
    assert.throws(() => parseCidr('10.0.0.0/33'), /prefix length must be 0-32/);
    assert.throws(() => parseCidr('10.0.0.0/'), /prefix length/);
    assert.equal(formatCidr(0x0a010200, 24), '10.1.2.0/24');
});
test('prefix helpers compute masks, networks and membership', () => {
    assert.equal(prefixMask(0), 0);
    assert.equal(prefixMask(8), 0xff000000);
    assert.equal(prefixMask(24), 0xffffff00);
    assert.equal(prefixMask(32), 0xffffffff);
    assert.equal(networkOf(0xc0a82a02, 24), 0xc0a82a00);
    assert.equal(broadcastOf(0xc0a82a02, 24), 0xc0a82aff);
    assert.equal(inPrefix(0xc0a82a02, 0xc0a82a00, 24), true);
    assert.equal(inPrefix(0xc0a82b02, 0xc0a82a00, 24), false);
    assert.equal(inPrefix(0x80000000, 0, 0), true);
    assert.equal(inPrefix(0x80000001, 0x80000001, 32), true);
    assert.equal(maskToPrefixLen(0xffffff00), 24);
    assert.equal(maskToPrefixLen(0), 0);
    assert.equal(maskToPrefixLen(0xffffffff), 32);
    assert.equal(maskToPrefixLen(0xff00ff00), -1);
    assert.equal(isIpv4Multicast(parseIpv4Addr('224.0.0.5')), true);
    assert.equal(isIpv4Multicast(parseIpv4Addr('10.0.0.5')), false);
});
test('readIpv4Addr and writeIpv4Addr use network byte order', () => {
    const buf = new Uint8Array(6);
    writeIpv4Addr(buf, 1, 0xc0000201);
    assert.deepEqual([...buf], [0, 192, 0, 2, 1, 0]);
    assert.equal(readIpv4Addr(buf, 1), 0xc0000201);
});
//# sourceMappingURL=ipv4-addr.test.js.map