/**
 * Packet conservation checks for tests.
 *
 * Per app: received + generated = sent + consumed + dropped + held, where received/sent
 * come from its links (sent includes packets its full output links refused).
 * Per engine: every packet out of the pool is queued on a link or held by an app.
 */
import type { Engine } from '../engine/engine.js';

export interface AppBalance {
  readonly app: string;
  readonly received: number;
  readonly generated: number;
  readonly sent: number;
  readonly consumed: number;
  readonly dropped: number;
  readonly held: number;
  readonly balanced: boolean;
}

export interface ConservationReport {
  readonly apps: AppBalance[];
  readonly queued: number;
  readonly held: number;
  readonly poolInUse: number;
  readonly ok: boolean;
  readonly problems: string[];
}

export function conservation(engine: Engine): ConservationReport {
  const apps: AppBalance[] = [];
  const problems: string[] = [];
  let held = 0;
  for (const app of engine.apps.values()) {
    let received = 0;
    let sent = 0;
    for (const l of Object.values(app.input)) received += l.rxPackets;
    for (const l of Object.values(app.output)) sent += l.txPackets + l.drops;
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
  if (poolInUse !== queued + held) problems.push(`pool: ${poolInUse} packets in use but ${queued} queued + ${held} held`);
  return { apps, queued, held, poolInUse, ok: problems.length === 0, problems };
}

/** Throws with every imbalance listed when packets were lost or invented. */
export function assertConserved(engine: Engine): ConservationReport {
  const r = conservation(engine);
  if (!r.ok) throw new Error(`packet conservation violated:\n  ${r.problems.join('\n  ')}`);
  return r;
}
