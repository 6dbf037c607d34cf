/**
 * The real `ovs-ofctl -O OpenFlow13` against the real switch: an `OpenFlowSwitch` app in an
 * engine (two ports, each with an injector feeding it and a collector on its output link) and a
 * channel listening on 127.0.0.1. Flows go in with add-flow/add-flows, come back with dump-flows
 * (printed by ovs-ofctl from our flow stats encoding) and go away with del-flows; frames the
 * test injects are forwarded by those flows, counted in dump-ports, and a table miss to
 * CONTROLLER reaches a controller connection as a PACKET_IN; a packet-out leaves the port its
 * actions name.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFlowChannel } from '../../src/control/openflow/channel.js';
import { switchRig, type SwitchRig } from '../../src/netfns/openflow/testkit.js';
import type { OpenFlowSwitch } from '../../src/netfns/openflow/switch.js';
import { OFPR_NO_MATCH } from '../../src/netfns/openflow/types.js';
import { encodeSpec } from '../../src/wire/spec.js';
import { runCli, startCli } from '../../src/testing/cli.js';

function ovsOfctlAvailable(): { ok: boolean; reason: string } {
  let r = spawnSync('ovs-ofctl', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error && process.getuid?.() === 0) {
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'openvswitch-common'], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    r = spawnSync('ovs-ofctl', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  }
  if (r.error) return { ok: false, reason: `ovs-ofctl not runnable and not installable: ${r.error.message}` };
  return r.status === 0 ? { ok: true, reason: '' } : { ok: false, reason: `ovs-ofctl --version exited with ${r.status}` };
}

const tool = ovsOfctlAvailable();
if (!tool.ok) console.log(`# ovs-ofctl interop tests skipped: ${tool.reason}`);

let rig: SwitchRig;
let sw: OpenFlowSwitch;
let channel: OpenFlowChannel;
let target = '';
let dir = '';

before(async () => {
  if (!tool.ok) return;
  rig = switchRig(2, { datapathId: 0x0000_0000_0000_00abn });
  sw = rig.sw;
  channel = new OpenFlowChannel(sw, { targets: ['ptcp:0:127.0.0.1'], groupDescs: () => sw.groupDescs() });
  await channel.start();
  target = `tcp:127.0.0.1:${channel.listenAddresses()[0]!.port}`;
  dir = mkdtempSync(join(tmpdir(), 'vnet-ofctl-'));
});

after(async () => {
  if (!tool.ok) return;
  await channel.stop();
  rig.engine.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs ovs-ofctl asynchronously (our server lives in this process's event loop). */
