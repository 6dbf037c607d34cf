import { OFPP_ANY, OFPG_ANY } from '../../netfns/openflow/types.js';
import { decodeMessage, errorFor } from '../../netfns/openflow/wire/decode.js';
import { encodeMessage, encodeMultipartReply } from '../../netfns/openflow/wire/encode.js';
import { OFPBRC, OFPCR_ROLE, OFPC_FLOW_STATS, OFPC_GROUP_STATS, OFPC_PORT_STATS, OFPC_TABLE_STATS, OFPET, OFPHFC_INCOMPATIBLE, OFPRRFC_BAD_ROLE, OFP_NO_BUFFER, OFP_VERSION, } from '../../netfns/openflow/wire/consts.js';
import { flowFilterOf, flowModOf, tableFeatures } from './convert.js';
/** Role state shared by all sessions of a switch. */
export class RoleArbiter {
    generationId = null;
    #sessions = new Set();
    add(s) {
        this.#sessions.add(s);
    }
    remove(s) {
        this.#sessions.delete(s);
    }
    /** A new master demotes the previous one to slave. */
    becameMaster(s) {
        for (const other of this.#sessions)
            if (other !== s && other.role === OFPCR_ROLE.MASTER)
                other.role = OFPCR_ROLE.SLAVE;
    }
}
const MAX_MESSAGE = 0xffff;
const DEFAULT_MISS_SEND_LEN = 128;
export class OpenFlowSession {
    #opts;
    #api;
    #rx = new Uint8Array(0);
    #lastHeard;
    #echoOutstanding = false;
    #xid = 0x10000000;
    #unsubscribe = [];
    state = 'hello-wait';
    role = OFPCR_ROLE.EQUAL;
    missSendLen = DEFAULT_MISS_SEND_LEN;
    configFlags = 0;
    /** Counters. */
    messagesIn = 0;
    messagesOut = 0;
    errorsSent = 0;
    errorsReceived = 0;
    packetInsSent = 0;
    echoRequestsSent = 0;
    closeReason = '';
    constructor(opts) {
        this.#opts = opts;
        this.#api = opts.switch;
        this.#lastHeard = opts.now();
    }
    /** Bytes of a partial message waiting for the rest (the receive buffer's gauge). */
    get buffered() {
        return this.#rx.length;
    }
    /** Sends our HELLO; call once the transport is up. */
    start() {
        this.#opts.roles?.add(this);
        this.#send({ type: 'hello', xid: this.#nextXid(), versions: [OFP_VERSION] });
    }
    /** Feeds bytes from the peer. */
    receive(chunk) {
        if (this.state === 'closed')
            return;
        this.#lastHeard = this.#opts.now();
        this.#echoOutstanding = false;
        let buf = this.#rx.length === 0 ? chunk : concat(this.#rx, chunk);
        let off = 0;
        while (this.state !== 'closed' && buf.length - off >= 8) {
            const len = (buf[off + 2] << 8) | buf[off + 3];
            if (len < 8) {
                const bad = buf.slice(off, off + 8);
                this.#sendError(bad, readXid(bad), { type: OFPET.BAD_REQUEST, code: OFPBRC.BAD_LEN, message: `header length ${len} < 8` });
                this.#close(`unrecoverable framing: header length ${len}`);
                return;
            }
            if (buf.length - off < len)
                break;
            this.#handle(buf.subarray(off, off + len));
            off += len;
        }
        this.#rx = off >= buf.length ? new Uint8Array(0) : buf.slice(off);
        buf = this.#rx;
        if (buf.length > MAX_MESSAGE)
            this.#close('receive buffer overflow');
    }
    /** Echo liveness; call periodically with the current time (ms). */
    tick(now) {
        if (this.state === 'closed')
            return;
        const silent = now - this.#lastHeard;
        if (silent >= (this.#opts.echoTimeoutMs ?? 15_000)) {
            this.#close(`no message from the controller for ${silent} ms`);
            return;
        }
        if (this.state === 'connected' && !this.#echoOutstanding && silent >= (this.#opts.echoIntervalMs ?? 5_000)) {
            this.#echoOutstanding = true;
            this.echoRequestsSent++;
            this.#send({ type: 'echo_request', xid: this.#nextXid(), data: new Uint8Array(0) });
        }
    }
    /** Ends the session from our side (the transport went away or the switch stops). */
    stop(reason = 'stopped') {
        if (this.state !== 'closed')
            this.#close(reason, false);
    }
    #close(reason, notify = true) {
        this.state = 'closed';
        this.closeReason = reason;
        for (const u of this.#unsubscribe)
            u();
        this.#unsubscribe = [];
        this.#opts.roles?.remove(this);
        if (notify)
            this.#opts.close(reason);
    }
    #nextXid() {
        this.#xid = (this.#xid + 1) >>> 0;
        return this.#xid;
    }
    #send(m) {
        this.messagesOut++;
        this.#opts.send(encodeMessage(m));
    }
    #sendError(offending, xid, e) {
        this.errorsSent++;
        this.#send(errorFor(offending, xid, e));
    }
    #handle(bytes) {
        this.messagesIn++;
        const r = decodeMessage(bytes);
        if (this.state === 'hello-wait') {
            if (r.ok && r.msg.type === 'hello') {
                if (!r.msg.versions.includes(OFP_VERSION)) {
                    this.errorsSent++;
                    this.#send({ type: 'error', xid: r.msg.xid, errType: OFPET.HELLO_FAILED, code: OFPHFC_INCOMPATIBLE, data: new TextEncoder().encode(`this switch speaks OpenFlow 1.3 (0x04) only; peer offered ${r.msg.versions.map((v) => `0x${v.toString(16).padStart(2, '0')}`).join(', ') || 'nothing'}`) });
                    this.#close('version negotiation failed');
                    return;
                }
                this.state = 'connected';
                this.#subscribe();
                return;
            }
            this.errorsSent++;
            this.#send({ type: 'error', xid: readXid(bytes), errType: OFPET.HELLO_FAILED, code: OFPHFC_INCOMPATIBLE, data: bytes.slice(0, 64) });
            this.#close('first message was not HELLO');
            return;
        }
        if (!r.ok) {
            this.#sendError(bytes, r.xid, r.error);
            return;
        }
        const e = this.#dispatch(r.msg);
        if (e !== null)
            this.#sendError(bytes, r.msg.xid, e);
    }
    #subscribe() {
        this.#unsubscribe.push(this.#api.onPacketIn((ev) => this.#packetIn(ev)));
        this.#unsubscribe.push(this.#api.onFlowRemoved((ev) => this.#flowRemoved(ev)));
    }
    #packetIn(ev) {
        if (this.state !== 'connected' || this.role === OFPCR_ROLE.SLAVE)
            return;
        this.packetInsSent++;
        this.#send({ type: 'packet_in', xid: 0, bufferId: OFP_NO_BUFFER, totalLen: ev.totalLen, reason: ev.reason, table: ev.table, cookie: ev.cookie, match: ev.match, data: ev.data });
    }
    #flowRemoved(ev) {
        if (this.state !== 'connected' || this.role === OFPCR_ROLE.SLAVE)
            return;
        const s = ev.stats;
        this.#send({ type: 'flow_removed', xid: 0, cookie: s.cookie, priority: s.priority, reason: ev.reason, table: s.table, durationNs: s.durationNs, idleTimeout: s.idleTimeout, hardTimeout: s.hardTimeout, packetCount: s.packetCount, byteCount: s.byteCount, match: s.match });
    }
    /** Handles a decoded message; returns the error to answer with, if any. */
    #dispatch(m) {
        const api = this.#api;
        const slave = this.role === OFPCR_ROLE.SLAVE;
        const isSlave = { type: OFPET.BAD_REQUEST, code: OFPBRC.IS_SLAVE, message: 'this controller is a slave' };
        switch (m.type) {
            case 'hello':
            case 'echo_reply':
            case 'barrier_reply':
                return null;
            case 'error':
                this.errorsReceived++;
                return null;
            case 'echo_request':
                this.#send({ type: 'echo_reply', xid: m.xid, data: m.data });
                return null;
            case 'experimenter':
                return { type: OFPET.BAD_REQUEST, code: OFPBRC.BAD_EXPERIMENTER, message: `experimenter 0x${m.experimenter.toString(16)} not supported` };
            case 'features_request':
                this.#send({ type: 'features_reply', xid: m.xid, datapathId: api.datapathId, nBuffers: 0, nTables: Math.min(api.nTables, 254), auxiliaryId: 0, capabilities: OFPC_FLOW_STATS | OFPC_TABLE_STATS | OFPC_PORT_STATS | OFPC_GROUP_STATS });
                return null;
            case 'get_config_request':
                this.#send({ type: 'get_config_reply', xid: m.xid, flags: this.configFlags, missSendLen: this.missSendLen });
                return null;
            case 'set_config':
                if (slave)
                    return isSlave;
                this.configFlags = m.flags & 3;
                this.missSendLen = m.missSendLen;
                return null;
            case 'barrier_request':
                this.#send({ type: 'barrier_reply', xid: m.xid });
                return null;
            case 'role_request':
                return this.#roleRequest(m.xid, m.role, m.generationId);
            case 'flow_mod': {
                if (slave)
                    return isSlave;
                let e;
                if (m.command === 'add')
                    e = api.addFlow(flowModOf(m));
                else if (m.command === 'modify' || m.command === 'modify_strict')
                    e = api.modifyFlows(flowFilterOf(m, m.command === 'modify_strict', OFPP_ANY, OFPG_ANY), m.instructions, m.flags);
                else
                    e = api.deleteFlows(flowFilterOf(m, m.command === 'delete_strict', m.outPort, m.outGroup));
                if (e === null && m.bufferId !== OFP_NO_BUFFER && m.command !== 'delete' && m.command !== 'delete_strict') {
                    return { type: OFPET.BAD_REQUEST, code: OFPBRC.BUFFER_UNKNOWN, message: `buffer ${m.bufferId}: this switch buffers nothing` };
                }
                return e;
            }
            case 'group_mod':
                return slave ? isSlave : api.groupMod(m.mod);
            case 'packet_out':
                if (slave)
                    return isSlave;
                if (m.bufferId !== OFP_NO_BUFFER)
                    return { type: OFPET.BAD_REQUEST, code: OFPBRC.BUFFER_UNKNOWN, message: `buffer ${m.bufferId}: this switch buffers nothing` };
                return api.packetOut(m.inPort, m.actions, m.data);
            case 'multipart_request': {
                const body = this.#multipart(m.body);
                for (const bytes of encodeMultipartReply(m.xid, body)) {
                    this.messagesOut++;
                    this.#opts.send(bytes);
                }
                return null;
            }
            default:
                return { type: OFPET.BAD_REQUEST, code: OFPBRC.BAD_TYPE, message: `a switch does not accept ${m.type}` };
        }
    }
    #roleRequest(xid, role, generationId) {
        if (role > OFPCR_ROLE.SLAVE)
            return { type: OFPET.ROLE_REQUEST_FAILED, code: OFPRRFC_BAD_ROLE, message: `role ${role}` };
        const arbiter = this.#opts.roles;
        if (role === OFPCR_ROLE.MASTER || role === OFPCR_ROLE.SLAVE) {
            if (arbiter) {
                if (arbiter.generationId !== null && BigInt.asIntN(64, generationId - arbiter.generationId) < 0n) {
                    return { type: OFPET.ROLE_REQUEST_FAILED, code: 0, message: `stale generation id ${generationId}` };
                }
                arbiter.generationId = generationId;
            }
            if (role === OFPCR_ROLE.MASTER)
                arbiter?.becameMaster(this);
        }
        if (role !== OFPCR_ROLE.NOCHANGE)
            this.role = role;
        this.#send({ type: 'role_reply', xid, role: this.role, generationId: arbiter?.generationId ?? generationId });
        return null;
    }
    #multipart(req) {
        const api = this.#api;
        switch (req.kind) {
            case 'desc':
                return { kind: 'desc', desc: this.#opts.desc ?? { manufacturer: 'vnet', hardware: 'vnet emulated OpenFlow switch', software: 'vnet', serial: 'None', datapath: 'None' } };
            case 'flow':
                return { kind: 'flow', flows: api.flowStats(flowFilterOf(req, false, req.outPort, req.outGroup)) };
            case 'aggregate':
                return { kind: 'aggregate', stats: api.aggregateStats(flowFilterOf(req, false, req.outPort, req.outGroup)) };
            case 'table':
                return { kind: 'table', tables: api.tableStats() };
            case 'port_stats':
                return { kind: 'port_stats', ports: api.portStats(req.port) };
            case 'port_desc':
                return { kind: 'port_desc', ports: api.portDescs() };
            case 'group':
                return { kind: 'group', groups: api.groupStats(req.groupId) };
            case 'group_desc':
                return { kind: 'group_desc', groups: this.#opts.groupDescs?.() ?? [] };
            case 'table_features':
                return { kind: 'table_features', tables: tableFeatures(Math.min(api.nTables, 254)) };
        }
    }
}
function readXid(b) {
    return b.length >= 8 ? ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0 : 0;
}
function concat(a, b) {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
}
//# sourceMappingURL=connection.js.map