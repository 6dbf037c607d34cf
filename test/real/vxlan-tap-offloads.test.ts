/**
 * A Linux vxlan device against a vnet VTEP process whose access port is a TAP with offloads:
 * TCP sent into the TAP arrives 64 KB at a time, crosses the VTEP whole, and the UDP underlay
 * cuts it into VXLAN datagrams whose inner segments fit the overlay MTU; the kernel on the other
 * side accepts every one of them. The kernel's datagrams, the other way, are merged back into
 * 64 KB packets before the VTEP (TCP flows both ways).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { addNamespace, haveCommand, ip, iperf3, namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { repoRoot } from '../../src/testing/paths.js';

const skip = tapUnavailableReason() ?? (haveCommand('iperf3') ? null : 'iperf3 is not installed') ?? (haveCommand('ethtool') ? null : 'ethtool is not installed (needed to turn the veth\'s checksum offload off)');
if (skip !== null) console.log(`# skipping VXLAN with TAP offloads test: ${skip}`);

interface PeerStats {
  readonly drops: Record<string, number>;
  readonly tap?: { readonly offloads: boolean; readonly rxFinishing: boolean; readonly rxSegmented: number; readonly rxSegments: number; readonly rxGsoPackets: number };
  readonly socket: { readonly txDatagrams: number; readonly txSegmentedSends: number };
  readonly merged: { readonly frames: number; readonly datagrams: number; readonly badChecksums: number };
}

test('a kernel vxlan device and a vnet VTEP behind a TAP with offloads carry TCP both ways, the underlay socket cutting 64 KB packets to the overlay MTU', { skip: skip ?? false, timeout: 90_000 }, async () => {
  const nsK = uniqueName('vn');
  const nsV = uniqueName('vn');
  const vk = uniqueName('vn');
  const vv = uniqueName('vn');
  const tap = uniqueName('vnt');
  const compiled = join(repoRoot(), 'dist', 'src', 'real', 'vxlan-peer.js');
  const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
  const argv = fromSource ? ['--import', 'tsx', join(repoRoot(), 'src', 'real', 'vxlan-peer.ts')] : [compiled];
  let child: ReturnType<typeof spawn> | null = null;
  try {
    addNamespace(nsK);
    addNamespace(nsV);
    ip('link', 'add', vk, 'netns', nsK, 'type', 'veth', 'peer', 'name', vv, 'netns', nsV);
    ip('-n', nsK, 'addr', 'add', '10.89.0.1/30', 'dev', vk);
    ip('-n', nsV, 'addr', 'add', '10.89.0.2/30', 'dev', vv);
    ip('-n', nsK, 'link', 'set', vk, 'up');
    ip('-n', nsV, 'link', 'set', vv, 'up');
    // A veth hands over frames with CHECKSUM_PARTIAL, so the inner TCP checksum of the kernel's
    // VXLAN packets would never be filled in on the way to vnet's socket; tx off makes it.
    await nsExec(nsK, ['ethtool', '-K', vk, 'tx', 'off']);
    ip('-n', nsK, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '89', 'dstport', '4789', 'remote', '10.89.0.2', 'local', '10.89.0.1', 'dev', vk);
    ip('-n', nsK, 'link', 'set', 'vx0', 'mtu', '1450');
    ip('-n', nsK, 'addr', 'add', '192.168.89.1/24', 'dev', 'vx0');
    ip('-n', nsK, 'link', 'set', 'vx0', 'up');

    child = spawn('ip', ['netns', 'exec', nsV, process.execPath, ...argv, JSON.stringify({ local: '10.89.0.2', remotes: ['10.89.0.1'], vni: 89, tap: { ifname: tap, mtu: 1450, offloads: true } })], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const lines: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    });
    const exited = new Promise<never>((_, reject) => child!.once('exit', () => reject(new Error(`vnet peer exited: ${err}`))));
    exited.catch(() => {});
    const next = (): Promise<string> => (lines.length > 0 ? Promise.resolve(lines.shift()!) : Promise.race([new Promise<string>((r) => waiters.push(r)), exited]));
    assert.equal(await next(), 'ready', err);
    ip('-n', nsV, 'addr', 'add', '192.168.89.2/24', 'dev', tap);
    ip('-n', nsV, 'link', 'set', tap, 'up');

    const ping = await nsExec(nsV, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '192.168.89.1']);
    assert.match(ping.stdout, /3 received/, ping.stdout + ping.stderr);
    const out = await iperf3(nsV, nsK, '192.168.89.1', 2);
    const back = await iperf3(nsK, nsV, '192.168.89.2', 2);
    for (const [name, r] of [['TAP -> kernel vxlan', out], ['kernel vxlan -> TAP', back]] as const) {
      assert.ok((r.sum_received?.bytes ?? 0) > 5_000_000, `${name}: ${r.sum_received?.bytes} bytes`);
      console.log(`${name}: ${((r.sum_received?.bits_per_second ?? 0) / 1e9).toFixed(2)} Gbit/s`);
    }
    child.stdin!.write('stats\n');
    const stats = JSON.parse(await next()) as PeerStats;
    // The TAP port leaves its 64 KB packets whole; the socket sends the datagrams they stand for.
    assert.ok(stats.tap?.offloads && !stats.tap.rxFinishing, JSON.stringify(stats.tap));
    assert.ok(stats.tap.rxGsoPackets > 0 && stats.tap.rxSegmented === 0, JSON.stringify(stats.tap));
    assert.ok(stats.socket.txDatagrams > 2 * stats.tap.rxGsoPackets && stats.socket.txSegmentedSends > 0, JSON.stringify(stats.socket));
    // The kernel's datagrams come back together: runs of one flow's segments reach the TAP as one packet.
    assert.ok(stats.merged.frames > 0 && stats.merged.datagrams > 2 * stats.merged.frames && stats.merged.badChecksums === 0, JSON.stringify(stats.merged));
    assert.deepEqual(Object.keys(stats.drops).filter((k) => /gso|mtu|oversize/.test(k)), [], JSON.stringify(stats.drops));
    child.stdin!.write('quit\n');
  } finally {
    child?.kill('SIGKILL');
    tryIp('netns', 'del', nsK);
    tryIp('netns', 'del', nsV);
  }
  assert.equal(namespaceExists(nsK) || namespaceExists(nsV), false);
});
