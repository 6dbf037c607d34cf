/**
 * Scenario tests for the OpenFlow switch: the example labs run through the real CLI against
 * golden output, the isolation check proven able to fail, `vnet trace` and `vnet ofctl`
 * (dump-flows after a run, trace in ofproto/trace layout, replace-flows, errors) as a user runs them,
 * and br-tun's tun_id carried as the VNI of real VXLAN in a capture read by tshark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { compareGolden } from '../../src/testing/golden.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';
import { copyExampleLab, labRunBeside } from '../../src/testing/overlay-labs.js';
import { tsharkAvailable, tsharkFields, tsharkProblems } from '../interop/tools.js';

const LABS = ['neutron-br-tun', 'neutron-vxlan'];
const ARP = 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)';
const TAGGED_ARP = 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)';

for (const lab of LABS) {
  exampleLabTests(lab, 'openflow-lab-run-');
}

test('in examples/neutron-br-tun.yml VLAN 2 really stays local: the isolation check fails when asked to succeed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const text = readFileSync(join(repoRoot(), 'examples', 'neutron-br-tun.yml'), 'utf8')
      .replace('{ from: h3, to: 10.0.0.1, expect: failure }', '{ from: h3, to: 10.0.0.1, expect: success }')
      .replaceAll('flows_file: neutron-br-tun.flows', `flows_file: ${join(repoRoot(), 'examples', 'neutron-br-tun.flows')}`);
    writeFileSync(join(dir, 'crossing.yml'), text);
    const r = runCli(['lab', 'run', join(dir, 'crossing.yml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /FAIL\s+ping h3 -> 10\.0\.0\.1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vnet trace shows each br-tun table lookup in the engine trace', () => {
  const r = runCli(['trace', 'examples/neutron-br-tun.yml', 'h1:eth0', ARP]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /br-tun-b:\s+10\. priority 1/);
  compareGolden('openflow-trace-neutron-br-tun.txt', r.stdout);
});

test('vnet ofctl trace prints ofproto/trace layout, and -j the same as JSON', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', TAGGED_ARP]);
  assert.equal(r.code, 0, r.stderr);
  compareGolden('openflow-ofctl-trace-br-tun-a.txt', r.stdout);
  const j = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', TAGGED_ARP, '-j']);
  const parsed = JSON.parse(j.stdout) as { datapathActions: string; steps: { table?: number }[] };
  assert.equal(parsed.datapathActions, 'pop_vlan,set(tunnel(tun_id=0x64)),2');
  assert.deepEqual(parsed.steps.filter((s) => s.table !== undefined).map((s) => s.table), [0, 2, 21, 22]);
  compareGolden('openflow-ofctl-trace-br-tun-a.json', j.stdout);
});

test('vnet ofctl dump-flows --run shows counters and the flow learned in table 20', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-flows', '--run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cookie=0x9f3e, duration=1\.000s, table=20, n_packets=\d+, n_bytes=\d+, hard_timeout=300, priority=1,vlan_tci=0x0001\/0x0fff,dl_dst=/);
  compareGolden('openflow-ofctl-dump-flows-br-tun-b.txt', r.stdout);
  const ports = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-ports', '--run']);
  compareGolden('openflow-ofctl-dump-ports-br-tun-b.txt', ports.stdout);
});

test('vnet ofctl replace-flows swaps the tables atomically, and a bad flow changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const good = join(dir, 'good.flows');
    writeFileSync(good, 'table=0,priority=1,in_port=patch-int,actions=resubmit(,2)\ntable=0,priority=0,actions=drop\n');
    const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'replace-flows', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], 'replace-flows: 0 added, 11 deleted, 2 kept');
    assert.equal(r.stdout.trim().split('\n').length, 3);
    const bad = join(dir, 'bad.flows');
    writeFileSync(bad, 'table=0,priority=1,actions=drop\ntable=0,tp_dst=80,actions=drop\n');
    const e = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'replace-flows', bad]);
    assert.equal(e.code, 1);
    assert.equal(e.stderr, `ovs-ofctl: ${bad}:2: prerequisites not met: L4 fields (tp_src, tp_dst, tcp_*, udp_*, icmp_*) need tcp, udp or icmp\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vnet ofctl add-flow then --run: a higher-priority drop in table 0 breaks the pings', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'add-flow', 'table=0,priority=10,in_port=vxlan,actions=drop', '--run']);
  assert.equal(r.code, 1, 'the lab checks fail with the tunnel dropped');
  assert.match(r.stdout, /priority=10,in_port="vxlan" actions=drop/);
});

test('in examples/neutron-vxlan.yml the underlay carries VXLAN with VNI 100 for one network and 200 for the other', (t) => {
  const tshark = tsharkAvailable();
  if (!tshark.ok) {
    t.skip(`tshark is not available: ${tshark.reason}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const r = runCli(['lab', 'run', 'examples/neutron-vxlan.yml', '--capture', dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const file = join(dir, 'neutron-vxlan.pcapng');
    assert.deepEqual(tsharkProblems(file), []);
    const rows = tsharkFields(file, ['frame.interface_name', 'ip.src', 'ip.dst', 'vxlan.vni'], ['-Y', 'vxlan']);
    for (const [iface, src, dst] of rows) {
      assert.match(iface!, /^(vtep-[ab]\/underlay|underlay\/[ab])$/, 'VXLAN only on the underlay');
      assert.match(src!, /^192\.168\.0\.[12](,10\.0\.0\.[1-4])?$/);
      assert.match(dst!, /^192\.168\.0\.[12](,10\.0\.0\.[1-4])?$/);
    }
    // The inner addresses show which network a packet belongs to, the VNI which one it was sent on.
    const vniOf = (inner: string): Set<string> => new Set(rows.filter((r) => r[1]!.endsWith(`,${inner}`)).map((r) => r[3]!));
    assert.deepEqual(vniOf('10.0.0.1'), new Set(['100']));
    assert.deepEqual(vniOf('10.0.0.2'), new Set(['100']));
    assert.deepEqual(vniOf('10.0.0.3'), new Set(['200']));
    assert.deepEqual(vniOf('10.0.0.4'), new Set(['200']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Neutron case study split into two compute nodes in two processes: br-tun\'s flows pick the VNI on real UDP, and the networks stay apart', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-neutron-split-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const [a, b] = ['a', 'b'].map((n) => copyExampleLab(`neutron-vxlan-node-${n}.yml`, dir, `neutron-split-${process.pid}-${n}`, port));
  const { run, upOutput, upExit } = await labRunBeside(b!, a!);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /PASS {2}ping vm-a100 -> 10\.0\.0\.2 \(3\) {2}3\/3 received/);
  assert.match(run.stdout, /PASS {2}ping vm-a200 -> 10\.0\.0\.4 +1\/1 received/);
  // The other network's VM exists in the other process: only the VNI keeps it out of reach.
  assert.match(run.stdout, /PASS {2}ping vm-a100 -> 10\.0\.0\.4 +0\/1 received, (timeout|unreachable) \(expected to fail\)/);
  assert.match(run.stdout, /4 passed, 0 failed; .*packets conserved/);
  assert.equal(upExit, 0, upOutput);
});
