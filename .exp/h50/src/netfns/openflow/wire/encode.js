import { Writer } from './bytes.js';
import { OFPMP, OFPMPF_REPLY_MORE, OFPT, OFPHET_VERSIONBITMAP, OFPTFPT, OFP_HEADER_LEN, OFP_VERSION, OFPFC, OFPGC } from './consts.js';
import { encodeMatch } from './oxm.js';
import { encodeActions } from './actions.js';
import { encodeInstructions } from './instructions.js';
const MAX_MESSAGE = 0xffff;
const TYPE_CODE = {
    hello: OFPT.HELLO,
    error: OFPT.ERROR,
    echo_request: OFPT.ECHO_REQUEST,
    echo_reply: OFPT.ECHO_REPLY,
    experimenter: OFPT.EXPERIMENTER,
    features_request: OFPT.FEATURES_REQUEST,
    features_reply: OFPT.FEATURES_REPLY,
    get_config_request: OFPT.GET_CONFIG_REQUEST,
    get_config_reply: OFPT.GET_CONFIG_REPLY,
    set_config: OFPT.SET_CONFIG,
    packet_in: OFPT.PACKET_IN,
    flow_removed: OFPT.FLOW_REMOVED,
    port_status: OFPT.PORT_STATUS,
    packet_out: OFPT.PACKET_OUT,
    flow_mod: OFPT.FLOW_MOD,
    group_mod: OFPT.GROUP_MOD,
    multipart_request: OFPT.MULTIPART_REQUEST,
    multipart_reply: OFPT.MULTIPART_REPLY,
    barrier_request: OFPT.BARRIER_REQUEST,
    barrier_reply: OFPT.BARRIER_REPLY,
    role_request: OFPT.ROLE_REQUEST,
    role_reply: OFPT.ROLE_REPLY,
};
const FLOW_MOD_CODE = { add: OFPFC.ADD, modify: OFPFC.MODIFY, modify_strict: OFPFC.MODIFY_STRICT, delete: OFPFC.DELETE, delete_strict: OFPFC.DELETE_STRICT };
const GROUP_MOD_CODE = { add: OFPGC.ADD, modify: OFPGC.MODIFY, delete: OFPGC.DELETE };
const MULTIPART_CODE = {
    desc: OFPMP.DESC,
    flow: OFPMP.FLOW,
    aggregate: OFPMP.AGGREGATE,
    table: OFPMP.TABLE,
    port_stats: OFPMP.PORT_STATS,
    port_desc: OFPMP.PORT_DESC,
    group: OFPMP.GROUP,
    group_desc: OFPMP.GROUP_DESC,
    table_features: OFPMP.TABLE_FEATURES,
};
function header(w, type, xid) {
    w.u8(OFP_VERSION).u8(type).u16(0).u32(xid);
}
function secNsec(w, ns) {
    const sec = Math.floor(ns / 1e9);
    w.u32(sec).u32(Math.floor(ns - sec * 1e9));
}
/** Encodes one message. A multipart reply must fit in one message (see `encodeMultipartReply`). */
export function encodeMessage(m) {
    const w = new Writer();
    header(w, TYPE_CODE[m.type], m.xid);
    switch (m.type) {
        case 'hello': {
            if (m.versions.length > 0) {
                let bitmap = 0;
                for (const v of m.versions)
                    if (v < 32)
                        bitmap |= 1 << v;
                w.u16(OFPHET_VERSIONBITMAP).u16(8).u32(bitmap >>> 0);
            }
            break;
        }
        case 'error':
            w.u16(m.errType).u16(m.code).bytes(m.data);
            break;
        case 'echo_request':
        case 'echo_reply':
            w.bytes(m.data);
            break;
        case 'experimenter':
            w.u32(m.experimenter).u32(m.expType).bytes(m.data);
            break;
        case 'features_request':
        case 'get_config_request':
        case 'barrier_request':
        case 'barrier_reply':
            break;
        case 'features_reply':
            w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(0);
            break;
        case 'get_config_reply':
        case 'set_config':
            w.u16(m.flags).u16(m.missSendLen);
            break;
        case 'packet_in':
            w.u32(m.bufferId).u16(m.totalLen).u8(m.reason).u8(m.table).u64(m.cookie);
            encodeMatch(w, m.match);
            w.zeros(2).bytes(m.data);
            break;
        case 'flow_removed':
            w.u64(m.cookie).u16(m.priority).u8(m.reason).u8(m.table);
            secNsec(w, m.durationNs);
            w.u16(m.idleTimeout).u16(m.hardTimeout).u64(BigInt(m.packetCount)).u64(BigInt(m.byteCount));
            encodeMatch(w, m.match);
            break;
        case 'port_status':
            w.u8(m.reason).zeros(7);
            encodePort(w, m.port);
            break;
        case 'packet_out': {
            w.u32(m.bufferId).u32(m.inPort).u16(0).zeros(6);
            const start = w.length;
            encodeActions(w, m.actions);
            w.patch16(OFP_HEADER_LEN + 8, w.length - start);
            w.bytes(m.data);
            break;
        }
        case 'flow_mod':
            w.u64(m.cookie).u64(m.cookieMask).u8(m.table).u8(FLOW_MOD_CODE[m.command]).u16(m.idleTimeout).u16(m.hardTimeout).u16(m.priority);
            w.u32(m.bufferId).u32(m.outPort).u32(m.outGroup).u16(m.flags).zeros(2);
            encodeMatch(w, m.match);
            encodeInstructions(w, m.instructions);
            break;
        case 'group_mod':
            w.u16(GROUP_MOD_CODE[m.mod.command]).u8(m.mod.type).u8(0).u32(m.mod.groupId);
            encodeBuckets(w, m.mod.buckets);
            break;
        case 'multipart_request':
            w.u16(MULTIPART_CODE[m.body.kind]).u16(m.flags).zeros(4);
            encodeMultipartRequestBody(w, m.body);
            break;
        case 'multipart_reply':
            w.u16(MULTIPART_CODE[m.body.kind]).u16(m.flags).zeros(4);
            for (const entry of multipartEntries(m.body))
                w.bytes(entry);
            break;
        case 'role_request':
        case 'role_reply':
            w.u32(m.role).zeros(4).u64(m.generationId);
            break;
    }
    if (w.length > MAX_MESSAGE)
        throw new RangeError(`openflow: ${m.type} of ${w.length} bytes exceeds 65535 (split multipart replies with encodeMultipartReply)`);
    w.patch16(2, w.length);
    return w.finish();
}
/** Encodes a multipart reply as one or more messages, REPLY_MORE on all but the last. */
export function encodeMultipartReply(xid, body) {
    const entries = multipartEntries(body);
    const chunks = [[]];
    let size = 16;
    for (const e of entries) {
        if (size + e.length > MAX_MESSAGE && chunks[chunks.length - 1].length > 0) {
            chunks.push([]);
            size = 16;
        }
        chunks[chunks.length - 1].push(e);
        size += e.length;
    }
    return chunks.map((chunk, i) => {
        const w = new Writer();
        header(w, OFPT.MULTIPART_REPLY, xid);
        w.u16(MULTIPART_CODE[body.kind]).u16(i < chunks.length - 1 ? OFPMPF_REPLY_MORE : 0).zeros(4);
        for (const e of chunk)
            w.bytes(e);
        w.patch16(2, w.length);
        return w.finish();
    });
}
function encodeMultipartRequestBody(w, b) {
    switch (b.kind) {
        case 'flow':
        case 'aggregate':
            w.u8(b.table).zeros(3).u32(b.outPort).u32(b.outGroup).zeros(4).u64(b.cookie).u64(b.cookieMask);
            encodeMatch(w, b.match);
            break;
        case 'port_stats':
            w.u32(b.port).zeros(4);
            break;
        case 'group':
            w.u32(b.groupId).zeros(4);
            break;
        default:
            break;
    }
}
/** The body of a multipart reply as separately encoded entries (the unit a split may not cut). */
function multipartEntries(b) {
    const one = (fn) => {
        const w = new Writer();
        fn(w);
        return w.finish();
    };
    switch (b.kind) {
        case 'desc':
            return [one((w) => encodeDesc(w, b.desc))];
        case 'flow':
            return b.flows.map((f) => one((w) => encodeFlowStats(w, f)));
        case 'aggregate':
            return [one((w) => w.u64(BigInt(b.stats.packetCount)).u64(BigInt(b.stats.byteCount)).u32(b.stats.flowCount).zeros(4))];
        case 'table':
            return b.tables.map((t) => one((w) => encodeTableStats(w, t)));
        case 'port_stats':
            return b.ports.map((p) => one((w) => encodePortStats(w, p)));
        case 'port_desc':
            return b.ports.map((p) => one((w) => encodePort(w, p)));
        case 'group':
            return b.groups.map((g) => one((w) => encodeGroupStats(w, g)));
        case 'group_desc':
            return b.groups.map((g) => one((w) => encodeGroupDesc(w, g)));
        case 'table_features':
            return b.tables.map((t) => one((w) => encodeTableFeatures(w, t)));
    }
}
function encodeDesc(w, d) {
    w.str(d.manufacturer, 256).str(d.hardware, 256).str(d.software, 256).str(d.serial, 32).str(d.datapath, 256);
}
function encodeFlowStats(w, f) {
    const start = w.length;
    w.u16(0).u8(f.table).u8(0);
    secNsec(w, f.durationNs);
    w.u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).u16(f.flags).zeros(4);
    w.u64(f.cookie).u64(BigInt(f.packetCount)).u64(BigInt(f.byteCount));
    encodeMatch(w, f.match);
    encodeInstructions(w, f.instructions);
    w.patch16(start, w.length - start);
}
function encodeTableStats(w, t) {
    w.u8(t.table).zeros(3).u32(t.activeCount).u64(BigInt(t.lookupCount)).u64(BigInt(t.matchedCount));
}
function encodePortStats(w, p) {
    w.u32(p.port).zeros(4);
    for (const v of [p.rxPackets, p.txPackets, p.rxBytes, p.txBytes, p.rxDropped, p.txDropped])
        w.u64(BigInt(v));
    // rx_errors, tx_errors, rx_frame_err, rx_over_err, rx_crc_err, collisions: an emulated port has none.
    w.zeros(6 * 8);
    secNsec(w, p.durationNs);
}
/** OFPPS_LIVE, and a 10 Gb/s full-duplex copper port: what OVS reports for a veth. */
const OFPPS_LIVE = 4;
const OFPPF_10GB_FD_COPPER = (1 << 6) | (1 << 11);
/** ofp_port, 64 bytes. */
export function encodePort(w, p) {
    w.u32(p.port).zeros(4).uint(BigInt(p.hwAddr), 6).zeros(2).str(p.name, 16);
    w.u32(0).u32(OFPPS_LIVE).u32(OFPPF_10GB_FD_COPPER).u32(0).u32(0).u32(0).u32(10_000_000).u32(10_000_000);
}
function encodeGroupStats(w, g) {
    const start = w.length;
    w.u16(0).zeros(2).u32(g.groupId).u32(0).zeros(4).u64(BigInt(g.packetCount)).u64(BigInt(g.byteCount)).u32(0).u32(0);
    for (const n of g.bucketPackets)
        w.u64(BigInt(n)).u64(0n);
    w.patch16(start, w.length - start);
}
function encodeBuckets(w, buckets) {
    for (const b of buckets) {
        const start = w.length;
        w.u16(0).u16(b.weight).u32(0xffffffff).u32(0xffffffff).zeros(4);
        encodeActions(w, b.actions);
        w.patch16(start, w.length - start);
    }
}
function encodeGroupDesc(w, g) {
    const start = w.length;
    w.u16(0).u8(g.type).u8(0).u32(g.groupId);
    encodeBuckets(w, g.buckets);
    w.patch16(start, w.length - start);
}
function encodeTableFeatures(w, t) {
    const start = w.length;
    w.u16(0).u8(t.table).zeros(5).str(t.name, 32).u64(0xffffffffffffffffn).u64(0xffffffffffffffffn).u32(0).u32(t.maxEntries);
    const prop = (type, fill) => {
        const p = w.length;
        w.u16(type).u16(0);
        fill();
        w.patch16(p + 2, w.length - p);
        w.pad(p);
    };
    prop(OFPTFPT.INSTRUCTIONS, () => t.instructions.forEach((i) => w.u16(i).u16(4)));
    prop(OFPTFPT.NEXT_TABLES, () => t.nextTables.forEach((n) => w.u8(n)));
    prop(OFPTFPT.WRITE_ACTIONS, () => t.actions.forEach((a) => w.u16(a).u16(4)));
    prop(OFPTFPT.APPLY_ACTIONS, () => t.actions.forEach((a) => w.u16(a).u16(4)));
    prop(OFPTFPT.MATCH, () => t.matchFields.forEach((h) => w.u32(t.maskableFields.includes(h) ? (((h & ~0x1ff) | 0x100 | (2 * (h & 0xff))) >>> 0) : h)));
    prop(OFPTFPT.WILDCARDS, () => t.matchFields.forEach((h) => w.u32(h)));
    prop(OFPTFPT.WRITE_SETFIELD, () => t.settableFields.forEach((h) => w.u32(h)));
    prop(OFPTFPT.APPLY_SETFIELD, () => t.settableFields.forEach((h) => w.u32(h)));
    w.patch16(start, w.length - start);
}
//# sourceMappingURL=encode.js.map