import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { encodeSpec } from '../../src/wire/spec.js';
import { dissect, type Layer } from '../../src/wire/dissect.js';
import { writePcap } from '../../src/capture/pcap.js';
import { SCAPY_FIXTURES } from '../../src/wire/spec-fixtures.js';
import { SCAPY_PYTHON, scapyAvailable, tsharkAvailable, tsharkFields, tsharkProblems, withTempFile } from './tools.js';

/**
 * scapy builds the fixture packets itself (mode "build") and dissects our pcap (mode "read").
 * NB: scapy's VXLAN() defaults to VXLAN-GPE flags; RFC 7348 needs flags=0x08, NextProtocol=0.
 */
const SCRIPT = String.raw`
import json, sys
from scapy.all import rdpcap, raw, Ether, Dot1Q, ARP, IP, ICMP, UDP, TCP, Raw
from scapy.layers.vxlan import VXLAN
from scapy.layers.l2 import GRE
if sys.argv[1] == 'build':
    E = lambda: Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
    pkts = [
        Ether(src='02:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, hwsrc='02:00:00:00:00:01', psrc='10.0.0.1', hwdst='00:00:00:00:00:00', pdst='10.0.0.2')/Raw(b'\x00'*18),
        E()/IP(src='10.0.0.1', dst='10.0.0.2', id=1)/ICMP(type=8, id=0x4242, seq=1)/Raw(b'hello'),
        E()/Dot1Q(vlan=10, prio=3)/IP(src='10.0.0.1', dst='10.0.0.2', id=1)/UDP(sport=1000, dport=2000)/Raw(bytes.fromhex('deadbeef')),
        E()/IP(src='10.0.0.1', dst='10.0.0.2', id=1, flags='DF')/TCP(sport=40000, dport=80, flags='S', seq=1000, window=64240, options=[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('NOP', None), ('WScale', 7)]),
        E()/IP(src='10.0.0.1', dst='10.0.0.2', id=1)/UDP(sport=49152, dport=4789)/VXLAN(vni=42, flags=0x08, NextProtocol=0)/Ether(src='02:1a:b0:00:2a:01', dst='02:1a:b0:00:2a:02')/IP(src='192.168.42.1', dst='192.168.42.2', id=1)/ICMP(type=8, id=0x4242, seq=1)/Raw(b'hello-vxlan'),
        E()/IP(src='10.0.0.1', dst='10.0.0.2', id=1)/GRE(key_present=1, key=1000, proto=0x6558)/Ether(src='02:1a:b0:00:2a:01', dst='02:1a:b0:00:2a:02')/IP(src='192.168.42.1', dst='192.168.42.2', id=1)/UDP(sport=5000, dport=6000)/Raw(b'x'),
    ]
    print(json.dumps([raw(p).hex() for p in pkts]))
    sys.exit(0)
out = []
for p in rdpcap(sys.argv[2]):
    layers = []
    l = p
    while l is not None and l.__class__.__name__ != 'NoPayload':
        n = l.__class__.__name__
        if n == 'Ether': f = {'src': l.src, 'dst': l.dst, 'type': l.type}
        elif n == 'Dot1Q': f = {'vid': l.vlan, 'pcp': l.prio, 'type': l.type}
        elif n == 'ARP': f = {'op': l.op, 'sha': l.hwsrc, 'spa': l.psrc, 'tha': l.hwdst, 'tpa': l.pdst}
        elif n == 'IP': f = {'src': l.src, 'dst': l.dst, 'ttl': l.ttl, 'id': l.id, 'proto': l.proto, 'len': l.len, 'df': 'DF' in str(l.flags), 'csum': l.chksum}
        elif n == 'ICMP': f = {'type': l.type, 'code': l.code, 'id': l.id, 'seq': l.seq, 'csum': l.chksum}
        elif n == 'UDP': f = {'src': l.sport, 'dst': l.dport, 'len': l.len, 'csum': l.chksum}
        elif n == 'TCP': f = {'src': l.sport, 'dst': l.dport, 'flags': str(l.flags), 'seq': l.seq, 'ack': l.ack, 'win': l.window, 'csum': l.chksum, 'options': [[o[0], o[1].hex() if isinstance(o[1], bytes) else o[1]] for o in l.options]}
        elif n == 'VXLAN': f = {'vni': l.vni, 'flags': int(l.flags)}
        elif n == 'GRE': f = {'proto': l.proto, 'key': l.key if l.key_present else None}
        elif n == 'Raw': f = {'hex': bytes(l.load).hex()}
        else: f = {}
        layers.append([n, f])
        if n in ('Raw', 'Padding'): break
        l = l.payload
    out.append(layers)
print(json.dumps(out))
`;

type ScapyLayer = [string, Record<string, unknown>];

