/**
 * Two VTEPs on real UDP sockets over loopback (127.0.0.1 and 127.0.0.2, one port), each with an
 * emulated host: no root needed. The namespace and kernel interop tests are in test/real/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { Engine, Graph } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { Host } from '../hosts/host.js';
import type { VxlanVtep } from '../netfns/tunnels/vxlan-vtep.js';
import { assertConserved, conservation } from '../testing/conservation.js';
import { PacketPool } from '../engine/packet.js';
import { completeChecksum, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4 } from '../nics/tap/offload.js';
import { assertSegment, Capture, FinishingCapture, gsoFrame, MSS, OffloadCapture, RxPort, vnetHeader } from '../nics/tap/testkit.js';
import { encodeSpec } from '../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../wire/checksum.js';
import { RealLoop } from './loop.js';
import { addVxlanOverUdp, UdpUnderlay } from './vxlan-udp.js';

const VNI = 5005;

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

async function twoVteps(): Promise<{ engine: Engine; loop: RealLoop; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const engine = new Engine({ clock: new RealClock() });
  const loop = new RealLoop(engine);
  const g = new Graph();
  for (const [side, local, remote, hostIp] of [['a', '127.0.0.1', '127.0.0.2', '192.168.50.1/24'], ['b', '127.0.0.2', '127.0.0.1', '192.168.50.2/24']] as const) {
    addVxlanOverUdp(g, `vtep-${side}`, { local, port, remotePort: port, overlay: { ports: { h: VNI }, flood: { [String(VNI)]: [remote] } }, doorbell: loop.doorbell });
    g.app(`h${side}`, Host, { interfaces: { eth0: { ip: hostIp, mtu: 1450, mac: side === 'a' ? '02:00:00:50:00:01' : '02:00:00:50:00:02' } } });
    g.connect(`h${side}.eth0`, `vtep-${side}.h`);
  }
  engine.configure(g);
  await engine.app<UdpUnderlay>('vtep-a/udp').ready();
  await engine.app<UdpUnderlay>('vtep-b/udp').ready();
  loop.start();
  return {
    engine,
    loop,
    port,
    stop: async () => {
      await loop.stop();
      const sockets = [engine.app<UdpUnderlay>('vtep-a/udp'), engine.app<UdpUnderlay>('vtep-b/udp')];
      engine.stop();
      await Promise.all(sockets.map((s) => s.closed()));
    },
  };
}

async function ping(engine: Engine, loop: RealLoop, from: string, to: string, count: number): Promise<number> {
  const s = engine.app<Host>(from).ping(to, { count, interval: 50e6, timeout: 1e9 });
  loop.wake();
  const end = Date.now() + 10_000;
  while (!s.done && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return s.received;
}

test('two VTEPs on real UDP sockets carry ARP and pings between their hosts, and every packet is accounted for', async () => {
  const { engine, loop, stop } = await twoVteps();
  try {
    assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 5), 5);
    assert.equal(await ping(engine, loop, 'hb', '192.168.50.1', 3), 3);
    for (const side of ['a', 'b']) {
      const udp = engine.app<UdpUnderlay>(`vtep-${side}/udp`);
      // ARP request and reply, 8 echo requests or replies each way.
      assert.ok(udp.rxDatagrams >= 9 && udp.txDatagrams >= 9, `${side}: ${JSON.stringify(udp.stats())}`);
      assert.equal(udp.totalDrops(), 0, JSON.stringify(udp.dropCounts));
      assert.equal(udp.stats().rxQueued, 0);
      assert.equal(udp.stats().txRefused, 0);
    }
    await loop.stop();
    const report = conservation(engine);
    assert.ok(report.ok, report.problems.join('; '));
  } finally {
    await stop();
  }
});

test('a burst through the tunnel crosses the kernel as one segmented run and arrives as the datagrams sent, in order', async () => {
  const { engine, loop, stop } = await twoVteps();
  try {
    assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 1), 1, 'ARP resolved first');
    const got: number[] = [];
    engine.app<Host>('hb').udpBind(7000, (_src, _port, payload) => {
      if (payload.length === 1000 && payload.every((b, k) => k < 4 || b === (payload[0]! + k) % 251)) got.push(new DataView(payload.buffer, payload.byteOffset).getUint32(0));
    });
    // Sent between two breaths: the VTEP encapsulates all 50 in one push.
    for (let i = 0; i < 50; i++) {
      const payload = new Uint8Array(1000);
      for (let k = 4; k < 1000; k++) payload[k] = (payload[0]! + k) % 251;
      new DataView(payload.buffer).setUint32(0, i);
      assert.equal(engine.app<Host>('ha').udpSend('192.168.50.2', 7000, payload), 'sent');
    }
    loop.wake();
    const end = Date.now() + 5000;
    while (got.length < 50 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => i));
    assert.ok(engine.app<UdpUnderlay>('vtep-a/udp').stats().txSegmentedSends >= 1, JSON.stringify(engine.app<UdpUnderlay>('vtep-a/udp').stats()));
    assert.ok(engine.app<UdpUnderlay>('vtep-b/udp').stats().rxCoalescedRuns >= 1, JSON.stringify(engine.app<UdpUnderlay>('vtep-b/udp').stats()));
    await loop.stop();
    const report = conservation(engine);
    assert.ok(report.ok, report.problems.join('; '));
  } finally {
    await stop();
  }
});

test('garbage datagrams become counted drops: the VTEP refuses bad VXLAN, the underlay refuses a datagram too big for a packet', async () => {
  const { engine, loop, port, stop } = await twoVteps();
  const junk = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => junk.bind(0, '127.0.0.2', r));
    const send = (b: Buffer): Promise<void> => new Promise((r) => junk.send(b, port, '127.0.0.1', () => r()));
    await send(Buffer.from([1, 2, 3]));
    // I flag clear, then a VNI nobody serves, each followed by an inner Ethernet header's worth of bytes.
    await send(Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0x13, 0x8d, 0]), Buffer.alloc(14)]));
    await send(Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 7, 0]), Buffer.alloc(14)]));
    await send(Buffer.alloc(4000, 8));
    const vtep = engine.app<VxlanVtep>('vtep-a');
    const udp = engine.app<UdpUnderlay>('vtep-a/udp');
    const end = Date.now() + 5000;
    while (udp.rxDatagrams < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await loop.stop();
    assert.equal(udp.rxDatagrams, 4);
    assert.equal(vtep.dropCounts['vxlan-truncated'], 1);
    assert.equal(vtep.dropCounts['vxlan-i-flag-clear'], 1);
    assert.equal(vtep.dropCounts['unknown-vni'], 1);
    assert.equal(udp.dropCounts['too-big'], 1);
    const report = conservation(engine);
    assert.ok(report.ok, report.problems.join('; '));
    loop.start();
    assert.equal(await ping(engine, loop, 'ha', '192.168.50.2', 2), 2, 'the tunnel still works');
  } finally {
    junk.close();
    await stop();
  }
});

test('a VTEP whose address and port are taken fails at configure time, naming them', async () => {
  const port = await freePort();
  const taken = dgram.createSocket('udp4');
  await new Promise<void>((r) => taken.bind(port, '127.0.0.1', r));
  const engine = new Engine({ clock: new RealClock() });
  try {
    const g = new Graph();
    addVxlanOverUdp(g, 'vtep', { local: '127.0.0.1', port, overlay: { ports: { h: VNI }, flood: { [String(VNI)]: ['127.0.0.2'] } } });
    assert.throws(() => engine.configure(g), new RegExp(`udp 127\\.0\\.0\\.1:${port}: bind failed: .*EADDRINUSE`));
  } finally {
    taken.close();
    engine.stop();
  }
});

/**
 * rx (a TAP's receive half) -> VTEP on 127.0.0.1 -> its UDP socket -> a plain socket on
 * 127.0.0.2 that collects the datagrams. The inner destination MAC is a static entry behind
 * 127.0.0.2; the underlay MTU leaves room for a 1448-byte segment.
 */
