import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpec } from '../../wire/spec.js';
import { assertConserved } from '../../testing/conservation.js';
import { rng } from '../../testing/classifier-suite.js';
import { NS_PER_S } from '../../engine/clock.js';
import { Collector, Injector, switchRig } from './testkit.js';
import { App, type AppContext } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Peer } from '../../hosts/testkit.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { MAX_PACKET_IN_DATA, OpenFlowSwitch } from './switch.js';
import { INGRESS_WORD_COUNT, extractIngressHashed, extractRawIpv4Hashed } from './flow-key.js';
import { encodeMessage } from './wire/encode.js';
import { parseFlow } from './ofctl/parse.js';
import { formatFlowStats } from './ofctl/format.js';
import { traceFlow } from './trace.js';
import { OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ, OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP, OFPFMFC_BAD_TABLE_ID, OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID, OFPFF_SEND_FLOW_REM, allFlows, type PacketInEvent } from './types.js';

const hex = (spec: string) => Buffer.from(encodeSpec(spec)).toString('hex');
const flow = (text: string) => parseFlow(text, { actions: 'required' });

const NEUTRON_BR_TUN = [
  'table=0,priority=1,in_port=1 actions=resubmit(,2)',
  'table=0,priority=1,in_port=2 actions=resubmit(,4)',
  'table=0,priority=0 actions=drop',
  'table=2,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,20)',
  'table=2,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,22)',
  'table=4,priority=1,tun_id=0x64 actions=mod_vlan_vid:1,resubmit(,10)',
  'table=4,priority=0 actions=drop',
  'table=10,priority=1 actions=learn(table=20,hard_timeout=300,priority=1,cookie=0x1234,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:1',
  'table=20,priority=0 actions=resubmit(,22)',
  'table=22,priority=1,dl_vlan=1 actions=strip_vlan,load:0x64->NXM_NX_TUN_ID[],output:2',
  'table=22,priority=0 actions=drop',
];

test('a flow strips the VLAN tag and outputs, and counts the packet', () => {
  const r = switchRig(3, { flows: ['table=0,priority=100,in_port=1,dl_vlan=5,actions=strip_vlan,output:2'] });
  const tagged = 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),vlan(vid=5),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2)';
  const plain = 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2)';
  assert.deepEqual(r.send(encodeSpec(tagged), 1), [[2, hex(plain)]]);
  assert.deepEqual(r.send(encodeSpec(tagged), 2), [], 'other ports miss table 0 and drop');
  assert.deepEqual(r.send(encodeSpec(plain), 1), [], 'untagged frames do not match dl_vlan=5');
  const [s] = r.sw.flowStats(allFlows());
  assert.equal(s!.packetCount, 1);
  assert.equal(s!.byteCount, encodeSpec(tagged).length);
  assert.equal(r.sw.dropCounts['no-output'], 2);
  assertConserved(r.engine);
});

test('Neutron br-tun flows learn the reverse path and forward through it, cached or not', () => {
  for (const cache of [true, false]) {
    const r = switchRig(2, { flows: NEUTRON_BR_TUN, cache });
    const arpReq = 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)';
    // From the VM side (port 1, VLAN 1): broadcast goes to table 22, leaves untagged into tunnel 0x64.
    assert.deepEqual(r.send(encodeSpec(arpReq), 1), [[2, `${hex('eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)')}@tun100`]]);
    // From the tunnel with key 0x64: tagged with VLAN 1, learned into table 20, out to port 1.
    const reply = 'eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:01),arp(op=reply,spa=10.0.0.9,tpa=10.0.0.1)';
    assert.deepEqual(r.send(encodeSpec(reply), 2, 0x64), [[1, `${hex('eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:01),vlan(vid=1),arp(op=reply,spa=10.0.0.9,tpa=10.0.0.1)')}@tun100`]]);
    const learned = r.sw.flowStats({ ...allFlows(), table: 20 }).find((s) => s.priority === 1);
    assert.ok(learned, 'a flow was learned into table 20');
    assert.equal(formatFlowStats(learned).replace(/duration=[\d.]+s/, 'duration=X'),
      ' cookie=0x1234, duration=X, table=20, n_packets=0, n_bytes=0, hard_timeout=300, priority=1,vlan_tci=0x0001/0x0fff,dl_dst=02:00:00:00:00:09 actions=load:0->NXM_OF_VLAN_TCI[],load:0x64->NXM_NX_TUN_ID[],output:2');
    // Unicast back to the learned MAC now takes the learned flow (twice: the second may hit the cache).
    const uni = 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:09),vlan(vid=1),ipv4(src=10.0.0.1,dst=10.0.0.9),icmp(type=echo-request,id=1,seq=1)';
    const out = `${hex('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:09),ipv4(src=10.0.0.1,dst=10.0.0.9),icmp(type=echo-request,id=1,seq=1)')}@tun100`;
    assert.deepEqual(r.send(encodeSpec(uni), 1), [[2, out]]);
    assert.deepEqual(r.send(encodeSpec(uni), 1), [[2, out]]);
    assert.equal(r.sw.flowStats({ ...allFlows(), table: 20 }).find((s) => s.priority === 1)!.packetCount, 2);
    // The learned flow expires after its hard timeout.
    r.clock.advance(301 * NS_PER_S);
    r.sw.tick(r.engine.now());
    assert.equal(r.sw.flowStats({ ...allFlows(), table: 20 }).length, 1);
    assertConserved(r.engine);
  }
});

