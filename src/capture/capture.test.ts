import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../engine/engine.js';
import { Sink, Source } from '../engine/basic.js';
import { Link } from '../engine/link.js';
import { PacketPool } from '../engine/packet.js';
import { Capture, readCaptureFile } from './capture.js';
import { readPcapng } from './pcapng.js';
import { readPcap } from './pcap.js';

import { ICMP_H2_TO_H1, UDP_H1_TO_H2, twoHostCapture } from './testkit.js';

test('a capture of two hosts records each packet leaving one port and entering the other', () => {
  const { engine, capture } = twoHostCapture(3);
  engine.runFor(20_000);
  assert.equal(capture.packetCount, 12);
  const recs = capture.records();
  const sent = recs.filter((r) => r.port === 'h1/eth0' && r.direction === 'outbound');
  const got = recs.filter((r) => r.port === 'h2/eth0' && r.direction === 'inbound');
  assert.equal(sent.length, 3);
  assert.equal(got.length, 3);
  for (const r of [...sent, ...got]) assert.deepEqual(r.data, UDP_H1_TO_H2);
  for (const r of recs.filter((x) => (x.port === 'h2/eth0') === (x.direction === 'outbound'))) assert.deepEqual(r.data, ICMP_H2_TO_H1);
  for (let i = 1; i < recs.length; i++) assert.ok(recs[i]!.time >= recs[i - 1]!.time, 'engine time never goes back');
  assert.ok(recs[recs.length - 1]!.time > recs[0]!.time, 'later breaths have later timestamps');
});

test('the pcapng of a capture reads back with port names, directions and engine timestamps', () => {
  const { engine, capture } = twoHostCapture(2);
  engine.runFor(20_000);
  const r = readPcapng(capture.toPcapng());
  assert.equal(r.error, null);
  assert.deepEqual(r.interfaces.map((i) => i.name), ['h1/eth0', 'h2/eth0']);
  const recs = capture.records();
  assert.equal(r.packets.length, recs.length);
  r.packets.forEach((p, i) => {
    assert.equal(p.interfaceId, recs[i]!.interfaceId);
    assert.equal(p.direction, recs[i]!.direction);
    assert.equal(p.timestampNs, BigInt(recs[i]!.time));
    assert.deepEqual(p.data, recs[i]!.data);
  });
});

test('the classic pcap of a capture holds every packet in order with an epoch added', () => {
  const engine = new Engine();
  engine.configure(new Graph().app('h1', Source, { frame: UDP_H1_TO_H2, batch: 2, limit: 4 }).app('s', Sink).link('h1.output -> s.input'));
  const capture = new Capture(engine, { epochNs: 1_700_000_000_000_000_000n });
  capture.addPort('h1/eth0', { outbound: engine.links.get('h1.output -> s.input')! });
  engine.runFor(10_000);
  const r = readPcap(capture.toPcap());
  assert.equal(r.error, null);
  assert.equal(r.packets.length, 4);
  assert.equal(r.packets[0]!.timestampNs, 1_700_000_000_000_000_000n);
  assert.ok(r.packets[3]!.timestampNs > r.packets[0]!.timestampNs);
  const any = readCaptureFile(capture.toPcap());
  assert.equal(any.format, 'pcap');
  assert.equal(any.packets.length, 4);
  const ng = readCaptureFile(capture.toPcapng());
  assert.equal(ng.format, 'pcapng');
  assert.deepEqual(ng.packets.map((p) => [p.port, p.direction]), Array(4).fill(['h1/eth0', 'outbound']));
  assert.equal(readCaptureFile(UDP_H1_TO_H2).format, 'unknown');
});

