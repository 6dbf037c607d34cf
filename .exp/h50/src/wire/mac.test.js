import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMac, isBroadcast, isLocallyAdministered, isMulticast, isUnicast, MAC_BROADCAST, parseMac, readMac, writeMac } from './mac.js';
import { hex, VXLAN_ICMP_FRAME } from './fixtures.js';
test('parseMac turns text into a 48-bit number and formatMac turns it back', () => {
    assert.equal(parseMac('02:1a:b0:00:2a:01'), 0x021ab0002a01);
    assert.equal(parseMac('FF-FF-FF-FF-FF-FF'), MAC_BROADCAST);
    assert.equal(parseMac('0:1:2:3:4:5'), 0x000102030405);
    assert.equal(formatMac(0x021ab0002a01), '02:1a:b0:00:2a:01');
    assert.equal(formatMac(0), '00:00:00:00:00:00');
    assert.equal(formatMac(MAC_BROADCAST), 'ff:ff:ff:ff:ff:ff');
});
test('parseMac and formatMac reject bad input with a message naming it', () => {
    assert.throws(() => parseMac('02:00:00:00:00'), /invalid MAC address "02:00:00:00:00"/);
    assert.throws(() => parseMac('02:00:00:00:00:0g'), /invalid MAC address/);
    assert.throws(() => formatMac(2 ** 48), /invalid MAC address value/);
    assert.throws(() => formatMac(1.5), /invalid MAC address value/);
});
test('readMac and writeMac use network byte order at any offset', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    assert.equal(readMac(frame, 0), 0x020000000002);
    assert.equal(readMac(frame, 56), 0x021ab0002a01);
    const buf = new Uint8Array(9);
    writeMac(buf, 3, 0xfedcba987654);
    assert.deepEqual([...buf], [0, 0, 0, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54]);
    assert.equal(readMac(buf, 3), 0xfedcba987654);
});
test('multicast, broadcast and locally administered bits are read from the first octet', () => {
    assert.equal(isMulticast(parseMac('01:00:5e:00:00:01')), true);
    assert.equal(isMulticast(MAC_BROADCAST), true);
    assert.equal(isBroadcast(MAC_BROADCAST), true);
    assert.equal(isMulticast(parseMac('02:00:00:00:00:01')), false);
    assert.equal(isUnicast(parseMac('02:00:00:00:00:01')), true);
    assert.equal(isBroadcast(parseMac('01:00:5e:00:00:01')), false);
    assert.equal(isLocallyAdministered(parseMac('02:00:00:00:00:01')), true);
    assert.equal(isLocallyAdministered(parseMac('00:1b:21:00:00:01')), false);
});
//# sourceMappingURL=mac.test.js.map