/**
 * A lab's `kind: vhost-user` node against DPDK: a lab with an emulated host, a bridge and a
 * vhost-user node, run as `vnet lab up` runs it (the wall clock, a RealLoop woken by the port's
 * doorbell), with dpdk-testpmd (virtio-user) on the node's socket.
 * txonly: testpmd's frames cross the lab's bridge; every frame testpmd counted is in the engine's
 * books. rxonly: the host's ARP requests, flooded by the bridge, reach testpmd, which counts as
 * many as vnet delivered. Root and dpdk-testpmd required; otherwise skipped with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseLab } from '../../src/control/lab/load.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
import type { LearningBridge } from '../../src/bridges/learning-bridge.js';
import type { VhostUserPort } from '../../src/nics/vhost-user/port.js';
import { Stat } from '../../src/nics/vhost-user/shared.js';
import { Testpmd, testpmdUnavailableReason } from '../../src/nics/vhost-user/testpmd.js';
import { RealLoop } from '../../src/real/loop.js';
import { assertConserved } from '../../src/testing/conservation.js';

const skip = testpmdUnavailableReason();
if (skip !== null) process.stdout.write(`# vhost-user lab interop skipped: ${skip}\n`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a lab\'s vhost-user node with DPDK testpmd on its socket', { skip: skip ?? false, timeout: 240_000 }, () => {
  let dir = '';
  let rt: LabRuntime;
  let loop: RealLoop;
  let port: VhostUserPort;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vnet-vu-lab-'));
    const text = `name: vu-lab
topology:
  nodes:
    br0: { kind: bridge }
    h1:
      kind: host
      interfaces: { eth0: { ip: 10.0.0.1/24, mac: 02:00:00:00:00:01 } }
    dpdk1:
      kind: vhost-user
      socket: dpdk1.sock
  links:
    - endpoints: [h1:eth0, br0:p1]
    - endpoints: [dpdk1:eth0, br0:p2]
`;
    const doorbell = new SharedArrayBuffer(4);
    rt = new LabRuntime(parseLab(text, join(dir, 'vu-lab.yml')), { clock: 'driven', doorbell });
    port = rt.engine.app<VhostUserPort>('dpdk1');
    await port.ready;
    loop = new RealLoop(rt.engine, { doorbell });
    loop.start();
  });

  after(async () => {
    await loop.stop();
    rt.stop();
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const backendLog = (): string => `backend log:\n${port.log.join('\n')}`;


  it('carries testpmd\'s frames (txonly) across the bridge, every one in the books', async () => {
    const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${join(dir, 'dpdk1.sock')},queues=1`, forwardMode: 'txonly' });
    try {
      // testpmd takes seconds to start on a busy machine (it zeroes 512 MiB and waits for the link).
      await pmd.until(() => port.stat(Stat.FramesFromGuest) >= 100_000, '100000 frames from testpmd', 90_000, backendLog);
    } finally {
      await pmd.stop();
    }
    const totals = pmd.totals();
    assert.ok(totals !== null, `testpmd printed its totals:\n${pmd.output.slice(-2000)}`);
    await pmd.until(() => port.state === 'listening', 'the backend to see testpmd leave', 10_000, backendLog);
    const taken = port.stat(Stat.FramesFromGuest);
    assert.equal(taken + port.stat(Stat.TxLeftAtDisconnect), totals.txPackets, 'every frame testpmd sent was taken or left on its ring');
    // Everything taken crossed into the engine and reached the bridge's port.
    await pmd.until(() => port.toEngineQueued === 0, 'the frame ring toward the engine to drain', 10_000, backendLog);
    await sleep(50);
    const bridge = rt.engine.app<LearningBridge>('br0');
    assert.equal(bridge.input.p2!.rxPackets, taken);
    assert.deepEqual(Object.entries(port.workerDrops()).filter(([, n]) => n !== 0), [], 'the backend dropped nothing');
    assertConserved(rt.engine);
    // The idle loop slept while testpmd started: its connection and messages came in through the waker.
    assert.equal(port.placement, 'inline');
    assert.ok(port.wakerRings > 0, `the waker rang the sleeping loop (${port.wakerRings} times)`);
  });

  it('delivers the host\'s flooded ARP requests to testpmd (rxonly), which counts every one', async () => {
    const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${join(dir, 'dpdk1.sock')},queues=1`, forwardMode: 'rxonly' });
    const before = port.stat(Stat.FramesToGuest);
    try {
      await pmd.until(() => pmd.output.includes('Port statistics'), 'testpmd to start forwarding', 90_000, backendLog);
      // 10.0.0.2 does not exist: every ping starts with an ARP request the bridge floods to dpdk1.
      const session = rt.host('h1').ping('10.0.0.2', { count: 5, interval: 100_000_000, timeout: 100_000_000 });
      await pmd.until(() => session.done, 'the pings to time out', 30_000, backendLog);
      await pmd.until(() => port.stat(Stat.FramesToGuest) - before >= 1, 'a frame delivered to testpmd', 10_000, backendLog);
      await sleep(1500);
    } finally {
      await pmd.stop();
    }
    const delivered = port.stat(Stat.FramesToGuest) - before;
    const totals = pmd.totals();
    assert.ok(totals !== null, `testpmd printed its totals:\n${pmd.output.slice(-2000)}`);
    assert.ok(delivered >= 1);
    assert.equal(totals.rxPackets, delivered, 'testpmd counted every frame vnet put on its receive ring');
  });
});
