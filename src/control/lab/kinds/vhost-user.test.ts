import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabFileError, parseLab } from '../load.js';
import { LabRuntime } from '../runtime.js';
import { RealLoop } from '../../../real/loop.js';
import { TestFrontend } from '../../../nics/vhost-user/frontend.js';
import type { VhostUserPort } from '../../../nics/vhost-user/port.js';
import type { VhostUserNodeModel } from './vhost-user.js';

function lab(node: string, link = 'dpdk1:eth0'): string {
  return `name: vu\ntopology:\n  nodes:\n    br0: { kind: bridge }\n    h1:\n      kind: host\n      interfaces: { eth0: { ip: 10.0.0.1/24, mac: 02:00:00:00:00:01 } }\n    dpdk1:\n${node}\n  links:\n    - endpoints: [h1:eth0, br0:p1]\n    - endpoints: [${link}, br0:p2]\n`;
}

function problems(text: string): string[] {
  try {
    parseLab(text, 'vu.yml');
  } catch (e) {
    if (e instanceof LabFileError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('a vhost-user node takes a socket, one interface (eth0 unless named), mergeable and a placement', () => {
  const m = parseLab(lab('      kind: vhost-user\n      socket: run/dpdk1.sock'), 'vu.yml');
  assert.deepEqual(m.nodes.dpdk1 as VhostUserNodeModel, { kind: 'vhost-user', socket: 'run/dpdk1.sock', iface: 'eth0', mergeable: true, placement: 'inline' });
  const named = parseLab(lab('      kind: vhost-user\n      socket: /tmp/x.sock\n      interfaces: { port0: null }\n      mergeable: false\n      placement: thread', 'dpdk1:port0'), 'vu.yml');
  assert.deepEqual(named.nodes.dpdk1 as VhostUserNodeModel, { kind: 'vhost-user', socket: '/tmp/x.sock', iface: 'port0', mergeable: false, placement: 'thread' });
  assert.ok(problems(lab('      kind: vhost-user\n      socket: s\n      placement: vmm')).includes('topology.nodes.dpdk1.placement: must be inline or thread'));
});

test('a vhost-user node without a socket, with two interfaces, interface settings or a link to another interface is refused, naming the field', () => {
  assert.ok(problems(lab('      kind: vhost-user')).includes('topology.nodes.dpdk1.socket: a vhost-user node needs socket: PATH'));
  const two = problems(lab('      kind: vhost-user\n      socket: s\n      interfaces: { eth0: null, eth1: null }'));
  assert.ok(two.some((p) => p.startsWith('topology.nodes.dpdk1.interfaces: a vhost-user node has exactly one interface, got 2')), two.join('\n'));
  const settings = problems(lab('      kind: vhost-user\n      socket: s\n      interfaces: { eth0: { ip: 10.0.0.2/24 } }'));
  assert.ok(settings.some((p) => p.startsWith('topology.nodes.dpdk1.interfaces.eth0: takes no settings')), settings.join('\n'));
  const wrong = problems(lab('      kind: vhost-user\n      socket: s', 'dpdk1:eth3'));
  assert.ok(wrong.some((p) => /dpdk1 has no interface eth3 \(its port is eth0\)/.test(p)), wrong.join('\n'));
});

test('on the virtual clock a vhost-user node is refused with a clear message', () => {
  assert.throws(() => new LabRuntime(parseLab(lab('      kind: vhost-user\n      socket: /tmp/never.sock'), 'vu.yml')), /node dpdk1: a vhost-user socket talks to another process, which needs the wall clock/);
});

test('a front-end on a lab\'s vhost-user socket resolves an emulated host\'s MAC over the lab\'s bridge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-vu-kind-'));
  const doorbell = new SharedArrayBuffer(4);
  const rt = new LabRuntime(parseLab(lab('      kind: vhost-user\n      socket: dpdk1.sock'), join(dir, 'vu.yml')), { clock: 'driven', doorbell });
  const port = rt.engine.app<VhostUserPort>('dpdk1');
  const loop = new RealLoop(rt.engine, { doorbell });
  let fe: TestFrontend | null = null;
  try {
    await port.ready;
    const socket = join(dir, 'dpdk1.sock');
    assert.ok(existsSync(socket), 'the socket path is relative to the lab file');
    loop.start();
    // The backend is served by this thread's engine (inline): the front-end's blocking requests
    // breathe it while they wait, and the loop, woken after, arms itself for the running rings.
    fe = new TestFrontend(socket, { pump: () => rt.engine.runBreaths(64) });
    fe.negotiate();
    fe.startRings();
    fe.postReceive(16);
    loop.wake();
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      const end = Date.now() + 5000;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; backend log: ${port.log.join('; ')}`);
        await sleep(5);
      }
    };
    await until(() => port.state === 'running', 'the rings to run');
    // ARP who-has 10.0.0.1 tell 10.0.0.9, from 52:54:00:00:00:09.
    const me = [0x52, 0x54, 0, 0, 0, 9];
    const request = new Uint8Array([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...me, 0x08, 0x06,
      0, 1, 0x08, 0, 6, 4, 0, 1, ...me, 10, 0, 0, 9, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1,
    ]);
    assert.ok(fe.transmit(request));
    fe.flush();
    let got: Uint8Array[] = [];
    await until(() => {
      got = got.concat(fe!.receive().map((r) => r.frame));
      return got.length > 0;
    }, 'the ARP reply at the front-end');
    const reply = got[0]!;
    assert.deepEqual([...reply.subarray(0, 6)], me, 'sent to the front-end\'s MAC');
    assert.deepEqual([...reply.subarray(12, 14)], [0x08, 0x06], 'an ARP frame');
    assert.deepEqual([...reply.subarray(20, 22)], [0, 2], 'a reply');
    assert.deepEqual([...reply.subarray(22, 28)], [2, 0, 0, 0, 0, 1], 'h1\'s MAC as the sender hardware address');
    assert.deepEqual([...reply.subarray(28, 32)], [10, 0, 0, 1]);
    assert.deepEqual([...reply.subarray(32, 38)], me);
  } finally {
    fe?.close();
    await loop.stop();
    rt.stop();
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(existsSync(join(dir, 'dpdk1.sock')), false);
});
