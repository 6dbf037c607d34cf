import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { terminateIfStuck } from './worker.js';
function exited(w) {
    return new Promise((resolve) => w.once('exit', resolve));
}
test('a worker that does not leave after being told to stop is terminated after the grace time', async () => {
    const w = new Worker('setInterval(() => {}, 1000);', { eval: true });
    await new Promise((r) => w.once('online', r));
    const t0 = Date.now();
    const done = exited(w);
    terminateIfStuck(w, 100);
    assert.equal(await done, 1, 'terminated, not a clean exit');
    assert.ok(Date.now() - t0 >= 90, 'not before the grace time');
});
test('a worker that leaves on its own is left alone, and the grace timer does not hold the process', async () => {
    const w = new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(0));", { eval: true });
    await new Promise((r) => w.once('online', r));
    const done = exited(w);
    terminateIfStuck(w, 60_000);
    w.postMessage('stop');
    assert.equal(await done, 0, 'its own clean exit');
    // The 60 s timer was cleared on exit: node:test would otherwise wait for it before ending the file.
});
//# sourceMappingURL=worker.test.js.map