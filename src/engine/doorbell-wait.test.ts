import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RealClock } from './clock.js';
import { DoorbellIdleWait } from './doorbell-wait.js';
import { Engine } from './engine.js';

function ring(bell: SharedArrayBuffer): void {
  const word = new Int32Array(bell, 0, 1);
  Atomics.add(word, 0, 1);
  Atomics.notify(word, 0);
}

test('a wait ends at once when the bell rang after arm, and times out when it did not', () => {
  const bell = new SharedArrayBuffer(4);
  const idle = new DoorbellIdleWait(bell);
  idle.arm();
  ring(bell);
  const t0 = performance.now();
  idle.wait(1e9);
  assert.ok(performance.now() - t0 < 500, 'a ring between arm and wait must not be slept through');
  assert.equal(idle.rings, 1);
  idle.arm();
  const t1 = performance.now();
  idle.wait(3e6);
  assert.ok(performance.now() - t1 >= 2, 'no ring: the wait lasts its time');
  assert.deepEqual([idle.waits, idle.rings], [2, 1]);
  assert.throws(() => new DoorbellIdleWait(new SharedArrayBuffer(2)), /the doorbell needs 4 bytes, got 2/);
});

test('runUntil on the wall clock sleeps between idle breaths instead of breathing on, and still fires its timers on time', () => {
  const breathsFor = (idleWait: DoorbellIdleWait | undefined): { breaths: number; late: number } => {
    const e = new Engine({ clock: new RealClock(), ...(idleWait !== undefined ? { idleWait } : {}) });
    const due = e.now() + 20e6;
    let firedAt = 0;
    e.after(20e6, () => {
      firedAt = e.now();
    });
    e.runUntil(() => firedAt !== 0, 1e9);
    e.stop();
    return { breaths: e.breaths, late: firedAt - due };
  };
  const idle = new DoorbellIdleWait(new SharedArrayBuffer(4));
  const sleeping = breathsFor(idle);
  const spinning = breathsFor(undefined);
  assert.ok(sleeping.late >= 0 && sleeping.late < 15e6, `the timer fired ${sleeping.late / 1e6} ms late`);
  // Each idle wait lasts up to 1 ms, so 20 ms take a few dozen breaths; breathing on takes thousands.
  assert.ok(sleeping.breaths < 200, `${sleeping.breaths} breaths while sleeping`);
  assert.ok(spinning.breaths > 10 * sleeping.breaths, `${spinning.breaths} breaths without the idle wait`);
  assert.ok(idle.waits > 0);
});
