/**
 * A guest IP stack that lives in another thread, as the lab sees it: the same calls as a Host's
 * (`ping`, `udpBind`/`udpSend`/`udpUnbind`, `addresses`, `neighbours`, `routes`), each a structured
 * command to the parked guest thread, so checks and `show` work unchanged on worker guests.
 *
 * Results that fill in as the engines run come back as events the guest posts after a breath or a
 * command: a ping's progress (new replies and errors since the last event, replayed onto a real
 * PingSession here, so `done`, `received`, RTTs and `summary()` read exactly as on an inline guest)
 * and datagrams for ports bound from this side (handed to the handler given to `udpBind`).
 * Events are per ping answer or per probe datagram, never per forwarded packet.
 */
import type { Host, IcmpErrorReport, PingError, PingOptions, PingReply, SendResult, UdpErrorHandler, UdpHandler, UdpSendOptions } from '../hosts/host.js';
import { PingSession } from '../hosts/ping.js';

/** What the lab needs of a node's IP stack: a Host, or a RemoteIpStack for a guest in a worker. */
export type IpStack = Pick<Host, 'ping' | 'udpBind' | 'udpUnbind' | 'udpSend' | 'addresses' | 'neighbours' | 'routes'>;

/** Commands the lab sends to a guest's stack. */
export type StackCommand =
  | { readonly op: 'ping'; readonly dst: string; readonly options: PingOptions }
  | { readonly op: 'udpBind'; readonly port: number; readonly errors: boolean }
  | { readonly op: 'udpUnbind'; readonly port: number }
  | { readonly op: 'udpSend'; readonly dst: string | number; readonly dstPort: number; readonly payload: Uint8Array; readonly options: UdpSendOptions }
  | { readonly op: 'addresses' | 'neighbours' | 'routes' };

/** Events a guest's stack posts back. */
export type StackEvent =
  | { readonly ev: 'ping'; readonly sid: number; readonly attempted: number; readonly failedSeqs: readonly number[]; readonly replies: readonly PingReply[]; readonly errors: readonly PingError[]; readonly late: number; readonly duplicates: number }
  | { readonly ev: 'udp'; readonly port: number; readonly srcIp: string; readonly srcPort: number; readonly payload: Uint8Array; readonly ifname: string }
  | { readonly ev: 'udp-error'; readonly port: number; readonly report: IcmpErrorReport };

const LOCAL_PING_ERRORS: ReadonlySet<string> = new Set(['no-route', 'too-big', 'send-failed']);

interface Mirror {
  readonly session: PingSession;
  attempted: number;
}

/** The lab-side stand-in for a guest's Host. */
export class RemoteIpStack implements IpStack {
  readonly #send: (c: StackCommand) => unknown;
  readonly #pings = new Map<number, Mirror>();
  readonly #udp = new Map<number, { handler: UdpHandler; onError: UdpErrorHandler | null }>();

  /** `send` runs one command on the parked guest and returns its reply. */
  constructor(send: (c: StackCommand) => unknown) {
    this.#send = send;
  }

  ping(dst: string, options: PingOptions = {}): PingSession {
    const r = this.#send({ op: 'ping', dst, options }) as { sid: number; id: number; count: number; size: number };
    const session = new PingSession(dst, r.id, r.count, r.size);
    this.#pings.set(r.sid, { session, attempted: 0 });
    return session;
  }

  udpBind(port: number, handler: UdpHandler, onError?: UdpErrorHandler): void {
    this.#send({ op: 'udpBind', port, errors: onError !== undefined });
    this.#udp.set(port, { handler, onError: onError ?? null });
  }

  udpUnbind(port: number): boolean {
    this.#udp.delete(port);
    return this.#send({ op: 'udpUnbind', port }) as boolean;
  }

  udpSend(dst: string | number, dstPort: number, payload: Uint8Array, options: UdpSendOptions = {}): SendResult {
    return this.#send({ op: 'udpSend', dst, dstPort, payload, options }) as SendResult;
  }

  addresses(): ReturnType<Host['addresses']> {
    return this.#send({ op: 'addresses' }) as ReturnType<Host['addresses']>;
  }

  neighbours(): ReturnType<Host['neighbours']> {
    return this.#send({ op: 'neighbours' }) as ReturnType<Host['neighbours']>;
  }

  routes(): ReturnType<Host['routes']> {
    return this.#send({ op: 'routes' }) as ReturnType<Host['routes']>;
  }

  /** Applies one event from the guest. */
  event(e: StackEvent): void {
    if (e.ev === 'udp') {
      this.#udp.get(e.port)?.handler(e.srcIp, e.srcPort, e.payload, e.ifname);
      return;
    }
    if (e.ev === 'udp-error') {
      this.#udp.get(e.port)?.onError?.(e.report);
      return;
    }
    const m = this.#pings.get(e.sid);
    if (m === undefined) return;
    const s = m.session;
    // Requests sent since the last event: each seq was either sent or failed locally (an error below).
    const failed = new Set(e.failedSeqs);
    for (let seq = m.attempted + 1; seq <= e.attempted; seq++) if (!failed.has(seq)) s.markSent(seq, 0);
    m.attempted = e.attempted;
    for (const err of e.errors) {
      if (err.kind === 'timeout') s.expire(err.seq);
      else if (LOCAL_PING_ERRORS.has(err.kind) && err.from === '') s.markNotSent(err.seq, err.kind);
      else s.error(err.seq, err.kind, err.code, err.from);
    }
    // Sent at 0 on this side, so "now" is the RTT the guest measured.
    for (const r of e.replies) s.reply(r.seq, r.rtt, r.ttl, r.bytes, r.from);
    s.late = e.late;
    s.duplicates = e.duplicates;
    if (s.done) this.#pings.delete(e.sid);
  }
}

interface Tracked {
  readonly session: PingSession;
  attempted: number;
  replies: number;
  errors: number;
  late: number;
  duplicates: number;
}

/** The guest-side half: runs the lab's commands on the real Host and reports progress. */
export class StackCommands {
  readonly #host: Host;
  readonly #post: (e: StackEvent) => void;
  readonly #pings = new Map<number, Tracked>();
  #nextSid = 1;

  constructor(host: Host, post: (e: StackEvent) => void) {
    this.#host = host;
    this.#post = post;
  }

  run(c: StackCommand): unknown {
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
        h.udpBind(
          port,
          (srcIp, srcPort, payload, ifname) => this.#post({ ev: 'udp', port, srcIp, srcPort, payload: payload.slice(), ifname }),
          c.errors ? (report) => this.#post({ ev: 'udp-error', port, report }) : undefined,
        );
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
  sync(): void {
    for (const [sid, t] of this.#pings) {
      const s = t.session;
      const localFailures = s.errors.filter((e) => LOCAL_PING_ERRORS.has(e.kind) && e.from === '');
      const attempted = s.sent + localFailures.length;
      if (attempted === t.attempted && s.replies.length === t.replies && s.errors.length === t.errors && s.late === t.late && s.duplicates === t.duplicates) continue;
      this.#post({
        ev: 'ping', sid, attempted, failedSeqs: localFailures.map((e) => e.seq),
        replies: s.replies.slice(t.replies), errors: s.errors.slice(t.errors), late: s.late, duplicates: s.duplicates,
      });
      t.attempted = attempted;
      t.replies = s.replies.length;
      t.errors = s.errors.length;
      t.late = s.late;
      t.duplicates = s.duplicates;
      if (s.done) this.#pings.delete(sid);
    }
  }
}
