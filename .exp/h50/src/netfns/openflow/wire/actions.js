/**
 * Action lists: OpenFlow 1.3 actions and the Nicira extensions (NX experimenter actions) Open
 * vSwitch sends for Neutron's flows, to and from the pipeline's `Action`.
 *
 * What ovs-ofctl 3.1 sends with `-O OpenFlow13` (captured from the real tool, see the fixtures):
 * - `resubmit(,T)`, `resubmit(P,T)` and `resubmit:P` are all NXAST_RESUBMIT_TABLE (subtype 14,
 *   table 255 meaning "this table"); the older NXAST_RESUBMIT (1) decodes too.
 * - `load:V->F[a..b]` is NXAST_REG_LOAD, `move:` NXAST_REG_MOVE, `output:REG[]` NXAST_OUTPUT_REG.
 * - `set_field:V->reg3` is OFPAT_SET_FIELD carrying the NXM_NX_REG3 header.
 * - `strip_vlan` is OFPAT_POP_VLAN (only accepted when the match guarantees a tag).
 * - `mod_vlan_vid:V` is OFPAT_SET_FIELD vlan_vid=V|0x1000 when the match has a tag, and
 *   OFPAT_PUSH_VLAN 0x8100 followed by that set_field when it may not.
 * So the pipeline's `mod_vlan_vid`/`mod_vlan_pcp` never arrive over OpenFlow 1.3; when a flow
 * holding one is reported, it is written as the set_field OVS would use on a tagged packet.
 *
 * Ports inside NX actions are OpenFlow 1.0 16-bit numbers: 0xff00 and up map to the 32-bit
 * reserved ports (0xfff8 = OFPP_IN_PORT).
 */
