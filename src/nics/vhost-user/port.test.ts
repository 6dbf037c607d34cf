import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App, type AppContext } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { assertConserved } from '../../testing/conservation.js';
import { RealLoop } from '../../real/loop.js';
import { TestFrontend } from './frontend.js';
import { VhostUserPort } from './port.js';
import { Req, VIRTIO_NET_F_MRG_RXBUF, VHOST_USER_F_PROTOCOL_FEATURES, VIRTIO_F_VERSION_1, bit, encodeU64, encodeVringAddr, encodeVringState } from './protocol.js';
import { Stat } from './shared.js';

/** Collects what reaches it and can send frames it is given. */
class Station extends App<Record<string, never>, unknown> {
  readonly got: Uint8Array[] = [];
  /** While set, what arrives stays in the input link (a consumer that is behind). */
  hold = false;
  /** When set, frames are sent in packets of this pool instead of the engine's (as a TAP port's are). */
  ownPool: PacketPool | null = null;
  readonly #queue: Uint8Array[] = [];
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, {});
  }
  send(frame: Uint8Array): void {
    this.#queue.push(frame);
  }
  override pull(): void {
    const out = this.output.output;
    while (out !== undefined && this.#queue.length > 0) {
      let p;
      if (this.ownPool === null) p = this.alloc();
      else {
        p = this.ownPool.alloc();
        if (p !== null) this.generated++;
      }
      if (p === null) return;
      p.setData(this.#queue.shift()!);
      out.transmit(p);
    }
  }
  override push(): void {
    const i = this.input.input;
    while (i !== undefined && !i.empty() && !this.hold) {
      const p = i.receive();
      this.got.push(p.bytes());
      this.consume(p);
    }
  }
}