test('flow mods report OpenFlow errors: prerequisites, overlap, table ids, goto direction', () => {
  const r = switchRig(2);
  const noPrereq = { ...flow('priority=1,actions=drop'), match: flow('tcp,tp_dst=80,actions=drop').match };
  noPrereq.match.mask[17] = 0; // drop eth_type: tcp_dst without its prerequisite
  noPrereq.match.value[17] = 0;
  assert.deepEqual(pick(r.sw.addFlow(noPrereq)), [OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ]);
  assert.equal(r.sw.addFlow(flow('priority=5,ip,actions=drop')), null);
  assert.deepEqual(pick(r.sw.addFlow(flow('priority=5,in_port=1,check_overlap,actions=drop'))), [OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP]);
  assert.equal(r.sw.addFlow(flow('priority=6,in_port=1,check_overlap,actions=drop')), null);
  assert.deepEqual(pick(r.sw.addFlow({ ...flow('actions=drop'), table: 255 })), [OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID]);
  assert.deepEqual(pick(r.sw.addFlow(flow('table=3,actions=goto_table:2'))), [OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID]);
});

function pick(e: { type: number; code: number } | null): [number, number] | null {
  return e === null ? null : [e.type, e.code];
}

test('idle timeouts expire unused flows and keep used ones', () => {
  const r = switchRig(2, { flows: ['priority=1,in_port=1,idle_timeout=10,actions=output:2', 'priority=1,in_port=2,idle_timeout=10,actions=output:1'] });
  const f = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=1.1.1.1,dst=2.2.2.2),udp(src=1,dst=2)');
  r.clock.advance(6 * NS_PER_S);
  assert.equal(r.send(f, 1).length, 1);
  r.clock.advance(6 * NS_PER_S);
  r.sw.tick(r.engine.now());
  const left = r.sw.flowStats(allFlows());
  assert.equal(left.length, 1);
  assert.equal(r.send(f, 1).length, 1, 'the cache does not keep the expired flow alive');
  assert.equal(r.send(f, 2).length, 0);
});

test('CONTROLLER output raises a packet-in with the table-miss reason for a table-miss entry', () => {
  const r = switchRig(2, { flows: ['priority=0,actions=CONTROLLER:64', 'priority=9,arp,actions=controller(max_len=20),output:2'] });
  const seen: PacketInEvent[] = [];
  r.sw.onPacketIn((ev) => seen.push(ev));
  r.send(encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=1.1.1.1,dst=2.2.2.2),udp(src=1,dst=2)'), 1);
  const out = r.send(encodeSpec('eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)'), 1);
  assert.equal(out.length, 1);
  assert.deepEqual(seen.map((e) => [e.reason, e.data.length]), [[0, 42], [1, 20]]);
  assertConserved(r.engine);
});

