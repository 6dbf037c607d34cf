/**
 * `vnet daemon --socket PATH` and `vnet --daemon PATH <command>`.
 *
 * The daemon keeps real labs running: the datapath (engine, TAP ports) lives in a worker thread
 * (src/real/datapath-worker.ts) so this thread, which serves the control socket, stays
 * responsive however busy the datapath is.
 *
 * Protocol (a Unix stream socket, newline-delimited JSON, one reply per request, in order):
 *   request  { "id": N, "op": "status" | "show-ports" | "shutdown" }
 *            { "id": N, "op": "lab-up", "file": "/abs/lab.yml", "offloads"?: bool, "nsPrefix"?: "p-" }
 *            { "id": N, "op": "lab-down", "lab": "NAME" }
 *            { "id": N, "op": "ofctl", "lab": "NAME", "bridge": "br", "args": ["dump-flows", ...] }
 *              (result: { ok, text, error?, code }, what `vnet ofctl` prints; the CLI sends it
 *              for a lab the daemon runs)
 *   reply    { "id": N, "ok": true, "result": ... }  or  { "id": N, "ok": false, "error": "message" }
 * A lab-up result names the lab's namespaces and, for switches with `listen`/`controller`, their
 * OpenFlow channels (`openflow: [{ node, listen: ["ptcp:PORT:HOST"], connect }]`).
 * A line that is not a JSON object with a known op gets an error reply; the connection stays up.
 * `shutdown` (or SIGINT/SIGTERM) takes every lab down, closes the socket and exits.
 */
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabFile } from '../control/lab/load.js';
import { startWorker } from '../vm/worker.js';
import type { DatapathLog, DatapathReply, DatapathRequest, PortRow } from '../real/datapath-worker.js';
import { offloadsOption } from './real-lab.js';
import { table } from './table.js';

const OPS = new Set(['status', 'show-ports', 'shutdown', 'lab-up', 'lab-down', 'ofctl']);

function datapathModule(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`../real/datapath-worker${ext}`, import.meta.url);
}

/** Is something answering on this Unix socket? */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const c = net.connect(path);
    c.once('connect', () => {
      c.destroy();
      resolvePromise(true);
    });
    c.once('error', () => resolvePromise(false));
  });
}

