/**
 * VXLAN over real UDP against the Linux kernel's vxlan device, and vnet against vnet across two
 * processes in two namespaces. Everything is named vn<random>; UDP ports are random high ports
 * (both sides agree on them), so nothing touches a real 4789 listener.
 *
 *   [netns K: vxlan dev 192.168.x.1] --veth--> [this process: VTEP on UDP, emulated host .2 / TAP host .3 in netns T]
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, Graph } from '../../src/engine/engine.js';
import { RealClock } from '../../src/engine/clock.js';
import { Host } from '../../src/hosts/host.js';
import { TapPort } from '../../src/nics/tap/tap-port.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { RealLoop } from '../../src/real/loop.js';
import { addNamespace, haveCommand, ip, iperf3, namespaceExists, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { addVxlanOverUdp, UdpUnderlay } from '../../src/real/vxlan-udp.js';
import type { VxlanVtep } from '../../src/netfns/tunnels/vxlan-vtep.js';
import { repoRoot } from '../../src/testing/paths.js';

const skip = tapUnavailableReason();
if (skip !== null) console.log(`# skipping VXLAN over UDP tests: ${skip}`);

const VNI = 4242;

function randomPort(): number {
  return 40000 + Math.floor(Math.random() * 20000);
}

test('the kernel vxlan device and a vnet VTEP exchange ARP, ping both ways, and TCP to a TAP host behind the VTEP', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const nsK = uniqueName('vn');
  const nsT = uniqueName('vn');
  const vethRoot = uniqueName('vn');
  const vethK = uniqueName('vn');
  const vx = uniqueName('vnx');
  const tap = uniqueName('vnt');
  const port = randomPort();
  const octet = 1 + Math.floor(Math.random() * 250);
  const under = `10.${octet}.77`;
  const engine = new Engine({ clock: new RealClock() });
  const loop = new RealLoop(engine);
  try {
    addNamespace(nsK);
    addNamespace(nsT);
    ip('link', 'add', vethRoot, 'type', 'veth', 'peer', 'name', vethK);
    ip('link', 'set', vethK, 'netns', nsK);
    ip('addr', 'add', `${under}.1/24`, 'dev', vethRoot);
    ip('link', 'set', vethRoot, 'up');
    ip('-n', nsK, 'addr', 'add', `${under}.2/24`, 'dev', vethK);
    ip('-n', nsK, 'link', 'set', vethK, 'up');
    // A veth hands over frames with CHECKSUM_PARTIAL: the inner TCP checksum of a VXLAN packet
    // would never be filled in on its way to our socket. A real NIC completes it; so does tx off.
    if (haveCommand('ethtool')) await nsExec(nsK, ['ethtool', '-K', vethK, 'tx', 'off']);
    ip('-n', nsK, 'link', 'add', vx, 'type', 'vxlan', 'id', String(VNI), 'dstport', String(port), 'remote', `${under}.1`, 'local', `${under}.2`, 'dev', vethK);
    ip('-n', nsK, 'addr', 'add', '192.168.77.1/24', 'dev', vx);
    ip('-n', nsK, 'link', 'set', vx, 'up');

    const g = new Graph();
    addVxlanOverUdp(g, 'vtep', {
      local: `${under}.1`,
      port,
      remotePort: port,
      overlay: { ports: { h: VNI, t: VNI }, flood: { [String(VNI)]: [`${under}.2`] } },
      doorbell: loop.doorbell,
    });
    g.app('h', Host, { interfaces: { eth0: { ip: '192.168.77.2/24', mtu: 1450, mac: '02:00:00:77:00:02' } } });
    g.connect('h.eth0', 'vtep.h');
    g.app('t', TapPort, { ifname: tap, mtu: 1450, doorbell: loop.doorbell });
    g.connect('t.port', 'vtep.t');
    engine.configure(g);
    await engine.app<UdpUnderlay>('vtep/udp').ready();
    await engine.app<TapPort>('t').ready();
    ip('link', 'set', tap, 'netns', nsT);
    ip('-n', nsT, 'addr', 'add', '192.168.77.3/24', 'dev', tap);
    ip('-n', nsT, 'link', 'set', tap, 'mtu', '1450');
    ip('-n', nsT, 'link', 'set', tap, 'up');
    loop.start();

    const fromKernel = await nsExec(nsK, ['ping', '-c', '3', '-i', '0.2', '-W', '2', '192.168.77.2']);
    assert.match(fromKernel.stdout, /3 received/, `kernel -> vnet host: ${fromKernel.stdout}${fromKernel.stderr}`);
    const fdb = ip('-n', nsK, 'neigh', 'show', 'dev', vx);
    assert.match(fdb, /192\.168\.77\.2 lladdr 02:00:00:77:00:02/, 'the kernel learned the vnet host by ARP over VXLAN');

    const s = engine.app<Host>('h').ping('192.168.77.1', { count: 3, interval: 200e6, timeout: 1e9 });
    loop.wake();
    const end = Date.now() + 5000;
    while (!s.done && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(s.received, 3, 'vnet host -> kernel answered');

    if (haveCommand('iperf3')) {
      const bps = (await iperf3(nsK, nsT, '192.168.77.3', 1)).sum_received?.bits_per_second ?? 0;
      assert.ok(bps > 1e6, `TCP over kernel VXLAN to a TAP host behind vnet: ${bps} bit/s`);
      console.log(`# TCP kernel vxlan -> vnet VTEP -> TAP: ${(bps / 1e6).toFixed(0)} Mbit/s`);
    } else {
      const tcp = await nsExec(nsK, ['ping', '-c', '2', '-i', '0.2', '192.168.77.3']);
      assert.match(tcp.stdout, /2 received/);
    }
    const vtep = engine.app<VxlanVtep>('vtep');
    assert.equal(vtep.dropCounts['vni-not-allowed'], 0);
    assert.ok(engine.app<UdpUnderlay>('vtep/udp').rxDatagrams > 5);
  } finally {
    await loop.stop();
    const taps = [...engine.apps.values()].filter((a): a is TapPort => a instanceof TapPort);
    engine.stop();
    await Promise.all(taps.map((t) => t.closed()));
    tryIp('netns', 'del', nsK);
    tryIp('netns', 'del', nsT);
    tryIp('link', 'del', vethRoot);
  }
  assert.equal(namespaceExists(nsK) || namespaceExists(nsT), false);
});

test('two vnet processes in two namespaces carry a VXLAN segment between their hosts', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const nsA = uniqueName('vn');
  const nsB = uniqueName('vn');
  const va = uniqueName('vn');
  const vb = uniqueName('vn');
  const port = randomPort();
  const compiled = join(repoRoot(), 'dist', 'src', 'real', 'vxlan-peer.js');
  const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
  const peer = fromSource ? ['--import', 'tsx', join(repoRoot(), 'src', 'real', 'vxlan-peer.ts')] : [compiled];
  const children: ReturnType<typeof spawn>[] = [];
  try {
    addNamespace(nsA);
    addNamespace(nsB);
    ip('link', 'add', va, 'netns', nsA, 'type', 'veth', 'peer', 'name', vb, 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', '10.88.0.1/30', 'dev', va);
    ip('-n', nsB, 'addr', 'add', '10.88.0.2/30', 'dev', vb);
    ip('-n', nsA, 'link', 'set', va, 'up');
    ip('-n', nsB, 'link', 'set', vb, 'up');
    const start = (ns: string, conf: object): Promise<{ send: (l: string) => void; next: () => Promise<string> }> => {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...peer, JSON.stringify(conf)], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const lines: string[] = [];
      const waiters: ((l: string) => void)[] = [];
      createInterface({ input: child.stdout! }).on('line', (l) => {
        const w = waiters.shift();
        if (w) w(l);
        else lines.push(l);
      });
      const next = (): Promise<string> =>
        lines.length > 0
          ? Promise.resolve(lines.shift()!)
          : new Promise((resolve, reject) => {
              waiters.push(resolve);
              child.once('exit', () => reject(new Error(`peer in ${ns} exited: ${err}`)));
            });
      return next().then((first) => {
        assert.equal(first, 'ready', err);
        return { send: (l: string) => child.stdin!.write(`${l}\n`), next };
      });
    };
    const a = await start(nsA, { local: '10.88.0.1', port, remotes: ['10.88.0.2'], vni: 99, hostIp: '192.168.99.1/24' });
    const b = await start(nsB, { local: '10.88.0.2', port, remotes: ['10.88.0.1'], vni: 99, hostIp: '192.168.99.2/24' });
    a.send('ping 192.168.99.2 3');
    assert.equal(await a.next(), 'ping 192.168.99.2: 3/3 received');
    b.send('ping 192.168.99.1 2');
    assert.equal(await b.next(), 'ping 192.168.99.1: 2/2 received');
    a.send('quit');
    b.send('quit');
  } finally {
    for (const c of children) c.kill('SIGKILL');
    tryIp('netns', 'del', nsA);
    tryIp('netns', 'del', nsB);
  }
  assert.equal(namespaceExists(nsA) || namespaceExists(nsB), false);
});
