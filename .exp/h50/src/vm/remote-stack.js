import { PingSession } from '../hosts/ping.js';
const LOCAL_PING_ERRORS = new Set(['no-route', 'too-big', 'send-failed']);
/** The lab-side stand-in for a guest's Host. */
export class RemoteIpStack {
    #send;
    #pings = new Map();
    #udp = new Map();
    /** `send` runs one command on the parked guest and returns its reply. */
    constructor(send) {
        this.#send = send;
    }
    ping(dst, options = {}) {
        const r = this.#send({ op: 'ping', dst, options });
        const session = new PingSession(dst, r.id, r.count, r.size);
        this.#pings.set(r.sid, { session, attempted: 0 });
        return session;
    }
    udpBind(port, handler, onError) {
        this.#send({ op: 'udpBind', port, errors: onError !== undefined });
        this.#udp.set(port, { handler, onError: onError ?? null });
    }
    udpUnbind(port) {
        this.#udp.delete(port);
        return this.#send({ op: 'udpUnbind', port });
    }
    udpSend(dst, dstPort, payload, options = {}) {
        return this.#send({ op: 'udpSend', dst, dstPort, payload, options });
    }
    addresses() {
        return this.#send({ op: 'addresses' });
    }
    neighbours() {
        return this.#send({ op: 'neighbours' });
    }
    routes() {
        return this.#send({ op: 'routes' });
    }
    /** Applies one event from the guest. */
    event(e) {
        if (e.ev === 'udp') {
            this.#udp.get(e.port)?.handler(e.srcIp, e.srcPort, e.payload, e.ifname);
            return;
        }
        if (e.ev === 'udp-error') {
            this.#udp.get(e.port)?.onError?.(e.report);
            return;
        }
        const m = this.#pings.get(e.sid);
        if (m === undefined)
            return;
        const s = m.session;
        // Requests sent since the last event: each seq was either sent or failed locally (an error below).
        const failed = new Set(e.failedSeqs);
        for (let seq = m.attempted + 1; seq <= e.attempted; seq++)
            if (!failed.has(seq))
                s.markSent(seq, 0);
        m.attempted = e.attempted;
        for (const err of e.errors) {
            if (err.kind === 'timeout')
                s.expire(err.seq);
            else if (LOCAL_PING_ERRORS.has(err.kind) && err.from === '')
                s.markNotSent(err.seq, err.kind);
            else
                s.error(err.seq, err.kind, err.code, err.from);
        }
        // Sent at 0 on this side, so "now" is the RTT the guest measured.
        for (const r of e.replies)
            s.reply(r.seq, r.rtt, r.ttl, r.bytes, r.from);
        s.late = e.late;
        s.duplicates = e.duplicates;
        if (s.done)
            this.#pings.delete(e.sid);
    }
}
/** The guest-side half: runs the lab's commands on the real Host and reports progress. */
export class StackCommands {
    #host;
    #post;
    #pings = new Map();
    #nextSid = 1;
    constructor(host, post) {
        this.#host = host;
        this.#post = post;
    }
    run(c) {
        const h = this.#host;
        switch (c.op) {
            case 'ping': {
                const session = h.ping(c.dst, c.options);
                const sid = this.#nextSid++;
                this.#pings.set(sid, { session, attempted: 0, replies: 0, errors: 0, late: 0, duplicates: 0 });
                return { sid, id: session.id, count: session.count, size: session.size };
            }
            case 'udpBind': {
                const port = c.port;
                h.udpBind(port, (srcIp, srcPort, payload, ifname) => this.#post({ ev: 'udp', port, srcIp, srcPort, payload: payload.slice(), ifname }), c.errors ? (report) => this.#post({ ev: 'udp-error', port, report }) : undefined);
                return undefined;
            }
            case 'udpUnbind': return h.udpUnbind(c.port);
            case 'udpSend': return h.udpSend(c.dst, c.dstPort, c.payload, c.options);
            case 'addresses': return h.addresses();
            case 'neighbours': return h.neighbours();
            case 'routes': return h.routes();
        }
    }
    /** Posts what changed in each running ping since the last look (after every breath and command). */
    sync() {
        for (const [sid, t] of this.#pings) {
            const s = t.session;
            const localFailures = s.errors.filter((e) => LOCAL_PING_ERRORS.has(e.kind) && e.from === '');
            const attempted = s.sent + localFailures.length;
            if (attempted === t.attempted && s.replies.length === t.replies && s.errors.length === t.errors && s.late === t.late && s.duplicates === t.duplicates)
                continue;
            this.#post({
                ev: 'ping', sid, attempted, failedSeqs: localFailures.map((e) => e.seq),
                replies: s.replies.slice(t.replies), errors: s.errors.slice(t.errors), late: s.late, duplicates: s.duplicates,
            });
            t.attempted = attempted;
            t.replies = s.replies.length;
            t.errors = s.errors.length;
            t.late = s.late;
            t.duplicates = s.duplicates;
            if (s.done)
                this.#pings.delete(sid);
        }
    }
}
//# sourceMappingURL=remote-stack.js.map