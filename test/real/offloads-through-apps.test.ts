/**
 * TAP offloads with L3 apps in the path: the kernel hands the TAPs 64 KB TCP segments with
 * partial checksums, and they cross the bridge, the veth and the router whole (the router checks
 * the egress MTU against the wire segments they stand for), or the NAT gateway (which adds its
 * address changes to the partial checksum), or an OpenFlow switch, leaving through the far TAP as the kernel handed
 * them over. TCP, ping and the labs' checks work, and nothing was cut into segments on the way.
 * Namespaces are named vn<random>-<host>, the lab gets a unique name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadLabFile, parseLab } from '../../src/control/lab/load.js';
import { RealLabProcess } from '../../src/cli/real-lab.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { haveCommand, iperf3, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { repoRoot } from '../../src/testing/paths.js';

const skip = tapUnavailableReason() ?? (haveCommand('iperf3') ? null : 'iperf3 is not installed');
if (skip !== null) console.log(`# skipping offloads-with-a-router test: ${skip}`);

test('with offloads on, iperf3 TCP and ping cross a router between namespaces as 64 KB packets, never segmented on the way', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const model = { ...loadLabFile(join(repoRoot(), 'examples', 'routed-three-subnets.yml')), name: uniqueName('vn') };
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(model, { nsPrefix: prefix, offloads: true });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  try {
    await proc.start();
    const ping = await nsExec(`${prefix}h2`, ['ping', '-c', '3', '-i', '0.2', '-W', '1', '10.0.3.10']);
    assert.match(ping.stdout, /3 received/, ping.stdout + ping.stderr);
    // h2 sits on a TAP cabled straight to the router; h1 reaches it through a bridge and a veth.
    const direct = await iperf3(`${prefix}h2`, `${prefix}h3`, '10.0.3.10', 2);
    const bridged = await iperf3(`${prefix}h1`, `${prefix}h3`, '10.0.3.10', 2);
    for (const [name, r] of [['h2 -> h3', direct], ['h1 -> h3', bridged]] as const) {
      const gbits = (r.sum_received?.bits_per_second ?? 0) / 1e9;
      assert.ok((r.sum_received?.bytes ?? 0) > 10_000_000, `${name}: ${gbits} Gbit/s, ${r.sum_received?.bytes} bytes`);
      console.log(`${name} through the router with offloads: ${gbits.toFixed(2)} Gbit/s`);
    }
    const taps = new Map(proc.taps().map((t) => [t.name, t.stats()]));
    const h1 = taps.get('h1/eth0')!;
    const h2 = taps.get('h2/eth0')!;
    const h3 = taps.get('h3/eth0')!;
    assert.ok(h2.offloads && !h2.rxFinishing && !h1.rxFinishing, 'the router and the veth in front of it take offloaded packets');
    assert.ok(h1.rxGsoPackets > 0 && h2.rxGsoPackets > 0, `GSO packets read: h1 ${h1.rxGsoPackets}, h2 ${h2.rxGsoPackets}`);
    for (const [name, s] of taps) assert.equal(s.rxSegmented + s.txSegments, 0, `${name} cut nothing into segments`);
    assert.ok(h3.txFrames < (h1.rxGsoPackets + h2.rxGsoPackets) * 2, `h3 wrote ${h3.txFrames} frames for ${h1.rxGsoPackets + h2.rxGsoPackets} GSO packets`);
    for (const [name, s] of taps) assert.equal(s.error, null, name);
    const drops: string[] = [];
    for (const app of proc.engine.apps.values()) for (const [k, v] of Object.entries(app.dropCounts)) if (v > 0 && k.startsWith('gso')) drops.push(`${app.name}:${k}=${v}`);
    assert.deepEqual(drops, [], 'no offload drops');
    const results = await proc.lab.runChecks();
    assert.deepEqual(results.filter((r) => !r.passed), [], JSON.stringify(results, null, 1));
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
});

test('with offloads on, iperf3 TCP crosses a NAT gateway both ways as 64 KB packets, translated, never segmented', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const model = { ...loadLabFile(join(repoRoot(), 'examples', 'nat-gateway.yml')), name: uniqueName('vn') };
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(model, { nsPrefix: prefix, offloads: true });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  try {
    await proc.start();
    // h1 sends to the internet host through masquerade; with -R the internet host sends back.
    const up = await iperf3(`${prefix}h1`, `${prefix}inet`, '203.0.113.2', 2);
    const down = await iperf3(`${prefix}h1`, `${prefix}inet`, '203.0.113.2', 2, ['-R']);
    for (const [name, r] of [['h1 -> inet', up], ['inet -> h1', down]] as const) {
      const gbits = (r.sum_received?.bits_per_second ?? 0) / 1e9;
      assert.ok((r.sum_received?.bytes ?? 0) > 10_000_000, `${name}: ${gbits} Gbit/s, ${r.sum_received?.bytes} bytes`);
      console.log(`${name} through the NAT gateway with offloads: ${gbits.toFixed(2)} Gbit/s`);
    }
    const taps = new Map(proc.taps().map((t) => [t.name, t.stats()]));
    const h1 = taps.get('h1/eth0')!;
    const inet = taps.get('inet/eth0')!;
    assert.ok(!h1.rxFinishing && !inet.rxFinishing, 'the gateway takes offloaded packets');
    assert.ok(h1.rxGsoPackets > 0 && inet.rxGsoPackets > 0, `GSO packets read: h1 ${h1.rxGsoPackets}, inet ${inet.rxGsoPackets}`);
    for (const [name, s] of taps) assert.equal(s.rxSegmented + s.txSegments, 0, `${name} cut nothing into segments`);
    // The port-forward checks need the gateway's redirect to know where the datagram lands.
    const results = await proc.lab.runChecks({ serviceTarget: (ip, port) => proc.serviceTarget(ip, port) });
    assert.deepEqual(results.filter((r) => !r.passed), [], JSON.stringify(results, null, 1));
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
});

test('with offloads on, iperf3 TCP crosses an OpenFlow switch as 64 KB packets, never segmented', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const lab = `
name: ${uniqueName('vn')}
topology:
  nodes:
    sw1: { kind: openflow-switch, flows: ["priority=10,ip,actions=NORMAL", "priority=5,arp,actions=FLOOD"] }
    h1: { kind: host, interfaces: { eth0: { ip: 10.0.7.1/24 } } }
    h2: { kind: host, interfaces: { eth0: { ip: 10.0.7.2/24 } } }
  links:
    - endpoints: ["h1:eth0", "sw1:p1"]
    - endpoints: ["h2:eth0", "sw1:p2"]
checks:
  - pingall
`;
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(parseLab(lab), { nsPrefix: prefix, offloads: true });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  try {
    await proc.start();
    const r = await iperf3(`${prefix}h1`, `${prefix}h2`, '10.0.7.2', 2);
    const gbits = (r.sum_received?.bits_per_second ?? 0) / 1e9;
    assert.ok((r.sum_received?.bytes ?? 0) > 10_000_000, `${gbits} Gbit/s, ${r.sum_received?.bytes} bytes`);
    console.log(`h1 -> h2 through the OpenFlow switch with offloads: ${gbits.toFixed(2)} Gbit/s`);
    const taps = new Map(proc.taps().map((t) => [t.name, t.stats()]));
    const h1 = taps.get('h1/eth0')!;
    assert.ok(!h1.rxFinishing && h1.rxGsoPackets > 0, `the switch takes offloaded packets (GSO packets read: ${h1.rxGsoPackets})`);
    for (const [name, s] of taps) assert.equal(s.rxSegmented + s.txSegments, 0, `${name} cut nothing into segments`);
    const results = await proc.lab.runChecks();
    assert.deepEqual(results.filter((c) => !c.passed), [], JSON.stringify(results, null, 1));
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
});

test('with offloads on, a port filter passes 64 KB packets of allowed connections, and its checks hold with real hosts', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const model = { ...loadLabFile(join(repoRoot(), 'examples', 'nat-security-groups.yml')), name: uniqueName('vn') };
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess(model, { nsPrefix: prefix, offloads: true });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  try {
    await proc.start();
    // The web host may open connections (egress is open); its TCP leaves through the filter.
    const r = await iperf3(`${prefix}web`, `${prefix}client`, '10.0.0.20', 2);
    const gbits = (r.sum_received?.bits_per_second ?? 0) / 1e9;
    assert.ok((r.sum_received?.bytes ?? 0) > 10_000_000, `${gbits} Gbit/s, ${r.sum_received?.bytes} bytes`);
    console.log(`web -> client through the port filter with offloads: ${gbits.toFixed(2)} Gbit/s`);
    const taps = new Map(proc.taps().map((t) => [t.name, t.stats()]));
    const web = taps.get('web/eth0')!;
    assert.ok(!web.rxFinishing && web.rxGsoPackets > 0, `the filter takes offloaded packets (GSO packets read: ${web.rxGsoPackets})`);
    for (const [name, s] of taps) assert.equal(s.rxSegmented + s.txSegments, 0, `${name} cut nothing into segments`);
    // Anti-spoofing knows the web host's MAC: the namespace's interface got the lab's MAC.
    const results = await proc.lab.runChecks();
    assert.deepEqual(results.filter((c) => !c.passed), [], JSON.stringify(results, null, 1));
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
});