test('select groups spread flows over buckets and all groups copy to every bucket', () => {
  const r = switchRig(4);
  assert.equal(r.sw.groupMod({ command: 'add', groupId: 1, type: 1, buckets: [2, 3, 4].map((p) => ({ weight: 1, actions: [{ type: 'output', port: p, maxLen: 0 }] })) }), null);
  assert.equal(r.sw.groupMod({ command: 'add', groupId: 2, type: 0, buckets: [2, 3].map((p) => ({ weight: 0, actions: [{ type: 'output', port: p, maxLen: 0 }] })) }), null);
  assert.equal(r.sw.addFlow(flow('priority=1,udp,actions=group:1')), null);
  assert.equal(r.sw.addFlow(flow('priority=1,arp,actions=group:2')), null);
  const used = new Set<number>();
  for (let i = 0; i < 60; i++) {
    const out = r.send(encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.${i},dst=10.0.1.1),udp(src=${1000 + i},dst=53)`), 1);
    assert.equal(out.length, 1);
    used.add(out[0]![0]);
  }
  assert.deepEqual([...used].sort(), [2, 3, 4]);
  assert.deepEqual(r.send(encodeSpec('eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)'), 1).map((o) => o[0]), [2, 3]);
  assertConserved(r.engine);
});

test('NORMAL floods unknown destinations and then forwards to the learned port', () => {
  const r = switchRig(3, { flows: ['actions=NORMAL'] });
  const a2b = encodeSpec('eth(src=02:00:00:00:00:0a,dst=02:00:00:00:00:0b),ipv4(src=1.1.1.1,dst=2.2.2.2),udp(src=1,dst=2)');
  const b2a = encodeSpec('eth(src=02:00:00:00:00:0b,dst=02:00:00:00:00:0a),ipv4(src=2.2.2.2,dst=1.1.1.1),udp(src=2,dst=1)');
  assert.deepEqual(r.send(a2b, 1).map((o) => o[0]), [2, 3]);
  assert.deepEqual(r.send(b2a, 3).map((o) => o[0]), [1]);
  assert.deepEqual(r.send(a2b, 1).map((o) => o[0]), [3]);
  assertConserved(r.engine);
});

test('ofproto/trace layout shows tables, resubmits, the megaflow and datapath actions', () => {
  const r = switchRig(2, { flows: NEUTRON_BR_TUN, bridge: 'br-tun' });
  const t = traceFlow(r.sw, encodeSpec('eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)'), 1);
  assert.equal(t.text, [
    'Flow: arp,in_port="p1",dl_vlan=1,dl_vlan_pcp=0,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00,arp_op=1',
    '',
    'bridge("br-tun")',
    '----------------',
    ' 0. in_port="p1", priority 1',
    '    resubmit(,2)',
    '     2. dl_dst=01:00:00:00:00:00/01:00:00:00:00:00, priority 0',
    '        resubmit(,22)',
    '        22. dl_vlan=1, priority 1',
    '            strip_vlan',
    '            load:0x64->NXM_NX_TUN_ID[]',
    '            output:"p2"'.replace('"p2"', '2'),
    '',
    'Final flow: arp,tun_id=0x64,in_port="p1",vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00,arp_op=1',
    'Megaflow: tun_id=0x0,in_port="p1",dl_vlan=1,dl_vlan_pcp=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00',
    'Datapath actions: pop_vlan,set(tunnel(tun_id=0x64)),2',
  ].join('\n'));
  assert.equal(r.sw.flowStats(allFlows()).reduce((n, s) => n + s.packetCount, 0), 0, 'tracing counts nothing');
});

// ---- The differential test: cached switch vs the uncached pipeline, packet by packet ----

function randomFrame(r: () => number): { bytes: Uint8Array; port: number } {
  const mac = (n: number) => `02:00:00:00:00:0${n}`;
  const src = mac(1 + Math.floor(r() * 4));
  const dst = r() < 0.2 ? 'ff:ff:ff:ff:ff:ff' : mac(1 + Math.floor(r() * 4));
  const vlan = r() < 0.3 ? `,vlan(vid=${1 + Math.floor(r() * 3)})` : '';
  const ip = `10.0.${Math.floor(r() * 3)}.${1 + Math.floor(r() * 3)}`;
  const kind = Math.floor(r() * 7);
  let body: string;
  switch (kind) {
    case 0: body = `arp(op=request,spa=${ip},tpa=10.0.0.1)`; break;
    case 1: body = `ipv4(src=${ip},dst=10.0.1.1,proto=0),payload(hex=00000000)`; break; // IP protocol 0
    case 2: body = `ipv4(src=${ip},dst=10.0.1.1,frag=${8 * (1 + Math.floor(r() * 3))}),udp(src=53,dst=80)`; break; // later fragment
    case 3: body = 'payload(hex=0102030405060708)'; break; // unknown EtherType follows
    case 4: body = `ipv4(src=${ip},dst=10.0.1.1),tcp(src=${1000 + Math.floor(r() * 3)},dst=${[22, 80, 443][Math.floor(r() * 3)]})`; break;
    case 5: body = `ipv4(src=${ip},dst=10.0.1.1),icmp(type=echo-request,id=1,seq=1)`; break;
    default: body = `ipv4(src=${ip},dst=10.0.1.1,ttl=${1 + Math.floor(r() * 3)}),udp(src=${[53, 0][Math.floor(r() * 2)]},dst=${[80, 0][Math.floor(r() * 2)]})`;
  }
  const eth = kind === 3 ? `eth(src=${src},dst=${dst},type=0x88b5)` : `eth(src=${src},dst=${dst})`;
  const frame = encodeSpec(`${eth}${vlan},${body}`);
  // Half the frames padded to the Ethernet minimum with random bytes, which no flow key reads:
  // the IP protocol 0 frame then reaches 40 bytes and takes the raw exact-match key too.
  if (r() < 0.5 || frame.length >= 60) return { bytes: frame, port: 1 + Math.floor(r() * 4) };
  const padded = new Uint8Array(60);
  padded.set(frame);
  for (let i = frame.length; i < 60; i++) padded[i] = Math.floor(r() * 256);
  return { bytes: padded, port: 1 + Math.floor(r() * 4) };
}

function randomFlow(r: () => number): string {
  const p = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
  const parts = [`table=${p(['0', '0', '0', '1', '2'])}`, `priority=${Math.floor(r() * 5)}`];
  if (r() < 0.4) parts.push(`in_port=${1 + Math.floor(r() * 4)}`);
  const proto = p(['', '', 'ip', 'tcp', 'udp', 'arp', 'icmp', 'ip,nw_proto=0', 'ip,nw_frag=later', 'dl_type=0x88b5']);
  if (proto) parts.push(proto);
  if ((proto === 'tcp' || proto === 'udp') && r() < 0.6) parts.push(`tp_dst=${p(['0', '22', '80', '443'])}`);
  if (proto.startsWith('ip') && r() < 0.5) parts.push(`nw_src=10.0.${Math.floor(r() * 3)}.0/${p(['24', '16', '32'])}`);
  if (r() < 0.2) parts.push(p(['dl_vlan=1', 'dl_vlan=2', 'vlan_tci=0x0000/0x1000', 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00']));
  if (r() < 0.2) parts.push(`reg0=${Math.floor(r() * 2)}`);
  const acts = p([
    'output:1', 'output:2,output:3', 'drop', 'resubmit(,1)', 'resubmit(,2)', 'strip_vlan,output:4', 'mod_vlan_vid:3,output:2',
    'NORMAL', 'mod_dl_src:02:00:00:00:00:99,output:3', 'load:1->NXM_NX_REG0[],resubmit(,1)', 'dec_ttl,output:2', 'IN_PORT',
    'learn(table=2,priority=3,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:4', 'FLOOD', 'goto_table:2',
  ]);
  if (acts === 'goto_table:2' && parts[0] !== 'table=0' && parts[0] !== 'table=1') return `${parts.join(',')},actions=drop`;
  return `${parts.join(',')},actions=${acts}`;
}

test('the cached switch forwards exactly as the uncached pipeline through random flow mods and packets', () => {
  const r = rng(424242);
  const cached = switchRig(4, { megaflowCapacity: 48, emcSlots: 32 });
  const plain = switchRig(4, { cache: false });
  for (const sw of [cached.sw, plain.sw]) sw.addFlow(flow('table=0,priority=0,actions=resubmit(,1)'));
  let packets = 0;
  for (let step = 0; step < 6000; step++) {
    // Flow mods come in bursts between runs of packets, so the cache has time to fill.
    if (step % 400 < 12) {
      const text = randomFlow(r);
      if (r() < 0.25) {
        const sel = parseFlow(text.replace(/,actions=.*$/, ''), { actions: 'forbidden' });
        const filter = { table: sel.table, match: sel.match, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: r() < 0.5, priority: sel.priority };
        assert.deepEqual(cached.sw.deleteFlows(filter), plain.sw.deleteFlows(filter));
      } else {
        const f = flow(text);
        assert.deepEqual(pick(cached.sw.addFlow(f)), pick(plain.sw.addFlow(f)), text);
      }
      continue;
    }
    const { bytes, port } = randomFrame(r);
    packets++;
    assert.deepEqual(cached.send(bytes, port), plain.send(bytes, port), `step ${step}`);
  }
  const a = cached.sw.flowStats(allFlows()).map((s) => formatFlowStats(s));
  const b = plain.sw.flowStats(allFlows()).map((s) => formatFlowStats(s));
  assert.deepEqual(a, b, 'flow counters agree');
  const tables = (sw: typeof cached.sw) => sw.tableStats().filter((t) => t.lookupCount > 0);
  assert.deepEqual(tables(cached.sw), tables(plain.sw), 'table lookup and match counters agree');
  const fp = cached.sw.fastPathStats();
  assert.ok(packets > 5000);
  assert.ok(fp.emcHits + fp.megaflowHits > packets / 4, `the cache is used (${JSON.stringify(fp)})`);
  assert.ok(fp.evictions > 0, 'the bounded cache evicted');
  assert.ok(fp.revalidationRemovals > 0 && fp.revalidations > fp.revalidationRemovals, `flow mods both kept and removed cached entries (${JSON.stringify(fp)})`);
  assertConserved(cached.engine);
  assertConserved(plain.engine);
});

/** One rule per matchable field, each with its own output (a frame that took another's cache entry leaves by the wrong port). */
const ONE_RULE_PER_FIELD = [
  'priority=20,tcp,tp_dst=22,actions=output:2', 'priority=19,tcp,tp_src=1001,actions=output:3',
  'priority=18,udp,tp_dst=53,actions=output:4', 'priority=17,udp,tp_src=5353,actions=output:2',
  'priority=16,icmp,icmp_type=0,actions=output:3', 'priority=15,icmp,icmp_code=1,actions=output:4',
  'priority=14,ip,nw_src=10.0.0.2,actions=output:2', 'priority=13,ip,nw_dst=10.0.1.2,actions=output:3',
  'priority=12,ip,nw_tos=32,actions=output:4', 'priority=11,ip,nw_frag=later,actions=output:2',
  'priority=10,ip,nw_proto=47,actions=output:3', 'priority=9,dl_src=02:00:00:00:00:05,actions=output:4',
  'priority=8,dl_dst=02:00:00:00:00:06,actions=output:2', 'priority=7,in_port=2,actions=output:3',
  'priority=6,ip,actions=dec_ttl,output:4', 'priority=0,actions=drop',
];

/** The exact-match key `extractRawIpv4Hashed` or else `extractIngressHashed` gives a frame (laid out 4-byte aligned, as the pool does). */
function referenceKey(frame: Uint8Array, inPort: number, tunnelId: number): { raw: boolean; key: number[] } {
  const mem = new Int32Array(Math.ceil(frame.length / 4) + 16);
  const bytes = new Uint8Array(mem.buffer);
  bytes.set(frame);
  const k = new Int32Array(INGRESS_WORD_COUNT);
  if (extractRawIpv4Hashed(mem, 0, frame.length, inPort, tunnelId, k) >= 0) return { raw: true, key: [...k] };
  assert.ok(extractIngressHashed(new DataView(mem.buffer), 0, frame.length, inPort, tunnelId, k) >= 0);
  return { raw: false, key: [...k] };
}

test('the exact-match compare tells apart two frames that differ in one field only, on both key paths', () => {
  // Two EMC slots, so the second frame of each pair is compared with the first one's entry:
  // a compare that skips a word would send it by the first frame's decision.
  const tiny = switchRig(4, { emcSlots: 2 });
  const plain = switchRig(4, { cache: false });
  for (const sw of [tiny.sw, plain.sw]) for (const f of ONE_RULE_PER_FIELD) sw.addFlow(flow(f));
  // Each field takes one of two values (l4 one of five kinds), chosen so that every word of
  // both kinds of key varies: MAC bytes in both halves, both halves of the addresses, ARP's fields.
  type Fields = { src: number; net: number; dst: number; mac: number; dmac: number; dmacHi: number; dscp: number; frag: boolean; l4: number; a: number; b: number; proto: number; port: number; tun: number; vlan: boolean };
  const spec = (f: Fields): string => {
    const eth = `eth(src=02:00:00:00:00:0${[1, 5][f.mac]},dst=02:00:00:0${[0, 7][f.dmacHi]}:00:0${[2, 6][f.dmac]})${f.vlan ? ',vlan(vid=5)' : ''}`;
    const src = `${[10, 11][f.net]}.${[0, 9][f.net]}.0.${1 + f.src}`;
    if (f.l4 === 4) return `${eth},arp(op=${['request', 'reply'][f.a]},sha=02:00:0${f.b}:00:00:01,spa=${src},tha=02:00:00:00:0${f.proto}:02,tpa=10.0.1.${1 + f.dst})`;
    const l4 = [`tcp(src=${[1000, 1001][f.a]},dst=${[22, 80][f.b]})`, `udp(src=${[5353, 5354][f.a]},dst=${[53, 54][f.b]})`,
      `icmp(type=${['echo-request', 'echo-reply'][f.a]},code=${f.b},id=1,seq=1)`, 'payload(hex=01020304)'][f.l4]!;
    const proto = f.l4 === 3 ? `,proto=${[47, 0][f.proto]}` : '';
    return `${eth},ipv4(src=${src},dst=10.0.1.${1 + f.dst},dscp=${[0, 8][f.dscp]}${proto}${f.frag ? ',frag=8' : ''}),${l4}`;
  };
  const TUN = 0x9000_0001; // a tunnel id past 2^31, which an Int32Array slot holds negative
  const flips: ((f: Fields) => Fields)[] = [
    (f) => ({ ...f, src: 1 - f.src }), (f) => ({ ...f, net: 1 - f.net }), (f) => ({ ...f, dst: 1 - f.dst }), (f) => ({ ...f, mac: 1 - f.mac }),
    (f) => ({ ...f, dmac: 1 - f.dmac }), (f) => ({ ...f, dmacHi: 1 - f.dmacHi }), (f) => ({ ...f, dscp: 1 - f.dscp }), (f) => ({ ...f, frag: !f.frag }),
    (f) => ({ ...f, a: 1 - f.a }), (f) => ({ ...f, b: 1 - f.b }), (f) => ({ ...f, proto: 1 - f.proto }), (f) => ({ ...f, port: 3 - f.port }),
    (f) => ({ ...f, tun: f.tun === 0 ? TUN : 0 }), (f) => ({ ...f, l4: (f.l4 + 1) % 5 }),
  ];
  const r = rng(5);
  const bit = () => (r() < 0.5 ? 0 : 1);
  let pairs = 0;
  let checked = 0;
  for (let n = 0; n < 2000; n++) {
    const x: Fields = { src: bit(), net: bit(), dst: bit(), mac: bit(), dmac: bit(), dmacHi: bit(), dscp: bit(), frag: r() < 0.2, l4: Math.floor(r() * 5), a: bit(), b: bit(), proto: bit(), port: 1 + bit(), tun: bit() === 0 ? 0 : TUN, vlan: r() < 0.25 };
    const y = flips[n % flips.length]!(x);
    const fx = encodeSpec(spec(x));
    const fy = encodeSpec(spec(y));
    const what = `pair ${n} (${spec(x)} on ${x.port} tunnel ${x.tun} then ${spec(y)} on ${y.port} tunnel ${y.tun})`;
    tiny.sw.flushCaches();
    const hits: number[] = [];
    for (const [f, fr] of [[x, fx], [x, fx], [y, fy], [y, fy]] as const) {
      const before = tiny.sw.fastPathStats().emcHits;
      assert.deepEqual(tiny.send(fr, f.port, f.tun), plain.send(fr, f.port, f.tun), what);
      hits.push(tiny.sw.fastPathStats().emcHits - before);
    }
    // Once x is in the cache (its second pass hit), y's first pass hits its entry exactly when
    // their reference keys are equal (fields no key reads, such as a later fragment's ports, may differ).
    if (hits[1] === 1) {
      const sameKey = JSON.stringify(referenceKey(fx, x.port, x.tun)) === JSON.stringify(referenceKey(fy, y.port, y.tun));
      assert.equal(hits[2], sameKey ? 1 : 0, `${what}: y's first pass ${sameKey ? 'hits x\'s entry' : 'misses'}`);
      checked++;
    }
    pairs++;
  }
  assert.equal(pairs, 2000);
  assert.ok(checked > 1000, `${checked} pairs had their first frame cached`);
  const fp = tiny.sw.fastPathStats();
  assert.ok(fp.emcRawHits > 1000 && fp.emcHits - fp.emcRawHits > 100, `both key paths hit (${JSON.stringify(fp)})`);
  assertConserved(tiny.engine);
});

test('a cached decision is never taken by a frame that differs in any field a flow can match, raw exact-match keys included', () => {
  // One rule per matchable field, each with its own output, so a frame that took another's
  // cache entry (an exact-match key missing a byte the pipeline reads) leaves by the wrong port.
  const flows = ONE_RULE_PER_FIELD;
  const cached = switchRig(4);
  const plain = switchRig(4, { cache: false });
  for (const sw of [cached.sw, plain.sw]) for (const f of flows) sw.addFlow(flow(f));
  const r = rng(99);
  const one = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // 400 frames that differ pairwise in a field or two, each sent many times (so most are exact-match hits), half the time padded with random bytes.
  const frames = Array.from({ length: 400 }, () => {
    const ip = `ipv4(src=10.0.0.${one([1, 2])},dst=10.0.1.${one([1, 2])},dscp=${one([0, 8])},df=${one([0, 1])},ttl=${one([1, 64])}${r() < 0.15 ? ',frag=8' : ''}`;
    const l4 = one([
      `),tcp(src=${one([1000, 1001])},dst=${one([22, 80])})`, `),udp(src=${one([5353, 5354])},dst=${one([53, 54])})`,
      `),icmp(type=${one(['echo-request', 'echo-reply'])},code=${one([0, 1])},id=${one([1, 2])},seq=${one([1, 2])})`,
      `,proto=${one([47, 0])}),payload(hex=${one(['00000000', '01020304'])})`,
    ]);
    return { frame: encodeSpec(`eth(src=02:00:00:00:00:0${one([1, 5])},dst=02:00:00:00:00:0${one([2, 6])}),${ip}${l4}`), port: one([1, 2]) };
  });
  for (let n = 0; n < 6000; n++) {
    const { frame, port } = one(frames);
    const bytes = r() < 0.5 ? frame : Uint8Array.from([...frame, ...Array.from({ length: Math.max(0, 60 - frame.length) }, () => Math.floor(r() * 256))]);
    assert.deepEqual(cached.send(bytes, port), plain.send(bytes, port), `frame ${n}: ${Buffer.from(bytes).toString('hex')} on port ${port}`);
  }
  const fp = cached.sw.fastPathStats();
  assert.ok(fp.emcHits > 4000 && fp.emcRawHits > 2000, `most frames hit the exact-match cache, many on the inline raw-key path (${JSON.stringify(fp)})`);
  assertConserved(cached.engine);
});

test('the inline raw-key path finds exactly the key and slots extractRawIpv4Hashed defines', () => {
  // OpenFlowSwitch.push computes raw keys inline; this ties that copy to the definition whose
  // properties flow-key.test.ts checks: after a frame's first pass the cache holds the reference
  // key at the reference hash's slots, and its second pass is a hit of the inline path.
  const rig = switchRig(3);
  const sw = rig.sw;
  sw.addFlow(flow('priority=10,udp,tp_dst=53,actions=output:2'));
  sw.addFlow(flow('priority=5,ip,nw_dst=10.0.1.0/24,actions=output:3'));
  sw.addFlow(flow('priority=0,actions=output:3'));
  const r = rng(7);
  const byte = () => Math.floor(r() * 256);
  const mem = new Int32Array(32);
  const bytes = new Uint8Array(mem.buffer);
  const rk = new Int32Array(INGRESS_WORD_COUNT);
  let checked = 0;
  for (let n = 0; n < 3000; n++) {
    const proto = [6, 17, 1, 47, 0][n % 5]!;
    const frag = r() < 0.1 ? `,frag=${8 * (1 + (n % 7))}` : '';
    const l4 = proto === 6 ? `tcp(src=${byte()},dst=${byte()})` : proto === 17 ? `udp(src=${byte()},dst=${[53, 54][n & 1]})` : proto === 1 ? `icmp(type=${byte() & 15},code=${byte() & 3},id=${byte()},seq=1)` : 'payload(hex=01020304)';
    const frame = encodeSpec(`eth(src=02:00:00:00:00:${byte().toString(16).padStart(2, '0')},dst=02:00:00:00:00:02),ipv4(src=10.0.0.${byte()},dst=10.0.${byte() & 1}.${byte()},dscp=${byte() & 63},ttl=${1 + (byte() & 63)},df=${n & 1}${proto > 1 && proto !== 6 && proto !== 17 ? `,proto=${proto}` : ''}${frag}),${l4}`);
    const padded = Uint8Array.from([...frame, ...Array.from({ length: Math.max(0, 64 - frame.length) }, byte)]);
    const port = 1 + (n % 2);
    const tun = n % 3 === 0 ? 0 : ((byte() << 24) | byte()) >>> 0; // ids past 2^31 too
    bytes.fill(0);
    bytes.set(padded);
    const hash = extractRawIpv4Hashed(mem, 0, padded.length, port, tun, rk);
    assert.ok(hash >= 0, `frame ${n} is one the raw key covers`);
    sw.flushCaches(); // so the insert finds its slots free (a full pair keeps its entries)
    const before = sw.fastPathStats();
    const out = rig.send(padded, port, tun);
    assert.ok(sw.emc.find(rk, hash) >= 0, `frame ${n}: the cache holds the reference raw key at the reference hash (${Buffer.from(padded).toString('hex')})`);
    assert.deepEqual(rig.send(padded, port, tun), out, `frame ${n}: its second pass leaves the same way`);
    const after = sw.fastPathStats();
    assert.equal(after.emcRawHits - before.emcRawHits, 1, `frame ${n}: the second pass, and only it, is a hit of the inline path`);
    checked++;
  }
  assert.equal(checked, 3000);
  assertConserved(rig.engine);
});

test('cache hits are credited to their flows before any read, timeout scan or flow change', () => {
  const r = switchRig(2, { flows: ['table=0,priority=5,udp,actions=resubmit(,1)'] });
  r.sw.addFlow({ ...flow('table=1,priority=0,actions=output:2'), flags: OFPFF_SEND_FLOW_REM });
  const udp = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2)');
  for (let i = 0; i < 10; i++) r.send(udp, 1);
  assert.ok(r.sw.fastPathStats().emcHits >= 8, 'most of them hit the cache');
  assert.deepEqual(r.sw.flowStats(allFlows()).map((s) => [s.table, s.packetCount, s.byteCount]), [[0, 10, 10 * udp.length], [1, 10, 10 * udp.length]]);
  assert.deepEqual(r.sw.tableStats().slice(0, 2).map((t) => [t.lookupCount, t.matchedCount]), [[10, 10], [10, 10]]);
  for (let i = 0; i < 5; i++) r.send(udp, 1);
  // A delete reports the counters including the hits since the last read.
  const removed: number[] = [];
  r.sw.onFlowRemoved((ev) => removed.push(ev.stats.packetCount));
  r.sw.deleteFlows({ ...allFlows(), table: 1 });
  assert.deepEqual(removed, [15]);
  assert.deepEqual(r.sw.flowStats(allFlows()).map((s) => [s.table, s.packetCount]), [[0, 15]]);
});

test('a flow mod revalidates cached megaflows: unrelated ones stay, ones it changes or could change leave', () => {
  const r = switchRig(3, { flows: ['table=0,priority=1,in_port=1,actions=output:2', 'table=0,priority=1,in_port=2,actions=output:1'] });
  const web = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),tcp(src=1000,dst=80)');
  const back = encodeSpec('eth(src=02:00:00:00:00:02,dst=02:00:00:00:00:01),ipv4(src=10.0.0.2,dst=10.0.0.1),tcp(src=80,dst=1000)');
  assert.deepEqual(r.send(web, 1).map(([port]) => port), [2]);
  assert.deepEqual(r.send(back, 2).map(([port]) => port), [1]);
  const upcalls = r.sw.fastPathStats().upcalls;
  // A flow in a table neither translation reaches: both cached entries survive, no upcall.
  r.sw.addFlow(flow('table=5,priority=1,actions=drop'));
  assert.deepEqual(r.send(web, 1).map(([port]) => port), [2]);
  assert.deepEqual(r.send(back, 2).map(([port]) => port), [1]);
  let fp = r.sw.fastPathStats();
  assert.equal(fp.upcalls, upcalls, 'no packet went back to the slow path');
  assert.equal(fp.revalidations, 2);
  assert.equal(fp.revalidationRemovals, 0);
  // A higher-priority flow on tcp port 80 from port 1: the first entry matched only in_port, so
  // its new translation looks at fields outside its mask and it must go; the second stays.
  r.sw.addFlow(flow('table=0,priority=10,in_port=1,tcp,tp_dst=80,actions=output:3'));
  assert.deepEqual(r.send(web, 1).map(([port]) => port), [3]);
  assert.deepEqual(r.send(back, 2).map(([port]) => port), [1]);
  fp = r.sw.fastPathStats();
  assert.equal(fp.revalidationRemovals, 1);
  assert.equal(fp.upcalls, upcalls + 1, 'only the changed flow took an upcall');
  // Changing the actions of the flow the second entry ran through removes it too.
  r.sw.addFlow(flow('table=0,priority=1,in_port=2,actions=output:3'));
  assert.deepEqual(r.send(back, 2).map(([port]) => port), [3]);
  assert.equal(r.sw.fastPathStats().revalidationRemovals, 2);
  assertConserved(r.engine);
});

test('offloaded packets cross the switch whole: a partial checksum stays right through set-field on addresses and ports and a VLAN push', () => {
  const e = new Engine();
  e.configure(
    new Graph()
      .app('sw', OpenFlowSwitch, { ports: ['p1', 'p2'], flows: ['in_port=1,tcp,actions=set_field:10.9.9.9->ip_dst,mod_tp_dst:8080,push_vlan:0x8100,set_field:4101->vlan_vid,output:2'] })
      .app('a', Peer)
      .app('b', Peer)
      .connect('a.port', 'sw.p1')
      .connect('b.port', 'sw.p2'),
  );
  const [a, b] = [e.app<Peer>('a'), e.app<Peer>('b')];
  const data = Array.from({ length: 1800 }, (_, i) => ((i * 13) & 0xff).toString(16).padStart(2, '0')).join('');
  const f = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),tcp(src=40000,dst=5201,seq=7,flags=A),payload(hex=${data})`);
  // As a TAP with offloads hands it over: the TCP checksum field holds the pseudo-header sum.
  const v = new DataView(f.buffer, f.byteOffset);
  v.setUint16(50, ipv4PseudoHeaderSum(v.getUint32(26), v.getUint32(30), 6, f.length - 34));
  const tso = { csumStart: 34, csumOffset: 16, gsoType: 1, gsoSize: 600 };
  a.send(f, false, tso);
  e.runBreaths(4);
  assert.equal(b.received.length, 1);
  const out = b.received[0]!;
  assert.equal(out.length, f.length + 4, 'one packet, tagged, not segments');
  // The tag pushed 4 bytes in front of the IPv4 header: csumStart moved with it.
  assert.deepEqual(b.receivedOffloads[0], { ...tso, csumStart: 38 });
  const ip = 18;
  const l4 = ip + 20;
  const ov = new DataView(out.buffer, out.byteOffset);
  assert.equal(ov.getUint32(ip + 16), 0x0a090909);
  assert.equal(ov.getUint16(l4 + 2), 8080);
  assert.equal(internetChecksum(out, ip, 20), 0, 'IPv4 header checksum');
  // Finish the partial checksum as the kernel would, then it verifies from scratch.
  ov.setUint16(l4 + 16, internetChecksum(out, l4, out.length - l4));
  assert.equal(internetChecksum(out, l4, out.length - l4, ipv4PseudoHeaderSum(ov.getUint32(ip + 12), ov.getUint32(ip + 16), 6, out.length - l4)), 0, 'TCP checksum');
  assertConserved(e);
});

