/**
 * Scenario tests for routed labs: the routed examples through the real CLI against golden text
 * and JSON, a shell session on a router, and lab-file errors a router reports with positions.
 * Set UPDATE_GOLDEN=1 to rewrite the golden files after a change you have checked by eye.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveMac } from '../../src/hosts/config.js';
import { runCli } from '../../src/testing/cli.js';
import { repoRoot } from '../../src/testing/paths.js';
import { formatMac } from '../../src/wire/mac.js';
import { compareGolden } from '../../src/testing/golden.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';



for (const lab of ['routed-three-subnets', 'routed-ecmp']) {
  exampleLabTests(lab, 'router-lab-run-');
}

test('the unreachable check of the routed example really fails when asked to succeed', () => {
  const text = readFileSync(join(repoRoot(), 'examples', 'routed-three-subnets.yml'), 'utf8').replace('to: 192.0.2.1, expect: failure', 'to: 192.0.2.1, expect: success');
  const file = join(repoRoot(), 'dist', 'routed-unreachable.yml');
  writeFileSync(file, text);
  const r = runCli(['lab', 'run', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}ping h1 -> 192\.0\.2\.1 +0\/1 received, unreachable/);
});

test('the lab shell shows a router\'s routes, its drops and a traced packet crossing it', () => {
  const r1eth0 = formatMac(deriveMac('r1', 'eth0'));
  const script = [
    'show routes r1',
    'show routes r2 -j',
    'h1 ping 10.0.2.10 -c 2',
    'h2 ping 10.0.99.1 -c 1',
    'show drops',
    `trace h1:eth0 eth(src=02:00:00:00:00:99,dst=${r1eth0}),ipv4(src=10.0.1.10,dst=10.0.2.10,ttl=2),udp(src=1,dst=2)`,
    `trace h1:eth0 eth(src=02:00:00:00:00:99,dst=${r1eth0}),ipv4(src=10.0.1.10,dst=10.0.2.10,ttl=1),udp(src=1,dst=2)`,
    'show conservation',
  ].join('\n');
  const r = runCli(['lab', 'shell', 'examples/routed-ecmp.yml'], { input: `${script}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /10\.0\.2\.0\/24 proto static\n\tnexthop via 10\.0\.12\.2 dev eth1 weight 1\n\tnexthop via 10\.0\.21\.2 dev eth2 weight 1/);
  assert.match(r.stdout, /r1: route 10\.0\.2\.0\/24 in main: forward to 10\.0\.(12|21)\.2 dev eth[12]/);
  assert.match(r.stdout, /r1: drop: ttl-exceeded/);
  assert.match(r.stdout, /conserved:/);
  compareGolden('router-shell-routed-ecmp.txt', r.stdout);
});

test('a route whose gateway is in no connected subnet is a lab-file error with its position', () => {
  const file = join(repoRoot(), 'dist', 'broken-router.yml');
  writeFileSync(file, [
    'name: broken-router',
    'topology:',
    '  nodes:',
    '    r1:',
    '      kind: router',
    '      interfaces: { eth0: { ip: 10.0.0.1/24 } }',
    '      routes: [{ dst: 10.9.0.0/16, via: 10.8.0.1 }]',
    '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }',
    '  links:',
    '    - endpoints: ["h1:eth0", "r1:eth0"]',
    '    - endpoints: ["h1:eth1", "r1:eth7"]',
    '',
  ].join('\n'));
  const r = runCli(['lab', 'run', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken-router\.yml:5:7: topology\.nodes\.r1: route 10\.9\.0\.0\/16 via 10\.8\.0\.1: gateway 10\.8\.0\.1 is not in any connected subnet/);
  assert.match(r.stderr, /topology\.links\.1\.endpoints\.1: r1 has no interface eth7/);
  assert.equal(r.stdout, '');
});
