/**
 * The control socket of a running `vnet lab up` lab: a Unix stream socket that lets later
 * `vnet ofctl FILE BRIDGE ...` calls act on the live switches instead of a lab built for one call.
 *
 * Protocol: newline-delimited JSON, one reply per request, in order, on one connection.
 *   request  { "op": "ofctl", "bridge": "br-tun", "args": ["add-flow", "table=0,...", "--run"?] }
 *   reply    { "ok": bool, "text": "stdout text", "error"?: "stderr text", "code": exit code }
 * `text` and `error` are exactly what the offline command prints; `code` is its exit status.
 * A line that is not such a request gets `{ ok: false, error, code: 2 }`; the connection stays up.
 *
 * This module holds the socket only; what a request does is the handler's business, called
 * synchronously from the event loop (so between two breaths of the engine, never during one).
 * Bounds: at most MAX_CONNECTIONS open connections (further ones are closed by the kernel-side
 * limit and counted), at most MAX_LINE_BYTES per request line (a longer one closes the
 * connection and is counted).
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const MAX_CONNECTIONS = 16;
const MAX_LINE_BYTES = 1 << 20;
/** The state file `lab up` writes for a lab name, in the temp directory. */
export function labStatePath(labName) {
    return join(tmpdir(), `vnet-lab-${labName.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}
/** The control socket path beside the state file. */
export function labControlPath(labName) {
    return labStatePath(labName).replace(/\.json$/, '.sock');
}
function parseRequest(line) {
    let v;
    try {
        v = JSON.parse(line);
    }
    catch {
        return 'request is not JSON';
    }
    const r = v;
    if (r === null || typeof r !== 'object')
        return 'request is not a JSON object';
    if (r.op !== 'ofctl')
        return `unknown op ${JSON.stringify(r.op)} (ofctl)`;
    if (typeof r.bridge !== 'string')
        return 'ofctl: bridge must be a string';
    if (!Array.isArray(r.args) || !r.args.every((a) => typeof a === 'string'))
        return 'ofctl: args must be an array of strings';
    return { op: 'ofctl', bridge: r.bridge, args: r.args };
}
export class LabControlServer {
    #server;
    #path;
    #open = new Set();
    #refusedConnections = 0;
    #oversizedLines = 0;
    constructor(server, path) {
        this.#server = server;
        this.#path = path;
    }
    /** Listens on `path` (a stale socket file there is replaced). */
    static listen(path, handle) {
        rmSync(path, { force: true });
        const server = net.createServer();
        const control = new LabControlServer(server, path);
        server.maxConnections = MAX_CONNECTIONS;
        server.on('drop', () => control.#refusedConnections++);
        server.on('connection', (sock) => control.#serve(sock, handle));
        return new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen(path, () => {
                server.off('error', reject);
                resolve(control);
            });
        });
    }
    get path() {
        return this.#path;
    }
    /** Open connections (gauge), connections refused over the limit, lines over the size limit. */
    stats() {
        return { connections: this.#open.size, refusedConnections: this.#refusedConnections, oversizedLines: this.#oversizedLines };
    }
    #serve(sock, handle) {
        this.#open.add(sock);
        sock.on('close', () => this.#open.delete(sock));
        sock.on('error', () => sock.destroy());
        let pending = '';
        sock.setEncoding('utf8');
        sock.on('data', (chunk) => {
            pending += chunk;
            let nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const line = pending.slice(0, nl);
                pending = pending.slice(nl + 1);
                if (line.trim() === '')
                    continue;
                const req = parseRequest(line);
                let reply;
                if (typeof req === 'string')
                    reply = { ok: false, text: '', error: req, code: 2 };
                else {
                    try {
                        reply = handle(req);
                    }
                    catch (e) {
                        reply = { ok: false, text: '', error: e.message, code: 1 };
                    }
                }
                sock.write(`${JSON.stringify(reply)}\n`);
            }
            if (pending.length > MAX_LINE_BYTES) {
                this.#oversizedLines++;
                sock.destroy();
            }
        });
    }
    close() {
        for (const s of this.#open)
            s.destroy();
        return new Promise((resolve) => {
            this.#server.close(() => {
                rmSync(this.#path, { force: true });
                resolve();
            });
        });
    }
}
/**
 * Sends one request to the control socket at `path`. Resolves null when nothing listens there
 * (no socket file, or connection refused: the lab is not up), so the caller can fall back to
 * building the lab itself; any failure after connecting rejects.
 */
export function labControlRequest(path, req, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
        const sock = net.connect(path);
        let connected = false;
        let pending = '';
        const timer = setTimeout(() => {
            sock.destroy();
            reject(new Error(`lab control ${path}: no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        const finish = (f) => {
            clearTimeout(timer);
            sock.destroy();
            f();
        };
        sock.setEncoding('utf8');
        sock.once('connect', () => {
            connected = true;
            sock.write(`${JSON.stringify(req)}\n`);
        });
        sock.on('data', (chunk) => {
            pending += chunk;
            const nl = pending.indexOf('\n');
            if (nl < 0)
                return;
            let reply;
            try {
                reply = JSON.parse(pending.slice(0, nl));
            }
            catch {
                finish(() => reject(new Error(`lab control ${path}: reply is not JSON`)));
                return;
            }
            finish(() => resolve(reply));
        });
        sock.on('error', (e) => {
            if (!connected && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED'))
                finish(() => resolve(null));
            else
                finish(() => reject(new Error(`lab control ${path}: ${e.message}`)));
        });
        sock.on('close', () => finish(() => reject(new Error(`lab control ${path}: closed before replying`))));
    });
}
//# sourceMappingURL=lab-control.js.map