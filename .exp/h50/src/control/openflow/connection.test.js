import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenFlowSession, RoleArbiter } from './connection.js';
import { switchRig } from '../../netfns/openflow/testkit.js';
import { OVS_OFCTL_CAPTURES, fromHex, toHex } from '../../netfns/openflow/wire/fixtures.js';
function session(opts = {}) {
    const sent = [];
    const closed = [];
    const clock = { t: 0 };
    const sw = switchRig(1).sw;
    const s = new OpenFlowSession({ switch: sw, send: (b) => sent.push(toHex(b)), close: (r) => closed.push(r), now: () => clock.t, echoIntervalMs: 5000, echoTimeoutMs: 15000, ...(opts.roles ? { roles: opts.roles } : {}) });
    s.start();
    return { s, sent, closed, clock, sw };
}
const HELLO13 = OVS_OFCTL_CAPTURES.hello;
test('a peer without OpenFlow 1.3 gets HELLO_FAILED/INCOMPATIBLE and the session closes', () => {
    const { s, sent, closed } = session();
    assert.equal(sent[0], '04000010100000010001000800000010');
    s.receive(fromHex('0100000800000005'));
    assert.equal(sent[1].slice(0, 24), `0401${sent[1].slice(4, 8)}0000000500000000`);
    assert.deepEqual(closed, ['version negotiation failed']);
    assert.equal(s.state, 'closed');
});
test('messages split across reads and several in one read are handled in order', () => {
    const { s, sent } = session();
    const bytes = fromHex(HELLO13 + '0414000800000009' + '0405000800000010');
    s.receive(bytes.subarray(0, 5));
    s.receive(bytes.subarray(5, 19));
    assert.equal(s.state, 'connected');
    s.receive(bytes.subarray(19));
    assert.equal(sent[1], '0415000800000009');
    assert.equal(sent[2].slice(0, 16), '0406002000000010');
    assert.equal(s.buffered, 0);
});
test('echo requests go out after silence and a silent peer is dropped', () => {
    const { s, sent, closed, clock } = session();
    s.receive(fromHex(HELLO13));
    clock.t = 5000;
    s.tick(clock.t);
    assert.equal(sent.at(-1).slice(0, 8), '04020008');
    s.tick(6000);
    assert.equal(s.echoRequestsSent, 1, 'one echo outstanding at a time');
    clock.t = 15000;
    s.tick(clock.t);
    assert.equal(closed.length, 1);
});
test('a flow mod the pipeline refuses is answered with its error and the session stays up', () => {
    const { s, sent, sw } = session();
    s.receive(fromHex(HELLO13));
    // goto_table 2 from table 5: OFPBIC_BAD_TABLE_ID.
    const bad = fromHex('040e004000000042000000000000000000000000000000000500000000008000ffffffffffffffffffffffff000000000001000400000000000100080200000000');
    s.receive(bad.subarray(0, 0x40));
    assert.equal(sent.at(-1).slice(0, 24), '0401004c0000004200030002');
    s.receive(fromHex(OVS_OFCTL_CAPTURES.registers));
    assert.equal(sw.pipeline.flowCount, 1);
    assert.equal(s.state, 'connected');
});
test('a header length below 8 cannot be resynchronised: error, then close', () => {
    const { s, sent, closed } = session();
    s.receive(fromHex(HELLO13));
    s.receive(fromHex('0402000400000007'));
    assert.equal(sent.at(-1).slice(0, 24), '040100140000000700010006');
    assert.equal(closed.length, 1);
});
test('role requests elect one master, demote the old one and refuse stale generations', () => {
    const roles = new RoleArbiter();
    const a = session({ roles });
    const b = session({ roles });
    a.s.receive(fromHex(HELLO13));
    b.s.receive(fromHex(HELLO13));
    a.s.receive(fromHex('041800180000000100000002000000000000000000000005'));
    assert.equal(a.sent.at(-1), '041900180000000100000002000000000000000000000005');
    b.s.receive(fromHex('041800180000000200000002000000000000000000000006'));
    assert.equal(a.s.role, 3, 'the old master is now a slave');
    a.s.receive(fromHex('041800180000000300000002000000000000000000000004'));
    assert.equal(a.sent.at(-1).slice(16, 24), '000b0000', 'OFPRRFC_STALE');
    a.s.receive(fromHex(OVS_OFCTL_CAPTURES.registers));
    assert.equal(a.sent.at(-1).slice(16, 24), '0001000a', 'a slave may not change flows (OFPBRC_IS_SLAVE)');
});
//# sourceMappingURL=connection.test.js.map