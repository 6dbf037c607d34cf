/**
 * Scenario tests for the OpenFlow switch: the example labs run through the real CLI against
 * golden output, the isolation check proven able to fail, `vnet trace` and `vnet ofctl`
 * (dump-flows after a run, trace in ofproto/trace layout of a packet spec, hex, a capture file or a
 * written-out flow, replace-flows, errors) as a user runs them,
 * and br-tun's tun_id carried as the VNI of real VXLAN in a capture read by tshark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';
import { encodeSpec } from '../../src/wire/spec.js';
import { writePcap } from '../../src/capture/pcap.js';
import { readCaptureFile } from '../../src/capture/capture.js';
import { repoRoot } from '../../src/testing/paths.js';
import { compareGolden } from '../../src/testing/golden.js';
import { exampleLabTests } from '../../src/testing/example-labs.js';
import { copyExampleLab, labRunBeside } from '../../src/testing/overlay-labs.js';
import { tsharkAvailable, tsharkFields, tsharkProblems } from '../interop/tools.js';

const LABS = ['neutron-br-tun', 'neutron-vxlan'];
const ARP = 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)';
const TAGGED_ARP = 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)';

for (const lab of LABS) {
  exampleLabTests(lab, 'openflow-lab-run-');
}

test('in examples/neutron-br-tun.yml VLAN 2 really stays local: the isolation check fails when asked to succeed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const text = readFileSync(join(repoRoot(), 'examples', 'neutron-br-tun.yml'), 'utf8')
      .replace('{ from: h3, to: 10.0.0.1, expect: failure }', '{ from: h3, to: 10.0.0.1, expect: success }')
      .replaceAll('flows_file: neutron-br-tun.flows', `flows_file: ${join(repoRoot(), 'examples', 'neutron-br-tun.flows')}`);
    writeFileSync(join(dir, 'crossing.yml'), text);
    const r = runCli(['lab', 'run', join(dir, 'crossing.yml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /FAIL\s+ping h3 -> 10\.0\.0\.1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vnet trace shows each br-tun table lookup in the engine trace', () => {
  const r = runCli(['trace', 'examples/neutron-br-tun.yml', 'h1:eth0', ARP]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /br-tun-b:\s+10\. priority 1/);
  compareGolden('openflow-trace-neutron-br-tun.txt', r.stdout);
});

test('vnet ofctl trace prints ofproto/trace layout, and -j the same as JSON', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', TAGGED_ARP]);
  assert.equal(r.code, 0, r.stderr);
  compareGolden('openflow-ofctl-trace-br-tun-a.txt', r.stdout);
  const j = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', TAGGED_ARP, '-j']);
  const parsed = JSON.parse(j.stdout) as { datapathActions: string; steps: { table?: number }[] };
  assert.equal(parsed.datapathActions, 'pop_vlan,set(tunnel(tun_id=0x64)),2');
  assert.deepEqual(parsed.steps.filter((s) => s.table !== undefined).map((s) => s.table), [0, 2, 21, 22]);
  compareGolden('openflow-ofctl-trace-br-tun-a.json', j.stdout);
});

test('ofproto/trace of a flow written out: a frame from the tunnel with its tun_id, which no packet spec can carry', () => {
  const FROM_TUNNEL = 'in_port=vxlan,tun_id=0x64,arp,dl_src=02:00:00:00:00:02,dl_dst=02:00:00:00:00:01,arp_op=2,arp_spa=10.0.0.2,arp_tpa=10.0.0.1';
  const r = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-b', FROM_TUNNEL, '-j']);
  assert.equal(r.code, 0, r.stderr);
  const t = JSON.parse(r.stdout) as { flow: string; datapathActions: string; megaflow: string; steps: { table?: number }[] };
  assert.deepEqual(t.steps.filter((s) => s.table !== undefined).map((s) => s.table), [0, 4, 10]);
  assert.equal(t.datapathActions, 'learn,push_vlan(vid=1,pcp=0),2', 'tagged for VLAN 1 out of patch-int, br-tun-b\'s port 2');
  assert.match(t.flow, /^arp,tun_id=0x64,in_port="vxlan",/);
  assert.match(t.megaflow, /tun_id=0x64,in_port="vxlan"/);
  // The same through ofctl, and another network's key stops in table 4.
  assert.equal(runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'trace', FROM_TUNNEL, '-j']).stdout, r.stdout);
  const other = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-b', FROM_TUNNEL.replace('0x64', '0x65')]);
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, / 4\. priority 0\n\s+drop\n/);
  assert.match(other.stdout, /Datapath actions: drop$/m);
  const refused: [string, RegExp][] = [
    ['in_port=vxlan,ip,nw_dst=10.0.0.0/24', /^ovs-ofctl: trace: nw_dst=10\.0\.0\.0\/24 has a mask; a trace flow describes one packet/],
    ['tun_id=0x64,ip', /^ovs-ofctl: trace: the flow needs in_port/],
    ['table=4,in_port=vxlan,ip', /^ovs-ofctl: trace: table is not a packet field/],
    ['in_port=vxlan,ip,bogus=1', /^ovs-ofctl: unknown keyword bogus/],
  ];
  for (const [flow, message] of refused) {
    const e = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-b', flow]);
    assert.equal(e.code, 1, flow);
    assert.match(e.stderr, message, flow);
  }
});

test('ofproto/trace of hex bytes and of every frame of a capture file', () => {
  const tagged = encodeSpec(TAGGED_ARP);
  const untagged = encodeSpec(ARP);
  const bySpec = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', TAGGED_ARP]);
  const byHex = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-a', 'patch-int', '--hex', Buffer.from(tagged).toString('hex')]);
  assert.equal(byHex.code, 0, byHex.stderr);
  assert.equal(byHex.stdout, bySpec.stdout);
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const file = join(dir, 'two.pcap');
    const pcap = writePcap([{ timestampNs: 1, data: tagged }, { timestampNs: 2, data: untagged }]);
    writeFileSync(file, pcap);
    const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', '--pcap', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter((l) => /^(Packet|Datapath)/.test(l)), [
      `Packet 1 (${tagged.length} bytes, in_port patch-int)`, 'Datapath actions: pop_vlan,set(tunnel(tun_id=0x64)),2',
      `Packet 2 (${untagged.length} bytes, in_port patch-int)`, 'Datapath actions: drop',
    ]);
    const j = JSON.parse(runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-a', 'patch-int', '--pcap', file, '-j']).stdout) as { packet: number; port: string; trace: { datapathActions: string } }[];
    assert.deepEqual(j.map((x) => [x.packet, x.port, x.trace.datapathActions]), [[1, 'patch-int', 'pop_vlan,set(tunnel(tun_id=0x64)),2'], [2, 'patch-int', 'drop']]);
    // A file cut inside its second record is traced as far as it reads, and says where it stopped.
    writeFileSync(file, pcap.subarray(0, pcap.length - 5));
    const cut = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', '--pcap', file]);
    assert.equal(cut.code, 0, cut.stderr);
    assert.match(cut.stdout, /^Packet 1 /m);
    assert.doesNotMatch(cut.stdout, /^Packet 2 /m);
    assert.match(cut.stdout, /^capture read stopped: truncated-record at byte \d+$/m);
    // Frames of another link type are not Ethernet frames to trace.
    writeFileSync(file, writePcap([{ timestampNs: 1, data: tagged }], { linktype: 101 }));
    assert.match(runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', '--pcap', file]).stdout, /^1 frame skipped: not Ethernet$/m);
    writeFileSync(file, 'not a capture');
    const bad = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'trace', 'patch-int', '--pcap', file]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'ovs-ofctl: trace: the capture is neither pcap nor pcapng\n');
    // A classic pcap does not say where a frame entered, so it needs PORT.
    writeFileSync(file, pcap);
    const noPort = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-a', '--pcap', file]);
    assert.equal(noPort.code, 1);
    assert.equal(noPort.stderr, 'ovs-ofctl: trace: a classic pcap file does not say which port a frame entered by: give PORT\n');
    // Without PORT, a lab run's pcapng is replayed: each frame captured entering br-tun-a, on its own port.
    const run = runCli(['lab', 'run', 'examples/neutron-br-tun.yml', '--capture', dir]);
    assert.equal(run.code, 0, run.stderr);
    const capFile = join(dir, 'neutron-br-tun.pcapng');
    const entering = readCaptureFile(readFileSync(capFile)).packets.map((p, i) => ({ n: i + 1, p }))
      .filter(({ p }) => p.direction === 'inbound' && p.port !== undefined && p.port.startsWith('br-tun-a/'));
    assert.ok(entering.length > 0);
    const replay = runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-a', '--pcap', capFile]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.deepEqual(replay.stdout.split('\n').filter((l) => l.startsWith('Packet ')),
      entering.map(({ n, p }) => `Packet ${n} (${p.data.length} bytes, in_port ${p.port!.slice('br-tun-a/'.length)})`));
    // The tunnel key each frame carried comes back from its packet comment: frames from the tunnel
    // port reach table 4 with tun_id 0x64 and are learned, as in the run.
    const fromTunnel = JSON.parse(runCli(['trace', 'examples/neutron-br-tun.yml', 'br-tun-a', '--pcap', capFile, '-j']).stdout) as { port: string; trace: { flow: string; datapathActions: string } }[];
    const vxlan = fromTunnel.filter((t) => t.port === 'vxlan');
    assert.ok(vxlan.length > 0);
    for (const t of vxlan) {
      assert.match(t.trace.flow, /tun_id=0x64,in_port="vxlan"/);
      assert.match(t.trace.datapathActions, /^learn,push_vlan\(vid=1,pcp=0\),1$/);
    }
    const total = readCaptureFile(readFileSync(capFile)).packets.length;
    assert.match(replay.stdout, new RegExp(`^${total - entering.length} frames skipped: not captured entering br-tun-a$`, 'm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lab shell runs ofctl on the live lab: learned flows after a check, a trace, a flow mod that breaks the next check', () => {
  const script = [
    'check',
    'ofctl br-tun-b dump-flows table=20',
    'ofctl br-tun-a trace in_port=vxlan,tun_id=0x65,ip',
    'ofctl br-tun-a add-flow table=0,tp_dst=80,actions=drop',
    'ofctl br-tun-a add-flow table=0,priority=10,in_port=vxlan,actions=drop',
    'check',
    'ofctl nope dump-flows',
  ].join('\n');
  const r = runCli(['lab', 'shell', 'examples/neutron-br-tun.yml'], { input: `${script}\n` });
  assert.equal(r.code, 0, r.stderr);
  const parts = r.stdout.split(/^vnet> /m).slice(1);
  assert.equal(parts.length, 7, r.stdout);
  assert.match(parts[0]!, /checks: 3 passed, 0 failed/);
  assert.match(parts[1]!, /cookie=0x9f3e, duration=[\d.]+s, table=20, n_packets=[1-9]\d*, .*priority=1,vlan_tci=0x0001\/0x0fff,dl_dst=/);
  assert.match(parts[2]!, / 4\. priority 0\n\s+drop\n[\s\S]*Datapath actions: drop/);
  assert.match(parts[3]!, /^ofctl br-tun-a add-flow table=0,tp_dst=80,actions=drop\novs-ofctl: prerequisites not met/);
  assert.match(parts[4]!, /priority=10,in_port="vxlan" actions=drop/);
  assert.match(parts[5]!, /FAIL {2}ping h1 -> 10\.0\.0\.2[\s\S]*checks: 1 passed, 2 failed/);
  assert.match(parts[6]!, /error: nope is not an openflow-switch node of this lab \(its openflow-switch nodes: br-tun-a, br-tun-b\)/);
});

test('ovs-appctl\'s views of the datapath: the cached megaflows with their hits, and how packets were answered', () => {
  const text = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dpctl/dump-flows', '--run']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  for (const l of lines) assert.match(l, /^.+, packets:\d+, bytes:\d+, used:(never|\d+\.\d{3}s), actions:.+$/);
  assert.ok(lines.some((l) => /^tun_id=0x64,in_port="vxlan",.*, packets:[1-9]\d*, .*actions:learn,push_vlan\(vid=1,pcp=0\),2$/.test(l)), text.stdout);
  const flows = JSON.parse(runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dpctl/dump-flows', '--run', '-j']).stdout) as { packets: number }[];
  const stats = JSON.parse(runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dpif-netdev/pmd-stats-show', '--run', '-j']).stdout) as Record<string, number>;
  assert.equal(flows.length, stats.megaflowEntries);
  // Every packet was answered at one level, and every cache hit was counted on a megaflow still there.
  assert.equal(stats.emcHits! + stats.megaflowHits! + stats.upcalls!, stats.emcLookups);
  assert.equal(stats.evictions! + stats.revalidationRemovals!, 0);
  assert.equal(flows.reduce((n, f) => n + f.packets, 0), stats.emcHits! + stats.megaflowHits!);
  const pmd = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dpif-netdev/pmd-stats-show', '--run']);
  assert.match(pmd.stdout, new RegExp(`^  packets received: ${stats.emcLookups}\n  emc hits: ${stats.emcHits} \\(`));
  assert.match(pmd.stdout, new RegExp(`  megaflows: ${stats.megaflowEntries} of 65536 in ${stats.masks} masks, 0 evicted, 0 flushes`));
});

test('fdb/show lists what the NORMAL action learned; dpctl/del-flows empties the caches and traffic fills them again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const file = join(dir, 'normal.yml');
    writeFileSync(file, [
      'name: of-normal',
      'topology:',
      '  nodes:',
      '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24, mac: "02:00:00:00:00:01" } } }',
      '    h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24, mac: "02:00:00:00:00:02" } } }',
      '    s1: { kind: openflow-switch, flows: ["priority=0,actions=NORMAL"] }',
      '  links:',
      '    - endpoints: [h1:eth0, s1:p1]',
      '    - endpoints: [h2:eth0, s1:p2]',
      'checks:',
      '  - pingall: {}',
      '',
    ].join('\n'));
    const script = ['check', 'ofctl s1 fdb/show', 'ofctl s1 dpctl/del-flows', 'ofctl s1 dpctl/dump-flows', 'ofctl s1 dpif-netdev/pmd-stats-show -j', 'check', 'ofctl s1 dpctl/dump-flows'].join('\n');
    const r = runCli(['lab', 'shell', file], { input: `${script}\n` });
    assert.equal(r.code, 0, r.stderr);
    const parts = r.stdout.split(/^vnet> /m).slice(1);
    assert.equal(parts[1], 'ofctl s1 fdb/show\n port  VLAN  MAC                Age\n    1     0  02:00:00:00:00:01     0\n    2     0  02:00:00:00:00:02     0\n');
    assert.equal(parts[3], 'ofctl s1 dpctl/dump-flows\n', 'no megaflow left after del-flows');
    const stats = JSON.parse(parts[4]!.slice(parts[4]!.indexOf('\n') + 1)) as { megaflowEntries: number; emcEntries: number; flushes: number };
    assert.deepEqual([stats.megaflowEntries, stats.emcEntries, stats.flushes], [0, 0, 1]);
    assert.match(parts[5]!, /checks: 1 passed, 0 failed/);
    assert.match(parts[6]!, /^ofctl s1 dpctl\/dump-flows\n.+, packets:\d+, bytes:\d+, used:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('groups in a lab file and through vnet ofctl: an ALL group copies h1\'s frames to two ports; add-group, del-groups, dump-groups', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const lab = (groups: string) => [
      'name: of-groups',
      'topology:',
      '  nodes:',
      '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }',
      '    h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }',
      '    h3: { kind: host, interfaces: { eth0: { ip: 10.0.0.3/24 } } }',
      `    s1: { kind: openflow-switch, groups: [${groups}], flows: ["priority=10,in_port=p1,actions=group:1", "priority=0,actions=NORMAL"] }`,
      '  links:',
      '    - endpoints: [h1:eth0, s1:p1]',
      '    - endpoints: [h2:eth0, s1:p2]',
      '    - endpoints: [h3:eth0, s1:p3]',
      'checks:',
      '  - ping: { from: h1, to: 10.0.0.2, expect: success }',
      '  - ping: { from: h1, to: 10.0.0.3, expect: success }',
      '',
    ].join('\n');
    const file = join(dir, 'groups.yml');
    writeFileSync(file, lab('"group_id=1,type=all,bucket=output:p2,bucket=output:p3"'));
    const run = runCli(['lab', 'run', file]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /checks: 2 passed, 0 failed; .*packets conserved/);
    assert.equal(runCli(['ofctl', file, 's1', 'dump-groups']).stdout, ' group_id=1,type=all,bucket=actions=output:"p2",bucket=actions=output:"p3"\n');
    const added = runCli(['ofctl', file, 's1', 'add-group', 'group_id=2,type=select,bucket=weight:50,actions=output:p2,bucket=output:p3']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^ group_id=2,type=select,bucket=weight:50,actions=output:"p2",bucket=weight:100,actions=output:"p3"$/m);
    // Deleting a group deletes the flows that use it: h1's pings then go through NORMAL, and still pass.
    const shell = runCli(['lab', 'shell', file], { input: 'ofctl s1 del-groups group_id=1\nofctl s1 dump-flows\ncheck\n' });
    assert.equal(shell.code, 0, shell.stderr);
    const parts = shell.stdout.split(/^vnet> /m).slice(1);
    assert.equal(parts[0], 'ofctl s1 del-groups group_id=1\n');
    assert.match(parts[1]!, /^ofctl s1 dump-flows\n cookie=0x0, duration=[\d.]+s, table=0, n_packets=0, n_bytes=0, priority=0 actions=NORMAL\n$/);
    assert.match(parts[2]!, /checks: 2 passed, 0 failed/);
    const refused: [string, string][] = [
      ['group_id=3,type=ff,bucket=output:1', "ovs-ofctl: type: 'ff' is not all, select or indirect (fast failover groups are not supported)\n"],
      ['type=all,bucket=output:1', 'ovs-ofctl: must specify group_id\n'],
      ['group_id=1,type=all,bucket=output:1', 'ovs-ofctl: OFPT_ERROR (type 6, code 0): group 1 exists\n'],
      ['group_id=4,type=indirect,bucket=output:1,bucket=output:2', 'ovs-ofctl: indirect groups must have exactly one bucket\n'],
    ];
    for (const [group, message] of refused) {
      const e = runCli(['ofctl', file, 's1', 'add-group', group]);
      assert.equal(e.code, 1, group);
      assert.equal(e.stderr, message, group);
    }
    writeFileSync(file, lab('"group_id=1,type=all,bucket=output:p9"'));
    const invalid = runCli(['lab', 'validate', file]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /topology\.nodes\.s1\.groups\.0: s1: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vnet ofctl dump-tables and dump-aggregate agree with the flows: every packet is looked up in table 0 and matched there once', () => {
  const tables = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-tables', '--run']);
  assert.equal(tables.code, 0, tables.stderr);
  const t0 = /^ {2}table 0:\n {4}active=3, lookup=(\d+), matched=(\d+)$/m.exec(tables.stdout);
  assert.ok(t0, tables.stdout);
  assert.equal(t0[1], t0[2], 'table 0 ends in a table-miss flow, so every lookup matches');
  assert.match(tables.stdout, /^ {2}table 20:\n {4}active=2, /m);
  const agg = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-aggregate', 'table=0', '--run']);
  assert.equal(agg.code, 0, agg.stderr);
  assert.match(agg.stdout, new RegExp(`^OFPST_AGGREGATE reply \\(OF1\\.3\\): packet_count=${t0[1]} byte_count=\\d+ flow_count=3\n$`));
});

test('vnet ofctl dump-flows --run shows counters and the flow learned in table 20', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-flows', '--run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /cookie=0x9f3e, duration=1\.000s, table=20, n_packets=\d+, n_bytes=\d+, hard_timeout=300, priority=1,vlan_tci=0x0001\/0x0fff,dl_dst=/);
  compareGolden('openflow-ofctl-dump-flows-br-tun-b.txt', r.stdout);
  const ports = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-b', 'dump-ports', '--run']);
  compareGolden('openflow-ofctl-dump-ports-br-tun-b.txt', ports.stdout);
});

test('vnet ofctl replace-flows swaps the tables atomically, and a bad flow changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const good = join(dir, 'good.flows');
    writeFileSync(good, 'table=0,priority=1,in_port=patch-int,actions=resubmit(,2)\ntable=0,priority=0,actions=drop\n');
    const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'replace-flows', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split('\n')[0], 'replace-flows: 0 added, 11 deleted, 2 kept');
    assert.equal(r.stdout.trim().split('\n').length, 3);
    const bad = join(dir, 'bad.flows');
    writeFileSync(bad, 'table=0,priority=1,actions=drop\ntable=0,tp_dst=80,actions=drop\n');
    const e = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'replace-flows', bad]);
    assert.equal(e.code, 1);
    assert.equal(e.stderr, `ovs-ofctl: ${bad}:2: prerequisites not met: L4 fields (tp_src, tp_dst, tcp_*, udp_*, icmp_*) need tcp, udp or icmp\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vnet ofctl mod-flows changes the actions of what it selects, all matching flows or --strict only one, and keeps counters', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'mod-flows', 'table=0,in_port=vxlan,actions=drop', '--run']);
  assert.equal(r.code, 1, 'the lab checks fail with the tunnel dropped');
  assert.match(r.stdout, /table=0, n_packets=[1-9]\d*, n_bytes=\d+, priority=1,in_port="vxlan" actions=drop/);
  const loose = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'mod-flows', 'table=22,actions=resubmit(,21)']);
  assert.equal(loose.code, 0, loose.stderr);
  assert.deepEqual(loose.stdout.split('\n').filter((l) => l.includes('table=22')).map((l) => l.replace(/^.*(priority=)/, '$1')), [
    'priority=1,dl_vlan=1 actions=resubmit(,21)',
    'priority=0 actions=resubmit(,21)',
  ]);
  const strict = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'mod-flows', '--strict', 'table=22,priority=0,actions=resubmit(,21)']);
  assert.equal(strict.code, 0, strict.stderr);
  assert.deepEqual(strict.stdout.split('\n').filter((l) => l.includes('table=22')).map((l) => l.replace(/^.*(priority=)/, '$1')), [
    'priority=1,dl_vlan=1 actions=strip_vlan,load:0x64->NXM_NX_TUN_ID[],output:"vxlan"',
    'priority=0 actions=resubmit(,21)',
  ]);
  const bad = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'mod-flows', 'table=22,priority=0']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'ovs-ofctl: must specify an action\n');
});

test('vnet ofctl add-flow then --run: a higher-priority drop in table 0 breaks the pings', () => {
  const r = runCli(['ofctl', 'examples/neutron-br-tun.yml', 'br-tun-a', 'add-flow', 'table=0,priority=10,in_port=vxlan,actions=drop', '--run']);
  assert.equal(r.code, 1, 'the lab checks fail with the tunnel dropped');
  assert.match(r.stdout, /priority=10,in_port="vxlan" actions=drop/);
});

test('in examples/neutron-vxlan.yml the underlay carries VXLAN with VNI 100 for one network and 200 for the other', (t) => {
  const tshark = tsharkAvailable();
  if (!tshark.ok) {
    t.skip(`tshark is not available: ${tshark.reason}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vnet-of-'));
  try {
    const r = runCli(['lab', 'run', 'examples/neutron-vxlan.yml', '--capture', dir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const file = join(dir, 'neutron-vxlan.pcapng');
    assert.deepEqual(tsharkProblems(file), []);
    const rows = tsharkFields(file, ['frame.interface_name', 'ip.src', 'ip.dst', 'vxlan.vni'], ['-Y', 'vxlan']);
    for (const [iface, src, dst] of rows) {
      assert.match(iface!, /^(vtep-[ab]\/underlay|underlay\/[ab])$/, 'VXLAN only on the underlay');
      assert.match(src!, /^192\.168\.0\.[12](,10\.0\.0\.[1-4])?$/);
      assert.match(dst!, /^192\.168\.0\.[12](,10\.0\.0\.[1-4])?$/);
    }
    // The inner addresses show which network a packet belongs to, the VNI which one it was sent on.
    const vniOf = (inner: string): Set<string> => new Set(rows.filter((r) => r[1]!.endsWith(`,${inner}`)).map((r) => r[3]!));
    assert.deepEqual(vniOf('10.0.0.1'), new Set(['100']));
    assert.deepEqual(vniOf('10.0.0.2'), new Set(['100']));
    assert.deepEqual(vniOf('10.0.0.3'), new Set(['200']));
    assert.deepEqual(vniOf('10.0.0.4'), new Set(['200']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Neutron case study split into two compute nodes in two processes: br-tun\'s flows pick the VNI on real UDP, and the networks stay apart', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-neutron-split-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const [a, b] = ['a', 'b'].map((n) => copyExampleLab(`neutron-vxlan-node-${n}.yml`, dir, `neutron-split-${process.pid}-${n}`, port));
  const { run, upOutput, upExit } = await labRunBeside(b!, a!);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /PASS {2}ping vm-a100 -> 10\.0\.0\.2 \(3\) {2}3\/3 received/);
  assert.match(run.stdout, /PASS {2}ping vm-a200 -> 10\.0\.0\.4 +1\/1 received/);
  // The other network's VM exists in the other process: only the VNI keeps it out of reach.
  assert.match(run.stdout, /PASS {2}ping vm-a100 -> 10\.0\.0\.4 +0\/1 received, (timeout|unreachable) \(expected to fail\)/);
  assert.match(run.stdout, /4 passed, 0 failed; .*packets conserved/);
  assert.equal(upExit, 0, upOutput);
});
