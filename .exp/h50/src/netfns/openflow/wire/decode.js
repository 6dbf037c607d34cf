/**
 * Message decoding: bytes to `OfMessage`, never throwing. Whatever is wrong with a message
 * becomes the OpenFlow error the switch must answer with (type and code per OpenFlow 1.3
 * section 7.4.4), and the caller echoes the first 64 bytes back in an OFPT_ERROR.
 *
 * Lengths: the header's length must equal the bytes given (framing is the caller's job) and
 * each message's fixed part must fit; variable parts (matches, actions, instructions, buckets)
 * are walked with their own length fields, each bounded by its parent.
 */
import { OFPTT_ALL, ofError } from '../types.js';
import { Reader } from './bytes.js';
import { OFPBRC, OFPET, OFPGC, OFPGMFC_BAD_COMMAND, OFPGMFC_BAD_TYPE, OFPFMFC_BAD_COMMAND, OFPHET_VERSIONBITMAP, OFPMP, OFPT, OFP_HEADER_LEN, OFP_VERSION, OFPBAC } from './consts.js';
import { decodeMatch } from './oxm.js';
import { decodeActions } from './actions.js';
import { decodeInstructions } from './instructions.js';
const badRequest = (code, message) => ofError(OFPET.BAD_REQUEST, code, message);
const badLen = (what, len, need) => badRequest(OFPBRC.BAD_LEN, `${what}: length ${len}, need ${need}`);
const FLOW_MOD_COMMANDS = ['add', 'modify', 'modify_strict', 'delete', 'delete_strict'];
/**
 * Decodes one whole message (`bytes.length` must be the header's length). Messages a switch
 * never receives (replies to its own requests, async events) still decode where we model them.
 */
