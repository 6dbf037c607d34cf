/**
 * vnet's vhost-user backend against DPDK: dpdk-testpmd with a virtio-user port is the front-end.
 * txonly: testpmd transmits, vnet must receive 64-byte frames (header stripped). rxonly: vnet
 * transmits a known number of frames, testpmd must count them. Root and dpdk-testpmd required;
 * otherwise skipped with the reason. Every testpmd is stopped and its /var/run/dpdk/vn* dir removed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App, type AppContext } from '../../src/engine/app.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { PacketPool } from '../../src/engine/packet.js';
import { VhostUserPort } from '../../src/nics/vhost-user/port.js';
import { Stat } from '../../src/nics/vhost-user/shared.js';
import { Testpmd, testpmdUnavailableReason } from '../../src/nics/vhost-user/testpmd.js';

/** Counts frames by length, and sends `budget` copies of a frame when asked. */
class Counter extends App<{ 'pool-empty': string }, unknown> {
  readonly lengths = new Map<number, number>();
  received = 0;
  budget = 0;
  sent = 0;
  readonly #frame = new Uint8Array(64);
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, { 'pool-empty': 'no buffer' });
    this.#frame.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00]);
  }
  override pull(): void {
    const out = this.output.output;
    if (out === undefined) return;
    while (this.budget > 0 && out.writable() > 0) {
      const p = this.alloc();
      if (p === null) return this.countDrop('pool-empty');
      p.setData(this.#frame);
      out.transmit(p);
      this.budget--;
      this.sent++;
    }
  }
  override push(): void {
    const i = this.input.input;
    while (i !== undefined && !i.empty()) {
      const p = i.receive();
      this.lengths.set(p.len, (this.lengths.get(p.len) ?? 0) + 1);
      this.received++;
      this.consume(p);
    }
  }
}

const skip = testpmdUnavailableReason();
if (skip !== null) process.stdout.write(`# vhost-user interop skipped: ${skip}\n`);

for (const placement of ['inline', 'thread'] as const) describe(`vhost-user backend (${placement}) with DPDK testpmd (virtio-user) as the front-end`, { skip: skip ?? false, timeout: 180_000 }, () => {
  let dir = '';
  let socket = '';
  let engine: Engine;
  let port: VhostUserPort;
  let counter: Counter;
  let running = true;
  let loop: Promise<void> = Promise.resolve();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vnet-vu-dpdk-'));
    socket = join(dir, 'vu.sock');
    engine = new Engine({ pool: new PacketPool({ count: 8192 }) });
    engine.configure(new Graph().app('vu', VhostUserPort, { socket, placement }).app('count', Counter, {}).link('vu.wire -> count.input').link('count.output -> vu.wire'));
    port = engine.app<VhostUserPort>('vu');
    counter = engine.app<Counter>('count');
    await port.ready;
    // The engine runs on the event loop beside the test, a few breaths at a time.
    loop = (async () => {
      while (running) {
        engine.runBreaths(16);
        await new Promise((r) => setImmediate(r));
      }
    })();
  });

  after(async () => {
    running = false;
    await loop;
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const backendLog = (): string => `backend log:\n${port.log.join('\n')}`;


  it('receives the 64-byte frames testpmd transmits (txonly), with the virtio_net_hdr stripped', async () => {
    const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'txonly' });
    try {
      // testpmd takes seconds to start on a busy machine (it zeroes 512 MiB and waits for the link).
      await pmd.until(() => counter.received >= 10_000, '10000 frames from testpmd', 90_000, backendLog);
    } finally {
      await pmd.stop();
    }
    assert.equal(existsSync(`/var/run/dpdk/${pmd.prefix}`), false);
    const totals = pmd.totals();
    assert.ok(totals !== null, `testpmd printed its totals:\n${pmd.output.slice(-2000)}`);
    assert.deepEqual([...counter.lengths.keys()], [64], 'every frame is 64 bytes');
    // Every frame testpmd counted as sent reached the engine (the backend holds frames back while
    // its ring toward the engine is full, it never drops them) or, when testpmd closed the
    // connection without stopping its rings first, is counted as left on its transmit ring (at
    // most a ring, 256).
    await pmd.until(() => port.state === 'listening', 'the backend to see testpmd leave', 10_000, backendLog);
    const taken = port.stat(Stat.FramesFromGuest);
    const left = port.stat(Stat.TxLeftAtDisconnect);
    assert.equal(taken + left, totals.txPackets, `taken ${taken} and left ${left} of ${totals.txPackets} sent; backend log: ${port.log.slice(-6).join("; ")}`);
    assert.ok(left <= 256);
    await pmd.until(() => port.log.some((l) => l.startsWith('front-end disconnected')), 'the disconnect to be logged (a message from the worker, after the state flips)', 3_000, backendLog);
  });

  it('delivers frames vnet transmits to testpmd (rxonly), which counts every one', async () => {
    const pmd = new Testpmd({ vdev: `net_virtio_user0,path=${socket},queues=1`, forwardMode: 'rxonly' });
    const frames = 20_000;
    const before = port.stat(Stat.FramesToGuest);
    try {
      await pmd.until(() => port.state === 'running', 'testpmd to start its rings', 90_000, backendLog);
      // testpmd flushes its receive queues when forwarding starts, so wait for its first periodic
      // statistics (printed once forwarding runs); then send at a rate its ring absorbs.
      await pmd.until(() => pmd.output.includes('Port statistics'), 'testpmd to start forwarding', 90_000, backendLog);
      // Inline, a frame that finds no receive buffer is dropped at once (nothing queues it), so the
      // batches are a quarter of testpmd's ring and each waits until the last one is in it.
      let left = frames;
      const batch = placement === 'inline' ? 64 : 256;
      while (left > 0) {
        const n = Math.min(left, batch);
        counter.budget += n;
        left -= n;
        await pmd.until(() => counter.budget === 0 && port.toGuestQueued === 0 && port.stat(Stat.FramesToGuest) - before === frames - left, 'the frames to leave', 30_000, backendLog);
        if (placement === 'inline') await new Promise((r) => setTimeout(r, 1));
      }
      await pmd.until(() => port.stat(Stat.FramesToGuest) - before === frames, 'every frame in testpmd\'s receive ring', 30_000, backendLog);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await pmd.stop();
    }
    const totals = pmd.totals();
    assert.ok(totals !== null, `testpmd printed its totals:\n${pmd.output.slice(-2000)}`);
    assert.equal(port.dropCounts['to-guest-ring-full'], 0);
    assert.equal(totals.rxPackets, frames);
  });
});
