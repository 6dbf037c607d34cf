import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Capture } from '../../src/capture/capture.js';
import { UDP_H1_TO_H2, twoHostCapture } from '../../src/capture/testkit.js';
import { writePcap } from '../../src/capture/pcap.js';
import { tsharkAvailable, tsharkFields, tsharkProblems, withTempFile } from './tools.js';

const EPOCH = 1_700_000_000_000_000_000n;

/** h1 and h2 joined by two wires, each host's port tapping its sending and receiving link, run. */
function captureTwoHosts(count: number): Capture {
  const { engine, capture } = twoHostCapture(count, { epochNs: EPOCH });
  engine.runFor(20_000);
  return capture;
}

const tool = tsharkAvailable();
if (!tool.ok) console.log(`# tshark interop tests skipped: ${tool.reason}`);

test('tshark reads our pcapng with interface names, directions, lengths and ns timestamps', (t) => {
  if (!tool.ok) return t.skip(tool.reason);
  const c = captureTwoHosts(3);
  const recs = c.records();
  const rows = withTempFile('two-hosts.pcapng', c.toPcapng(), (path) => {
    assert.deepEqual(tsharkProblems(path), [], 'no malformed frames and no expert warnings');
    return tsharkFields(path, ['frame.interface_name', 'frame.packet_flags_direction', 'frame.p2p_dir', 'frame.len', 'frame.time_epoch', 'ip.src', 'ip.proto']);
  });
  assert.equal(rows.length, recs.length);
  rows.forEach((row, i) => {
    const r = recs[i]!;
    const [name, flags, p2p, len, epoch, src, proto] = row;
    assert.equal(name, r.port);
    assert.equal(flags, r.direction === 'inbound' ? '0x00000001' : '0x00000002');
    // Wireshark's point-to-point direction: 0 sent, 1 received.
    assert.equal(p2p, r.direction === 'inbound' ? '1' : '0');
    assert.equal(Number(len), r.originalLength);
    const ns = EPOCH + BigInt(r.time);
    assert.equal(epoch, `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`);
    const udp = r.data[23] === 17;
    assert.equal(src, udp ? '10.0.0.1' : '10.0.0.2');
    assert.equal(proto, udp ? '17' : '1');
  });
  const byPortDir = new Map<string, number>();
  for (const [name, flags] of rows) byPortDir.set(`${name} ${flags}`, (byPortDir.get(`${name} ${flags}`) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(byPortDir), {
    'h1/eth0 0x00000002': 3,
    'h2/eth0 0x00000001': 3,
    'h2/eth0 0x00000002': 3,
    'h1/eth0 0x00000001': 3,
  });
});

test('tshark reads our classic nanosecond pcap', (t) => {
  if (!tool.ok) return t.skip(tool.reason);
  const c = captureTwoHosts(2);
  const rows = withTempFile('two-hosts.pcap', c.toPcap(), (path) => {
    assert.deepEqual(tsharkProblems(path), []);
    return tsharkFields(path, ['frame.len', 'frame.cap_len', 'frame.time_epoch', 'eth.src']);
  });
  assert.equal(rows.length, 8);
  for (const [len, caplen, epoch] of rows) {
    assert.equal(len, caplen);
    assert.match(epoch!, /^1700000000\.\d{9}$/);
  }
});

test('the problem check itself flags a truncated IPv4 frame', (t) => {
  if (!tool.ok) return t.skip(tool.reason);
  const bad = writePcap([{ timestampNs: 0, data: UDP_H1_TO_H2.subarray(0, 30) }]);
  withTempFile('bad.pcap', bad, (path) => assert.equal(tsharkProblems(path).length, 1));
});