test('bytes are copied when the packet enters the link, not when the file is written', () => {
  const pool = new PacketPool({ count: 4 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' });
  let now = 100;
  const capture = new Capture({ now: () => now });
  capture.addPort('a/eth0', { outbound: link });
  const p = pool.fromBytes(UDP_H1_TO_H2)!;
  link.transmit(p);
  p.buf.fill(0);
  now = 200;
  const rec = capture.records()[0]!;
  assert.deepEqual(rec.data, UDP_H1_TO_H2);
  assert.equal(rec.time, 100);
});

test('a packet\'s tunnel key is kept, written as a pcapng packet comment and read back', () => {
  const pool = new PacketPool({ count: 4 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' });
  const capture = new Capture({ now: () => 0 });
  capture.addPort('a/eth0', { outbound: link });
  const tunnelled = pool.fromBytes(UDP_H1_TO_H2)!;
  tunnelled.tunnelId = 0x64;
  link.transmit(tunnelled);
  link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.deepEqual(capture.records().map((r) => r.tunnelId), [0x64, 0]);
  const file = capture.toPcapng();
  assert.deepEqual(readPcapng(file).packets.map((p) => p.comments), [['tun_id=0x64'], []]);
  assert.deepEqual(readCaptureFile(file).packets.map((p) => p.tunnelId), [0x64, 0]);
  // A classic pcap has no comments, so no tunnel key.
  assert.equal(readCaptureFile(capture.toPcap()).packets[0]!.tunnelId, 0);
});

test('a packet refused by a full link is not recorded', () => {
  const pool = new PacketPool({ count: 4 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' }, 2);
  const capture = new Capture({ now: () => 0 });
  capture.addPort('a/eth0', { outbound: link });
  for (let i = 0; i < 3; i++) link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.equal(link.drops, 1);
  assert.equal(capture.packetCount, 2);
});

test('the packet and byte bounds stop recording and count the overflow', () => {
  const pool = new PacketPool({ count: 64 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' }, 64);
  const byCount = new Capture({ now: () => 0 }, { maxPackets: 5 });
  byCount.addPort('a/eth0', { outbound: link });
  for (let i = 0; i < 8; i++) link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.equal(byCount.packetCount, 5);
  assert.equal(byCount.overflowPackets, 3);
  byCount.detach();
  link.drain();

  const byBytes = new Capture({ now: () => 0 }, { maxBytes: 100 });
  byBytes.addPort('a/eth0', { outbound: link });
  for (let i = 0; i < 3; i++) link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.equal(byBytes.packetCount, 2);
  assert.equal(byBytes.byteCount, 94);
  assert.equal(byBytes.overflowPackets, 1);
  byBytes.clear();
  assert.equal(byBytes.packetCount, 0);
  assert.equal(byBytes.overflowPackets, 0);
});

test('the snaplen cuts stored bytes and keeps the original length', () => {
  const pool = new PacketPool({ count: 2 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' });
  const capture = new Capture({ now: () => 0 }, { snaplen: 14 });
  capture.addPort('a/eth0', { outbound: link });
  link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  const p = readPcapng(capture.toPcapng()).packets[0]!;
  assert.equal(p.data.length, 14);
  assert.equal(p.originalLength, 47);
});

test('one link can be the outbound of one port and the inbound of another', () => {
  const pool = new PacketPool({ count: 2 });
  const cable = new Link({ app: 'h1', port: 'tx' }, { app: 'h2', port: 'rx' });
  const capture = new Capture({ now: () => 0 });
  capture.addPort('h1/eth0', { outbound: cable });
  capture.addPort('h2/eth0', { inbound: cable });
  cable.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.deepEqual(capture.records().map((r) => [r.port, r.direction]), [['h1/eth0', 'outbound'], ['h2/eth0', 'inbound']]);
});

test('detach removes the taps and a second capture cannot steal a tapped link', () => {
  const pool = new PacketPool({ count: 4 });
  const link = new Link({ app: 'a', port: 'out' }, { app: 'b', port: 'in' });
  const first = new Capture({ now: () => 0 });
  first.addPort('a/eth0', { outbound: link });
  const second = new Capture({ now: () => 0 });
  assert.throws(() => second.addPort('a/eth0', { outbound: link }), /already tapped by another capture/);
  assert.throws(() => first.addPort('a/eth0', { inbound: link }), /added twice/);
  assert.throws(() => first.addPort('b/eth0', {}), /neither/);
  first.detach();
  assert.equal(link.tap, null);
  link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.equal(first.packetCount, 0);
  assert.throws(() => first.addPort('c/eth0', { outbound: link }), /after detach/);
  second.addPort('a/eth0', { outbound: link });
  link.transmit(pool.fromBytes(UDP_H1_TO_H2)!);
  assert.equal(second.packetCount, 1);
});