/** `vnet daemon --socket PATH`: runs until shutdown; returns -1 (the exit code is set later). */
export function daemonCommand(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const { values } = parseArgs({ args: argv, options: { socket: { type: 'string' } } });
  if (values.socket === undefined) throw new Error('daemon: --socket PATH is required');
  const path = resolve(values.socket);
  void runDaemon(path, out).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`vnet daemon: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
  return -1;
}

async function runDaemon(path: string, out: (line: string) => void): Promise<number> {
  if (existsSync(path)) {
    if (await socketAlive(path)) throw new Error(`${path}: another daemon is listening there`);
    rmSync(path, { force: true });
  }
  const worker = startWorker(datapathModule(), { socket: path });
  let nextId = 1;
  const pending = new Map<number, (r: DatapathReply) => void>();
  worker.on('message', (r: DatapathReply | DatapathLog) => {
    if ('log' in r) return out(r.log);
    const done = pending.get(r.id);
    pending.delete(r.id);
    done?.(r);
  });
  const call = (req: Omit<DatapathRequest, 'id'>): Promise<DatapathReply> =>
    new Promise((resolvePromise) => {
      const id = nextId++;
      pending.set(id, resolvePromise);
      worker.postMessage({ ...req, id });
    });
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  let stopping = false;
  const shutdown = async (): Promise<DatapathReply> => {
    stopping = true;
    const r = await call({ op: 'shutdown' });
    finish();
    return r;
  };
  const server = net.createServer((conn) => {
    let buffered = '';
    let queue = Promise.resolve();
    conn.on('data', (d: Buffer) => {
      buffered += d.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line === '') continue;
        queue = queue.then(async () => {
          let id: unknown = null;
          let reply: object;
          try {
            const req = JSON.parse(line) as Record<string, unknown>;
            id = req.id ?? null;
            if (typeof req !== 'object' || req === null || typeof req.op !== 'string' || !OPS.has(req.op)) throw new Error(`unknown op ${JSON.stringify(req?.op)} (expected one of ${[...OPS].join(', ')})`);
            if (stopping) throw new Error('the daemon is shutting down');
            const r = req.op === 'shutdown' ? await shutdown() : await call(req as unknown as Omit<DatapathRequest, 'id'>);
            reply = r.ok ? { id, ok: true, result: r.result } : { id, ok: false, error: r.error };
          } catch (e) {
            reply = { id, ok: false, error: (e as Error).message };
          }
          if (!conn.destroyed) conn.write(`${JSON.stringify(reply)}\n`);
        });
      }
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolvePromise());
  });
  const onSignal = (): void => {
    if (!stopping) void shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  out(`vnet daemon listening on ${path} (pid ${process.pid})`);
  await finished;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(path, { force: true });
  await worker.terminate();
  out('vnet daemon stopped');
  return 0;
}

/** Sends one request to a daemon and returns its reply. */
export function daemonRequest(path: string, req: Record<string, unknown>, timeoutMs = 60_000): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  return new Promise((resolvePromise, reject) => {
    const c = net.connect(path);
    let buffered = '';
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`daemon at ${path} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    c.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot reach the daemon at ${path}: ${e.message}`));
    });
    c.on('data', (d: Buffer) => {
      buffered += d.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      c.end();
      resolvePromise(JSON.parse(buffered.slice(0, nl)) as { ok: boolean; result?: unknown; error?: string });
    });
    c.write(`${JSON.stringify({ id: 1, ...req })}\n`);
  });
}

/** `vnet --daemon PATH show ports | status | lab up FILE --real | lab down FILE | shutdown`. */
export function daemonClientCommand(path: string, argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', short: 'j' }, real: { type: 'boolean' }, offloads: { type: 'boolean' }, 'no-offloads': { type: 'boolean' }, 'netns-prefix': { type: 'string' } } });
  const words = positionals.join(' ');
  let req: Record<string, unknown>;
  if (words === 'show ports') req = { op: 'show-ports' };
  else if (words === 'status') req = { op: 'status' };
  else if (words === 'shutdown') req = { op: 'shutdown' };
  else if (positionals[0] === 'lab' && positionals[1] === 'up' && positionals.length === 3) {
    if (!values.real) throw new Error('--daemon: the daemon runs real labs only: lab up FILE --real');
    req = { op: 'lab-up', file: resolve(positionals[2]!), offloads: offloadsOption(values.offloads, values['no-offloads']), ...(values['netns-prefix'] !== undefined ? { nsPrefix: values['netns-prefix'] } : {}) };
  } else if (positionals[0] === 'lab' && positionals[1] === 'down' && positionals.length === 3) {
    req = { op: 'lab-down', lab: loadLabFile(positionals[2]!).name };
  } else throw new Error(`--daemon: unknown command ${JSON.stringify(words)} (show ports, status, lab up FILE --real, lab down FILE, shutdown)`);
  void daemonRequest(path, req).then(
    (r) => {
      if (!r.ok) {
        process.stderr.write(`vnet: daemon: ${r.error}\n`);
        process.exitCode = 1;
        return;
      }
      if (values.json || req.op !== 'show-ports') out(JSON.stringify(r.result, null, 2));
      else {
        const rows = r.result as PortRow[];
        // offloads: GSO packets taken whole, GSO packets cut into segments, and frames merged by GRO with the segments they held;
        // for a tunnel's UDP socket: GSO sends, GRO runs, frames merged before the VTEP with their datagrams, kernel drops;
        // for a vhost-user port: the backend's state, front-ends connected so far, rounds it held frames back.
        const offloads = (x: PortRow): string => {
          if (x.socket !== undefined) return `udp gso sends ${x.socket.gsoSends}, gro runs ${x.socket.groRuns}, merged ${x.socket.merged}/${x.socket.mergedDatagrams}, kernel drops ${x.socket.kernelDrops}`;
          if (x.vhostUser !== undefined) return `vhost-user (${x.vhostUser.placement}) ${x.vhostUser.state}, ${x.vhostUser.connections} connections, backpressure ${x.vhostUser.backpressure}`;
          if (x.offloads === undefined) return '';
          return x.offloads.on ? `gso ${x.offloads.rxGsoPackets}, tso cut ${x.offloads.txSegmented}, gro ${x.offloads.txCoalesced}/${x.offloads.txCoalescedSegments}` : 'off';
        };
        const where = (x: PortRow): string => x.ifname ?? (x.socket !== undefined ? `udp ${x.socket.local}` : x.vhostUser !== undefined ? x.vhostUser.socket : '');
        out(table(['port', 'interface', 'rx', 'tx', 'drops', 'offloads'], rows.map((x) => [x.port, where(x), x.rxPackets, x.txPackets, x.drops, offloads(x)])));
      }
      process.exitCode = 0;
    },
    (e: unknown) => {
      process.stderr.write(`vnet: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
  return -1;
}
