import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitVxlan, parseVxlan, VXLAN_FLAG_I, VXLAN_HEADER_LEN, VxlanView } from './vxlan.js';
import { hex, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the VXLAN header of the real frame carries VNI 42 and the I flag', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const vx = new VxlanView();
    assert.equal(vx.wrap(frame, 42, 61), null);
    assert.deepEqual([vx.flags, vx.vni, vx.reserved1, vx.reserved2, vx.payloadOffset, vx.payloadLength], [VXLAN_FLAG_I, 42, 0, 0, 50, 53]);
    assert.deepEqual(parseVxlan(frame, 42, 61), { flags: 0x08, vni: 42, reserved1: 0, reserved2: 0 });
});
test('emitVxlan writes the same 8 bytes, and the VNI setter spans all 24 bits', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const out = new Uint8Array(8);
    assert.equal(emitVxlan({ flags: VXLAN_FLAG_I, vni: 42, reserved1: 0, reserved2: 0 }, out, 0), VXLAN_HEADER_LEN);
    assert.deepEqual(out, frame.subarray(42, 50));
    const vx = new VxlanView();
    vx.wrap(out, 0, 8);
    vx.vni = 0xabcdef;
    assert.deepEqual([...out], [0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0]);
    assert.equal(vx.vni, 0xabcdef);
});
test('reserved fields are kept, a clear I flag and short buffers are named reasons', () => {
    // The header scapy writes by default for VXLAN followed by Ethernet: GPE P bit set, next protocol 3.
    const gpe = hex('0c000003 00002a00');
    assert.deepEqual(parseVxlan(gpe, 0, 8), { flags: 0x0c, vni: 42, reserved1: 3, reserved2: 0 });
    assert.deepEqual(parseVxlan(hex('00000000 00002a00'), 0, 8), { error: 'vni-flag-not-set' });
    assert.deepEqual(parseVxlan(gpe, 0, 7), { error: 'truncated' });
    const out = new Uint8Array(8);
    emitVxlan({ flags: 0x0c, vni: 42, reserved1: 3, reserved2: 0x99 }, out, 0);
    assert.deepEqual([...out], [0x0c, 0, 0, 3, 0, 0, 0x2a, 0x99]);
});
//# sourceMappingURL=vxlan.test.js.map