test('a packet-in of a frame larger than one OpenFlow message carries what fits, and encodes', () => {
  const pool = new PacketPool({ count: 64, dataRoom: 65536 + 64 });
  const e = new Engine({ pool });
  e.configure(new Graph().app('sw', OpenFlowSwitch, { ports: ['p1'], flows: ['actions=CONTROLLER'] }).app('a', Peer).connect('a.port', 'sw.p1'));
  const sw = e.app<OpenFlowSwitch>('sw');
  const events: PacketInEvent[] = [];
  sw.onPacketIn((ev) => events.push(ev));
  const big = new Uint8Array(65550);
  big.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45]);
  e.app<Peer>('a').send(big, false, { csumStart: 34, csumOffset: 16, gsoType: 1, gsoSize: 1448 });
  e.runBreaths(2);
  assert.equal(events.length, 1);
  const ev = events[0]!;
  assert.equal(ev.data.length, MAX_PACKET_IN_DATA);
  assert.equal(ev.totalLen, 0xffff);
  assert.equal(sw.packetInsTruncated, 1);
  const wire = encodeMessage({ type: 'packet_in', xid: 1, bufferId: 0xffffffff, totalLen: ev.totalLen, reason: ev.reason, table: ev.table, cookie: ev.cookie, match: ev.match, data: ev.data });
  assert.ok(wire.length <= 0xffff);
  assertConserved(e);
});