function runScapy(args: string[]): unknown {
  const r = spawnSync(SCAPY_PYTHON, ['-c', SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scapy script failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** What scapy should say about one of our layers, in scapy's names and units. */
function expectedScapy(l: Layer, frame: Uint8Array): ScapyLayer | null {
  const f = l.fields;
  switch (l.name) {
    case 'eth':
      return ['Ether', { src: f.src, dst: f.dst, type: f.type }];
    case 'vlan':
      return ['Dot1Q', { vid: f.vid, pcp: f.pcp, type: f.type }];
    case 'arp':
      return ['ARP', { op: f.op, sha: f.sha, spa: f.spa, tha: f.tha, tpa: f.tpa }];
    case 'ipv4':
      return ['IP', { src: f.src, dst: f.dst, ttl: f.ttl, id: f.id, proto: f.proto, len: f.len, df: f.df, csum: f.csum }];
    case 'icmp':
      return ['ICMP', { type: f.type, code: f.code, id: f.id, seq: f.seq, csum: f.csum }];
    case 'udp':
      return ['UDP', { src: f.src, dst: f.dst, len: f.len, csum: f.csum }];
    case 'tcp':
      return ['TCP', { src: f.src, dst: f.dst, flags: f.flags, seq: f.seq, ack: f.ack, win: f.win, csum: f.csum }];
    case 'vxlan':
      return ['VXLAN', { vni: f.vni, flags: f.flags }];
    case 'gre':
      return ['GRE', { proto: f.proto, key: f.key ?? null }];
    case 'payload':
      return ['Raw', { hex: Buffer.from(frame.subarray(l.offset, l.offset + l.length)).toString('hex') }];
    case 'pad':
      return ['Padding', {}];
    default:
      return null;
  }
}

const scapy = scapyAvailable();
if (!scapy.ok) console.log(`# scapy interop tests skipped: ${scapy.reason}`);
const tshark = tsharkAvailable();
if (!tshark.ok) console.log(`# tshark checks in the scapy interop tests skipped: ${tshark.reason}`);

test('scapy builds the same bytes as our specs for ARP, ICMP, UDP, TCP with options, VXLAN and GRE with a key', (t) => {
  if (!scapy.ok) return t.skip(scapy.reason);
  const built = runScapy(['build']) as string[];
  assert.equal(built.length, SCAPY_FIXTURES.length);
  SCAPY_FIXTURES.forEach((fx, i) => assert.equal(Buffer.from(encodeSpec(fx.spec)).toString('hex'), built[i], fx.name));
});

test('scapy reads our encoded frames with the same fields our dissector reports', (t) => {
  if (!scapy.ok) return t.skip(scapy.reason);
  const frames = SCAPY_FIXTURES.map((fx) => encodeSpec(fx.spec));
  const got = withTempFile('specs.pcap', writePcap(frames.map((data, i) => ({ timestampNs: i * 1000, data }))), (path) => runScapy(['read', path])) as ScapyLayer[][];
  frames.forEach((frame, i) => {
    const want = dissect(frame).map((l) => expectedScapy(l, frame)).filter((x): x is ScapyLayer => x !== null);
    const theirs = got[i]!.map(([n, f]) => [n, Object.fromEntries(Object.entries(f).filter(([k]) => k !== 'options'))] as ScapyLayer);
    assert.deepEqual(theirs, want, SCAPY_FIXTURES[i]!.name);
  });
  const tcpOptions = got[3]!.find(([n]) => n === 'TCP')![1].options;
  assert.deepEqual(tcpOptions, [['MSS', 1460], ['SAckOK', ''], ['Timestamp', [1, 0]], ['NOP', null], ['WScale', 7]]);
});

test('tshark finds every checksum good and reads VXLAN, GRE and TCP option fields of our specs', (t) => {
  if (!tshark.ok) return t.skip(tshark.reason);
  const frames = SCAPY_FIXTURES.map((fx) => encodeSpec(fx.spec));
  const bad = encodeSpec('eth(),ipv4(csum=0x1234),udp(src=1,dst=2),payload(len=4)');
  withTempFile('specs.pcap', writePcap(frames.map((data, i) => ({ timestampNs: i, data }))), (path) => {
    assert.deepEqual(tsharkProblems(path), []);
    const rows = tsharkFields(path, ['vxlan.vni', 'gre.key', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'arp.dst.proto_ipv4', 'vlan.id']);
    assert.deepEqual(rows[4]!.slice(0, 1), ['42']);
    assert.equal(rows[5]![1], '0x000003e8');
    assert.deepEqual(rows[3]!.slice(2, 4), ['1460', '7']);
    assert.equal(rows[0]![4], '10.0.0.2');
    assert.equal(rows[2]![5], '10');
  });
  withTempFile('bad.pcap', writePcap([{ timestampNs: 0, data: bad }]), (path) => assert.equal(tsharkProblems(path).length, 1, 'a forced bad IPv4 checksum is caught'));
});
