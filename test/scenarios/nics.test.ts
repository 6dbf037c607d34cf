/**
 * Scenario tests for VM NICs: the example labs (one VM per virtio-net backend placement; e1000 VMs
 * beside a vhost-net VM) run through the real CLI against golden output, with checks that start from
 * and end at the VMs' guest IP stacks. Set UPDATE_GOLDEN=1 to rewrite the golden files after a change
 * checked by eye.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';
import { loadLabFile } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import type { E1000Nic } from '../../src/nics/e1000/e1000-nic.js';
import { assertConserved } from '../../src/testing/conservation.js';

for (const lab of ['nics-virtio', 'nics-e1000']) {
  exampleLabTests(lab, '');
}

/** The example lab with every VM's guest in its own worker thread, written to a temporary file. */
function workerVariant(lab: string): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-worker-guest-'));
  const file = join(dir, `${lab}.yml`);
  const text = readFileSync(join(repoRoot(), 'examples', `${lab}.yml`), 'utf8');
  const worker = text.replaceAll('{ kind: vm, ', '{ kind: vm, guest: worker, ');
  assert.notEqual(worker, text);
  writeFileSync(file, worker);
  return { file, dir };
}

/** A lab report without what a worker guest legitimately changes: the file name, RTTs and the breath count. */
function maskTiming(report: string): string {
  return report.replace(/^lab (\S+) \(.*?\)/m, 'lab $1 (FILE)').replace(/rtt [\d.]+ ms/g, 'rtt X ms').replace(/ {2,}/g, ' ').replace(/in \d+ breaths/, 'in N breaths');
}

for (const lab of ['nics-virtio', 'nics-e1000']) {
  test(`vnet lab run with every guest of examples/${lab}.yml in a worker thread prints the golden report, timings aside, and exits`, () => {
    const { file, dir } = workerVariant(lab);
    try {
      const r = runCli(['lab', 'run', file]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0, r.stdout);
      assert.equal(maskTiming(r.stdout), maskTiming(readFileSync(join(repoRoot(), 'test', 'golden', `${lab}.txt`), 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the lab shell shows a worker guest\'s addresses, neighbours and conservation like an inline one', () => {
  const { file, dir } = workerVariant('nics-virtio');
  try {
    const r = runCli(['lab', 'shell', file], { input: 'vm1 ping 10.0.0.3 -c 2\nshow addr vm1\nshow neigh vm1\nshow conservation\n' });
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /2 packets transmitted, 2 received, 0% packet loss/);
    assert.match(r.stdout, /10\.0\.0\.1\/24/);
    assert.match(r.stdout, /10\.0\.0\.3 .*02:/);
    assert.match(r.stdout, /conserved: \d+ buffers in use/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a check from a VM really fails when its target does not exist', () => {
  const text = readFileSync(join(repoRoot(), 'examples', 'nics-virtio.yml'), 'utf8').replace('ping: { from: vm1, to: 10.0.0.2,', 'ping: { from: vm1, to: 10.0.0.9,');
  const file = join(repoRoot(), 'dist', 'nics-virtio-missing-target.yml');
  writeFileSync(file, text);
  const r = runCli(['lab', 'run', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}ping vm1 -> 10\.0\.0\.9 \(3\) +0\/3 received/);
});

test('the e1000 guests reached the bridge through trapped register accesses and the VMM model', () => {
  const rt = new LabRuntime(loadLabFile(join(repoRoot(), 'examples', 'nics-e1000.yml')));
  const s = rt.ping('legacy1', '10.0.1.2', 3);
  assert.equal(s.received, 3);
  const nic = rt.engine.app<E1000Nic>('legacy1/e1000-eth0');
  assert.ok(nic.device.txFrames >= 4 && nic.device.rxFrames >= 4, `tx ${nic.device.txFrames} rx ${nic.device.rxFrames}`);
  assert.ok(nic.device.trapTable().some((r) => r.register === 'TDT'));
  assert.equal(rt.host('legacy2').addresses()[0]?.mac, '52:54:00:12:34:56');
  assertConserved(rt.engine);
});
