/**
 * Real labs: the example lab files turned into network namespaces on TAP ports, checked with
 * real ping, torn down (also after a crash). Every namespace is named vn<random>-<host> and
 * every lab gets a unique vn<random> name, so its state file cannot collide with a user's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabFile } from '../../src/control/lab/load.js';
import { RealLabProcess } from '../../src/cli/real-lab.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { countRealChecks, readRealLabState, realLabStatePath } from '../../src/real/real-lab.js';
import { repoRoot } from '../../src/testing/paths.js';
import { runCli } from '../../src/testing/cli.js';

const skip = tapUnavailableReason();
if (skip !== null) console.log(`# skipping real lab tests: ${skip}`);

function exampleModel(name: string) {
  const model = loadLabFile(join(repoRoot(), 'examples', `${name}.yml`));
  return { ...model, name: uniqueName('vn') };
}

test('a routed example lab runs for real: namespaces per host, checks pass with real ping, and stopping removes everything', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const model = exampleModel('routed-three-subnets');
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(model, { nsPrefix: prefix });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  try {
    await proc.start();
    const state = readRealLabState(realLabStatePath(model.name));
    assert.deepEqual(state?.namespaces, namespaces);
    for (const ns of namespaces) assert.ok(namespaceExists(ns), ns);
    const results = await proc.lab.runChecks();
    assert.deepEqual(results.filter((r) => !r.passed), [], JSON.stringify(results, null, 1));
    const direct = await nsExec(`${prefix}h1`, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '10.0.3.10']);
    assert.match(direct.stdout, /2 received/);
    assert.match(direct.stdout, /ttl=63/, 'one router hop');
    const taps = proc.taps();
    assert.equal(taps.length, 4);
    assert.ok(taps.every((t) => t.rxFrames > 0 && t.error === null));
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
  for (const ns of namespaces) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
  assert.equal(existsSync(realLabStatePath(model.name)), false);
});

test('lab down removes the namespaces of a lab whose process was killed', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-real-'));
  const lab = uniqueName('vn');
  const prefix = `${uniqueName('vn', 4)}-`;
  const file = join(dir, 'lab.yml');
  writeFileSync(file, readFileSync(join(repoRoot(), 'examples', 'two-hosts.yml'), 'utf8').replace(/^name: .*$/m, `name: ${lab}`));
  const namespaces = [`${prefix}h1`, `${prefix}h2`];
  const compiled = join(repoRoot(), 'dist', 'src', 'cli', 'main.js');
  const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
  const argv = [...(fromSource ? ['--import', 'tsx', join(repoRoot(), 'src', 'cli', 'main.ts')] : [compiled]), 'lab', 'up', file, '--real', '--netns-prefix', prefix];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lab up did not come up: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('forwarding;')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', () => reject(new Error(`lab up exited: ${out}`)));
    });
    assert.match(out, /PASS {2}pingall/);
    for (const ns of namespaces) assert.ok(namespaceExists(ns));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    assert.ok(existsSync(realLabStatePath(lab)), 'the crash left the state file');
    const down = runCli(['lab', 'down', file]);
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, new RegExp(`deleted namespace ${prefix}h1`));
    for (const ns of namespaces) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
    assert.equal(existsSync(realLabStatePath(lab)), false);
  } finally {
    child.kill('SIGKILL');
    for (const ns of namespaces) tryIp('netns', 'del', ns);
    rmSync(realLabStatePath(lab), { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checks that start from a node staying emulated are skipped with the reason, and a namespace pings an emulated virtio guest', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const model = exampleModel('nics-virtio');
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(model, { nsPrefix: prefix });
  try {
    await proc.start();
    const results = await proc.lab.runChecks();
    const skipped = results.filter((r) => r.skipped === true);
    assert.deepEqual(skipped.map((r) => r.check), [
      'pingall', 'ping vm1 -> 10.0.0.2', 'ping vm2 -> 10.0.0.3', 'ping vm3 -> 10.0.0.1', 'udp vm1 -> 10.0.0.3:5000', 'udp vm3 -> 10.0.0.10:5001', 'ping vm2 -> 10.0.0.4',
    ]);
    assert.match(skipped[1]!.detail, /^vm1 is a vm node, which stays emulated under --real \(only host nodes become namespaces\); vnet lab run \S+ runs this check$/);
    assert.match(skipped[0]!.detail, /^pingall needs two host nodes, and only one is a namespace under --real/);
    const ran = results.filter((r) => r.skipped !== true);
    assert.deepEqual(ran.map((r) => [r.check, r.passed]), [['ping h0 -> 10.0.0.3', true]], JSON.stringify(ran));
    assert.deepEqual(countRealChecks(results), { passed: 1, failed: 0, skipped: 7 });
  } finally {
    await proc.stop();
    for (const h of proc.lab.hosts) tryIp('netns', 'del', h.ns);
  }
});
