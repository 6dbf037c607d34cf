/**
 * Scenario tests for the overlay example labs: run through the real CLI against golden output,
 * the tenant-crossing check proven able to fail, captures decoded by tshark with the right VNI
 * and key, and MTU warnings for a lab whose underlay cannot carry the overlay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';
import { tsharkAvailable, tsharkFields, tsharkProblems } from '../interop/tools.js';
import { parseLab } from '../../src/control/lab/load.js';
import { overlayMtuWarnings } from '../../src/control/lab/kinds/vtep.js';

for (const lab of ['overlay-vxlan', 'overlay-gre']) {
  exampleLabTests(lab);

  test(`in examples/${lab}.yml tenant B really cannot reach tenant A: the crossing check fails when asked to succeed`, () => {
    const text = readFileSync(join(repoRoot(), 'examples', `${lab}.yml`), 'utf8').replace('{ from: b1, to: 10.0.0.3, expect: failure }', '{ from: b1, to: 10.0.0.3, expect: success }');
    const file = join(repoRoot(), 'dist', `${lab}-crossing.yml`);
    writeFileSync(file, text);
    const r = runCli(['lab', 'run', file]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL {2}ping b1 -> 10\.0\.0\.3 +0\/1 received, timeout/);
  });
}

test('a capture of the VXLAN and GRE labs decodes in tshark with the tenants\' VNIs and keys and no warnings', (t) => {
  const tool = tsharkAvailable();
  if (!tool.ok) return t.skip(tool.reason);
  const dir = mkdtempSync(join(tmpdir(), 'vnet-overlay-'));
  try {
    for (const [lab, filter, field] of [['overlay-vxlan', 'vxlan', 'vxlan.vni'], ['overlay-gre', 'gre', 'gre.key']] as const) {
      const r = runCli(['lab', 'run', `examples/${lab}.yml`, '--capture', dir]);
      assert.equal(r.code, 0, r.stdout);
      const file = join(dir, `${lab}.pcapng`);
      const ids = new Set(tsharkFields(file, [field], ['-Y', filter]).map((row) => Number(row[0])));
      assert.deepEqual([...ids].sort((a, b) => a - b), [100, 200], `${field} values in ${lab}`);
      // The inner frames are decoded too: ICMP echo between tenant addresses, inside the tunnel.
      const inner = tsharkFields(file, ['ip.src'], ['-Y', `${filter} && icmp.type == 8`]);
      assert.ok(inner.length > 0 && inner.every((row) => row[0]!.split(',').length === 2), 'outer and inner IPv4 in every echo request');
      assert.deepEqual(tsharkProblems(file), []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loader warns about underlay links that cannot carry the overlay and hosts above the overlay MTU', () => {
  const text = readFileSync(join(repoRoot(), 'examples', 'overlay-vxlan.yml'), 'utf8').replace(/\n {6}mtu: 1550/g, '').replace('["vtep2:underlay", "underlay:p2"]', '["vtep2:underlay", "underlay:p2"]\n      mtu: 1400');
  const warnings = overlayMtuWarnings(parseLab(text, 'mtu.yml'));
  const text1 = warnings.filter((w) => w.node === 'vtep1').map((w) => w.message);
  assert.ok(text1.includes('link vtep2:underlay <-> underlay:p2 has MTU 1400, below the underlay MTU 1500 of vtep1: encapsulated frames larger than that are dropped on it'), text1.join('\n'));
  assert.ok(text1.includes('a1:eth0 can send 1500-byte packets but the overlay MTU of vtep1:a is 1450 (underlay 1500 - 50): larger packets get ICMP fragmentation-needed with DF and are dropped without'), text1.join('\n'));
  const file = join(repoRoot(), 'dist', 'overlay-mtu.yml');
  writeFileSync(file, text);
  const r = runCli(['lab', 'run', file]);
  assert.match(r.stderr, /^warning: link vtep2:underlay <-> underlay:p2 has MTU 1400/m);
  assert.equal(overlayMtuWarnings(parseLab(readFileSync(join(repoRoot(), 'examples', 'overlay-vxlan.yml'), 'utf8'))).length, 0);
});
