/**
 * Scenario tests: the example labs run through the real CLI, compared with golden output in
 * text and JSON. Runs are on the virtual clock, so times, counters and MACs are deterministic
 * and nothing needs masking. Set UPDATE_GOLDEN=1 to rewrite the golden files after a change
 * you have checked by eye.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { compareGolden } from '../../src/testing/golden.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';



for (const lab of ['two-hosts', 'vlan-tenants', 'bridge-chain']) {
  exampleLabTests(lab);
}

test('the tenant-crossing check really fails when asked to succeed', () => {
  const text = readFileSync(join(repoRoot(), 'examples', 'vlan-tenants.yml'), 'utf8').replace('to: 10.0.0.3, expect: failure', 'to: 10.0.0.3, expect: success');
  const file = join(repoRoot(), 'dist', 'vlan-tenants-crossing.yml');
  writeFileSync(file, text);
  const r = runCli(['lab', 'run', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}ping a1 -> 10\.0\.0\.3 +0\/1 received, timeout/);
  assert.match(r.stdout, /checks: 3 passed, 1 failed/);
});

test('lab validate says what a valid lab file describes, node kinds counted in English', () => {
  const r = runCli(['lab', 'validate', 'examples/neutron-br-tun.yml']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'examples/neutron-br-tun.yml: lab neutron-br-tun is valid: 3 hosts, 2 bridges, 2 openflow-switches, 6 links, 3 checks\n');
  assert.match(runCli(['lab', 'validate', 'examples/vxlan-over-udp-a.yml']).stdout, /is valid: 1 vtep, 1 host, 1 link, 1 check\n$/);
});

test('a broken lab file exits 2 with file:line:col messages', () => {
  const file = join(repoRoot(), 'dist', 'broken-lab.yml');
  writeFileSync(file, 'name: broken\ntopology:\n  nodes:\n    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.300/24 } } }\n  links: []\n');
  const r = runCli(['lab', 'run', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken-lab\.yml:4:49: topology\.nodes\.h1\.interfaces\.eth0\.ip: "10\.0\.0\.300\/24" is not an IPv4 address/);
  assert.equal(r.stdout, '');
});

test('the lab shell runs a scripted session like a terminal transcript', () => {
  const script = [
    'net',
    'pingall',
    'h1 ping 10.0.0.2 -c 2',
    'show fdb br0',
    'show ports',
    'show drops',
    'show neigh h1',
    'show routes h1',
    'h1 ping 10.0.0.99 -c 1',
    'show drops',
    'trace h1:eth0 eth(src=02:00:00:00:00:09,dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=02:00:00:00:00:09,spa=10.0.0.9,tpa=10.0.0.2)',
    'run 400',
    'show fdb br0',
    'show conservation',
    'bogus',
  ].join('\n');
  const r = runCli(['lab', 'shell', 'examples/two-hosts.yml'], { input: script });
  assert.equal(r.code, 0, r.stderr);
  compareGolden('shell-two-hosts.txt', r.stdout);
});

test('vnet trace explains a packet app by app, in text and JSON', () => {
  const spec = 'eth(src=02:00:00:00:00:aa,dst=ff:ff:ff:ff:ff:ff),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=4)';
  const r = runCli(['trace', 'examples/vlan-tenants.yml', 'a1:eth0', spec]);
  assert.equal(r.code, 0, r.stderr);
  compareGolden('trace-vlan-tenants.txt', r.stdout);
  const j = runCli(['trace', 'examples/vlan-tenants.yml', 'a1:eth0', spec, '-j']);
  const parsed = JSON.parse(j.stdout) as { steps: { where: string; text: string }[] };
  // VLAN 10 frame floods to a2 and the trunk, never to tenant B's ports.
  const hops = parsed.steps.filter((s) => s.text.startsWith('-> ')).map((s) => s.text);
  assert.ok(hops.includes('-> a2.eth0'));
  assert.ok(hops.includes('-> svc.eth0'));
  assert.ok(!hops.includes('-> b1.eth0') && !hops.includes('-> b2.eth0'));
});

test('vnet encode and vnet decode are inverse on the layers they share', () => {
  const e = runCli(['encode', 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,ttl=7),icmp(type=echo-request,id=9,seq=3)']);
  assert.equal(e.code, 0, e.stderr);
  const hex = e.stdout.trim();
  assert.match(hex, /^0200000000020200000000010800/);
  const d = runCli(['decode', hex, '-j']);
  const decoded = JSON.parse(d.stdout) as { layers: { name: string; fields: Record<string, unknown> }[] };
  assert.deepEqual(decoded.layers.map((l) => l.name), ['eth', 'ipv4', 'icmp']);
  assert.equal(decoded.layers[1]!.fields.ttl, 7);
});

test('vnet decode reports garbage layer by layer and never crashes', () => {
  const r = runCli(['decode', 'ffffffffffff0200000000010800450000ff']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Ethernet/);
  assert.match(r.stdout, /IPv4.*(truncated|malformed|bad)/i);
  const bad = runCli(['decode', 'zz']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /not hex/);
});
