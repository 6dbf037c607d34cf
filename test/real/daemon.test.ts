/**
 * The daemon: real labs brought up and down over its JSON socket while another lab's traffic
 * keeps flowing without loss. Namespaces are vn<random>-<host>; labs get unique vn<random> names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonRequest } from '../../src/cli/daemon.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { realLabStatePath } from '../../src/real/real-lab.js';
import { repoRoot } from '../../src/testing/paths.js';
import { runCli, startCli } from '../../src/testing/cli.js';

const skip = tapUnavailableReason();
if (skip !== null) console.log(`# skipping daemon tests: ${skip}`);

test('the daemon brings labs up and down over its socket without losing a packet of a lab that stays', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-daemon-'));
  const sock = join(dir, 'vnet.sock');
  const labA = uniqueName('vn');
  const labB = uniqueName('vn');
  const pa = `${uniqueName('vn', 4)}-`;
  const pb = `${uniqueName('vn', 4)}-`;
  const example = readFileSync(join(repoRoot(), 'examples', 'two-hosts.yml'), 'utf8');
  const fileA = join(dir, 'a.yml');
  const fileB = join(dir, 'b.yml');
  writeFileSync(fileA, example.replace(/^name: .*$/m, `name: ${labA}`));
  writeFileSync(fileB, example.replace(/^name: .*$/m, `name: ${labB}`));
  const namespaces = [`${pa}h1`, `${pa}h2`, `${pb}h1`, `${pb}h2`];
  const daemon = startCli(['daemon', '--socket', sock]);
  try {
    await daemon.waitFor(/listening on/);

    const upA = await daemonRequest(sock, { op: 'lab-up', file: fileA, nsPrefix: pa });
    assert.equal(upA.ok, true, upA.error);
    const warm = await nsExec(`${pa}h1`, ['ping', '-c', '1', '-W', '2', '10.0.0.2']);
    assert.match(warm.stdout, /1 received/);

    // 60 pings over 3 s in lab A while lab B comes up and goes down in the same engine.
    const pinging = nsExec(`${pa}h1`, ['ping', '-c', '60', '-i', '0.05', '-W', '1', '10.0.0.2'], 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const upB = await daemonRequest(sock, { op: 'lab-up', file: fileB, nsPrefix: pb });
    assert.equal(upB.ok, true, upB.error);
    const inB = await nsExec(`${pb}h2`, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '10.0.0.1']);
    assert.match(inB.stdout, /2 received/, 'lab B forwards too');
    const ports = await daemonRequest(sock, { op: 'show-ports' });
    const rows = ports.result as { port: string; ifname?: string; offloads?: { on: boolean; rxGsoPackets: number; txCoalesced: number } }[];
    const names = rows.map((r) => r.port);
    assert.ok(names.includes(`${labA}:h1/eth0.port`) && names.includes(`${labB}:br0.p2`), names.join(' '));
    // TAP ports report their offload work; other ports do not have any.
    const tapRow = rows.find((r) => r.port === `${labA}:h1/eth0.port`)!;
    assert.equal(typeof tapRow.offloads?.on, 'boolean', JSON.stringify(tapRow));
    assert.equal(typeof tapRow.offloads?.txCoalesced, 'number');
    assert.equal(rows.find((r) => r.port === `${labB}:br0.p2`)!.offloads, undefined);
    const downB = await daemonRequest(sock, { op: 'lab-down', lab: labB });
    assert.equal(downB.ok, true, downB.error);
    assert.equal(namespaceExists(`${pb}h1`), false);
    const ping = await pinging;
    const seqs = new Set([...ping.stdout.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));
    const missing = Array.from({ length: 60 }, (_, i) => i + 1).filter((i) => !seqs.has(i));
    const status = await daemonRequest(sock, { op: 'status' });
    assert.match(ping.stdout, /60 packets transmitted, 60 received/, `missing ${missing.join(' ')}; ${JSON.stringify(status.result)}`);

    const plainDown = runCli(['lab', 'down', fileA]);
    assert.notEqual(plainDown.code, 0, 'a plain lab down must not kill the daemon');
    assert.match(plainDown.stderr, /runs in the daemon/);

    const cli = runCli(['--daemon', sock, 'show', 'ports']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`${labA}:h1/eth0\\.port\\s+vn`));
    assert.match(cli.stdout, /offloads/);

    const bad = await new Promise<string>((resolve) => {
      const c = net.connect(sock, () => c.write('{"id":7,"op":"fly"}\n'));
      c.on('data', (d: Buffer) => {
        c.end();
        resolve(d.toString());
      });
    });
    assert.deepEqual(JSON.parse(bad), { id: 7, ok: false, error: 'unknown op "fly" (expected one of status, show-ports, shutdown, lab-up, lab-down, ofctl)' });

    const stop = await daemonRequest(sock, { op: 'shutdown' });
    assert.equal(stop.ok, true);
    await daemon.exited;
    for (const ns of namespaces) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
    assert.equal(existsSync(sock), false);
  } finally {
    daemon.kill();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
    rmSync(realLabStatePath(labA), { force: true });
    rmSync(realLabStatePath(labB), { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