import { F, OFPG_MAX, OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NORMAL, OFPP_TABLE, OFPFF_SEND_FLOW_REM, OFPTT_ALL, OFPVID_PRESENT, fieldInfo, ofError, } from '../types.js';
import { NXAST, NX_VENDOR_ID, OFPAT, OFPBAC, OFPET } from './consts.js';
import { Writer } from './bytes.js';
import { decodeFieldRef, nxFieldHeader as fieldHeader, oxmName, writeOxm } from './oxm.js';
const badAction = (code, message) => ofError(OFPET.BAD_ACTION, code, message);
const BAD_ARG = { type: OFPET.BAD_ACTION, code: OFPBAC.BAD_ARGUMENT };
const RESERVED_OUT_PORTS = new Set([OFPP_IN_PORT, OFPP_TABLE, OFPP_NORMAL, OFPP_FLOOD, OFPP_ALL, OFPP_CONTROLLER, OFPP_LOCAL]);
/** True for a port an output action may name. */
export function validOutPort(port) {
    return (port >= 1 && port <= OFPP_MAX) || RESERVED_OUT_PORTS.has(port);
}
/** A 16-bit OpenFlow 1.0 port number as a 32-bit one. */
export function port16to32(p) {
    return p >= 0xff00 ? (p | 0xffff0000) >>> 0 : p;
}
export function port32to16(p) {
    return p >= 0xffffff00 ? p & 0xffff : p & 0xffff;
}
/** Learn flag NX_LEARN_F_SEND_FLOW_REM, the only one we support. */
const NX_LEARN_F_SEND_FLOW_REM = 1;
const NX_LEARN_SRC_IMMEDIATE = 1 << 13;
const NX_LEARN_DST_MASK = 3 << 11;
const NX_LEARN_DST_MATCH = 0;
const NX_LEARN_DST_LOAD = 1 << 11;
const NX_LEARN_DST_OUTPUT = 2 << 11;
const NX_LEARN_N_BITS_MASK = 0x3ff;
/** Decodes the action list in [at, end). */
export function decodeActions(r, at, end) {
    const out = [];
    let off = at;
    while (off < end) {
        if (off + 4 > end)
            return badAction(OFPBAC.BAD_LEN, 'action header truncated');
        const type = r.u16(off);
        const len = r.u16(off + 2);
        if (len < 8 || len % 8 !== 0 || off + len > end)
            return badAction(OFPBAC.BAD_LEN, `action type ${type} has length ${len}`);
        const a = decodeAction(r, off, type, len);
        if ('code' in a)
            return a;
        out.push(...a);
        off += len;
    }
    return out;
}
function decodeAction(r, at, type, len) {
    switch (type) {
        case OFPAT.OUTPUT: {
            if (len !== 16)
                return badAction(OFPBAC.BAD_LEN, `output action length ${len}, expected 16`);
            const port = r.u32(at + 4);
            if (!validOutPort(port))
                return badAction(OFPBAC.BAD_OUT_PORT, `output to invalid port 0x${port.toString(16)}`);
            return [{ type: 'output', port, maxLen: r.u16(at + 8) }];
        }
        case OFPAT.GROUP: {
            const groupId = r.u32(at + 4);
            if (groupId > OFPG_MAX)
                return badAction(OFPBAC.BAD_OUT_GROUP, `group action to reserved group 0x${groupId.toString(16)}`);
            return [{ type: 'group', groupId }];
        }
        case OFPAT.PUSH_VLAN: {
            const ethertype = r.u16(at + 4);
            if (ethertype !== 0x8100 && ethertype !== 0x88a8)
                return badAction(OFPBAC.BAD_ARGUMENT, `push_vlan ethertype 0x${ethertype.toString(16)}`);
            return [{ type: 'push_vlan', ethertype }];
        }
        case OFPAT.POP_VLAN:
            return [{ type: 'pop_vlan' }];
        case OFPAT.DEC_NW_TTL:
            return [{ type: 'dec_ttl' }];
        case OFPAT.SET_FIELD:
            return decodeSetField(r, at, len);
        case OFPAT.EXPERIMENTER:
            return decodeNx(r, at, len);
        default:
            return badAction(OFPBAC.BAD_TYPE, `unsupported action type ${type}`);
    }
}
function decodeSetField(r, at, len) {
    const header = r.u32(at + 4);
    const oxmLen = header & 0xff;
    if (8 + oxmLen > len)
        return badAction(OFPBAC.BAD_SET_LEN, `set_field OXM length ${oxmLen} exceeds the action`);
    if ((header & 0x100) !== 0)
        return badAction(OFPBAC.BAD_SET_ARGUMENT, 'set_field with a mask');
    const name = oxmName(header >>> 16, (header >>> 9) & 0x7f);
    if (name === undefined || !fieldInfo(name.field).writable)
        return badAction(OFPBAC.BAD_SET_TYPE, `set_field of unsupported or read-only field 0x${header.toString(16)}`);
    if (oxmLen !== name.bytes)
        return badAction(OFPBAC.BAD_SET_LEN, `set_field ${fieldInfo(name.field).name} length ${oxmLen}`);
    const value = r.uint(at + 8, name.bytes);
    if (value >> BigInt(name.bits) !== 0n)
        return badAction(OFPBAC.BAD_SET_ARGUMENT, `set_field ${fieldInfo(name.field).name} value too wide`);
    return [{ type: 'set_field', field: name.field, value }];
}
function decodeNx(r, at, len) {
    if (len < 16)
        return badAction(OFPBAC.BAD_LEN, `experimenter action length ${len}`);
    const vendor = r.u32(at + 4);
    if (vendor !== NX_VENDOR_ID)
        return badAction(OFPBAC.BAD_EXPERIMENTER, `experimenter 0x${vendor.toString(16)} is not Nicira`);
    const subtype = r.u16(at + 8);
    switch (subtype) {
        case NXAST.RESUBMIT:
            return [{ type: 'resubmit', port: port16to32(r.u16(at + 10)), table: OFPTT_ALL }];
        case NXAST.RESUBMIT_TABLE:
            return [{ type: 'resubmit', port: port16to32(r.u16(at + 10)), table: r.u8(at + 12) }];
        case NXAST.DEC_TTL:
            return [{ type: 'dec_ttl' }];
        case NXAST.REG_LOAD: {
            if (len !== 24)
                return badAction(OFPBAC.BAD_LEN, `reg_load length ${len}`);
            const ofsNbits = r.u16(at + 10);
            const dst = decodeFieldRef(r.u32(at + 12), ofsNbits >> 6, (ofsNbits & 63) + 1, BAD_ARG);
            if ('code' in dst)
                return dst;
            const value = r.u64(at + 16);
            if (dst.nBits < 64 && value >> BigInt(dst.nBits) !== 0n)
                return badAction(OFPBAC.BAD_ARGUMENT, `reg_load value 0x${value.toString(16)} wider than ${dst.nBits} bits`);
            if (!fieldInfo(dst.field).writable)
                return badAction(OFPBAC.BAD_ARGUMENT, `reg_load into read-only ${fieldInfo(dst.field).name}`);
            return [{ type: 'load', dst, value }];
        }
        case NXAST.REG_MOVE: {
            if (len !== 24)
                return badAction(OFPBAC.BAD_LEN, `reg_move length ${len}`);
            const nBits = r.u16(at + 10);
            const src = decodeFieldRef(r.u32(at + 16), r.u16(at + 12), nBits, BAD_ARG);
            if ('code' in src)
                return src;
            const dst = decodeFieldRef(r.u32(at + 20), r.u16(at + 14), nBits, BAD_ARG);
            if ('code' in dst)
                return dst;
            if (!fieldInfo(dst.field).writable)
                return badAction(OFPBAC.BAD_ARGUMENT, `reg_move into read-only ${fieldInfo(dst.field).name}`);
            return [{ type: 'move', src, dst }];
        }
        case NXAST.OUTPUT_REG: {
            if (len !== 24)
                return badAction(OFPBAC.BAD_LEN, `output_reg length ${len}`);
            const ofsNbits = r.u16(at + 10);
            const src = decodeFieldRef(r.u32(at + 12), ofsNbits >> 6, (ofsNbits & 63) + 1, BAD_ARG);
            if ('code' in src)
                return src;
            return [{ type: 'output_reg', src, maxLen: r.u16(at + 16) }];
        }
        case NXAST.LEARN: {
            const spec = decodeLearn(r, at, len);
            return 'code' in spec ? spec : [{ type: 'learn', spec }];
        }
        default:
            return badAction(OFPBAC.BAD_EXP_TYPE, `unsupported Nicira action subtype ${subtype}`);
    }
}
function decodeLearn(r, at, len) {
    if (len < 32)
        return badAction(OFPBAC.BAD_LEN, `learn length ${len}`);
    const nxFlags = r.u16(at + 24);
    if ((nxFlags & ~NX_LEARN_F_SEND_FLOW_REM) !== 0)
        return badAction(OFPBAC.BAD_ARGUMENT, `learn flags 0x${nxFlags.toString(16)} not supported`);
    const table = r.u8(at + 26);
    if (table === OFPTT_ALL)
        return badAction(OFPBAC.BAD_ARGUMENT, 'learn into table 255');
    const items = [];
    const end = at + len;
    let off = at + 32;
    while (off + 2 <= end) {
        const header = r.u16(off);
        if (header === 0)
            break;
        off += 2;
        const nBits = header & NX_LEARN_N_BITS_MASK;
        const immediate = (header & NX_LEARN_SRC_IMMEDIATE) !== 0;
        const dstType = header & NX_LEARN_DST_MASK;
        if (nBits === 0 || dstType === NX_LEARN_DST_MASK)
            return badAction(OFPBAC.BAD_ARGUMENT, `learn spec header 0x${header.toString(16)}`);
        let value = 0n;
        let src;
        if (immediate) {
            const bytes = 2 * Math.ceil(nBits / 16);
            if (off + bytes > end)
                return badAction(OFPBAC.BAD_LEN, 'learn spec immediate value truncated');
            value = r.uint(off, bytes);
            off += bytes;
        }
        else {
            if (off + 6 > end)
                return badAction(OFPBAC.BAD_LEN, 'learn spec source truncated');
            const s = decodeFieldRef(r.u32(off), r.u16(off + 4), nBits, BAD_ARG);
            if ('code' in s)
                return s;
            src = s;
            off += 6;
        }
        if (dstType === NX_LEARN_DST_OUTPUT) {
            if (src === undefined)
                return badAction(OFPBAC.BAD_ARGUMENT, 'learn output needs a field source');
            items.push({ kind: 'output', src });
            continue;
        }
        if (off + 6 > end)
            return badAction(OFPBAC.BAD_LEN, 'learn spec destination truncated');
        const dst = decodeFieldRef(r.u32(off), r.u16(off + 4), nBits, BAD_ARG);
        if ('code' in dst)
            return dst;
        off += 6;
        if (dstType === NX_LEARN_DST_MATCH)
            items.push(src ? { kind: 'match_field', dst, src } : { kind: 'match_value', dst, value });
        else
            items.push(src ? { kind: 'load_field', dst, src } : { kind: 'load_value', dst, value });
    }
    return {
        idleTimeout: r.u16(at + 10),
        hardTimeout: r.u16(at + 12),
        priority: r.u16(at + 14),
        cookie: r.u64(at + 16),
        flags: nxFlags & NX_LEARN_F_SEND_FLOW_REM ? OFPFF_SEND_FLOW_REM : 0,
        table,
        finIdleTimeout: r.u16(at + 28),
        finHardTimeout: r.u16(at + 30),
        items,
    };
}
// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------
/** Appends an action list. */
export function encodeActions(w, actions) {
    for (const a of actions)
        encodeAction(w, a);
}
function nxStart(w, subtype) {
    const start = w.length;
    w.u16(OFPAT.EXPERIMENTER).u16(0).u32(NX_VENDOR_ID).u16(subtype);
    return start;
}
function finishLen(w, start) {
    w.pad(start);
    w.patch16(start + 2, w.length - start);
}
const ofsNbits = (ref) => (ref.ofs << 6) | (ref.nBits - 1);
function encodeAction(w, a) {
    switch (a.type) {
        case 'output':
            w.u16(OFPAT.OUTPUT).u16(16).u32(a.port).u16(a.maxLen).zeros(6);
            return;
        case 'group':
            w.u16(OFPAT.GROUP).u16(8).u32(a.groupId);
            return;
        case 'push_vlan':
            w.u16(OFPAT.PUSH_VLAN).u16(8).u16(a.ethertype).zeros(2);
            return;
        case 'pop_vlan':
            w.u16(OFPAT.POP_VLAN).u16(8).zeros(4);
            return;
        case 'dec_ttl':
            w.u16(OFPAT.DEC_NW_TTL).u16(8).zeros(4);
            return;
        case 'set_field':
        case 'mod_vlan_vid':
        case 'mod_vlan_pcp': {
            const start = w.length;
            w.u16(OFPAT.SET_FIELD).u16(0);
            if (a.type === 'set_field')
                writeOxm(w, a.field, a.value, (1n << BigInt(fieldInfo(a.field).bits)) - 1n);
            else if (a.type === 'mod_vlan_vid')
                writeOxm(w, F.vlan_vid, BigInt(OFPVID_PRESENT | a.vid), 0x1fffn);
            else
                writeOxm(w, F.vlan_pcp, BigInt(a.pcp), 7n);
            finishLen(w, start);
            return;
        }
        case 'resubmit': {
            const start = nxStart(w, NXAST.RESUBMIT_TABLE);
            w.u16(port32to16(a.port)).u8(a.table).zeros(3);
            finishLen(w, start);
            return;
        }
        case 'load': {
            const start = nxStart(w, NXAST.REG_LOAD);
            w.u16(ofsNbits(a.dst)).u32(fieldHeader(a.dst.field)).u64(a.value);
            finishLen(w, start);
            return;
        }
        case 'move': {
            const start = nxStart(w, NXAST.REG_MOVE);
            w.u16(a.src.nBits).u16(a.src.ofs).u16(a.dst.ofs).u32(fieldHeader(a.src.field)).u32(fieldHeader(a.dst.field));
            finishLen(w, start);
            return;
        }
        case 'output_reg': {
            const start = nxStart(w, NXAST.OUTPUT_REG);
            w.u16(ofsNbits(a.src)).u32(fieldHeader(a.src.field)).u16(a.maxLen).zeros(6);
            finishLen(w, start);
            return;
        }
        case 'learn':
            encodeLearn(w, a.spec);
            return;
    }
}
function encodeLearn(w, s) {
    const start = nxStart(w, NXAST.LEARN);
    w.u16(s.idleTimeout).u16(s.hardTimeout).u16(s.priority).u64(s.cookie);
    w.u16(s.flags & OFPFF_SEND_FLOW_REM ? NX_LEARN_F_SEND_FLOW_REM : 0).u8(s.table).u8(0).u16(s.finIdleTimeout).u16(s.finHardTimeout);
    const ref = (f) => {
        w.u32(fieldHeader(f.field)).u16(f.ofs);
    };
    const imm = (v, nBits) => {
        w.uint(v, 2 * Math.ceil(nBits / 16));
    };
    for (const item of s.items) {
        switch (item.kind) {
            case 'match_field':
                w.u16(NX_LEARN_DST_MATCH | item.dst.nBits);
                ref(item.src);
                ref(item.dst);
                break;
            case 'match_value':
                w.u16(NX_LEARN_DST_MATCH | NX_LEARN_SRC_IMMEDIATE | item.dst.nBits);
                imm(item.value, item.dst.nBits);
                ref(item.dst);
                break;
            case 'load_field':
                w.u16(NX_LEARN_DST_LOAD | item.dst.nBits);
                ref(item.src);
                ref(item.dst);
                break;
            case 'load_value':
                w.u16(NX_LEARN_DST_LOAD | NX_LEARN_SRC_IMMEDIATE | item.dst.nBits);
                imm(item.value, item.dst.nBits);
                ref(item.dst);
                break;
            case 'output':
                w.u16(NX_LEARN_DST_OUTPUT | item.src.nBits);
                ref(item.src);
                break;
        }
    }
    finishLen(w, start);
}
/** The bytes of an action list (tests, packet-out). */
export function actionBytes(actions) {
    const w = new Writer();
    encodeActions(w, actions);
    return w.finish();
}
//# sourceMappingURL=actions.js.map