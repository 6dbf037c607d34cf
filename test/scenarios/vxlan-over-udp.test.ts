/**
 * Labs whose VTEP has a real UDP underlay (`underlay: { udp: ... }`), without root: two labs on
 * loopback (127.0.0.1 and 127.0.0.2, a random high port), one kept up with `vnet lab up`, the
 * other running its checks with `vnet lab run` on the wall clock. Also what the lab file refuses
 * and why a virtual-clock runtime cannot build such a node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabFileError, parseLab } from '../../src/control/lab/load.js';
import { LabRuntime, labNeedsWallClock } from '../../src/control/lab/runtime.js';
import { runCli, startCli } from '../../src/testing/cli.js';
import { copyExampleLab, udpOverlayLab } from '../../src/testing/overlay-labs.js';

function lab(name: string, host: string, hostIp: string, peerIp: string, local: string, remote: string, port: number): string {
  return udpOverlayLab({ name, host, hostIp, local, remotes: [remote], port, vni: 42, ping: peerIp });
}

function problems(text: string): string {
  try {
    parseLab(text, 'bad.yml');
  } catch (e) {
    assert.ok(e instanceof LabFileError, String(e));
    return e.message;
  }
  return assert.fail('expected the lab to be rejected');
}

test('a UDP underlay is refused where it cannot work, with the reason', () => {
  const ok = lab('u', 'h1', '10.42.0.1', '10.42.0.2', '127.0.0.1', '127.0.0.2', 14789);
  const model = parseLab(ok, 'u.yml');
  assert.equal(labNeedsWallClock(model), true);
  assert.throws(() => new LabRuntime(model), /node vtep: its underlay is a real UDP socket, which needs the wall clock: use vnet lab up FILE or vnet lab run FILE \(or --real\)/);

  assert.match(problems(ok.replace('kind: vtep', 'kind: vtep\n      mode: gre')), /a UDP underlay carries VXLAN only/);
  assert.match(problems(ok.replace('underlay: { udp:', 'underlay: { ip: 192.168.0.1/24, udp:')), /underlay\.ip.*does not apply with udp/);
  assert.match(problems(ok.replace('local: 127.0.0.1,', 'local: 127.0.0.300,')), /underlay\.udp\.local/);
  assert.match(problems(ok.replace('port: 14789,', 'port: 70000,')), /underlay\.udp\.port/);
  assert.match(problems(ok.replace('remotes: { 42: [127.0.0.2] }', 'remotes: { 42: [127.0.0.1] }')), /lists this endpoint itself/);
  const linked = ok.replace('    - endpoints: [h1:eth0, vtep:h]', '    - endpoints: [h1:eth0, vtep:h]\n    - endpoints: [sw:p1, vtep:underlay]').replace('    h1:', '    sw: { kind: bridge }\n    h1:');
  assert.match(problems(linked), /vtep:underlay: this VTEP's underlay is a UDP socket \(underlay\.udp\), not a lab port/);
  // An address this machine does not have: the run stops with the node and the socket's reason.
  const dir = mkdtempSync(join(tmpdir(), 'vnet-vxu-bad-'));
  try {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, lab(`vxu-bad-${process.pid}`, 'h1', '10.42.0.1', '10.42.0.2', '192.0.2.77', '192.0.2.78', 14789));
    const run = runCli(['lab', 'run', file]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /vtep\/udp: udp 192\.0\.2\.77:14789: bind failed: errno 99 EADDRNOTAVAIL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The same lab with an ordinary underlay still needs its underlay link.
  assert.match(problems(ok.replace(/underlay: \{ udp: .* \}\n/, 'underlay: { ip: 192.168.0.1/24 }\n')), /vtep:underlay is not connected by any link/);
});

test('the two example labs joined over real UDP on loopback: lab run pings through the other lab while it is up, and not after', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-vxu-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const nameA = `vxu-${process.pid}-a`;
  const nameB = `vxu-${process.pid}-b`;
  const fileA = copyExampleLab('vxlan-over-udp-a.yml', dir, nameA, port);
  const fileB = copyExampleLab('vxlan-over-udp-b.yml', dir, nameB, port);

  const labB = startCli(['lab', 'up', fileB]);
  t.after(() => {
    labB.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await labB.waitFor(new RegExp(`lab ${nameB} is up`));
  await labB.waitFor(new RegExp(`vtep: VXLAN on udp 127\\.0\\.0\\.2:${port}, remotes 127\\.0\\.0\\.1:${port}`));

  // A first run warms lab B up (ARP, the JIT); under a loaded test machine its first answer can
  // take longer than a ping's one-second timeout.
  runCli(['lab', 'run', fileA]);
  const run = runCli(['lab', 'run', fileA, '--json']);
  assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
  const report = JSON.parse(run.stdout) as { clock: string; passed: number; conservation: { ok: boolean }; checks: { detail: string; rtts?: number[] }[] };
  assert.equal(report.clock, 'wall');
  assert.equal(report.passed, 1, report.checks[0]?.detail);
  assert.equal(report.checks[0]?.rtts?.length, 3);
  assert.equal(report.conservation.ok, true);
  const text = runCli(['lab', 'run', fileA]);
  assert.match(text.stdout, /emulated on the wall clock/);
  assert.match(text.stdout, /PASS {2}ping h1 -> 10\.42\.0\.2 \(3\) {2}3\/3 received/);

  const down = runCli(['lab', 'down', fileB]);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(await labB.exited, 0, labB.output());
  assert.match(labB.output(), new RegExp(`lab ${nameB} is down`));
  // Nobody answers on 127.0.0.2 any more: the replies above came from lab B.
  const alone = runCli(['lab', 'run', fileA]);
  assert.equal(alone.code, 1, alone.stdout);
  assert.match(alone.stdout, /FAIL {2}ping h1 -> 10\.42\.0\.2 \(3\) {2}0\/3 received/);
});
