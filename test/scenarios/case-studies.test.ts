/**
 * The survey's case studies as labs: Kubernetes with a Flannel-style VXLAN overlay (OpenStack
 * Neutron's br-int + br-tun lives in the OpenFlow scenario tests). Run through the real CLI,
 * compared with golden output, and the overlay traffic checked in a capture read by tshark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { copyExampleLab, labRunBeside } from '../../src/testing/overlay-labs.js';
import { compareGolden } from '../../src/testing/golden.js';
import { tsharkAvailable, tsharkFields, tsharkProblems } from '../interop/tools.js';

test('Kubernetes pods on two nodes reach each other over the Flannel-style VXLAN overlay', () => {
  const r = runCli(['lab', 'run', 'examples/k8s-flannel.yml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, '', 'no MTU warnings: the overlay MTU fits');
  compareGolden('lab-run-k8s-flannel.txt', r.stdout);
  const j = runCli(['lab', 'run', 'examples/k8s-flannel.yml', '--json']);
  const report = JSON.parse(j.stdout) as { failed: number; conservation: { ok: boolean } };
  assert.equal(report.failed, 0);
  assert.ok(report.conservation.ok);
  compareGolden('lab-run-k8s-flannel.json', j.stdout);
});

test('pod traffic between nodes crosses the host network as VXLAN with VNI 1, and same-node traffic never does', (t) => {
  const tshark = tsharkAvailable();
  if (!tshark.ok) {
    t.skip(`tshark is not available: ${tshark.reason}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vnet-k8s-'));
  try {
    const r = runCli(['lab', 'run', 'examples/k8s-flannel.yml', '--capture', dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const file = join(dir, 'k8s-flannel.pcapng');
    assert.deepEqual(tsharkProblems(file), []);
    const rows = tsharkFields(file, ['frame.interface_name', 'ip.src', 'ip.dst', 'vxlan.vni'], ['-Y', 'vxlan']);
    assert.ok(rows.some((r) => r[1]!.includes(',10.244.1.2')), 'pod-a\'s packets were encapsulated');
    for (const [iface, src, dst, vni] of rows) {
      assert.match(iface!, /^(vxlan-n[12]\/underlay|hostnet\/n[12])$/, 'VXLAN only on the host network');
      // The outer addresses are node addresses; an inner IPv4 header (ARP has none) is overlay.
      assert.match(src!, /^192\.168\.50\.1[12](,10\.244\.\d+\.\d+)?$/);
      assert.match(dst!, /^192\.168\.50\.1[12](,10\.244\.\d+\.\d+)?$/);
      assert.equal(vni, '1');
    }
    // pod-a -> pod-b (same node) never shows up encapsulated.
    const sameNode = tsharkFields(file, ['frame.number'], ['-Y', 'vxlan && ip.src == 10.244.1.2 && ip.dst == 10.244.1.3']);
    assert.equal(sameNode.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Flannel case study split into two processes: node 1 reaches node 2\'s pod over VXLAN on real UDP', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-k8s-split-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const [node1, node2] = [1, 2].map((n) => copyExampleLab(`k8s-flannel-node${n}.yml`, dir, `k8s-split-${process.pid}-node${n}`, port));
  const { run, upOutput, upExit } = await labRunBeside(node2!, node1!);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /emulated on the wall clock/);
  assert.match(run.stdout, /PASS {2}ping pod-a -> 10\.244\.2\.2 \(3\) {2}3\/3 received/);
  // On the wall clock node 2's router may give up on ARP before the ping does: unreachable or timeout.
  assert.match(run.stdout, /PASS {2}ping pod-a -> 10\.244\.2\.99 +0\/1 received, (timeout|unreachable) \(expected to fail\)/);
  assert.match(run.stdout, /5 passed, 0 failed; .*packets conserved/);
  assert.equal(upExit, 0, upOutput);
});
