import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App, type AppContext } from '../engine/app.js';
import { Sink } from '../engine/basic.js';
import { RealClock } from '../engine/clock.js';
import { Engine, Graph } from '../engine/engine.js';
import { RealLoop } from './loop.js';

const FRAME = new Uint8Array(60).fill(0xab);

interface LateSourceConf {
  /** Empty breaths before the frame is there. */
  readonly emptyBreaths: number;
}

/**
 * Sends one frame after `emptyBreaths` breaths that found nothing: input that is "almost
 * there", as a TCP sender's next segment is when a breath comes up empty. Counted in breaths,
 * not time, so a busy machine cannot change the outcome.
 */
class LateSource extends App<Record<string, never>, LateSourceConf> {
  #emptyLeft: number;
  sent = 0;

  constructor(ctx: AppContext, conf: LateSourceConf) {
    super(ctx, conf, {});
    this.#emptyLeft = conf.emptyBreaths;
  }

  override pull(): void {
    if (this.sent > 0) return;
    if (this.#emptyLeft-- > 0) return;
    const p = this.alloc()!;
    p.setData(FRAME);
    this.output.output!.transmit(p);
    this.sent++;
  }
}

async function runUntilSent(spinUs: number): Promise<{ sleeps: number; consumed: number }> {
  const engine = new Engine({ clock: new RealClock() });
  engine.configure(new Graph().app('src', LateSource, { emptyBreaths: 3 }).app('sink', Sink).link('src.output -> sink.input'));
  const loop = new RealLoop(engine, { spinUs, idleMs: 1 });
  loop.start();
  const source = engine.app<LateSource>('src');
  const sink = engine.app<Sink>('sink');
  const deadline = Date.now() + 5000;
  while (sink.consumed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  await loop.stop();
  engine.stop();
  assert.equal(source.sent, 1);
  return { sleeps: loop.sleeps, consumed: sink.consumed };
}

test('input that arrives within the spin after an empty breath is taken without sleeping', async () => {
  const r = await runUntilSent(10_000);
  assert.equal(r.consumed, 1);
  assert.equal(r.sleeps, 0, 'the frame came three breaths after the first empty one, inside the 10 ms spin');
});

test('without a spin the loop sleeps as soon as a breath moves nothing', async () => {
  const r = await runUntilSent(0);
  assert.equal(r.consumed, 1);
  assert.ok(r.sleeps >= 1, `slept ${r.sleeps} times before the frame came`);
});

test('an idle loop spins at most spinUs before each sleep, then sleeps', async () => {
  const engine = new Engine({ clock: new RealClock() });
  engine.configure(new Graph().app('sink', Sink));
  const loop = new RealLoop(engine, { spinUs: 200, idleMs: 5 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  loop.start();
  await new Promise((r) => setTimeout(r, 200));
  await loop.stop();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  engine.stop();
  assert.ok(loop.sleeps >= 5, `slept ${loop.sleeps} times in ${wallMs.toFixed(0)} ms`);
  // Spinning 0.2 ms per 5 ms sleep is 4% of the time; a loop that never slept would use it all.
  assert.ok((cpu.user + cpu.system) / 1000 < wallMs * 0.5, `used ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of CPU in ${wallMs.toFixed(0)} ms`);
});

interface BusySourceConf {
  /** Microseconds of work on each breath that sends a frame. */
  readonly workUs: number;
}

/** Sends a frame every other breath and works `workUs` for it: a loop kept busy, with empty breaths between. */
class BusySource extends App<Record<string, never>, BusySourceConf> {
  #breaths = 0;

  constructor(ctx: AppContext, conf: BusySourceConf) {
    super(ctx, conf, {});
  }

  override pull(): void {
    if (this.#breaths++ % 2 === 1) return;
    const until = performance.now() + this.conf.workUs / 1000;
    while (performance.now() < until);
    const p = this.alloc()!;
    p.setData(FRAME);
    this.output.output!.transmit(p);
  }
}

test('a loop busy moving packets spins the longer busySpinUs after an empty breath; an idle one never does', async () => {
  const busy = new Engine({ clock: new RealClock() });
  busy.configure(new Graph().app('src', BusySource, { workUs: 200 }).app('sink', Sink).link('src.output -> sink.input'));
  const loaded = new RealLoop(busy, { spinUs: 30, busySpinUs: 1000, idleMs: 1 });
  loaded.start();
  await new Promise((r) => setTimeout(r, 100));
  await loaded.stop();
  busy.stop();
  // The share is a recent average, so a loaded machine moves it; the spins show it passed a half.
  assert.ok(loaded.busyShare > 0, `busy share ${loaded.busyShare.toFixed(2)}`);
  assert.ok(loaded.busySpins > 0, `the empty breaths between frames were followed by busy spins (busy share ${loaded.busyShare.toFixed(2)})`);

  const idle = new Engine({ clock: new RealClock() });
  idle.configure(new Graph().app('sink', Sink));
  const quiet = new RealLoop(idle, { spinUs: 30, busySpinUs: 1000, idleMs: 1 });
  quiet.start();
  await new Promise((r) => setTimeout(r, 50));
  await quiet.stop();
  idle.stop();
  assert.ok(quiet.sleeps > 0);
  assert.equal(quiet.busySpins, 0);
  assert.equal(quiet.busyShare, 0);
});

test('a spin longer than 10 ms or negative is refused, and so is a busy spin shorter than the spin', () => {
  const engine = new Engine({ clock: new RealClock() });
  assert.throws(() => new RealLoop(engine, { spinUs: 20_000 }), /spinUs must be between 0 and 10000, got 20000/);
  assert.throws(() => new RealLoop(engine, { spinUs: -1 }), /spinUs must be between 0 and 10000/);
  assert.throws(() => new RealLoop(engine, { spinUs: 100, busySpinUs: 50 }), /busySpinUs must be between spinUs \(100\) and 10000, got 50/);
  engine.stop();
});
