/**
 * The OpenFlow channel of one switch over TCP: listening for controllers and tools
 * (`ptcp:PORT[:IP]`, as ovs-vsctl set-controller writes it) and connecting out to controllers
 * (`tcp:HOST:PORT`) with exponential reconnect backoff. Each TCP connection runs one
 * `OpenFlowSession`; this file is the only place with sockets and timers (the async I/O edge).
 *
 * Bounds: at most `maxSessions` accepted connections (more are closed on accept and counted);
 * a session whose socket has more than `maxQueuedBytes` unsent is sent no more PACKET_INs
 * (counted in `packetInOverflows` by dropping the bytes) so a slow controller cannot grow memory.
 */
import net from 'node:net';
import { OpenFlowSession, RoleArbiter } from './connection.js';
/** Parses `ptcp:PORT[:IP]` or `tcp:HOST:PORT` (HOST may be an IPv6 address in brackets). */
export function parseChannelTarget(spec) {
    const port = (s) => {
        const n = Number(s);
        if (s === undefined || s === '' || !Number.isInteger(n) || n < 0 || n > 65535)
            throw new Error(`openflow target ${JSON.stringify(spec)}: bad port ${JSON.stringify(s ?? '')}`);
        return n;
    };
    let m = /^ptcp:(\d*)(?::(.+))?$/.exec(spec);
    if (m)
        return { kind: 'listen', port: port(m[1] === '' ? '6653' : m[1]), host: stripBrackets(m[2] ?? '0.0.0.0') };
    m = /^tcp:(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
    if (m)
        return { kind: 'connect', host: stripBrackets(m[1]), port: port(m[2] ?? '6653') };
    throw new Error(`openflow target ${JSON.stringify(spec)}: expected ptcp:PORT[:IP] or tcp:HOST:PORT`);
}
function stripBrackets(h) {
    return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
export class OpenFlowChannel {
    #api;
    #opts;
    #roles = new RoleArbiter();
    #servers = [];
    #sessions = new Map();
    #active = [];
    #ticker = null;
    #stopped = false;
    /** Connections refused because `maxSessions` were open. */
    sessionOverflows = 0;
    /** Bytes not sent because a peer's socket queue was over `maxQueuedBytes`. */
    txOverflowBytes = 0;
    connectAttempts = 0;
    constructor(api, opts) {
        this.#api = api;
        this.#opts = opts;
    }
    /** Starts listening and connecting; resolves once every listener is bound. */
    async start() {
        const targets = this.#opts.targets.map((t) => (typeof t === 'string' ? parseChannelTarget(t) : t));
        for (const t of targets) {
            if (t.kind === 'listen') {
                const server = net.createServer((socket) => this.#accept(socket));
                await new Promise((resolve, reject) => {
                    server.once('error', reject);
                    server.listen(t.port, t.host, () => {
                        server.off('error', reject);
                        resolve();
                    });
                });
                server.on('error', (e) => this.#log(`listener error: ${e.message}`));
                this.#servers.push(server);
                const a = server.address();
                this.#log(`listening on ${typeof a === 'object' && a ? `${a.address}:${a.port}` : String(a)}`);
            }
            else {
                const active = { target: t, socket: null, session: null, backoff: this.#opts.backoffMs ?? 1000, timer: null };
                this.#active.push(active);
                this.#connect(active);
            }
        }
        this.#ticker = setInterval(() => {
            const now = Date.now();
            for (const s of this.#sessions.values())
                s.tick(now);
        }, 1000);
        this.#ticker.unref();
    }
    /** Where the listeners are bound (port 0 in a target picks a free port). */
    listenAddresses() {
        return this.#servers.flatMap((s) => {
            const a = s.address();
            return typeof a === 'object' && a !== null ? [{ host: a.address, port: a.port }] : [];
        });
    }
    /** The live sessions (for counters and tests). */
    sessions() {
        return [...this.#sessions.values()];
    }
    /** Closes every socket and listener and cancels reconnects. */
    async stop() {
        this.#stopped = true;
        if (this.#ticker)
            clearInterval(this.#ticker);
        for (const a of this.#active)
            if (a.timer)
                clearTimeout(a.timer);
        for (const [socket, session] of this.#sessions) {
            session.stop('channel stopped');
            socket.destroy();
        }
        this.#sessions.clear();
        await Promise.all(this.#servers.map((s) => new Promise((resolve) => s.close(() => resolve()))));
        this.#servers.length = 0;
    }
    #log(line) {
        this.#opts.log?.(line);
    }
    #accept(socket) {
        if (this.#stopped || this.#sessions.size >= (this.#opts.maxSessions ?? 64)) {
            this.sessionOverflows++;
            socket.destroy();
            return;
        }
        this.#attach(socket, `${socket.remoteAddress}:${socket.remotePort}`, () => { });
    }
    #connect(a) {
        if (this.#stopped)
            return;
        this.connectAttempts++;
        const socket = net.connect({ host: a.target.host, port: a.target.port });
        a.socket = socket;
        socket.once('connect', () => {
            a.session = this.#attach(socket, `${a.target.host}:${a.target.port}`, () => {
                a.session = null;
                a.socket = null;
                this.#scheduleReconnect(a);
            });
        });
        socket.once('error', (e) => {
            if (a.session === null) {
                this.#log(`connect to ${a.target.host}:${a.target.port} failed: ${e.message}`);
                socket.destroy();
                this.#scheduleReconnect(a);
            }
        });
    }
    #scheduleReconnect(a) {
        if (this.#stopped || a.timer !== null)
            return;
        const delay = a.backoff;
        a.backoff = Math.min(a.backoff * 2, this.#opts.maxBackoffMs ?? 8000);
        a.timer = setTimeout(() => {
            a.timer = null;
            this.#connect(a);
        }, delay);
        a.timer.unref();
    }
    #attach(socket, peer, onGone) {
        socket.setNoDelay(true);
        const maxQueued = this.#opts.maxQueuedBytes ?? 4 << 20;
        let gone = false;
        const finish = (why) => {
            if (gone)
                return;
            gone = true;
            this.#sessions.delete(socket);
            session.stop(why);
            this.#log(`session with ${peer} closed: ${why}`);
            onGone();
        };
        const opts = {
            switch: this.#api,
            now: () => Date.now(),
            send: (bytes) => {
                if (socket.destroyed)
                    return;
                if (socket.writableLength > maxQueued) {
                    this.txOverflowBytes += bytes.length;
                    return;
                }
                socket.write(bytes);
            },
            close: (reason) => {
                // Let queued bytes (the error explaining why) reach the peer first.
                socket.end();
                finish(reason);
            },
            ...(this.#opts.echoIntervalMs !== undefined ? { echoIntervalMs: this.#opts.echoIntervalMs } : {}),
            ...(this.#opts.echoTimeoutMs !== undefined ? { echoTimeoutMs: this.#opts.echoTimeoutMs } : {}),
            ...(this.#opts.desc !== undefined ? { desc: this.#opts.desc } : {}),
            ...(this.#opts.groupDescs !== undefined ? { groupDescs: this.#opts.groupDescs } : {}),
            roles: this.#roles,
        };
        const session = new OpenFlowSession(opts);
        this.#sessions.set(socket, session);
        socket.on('data', (chunk) => {
            session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            if (session.state === 'hello-wait' || session.state === 'connected')
                this.#resetBackoff(socket);
        });
        socket.on('error', (e) => finish(`socket error: ${e.message}`));
        socket.on('close', () => finish('peer closed the connection'));
        this.#log(`session with ${peer} opened`);
        session.start();
        return session;
    }
    #resetBackoff(socket) {
        for (const a of this.#active)
            if (a.socket === socket && a.session?.state === 'connected')
                a.backoff = this.#opts.backoffMs ?? 1000;
    }
}
//# sourceMappingURL=channel.js.map