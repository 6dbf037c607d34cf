import { completeChecksum, TsoSegmenter } from './offload.js';
/**
 * True when every app a packet put on `link` can reach takes offloaded packets: the app at its
 * end 'finishes' them, or 'passes-on' them and every app behind it does too. Control plane only
 * (it allocates a visited set).
 */
export function offloadsTakenBehind(engine, link) {
    const seen = new Set();
    const walk = (l) => {
        const app = engine.apps.get(l.to.app);
        if (app === undefined)
            return false;
        if (app.offloadHandling === 'finishes')
            return true;
        if (app.offloadHandling !== 'passes-on')
            return false;
        // A cycle of bridges adds no app that could refuse.
        if (seen.has(app.name))
            return true;
        seen.add(app.name);
        for (const out of Object.values(app.output))
            if (!walk(out))
                return false;
        return true;
    };
    return walk(link);
}
/** Turns offloaded packets into ordinary frames on the way into the graph, when the graph needs that. One per port. */
export class OffloadFinisher {
    #segmenter;
    #pool;
    #maxFrame;
    #version = -1;
    #link = null;
    /** Whether packets put on the current link are finished first (decided by `refresh`). */
    finishing = false;
    /** Segments put on the link by the last segmenting `deliver` (including any the full link refused). */
    made = 0;
    /** Segments of the last segmenting `deliver` that found no free packet buffer. */
    missed = 0;
    /** GSO packets segmented, segments made, partial checksums completed. */
    segmented = 0;
    segments = 0;
    checksumsCompleted = 0;
    /** Segments are written into packets of `pool`, each at most `maxFrame` bytes. */
    constructor(pool, maxFrame, bytes) {
        this.#segmenter = new TsoSegmenter(bytes);
        this.#pool = pool;
        this.#maxFrame = maxFrame;
    }
    /**
     * Decides again whether to finish packets put on `out`, when the graph changed since the last
     * call (one comparison otherwise). `offloads` false (the port gets no offloaded packets) means never.
     */
    refresh(engine, out, offloads) {
        if (this.#version !== engine.graphVersion || this.#link !== (out ?? null)) {
            this.#version = engine.graphVersion;
            this.#link = out ?? null;
            this.finishing = offloads && out !== undefined && !offloadsTakenBehind(engine, out);
        }
        return this.finishing;
    }
    /** Puts `p` on `out`: as it is, with its checksum completed, or as segments (see `DeliverResult`). */
    deliver(p, out) {
        if (this.finishing) {
            if (p.gsoSize > 0) {
                const bad = this.#segment(p, out);
                if (bad !== null)
                    return bad;
                this.segmented++;
                this.segments += this.made;
                return 'segmented';
            }
            if (p.csumStart >= 0) {
                completeChecksum(p.buf, p.view, p.off, p.len, p.csumStart - p.off, p.csumOffset);
                p.csumStart = -1;
                p.csumOffset = 0;
                this.checksumsCompleted++;
            }
        }
        out.transmit(p);
        return 'sent';
    }
    /** `deliver`, then books the outcome (see `FinishBooks`), so every port counts it the same way. */
    deliverBooked(p, out, books) {
        const r = this.deliver(p, out);
        if (r === 'sent')
            return;
        if (r !== 'segmented') {
            books.drop(p, r);
            return;
        }
        // Each segment is a new packet; the received one is used up.
        books.generated(this.made);
        for (let i = 0; i < this.missed; i++)
            books.poolEmpty();
        books.consume(p);
    }
    #segment(p, out) {
        this.made = 0;
        this.missed = 0;
        const seg = this.#segmenter;
        const bad = seg.begin(p);
        if (bad !== null)
            return bad;
        const pool = this.#pool;
        const first = seg.segmentLength(0);
        if (first > this.#maxFrame || first > pool.dataRoom)
            return 'gso-segment-too-big';
        const n = seg.count;
        for (let i = 0; i < n; i++) {
            const q = pool.alloc();
            if (q === null) {
                this.missed++;
                continue;
            }
            q.len = seg.emit(i, q.buf, q.off, q.view);
            q.inPort = p.inPort;
            q.traceId = p.traceId;
            this.made++;
            out.transmit(q);
        }
        return null;
    }
}
//# sourceMappingURL=rx-offload.js.map