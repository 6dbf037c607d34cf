/**
 * An OpenFlow lab under `vnet lab up --real` stays reachable the way an emulated `lab up` is:
 * `vnet ofctl FILE BRIDGE ...` acts on the live switch that real pings cross, and the switch's
 * `listen` address takes the real ovs-ofctl. A drop flow added either way stops the pings, and
 * deleting it lets them through again. A lab in the daemon serves its listener too, and vnet
 * ofctl reaches it through the daemon's socket. Each lab has a unique name and namespace prefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { realLabControlPath, realLabStatePath } from '../../src/real/real-lab.js';
import { runCli, startCli } from '../../src/testing/cli.js';
import { daemonRequest } from '../../src/cli/daemon.js';

const skip = tapUnavailableReason();
if (skip !== null) console.log(`# skipping the real OpenFlow lab test: ${skip}`);
const ovsOfctl = spawnSync('ovs-ofctl', ['--version'], { encoding: 'utf8', timeout: 20_000 });
const ovsOfctlSkip = ovsOfctl.error ? `ovs-ofctl not runnable: ${ovsOfctl.error.message}` : null;

const ICMP_DROP = /priority=500,icmp actions=drop/;

/** Two hosts on an OpenFlow switch doing NORMAL, its listener on a port the kernel picks. */
function twoHostLab(name: string): string {
  return [
    `name: ${name}`,
    'topology:',
    '  nodes:',
    '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }',
    '    h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }',
    '    br: { kind: openflow-switch, flows: ["table=0,priority=7,actions=NORMAL"], listen: "ptcp:0:127.0.0.1" }',
    '  links:',
    '    - endpoints: ["h1:eth0", "br:p1"]',
    '    - endpoints: ["h2:eth0", "br:p2"]',
    '',
  ].join('\n');
}

async function pings(ns: string, to: string): Promise<number> {
  const r = await nsExec(ns, ['ping', '-c', '2', '-i', '0.2', '-W', '1', to]);
  return Number(/(\d+) received/.exec(r.stdout)?.[1] ?? -1);
}

