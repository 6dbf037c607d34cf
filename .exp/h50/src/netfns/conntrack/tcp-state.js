/**
 * The TCP connection-tracking state machine, as Linux's nf_conntrack_proto_tcp.c runs it
 * (window checks left out): states, the transition table indexed by direction, packet class
 * and current state, and the flag combinations that are never valid on the wire.
 *
 * A transition yields a new state, IGNORE (the packet passes and changes nothing: a late
 * SYN/ACK, a SYN into an established connection that the receiver will answer with RST) or
 * INVALID (the packet does not fit the connection and is dropped by whoever asked).
 */
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../../wire/tcp.js';
export const TCP_NONE = 0;
export const TCP_SYN_SENT = 1;
export const TCP_SYN_RECV = 2;
export const TCP_ESTABLISHED = 3;
export const TCP_FIN_WAIT = 4;
export const TCP_CLOSE_WAIT = 5;
export const TCP_LAST_ACK = 6;
export const TCP_TIME_WAIT = 7;
export const TCP_CLOSE = 8;
/** Simultaneous open: a SYN answered by a SYN. */
export const TCP_SYN_SENT2 = 9;
export const TCP_STATE_COUNT = 10;
/** Transition results that are not states. */
export const TCP_INVALID = 10;
export const TCP_IGNORE = 11;
export const TCP_STATE_NAMES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];
/** Packet classes: the row of the transition table. */
export const TCP_CLASS_SYN = 0;
export const TCP_CLASS_SYNACK = 1;
export const TCP_CLASS_FIN = 2;
export const TCP_CLASS_ACK = 3;
export const TCP_CLASS_RST = 4;
export const TCP_CLASS_NONE = 5;
/** RST wins, then SYN (with or without ACK), FIN, ACK; nothing else is NONE. */
export function tcpPacketClass(flags) {
    if ((flags & TCP_RST) !== 0)
        return TCP_CLASS_RST;
    if ((flags & TCP_SYN) !== 0)
        return (flags & TCP_ACK) !== 0 ? TCP_CLASS_SYNACK : TCP_CLASS_SYN;
    if ((flags & TCP_FIN) !== 0)
        return TCP_CLASS_FIN;
    if ((flags & TCP_ACK) !== 0)
        return TCP_CLASS_ACK;
    return TCP_CLASS_NONE;
}
const VALID_FLAGS = (() => {
    // The combinations Linux accepts once ECE, CWR and PSH are masked out (tcp_valid_flags).
    const t = new Uint8Array(64);
    for (const f of [TCP_SYN, TCP_SYN | TCP_URG, TCP_SYN | TCP_ACK, TCP_RST, TCP_RST | TCP_ACK, TCP_FIN | TCP_ACK, TCP_FIN | TCP_ACK | TCP_URG, TCP_ACK, TCP_ACK | TCP_URG])
        t[f] = 1;
    return t;
})();
/** False for combinations no TCP sends: SYN+FIN, SYN+RST, FIN without ACK, no flags at all... */
export function tcpFlagsValid(flags) {
    return VALID_FLAGS[flags & 0x3f & ~TCP_PSH] === 1;
}
const sNO = TCP_NONE, sSS = TCP_SYN_SENT, sSR = TCP_SYN_RECV, sES = TCP_ESTABLISHED, sFW = TCP_FIN_WAIT;
const sCW = TCP_CLOSE_WAIT, sLA = TCP_LAST_ACK, sTW = TCP_TIME_WAIT, sCL = TCP_CLOSE, sS2 = TCP_SYN_SENT2;
const sIV = TCP_INVALID, sIG = TCP_IGNORE;
// [direction][class][state]; columns: sNO sSS sSR sES sFW sCW sLA sTW sCL sS2.
const TABLE = [
    [
        /* syn    */ [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
        /* synack */ [sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR],
        /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
        /* ack    */ [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
        /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
        /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
    ],
    [
        /* syn    */ [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2],
        /* synack */ [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
        /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
        /* ack    */ [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
        /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
        /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
    ],
];
/** Flattened for the datapath: index (dir * 6 + class) * 10 + state. */
const FLAT = Uint8Array.from(TABLE.flatMap((d) => d.flatMap((row) => row)));
/** The next state (or TCP_INVALID / TCP_IGNORE) for a packet of `cls` in direction `dir` (0 original, 1 reply). */
export function tcpTransition(dir, cls, state) {
    return FLAT[(dir * 6 + cls) * TCP_STATE_COUNT + state];
}
//# sourceMappingURL=tcp-state.js.map