export function decodeMessage(bytes) {
    const xid = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4) : 0;
    try {
        const r = decodeChecked(new Reader(bytes));
        return typeof r.type === 'number' ? { ok: false, xid, error: r } : { ok: true, msg: r };
    }
    catch (e) {
        // Every read is bounds-checked above; this is the last line against a decoder bug.
        return { ok: false, xid, error: badRequest(OFPBRC.BAD_LEN, `undecodable message: ${e.message}`) };
    }
}
function decodeChecked(r) {
    if (!r.has(0, OFP_HEADER_LEN))
        return badRequest(OFPBRC.BAD_LEN, `message of ${r.end} bytes is shorter than the header`);
    const version = r.u8(0);
    const type = r.u8(1);
    const length = r.u16(2);
    const xid = r.u32(4);
    if (length !== r.end)
        return badRequest(OFPBRC.BAD_LEN, `header length ${length} but ${r.end} bytes`);
    if (type === OFPT.HELLO)
        return decodeHello(r, xid);
    if (version !== OFP_VERSION)
        return badRequest(OFPBRC.BAD_VERSION, `version 0x${version.toString(16)}, only 0x04 (OpenFlow 1.3) is spoken`);
    const need = (n, what) => (length < n ? badLen(what, length, n) : null);
    const exact = (n, what) => (length !== n ? badLen(what, length, n) : null);
    switch (type) {
        case OFPT.ERROR:
            return need(12, 'error') ?? { type: 'error', xid, errType: r.u16(8), code: r.u16(10), data: r.buf.slice(12, length) };
        case OFPT.ECHO_REQUEST:
        case OFPT.ECHO_REPLY:
            return { type: type === OFPT.ECHO_REQUEST ? 'echo_request' : 'echo_reply', xid, data: r.buf.slice(8, length) };
        case OFPT.EXPERIMENTER:
            return need(16, 'experimenter') ?? { type: 'experimenter', xid, experimenter: r.u32(8), expType: r.u32(12), data: r.buf.slice(16, length) };
        case OFPT.FEATURES_REQUEST:
            return exact(8, 'features_request') ?? { type: 'features_request', xid };
        case OFPT.FEATURES_REPLY:
            return exact(32, 'features_reply') ?? { type: 'features_reply', xid, datapathId: r.u64(8), nBuffers: r.u32(16), nTables: r.u8(20), auxiliaryId: r.u8(21), capabilities: r.u32(24) };
        case OFPT.GET_CONFIG_REQUEST:
            return exact(8, 'get_config_request') ?? { type: 'get_config_request', xid };
        case OFPT.GET_CONFIG_REPLY:
        case OFPT.SET_CONFIG:
            return exact(12, 'switch config') ?? { type: type === OFPT.SET_CONFIG ? 'set_config' : 'get_config_reply', xid, flags: r.u16(8), missSendLen: r.u16(10) };
        case OFPT.BARRIER_REQUEST:
        case OFPT.BARRIER_REPLY:
            return exact(8, 'barrier') ?? { type: type === OFPT.BARRIER_REQUEST ? 'barrier_request' : 'barrier_reply', xid };
        case OFPT.ROLE_REQUEST:
        case OFPT.ROLE_REPLY:
            return exact(24, 'role') ?? { type: type === OFPT.ROLE_REQUEST ? 'role_request' : 'role_reply', xid, role: r.u32(8), generationId: r.u64(16) };
        case OFPT.PACKET_IN:
            return decodePacketIn(r, xid);
        case OFPT.PACKET_OUT:
            return decodePacketOut(r, xid);
        case OFPT.FLOW_MOD:
            return decodeFlowMod(r, xid);
        case OFPT.GROUP_MOD:
            return decodeGroupMod(r, xid);
        case OFPT.MULTIPART_REQUEST:
            return decodeMultipartRequest(r, xid);
        default:
            return badRequest(OFPBRC.BAD_TYPE, `message type ${type} not supported`);
    }
}
function decodeHello(r, xid) {
    // Elements are optional; without a bitmap the peer speaks every version up to the header's.
    const versions = [];
    let off = OFP_HEADER_LEN;
    let sawBitmap = false;
    while (off + 4 <= r.end) {
        const type = r.u16(off);
        const len = r.u16(off + 2);
        if (len < 4 || off + len > r.end)
            return badRequest(OFPBRC.BAD_LEN, `hello element of length ${len}`);
        if (type === OFPHET_VERSIONBITMAP) {
            sawBitmap = true;
            for (let i = 0; 4 + 4 * i + 4 <= len; i++) {
                const word = r.u32(off + 4 + 4 * i);
                for (let b = 0; b < 32; b++)
                    if ((word >>> b) & 1)
                        versions.push(32 * i + b);
            }
        }
        off += (len + 7) & ~7;
    }
    if (!sawBitmap)
        for (let v = 1; v <= r.u8(0); v++)
            versions.push(v);
    return { type: 'hello', xid, versions };
}
function decodePacketIn(r, xid) {
    if (r.end < 34)
        return badLen('packet_in', r.end, 34);
    const m = decodeMatch(r, 24);
    if ('code' in m)
        return m;
    const dataAt = 24 + m.size + 2;
    if (dataAt > r.end)
        return badLen('packet_in', r.end, dataAt);
    return { type: 'packet_in', xid, bufferId: r.u32(8), totalLen: r.u16(12), reason: r.u8(14), table: r.u8(15), cookie: r.u64(16), match: m.match, data: r.buf.slice(dataAt, r.end) };
}
function decodePacketOut(r, xid) {
    if (r.end < 24)
        return badLen('packet_out', r.end, 24);
    const actionsLen = r.u16(16);
    if (24 + actionsLen > r.end)
        return badRequest(OFPBRC.BAD_LEN, `packet_out actions_len ${actionsLen} exceeds the message`);
    const actions = decodeActions(r, 24, 24 + actionsLen);
    if ('code' in actions)
        return actions;
    const inPort = r.u32(12);
    return { type: 'packet_out', xid, bufferId: r.u32(8), inPort, actions, data: r.buf.slice(24 + actionsLen, r.end) };
}
function decodeFlowMod(r, xid) {
    if (r.end < 56)
        return badLen('flow_mod', r.end, 56);
    const commandCode = r.u8(25);
    const command = FLOW_MOD_COMMANDS[commandCode];
    if (command === undefined)
        return ofError(OFPET.FLOW_MOD_FAILED, OFPFMFC_BAD_COMMAND, `flow_mod command ${commandCode}`);
    const m = decodeMatch(r, 48);
    if ('code' in m)
        return m;
    const instructions = decodeInstructions(r, 48 + m.size, r.end);
    if ('code' in instructions)
        return instructions;
    return {
        type: 'flow_mod',
        xid,
        cookie: r.u64(8),
        cookieMask: r.u64(16),
        table: r.u8(24),
        command,
        idleTimeout: r.u16(26),
        hardTimeout: r.u16(28),
        priority: r.u16(30),
        bufferId: r.u32(32),
        outPort: r.u32(36),
        outGroup: r.u32(40),
        flags: r.u16(44),
        match: m.match,
        instructions,
    };
}
function decodeGroupMod(r, xid) {
    if (r.end < 16)
        return badLen('group_mod', r.end, 16);
    const commandCode = r.u16(8);
    const command = commandCode === OFPGC.ADD ? 'add' : commandCode === OFPGC.MODIFY ? 'modify' : commandCode === OFPGC.DELETE ? 'delete' : undefined;
    if (command === undefined)
        return ofError(OFPET.GROUP_MOD_FAILED, OFPGMFC_BAD_COMMAND, `group_mod command ${commandCode}`);
    const type = r.u8(10);
    if (type > 2)
        return ofError(OFPET.GROUP_MOD_FAILED, OFPGMFC_BAD_TYPE, `group type ${type} not supported`);
    const buckets = [];
    let off = 16;
    while (off < r.end) {
        if (off + 16 > r.end)
            return badRequest(OFPBRC.BAD_LEN, 'bucket truncated');
        const len = r.u16(off);
        if (len < 16 || len % 8 !== 0 || off + len > r.end)
            return ofError(OFPET.BAD_ACTION, OFPBAC.BAD_LEN, `bucket length ${len}`);
        const actions = decodeActions(r, off + 16, off + len);
        if ('code' in actions)
            return actions;
        buckets.push({ weight: r.u16(off + 2), actions });
        off += len;
    }
    const mod = { command, groupId: r.u32(12), type: type, buckets };
    return { type: 'group_mod', xid, mod };
}
function decodeMultipartRequest(r, xid) {
    if (r.end < 16)
        return badLen('multipart_request', r.end, 16);
    const mpType = r.u16(8);
    const flags = r.u16(10);
    const body = decodeMultipartBody(r, mpType);
    if ('code' in body)
        return body;
    return { type: 'multipart_request', xid, flags, body };
}
function decodeMultipartBody(r, mpType) {
    const len = r.end;
    switch (mpType) {
        case OFPMP.DESC:
            return { kind: 'desc' };
        case OFPMP.TABLE:
            return { kind: 'table' };
        case OFPMP.PORT_DESC:
            return { kind: 'port_desc' };
        case OFPMP.GROUP_DESC:
            return { kind: 'group_desc' };
        case OFPMP.TABLE_FEATURES:
            // A request with a body would reconfigure the tables; we only report them.
            return len === 16 ? { kind: 'table_features' } : ofError(OFPET.TABLE_FEATURES_FAILED, 5, 'table features cannot be changed (OFPTFFC_EPERM)');
        case OFPMP.PORT_STATS:
            return len < 24 ? badLen('port stats request', len, 24) : { kind: 'port_stats', port: r.u32(16) };
        case OFPMP.GROUP:
            return len < 24 ? badLen('group stats request', len, 24) : { kind: 'group', groupId: r.u32(16) };
        case OFPMP.FLOW:
        case OFPMP.AGGREGATE: {
            if (len < 56)
                return badLen('flow stats request', len, 56);
            const table = r.u8(16);
            if (table > 0xfe && table !== OFPTT_ALL)
                return badRequest(OFPBRC.BAD_TABLE_ID, `table ${table}`);
            const m = decodeMatch(r, 48);
            if ('code' in m)
                return m;
            const sel = { table, outPort: r.u32(20), outGroup: r.u32(24), cookie: r.u64(32), cookieMask: r.u64(40), match: m.match };
            return mpType === OFPMP.FLOW ? { kind: 'flow', ...sel } : { kind: 'aggregate', ...sel };
        }
        default:
            return badRequest(OFPBRC.BAD_MULTIPART, `multipart type ${mpType} not supported`);
    }
}
/** The OFPT_ERROR answering a message: the error's type and code, the first 64 bytes echoed. */
export function errorFor(offending, xid, error) {
    return { type: 'error', xid, errType: error.type, code: error.code, data: offending.slice(0, 64) };
}
//# sourceMappingURL=decode.js.map