async function offloadSender(wasmPool = false): Promise<{ engine: Engine; rx: RxPort; udp: UdpUnderlay; datagrams: Buffer[]; stop: () => Promise<void> }> {
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.2', r));
  const datagrams: Buffer[] = [];
  sink.on('message', (m) => datagrams.push(m));
  const engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 1024 }) });
  const g = new Graph();
  addVxlanOverUdp(g, 'vtep', { local: '127.0.0.1', port: 0, remotePort: sink.address().port, mtu: 1600, overlay: { ports: { h: VNI }, static: [{ vni: VNI, mac: '02:00:00:00:00:02', remote: '127.0.0.2' }] } });
  g.app('rx', RxPort, { wasmPool });
  g.connect('rx.port', 'vtep.h');
  engine.configure(g);
  const udp = engine.app<UdpUnderlay>('vtep/udp');
  await udp.ready();
  return {
    engine,
    rx: engine.app<RxPort>('rx'),
    udp,
    datagrams,
    stop: async () => {
      engine.stop();
      await udp.closed();
      sink.close();
    },
  };
}

async function until(what: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

for (const wasmPool of [false, true]) test(`a TAP's 64 KB TCP packet crosses the VTEP whole and leaves the socket as VXLAN datagrams, one per wire segment, in one segmented send (${wasmPool ? 'payloads sent in place from a WebAssembly pool' : 'copied from a plain pool'})`, async () => {
  const { engine, rx, udp, datagrams, stop } = await offloadSender(wasmPool);
  try {
    const frame = gsoFrame(30 * MSS + 100, 'FPA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame });
    engine.runBreaths(2);
    assert.equal(rx.finisher.finishing, false, 'the TAP side leaves the packet whole');
    await until(() => datagrams.length >= 31);
    assert.equal(datagrams.length, 31);
    // Loopback keeps the order; sorting by sequence number only makes a reordering show as itself.
    const segs = datagrams.map((d) => d.subarray(8)).sort((a, b) => a.readUInt32BE(38) - b.readUInt32BE(38));
    for (const d of datagrams) assert.deepEqual([...d.subarray(0, 8)], [0x08, 0, 0, 0, (VNI >>> 16) & 0xff, (VNI >>> 8) & 0xff, VNI & 0xff, 0], 'VXLAN header: I flag and VNI');
    segs.forEach((seg, i) => assertSegment(new Uint8Array(seg), i, 31, frame));
    const stats = udp.stats();
    assert.equal(stats.txDatagrams, 31);
    assert.equal(stats.txSegmentedSends, 1, JSON.stringify(stats));
    assert.equal(udp.totalDrops(), 0, JSON.stringify(udp.dropCounts));
    // The packet is consumed here and each datagram is a packet of its own, made and sent here.
    assert.equal(udp.generated, 31);
    assert.equal(udp.consumed, 32);
    assertConserved(engine);
  } finally {
    await stop();
  }
});

test('a packet with only a partial checksum leaves the socket with its TCP checksum finished', async () => {
  const { engine, rx, udp, datagrams, stop } = await offloadSender();
  try {
    const frame = gsoFrame(600, 'PA');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, 0), frame });
    engine.runBreaths(2);
    await until(() => datagrams.length >= 1);
    assert.equal(datagrams.length, 1);
    const inner = new Uint8Array(datagrams[0]!.subarray(8));
    assert.equal(inner.length, frame.length);
    const tcpLen = inner.length - 34;
    assert.equal(internetChecksum(inner, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0, 'TCP checksum');
    assert.deepEqual(inner.subarray(54), frame.subarray(54), 'payload');
    assert.equal(udp.totalDrops(), 0, JSON.stringify(udp.dropCounts));
    assertConserved(engine);
  } finally {
    await stop();
  }
});

