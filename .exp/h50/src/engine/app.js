export class App {
    name;
    engine;
    pool;
    /** Input links by port name (filled by the engine). */
    input = Object.create(null);
    /** Output links by port name (filled by the engine). */
    output = Object.create(null);
    /** The declared drop reasons with their descriptions. */
    dropReasons;
    /** Packets dropped, per declared reason. */
    dropCounts;
    /** Packets this app created (originated or cloned). */
    generated = 0;
    /** Packets this app terminated (delivered to a local stack, answered, absorbed). */
    consumed = 0;
    /** How this app treats packets with offload state; ports sending to a 'no' app finish them first. */
    offloadHandling = 'no';
    /** Period of `tick()` in nanoseconds of engine time; 0 means the app has no tick. */
    tickInterval = 0;
    conf;
    constructor(ctx, conf, drops) {
        this.name = ctx.name;
        this.engine = ctx.engine;
        this.pool = ctx.engine.pool;
        this.conf = conf;
        this.dropReasons = drops;
        const counts = Object.create(null);
        for (const reason of Object.keys(drops))
            counts[reason] = 0;
        this.dropCounts = counts;
    }
    /** Packets the app keeps across breaths (queues waiting for ARP, reassembly...). */
    held() {
        return 0;
    }
    /** Counts and frees a packet dropped for a declared reason. */
    drop(p, reason) {
        this.dropCounts[reason]++;
        if (p.traceId !== 0)
            this.engine.tracer.note(p, this.name, `drop: ${reason}`);
        p.pool.free(p);
    }
    /** Counts and frees a packet this app terminated. */
    consume(p) {
        this.consumed++;
        p.pool.free(p);
    }
    /**
     * Counts a frame lost before it got a packet buffer: it came from outside the graph (a guest
     * ring, a socket, a generator, a copy for flooding) and the pool was empty or the bytes were
     * unusable. It counts as generated and dropped, so the app's balance still holds.
     */
    countDrop(reason) {
        this.generated++;
        this.dropCounts[reason]++;
    }
    /** Allocates a packet this app originates, or null when the pool is empty (the pool counts it). */
    alloc() {
        const p = this.pool.alloc();
        if (p !== null)
            this.generated++;
        return p;
    }
    /** Copies a packet (flooding) into the packet's own pool (TAP ports have bigger buffers), or null when that pool is empty. */
    clone(p) {
        const q = p.pool.clone(p);
        if (q !== null)
            this.generated++;
        return q;
    }
    /** Records a forwarding decision for a traced packet; costs one check when tracing is off. */
    note(p, text) {
        if (p.traceId !== 0)
            this.engine.tracer.note(p, this.name, text);
    }
    /** Sum of all drop counters. */
    totalDrops() {
        let n = 0;
        for (const k in this.dropCounts)
            n += this.dropCounts[k];
        return n;
    }
}
//# sourceMappingURL=app.js.map