/**
 * TAP offloads with L3 apps in the path: the kernel hands the TAPs 64 KB TCP segments with
 * partial checksums, and they cross the bridge, the veth and the router whole (the router checks
 * the egress MTU against the wire segments they stand for), the NAT gateway (which adds its
 * address changes to the partial checksum), an OpenFlow switch or a port filter, leaving through
 * the far TAP as the kernel handed them over. TCP, ping and the labs' checks work, and nothing
 * was cut into segments on the way. Namespaces are named vn<random>-<host>, the lab gets a
 * unique name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadLabFile, parseLab } from '../../src/control/lab/load.js';
import type { LabModel } from '../../src/control/lab/model.js';
import { RealLabProcess } from '../../src/cli/real-lab.js';
import type { TapPortStats } from '../../src/nics/tap/tap-port.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { haveCommand, iperf3, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { repoRoot } from '../../src/testing/paths.js';

const skip = tapUnavailableReason() ?? (haveCommand('iperf3') ? null : 'iperf3 is not installed');
if (skip !== null) console.log(`# skipping the offloads-through-apps tests: ${skip}`);
const options = { skip: skip ?? false, timeout: 120_000 };

interface RunningLab {
  readonly proc: RealLabProcess;
  /** The namespace of a host. */
  ns(host: string): string;
  /** iperf3 TCP from `from` to `address` (in `to`), 2 s; asserts it moved data and prints the rate. */
  tcp(what: string, from: string, to: string, address: string, args?: readonly string[]): Promise<void>;
  /** Every TAP port's stats, by port name (`h1/eth0`). */
  taps(): Map<string, TapPortStats>;
  /** Asserts no port cut a packet into segments, and that the lab's checks pass. */
  assertWholeAndChecked(): Promise<void>;
}

/** Runs `body` on the lab brought up for real with TAP offloads, then takes everything down. */
async function withRealLab(model: LabModel, body: (lab: RunningLab) => Promise<void>): Promise<void> {
  const prefix = `${uniqueName('vn', 4)}-`;
  const proc = new RealLabProcess({ ...model, name: uniqueName('vn') }, { nsPrefix: prefix, offloads: true });
  const namespaces = proc.lab.hosts.map((h) => h.ns);
  const taps = (): Map<string, TapPortStats> => new Map(proc.taps().map((t) => [t.name, t.stats()]));
  try {
    await proc.start();
    await body({
      proc,
      ns: (host) => `${prefix}${host}`,
      async tcp(what, from, to, address, args = []) {
        const r = await iperf3(`${prefix}${from}`, `${prefix}${to}`, address, 2, args);
        const gbits = (r.sum_received?.bits_per_second ?? 0) / 1e9;
        assert.ok((r.sum_received?.bytes ?? 0) > 10_000_000, `${what}: ${gbits} Gbit/s, ${r.sum_received?.bytes} bytes`);
        console.log(`${what} with offloads: ${gbits.toFixed(2)} Gbit/s`);
      },
      taps,
      async assertWholeAndChecked() {
        for (const [name, s] of taps()) {
          assert.equal(s.rxSegmented + s.txSegments, 0, `${name} cut nothing into segments`);
          assert.equal(s.error, null, name);
        }
        // The port-forward checks need the gateway's redirect to know where a datagram lands.
        const results = await proc.lab.runChecks({ serviceTarget: (ip, port) => proc.serviceTarget(ip, port) });
        assert.deepEqual(results.filter((c) => !c.passed), [], JSON.stringify(results, null, 1));
      },
    });
  } finally {
    await proc.stop();
    for (const ns of namespaces) tryIp('netns', 'del', ns);
  }
}

const example = (file: string): LabModel => loadLabFile(join(repoRoot(), 'examples', file));

test('with offloads on, iperf3 TCP and ping cross a router between namespaces as 64 KB packets, never segmented on the way', options, async () => {
  await withRealLab(example('routed-three-subnets.yml'), async (lab) => {
    const ping = await nsExec(lab.ns('h2'), ['ping', '-c', '3', '-i', '0.2', '-W', '1', '10.0.3.10']);
    assert.match(ping.stdout, /3 received/, ping.stdout + ping.stderr);
    // h2 sits on a TAP cabled straight to the router; h1 reaches it through a bridge and a veth.
    await lab.tcp('h2 -> h3 through the router', 'h2', 'h3', '10.0.3.10');
    await lab.tcp('h1 -> h3 through a bridge, a veth and the router', 'h1', 'h3', '10.0.3.10');
    const taps = lab.taps();
    const [h1, h2, h3] = [taps.get('h1/eth0')!, taps.get('h2/eth0')!, taps.get('h3/eth0')!];
    assert.ok(h2.offloads && !h2.rxFinishing && !h1.rxFinishing, 'the router and the veth in front of it take offloaded packets');
    assert.ok(h1.rxGsoPackets > 0 && h2.rxGsoPackets > 0, `GSO packets read: h1 ${h1.rxGsoPackets}, h2 ${h2.rxGsoPackets}`);
    assert.ok(h3.txFrames < (h1.rxGsoPackets + h2.rxGsoPackets) * 2, `h3 wrote ${h3.txFrames} frames for ${h1.rxGsoPackets + h2.rxGsoPackets} GSO packets`);
    const drops: string[] = [];
    for (const app of lab.proc.engine.apps.values()) for (const [k, v] of Object.entries(app.dropCounts)) if (v > 0 && k.startsWith('gso')) drops.push(`${app.name}:${k}=${v}`);
    assert.deepEqual(drops, [], 'no offload drops');
    await lab.assertWholeAndChecked();
  });
});