function frame(dst: number, src: number, len: number, fill: number): Uint8Array {
  const f = new Uint8Array(len);
  f.fill(fill);
  f.set([0x02, 0, 0, 0, 0, dst], 0);
  f.set([0x02, 0, 0, 0, 0, src], 6);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

for (const placement of ['inline', 'thread'] as const) describe(`VhostUserPort (${placement}) with a hand-written front-end`, () => {
  const inline = placement === 'inline';
  /** Inline, the backend runs only when the engine breathes: the waits breathe the latest engine. */
  let current: Engine | null = null;
  const pump = (): void => current?.runBreaths(64);
  const newFrontend = (socket: string): TestFrontend => new TestFrontend(socket, inline ? { pump } : {});

  async function until(cond: () => boolean, what: string, engine?: Engine, ms = 3000): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      if (engine !== undefined) engine.runBreaths(4);
      else if (inline) pump();
      await sleep(2);
    }
  }

  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vnet-vu-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  type PortOptions = Partial<{ mergeable: boolean; ringSlots: number; doorbell: SharedArrayBuffer }>;

  function setup(name: string, conf: PortOptions = {}, pool = new PacketPool({ count: 4096 }), linkCapacity?: number): { engine: Engine; port: VhostUserPort; station: Station; socket: string } {
    const socket = join(dir, `${name}.sock`);
    const engine = new Engine({ pool, ...(linkCapacity === undefined ? {} : { linkCapacity }) });
    const g = new Graph().app('vu', VhostUserPort, { socket, placement, idleRounds: 2000, ...conf }).app('st', Station, {});
    g.link('vu.wire -> st.input').link('st.output -> vu.wire');
    engine.configure(g);
    current = engine;
    return { engine, port: engine.app<VhostUserPort>('vu'), station: engine.app<Station>('st'), socket };
  }

  interface Running {
    engine: Engine;
    port: VhostUserPort;
    station: Station;
    fe: TestFrontend;
  }

  /** A port with a front-end that negotiated and started both rings; closes both after `body`. */
  async function withRunningFrontend(name: string, body: (r: Running) => Promise<void>, conf: PortOptions = {}, pool?: PacketPool, linkCapacity?: number): Promise<void> {
    const { engine, port, station, socket } = setup(name, conf, pool, linkCapacity);
    await port.ready;
    const fe = newFrontend(socket);
    try {
      fe.negotiate();
      fe.startRings();
      await until(() => port.state === 'running', 'the rings to run');
      await body({ engine, port, station, fe });
    } finally {
      fe.close();
      await port.close();
    }
  }

  /**
   * Waits until the worker sleeps (it polls while busy), so that frames published without a kick
   * wait on the ring. Its first sleep may end at once on a kick whose frame it took by polling:
   * the second is a real one.
   */
  async function untilWorkerSleeps(port: VhostUserPort): Promise<void> {
    // Inline, nothing serves the rings while the engine does not breathe.
    if (inline) return;
    const sleeps = port.stat(Stat.Sleeps);
    await until(() => port.stat(Stat.Sleeps) >= sleeps + 2, 'the worker to sleep');
  }

  it('negotiates features and carries frames both ways, header stripped and added', async () => {
    const { engine, port, station, socket } = setup('both');
    await port.ready;
    const fe = newFrontend(socket);
    try {
      const offered = fe.negotiate();
      assert.ok((offered.features & bit(VIRTIO_F_VERSION_1)) !== 0n);
      assert.ok((offered.features & bit(VHOST_USER_F_PROTOCOL_FEATURES)) !== 0n);
      assert.equal(offered.protocol & 1n, 0n, 'MQ is not offered');
      fe.startRings();
      await until(() => port.state === 'running', 'the rings to run');

      // Front-end -> engine: 60- and 1514-byte frames, the big one split over three descriptors.
      const small = frame(1, 2, 60, 0xaa);
      const big = frame(1, 2, 1514, 0x5c);
      assert.ok(fe.transmit(small));
      assert.ok(fe.transmit(big, 3));
      fe.flush();
      await until(() => station.got.length === 2, 'two frames at the station', engine);
      assert.deepEqual(station.got[0], small);
      assert.deepEqual(station.got[1], big);

      // Engine -> front-end: posted 2 KiB buffers receive frames with a 12-byte header, num_buffers 1.
      fe.postReceive(8);
      const back = frame(2, 1, 98, 0x11);
      station.send(back);
      station.send(frame(2, 1, 1200, 0x22));
      let got: { frame: Uint8Array; numBuffers: number }[] = [];
      await until(() => {
        got = got.concat(fe.receive());
        return got.length === 2;
      }, 'two frames at the front-end', engine);
      assert.deepEqual(got[0]!.frame, back);
      assert.equal(got[0]!.numBuffers, 1);
      assert.equal(got[1]!.frame.length, 1200);
      assert.equal(port.stat(Stat.FramesFromGuest), 2);
      assert.equal(port.stat(Stat.FramesToGuest), 2);
      engine.runBreaths(2);
      assertConserved(engine);
    } finally {
      fe.close();
      await port.close();
    }
    assert.equal(existsSync(socket), false, 'the socket is removed on close');
  });

  it('splits a frame over several receive buffers with MRG_RXBUF and counts them in num_buffers', async () => {
    await withRunningFrontend('merge', async ({ engine, station, fe }) => {
      // A 2 KiB buffer cannot hold 12 + 2040 bytes: it takes two.
      fe.postReceive(4);
      const jumbo = frame(2, 1, 2040, 0x33);
      station.send(jumbo);
      let got: { frame: Uint8Array; numBuffers: number }[] = [];
      await until(() => {
        got = got.concat(fe.receive());
        return got.length >= 1;
      }, 'the frame', engine);
      // The first buffer holds the header and 2036 bytes, the second the last 4.
      assert.equal(got.length, 1);
      assert.equal(got[0]!.numBuffers, 2);
      assert.deepEqual(new Uint8Array(got[0]!.frame), jumbo);
    });
  });

  it('delivers frames from packets of other pools (a TAP port\'s), one after the other', async () => {
    await withRunningFrontend('pools', async ({ engine, station, fe }) => {
      fe.postReceive(8);
      const a = frame(2, 1, 90, 0x71);
      const b = frame(2, 1, 1400, 0x72);
      const c = frame(2, 1, 70, 0x73);
      station.send(a);
      engine.runBreaths(2);
      // A pool with other headroom and buffer sizes, so the frames sit elsewhere in its memory.
      station.ownPool = new PacketPool({ count: 8, headroom: 40, dataRoom: 9000 });
      station.send(b);
      engine.runBreaths(2);
      station.ownPool = null;
      station.send(c);
      let got: { frame: Uint8Array; numBuffers: number }[] = [];
      await until(() => {
        got = got.concat(fe.receive());
        return got.length === 3;
      }, 'three frames at the front-end', engine);
      assert.deepEqual(got.map((g) => g.frame), [a, b, c]);
      engine.runBreaths(2);
      assertConserved(engine);
    });
  });

  it('drops a frame larger than one receive buffer without MRG_RXBUF, returning the buffer unused', async () => {
    const { engine, port, station, socket } = setup('nomerge', { mergeable: false });
    await port.ready;
    const fe = newFrontend(socket);
    try {
      const { features } = fe.negotiate();
      assert.equal(features & bit(VIRTIO_NET_F_MRG_RXBUF), 0n);
      fe.startRings();
      await until(() => port.state === 'running', 'the rings to run');
      fe.postReceive(2);
      station.send(frame(2, 1, 2040, 0x44));
      station.send(frame(2, 1, 64, 0x45));
      await until(() => port.workerDrops()['rx-buffer-too-small'] === 1 && port.stat(Stat.FramesToGuest) === 1, 'one drop and one delivery', engine);
      const got = fe.receive();
      assert.equal(got.length, 1);
      assert.equal(got[0]!.frame.length, 64);
    } finally {
      fe.close();
      await port.close();
    }
  });

  it('serves a new front-end after the first one goes away, with its memory unmapped and fds closed', async () => {
    const { engine, port, station, socket } = setup('reconnect');
    await port.ready;
    const first = newFrontend(socket);
    first.negotiate();
    first.startRings();
    await until(() => port.state === 'running', 'the first front-end to run');
    const fdsBefore = countFds();
    first.close();
    await until(() => port.state === 'listening', 'the backend to listen again');
    await until(() => port.log.includes('front-end disconnected'), 'the disconnect to be logged (a message from the worker, after the state flips)');
    // The backend's copies of the memfd and the eventfds are gone too (ours were closed by close()).
    assert.ok(countFds() <= fdsBefore - 6, `fds before ${fdsBefore}, after ${countFds()}`);
    const second = newFrontend(socket);
    try {
      second.negotiate();
      second.startRings();
      await until(() => port.state === 'running', 'the second front-end to run');
      assert.ok(second.transmit(frame(1, 2, 60, 0x77)));
      second.flush();
      await until(() => station.got.length === 1, 'a frame from the second front-end', engine);
      assert.equal(port.stat(Stat.Connections), 2);
    } finally {
      second.close();
      await port.close();
    }
  });

  it('keeps ring positions across GET_VRING_BASE and a restart from that base', async () => {
    await withRunningFrontend('base', async ({ engine, port, station, fe }) => {
      for (let i = 0; i < 3; i++) fe.transmit(frame(1, 2, 60, i));
      fe.flush();
      await until(() => station.got.length === 3, 'three frames', engine);
      const state = Buffer.from(fe.request(Req.GET_VRING_BASE, encodeVringState(1, 0)));
      assert.equal(state.readUInt32LE(0), 1);
      assert.equal(state.readUInt32LE(4), 3, 'the backend stopped after three chains');
      await until(() => port.state === 'connected', 'the ring to stop');
      // Restart at the reported base: the next frame is taken, not the old ones again.
      fe.send(Req.SET_VRING_BASE, encodeVringState(1, 3));
      const r = fe.rings[1]!;
      fe.send(Req.SET_VRING_ADDR, encodeVringAddr({ index: 1, flags: 0, desc: fe.va(r.desc), used: fe.va(r.used), avail: fe.va(r.avail), log: 0n }));
      fe.send(Req.SET_VRING_KICK, encodeU64(1n), [fe.kick[1]!]);
      await until(() => port.state === 'running', 'the ring to restart');
      fe.transmit(frame(1, 2, 60, 9));
      fe.flush();
      await until(() => station.got.length === 4, 'the fourth frame', engine);
      assert.equal(station.got[3]![20], 9);
      // Frames made available without a kick, then the ring stopped at once: the backend takes
      // them before it reports the base, so none that the front-end counted as sent is lost.
      for (let i = 10; i < 15; i++) fe.transmit(frame(1, 2, 60, i));
      fe.txq!.publish();
      const stopped = Buffer.from(fe.request(Req.GET_VRING_BASE, encodeVringState(1, 0)));
      assert.equal(stopped.readUInt32LE(4), 9, 'the base counts the five frames queued without a kick');
      await until(() => station.got.length === 9, 'the five frames', engine);
      assert.deepEqual(station.got.slice(4).map((f) => f[20]), [10, 11, 12, 13, 14]);
    });
  });

  it('takes the frames queued on the transmit ring before SET_VRING_ENABLE 0 disables it, as DPDK stops its rings', async () => {
    await withRunningFrontend('disable', async ({ engine, port, station, fe }) => {
      // With the worker asleep, nothing takes frames published without a kick but the disable.
      await untilWorkerSleeps(port);
      for (let i = 0; i < 4; i++) fe.transmit(frame(1, 2, 60, 20 + i));
      fe.txq!.publish();
      fe.send(Req.SET_VRING_ENABLE, encodeVringState(1, 0));
      await until(() => port.state === 'connected', 'the transmit ring to stop');
      const stopped = Buffer.from(fe.request(Req.GET_VRING_BASE, encodeVringState(1, 0)));
      assert.equal(stopped.readUInt32LE(4), 4, 'the base counts the four frames');
      await until(() => station.got.length === 4, 'the four frames', engine);
      assert.deepEqual(station.got.map((f) => f[20]), [20, 21, 22, 23]);
    });
  });

  it('takes and discards frames on a transmit ring that is started but disabled, and delivers again once it is enabled', async () => {
    await withRunningFrontend('disabled', async ({ engine, port, station, fe }) => {
      fe.send(Req.SET_VRING_ENABLE, encodeVringState(1, 0));
      await until(() => port.state === 'connected', 'the transmit ring to be disabled');
      for (let i = 0; i < 3; i++) assert.ok(fe.transmit(frame(1, 2, 60, 30 + i)));
      fe.flush();
      await until(() => port.workerDrops()['tx-ring-disabled'] === 3, 'three discarded frames', engine);
      // The chains came back, so the front-end can send again; nothing reached the engine.
      assert.equal(station.got.length, 0);
      assert.equal(port.stat(Stat.FramesFromGuest), 0);
      fe.send(Req.SET_VRING_ENABLE, encodeVringState(1, 1));
      await until(() => port.state === 'running', 'the transmit ring to be enabled');
      assert.ok(fe.transmit(frame(1, 2, 60, 40)));
      fe.flush();
      await until(() => station.got.length === 1, 'the frame sent after the enable', engine);
      assert.equal(station.got[0]![20], 40);
    });
  });

  it('counts the frames a front-end leaves on its transmit ring when it closes the connection without stopping the ring', async () => {
    const { engine, port, station, socket } = setup('left');
    await port.ready;
    try {
      // A scheduling delay of a whole sleep (50 ms) can let the worker take the frames before the
      // close; the count is exact either way, and a second front-end tries again. Inline, the
      // engine's pulls take them unless the pull that looks at the socket comes first: the count
      // is checked, not which one it is.
      let left = 0;
      for (let attempt = 0; attempt < (inline ? 1 : 3) && left === 0; attempt++) {
        const takenBefore = port.stat(Stat.FramesFromGuest);
        const leftBefore = port.stat(Stat.TxLeftAtDisconnect);
        const got = station.got.length;
        const fe = newFrontend(socket);
        try {
          fe.negotiate();
          fe.startRings();
          await until(() => port.state === 'running', 'the rings to run');
          fe.transmit(frame(1, 2, 60, 1));
          fe.flush();
          await until(() => station.got.length === got + 1, 'the first frame', engine);
          // Closing the socket right after publishing is a front-end killed mid-burst.
          await untilWorkerSleeps(port);
          for (let i = 0; i < 6; i++) assert.ok(fe.transmit(frame(1, 2, 60, 10 + i)));
          fe.txq!.publish();
        } finally {
          fe.close();
        }
        await until(() => port.state === 'listening', 'the backend to see the front-end leave', engine);
        left = port.stat(Stat.TxLeftAtDisconnect) - leftBefore;
        assert.equal(port.stat(Stat.FramesFromGuest) - takenBefore + left, 7, 'every frame made available was taken or counted as left');
      }
      if (!inline) assert.ok(left > 0, 'a sleeping worker took none of the six before the close');
      // The state is shared memory and flips at once; the log line comes as a message from the worker, later.
      const line = left === 0 ? 'front-end disconnected' : `front-end disconnected, leaving ${left} frames on its transmit ring`;
      await until(() => port.log.includes(line), `the log line "${line}"`, engine);
    } finally {
      await port.close();
    }
  });

  if (!inline) it('holds frames back on the transmit ring while its ring toward the engine is full, then delivers every one in order', async () => {
    await withRunningFrontend('backpressure', async ({ engine, port, station, fe }) => {
      const frames = Array.from({ length: 20 }, (_, i) => frame(1, 2, 60 + i, i));
      for (const f of frames) assert.ok(fe.transmit(f));
      fe.flush();
      // The engine does not run: the worker fills the four slots and leaves the other 16 chains alone.
      await until(() => port.stat(Stat.TxBackpressure) > 0, 'the worker to hold frames back');
      assert.equal(port.stat(Stat.FramesFromGuest), 4);
      assert.equal(port.toEngineQueued, 4);
      let used = 0;
      while (fe.txq!.pollUsed()) used++;
      assert.equal(used, 4, 'the front-end got back only the chains that were taken');
      await until(() => station.got.length === 20, 'all 20 frames at the station', engine);
      assert.deepEqual(station.got, frames);
      assert.equal(port.stat(Stat.FramesFromGuest), 20);
      assert.deepEqual(Object.values(port.workerDrops()).filter((n) => n !== 0), [], 'nothing dropped');
      engine.runBreaths(2);
      assertConserved(engine);
    }, { ringSlots: 4 });
  });

  if (!inline) it('counts the frames still held back when the transmit ring stops while the engine is behind', async () => {
    await withRunningFrontend('stop-behind', async ({ engine, port, station, fe }) => {
      for (let i = 0; i < 20; i++) assert.ok(fe.transmit(frame(1, 2, 60, i)));
      fe.flush();
      await until(() => port.stat(Stat.TxBackpressure) > 0, 'the worker to hold frames back');
      // The engine does not run while the request waits for its reply: the worker waits its half
      // second for room, then reports the base after the four frames it took and counts the rest.
      const stopped = Buffer.from(fe.request(Req.GET_VRING_BASE, encodeVringState(1, 0)));
      assert.equal(stopped.readUInt32LE(4), 4);
      assert.equal(port.stat(Stat.TxLeftAtDisconnect), 16);
      assert.equal(port.stat(Stat.FramesFromGuest), 4);
      await until(() => station.got.length === 4, 'the four frames taken', engine);
      engine.runBreaths(2);
      assertConserved(engine);
    }, { ringSlots: 4 });
  });

  if (inline) it('holds frames back on the transmit ring while the port\'s output link is full, then delivers every one in order', async () => {
    await withRunningFrontend('backpressure-inline', async ({ engine, port, station, fe }) => {
      station.hold = true;
      const frames = Array.from({ length: 20 }, (_, i) => frame(1, 2, 60 + i, i));
      for (const f of frames) assert.ok(fe.transmit(f));
      fe.flush();
      engine.runBreaths(8);
      // The link toward the station holds four packets: the other 16 chains stay on the ring.
      assert.equal(port.stat(Stat.FramesFromGuest), 4);
      assert.ok(port.stat(Stat.TxBackpressure) > 0);
      let used = 0;
      while (fe.txq!.pollUsed()) used++;
      assert.equal(used, 4, 'the front-end got back only the chains that were taken');
      engine.runBreaths(1);
      assertConserved(engine);
      station.hold = false;
      await until(() => station.got.length === 20, 'all 20 frames at the station', engine);
      assert.deepEqual(station.got, frames);
      assert.equal(port.stat(Stat.FramesFromGuest), 20);
      assert.deepEqual(Object.values(port.workerDrops()).filter((n) => n !== 0), [], 'nothing dropped');
      assertConserved(engine);
    }, {}, undefined, 4);
  });

  if (inline) it('counts the frames still on the transmit ring when it stops while the port\'s output link is full', async () => {
    await withRunningFrontend('stop-behind-inline', async ({ engine, port, station, fe }) => {
      station.hold = true;
      for (let i = 0; i < 20; i++) assert.ok(fe.transmit(frame(1, 2, 60, i)));
      fe.flush();
      engine.runBreaths(8);
      assert.equal(port.stat(Stat.FramesFromGuest), 4);
      // The stop is handled on the engine thread, which cannot make room meanwhile: the base is
      // after the four frames taken and the other 16 are counted as left.
      const stopped = Buffer.from(fe.request(Req.GET_VRING_BASE, encodeVringState(1, 0)));
      assert.equal(stopped.readUInt32LE(4), 4);
      assert.equal(port.stat(Stat.TxLeftAtDisconnect), 16);
      station.hold = false;
      await until(() => station.got.length === 4, 'the four frames taken', engine);
      assertConserved(engine);
    }, {}, undefined, 4);
  });

  if (inline) it('drops frames for the front-end at once when it has posted too few receive buffers', async () => {
    await withRunningFrontend('starved', async ({ engine, port, station, fe }) => {
      fe.postReceive(1);
      for (let i = 0; i < 3; i++) station.send(frame(2, 1, 80, 0x60 + i));
      engine.runBreaths(4);
      const got = fe.receive();
      assert.equal(got.length, 1);
      assert.equal(got[0]!.frame[20], 0x60);
      assert.equal(port.dropCounts['to-guest-ring-full'], 2);
      assert.equal(port.stat(Stat.FramesToGuest), 1);
      assertConserved(engine);
    });
  });

  it('drops a frame larger than the engine\'s packet buffers as too-big and delivers the next one', async () => {
    await withRunningFrontend('small-pool', async ({ engine, port, station, fe }) => {
      const small = frame(1, 2, 60, 0x33);
      assert.ok(fe.transmit(frame(1, 2, 1514, 0x44)));
      assert.ok(fe.transmit(small));
      fe.flush();
      await until(() => station.got.length === 1, 'the small frame at the station', engine);
      assert.deepEqual(station.got[0], small);
      // Inline the frame never gets a packet: the backend's own count; in the thread placement it
      // fits a frame-ring slot and is dropped when it meets the packet.
      if (inline) assert.equal(port.workerDrops()['tx-too-big'], 1);
      else assert.equal(port.dropCounts['too-big'], 1);
      engine.runBreaths(2);
      assertConserved(engine);
    }, {}, new PacketPool({ count: 64, dataRoom: 256 }));
  });

  it('rings a sleeping engine loop\'s doorbell for frames from the front-end', async () => {
    const doorbell = new SharedArrayBuffer(4);
    const { engine, port, station, socket } = setup('doorbell', { doorbell });
    // A loop that would otherwise sleep a minute: only the doorbell can get these frames through in time.
    const loop = new RealLoop(engine, { doorbell, idleMs: 60_000 });
    await port.ready;
    const fe = newFrontend(socket);
    loop.start();
    try {
      fe.negotiate();
      fe.startRings();
      await until(() => port.state === 'running', 'the rings to run');
      // The waits above breathed the engine under the sleeping loop (inline): a loop that wakes
      // and sleeps again arms the backend for the rings as they are now.
      loop.wake();
      let sleeps = 0;
      for (let i = 0; i < 3; i++) {
        // Asleep again since the last frame (the count goes up as the loop goes to sleep).
        await until(() => loop.sleeps > sleeps, 'the loop to sleep');
        sleeps = loop.sleeps;
        await sleep(20);
        const f = frame(1, 2, 70, 0x40 + i);
        assert.ok(fe.transmit(f));
        fe.flush();
        // No pump here: only the loop moves the frame.
        const end = Date.now() + 3000;
        while (station.got.length !== i + 1 && Date.now() < end) await sleep(2);
        assert.equal(station.got.length, i + 1, `frame ${i + 1} at the station`);
        assert.deepEqual(station.got[i], f);
      }
      // Inline the waker rings the doorbell; in the thread placement the ring worker does.
      const rings = inline ? port.wakerRings : port.stat(Stat.EngineWakeups);
      assert.ok(rings >= 1, `the doorbell was rung (${rings} times)`);
    } finally {
      await loop.stop();
      fe.close();
      await port.close();
    }
  });

  it('sits on a learning bridge: a front-end frame reaches another port and the answer comes back', async () => {
    const socket = join(dir, 'bridge.sock');
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
      .app('vu', VhostUserPort, { socket, placement, idleRounds: 2000 })
      .app('br', LearningBridge, { ports: { p1: {}, p2: {} } })
      .app('host', Station, {});
    g.connect('vu.wire', 'br.p1');
    g.link('br.p2 -> host.input').link('host.output -> br.p2');
    engine.configure(g);
    current = engine;
    const port = engine.app<VhostUserPort>('vu');
    const host = engine.app<Station>('host');
    await port.ready;
    const fe = newFrontend(socket);
    try {
      fe.negotiate();
      fe.startRings();
      fe.postReceive(4);
      await until(() => port.state === 'running', 'the rings to run');
      const broadcast = frame(0xff, 0x0a, 60, 1);
      broadcast.fill(0xff, 0, 6);
      fe.transmit(broadcast);
      fe.flush();
      await until(() => host.got.length === 1, 'the flooded frame at the host', engine);
      host.send(frame(0x0a, 0x0b, 60, 2));
      let got: { frame: Uint8Array; numBuffers: number }[] = [];
      await until(() => {
        got = got.concat(fe.receive());
        return got.length === 1;
      }, 'the unicast answer at the front-end', engine);
      assert.equal(got[0]!.frame[5], 0x0a);
    } finally {
      fe.close();
      await port.close();
    }
  });
});

function countFds(): number {
  return readdirSync('/proc/self/fd').length;
}
