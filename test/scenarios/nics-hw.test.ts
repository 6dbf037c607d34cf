/**
 * Scenario tests for hardware-assisted and emulated NICs: the SR-IOV/passthrough example labs
 * through the real CLI against golden output and the configuration errors a user meets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';

const EXAMPLES = ['nics-sriov'];

for (const lab of EXAMPLES) {
  exampleLabTests(lab, 'nics-hw-');
}

/** Writes a variant of an example with one text replaced, for the error cases. */
function variant(example: string, name: string, from: string | RegExp, to: string): string {
  const text = readFileSync(join(repoRoot(), 'examples', `${example}.yml`), 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the replacement for ${name} changed nothing`);
  const file = join(repoRoot(), 'dist', `${name}.yml`);
  writeFileSync(file, changed);
  return file;
}

test('asking an SR-IOV NIC for more VFs than the hardware has is a lab file error naming the NIC and the limit', () => {
  const r = runCli(['lab', 'validate', variant('nics-sriov', 'sriov-too-many-vfs', 'vfs: 8', 'vfs: 80')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /sriov-too-many-vfs\.yml:\d+:\d+: topology\.nodes\.nic0\.vfs: nic0 supports at most 64 VFs \(max_vfs\); cannot enable 80/);
});

test('a VF given to two instances is refused, naming both', () => {
  const r = runCli(['lab', 'run', variant('nics-sriov', 'sriov-vf-twice', 'nic: { sriov: nic0, vf: 1 }', 'nic: { sriov: nic0, vf: 0 }')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /nic0 vf 0 is already assigned to web1:eth0; web2:eth0 cannot also have it/);
});

test('a lab link to a VF port is refused: the NIC wires its VFs', () => {
  const r = runCli(['lab', 'validate', variant('nics-sriov', 'sriov-vf-link', '    - endpoints: ["ext1:eth0", "tor:p2"]', '    - endpoints: ["ext1:eth0", "nic0:vf7"]')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nic0:vf7 is a VF port: VFs are wired by the NIC; give the host interface nic: \{ sriov: nic0, vf: 7 \}/);
});

test('a passed-through device cannot also be put in a bridge by the host', () => {
  const r = runCli(['lab', 'run', variant('nics-sriov', 'passthrough-bridged', '    - endpoints: ["ext1:eth0", "tor:p2"]', '    - endpoints: ["ext1:eth0", "tor:p2"]\n    - endpoints: ["dev0:host", "tor:p5"]')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /device dev0 is passed through to nfv1: the host cannot attach it to bridge tor/);
});

test('turning the quarantined VF back on makes its failing check fail for real', () => {
  const r = runCli(['lab', 'run', variant('nics-sriov', 'sriov-unquarantined', '5: { state: disable }', '5: { state: auto }')]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}ping quarantined -> 10\.0\.0\.1 +1\/1 received/);
});
