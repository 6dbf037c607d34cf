/**
 * The UdpEndpoint's transmit fallback under kernel pushback. Loopback and an idle veth never make
 * a UDP send fail, so the path that copies datagrams into the TX ring after EAGAIN and lets the
 * worker send them when the socket drains is exercised here on purpose: a veth whose root end
 * has a slow token-bucket qdisc holds the datagrams, charged to our small send buffer, until
 * sendmmsg says EAGAIN. A receiver in the veth's other namespace checks that every datagram
 * arrived once and in order.
 *
 *   [this process: UdpEndpoint on 10.x.88.1, tbf 40 Mbit/s] --veth--> [netns R: node receiver on 10.x.88.2]
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SEND_OK, SEND_QUEUED, UDP_BATCH, UdpEndpoint } from '../../src/nics/udp/udp-endpoint.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { addNamespace, haveCommand, ip, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';

const skip = tapUnavailableReason() ?? (haveCommand('tc') ? null : 'tc (iproute2) is not installed');
if (skip !== null) console.log(`# skipping the UDP pushback test: ${skip}`);

const COUNT = 3000;
const SIZE = 1000;

/** Counts numbered datagrams and whether they came in order; prints one JSON line when idle for a second. */
const RECEIVER = `
const s = require('node:dgram').createSocket('udp4');
let n = 0, inOrder = true, next = 0, idle = null;
const report = () => { console.log(JSON.stringify({ n, inOrder })); process.exit(0); };
s.on('message', (m) => {
  const i = m.readUInt32BE(0);
  if (i !== next) inOrder = false;
  next = i + 1;
  n++;
  clearTimeout(idle);
  idle = setTimeout(report, 1000);
});
s.bind(Number(process.argv[2]), process.argv[1], () => { console.log('ready'); idle = setTimeout(report, 20000); });
`;

test('datagrams the kernel pushes back (EAGAIN) go through the TX ring and the worker, all delivered once and in order', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const ns = uniqueName('vn');
  const vethRoot = uniqueName('vn');
  const vethPeer = uniqueName('vn');
  const octet = 1 + Math.floor(Math.random() * 250);
  const local = `10.${octet}.88.1`;
  const remote = `10.${octet}.88.2`;
  const port = 40000 + Math.floor(Math.random() * 20000);
  let ep: UdpEndpoint | null = null;
  try {
    addNamespace(ns);
    ip('link', 'add', vethRoot, 'type', 'veth', 'peer', 'name', vethPeer);
    ip('link', 'set', vethPeer, 'netns', ns);
    ip('addr', 'add', `${local}/24`, 'dev', vethRoot);
    ip('link', 'set', vethRoot, 'up');
    ip('-n', ns, 'addr', 'add', `${remote}/24`, 'dev', vethPeer);
    ip('-n', ns, 'link', 'set', vethPeer, 'up');
    // The kernel itself may reorder here: the tbf queue is drained on whichever CPU its timer or
    // a sender runs, and a veth hands each frame to that CPU's backlog, so two CPUs can deliver
    // out of order. RPS to one CPU gives the peer one backlog, so order is vnet's alone to keep.
    const rps = await nsExec(ns, ['sh', '-c', `echo 1 > /sys/class/net/${vethPeer}/queues/rx-0/rps_cpus`]);
    assert.equal(rps.code, 0, `RPS on the receiving veth: ${rps.stderr}`);
    // 3 MB at 40 Mbit/s is 0.6 s; the queue may hold 2 s of it, so the qdisc delays and never drops.
    const tc = spawn('tc', ['qdisc', 'add', 'dev', vethRoot, 'root', 'tbf', 'rate', '40mbit', 'burst', '32kb', 'latency', '2s']);
    assert.equal(await new Promise((r) => tc.on('exit', r)), 0, 'tc qdisc add tbf');

    const receiver = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', RECEIVER, remote, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: receiver.stdout! })[Symbol.asyncIterator]();
    assert.equal((await lines.next()).value, 'ready');

    const toNumber = (a: string): number => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
    ep = new UdpEndpoint({ address: toNumber(local), port: 0, maxDatagram: 2000, ringSlots: 4096, socketBuffer: 16 * 1024 });
    await ep.ready();
    const bufs = Array.from({ length: UDP_BATCH }, () => new Uint8Array(SIZE));
    const outcomes = new Map<number, number>();
    for (let sent = 0; sent < COUNT; ) {
      const n = Math.min(UDP_BATCH, COUNT - sent);
      for (let i = 0; i < n; i++) {
        new DataView(bufs[i]!.buffer).setUint32(0, sent + i);
        assert.ok(ep.queue(bufs[i]!, 0, SIZE, toNumber(remote), port));
      }
      assert.equal(ep.flush(), n);
      for (let i = 0; i < n; i++) outcomes.set(ep.outcome(i), (outcomes.get(ep.outcome(i)) ?? 0) + 1);
      sent += n;
    }
    const direct = outcomes.get(SEND_OK) ?? 0;
    const queued = outcomes.get(SEND_QUEUED) ?? 0;
    assert.equal(direct + queued, COUNT, `outcomes ${JSON.stringify([...outcomes])}: no ring-full and no refusal`);
    assert.ok(queued > 0, 'the kernel pushed back and datagrams went to the TX ring');
    console.log(`${direct} datagrams sent directly, ${queued} through the TX ring after EAGAIN`);
    assert.ok(direct > 0);

    const result = JSON.parse(String((await lines.next()).value)) as { n: number; inOrder: boolean };
    assert.deepEqual(result, { n: COUNT, inOrder: true }, 'every datagram arrived once, in the order queued');
    const stats = ep.stats();
    assert.equal(stats.txDatagrams, COUNT);
    assert.equal(ep.txFromRing, queued, 'the worker sent what was queued');
    assert.equal(stats.txQueued, 0);
    assert.equal(stats.txRefused, 0);
  } finally {
    if (ep !== null) {
      ep.close();
      await ep.closed();
    }
    tryIp('link', 'del', vethRoot);
    tryIp('netns', 'del', ns);
  }
});
