import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, errorFor } from './decode.js';
import { encodeMessage, encodeMultipartReply } from './encode.js';
import { OVS_OFCTL_CAPTURES, fromHex, toHex } from './fixtures.js';
import { F, OFPP_CONTROLLER, OFPP_IN_PORT, OFPTT_ALL, getMatchField } from '../types.js';
import { OFPBAC, OFPBIC, OFPBMC, OFPBRC, OFPET, OFPMPF_REPLY_MORE } from './consts.js';
function decodeOk(hex) {
    const r = decodeMessage(fromHex(hex));
    if (!r.ok)
        assert.fail(`decode failed: ${JSON.stringify(r.error)}`);
    return r.msg;
}
function flowMod(hex) {
    const m = decodeOk(hex);
    assert.equal(m.type, 'flow_mod');
    return m;
}
function applied(ins) {
    const a = ins.find((i) => i.type === 'apply_actions');
    assert.ok(a && a.type === 'apply_actions');
    return a.actions;
}
test('every message ovs-ofctl sent decodes and encodes back to the same bytes', () => {
    for (const [name, hex] of Object.entries(OVS_OFCTL_CAPTURES)) {
        assert.equal(toHex(encodeMessage(decodeOk(hex))), hex, name);
    }
});
test('mod_vlan_vid on a tagged match is a set_field of vlan_vid with the present bit', () => {
    const m = flowMod(OVS_OFCTL_CAPTURES.modVlanVidTagged);
    assert.deepEqual(getMatchField(m.match, F.in_port), { value: 1n, mask: 0xffffffffn });
    assert.deepEqual(getMatchField(m.match, F.vlan_vid), { value: 0x1064n, mask: 0x1fffn });
    assert.deepEqual(applied(m.instructions), [
        { type: 'set_field', field: F.vlan_vid, value: 0x10c8n },
        { type: 'output', port: 2, maxLen: 0 },
    ]);
});
test('mod_vlan_vid without a tag is push_vlan then set_field, and strip_vlan is pop_vlan', () => {
    assert.deepEqual(applied(flowMod(OVS_OFCTL_CAPTURES.modVlanVidUntagged).instructions), [
        { type: 'push_vlan', ethertype: 0x8100 },
        { type: 'set_field', field: F.vlan_vid, value: 0x1005n },
    ]);
    assert.deepEqual(applied(flowMod(OVS_OFCTL_CAPTURES.stripVlan).instructions), [{ type: 'pop_vlan' }, { type: 'output', port: 2, maxLen: 0 }]);
});
test('every resubmit form is NXAST_RESUBMIT_TABLE with 16-bit ports mapped to 32-bit', () => {
    assert.deepEqual(applied(flowMod(OVS_OFCTL_CAPTURES.resubmitTable).instructions), [{ type: 'resubmit', port: OFPP_IN_PORT, table: 1 }]);
    assert.deepEqual(applied(flowMod(OVS_OFCTL_CAPTURES.resubmitPortTable).instructions), [{ type: 'resubmit', port: 3, table: 1 }]);
    assert.deepEqual(applied(flowMod(OVS_OFCTL_CAPTURES.resubmitPort).instructions), [{ type: 'resubmit', port: 5, table: OFPTT_ALL }]);
});
test('registers and tun_id match and load, move and set_field through NXM headers', () => {
    const m = flowMod(OVS_OFCTL_CAPTURES.registers);
    assert.equal(m.table, 1);
    assert.deepEqual(getMatchField(m.match, F.reg0), { value: 5n, mask: 0xffffffffn });
    assert.deepEqual(getMatchField(m.match, F.tun_id), { value: 0x64n, mask: 0xffffffffffffffffn });
    assert.deepEqual(applied(m.instructions), [
        { type: 'load', dst: { field: F.reg1, ofs: 0, nBits: 32 }, value: 1n },
        { type: 'move', src: { field: F.reg0, ofs: 0, nBits: 16 }, dst: { field: F.reg2, ofs: 16, nBits: 16 } },
        { type: 'set_field', field: F.reg3, value: 7n },
        { type: 'set_field', field: F.tun_id, value: 0x99n },
    ]);
    assert.deepEqual(m.instructions.at(-1), { type: 'goto_table', table: 2 });
});
test("Neutron's learn action decodes into match, load and output specs", () => {
    const m = flowMod(OVS_OFCTL_CAPTURES.learn);
    const [learn, out] = applied(m.instructions);
    assert.deepEqual(out, { type: 'output', port: 1, maxLen: 0 });
    assert.ok(learn && learn.type === 'learn');
    const s = learn.spec;
    assert.equal(s.table, 20);
    assert.equal(s.hardTimeout, 300);
    assert.equal(s.priority, 1);
    assert.equal(s.cookie, 0x1234n);
    assert.deepEqual(s.items, [
        { kind: 'match_field', src: { field: F.vlan_tci, ofs: 0, nBits: 12 }, dst: { field: F.vlan_tci, ofs: 0, nBits: 12 } },
        { kind: 'match_field', src: { field: F.eth_src, ofs: 0, nBits: 48 }, dst: { field: F.eth_dst, ofs: 0, nBits: 48 } },
        { kind: 'load_value', value: 0n, dst: { field: F.vlan_tci, ofs: 0, nBits: 16 } },
        { kind: 'load_field', src: { field: F.tun_id, ofs: 0, nBits: 64 }, dst: { field: F.tun_id, ofs: 0, nBits: 64 } },
        { kind: 'output', src: { field: F.in_port, ofs: 0, nBits: 32 } },
    ]);
});
test('a masked L2/L3/L4 match, dec_ttl, group and CONTROLLER output decode', () => {
    const m = flowMod(OVS_OFCTL_CAPTURES.tcpMasked);
    assert.equal(m.priority, 3);
    assert.deepEqual(getMatchField(m.match, F.eth_src), { value: 0x010000000000n, mask: 0x010000000000n });
    assert.deepEqual(getMatchField(m.match, F.ipv4_src), { value: 0x0a000000n, mask: 0xff000000n });
    assert.deepEqual(getMatchField(m.match, F.tcp_dst), { value: 80n, mask: 0xffffn });
    assert.deepEqual(applied(m.instructions), [{ type: 'dec_ttl' }, { type: 'group', groupId: 1 }, { type: 'output', port: OFPP_CONTROLLER, maxLen: 128 }]);
    const reg = flowMod(OVS_OFCTL_CAPTURES.outputReg);
    assert.deepEqual(getMatchField(reg.match, F.reg5), { value: 0x10n, mask: 0xf0n });
    assert.deepEqual(applied(reg.instructions), [{ type: 'output_reg', src: { field: F.reg1, ofs: 0, nBits: 32 }, maxLen: 0xffff }]);
});
test('delete, delete-strict and modify commands keep their selection fields', () => {
    const del = flowMod(OVS_OFCTL_CAPTURES.deleteFlows);
    assert.equal(del.command, 'delete');
    assert.equal(del.outPort, 0xffffffff);
    const strict = flowMod(OVS_OFCTL_CAPTURES.deleteStrict);
    assert.equal(strict.command, 'delete_strict');
    assert.equal(strict.priority, 7);
    assert.equal(flowMod(OVS_OFCTL_CAPTURES.deleteAll).table, OFPTT_ALL);
    const mod = flowMod(OVS_OFCTL_CAPTURES.modifyFlows);
    assert.equal(mod.command, 'modify');
    assert.deepEqual(mod.instructions, []);
});
test('packet-out, group-mod, hello and multipart requests decode', () => {
    const po = decodeOk(OVS_OFCTL_CAPTURES.packetOut);
    assert.ok(po.type === 'packet_out');
    assert.equal(po.inPort, 1);
    assert.deepEqual(po.actions, [{ type: 'output', port: 2, maxLen: 0 }]);
    assert.equal(toHex(po.data), 'ffffffffffff0200000000010806');
    const g = decodeOk(OVS_OFCTL_CAPTURES.addGroup);
    assert.ok(g.type === 'group_mod');
    assert.deepEqual(g.mod, { command: 'add', groupId: 1, type: 0, buckets: [{ weight: 0, actions: [{ type: 'output', port: 1, maxLen: 0 }] }, { weight: 0, actions: [{ type: 'output', port: 2, maxLen: 0 }] }] });
    assert.deepEqual(decodeOk(OVS_OFCTL_CAPTURES.hello), { type: 'hello', xid: 1, versions: [4] });
    const df = decodeOk(OVS_OFCTL_CAPTURES.dumpFlowsFiltered);
    assert.ok(df.type === 'multipart_request' && df.body.kind === 'flow');
    assert.equal(df.body.table, 1);
    assert.deepEqual(getMatchField(df.body.match, F.reg0), { value: 5n, mask: 0xffffffffn });
    const dp = decodeOk(OVS_OFCTL_CAPTURES.dumpPorts);
    assert.deepEqual(dp.type === 'multipart_request' && dp.body, { kind: 'port_stats', port: 0xffffffff });
});
/** Replaces bytes of a captured message at `at` (byte offset) with `hex`. */
function patch(hex, at, with_) {
    const b = fromHex(hex);
    b.set(fromHex(with_), at);
    return b;
}
function expectError(bytes, type, code) {
    const r = decodeMessage(bytes);
    assert.equal(r.ok, false, 'decode should refuse');
    if (r.ok)
        return;
    assert.deepEqual([r.error.type, r.error.code], [type, code], r.error.message);
    const err = encodeMessage(errorFor(bytes, r.xid, r.error));
    assert.equal(toHex(err.subarray(0, 12)), toHex(fromHex(`0401${(12 + Math.min(64, bytes.length)).toString(16).padStart(4, '0')}`)) + toHex(bytes.subarray(4, 8)) + type.toString(16).padStart(4, '0') + code.toString(16).padStart(4, '0'));
    assert.deepEqual(err.subarray(12), bytes.subarray(0, 64), 'echoes at most 64 bytes of the offending message');
}
test('malformed messages map to the OpenFlow error type and code, never a throw', () => {
    const base = OVS_OFCTL_CAPTURES.resubmitTable;
    expectError(fromHex('04630008000000aa'), OFPET.BAD_REQUEST, OFPBRC.BAD_TYPE);
    expectError(fromHex('0105000800000001'), OFPET.BAD_REQUEST, OFPBRC.BAD_VERSION);
    expectError(fromHex(base).subarray(0, 40), OFPET.BAD_REQUEST, OFPBRC.BAD_LEN);
    expectError(patch(base, 25, '09'), OFPET.FLOW_MOD_FAILED, 6);
    expectError(patch(base, 48, '0000'), OFPET.BAD_MATCH, OFPBMC.BAD_TYPE);
    // An OXM for an unknown basic field (eth_type's slot replaced by field 60).
    expectError(patch(OVS_OFCTL_CAPTURES.modVlanVidTagged, 52, '80007804'), OFPET.BAD_MATCH, OFPBMC.BAD_FIELD);
    // in_port with a mask bit set.
    expectError(patch(OVS_OFCTL_CAPTURES.modVlanVidTagged, 52, '80000104'), OFPET.BAD_MATCH, OFPBMC.BAD_LEN);
    expectError(patch(OVS_OFCTL_CAPTURES.registers, 52, '00010004000000050001010800000005ffffffff'), OFPET.BAD_MATCH, OFPBMC.DUP_FIELD);
    // Instruction type 9 does not exist; meter is not supported.
    expectError(patch(base, 56, '0009'), OFPET.BAD_INSTRUCTION, OFPBIC.UNKNOWN_INST);
    expectError(patch(base, 56, '0006'), OFPET.BAD_INSTRUCTION, OFPBIC.UNSUP_INST);
    // Action type 5 is not an OpenFlow 1.3 action; a vendor that is not Nicira; an unknown NX subtype.
    expectError(patch(base, 64, '0005'), OFPET.BAD_ACTION, OFPBAC.BAD_TYPE);
    expectError(patch(base, 68, '00002321'), OFPET.BAD_ACTION, OFPBAC.BAD_EXPERIMENTER);
    expectError(patch(base, 72, '00ff'), OFPET.BAD_ACTION, OFPBAC.BAD_EXP_TYPE);
    expectError(patch(base, 66, '0012'), OFPET.BAD_ACTION, OFPBAC.BAD_LEN);
    expectError(patch(OVS_OFCTL_CAPTURES.packetOut, 28, '00000000'), OFPET.BAD_ACTION, OFPBAC.BAD_OUT_PORT);
    expectError(patch(OVS_OFCTL_CAPTURES.dumpPorts, 8, '0063'), OFPET.BAD_REQUEST, OFPBRC.BAD_MULTIPART);
});
test('random corruption of every fixture never throws', () => {
    let seed = 12345;
    const rand = (n) => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed % n;
    };
    for (const hex of Object.values(OVS_OFCTL_CAPTURES)) {
        for (let i = 0; i < 300; i++) {
            const b = fromHex(hex);
            for (let k = 0; k < 1 + rand(4); k++)
                b[8 + rand(b.length - 8)] = rand(256);
            const r = decodeMessage(b);
            if (!r.ok)
                assert.ok(r.error.type >= 0 && r.error.message.length > 0);
        }
    }
});
test('multipart replies larger than a message are split on entries with REPLY_MORE', () => {
    const flows = Array.from({ length: 2000 }, () => {
        const m = flowMod(OVS_OFCTL_CAPTURES.registers);
        return { table: 1, priority: 1, cookie: 0n, idleTimeout: 0, hardTimeout: 0, flags: 0, match: m.match, instructions: m.instructions, packetCount: 1, byteCount: 60, durationNs: 1.5e9, idleNs: 0 };
    });
    const parts = encodeMultipartReply(9, { kind: 'flow', flows });
    assert.ok(parts.length > 1);
    let total = 0;
    parts.forEach((p, i) => {
        const v = new DataView(p.buffer, p.byteOffset);
        assert.equal(v.getUint16(2), p.length);
        assert.ok(p.length <= 0xffff);
        assert.equal(v.getUint32(4), 9);
        assert.equal(v.getUint16(10), i < parts.length - 1 ? OFPMPF_REPLY_MORE : 0);
        total += p.length - 16;
    });
    const entry = encodeMultipartReply(9, { kind: 'flow', flows: flows.slice(0, 1) })[0].length - 16;
    assert.equal(total, entry * 2000, 'whole entries only, none lost');
});
//# sourceMappingURL=decode.test.js.map