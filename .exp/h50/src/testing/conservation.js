export function conservation(engine) {
    const apps = [];
    const problems = [];
    let held = 0;
    for (const app of engine.apps.values()) {
        let received = 0;
        let sent = 0;
        for (const l of Object.values(app.input))
            received += l.rxPackets;
        for (const l of Object.values(app.output))
            sent += l.txPackets + l.drops;
        const h = app.held();
        held += h;
        const dropped = app.totalDrops();
        const balanced = received + app.generated === sent + app.consumed + dropped + h;
        if (!balanced) {
            problems.push(`${app.name}: received ${received} + generated ${app.generated} != sent ${sent} + consumed ${app.consumed} + dropped ${dropped} + held ${h}`);
        }
        apps.push({ app: app.name, received, generated: app.generated, sent, consumed: app.consumed, dropped, held: h, balanced });
    }
    const queued = engine.queued();
    const poolInUse = engine.pool.inUse;
    if (poolInUse !== queued + held)
        problems.push(`pool: ${poolInUse} packets in use but ${queued} queued + ${held} held`);
    return { apps, queued, held, poolInUse, ok: problems.length === 0, problems };
}
/** Throws with every imbalance listed when packets were lost or invented. */
export function assertConserved(engine) {
    const r = conservation(engine);
    if (!r.ok)
        throw new Error(`packet conservation violated:\n  ${r.problems.join('\n  ')}`);
    return r;
}
//# sourceMappingURL=conservation.js.map