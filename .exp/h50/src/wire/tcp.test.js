import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitTcp, parseTcp, TCP_ACK, TCP_FIN, TCP_NS, TCP_OPT_MSS, TCP_OPT_SACK, TCP_OPT_WINDOW_SCALE, TCP_PSH, TCP_SYN, tcpHeaderLen, TcpView, } from './tcp.js';
import { hex, TCP_SACK_PACKET, TCP_SYN_PACKET, TCP_UNKNOWN_OPTION_PACKET } from './fixtures.js';
const A = 0x0a000001;
const B = 0x0a000002;
test('a SYN decodes with MSS, SACK-permitted, timestamps, NOP and window scale', () => {
    const pkt = hex(TCP_SYN_PACKET);
    const r = parseTcp(pkt, 20, 40);
    assert.deepEqual(r, {
        srcPort: 40000, dstPort: 443, seq: 0x01020304, ack: 0, flags: TCP_SYN, window: 64240, urgentPointer: 0,
        options: [
            { kind: 'mss', mss: 1460 },
            { kind: 'sack-permitted' },
            { kind: 'timestamps', value: 123456, echo: 0 },
            { kind: 'nop' },
            { kind: 'window-scale', shift: 7 },
        ],
        payloadLength: 0, headerLength: 40, checksum: 0xb4c9,
    });
});
test('the view reads fields, verifies the checksum and finds options without decoding them', () => {
    const pkt = hex(TCP_SYN_PACKET);
    const tcp = new TcpView();
    assert.equal(tcp.wrap(pkt, 20, 40), null);
    assert.deepEqual([tcp.srcPort, tcp.dstPort, tcp.seq, tcp.ack, tcp.dataOffset, tcp.headerLength, tcp.flags, tcp.syn, tcp.ackFlag, tcp.window], [40000, 443, 0x01020304, 0, 10, 40, TCP_SYN, true, false, 64240]);
    assert.equal(tcp.checksumOk(A, B), true);
    assert.equal(tcp.checksumOk(B, A + 2), false);
    assert.equal(tcp.findOption(TCP_OPT_MSS), 40);
    assert.equal(tcp.findOption(TCP_OPT_WINDOW_SCALE), 57);
    assert.equal(tcp.findOption(TCP_OPT_SACK), -1);
    // MSS clamping in place, then a checksum refill.
    const at = tcp.findOption(TCP_OPT_MSS);
    pkt[at + 2] = 1360 >>> 8;
    pkt[at + 3] = 1360 & 0xff;
    assert.equal(tcp.checksumOk(A, B), false);
    tcp.fillChecksum(A, B);
    assert.equal(tcp.checksumOk(A, B), true);
});
test('SACK blocks, a uint32 ack near wrap-around and the payload are read from a data segment', () => {
    const pkt = hex(TCP_SACK_PACKET);
    const r = parseTcp(pkt, 20, pkt.length - 20);
    assert.ok(!('error' in r));
    assert.equal(r.flags, TCP_PSH | TCP_ACK);
    assert.equal(r.ack, 0xfffffff0);
    assert.deepEqual(r.options, [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ left: 3000, right: 4000 }, { left: 5000, right: 6000 }] }]);
    assert.equal(r.payloadLength, 5);
    const tcp = new TcpView();
    tcp.wrap(pkt, 20, pkt.length - 20);
    assert.equal(tcp.payloadOffset, 60);
    assert.equal(tcp.checksumOk(B, A), true);
});
test('an unknown option kind is kept with its data and the list stops at End of Option List', () => {
    const pkt = hex(TCP_UNKNOWN_OPTION_PACKET);
    const r = parseTcp(pkt, 20, 28);
    assert.ok(!('error' in r));
    assert.equal(r.flags, TCP_FIN | TCP_ACK);
    assert.deepEqual(r.options, [{ kind: 'unknown', type: 253, data: hex('1234') }, { kind: 'eol' }]);
});
test('emitTcp reproduces all three fixture segments, checksum included', () => {
    for (const [fixture, src, dst] of [[TCP_SYN_PACKET, A, B], [TCP_SACK_PACKET, B, A], [TCP_UNKNOWN_OPTION_PACKET, B, A]]) {
        const want = hex(fixture);
        const r = parseTcp(want, 20, want.length - 20);
        assert.ok(!('error' in r));
        const buf = want.slice();
        buf.fill(0x77, 20, 20 + r.headerLength);
        assert.equal(emitTcp(r, buf, 20, src, dst), r.headerLength);
        assert.deepEqual(buf, want);
    }
});
test('emitTcp pads options with End of Option List and refuses oversized option lists', () => {
    const repr = {
        srcPort: 1, dstPort: 2, seq: 0xffffffff, ack: 0, flags: TCP_SYN | TCP_NS, window: 0, urgentPointer: 0,
        options: [{ kind: 'mss', mss: 536 }, { kind: 'window-scale', shift: 14 }], payloadLength: 0,
    };
    assert.equal(tcpHeaderLen(repr), 28);
    const buf = new Uint8Array(28).fill(0xee);
    emitTcp(repr, buf, 0, A, B);
    assert.equal(buf[27], 0);
    const r = parseTcp(buf, 0, 28);
    assert.ok(!('error' in r));
    assert.equal(r.flags, TCP_SYN | TCP_NS);
    assert.equal(r.seq, 0xffffffff);
    assert.deepEqual(r.options, [...repr.options, { kind: 'eol' }]);
    const tooMany = { ...repr, options: [{ kind: 'sack', blocks: [1, 2, 3, 4].map((n) => ({ left: n, right: n + 1 })) }, { kind: 'timestamps', value: 1, echo: 0 }] };
    assert.throws(() => emitTcp(tooMany, new Uint8Array(80), 0, A, B), /more than the 40-byte maximum/);
    assert.throws(() => emitTcp({ ...repr, options: [{ kind: 'sack', blocks: [] }] }, new Uint8Array(80), 0, A, B), /1 to 4 blocks/);
});
test('bad data offsets, short buffers and malformed options are named reasons', () => {
    const pkt = hex(TCP_SYN_PACKET);
    const tcp = new TcpView();
    assert.equal(tcp.wrap(pkt, 20, 19), 'truncated');
    assert.equal(tcp.wrap(pkt, 20, 39), 'truncated', 'data offset 10 needs 40 bytes');
    const low = pkt.slice();
    low[32] = 0x40;
    assert.equal(tcp.wrap(low, 20, 40), 'bad-data-offset');
    const badMss = pkt.slice();
    badMss[41] = 5;
    assert.deepEqual(parseTcp(badMss, 20, 40), { error: 'bad-option' });
    const overrun = pkt.slice();
    overrun[58] = 9; // window scale is the last three bytes: a length of 9 runs past the header
    assert.deepEqual(parseTcp(overrun, 20, 40), { error: 'bad-option' });
    assert.equal(tcp.wrap(overrun, 20, 40), null, 'the view does not walk options');
    assert.equal(tcp.findOption(TCP_OPT_WINDOW_SCALE), -1);
});
//# sourceMappingURL=tcp.test.js.map