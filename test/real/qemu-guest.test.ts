/**
 * A real Linux guest (QEMU under TCG, Debian's kernel, busybox initramfs) with a virtio-net NIC
 * attached to a vnet lab through a DgramPort, pinging an emulated host across a vnet bridge:
 *
 *   [QEMU guest 10.0.0.2, virtio_net] -- UDP 127.0.0.1 -- [vm1 DgramPort] -- br0 -- [h1 10.0.0.1, emulated]
 *
 * The lab is examples/real-qemu-guest.yml with its guest paths pointed at what this test builds.
 * Installs what is missing (as root): qemu-system-x86 and busybox-static with apt, the kernel with
 * `apt-get download` (cached under the temp directory, so reruns only rebuild the initramfs).
 * Skips with the reason printed when not root or when those cannot be had.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabFile } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import { QemuGuest, type QemuExit } from '../../src/control/lab/kinds/qemu.js';
import { RealLoop } from '../../src/real/loop.js';
import { conservation } from '../../src/testing/conservation.js';
import type { Packet } from '../../src/engine/packet.js';
import { repoRoot } from '../../src/testing/paths.js';
import { buildGuest, ensureTools } from '../../src/testing/qemu-guest.js';

const skip = process.getuid?.() !== 0 ? 'not root (QEMU, busybox and the kernel package are installed with apt)' : ensureTools();
if (skip !== null) console.log(`skipping the QEMU guest test: ${skip}`);

test('a QEMU guest with a virtio-net NIC pings an emulated host across a vnet bridge, and vnet counts every frame', { skip: skip ?? false, timeout: 150_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-qemu-test-'));
  let rt: LabRuntime | null = null;
  let loop: RealLoop | null = null;
  try {
    const why = buildGuest(dir);
    if (why !== null) {
      console.log(`skipping the QEMU guest test: ${why}`);
      t.skip(why);
      return;
    }
    const lab = `qemu-guest-${process.pid}`;
    const consoleLog = join(dir, 'console.log');
    const text = readFileSync(join(repoRoot(), 'examples', 'real-qemu-guest.yml'), 'utf8')
      .replace(/^name: .*$/m, `name: ${lab}`)
      .replaceAll('/tmp/vnet-qemu-guest/', `${dir}/`)
      .replace(/^(\s+)kind: qemu$/m, `$1kind: qemu\n$1console: ${consoleLog}`);
    const file = join(dir, 'lab.yml');
    writeFileSync(file, text);
    rt = new LabRuntime(loadLabFile(file));
    const vm = rt.engine.app<QemuGuest>('vm1');
    assert.ok(vm instanceof QemuGuest);
    // Count ICMP echo frames where they enter the emulated host and where they leave for the guest.
    const echoes = { requestsAtHost: 0, repliesToGuest: 0 };
    const icmpType = (p: Packet): number => (p.len >= 35 && p.buf[p.off + 12] === 0x08 && p.buf[p.off + 13] === 0x00 && p.buf[p.off + 23] === 1 ? p.buf[p.off + 14 + (p.buf[p.off + 14]! & 0x0f) * 4]! : -1);
    rt.ports.find((p) => p.name === 'h1/eth0')!.inbound.tap = (p) => { if (icmpType(p) === 8) echoes.requestsAtHost++; };
    rt.ports.find((p) => p.name === 'vm1/eth0')!.inbound.tap = (p) => { if (icmpType(p) === 0) echoes.repliesToGuest++; };
    loop = new RealLoop(rt.engine, { idleMs: 5 });
    loop.start();
    const started = Date.now();
    // A pending timer also keeps the event loop alive while the engine loop sleeps (the port's socket does not).
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([vm.exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 120_000); })]);
    clearTimeout(timer);
    const seconds = (Date.now() - started) / 1000;
    await loop.stop();
    const log = existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '';
    assert.notEqual(exit, 'timeout', `the guest did not power off within 120 s; console:\n${log.slice(-2000)}`);
    assert.equal((exit as QemuExit).error, null);
    assert.equal((exit as QemuExit).code, 0, `QEMU exit; console:\n${log.slice(-2000)}`);
    console.log(`guest booted, pinged and powered off in ${seconds.toFixed(1)} s of wall-clock time`);

    // The guest's own view: its driver came up with the lab's MAC and every echo was answered.
    assert.match(log, /VNET-GUEST eth0 52:54:00:12:34:56 10\.0\.0\.2\/24/);
    assert.match(log, /VNET-GUEST-PING target=10\.0\.0\.1 sent=3 received=3/, log.slice(-2000));
    assert.doesNotMatch(log, /insmod .* failed/);

    // vnet's view: frames crossed the bridge both ways (ARP + 3 echo requests out, ARP reply + 3 replies back).
    const port = (name: string) => rt!.ports.find((p) => p.name === name)!;
    const fromGuest = port('vm1/eth0').outbound.txPackets;
    const toGuest = port('vm1/eth0').inbound.txPackets;
    const atHost = port('h1/eth0').inbound.txPackets;
    const fromHost = port('h1/eth0').outbound.txPackets;
    console.log(`frames: guest -> vnet ${fromGuest}, vnet -> guest ${toGuest}, bridge -> h1 ${atHost}, h1 -> bridge ${fromHost}; datagrams rx ${vm.rxDatagrams} tx ${vm.txDatagrams}`);
    assert.deepEqual(echoes, { requestsAtHost: 3, repliesToGuest: 3 });
    assert.ok(fromGuest >= 4 && atHost >= 4, `guest sent ${fromGuest}, h1 received ${atHost}`);
    assert.ok(fromHost >= 4 && toGuest >= 4, `h1 sent ${fromHost}, guest port received ${toGuest}`);
    // Every datagram from QEMU became a frame on the port, and every frame to the guest a datagram.
    assert.equal(vm.rxDatagrams, fromGuest);
    assert.equal(vm.txDatagrams, toGuest);
    assert.equal(vm.totalDrops(), 0, JSON.stringify(vm.dropCounts));
    const c = conservation(rt.engine);
    assert.ok(c.ok, c.problems.join('\n'));
  } finally {
    await loop?.stop();
    const vm = rt?.engine.apps.get('vm1');
    rt?.stop();
    if (vm instanceof QemuGuest) await vm.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});
