export class Tracer {
    #records = [];
    limit;
    overflow = 0;
    #nextId = 1;
    #now;
    constructor(now, limit = 100_000) {
        this.#now = now;
        this.limit = limit;
    }
    /** Marks a packet as traced and returns its trace id. */
    start(p) {
        const id = this.#nextId++;
        p.traceId = id;
        return id;
    }
    note(p, where, text) {
        this.#push({ traceId: p.traceId, time: this.#now(), where, kind: 'note', text, length: p.len });
    }
    hop(p, link) {
        this.#push({ traceId: p.traceId, time: this.#now(), where: `${link.from.app}.${link.from.port}`, kind: 'hop', text: `-> ${link.to.app}.${link.to.port}`, length: p.len });
    }
    /** Records of one trace, in order. */
    records(traceId) {
        return this.#records.filter((r) => r.traceId === traceId);
    }
    get size() {
        return this.#records.length;
    }
    clear() {
        this.#records.length = 0;
    }
    #push(r) {
        if (this.#records.length >= this.limit) {
            this.overflow++;
            return;
        }
        this.#records.push(r);
    }
}
//# sourceMappingURL=trace.js.map