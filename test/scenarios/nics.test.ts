/**
 * Scenario tests for virtio-net NICs: the example lab with one VM per backend placement runs through
 * the real CLI against golden output, and the VMs' guests ping each other across placements.
 * Set UPDATE_GOLDEN=1 to rewrite the golden files after a change checked by eye.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { loadLabFile } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import type { Host } from '../../src/hosts/host.js';
import type { VmNicPorts } from '../../src/nics/virtio/placements.js';
import { assertConserved } from '../../src/testing/conservation.js';

const golden = (name: string): string => join(repoRoot(), 'test', 'golden', name);

function compareGolden(name: string, actual: string): void {
  const file = golden(name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    writeFileSync(file, actual);
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`golden file ${name} did not exist; wrote it — check it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from test/golden/${name}`);
}

for (const lab of ['nics-virtio']) {
  test(`vnet lab run passes every check of examples/${lab}.yml and prints the golden report`, () => {
    const r = runCli(['lab', 'run', `examples/${lab}.yml`]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /packets conserved/);
    compareGolden(`${lab}.txt`, r.stdout);
  });

  test(`vnet lab run --json for examples/${lab}.yml matches its golden JSON`, () => {
    const r = runCli(['lab', 'run', `examples/${lab}.yml`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { failed: number; conservation: { ok: boolean } };
    assert.equal(report.failed, 0);
    assert.ok(report.conservation.ok);
    compareGolden(`${lab}.json`, r.stdout);
  });
}

test('VMs on different backend placements ping each other through the bridge', () => {
  const rt = new LabRuntime(loadLabFile(join(repoRoot(), 'examples', 'nics-virtio.yml')));
  const vms = [['vm1', '10.0.0.1'], ['vm2', '10.0.0.2'], ['vm3', '10.0.0.3']] as const;
  for (const [from] of vms) {
    for (const [to, ip] of vms) {
      if (from === to) continue;
      const s = rt.engine.app<Host>(`${from}/guest`).ping(ip, { count: 2, interval: 1_000_000, timeout: 100_000_000 });
      rt.runUntil(() => s.done, 1_000_000_000);
      assert.equal(s.received, 2, `${from} -> ${to}`);
    }
  }
  assertConserved(rt.engine);
  assert.ok(rt.engine.app<VmNicPorts>('vm1') !== undefined);
});
