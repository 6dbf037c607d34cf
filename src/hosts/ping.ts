/**
 * A ping session: the state of one `ping` run on a host, filled in as the engine runs.
 *
 * The host sends echo requests (RFC 792) with the session's identifier and sequence numbers
 * 1..count and reports back here: a reply gives an RTT in nanoseconds of engine time, an ICMP
 * error quoting one of our requests gives an error for that sequence, and a request with no
 * answer within `timeout` gives a `timeout`. Each sequence ends exactly once; answers that come
 * after their sequence ended are counted in `late` (or `duplicates` for a second reply).
 */

export type PingErrorKind =
  /** An ICMP destination unreachable came back (see `code`). */
  | 'unreachable'
  /** An ICMP time exceeded (TTL expired in transit) came back. */
  | 'ttl-exceeded'
  /** No answer within the timeout. */
  | 'timeout'
  /** The host had no route to the destination. */
  | 'no-route'
  /** The request was bigger than the outgoing interface's MTU (the host does not fragment). */
  | 'too-big'
  /** No packet buffer was free, or the request could not be sent for a local reason. */
  | 'send-failed';

export interface PingReply {
  readonly seq: number;
  /** Round-trip time in nanoseconds of engine time. */
  readonly rtt: number;
  /** TTL of the reply as received. */
  readonly ttl: number;
  /** ICMP payload bytes in the reply. */
  readonly bytes: number;
  /** Who answered (dotted quad). */
  readonly from: string;
}

export interface PingError {
  readonly seq: number;
  readonly kind: PingErrorKind;
  /** ICMP code of an `unreachable` (0 net, 1 host, 3 port, 4 fragmentation needed...), else -1. */
  readonly code: number;
  /** Who sent the ICMP error (dotted quad), or '' for local errors and timeouts. */
  readonly from: string;
}

export interface PingOptions {
  /** Echo requests to send (default 4, at most 65535). */
  readonly count?: number;
  /** Nanoseconds between requests (default 1 s). */
  readonly interval?: number;
  /** ICMP payload bytes (default 56). */
  readonly size?: number;
  /** Nanoseconds to wait for each answer (default 1 s). */
  readonly timeout?: number;
  /** TTL of the requests (default: the host's). */
  readonly ttl?: number;
  /** Source address (must be one of the host's). */
  readonly src?: string;
}

const PENDING = 0;
const ANSWERED = 1;
const FAILED = 2;
const NOT_SENT = 3;

export class PingSession {
  readonly dst: string;
  /** ICMP echo identifier of this session. */
  readonly id: number;
  readonly count: number;
  readonly size: number;
  /** Requests sent. */
  sent = 0;
  /** Replies received in time. */
  received = 0;
  /** Answers (replies or errors) that came after their sequence had ended. */
  late = 0;
  /** Second replies to a sequence already answered. */
  duplicates = 0;
  readonly replies: PingReply[] = [];
  readonly errors: PingError[] = [];
  readonly #sentAt: Float64Array;
  readonly #status: Uint8Array;
  #ended = 0;
  #stopped = false;

  constructor(dst: string, id: number, count: number, size: number) {
    this.dst = dst;
    this.id = id;
    this.count = count;
    this.size = size;
    this.#sentAt = new Float64Array(count + 1);
    this.#status = new Uint8Array(count + 1).fill(NOT_SENT);
  }

  /** True when every sequence has ended (answered, failed or timed out) or the session was stopped. */
  get done(): boolean {
    return this.#stopped || this.#ended === this.count;
  }

  /** Percentage of sent requests without a reply. */
  get loss(): number {
    return this.sent === 0 ? 0 : (100 * (this.sent - this.received)) / this.sent;
  }

  /** Stops sending; pending sequences stay unanswered. */
  stop(): void {
    this.#stopped = true;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** A summary in the shape `ping` prints at the end. */
  summary(): string {
    const rtts = this.replies.map((r) => r.rtt / 1e6);
    const head = `${this.sent} packets transmitted, ${this.received} received, ${Math.round(this.loss)}% packet loss`;
    if (rtts.length === 0) return this.errors.length > 0 ? `${head}, ${this.errors.length} errors` : head;
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
    return `${head}\nrtt min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms`;
  }

  /** The host sent sequence `seq` at `now`. */
  markSent(seq: number, now: number): void {
    this.sent++;
    this.#sentAt[seq] = now;
    this.#status[seq] = PENDING;
  }

  /** The host could not send sequence `seq`. */
  markNotSent(seq: number, kind: PingErrorKind): void {
    this.#status[seq] = FAILED;
    this.#ended++;
    this.errors.push({ seq, kind, code: -1, from: '' });
  }

  /** An echo reply for `seq` arrived at `now`; returns false when it was late, duplicate or unknown. */
  reply(seq: number, now: number, ttl: number, bytes: number, from: string): boolean {
    if (seq < 1 || seq > this.count) return false;
    const s = this.#status[seq];
    if (s === ANSWERED) {
      this.duplicates++;
      return false;
    }
    if (s !== PENDING) {
      if (s === FAILED) this.late++;
      return false;
    }
    this.#status[seq] = ANSWERED;
    this.#ended++;
    this.received++;
    this.replies.push({ seq, rtt: now - this.#sentAt[seq]!, ttl, bytes, from });
    return true;
  }

  /** An ICMP error quoting request `seq` arrived; returns false when the sequence had already ended. */
  error(seq: number, kind: PingErrorKind, code: number, from: string): boolean {
    if (seq < 1 || seq > this.count || this.#status[seq] !== PENDING) {
      this.late++;
      return false;
    }
    this.#status[seq] = FAILED;
    this.#ended++;
    this.errors.push({ seq, kind, code, from });
    return true;
  }

  /** The timeout of `seq` fired. */
  expire(seq: number): void {
    if (this.#status[seq] !== PENDING) return;
    this.#status[seq] = FAILED;
    this.#ended++;
    this.errors.push({ seq, kind: 'timeout', code: -1, from: '' });
  }
}