test('an offloaded packet whose inner headers do not add up, or whose inner frame is not TCP, is a counted drop', async () => {
  const { engine, rx, udp, datagrams, stop } = await offloadSender();
  try {
    // csum_start says the TCP header is 4 bytes further than it is.
    const shifted = vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS);
    shifted[6] = 38;
    rx.queue.push({ hdr: shifted, frame: gsoFrame(4 * MSS, 'A') });
    // UDP inside, but the header claims TCP segmentation.
    const udpFrame = gsoFrame(4 * MSS, 'A');
    udpFrame[23] = 17;
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, MSS), frame: udpFrame });
    engine.runBreaths(2);
    assert.equal(udp.dropCounts['gso-bad-headers'], 1, JSON.stringify(udp.dropCounts));
    assert.equal(udp.dropCounts['gso-not-tcp'], 1, JSON.stringify(udp.dropCounts));
    assert.equal(datagrams.length, 0);
    assertConserved(engine);
  } finally {
    await stop();
  }
});

/** Inner wire segment i of one TCP flow (sequence numbers contiguous, payload bytes a function of the sequence number), with correct checksums. */
function innerSegment(i: number, payload = MSS, flags = 'A'): Uint8Array {
  const seq = 1000 + i * MSS;
  const bytes = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=${100 + i},df),tcp(src=40000,dst=5201,seq=${seq},ack=7,flags=${flags},win=500),payload(len=${payload})`);
  for (let k = 0; k < payload; k++) bytes[54 + k] = ((seq + k) * 31) & 0xff;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  v.setUint16(50, 0);
  v.setUint16(50, internetChecksum(bytes, 34, bytes.length - 34, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, bytes.length - 34)));
  return bytes;
}

const VXLAN_HEADER = Buffer.from([0x08, 0, 0, 0, (VNI >>> 16) & 0xff, (VNI >>> 8) & 0xff, VNI & 0xff, 0]);

/**
 * A VTEP on 127.0.0.1 with a capture behind it that takes offloaded packets and keeps them (as a
 * TAP port with offloads does), one that takes them but cuts them itself (a TAP without), or one
 * that takes none; and a plain socket on 127.0.0.2 that sends it VXLAN datagrams.
 */
async function offloadReceiver(behind: 'offloads' | 'finishing' | 'plain'): Promise<{ engine: Engine; udp: UdpUnderlay; cap: Capture; send: (inner: Uint8Array[]) => Promise<void>; stop: () => Promise<void> }> {
  const engine = new Engine({ clock: new RealClock(), pool: new PacketPool({ count: 1024 }) });
  const g = new Graph();
  addVxlanOverUdp(g, 'vtep', { local: '127.0.0.1', port: 0, mtu: 1600, overlay: { ports: { h: VNI }, flood: { [String(VNI)]: ['127.0.0.2'] } } });
  g.app('cap', behind === 'offloads' ? OffloadCapture : behind === 'finishing' ? FinishingCapture : Capture, {});
  g.connect('cap.in', 'vtep.h');
  engine.configure(g);
  const udp = engine.app<UdpUnderlay>('vtep/udp');
  await udp.ready();
  const peer = dgram.createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.2', r));
  const send = async (inner: Uint8Array[]): Promise<void> => {
    const before = udp.rxDatagrams;
    for (const f of inner) await new Promise<void>((r) => peer.send(Buffer.concat([VXLAN_HEADER, f]), udp.port, '127.0.0.1', () => r()));
    // Let the socket's worker put every datagram in the ring (its fill stops changing) before one breath takes them all.
    let last = -1;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const queued = udp.stats().rxQueued;
      if (queued > 0 && queued === last) break;
      last = queued;
    }
    engine.runBreaths(1);
    await until(() => udp.rxDatagrams >= before + inner.length);
  };
  return {
    engine,
    udp,
    cap: engine.app<Capture>('cap'),
    send,
    stop: async () => {
      engine.stop();
      await udp.closed();
      peer.close();
    },
  };
}

test('received datagrams of one TCP flow reach an app that takes offloads as one 64 KB packet, every segment\'s checksum checked on the way', async () => {
  const { engine, udp, cap, send, stop } = await offloadReceiver('offloads');
  try {
    const segs = Array.from({ length: 20 }, (_, i) => innerSegment(i, i === 19 ? 700 : MSS, i === 19 ? 'PA' : 'A'));
    await send(segs);
    assert.equal(udp.rxDatagrams, 20);
    assert.equal(cap.frames.length, 1, 'one merged frame');
    const f = cap.frames[0]!;
    assert.equal(f.gsoSize, MSS);
    assert.equal(f.csumStart, 34, 'partial checksum at the TCP header');
    const payload = 19 * MSS + 700;
    assert.equal(f.bytes.length, 54 + payload);
    const v = new DataView(f.bytes.buffer, f.bytes.byteOffset);
    assert.equal(v.getUint16(16), 40 + payload, 'inner IPv4 total length');
    assert.equal(internetChecksum(f.bytes, 14, 20), 0, 'inner IPv4 header checksum');
    assert.equal(f.bytes[47], 0x18, 'ACK and the last segment\'s PSH');
    for (let k = 0; k < payload; k++) if (f.bytes[54 + k] !== ((1000 + k) * 31 & 0xff)) assert.fail(`payload byte ${k}`);
    // Finished as the kernel behind a TAP finishes it, the checksum verifies.
    const done = new Uint8Array(f.bytes);
    completeChecksum(done, new DataView(done.buffer), 0, done.length, 34, 16);
    assert.equal(internetChecksum(done, 34, 20 + payload, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, 20 + payload)), 0, 'the partial checksum completes to a valid one');
    assert.equal(udp.rxMerged, 1);
    assert.equal(udp.rxMergedDatagrams, 20);
    assert.equal(udp.rxMergePoolEmpty, 0);
    assert.equal(udp.rxMergeFramesInUse, 0, 'the merged frame went back to its pool');
    assertConserved(engine);
  } finally {
    await stop();
  }
});

test('a segment whose TCP checksum is wrong is kept out of merged frames and goes on alone, as it came', async () => {
  const { engine, udp, cap, send, stop } = await offloadReceiver('offloads');
  try {
    const segs = Array.from({ length: 10 }, (_, i) => innerSegment(i));
    segs[5]![60]! ^= 0xff;
    await send(segs);
    assert.deepEqual(cap.frames.map((f) => [f.gsoSize, f.bytes.length]), [[MSS, 54 + 5 * MSS], [0, 54 + MSS], [MSS, 54 + 4 * MSS]]);
    assert.deepEqual(cap.frames[1]!.bytes, segs[5], 'the bad segment untouched');
    assert.equal(udp.rxMergeBadChecksums, 1);
    assert.equal(udp.rxMerged, 2);
    assertConserved(engine);
  } finally {
    await stop();
  }
});

for (const behind of ['plain', 'finishing'] as const) test(`behind an app that ${behind === 'plain' ? 'takes no offloads' : 'would cut merged packets again'}, received datagrams are never merged`, async () => {
  const { engine, udp, cap, send, stop } = await offloadReceiver(behind);
  try {
    const segs = Array.from({ length: 6 }, (_, i) => innerSegment(i));
    await send(segs);
    assert.equal(cap.frames.length, 6);
    assert.ok(cap.frames.every((f, i) => f.gsoSize === 0 && f.csumStart < 0 && Buffer.from(f.bytes).equals(segs[i]!)));
    assert.equal(udp.rxMerged, 0);
    assertConserved(engine);
  } finally {
    await stop();
  }
});

test('garbage between and inside runs never throws: each datagram is merged, delivered as it came, or a counted drop', async () => {
  const { engine, udp, cap, send, stop } = await offloadReceiver('offloads');
  try {
    const good = Array.from({ length: 6 }, (_, i) => innerSegment(i));
    // Headers that lie: IPv4 total length past the datagram, a TCP data offset past it, IHL 15,
    // a frame cut inside the TCP header, a non-TCP protocol, and random bytes.
    const longIp = innerSegment(2).slice();
    longIp[16] = 0xff;
    const longTcp = innerSegment(2).slice();
    longTcp[46] = 0xf0;
    const bigIhl = innerSegment(2).slice();
    bigIhl[14] = 0x4f;
    const cut = innerSegment(2).slice(0, 40);
    const udpInside = innerSegment(2).slice();
    udpInside[23] = 17;
    let seed = 7;
    const random = Uint8Array.from({ length: 300 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    const junk = [longIp, longTcp, bigIhl, cut, udpInside, random];
    await send([good[0]!, good[1]!, ...junk, good[2]!, good[3]!, good[4]!, good[5]!]);
    assert.equal(udp.rxDatagrams, 12);
    // The good segments still arrive merged, in order, in the two runs the garbage split them into.
    const merged = cap.frames.filter((f) => f.gsoSize === MSS);
    assert.deepEqual(merged.map((f) => f.bytes.length), [54 + 2 * MSS, 54 + 4 * MSS]);
    // Every datagram is accounted for: the VTEP or the capture took each piece of garbage as it came.
    const vtep = engine.app<VxlanVtep>('vtep');
    assert.equal(cap.frames.length - merged.length + vtep.totalDrops(), junk.length, JSON.stringify(vtep.dropCounts));
    assertConserved(engine);
  } finally {
    await stop();
  }
});

test('a packet cut in place into more datagrams than one batch holds stays whole until its last datagram is sent', async () => {
  const { engine, rx, udp, datagrams, stop } = await offloadSender(true);
  try {
    const gso = 500;
    const frame = gsoFrame(30 * MSS + 100, 'PA');
    const count = Math.ceil((frame.length - 54) / gso);
    assert.ok(count > 64, 'more datagrams than a batch');
    rx.queue.push({ hdr: vnetHeader(VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4, gso), frame });
    engine.runBreaths(2);
    await until(() => datagrams.length >= count);
    assert.equal(datagrams.length, count);
    const segs = datagrams.map((d) => new Uint8Array(d.subarray(8))).sort((a, b) => new DataView(a.buffer, a.byteOffset).getUint32(38) - new DataView(b.buffer, b.byteOffset).getUint32(38));
    segs.forEach((seg, i) => {
      const v = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
      assert.equal(v.getUint32(38), 1000 + i * gso, `segment ${i}: sequence number`);
      const tcpLen = seg.length - 34;
      assert.equal(internetChecksum(seg, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0, `segment ${i}: TCP checksum`);
      assert.deepEqual(seg.subarray(54), frame.subarray(54 + i * gso, 54 + i * gso + seg.length - 54), `segment ${i}: payload`);
    });
    assert.equal(udp.totalDrops(), 0, JSON.stringify(udp.dropCounts));
    assert.equal(rx.rxPool.inUse, 0, 'the packet went back to its pool once sent');
    assertConserved(engine);
  } finally {
    await stop();
  }
});
