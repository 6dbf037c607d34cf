import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Sink } from '../../engine/basic.js';
import { TestFrontend } from './frontend.js';
import { VhostUserPort } from './port.js';
import { Req, VHOST_USER_VERSION, encodeMemTable, encodeU64, encodeVringAddr, encodeVringState } from './protocol.js';
import { Stat } from './shared.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Each case connects a front-end that misbehaves in one way; the backend must close that connection
 * with a logged reason naming the problem, and then serve the next front-end normally.
 */
for (const placement of ['inline', 'thread'] as const) describe(`a vhost-user backend (${placement}) facing a hostile front-end`, () => {
  let dir = '';
  let engine: Engine;
  let port: VhostUserPort;
  let socket = '';
  // Inline, the backend runs only when the engine breathes: the waits breathe it.
  const pump = placement === 'inline' ? (): void => engine.runBreaths(64) : null;
  const newFrontend = (): TestFrontend => new TestFrontend(socket, pump === null ? {} : { pump });

  async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      pump?.();
      await sleep(2);
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vnet-vu-safety-'));
    socket = join(dir, 'vu.sock');
    engine = new Engine({ pool: new PacketPool({ count: 1024 }) });
    engine.configure(new Graph().app('vu', VhostUserPort, { socket, placement, idleRounds: 2000 }).app('sink', Sink, {}).link('vu.wire -> sink.input'));
    port = engine.app<VhostUserPort>('vu');
    await port.ready;
  });
  after(async () => {
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `misbehave` on a fresh front-end; returns the log line of the close. */
  async function expectClose(misbehave: (fe: TestFrontend) => void, reason: RegExp): Promise<void> {
    const errorsBefore = port.stat(Stat.ProtocolErrors);
    const logBefore = port.log.length;
    const fe = newFrontend();
    try {
      misbehave(fe);
      assert.ok(fe.closedByBackend(), 'the backend closes the connection');
      await until(() => port.stat(Stat.ProtocolErrors) === errorsBefore + 1, 'the protocol error to be counted');
      await until(() => port.log.length > logBefore && port.log.some((l) => reason.test(l)), `a log line matching ${reason}`);
      await until(() => port.state === 'listening', 'the backend to listen again');
    } finally {
      fe.close();
    }
  }

  it('closes on a payload too short for its message', async () => {
    await expectClose((fe) => fe.send(Req.SET_FEATURES, new Uint8Array(4)), /SET_FEATURES: payload of 4 bytes, expected 8/);
  });

  it('closes on a wrong protocol version in the flags', async () => {
    await expectClose((fe) => fe.send(Req.GET_FEATURES, new Uint8Array(0), [], 2), /protocol version 2, expected 1/);
  });

  it('closes on a header announcing a payload beyond the limit', async () => {
    await expectClose((fe) => fe.send(Req.SET_OWNER, new Uint8Array(0), [], VHOST_USER_VERSION, 1 << 20), /exceeds the 4096-byte limit/);
  });

  it('closes on a message cut short', async () => {
    await expectClose((fe) => fe.send(Req.SET_FEATURES, new Uint8Array(4), [], VHOST_USER_VERSION, 8), /SET_FEATURES: payload cut short/);
  });

  it('goes on serving while a message is cut short, and closes when its second is up', async () => {
    const errorsBefore = port.stat(Stat.ProtocolErrors);
    const fe = newFrontend();
    try {
      fe.send(Req.SET_FEATURES, new Uint8Array(4), [], VHOST_USER_VERSION, 8);
      // Inline, a backend that waited for the rest would stall this breath a second and close the
      // connection in it; it reads what came and returns.
      if (placement === 'inline') engine.runBreaths(64);
      else await sleep(50);
      assert.equal(port.stat(Stat.ProtocolErrors), errorsBefore, 'not closed yet');
      assert.equal(port.state, 'connected');
      await until(() => port.stat(Stat.ProtocolErrors) === errorsBefore + 1, 'the close after a second');
      assert.ok(port.log.some((l) => /SET_FEATURES: payload cut short \(expected 8 bytes\)/.test(l)), port.log.join('\n'));
    } finally {
      fe.close();
    }
  });

  it('closes on a request it does not know', async () => {
    await expectClose((fe) => fe.send(99), /request 99: not supported/);
  });

  it('closes on features it never offered', async () => {
    await expectClose((fe) => fe.send(Req.SET_FEATURES, encodeU64(1n << 0n)), /include bits never offered/);
  });

  it('closes on SET_VRING_ENABLE before any protocol features were negotiated', async () => {
    await expectClose((fe) => {
      fe.send(Req.SET_OWNER);
      fe.send(Req.SET_VRING_ENABLE, encodeVringState(0, 1));
    }, /SET_VRING_ENABLE: sent without VHOST_USER_F_PROTOCOL_FEATURES negotiated/);
  });

  it('takes SET_VRING_ENABLE after SET_PROTOCOL_FEATURES and before SET_FEATURES, the order QEMU sends them in', async () => {
    const errorsBefore = port.stat(Stat.ProtocolErrors);
    const fe = newFrontend();
    try {
      fe.send(Req.SET_OWNER);
      fe.request(Req.GET_FEATURES);
      const protocol = Buffer.from(fe.request(Req.GET_PROTOCOL_FEATURES)).readBigUInt64LE(0);
      fe.send(Req.SET_PROTOCOL_FEATURES, encodeU64(protocol));
      for (let i = 0; i < 2; i++) fe.send(Req.SET_VRING_ENABLE, encodeVringState(i, 0));
      // A reply after them: the connection is still open and nothing was refused.
      assert.ok(fe.request(Req.GET_FEATURES).byteLength === 8);
      assert.equal(port.stat(Stat.ProtocolErrors), errorsBefore);
    } finally {
      fe.close();
    }
    await until(() => port.state === 'listening', 'the backend to listen again');
  });

  it('closes on a queue index beyond its one queue pair', async () => {
    await expectClose((fe) => fe.send(Req.SET_VRING_NUM, encodeVringState(5, 256)), /queue index 5/);
  });

  it('closes on a ring size that is not a power of two', async () => {
    await expectClose((fe) => fe.send(Req.SET_VRING_NUM, encodeVringState(0, 100)), /size 100 is not a power of two/);
  });

  it('closes on a memory table whose fd count does not match its regions, closing the fds it got', async () => {
    const before = readdirSync('/proc/self/fd').length;
    await expectClose((fe) => {
      const two = encodeMemTable([
        { guestPhysAddr: 0n, size: 4096n, userAddr: 0x1000_0000n, mmapOffset: 0n },
        { guestPhysAddr: 0x10000n, size: 4096n, userAddr: 0x2000_0000n, mmapOffset: 0n },
      ]);
      fe.send(Req.SET_MEM_TABLE, two, [fe.memfd]);
    }, /2 regions but 1 file descriptors/);
    // The backend's copy of the memfd was closed (the front-end closed its own).
    assert.ok(readdirSync('/proc/self/fd').length <= before);
  });

  it('closes on a region longer than its file', async () => {
    await expectClose((fe) => {
      fe.send(Req.SET_MEM_TABLE, encodeMemTable([{ guestPhysAddr: 0n, size: BigInt(fe.size * 4), userAddr: fe.va(0), mmapOffset: 0n }]), [fe.memfd]);
    }, /region 0 needs \d+ bytes of its file but the file has \d+/);
  });

  it('closes on file descriptors sent with a message that takes none', async () => {
    await expectClose((fe) => fe.send(Req.SET_OWNER, new Uint8Array(0), [fe.kick[0]!]), /SET_OWNER: carried 1 unexpected file descriptor/);
  });

  it('closes when the region table does not cover a ring', async () => {
    await expectClose((fe) => {
      fe.negotiate();
      fe.send(Req.SET_MEM_TABLE, fe.memTable(), [fe.memfd]);
      fe.send(Req.SET_VRING_NUM, encodeVringState(1, 256));
      fe.send(Req.SET_VRING_ADDR, encodeVringAddr({ index: 1, flags: 0, desc: fe.va(fe.size - 1024), used: fe.va(0x2000), avail: fe.va(0x1000), log: 0n }));
    }, /queue 1 descriptor table at 0x[0-9a-f]+ \(4096 bytes\) is not inside one memory region/);
  });

  it('closes when a descriptor points outside the mapped memory', async () => {
    await expectClose((fe) => {
      fe.negotiate();
      fe.startRings();
      fe.transmit(new Uint8Array(60));
      // Rewrite the descriptor's address to one in no region, then publish.
      const desc = fe.rings[1]!.desc;
      const head = fe.mem.view.getUint16(fe.rings[1]!.avail + 4, true);
      fe.mem.view.setUint32(desc + 16 * head, 0xdead_0000, true);
      fe.mem.view.setUint32(desc + 16 * head + 4, 0x7, true);
      fe.flush();
    }, /queue 1: a descriptor points outside guest RAM/);
  });

  it('closes when avail.idx jumps by more than the ring size', async () => {
    await expectClose((fe) => {
      fe.negotiate();
      fe.startRings();
      fe.mem.view.setUint16(fe.rings[1]!.avail + 2, 5000, true);
      fe.sys.signal(fe.kick[1]!, Buffer.alloc(8));
    }, /queue 1: avail.idx moved by more than the queue size/);
  });

  it('still serves a well-behaved front-end after all that', async () => {
    const fe = newFrontend();
    try {
      fe.negotiate();
      fe.startRings();
      await until(() => port.state === 'running', 'the rings to run');
      const before = port.stat(Stat.FramesFromGuest);
      const f = new Uint8Array(60);
      f.fill(0xee);
      fe.transmit(f);
      fe.flush();
      await until(() => port.stat(Stat.FramesFromGuest) === before + 1, 'the frame');
    } finally {
      fe.close();
    }
  });
});
