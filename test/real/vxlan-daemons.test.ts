/**
 * Two vnet daemons on two "machines" (network namespaces), each running a real lab whose VTEP has
 * a UDP underlay (`underlay: { udp: ... }`), and a Linux vxlan device on a third machine, all on
 * one VNI over one underlay switch. The hosts behind the daemons are namespaces of their own.
 *
 *   [mA: daemon A, lab A: h1 10.42.0.1]   [mB: daemon B, lab B: h2 10.42.0.2]   [mK: vxlan dev 10.42.0.3]
 *              \ .1                                   | .2                               / .3
 *               +------------------ bridge in namespace U (underlay 10.x.y.0/24) -------+
 *
 * The daemons run under `nsenter --net` (not `ip netns exec`, whose private mount namespace would
 * hide the host namespaces the daemon creates). Everything is named vn<random>, the VXLAN port
 * is a random high port, and everything is removed at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daemonRequest } from '../../src/cli/daemon.js';
import type { PortRow } from '../../src/real/datapath-worker.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { addNamespace, haveCommand, ip, iperf3, namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { realLabStatePath } from '../../src/real/real-lab.js';
import { startCli, type RunningCli } from '../../src/testing/cli.js';
import { udpOverlayLab } from '../../src/testing/overlay-labs.js';

const skip = tapUnavailableReason() ?? (haveCommand('nsenter') ? null : 'nsenter (util-linux) is not installed');
if (skip !== null) console.log(`# skipping the two-daemon VXLAN test: ${skip}`);

const VNI = 42;

/** `bridge fdb append 00:00:00:00:00:00 dev DEV dst REMOTE` in a namespace: one more flood target for a kernel vxlan device. */
function bridgeFdbAppend(netns: string, dev: string, remote: string): void {
  const r = spawnSync('bridge', ['-n', netns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', dev, 'dst', remote], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge fdb append ${dev} ${remote}: ${r.stderr || r.error?.message}`);
}

async function startDaemon(netns: string, sock: string): Promise<RunningCli> {
  const daemon = startCli(['daemon', '--socket', sock], { prefix: ['nsenter', `--net=/run/netns/${netns}`] });
  await daemon.waitFor(/listening on/);
  return daemon;
}

test('two daemons on two machines and a kernel vxlan device share one VNI over a real UDP underlay', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-vxd-'));
  const [mA, mB, mK, mU] = [uniqueName('vn'), uniqueName('vn'), uniqueName('vn'), uniqueName('vn')];
  const br = uniqueName('vnb');
  const vx = uniqueName('vnx');
  const octet = 1 + Math.floor(Math.random() * 250);
  const under = `10.${octet}.43`;
  const port = 40000 + Math.floor(Math.random() * 20000);
  const labA = uniqueName('vn');
  const labB = uniqueName('vn');
  const prefixA = `${uniqueName('vn', 4)}-`;
  const prefixB = `${uniqueName('vn', 4)}-`;
  const hostNs = [`${prefixA}h1`, `${prefixB}h2`];
  const fileA = join(dir, 'a.yml');
  const fileB = join(dir, 'b.yml');
  writeFileSync(fileA, udpOverlayLab({ name: labA, host: 'h1', hostIp: '10.42.0.1', local: `${under}.1`, remotes: [`${under}.2`, `${under}.3`], port, vni: VNI }));
  writeFileSync(fileB, udpOverlayLab({ name: labB, host: 'h2', hostIp: '10.42.0.2', local: `${under}.2`, remotes: [`${under}.1`, `${under}.3`], port, vni: VNI }));
  const sockA = join(dir, 'a.sock');
  const sockB = join(dir, 'b.sock');
  const daemons: RunningCli[] = [];
  try {
    for (const ns of [mA, mB, mK, mU]) addNamespace(ns);
    ip('-n', mU, 'link', 'add', br, 'type', 'bridge');
    ip('-n', mU, 'link', 'set', br, 'up');
    [mA, mB, mK].forEach((m, i) => {
      const inside = uniqueName('vn');
      const outside = uniqueName('vn');
      ip('-n', m, 'link', 'add', inside, 'type', 'veth', 'peer', 'name', outside, 'netns', mU);
      ip('-n', mU, 'link', 'set', outside, 'master', br);
      ip('-n', mU, 'link', 'set', outside, 'up');
      ip('-n', m, 'addr', 'add', `${under}.${i + 1}/24`, 'dev', inside);
      ip('-n', m, 'link', 'set', inside, 'up');
      ip('-n', m, 'link', 'set', 'lo', 'up');
      if (m === mK) {
        ip('-n', mK, 'link', 'add', vx, 'type', 'vxlan', 'id', String(VNI), 'dstport', String(port), 'local', `${under}.3`, 'dev', inside);
        // Head-end replication to both daemons, as the vnet VTEPs do with their remotes.
        for (const r of [`${under}.1`, `${under}.2`]) bridgeFdbAppend(mK, vx, r);
        ip('-n', mK, 'addr', 'add', '10.42.0.3/24', 'dev', vx);
        ip('-n', mK, 'link', 'set', vx, 'mtu', '1450', 'up');
      }
    });

    const a = await startDaemon(mA, sockA);
    daemons.push(a);
    const b = await startDaemon(mB, sockB);
    daemons.push(b);
    const upA = await daemonRequest(sockA, { op: 'lab-up', file: fileA, nsPrefix: prefixA, offloads: true });
    assert.equal(upA.ok, true, upA.error);
    const upB = await daemonRequest(sockB, { op: 'lab-up', file: fileB, nsPrefix: prefixB, offloads: true });
    assert.equal(upB.ok, true, upB.error);

    // A first exchange warms up ARP and both daemons' JIT, which can take longer than one ping's timeout.
    await nsExec(`${prefixA}h1`, ['ping', '-c', '1', '-W', '5', '10.42.0.2']);
    await nsExec(`${prefixA}h1`, ['ping', '-c', '1', '-W', '5', '10.42.0.3']);
    // vnet to vnet, across the two daemons; then each daemon to the kernel, and the kernel back.
    const aToB = await nsExec(`${prefixA}h1`, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.42.0.2']);
    assert.match(aToB.stdout, /3 received/, `h1 -> h2: ${aToB.stdout}${a.output()}${b.output()}`);
    const bToA = await nsExec(`${prefixB}h2`, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.42.0.1']);
    assert.match(bToA.stdout, /3 received/, `h2 -> h1: ${bToA.stdout}`);
    const aToK = await nsExec(`${prefixA}h1`, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.42.0.3']);
    assert.match(aToK.stdout, /3 received/, `h1 -> kernel: ${aToK.stdout}`);
    const kToB = await nsExec(mK, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.42.0.2']);
    assert.match(kToB.stdout, /3 received/, `kernel -> h2: ${kToB.stdout}`);

    if (haveCommand('iperf3')) {
      // TCP across the two daemons: the TAPs' 64 KB packets cross VTEP A whole, its socket cuts
      // them into datagrams, and VTEP B's socket merges them again.
      const bps = (await iperf3(`${prefixA}h1`, `${prefixB}h2`, '10.42.0.2', 1)).sum_received?.bits_per_second ?? 0;
      assert.ok(bps > 1e6, `TCP h1 -> h2 over both daemons: ${bps} bit/s`);
      console.log(`TCP h1 -> h2 across the two daemons (1 s): ${(bps / 1e9).toFixed(2)} Gbit/s`);
    } else console.log('# two-daemon VXLAN: iperf3 is not installed, TCP part skipped');

    // The daemons' port tables show the VTEP's UDP underlay next to the host's TAP.
    const ports = await daemonRequest(sockA, { op: 'show-ports' });
    const names = (ports.result as { port: string }[]).map((r) => r.port);
    assert.ok(names.includes(`${labA}:h1/eth0.port`), names.join(' '));
    assert.ok(names.some((n) => n.startsWith(`${labA}:vtep/udp.`)), names.join(' '));
    // The socket's own counters: its address, and the datagrams of the pings (and of TCP) both ways.
    const udpRow = (ports.result as PortRow[]).find((r) => r.port.startsWith(`${labA}:vtep/udp.`))!;
    assert.ok(udpRow.socket !== undefined && /^\d+\.\d+\.\d+\.\d+:\d+$/.test(udpRow.socket.local), JSON.stringify(udpRow));
    assert.ok(udpRow.socket.rxDatagrams >= 6 && udpRow.socket.txDatagrams >= 6, JSON.stringify(udpRow));
    if (haveCommand('iperf3')) assert.ok(udpRow.socket.gsoSends > 0, `TCP went out in GSO runs: ${JSON.stringify(udpRow)}`);

    const downB = await daemonRequest(sockB, { op: 'lab-down', lab: labB });
    assert.equal(downB.ok, true, downB.error);
    assert.equal(namespaceExists(`${prefixB}h2`), false);
    // With lab B gone, h2 no longer answers: the replies above really came through daemon B.
    const gone = await nsExec(`${prefixA}h1`, ['ping', '-c', '2', '-i', '0.2', '-W', '1', '10.42.0.2']);
    assert.match(gone.stdout, /0 received/, gone.stdout);
    // Lab down closed B's socket: the same lab comes up again on the same address and port.
    const again = await daemonRequest(sockB, { op: 'lab-up', file: fileB, nsPrefix: prefixB, offloads: true });
    assert.equal(again.ok, true, again.error);
    const back = await nsExec(`${prefixA}h1`, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '10.42.0.2']);
    assert.match(back.stdout, /3 received/, `h1 -> h2 after lab B came back: ${back.stdout}`);

    for (const sock of [sockA, sockB]) assert.equal((await daemonRequest(sock, { op: 'shutdown' })).ok, true);
    for (const d of daemons) await d.exited;
    for (const ns of hostNs) assert.equal(namespaceExists(ns), false, `${ns} left behind`);
  } finally {
    for (const d of daemons) d.kill();
    for (const ns of [...hostNs, mA, mB, mK, mU]) tryIp('netns', 'del', ns);
    rmSync(realLabStatePath(labA), { force: true });
    rmSync(realLabStatePath(labB), { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
