/**
 * `vnet ofctl` on a running `vnet lab up`: a flow added by one call is there in the next, goes
 * away with del-flows, and errors read exactly as they do offline. The lab has its own name so
 * it never collides with the offline examples other tests use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../../src/testing/cli.js';

const DROP = 'table=0,priority=500,in_port=1,actions=drop';
const DROP_LINE = /priority=500,in_port="p1" actions=drop/;

test('vnet ofctl acts on the running lab: add-flow persists into the next dump-flows, del-flows removes it, errors match offline', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-ofctl-live-'));
  const name = `ofctl-live-${process.pid}`;
  const file = join(dir, 'lab.yml');
  writeFileSync(file, [
    `name: ${name}`,
    'topology:',
    '  nodes:',
    '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }',
    '    h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }',
    '    br: { kind: openflow-switch, flows: ["table=0,priority=7,actions=NORMAL"] }',
    '  links:',
    '    - endpoints: ["h1:eth0", "br:p1"]',
    '    - endpoints: ["h2:eth0", "br:p2"]',
    '',
  ].join('\n'));
  const statePath = join(tmpdir(), `vnet-lab-${name}.json`);
  const socketPath = join(tmpdir(), `vnet-lab-${name}.sock`);

  // Offline first: the errors the live lab must reproduce, and proof a flow does not outlive a call.
  const offlineBadBridge = runCli(['ofctl', file, 'nope', 'dump-flows']);
  assert.equal(offlineBadBridge.code, 1);
  assert.match(offlineBadBridge.stderr, /nope is not an openflow-switch node of this lab \(its openflow-switch nodes: br\)/);
  const offlineBadFlow = runCli(['ofctl', file, 'br', 'add-flow', 'table=0,tp_dst=80,actions=drop']);
  assert.equal(offlineBadFlow.code, 1);
  assert.match(offlineBadFlow.stderr, /^ovs-ofctl: /);
  assert.equal(runCli(['ofctl', file, 'br', 'add-flow', DROP]).code, 0);
  assert.doesNotMatch(runCli(['ofctl', file, 'br', 'dump-flows']).stdout, DROP_LINE);

  const lab = startCli(['lab', 'up', file]);
  t.after(() => {
    lab.kill();
    rmSync(statePath, { force: true });
    rmSync(socketPath, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  for (let waited = 0; !existsSync(statePath); waited += 100) {
    assert.ok(waited < 90_000 && lab.child.exitCode === null, `lab up did not come up: ${lab.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { control?: string };
  assert.equal(state.control, socketPath);

  const added = runCli(['ofctl', file, 'br', 'add-flow', DROP]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, DROP_LINE);

  const dumped = runCli(['ofctl', file, 'br', 'dump-flows']);
  assert.equal(dumped.code, 0, dumped.stderr);
  assert.match(dumped.stdout, DROP_LINE, 'the flow added by the previous call is still in the running switch');
  assert.match(dumped.stdout, /priority=7 actions=NORMAL/);

  const badBridge = runCli(['ofctl', file, 'nope', 'dump-flows']);
  assert.deepEqual({ code: badBridge.code, stderr: badBridge.stderr }, { code: offlineBadBridge.code, stderr: offlineBadBridge.stderr });
  const badFlow = runCli(['ofctl', file, 'br', 'add-flow', 'table=0,tp_dst=80,actions=drop']);
  assert.deepEqual({ code: badFlow.code, stderr: badFlow.stderr }, { code: offlineBadFlow.code, stderr: offlineBadFlow.stderr });

  const deleted = runCli(['ofctl', file, 'br', 'del-flows', '--strict', 'table=0,priority=500,in_port=1']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const after = runCli(['ofctl', file, 'br', 'dump-flows']);
  assert.equal(after.code, 0, after.stderr);
  assert.doesNotMatch(after.stdout, DROP_LINE);
  assert.match(after.stdout, /priority=7 actions=NORMAL/);

  const down = runCli(['lab', 'down', file]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(await lab.exited, 0, lab.output());
  assert.equal(existsSync(statePath), false, 'lab up removed its state file');
  assert.equal(existsSync(socketPath), false, 'lab up removed its control socket');
});
