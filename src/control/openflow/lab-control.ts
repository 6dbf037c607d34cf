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

export interface LabControlRequest {
  readonly op: 'ofctl';
  readonly bridge: string;
  readonly args: readonly string[];
}

export interface LabControlReply {
  readonly ok: boolean;
  readonly text: string;
  readonly error?: string;
  readonly code: number;
}

/** The state file `lab up` writes for a lab name, in the temp directory. */
export function labStatePath(labName: string): string {
  return join(tmpdir(), `vnet-lab-${labName.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/** The control socket path beside the state file. */
export function labControlPath(labName: string): string {
  return labStatePath(labName).replace(/\.json$/, '.sock');
}

function parseRequest(line: string): LabControlRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'request is not JSON';
  }
  const r = v as Partial<Record<keyof LabControlRequest, unknown>> | null;
  if (r === null || typeof r !== 'object') return 'request is not a JSON object';
  if (r.op !== 'ofctl') return `unknown op ${JSON.stringify(r.op)} (ofctl)`;
  if (typeof r.bridge !== 'string') return 'ofctl: bridge must be a string';
  if (!Array.isArray(r.args) || !r.args.every((a) => typeof a === 'string')) return 'ofctl: args must be an array of strings';
  return { op: 'ofctl', bridge: r.bridge, args: r.args as string[] };
}

export class LabControlServer {
  readonly #server: net.Server;
  readonly #path: string;
  readonly #open = new Set<net.Socket>();
  #refusedConnections = 0;
  #oversizedLines = 0;

  private constructor(server: net.Server, path: string) {
    this.#server = server;
    this.#path = path;
  }

  /** Listens on `path` (a stale socket file there is replaced). */
  static listen(path: string, handle: (req: LabControlRequest) => LabControlReply): Promise<LabControlServer> {
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

  get path(): string {
    return this.#path;
  }

  /** Open connections (gauge), connections refused over the limit, lines over the size limit. */
  stats(): { connections: number; refusedConnections: number; oversizedLines: number } {
    return { connections: this.#open.size, refusedConnections: this.#refusedConnections, oversizedLines: this.#oversizedLines };
  }

  #serve(sock: net.Socket, handle: (req: LabControlRequest) => LabControlReply): void {
    this.#open.add(sock);
    sock.on('close', () => this.#open.delete(sock));
    sock.on('error', () => sock.destroy());
    let pending = '';
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim() === '') continue;
        const req = parseRequest(line);
        let reply: LabControlReply;
        if (typeof req === 'string') reply = { ok: false, text: '', error: req, code: 2 };
        else {
          try {
            reply = handle(req);
          } catch (e) {
            reply = { ok: false, text: '', error: (e as Error).message, code: 1 };
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

  close(): Promise<void> {
    for (const s of this.#open) s.destroy();
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
export function labControlRequest(path: string, req: LabControlRequest, timeoutMs = 60_000): Promise<LabControlReply | null> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(path);
    let connected = false;
    let pending = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`lab control ${path}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (f: () => void): void => {
      clearTimeout(timer);
      sock.destroy();
      f();
    };
    sock.setEncoding('utf8');
    sock.once('connect', () => {
      connected = true;
      sock.write(`${JSON.stringify(req)}\n`);
    });
    sock.on('data', (chunk: string) => {
      pending += chunk;
      const nl = pending.indexOf('\n');
      if (nl < 0) return;
      let reply: LabControlReply;
      try {
        reply = JSON.parse(pending.slice(0, nl)) as LabControlReply;
      } catch {
        finish(() => reject(new Error(`lab control ${path}: reply is not JSON`)));
        return;
      }
      finish(() => resolve(reply));
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED')) finish(() => resolve(null));
      else finish(() => reject(new Error(`lab control ${path}: ${e.message}`)));
    });
    sock.on('close', () => finish(() => reject(new Error(`lab control ${path}: closed before replying`))));
  });
}