function ofctl(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ovs-ofctl', ['-O', 'OpenFlow13', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await ofctl(...args);
  assert.equal(r.status, 0, `ovs-ofctl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** dump-flows without the volatile fields, one flow per line. */
async function flows(filter?: string): Promise<string[]> {
  const out = await ok('--no-stats', 'dump-flows', target, ...(filter ? [filter] : []));
  return out.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('OFPST_FLOW'));
}

const NEUTRON_LEARN = 'table=10,priority=1,actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x1234,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1';

test('add-flow, add-flows and dump-flows round trip through the switch', { skip: !tool.ok && tool.reason }, async () => {
  await ok('del-flows', target);
  await ok('add-flow', target, 'table=0,priority=10,in_port=1,dl_vlan=100,actions=mod_vlan_vid:200,output:2');
  await ok('add-flow', target, NEUTRON_LEARN);
  await ok('add-flow', target, 'table=0,priority=5,reg0=0x5,tun_id=0x64,actions=load:0x1->NXM_NX_REG1[],move:NXM_NX_REG0[0..15]->NXM_NX_REG2[16..31],resubmit(,10)');
  const file = join(dir, 'flows.txt');
  writeFileSync(file, ['table=1,priority=3,ip,nw_src=10.0.0.0/8,tcp,tp_dst=80,actions=dec_ttl,output:2', 'table=1,priority=2,arp,actions=CONTROLLER:128', 'table=1,priority=0,actions=drop'].join('\n') + '\n');
  await ok('add-flows', target, file);
  assert.deepEqual(await flows(), [
    'priority=10,in_port=1,dl_vlan=100 actions=set_field:4296->vlan_vid,output:2',
    'priority=5,reg0=0x5,tun_id=0x64 actions=load:0x1->NXM_NX_REG1[],move:NXM_NX_REG0[0..15]->NXM_NX_REG2[16..31],resubmit(,10)',
    'table=1, priority=3,tcp,nw_src=10.0.0.0/8,tp_dst=80 actions=dec_ttl,output:2',
    'table=1, priority=2,arp actions=CONTROLLER:128',
    'table=1, priority=0 actions=drop',
    'table=10, priority=1 actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x1234,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1',
  ]);
  assert.equal(sw.pipeline.flowCount, 6);
  assert.deepEqual(await flows('table=1,tcp'), ['table=1, priority=3,tcp,nw_src=10.0.0.0/8,tp_dst=80 actions=dec_ttl,output:2']);
});

test('del-flows removes what it selects, strictly or not', { skip: !tool.ok && tool.reason }, async () => {
  await ok('del-flows', target);
  await ok('add-flow', target, 'table=2,priority=7,reg0=5,actions=output:1');
  await ok('add-flow', target, 'table=2,priority=8,reg0=5,actions=output:2');
  await ok('add-flow', target, 'table=2,priority=9,reg0=5,reg1=1,actions=output:2');
  await ok('--strict', 'del-flows', target, 'table=2,priority=7,reg0=5');
  assert.deepEqual(await flows(), ['table=2, priority=9,reg0=0x5,reg1=0x1 actions=output:2', 'table=2, priority=8,reg0=0x5 actions=output:2']);
  await ok('del-flows', target, 'table=2,reg0=5');
  assert.deepEqual(await flows(), []);
});

test('mod-flows gives the flows it selects new actions (OFPFC_MODIFY and, with --strict, OFPFC_MODIFY_STRICT)', { skip: !tool.ok && tool.reason }, async () => {
  await ok('del-flows', target);
  await ok('add-flow', target, 'table=3,priority=7,reg0=5,actions=output:1');
  await ok('add-flow', target, 'table=3,priority=8,reg0=5,reg1=1,actions=output:1');
  await ok('mod-flows', target, 'table=3,reg0=5,actions=output:2');
  assert.deepEqual(await flows(), ['table=3, priority=8,reg0=0x5,reg1=0x1 actions=output:2', 'table=3, priority=7,reg0=0x5 actions=output:2']);
  await ok('--strict', 'mod-flows', target, 'table=3,priority=7,reg0=5,actions=drop');
  assert.deepEqual(await flows(), ['table=3, priority=8,reg0=0x5,reg1=0x1 actions=output:2', 'table=3, priority=7,reg0=0x5 actions=drop']);
  await ok('del-flows', target);
});

const UDP_2_TO_1 = 'eth(src=02:00:00:00:00:02,dst=02:00:00:00:00:01),ipv4(src=10.0.0.2,dst=10.0.0.1),udp(src=7,dst=9)';
const ARP_REQUEST = 'ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002';

test('show, dump-ports and dump-aggregate report the switch and the frames it forwarded', { skip: !tool.ok && tool.reason }, async () => {
  const show = await ok('show', target);
  assert.match(show, /OFPT_FEATURES_REPLY \(OF1\.3\) \(xid=0x[0-9a-f]+\): dpid:00000000000000ab/);
  assert.match(show, /n_tables:254, n_buffers:0/);
  assert.match(show, /1\(p1\): addr:02:00:00:00:ab:01/);
  assert.match(show, /2\(p2\): addr:02:00:00:00:ab:02/);
  assert.match(show, /OFPT_GET_CONFIG_REPLY \(OF1\.3\) \(xid=0x[0-9a-f]+\): frags=normal miss_send_len=128/);
  await ok('del-flows', target);
  await ok('add-flow', target, 'in_port=2,udp,actions=output:1');
  const frame = encodeSpec(UDP_2_TO_1);
  const before = sw.portStats(0xffffffff);
  for (let i = 0; i < 3; i++) assert.deepEqual(rig.send(frame, 2), [[1, Buffer.from(frame).toString('hex')]], 'the flow forwards 2 -> 1');
  const rx = (await ok('dump-ports', target, '2')).replace(/\s+/g, ' ');
  assert.match(rx, new RegExp(`port 2: rx pkts=${before[1]!.rxPackets + 3}, bytes=${before[1]!.rxBytes + 3 * frame.length}, drop=0`));
  const tx = (await ok('dump-ports', target, '1')).replace(/\s+/g, ' ');
  assert.match(tx, new RegExp(`tx pkts=${before[0]!.txPackets + 3}, bytes=${before[0]!.txBytes + 3 * frame.length}, drop=0`));
  assert.match(await ok('dump-flows', target), /n_packets=3, n_bytes=\d+, udp,in_port=2 actions=output:1|n_packets=3, n_bytes=\d+, .*in_port=2.*actions=output:1/);
  assert.match(await ok('dump-aggregate', target), /packet_count=3 .*flow_count=1/);
  await ok('del-flows', target);
});

test('packet-out frames leave the emulated switch on the port their actions name', { skip: !tool.ok && tool.reason }, async () => {
  rig.drain();
  const txBefore = sw.portStats(2)[0]!.txPackets;
  await ok('packet-out', target, `in_port=1 packet=${ARP_REQUEST} actions=output:2`);
  assert.deepEqual(rig.drain(), [[2, ARP_REQUEST]], 'the bytes came out of port 2 only');
  assert.equal(sw.portStats(2)[0]!.txPackets, txBefore + 1);
  await ok('packet-out', target, `in_port=2 packet=${ARP_REQUEST} actions=set_field:02:00:00:00:00:99->eth_src,output:1`);
  assert.deepEqual(rig.drain(), [[1, ARP_REQUEST.replace('020000000001', '020000000099')]], 'actions rewrite the frame on its way out');
  const bad = await ofctl('packet-out', target, 'in_port=1 packet=ffffffffffff0200000000010806 actions=group:77');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /OFPBAC_BAD_OUT_GROUP/);
  assert.deepEqual(rig.drain(), []);
});

test('add-group and dump-groups', { skip: !tool.ok && tool.reason }, async () => {
  await ok('add-group', target, 'group_id=1,type=all,bucket=output:1,bucket=output:2');
  assert.match(await ok('dump-groups', target), /group_id=1,type=all,bucket=actions=output:1,bucket=actions=output:2/);
});

test('a refused flow is an OFPT_ERROR ovs-ofctl prints', { skip: !tool.ok && tool.reason }, async () => {
  const r = await ofctl('add-flow', target, 'table=5,actions=goto_table:2');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /OFPBIC_BAD_TABLE_ID/);
});

test('a malformed message gets OFPT_ERROR and the connection stays up; packet-ins reach the peer', { skip: !tool.ok && tool.reason }, async () => {
  const port = channel.listenAddresses()[0]!.port;
  const sock = net.connect({ host: '127.0.0.1', port });
  const received: Buffer[] = [];
  let pending = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  sock.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 8 && pending.length >= pending.readUInt16BE(2)) {
      const len = pending.readUInt16BE(2);
      received.push(pending.subarray(0, len));
      pending = pending.subarray(len);
    }
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (type: number): Promise<Buffer> => {
    for (;;) {
      const i = received.findIndex((m) => m[1] === type);
      if (i >= 0) return received.splice(i, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error(`no message of type ${type}`)), 5000).unref();
      });
    }
  };
  try {
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    sock.write(Buffer.from('04000010000000010001000800000010', 'hex'));
    assert.equal((await next(0)).toString('hex'), '04000010100000010001000800000010');
    // A flow mod whose instruction has length 3: OFPET_BAD_INSTRUCTION / OFPBIC_BAD_LEN.
    const bad = Buffer.from('040e005000000077000000000000000000000000000000000000000000008000ffffffffffffffffffffffff0000000000010004000000000004000300000000ffff001000002320000efff801000000', 'hex');
    sock.write(bad);
    const err = await next(1);
    assert.equal(err.readUInt32BE(4), 0x77);
    assert.deepEqual([err.readUInt16BE(8), err.readUInt16BE(10)], [3, 7]);
    assert.deepEqual(err.subarray(12), bad.subarray(0, 64));
    sock.write(Buffer.from('0402000c000000780a0b0c0d', 'hex'));
    assert.equal((await next(3)).toString('hex'), '0403000c000000780a0b0c0d');
    // A table-miss flow to the controller, installed by ovs-ofctl; a frame the switch receives
    // on port 2 comes to this connection as a PACKET_IN and leaves no port.
    await ok('del-flows', target);
    await ok('add-flow', target, 'table=0,priority=0,actions=CONTROLLER:65535');
    const frame = encodeSpec(UDP_2_TO_1);
    assert.deepEqual(rig.send(frame, 2), []);
    const pin = await next(10);
    assert.equal(pin.readUInt32BE(8), 0xffffffff, 'buffer_id NO_BUFFER');
    assert.equal(pin.readUInt16BE(12), frame.length, 'total_len');
    assert.equal(pin[14], OFPR_NO_MATCH, 'reason: table miss');
    assert.equal(pin[15], 0, 'table 0');
    // The match carries in_port=2 (OXM class 0x8000, field 0, 4 bytes).
    assert.ok(pin.subarray(24).toString('hex').startsWith('0001000c8000000400000002'), pin.toString('hex'));
    assert.equal(pin.subarray(pin.length - frame.length).toString('hex'), Buffer.from(frame).toString('hex'));
    assert.ok(sw.packetIns >= 1);
    await ok('del-flows', target);
  } finally {
    sock.destroy();
  }
});

test('vnet lab up serves ovs-ofctl on an openflow-switch node until lab down', { skip: !tool.ok && tool.reason, timeout: 120_000 }, async () => {
  const labDir = mkdtempSync(join(tmpdir(), 'vnet-lab-up-'));
  const name = `of-lab-up-${process.pid}`;
  const file = join(labDir, 'lab.yml');
  writeFileSync(file, [
    `name: ${name}`,
    'topology:',
    '  nodes:',
    '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }',
    '    h2: { kind: host, interfaces: { eth0: { ip: 10.0.0.2/24 } } }',
    '    br: { kind: openflow-switch, listen: "ptcp:0:127.0.0.1", flows: ["table=0,priority=7,ip,actions=NORMAL", "table=0,priority=0,actions=drop"] }',
    '  links:',
    '    - endpoints: ["h1:eth0", "br:p1"]',
    '    - endpoints: ["h2:eth0", "br:p2"]',
    '',
  ].join('\n'));
  const lab = startCli(['lab', 'up', file]);
  const statePath = join(tmpdir(), `vnet-lab-${name}.json`);
  try {
    // lab up writes its state file, with the port it listens on, once the channel is up.
    let port = 0;
    for (let waited = 0; port === 0; waited += 200) {
      assert.ok(waited < 90_000 && lab.child.exitCode === null, `lab up did not come up: ${lab.output()}`);
      await new Promise((r) => setTimeout(r, 200));
      if (!existsSync(statePath)) continue;
      const state = JSON.parse(readFileSync(statePath, 'utf8')) as { openflow: { node: string; listen: string[] }[] };
      port = Number(/^ptcp:(\d+):/.exec(state.openflow.find((o) => o.node === 'br')?.listen[0] ?? '')?.[1] ?? 0);
    }
    const dump = await ok('--no-stats', 'dump-flows', `tcp:127.0.0.1:${port}`);
    assert.deepEqual(dump.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('OFPST_FLOW')), ['priority=7,ip actions=NORMAL', 'priority=0 actions=drop']);
    const down = runCli(['lab', 'down', file]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await lab.exited, 0, lab.output());
    assert.match(lab.output(), /is down/);
    assert.equal(existsSync(statePath), false, 'lab up removed its state file');
  } finally {
    lab.kill();
    rmSync(statePath, { force: true });
    rmSync(labDir, { recursive: true, force: true });
  }
});
