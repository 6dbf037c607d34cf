/**
 * A ping session: the state of one `ping` run on a host, filled in as the engine runs.
 *
 * The host sends echo requests (RFC 792) with the session's identifier and sequence numbers
 * 1..count and reports back here: a reply gives an RTT in nanoseconds of engine time, an ICMP
 * error quoting one of our requests gives an error for that sequence, and a request with no
 * answer within `timeout` gives a `timeout`. Each sequence ends exactly once; answers that come
 * after their sequence ended are counted in `late` (or `duplicates` for a second reply).
 */
const PENDING = 0;
const ANSWERED = 1;
const FAILED = 2;
const NOT_SENT = 3;
export class PingSession {
    dst;
    /** ICMP echo identifier of this session. */
    id;
    count;
    size;
    /** Requests sent. */
    sent = 0;
    /** Replies received in time. */
    received = 0;
    /** Answers (replies or errors) that came after their sequence had ended. */
    late = 0;
    /** Second replies to a sequence already answered. */
    duplicates = 0;
    replies = [];
    errors = [];
    #sentAt;
    #status;
    #ended = 0;
    #stopped = false;
    constructor(dst, id, count, size) {
        this.dst = dst;
        this.id = id;
        this.count = count;
        this.size = size;
        this.#sentAt = new Float64Array(count + 1);
        this.#status = new Uint8Array(count + 1).fill(NOT_SENT);
    }
    /** True when every sequence has ended (answered, failed or timed out) or the session was stopped. */
    get done() {
        return this.#stopped || this.#ended === this.count;
    }
    /** Percentage of sent requests without a reply. */
    get loss() {
        return this.sent === 0 ? 0 : (100 * (this.sent - this.received)) / this.sent;
    }
    /** Stops sending; pending sequences stay unanswered. */
    stop() {
        this.#stopped = true;
    }
    get stopped() {
        return this.#stopped;
    }
    /** A summary in the shape `ping` prints at the end. */
    summary() {
        const rtts = this.replies.map((r) => r.rtt / 1e6);
        const head = `${this.sent} packets transmitted, ${this.received} received, ${Math.round(this.loss)}% packet loss`;
        if (rtts.length === 0)
            return this.errors.length > 0 ? `${head}, ${this.errors.length} errors` : head;
        const min = Math.min(...rtts);
        const max = Math.max(...rtts);
        const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
        return `${head}\nrtt min/avg/max = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)} ms`;
    }
    /** The host sent sequence `seq` at `now`. */
    markSent(seq, now) {
        this.sent++;
        this.#sentAt[seq] = now;
        this.#status[seq] = PENDING;
    }
    /** The host could not send sequence `seq`. */
    markNotSent(seq, kind) {
        this.#status[seq] = FAILED;
        this.#ended++;
        this.errors.push({ seq, kind, code: -1, from: '' });
    }
    /** An echo reply for `seq` arrived at `now`; returns false when it was late, duplicate or unknown. */
    reply(seq, now, ttl, bytes, from) {
        if (seq < 1 || seq > this.count)
            return false;
        const s = this.#status[seq];
        if (s === ANSWERED) {
            this.duplicates++;
            return false;
        }
        if (s !== PENDING) {
            if (s === FAILED)
                this.late++;
            return false;
        }
        this.#status[seq] = ANSWERED;
        this.#ended++;
        this.received++;
        this.replies.push({ seq, rtt: now - this.#sentAt[seq], ttl, bytes, from });
        return true;
    }
    /** An ICMP error quoting request `seq` arrived; returns false when the sequence had already ended. */
    error(seq, kind, code, from) {
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
    expire(seq) {
        if (this.#status[seq] !== PENDING)
            return;
        this.#status[seq] = FAILED;
        this.#ended++;
        this.errors.push({ seq, kind: 'timeout', code: -1, from: '' });
    }
}
//# sourceMappingURL=ping.js.map