/** Takes nothing from its input: the link into it fills and then drops. */
class Stall extends App<Record<string, never>, unknown> {
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, {});
  }
}

test('port transmit counters come from the output link, and survive the link being replaced', () => {
  const engine = new Engine({ linkCapacity: 4 });
  const frame = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2)');
  const graph = (sink: 'collector' | 'stall'): Graph => {
    const g = new Graph().app('sw', OpenFlowSwitch, { ports: ['p1', 'p2'], flows: ['priority=1,in_port=1,actions=output:2'] });
    g.app('in', Injector).link('in.output -> sw.p1');
    if (sink === 'collector') g.app('out', Collector).link('sw.p2 -> out.input');
    else g.app('stall', Stall).link('sw.p2 -> stall.input');
    return g;
  };
  engine.configure(graph('collector'));
  const sw = engine.app<OpenFlowSwitch>('sw');
  const send = (n: number): void => {
    for (let i = 0; i < n; i++) engine.app<Injector>('in').inject(frame);
    engine.breathe();
  };
  send(3);
  assert.deepEqual(txCounts(sw.portStats(2)[0]!), { txPackets: 3, txBytes: 3 * frame.length, txDropped: 0 });
  // A new consumer on port 2: a new link, whose counts add to the old one's.
  engine.configure(graph('stall'));
  send(3);
  assert.deepEqual(txCounts(sw.portStats(2)[0]!), { txPackets: 6, txBytes: 6 * frame.length, txDropped: 0 });
  // The stalled link holds 4 and drops the rest: transmit drops, not transmitted packets.
  send(3);
  assert.deepEqual(txCounts(sw.portStats(2)[0]!), { txPackets: 7, txBytes: 7 * frame.length, txDropped: 2 });
  engine.configure(graph('collector'));
  assert.deepEqual(txCounts(sw.portStats(2)[0]!), { txPackets: 7, txBytes: 7 * frame.length, txDropped: 2 }, 'the removed link still counts');
  assert.equal(sw.portStats(1)[0]!.rxPackets, 9);
});

function txCounts(s: { txPackets: number; txBytes: number; txDropped: number }): { txPackets: number; txBytes: number; txDropped: number } {
  return { txPackets: s.txPackets, txBytes: s.txBytes, txDropped: s.txDropped };
}