test('with offloads on, iperf3 TCP crosses a NAT gateway both ways as 64 KB packets, translated, never segmented', options, async () => {
  await withRealLab(example('nat-gateway.yml'), async (lab) => {
    // h1 sends to the internet host through masquerade; with -R the internet host sends back.
    await lab.tcp('h1 -> inet through the NAT gateway', 'h1', 'inet', '203.0.113.2');
    await lab.tcp('inet -> h1 through the NAT gateway', 'h1', 'inet', '203.0.113.2', ['-R']);
    const taps = lab.taps();
    const [h1, inet] = [taps.get('h1/eth0')!, taps.get('inet/eth0')!];
    assert.ok(!h1.rxFinishing && !inet.rxFinishing, 'the gateway takes offloaded packets');
    assert.ok(h1.rxGsoPackets > 0 && inet.rxGsoPackets > 0, `GSO packets read: h1 ${h1.rxGsoPackets}, inet ${inet.rxGsoPackets}`);
    await lab.assertWholeAndChecked();
  });
});

test('with offloads on, iperf3 TCP crosses an OpenFlow switch as 64 KB packets, never segmented', options, async () => {
  const lab = parseLab(`
name: offloads-openflow
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
`);
  await withRealLab(lab, async (real) => {
    await real.tcp('h1 -> h2 through the OpenFlow switch', 'h1', 'h2', '10.0.7.2');
    const h1 = real.taps().get('h1/eth0')!;
    assert.ok(!h1.rxFinishing && h1.rxGsoPackets > 0, `the switch takes offloaded packets (GSO packets read: ${h1.rxGsoPackets})`);
    await real.assertWholeAndChecked();
  });
});

test('with offloads on, a port filter passes 64 KB packets of allowed connections, and its checks hold with real hosts', options, async () => {
  await withRealLab(example('nat-security-groups.yml'), async (lab) => {
    // The web host may open connections (egress is open); its TCP leaves through the filter.
    await lab.tcp('web -> client through the port filter', 'web', 'client', '10.0.0.20');
    const web = lab.taps().get('web/eth0')!;
    assert.ok(!web.rxFinishing && web.rxGsoPackets > 0, `the filter takes offloaded packets (GSO packets read: ${web.rxGsoPackets})`);
    // Anti-spoofing knows the web host's MAC: the namespace's interface got the lab's MAC.
    await lab.assertWholeAndChecked();
  });
});

test('with offloads on, iperf3 TCP crosses VXLAN and GRE overlays on an in-process underlay as 64 KB packets, encapsulated whole', options, async () => {
  for (const file of ['overlay-vxlan.yml', 'overlay-gre.yml']) {
    await withRealLab(example(file), async (lab) => {
      await lab.tcp(`a1 -> a2 over ${file}`, 'a1', 'a2', '10.0.0.2');
      await lab.tcp(`b2 -> b1 over ${file}`, 'b2', 'b1', '10.0.0.1');
      const taps = lab.taps();
      assert.ok(taps.get('a1/eth0')!.rxGsoPackets > 100, `a1 handed over 64 KB packets (${JSON.stringify(taps.get('a1/eth0'))})`);
      // Every frame vtep1 encapsulated came from a1 or b1 whole (one remote, so one copy each).
      const encapsulated = (lab.proc.engine.apps.get('vtep1') as unknown as { stats(): { encapsulated: number } }).stats().encapsulated;
      const fromTaps = taps.get('a1/eth0')!.rxFrames + taps.get('b1/eth0')!.rxFrames;
      assert.ok(encapsulated > 1000 && encapsulated <= fromTaps, `${encapsulated} encapsulations for ${fromTaps} frames from the TAPs: one per packet, not per wire segment`);
      await lab.assertWholeAndChecked();
    });
  }
});

test('with offloads on, iperf3 TCP crosses the Neutron case study (br-int, br-tun, VXLAN and back) as 64 KB packets', options, async () => {
  await withRealLab(example('neutron-vxlan.yml'), async (lab) => {
    await lab.tcp('vm-a100 -> vm-b100 through br-int, br-tun and VXLAN', 'vm-a100', 'vm-b100', '10.0.0.2');
    await lab.tcp('vm-b200 -> vm-a200 the other way, in the other tenant', 'vm-b200', 'vm-a200', '10.0.0.3');
    await lab.assertWholeAndChecked();
  });
});