test('vnet ofctl and the real ovs-ofctl program the live switch of a real lab, whose pings follow', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-real-'));
  const lab = uniqueName('vn');
  const prefix = `${uniqueName('vn', 4)}-`;
  const file = join(dir, 'lab.yml');
  writeFileSync(file, twoHostLab(lab));
  const namespaces = [`${prefix}h1`, `${prefix}h2`];
  const up = startCli(['lab', 'up', file, '--real', '--netns-prefix', prefix]);
  t.after(() => {
    up.kill();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
    rmSync(realLabStatePath(lab), { force: true });
    rmSync(realLabControlPath(lab), { force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  await up.waitFor(/forwarding;/, 60_000);
  assert.match(up.output(), /br: listening on 127\.0\.0\.1:\d+/);
  const state = JSON.parse(readFileSync(realLabStatePath(lab), 'utf8')) as { control?: string; openflow?: { node: string; listen: string[] }[] };
  assert.equal(state.control, realLabControlPath(lab));
  const listen = state.openflow?.find((o) => o.node === 'br')?.listen[0];
  assert.match(listen ?? '', /^ptcp:\d+:127\.0\.0\.1$/);
  const h1 = namespaces[0]!;
  assert.equal(await pings(h1, '10.0.0.2'), 2);

  // vnet ofctl goes to the live switch: its counters moved, and a flow it adds stops the pings.
  const before = runCli(['ofctl', file, 'br', 'dump-flows']);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /priority=7 actions=NORMAL/);
  assert.doesNotMatch(before.stdout, /n_packets=0, n_bytes=0, priority=7 actions=NORMAL/, 'the counters are the live switch\'s, not a lab built for the call');
  const added = runCli(['ofctl', file, 'br', 'add-flow', 'table=0,priority=500,icmp,actions=drop']);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(await pings(h1, '10.0.0.2'), 0);
  assert.match(runCli(['ofctl', file, 'br', 'dump-flows']).stdout, /n_packets=2, n_bytes=196, priority=500,icmp actions=drop/);
  const deleted = runCli(['ofctl', file, 'br', 'del-flows', '--strict', 'table=0,priority=500,icmp']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(await pings(h1, '10.0.0.2'), 2);

  const withRun = runCli(['ofctl', file, 'br', 'dump-flows', '--run']);
  assert.equal(withRun.code, 1);
  assert.match(withRun.stderr, /^vnet: --run: lab \S+ is up for real; its checks are real pings, which run with: vnet lab run .* --real/);

  if (ovsOfctlSkip !== null) {
    t.diagnostic(`ovs-ofctl part skipped: ${ovsOfctlSkip}`);
  } else {
    // The real ovs-ofctl over the switch's listener, the same way round.
    const target = `tcp:127.0.0.1:${listen!.split(':')[1]}`;
    const ofctl = (...args: string[]) => spawnSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(ofctl('add-flow', target, 'table=0,priority=500,icmp,actions=drop').status, 0);
    assert.equal(await pings(h1, '10.0.0.2'), 0);
    assert.match(ofctl('dump-flows', target).stdout, /n_packets=2, n_bytes=196, priority=500,icmp actions=drop/);
    assert.match(runCli(['ofctl', file, 'br', 'dump-flows']).stdout, ICMP_DROP, 'vnet ofctl sees the flow ovs-ofctl added');
    assert.equal(ofctl('del-flows', target, 'icmp').status, 0);
    assert.equal(await pings(h1, '10.0.0.2'), 2);
  }

  const down = runCli(['lab', 'down', file]);
  assert.equal(down.code, 0, down.stderr);
  await up.exited;
  for (const ns of namespaces) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
  assert.equal(existsSync(realLabStatePath(lab)), false);
  assert.equal(existsSync(realLabControlPath(lab)), false, 'the control socket is removed');
});

test('a lab in the daemon serves its switch\'s OpenFlow listener, and vnet ofctl reaches its switch through the daemon', { skip: skip ?? ovsOfctlSkip ?? false, timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-daemon-'));
  const sock = join(dir, 'vnet.sock');
  const lab = uniqueName('vn');
  const prefix = `${uniqueName('vn', 4)}-`;
  const file = join(dir, 'lab.yml');
  writeFileSync(file, twoHostLab(lab));
  const namespaces = [`${prefix}h1`, `${prefix}h2`];
  const daemon = startCli(['daemon', '--socket', sock]);
  t.after(() => {
    daemon.kill();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
    rmSync(realLabStatePath(lab), { force: true });
    rmSync(dir, { recursive: true, force: true });
  });
  await daemon.waitFor(/listening on/);
  const up = await daemonRequest(sock, { op: 'lab-up', file, nsPrefix: prefix });
  assert.equal(up.ok, true, up.error);
  const listen = (up.result as { openflow?: { node: string; listen: string[] }[] }).openflow?.[0]?.listen[0] ?? '';
  assert.match(listen, /^ptcp:\d+:127\.0\.0\.1$/);
  const target = `tcp:127.0.0.1:${listen.split(':')[1]}`;
  await daemon.waitFor(new RegExp(`lab ${lab}: br: listening on 127\\.0\\.0\\.1:${listen.split(':')[1]}`), 10_000);
  const h1 = namespaces[0]!;
  assert.equal(await pings(h1, '10.0.0.2'), 2);
  const ofctl = (...args: string[]) => spawnSync('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(ofctl('add-flow', target, 'table=0,priority=500,icmp,actions=drop').status, 0);
  assert.equal(await pings(h1, '10.0.0.2'), 0);
  assert.match(ofctl('dump-flows', target).stdout, /n_packets=2, n_bytes=196, priority=500,icmp actions=drop/);

  // vnet ofctl reaches the switch inside the daemon: it sees the flow ovs-ofctl added, and deletes it.
  const dumped = runCli(['ofctl', file, 'br', 'dump-flows']);
  assert.equal(dumped.code, 0, dumped.stderr);
  assert.match(dumped.stdout, /n_packets=2, n_bytes=196, priority=500,icmp actions=drop/);
  const deleted = runCli(['ofctl', file, 'br', 'del-flows', '--strict', 'table=0,priority=500,icmp']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(await pings(h1, '10.0.0.2'), 2);
  const badBridge = runCli(['ofctl', file, 'nope', 'dump-flows']);
  assert.equal(badBridge.code, 1);
  assert.match(badBridge.stderr, /nope is not an openflow-switch node of this lab \(its openflow-switch nodes: br\)/, 'names the lab\'s switches without the daemon\'s prefix');
  const withRun = runCli(['ofctl', file, 'br', 'dump-flows', '--run']);
  assert.equal(withRun.code, 1);
  assert.match(withRun.stderr, /--run: lab \S+ runs in the daemon; its checks are real pings/);

  const down = await daemonRequest(sock, { op: 'lab-down', lab });
  assert.equal(down.ok, true, down.error);
  assert.notEqual(ofctl('dump-flows', target).status, 0, 'the listener closed with the lab');
  assert.equal((await daemonRequest(sock, { op: 'shutdown' })).ok, true);
  await daemon.exited;
  for (const ns of namespaces) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
});
