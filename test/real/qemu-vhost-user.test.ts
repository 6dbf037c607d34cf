/**
 * A real Linux guest (QEMU under TCG, Debian's kernel, busybox initramfs) whose virtio-net NIC is
 * served by vnet's vhost-user backend, pinging an emulated host across a vnet bridge:
 *
 *   [QEMU guest 10.0.0.2, virtio_net] -- vhost-user socket -- [guest1 VhostUserPort] -- br0 -- [h1 10.0.0.1]
 *
 * QEMU shares the guest's RAM (a memfd memory backend, share=on) and hands the backend the rings;
 * the guest's frames never pass through QEMU. Once per placement. Root, QEMU and busybox are
 * installed as the other QEMU test does; skipped with the reason printed otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabFile } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import type { VhostUserPort } from '../../src/nics/vhost-user/port.js';
import { Stat } from '../../src/nics/vhost-user/shared.js';
import { RealLoop } from '../../src/real/loop.js';
import { conservation } from '../../src/testing/conservation.js';
import { buildGuest, ensureTools } from '../../src/testing/qemu-guest.js';

const skip = process.getuid?.() !== 0 ? 'not root (QEMU, busybox and the kernel package are installed with apt)' : ensureTools();
if (skip !== null) console.log(`skipping the QEMU vhost-user test: ${skip}`);

/** QEMU's command line: guest RAM in a shared memfd, the NIC a vhost-user netdev on `socket`. */
function qemuArgs(dir: string, socket: string): string[] {
  return [
    '-accel', 'tcg', '-nographic', '-no-reboot', '-m', '256',
    // vhost-user needs the guest's RAM in memory the backend can map: a shared memfd.
    '-object', 'memory-backend-memfd,id=mem,size=256M,share=on', '-numa', 'node,memdev=mem',
    '-kernel', join(dir, 'vmlinuz'), '-initrd', join(dir, 'initrd.cpio.gz'),
    '-append', 'console=ttyS0 quiet panic=-1 vnet.ip=10.0.0.2/24 vnet.ping=10.0.0.1',
    '-chardev', `socket,id=c0,path=${socket}`, '-netdev', 'vhost-user,id=n0,chardev=c0',
    // vectors=0: QEMU 7.2 under TCG crashes setting up MSI-X vector notifiers for a vhost netdev
    // (vhost_net_start -> msix_set_vector_notifiers); INTx avoids that path.
    '-device', 'virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:12:34:56,vectors=0',
  ];
}

for (const placement of ['inline', 'thread'] as const) {
  test(`a QEMU guest whose virtio-net NIC is vnet's vhost-user backend (${placement}) pings a host across a vnet bridge`, { skip: skip ?? false, timeout: 180_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vnet-qemu-vu-'));
    let rt: LabRuntime | null = null;
    let loop: RealLoop | null = null;
    let port: VhostUserPort | null = null;
    try {
      const why = buildGuest(dir);
      if (why !== null) {
        console.log(`skipping the QEMU vhost-user test: ${why}`);
        t.skip(why);
        return;
      }
      const socket = join(dir, 'guest1.sock');
      const file = join(dir, 'lab.yml');
      writeFileSync(file, `name: qemu-vu-${process.pid}
topology:
  nodes:
    br0: { kind: bridge }
    h1:
      kind: host
      interfaces: { eth0: { ip: 10.0.0.1/24, mac: 02:00:00:00:00:01 } }
    guest1:
      kind: vhost-user
      socket: ${socket}
      placement: ${placement}
  links:
    - endpoints: [h1:eth0, br0:p1]
    - endpoints: [guest1:eth0, br0:p2]
`);
      const doorbell = new SharedArrayBuffer(4);
      rt = new LabRuntime(loadLabFile(file), { clock: 'driven', doorbell });
      port = rt.engine.app<VhostUserPort>('guest1');
      await port.ready;
      loop = new RealLoop(rt.engine, { doorbell });
      loop.start();
      const qemu = spawn('qemu-system-x86_64', qemuArgs(dir, socket), { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      qemu.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-100_000)));
      qemu.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-100_000)));
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        new Promise<{ code: number | null; signal: string | null }>((resolve) => qemu.once('exit', (code, signal) => resolve({ code, signal }))),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), 150_000);
        }),
      ]);
      clearTimeout(timer);
      if (exit === 'timeout') qemu.kill('SIGKILL');
      const context = `backend log: ${port.log.join('; ')}\nQEMU said:\n${output.slice(-2000)}`;
      assert.notEqual(exit, 'timeout', `the guest did not power off within 150 s; ${context}`);
      assert.deepEqual(exit, { code: 0, signal: null }, context);

      // The guest's view: its driver came up and every echo was answered.
      assert.match(output, /VNET-GUEST eth0 52:54:00:12:34:56 10\.0\.0\.2\/24/, context);
      assert.match(output, /VNET-GUEST-PING target=10\.0\.0\.1 sent=3 received=3/, context);

      // vnet's view: one front-end, its memory table and rings taken without a protocol error, and
      // at least the ARP request and three echo requests from the guest, the ARP reply and three
      // replies to it, none dropped on the backend's side.
      await loop.stop();
      assert.equal(port.stat(Stat.Connections), 1);
      assert.equal(port.stat(Stat.ProtocolErrors), 0, context);
      assert.ok(port.stat(Stat.FramesFromGuest) >= 4, `frames from the guest: ${port.stat(Stat.FramesFromGuest)}`);
      assert.ok(port.stat(Stat.FramesToGuest) >= 4, `frames to the guest: ${port.stat(Stat.FramesToGuest)}`);
      assert.deepEqual(Object.entries(port.workerDrops()).filter(([, n]) => n !== 0), []);
      assert.ok(port.log.includes('front-end disconnected'), context);
      const c = conservation(rt.engine);
      assert.ok(c.ok, c.problems.join('\n'));
    } finally {
      await loop?.stop();
      rt?.stop();
      await port?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
