import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../engine/engine.js';
import { assertConserved } from '../testing/conservation.js';
import { EthernetView, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETHERTYPE_VLAN } from '../wire/ethernet.js';
import { Ipv4View, IPPROTO_ICMP, IPPROTO_UDP } from '../wire/ipv4.js';
import { UdpView } from '../wire/udp.js';
import { ICMP_DEST_UNREACHABLE, ICMP_TIME_EXCEEDED, ICMP_UNREACH_PORT, Icmpv4View } from '../wire/icmpv4.js';
import { ArpView, ARP_OP_REPLY, ARP_OP_REQUEST } from '../wire/arp.js';
import { VlanView } from '../wire/vlan.js';
import { formatMac, parseMac } from '../wire/mac.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { Host, type HostConf } from './host.js';
import { DelayLine, Peer, arpFrame, icmpMessage, ipv4Frame, udpDatagram } from './testkit.js';

const S = 1e9;

function twoHosts(a: HostConf = { interfaces: { eth0: { ip: '10.0.0.1/24' } } }, b: HostConf = { interfaces: { eth0: { ip: '10.0.0.2/24' } } }) {
  const e = new Engine();
  e.configure(new Graph().app('h1', Host, a).app('h2', Host, b).connect('h1.eth0', 'h2.eth0'));
  return { e, h1: e.app<Host>('h1'), h2: e.app<Host>('h2') };
}

/** Frames crossing a link, copied as they enter it. */
function capture(e: Engine, link: string): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const l = e.links.get(link);
  assert.ok(l, `no link ${link}`);
  l.tap = (p) => frames.push(p.bytes());
  return frames;
}

/** Moves engine time forward by `dt` even when nothing is scheduled. */
function idle(e: Engine, dt: number): void {
  const until = e.now() + dt;
  e.after(dt, () => {});
  e.runUntil(() => e.now() >= until, dt + 1);
}

test('two hosts resolve each other with ARP and ping, with RTTs measured on the engine clock', () => {
  const e = new Engine();
  e.configure(
    new Graph()
      .app('h1', Host, { interfaces: { eth0: { ip: '10.0.0.1/24' } } })
      .app('h2', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } })
      .app('line', DelayLine, { delay: 250_000 })
      .connect('h1.eth0', 'line.a')
      .connect('line.b', 'h2.eth0'),
  );
  const h1 = e.app<Host>('h1');
  const h2 = e.app<Host>('h2');
  const s = h1.ping('10.0.0.2', { count: 3, interval: S });
  e.runUntil(() => s.done, 10 * S);
  assert.equal(s.sent, 3);
  assert.equal(s.received, 3);
  assert.deepEqual(s.errors, []);
  // The first round trip waits for ARP (request and reply cross the line first): two extra crossings.
  assert.deepEqual(s.replies.map((r) => r.rtt), [1_000_000, 500_000, 500_000]);
  assert.deepEqual(s.replies.map((r) => r.seq), [1, 2, 3]);
  assert.equal(s.replies[0]!.from, '10.0.0.2');
  assert.equal(s.replies[0]!.bytes, 56);
  assert.equal(s.replies[0]!.ttl, 64);
  assert.equal(h1.stats().arp.requestsSent, 1);
  assert.equal(h2.stats().arp.repliesSent, 1);
  assert.equal(h2.stats().icmp.echoRepliesOut, 3);
  const n1 = h1.neighbours();
  assert.equal(n1.length, 1);
  assert.equal(n1[0]!.ip, '10.0.0.2');
  assert.equal(n1[0]!.state, 'reachable');
  assert.equal(n1[0]!.mac, h2.addresses()[0]!.mac);
  assert.match(n1[0]!.text, /^10\.0\.0\.2 dev eth0 lladdr 02:[0-9a-f:]{14} REACHABLE$/);
  // h2 learned h1 from the request it answered.
  assert.equal(h2.neighbours()[0]!.ip, '10.0.0.1');
  assert.equal(h1.stats().interfaces.eth0!.txPackets, 4);
  assert.equal(h1.stats().interfaces.eth0!.rxPackets, 4);
  assert.match(s.summary(), /3 packets transmitted, 3 received, 0% packet loss/);
  assertConserved(e);
});

test('the echo reply on the wire swaps addresses and carries valid checksums', () => {
  const { e, h1, h2 } = twoHosts();
  const back = capture(e, 'h2.eth0 -> h1.eth0');
  const s = h1.ping('10.0.0.2', { count: 1, size: 100 });
  e.runUntil(() => s.done, S);
  const reply = back.find((f) => f[12] === 0x08 && f[13] === 0x00)!;
  const eth = new EthernetView();
  assert.equal(eth.wrap(reply, 0, reply.length), null);
  assert.equal(formatMac(eth.dst), h1.addresses()[0]!.mac);
  assert.equal(formatMac(eth.src), h2.addresses()[0]!.mac);
  const ip = new Ipv4View();
  assert.equal(ip.wrap(reply, 14, reply.length - 14), null);
  assert.ok(ip.checksumOk);
  assert.equal(ip.src, parseIpv4Addr('10.0.0.2'));
  assert.equal(ip.dst, parseIpv4Addr('10.0.0.1'));
  assert.equal(ip.protocol, IPPROTO_ICMP);
  assert.equal(ip.totalLength, 20 + 8 + 100);
  const icmp = new Icmpv4View();
  assert.equal(icmp.wrap(reply, ip.payloadOffset, ip.payloadLength), null);
  assert.equal(icmp.type, 0);
  assert.ok(icmp.checksumOk);
  assert.equal(icmp.sequence, 1);
  assert.equal(reply[icmp.payloadOffset + 99], (99 + 0x10) & 0xff);
  assertConserved(e);
});

test('a reply written into the frame that asked leaves without the datapath metadata that frame came in with', () => {
  const { e, h1, h2 } = twoHosts();
  // What switches and tunnels note on a frame on its way to h2: ingress port, VLAN, tunnel key, flow hash.
  e.links.get('h1.eth0 -> h2.eth0')!.tap = (p) => {
    p.inPort = 7;
    p.vlan = 3;
    p.tunnelId = 0x64;
    p.hash = 99;
  };
  const back: number[][] = [];
  e.links.get('h2.eth0 -> h1.eth0')!.tap = (p) => back.push([p.inPort, p.vlan, p.tunnelId, p.hash]);
  const s = h1.ping('10.0.0.2', { count: 2, interval: S });
  e.runUntil(() => s.done, 10 * S);
  assert.equal(s.received, 2);
  assert.equal(h2.stats().arp.repliesSent, 1);
  assert.equal(back.length, 3, 'the ARP reply and two echo replies, each written into a frame that asked');
  for (const m of back) assert.deepEqual(m, [0, 0, 0, 0]);
});

test('a ping to an address nobody has times out and the queued request is a counted arp-timeout drop', () => {
  const { e, h1 } = twoHosts();
  const s = h1.ping('10.0.0.99', { count: 1, timeout: S });
  assert.equal(h1.held(), 1);
  assertConserved(e);
  e.runUntil(() => s.done, 10 * S);
  assert.ok(e.now() >= S && e.now() < S + 10_000, `timed out at ${e.now()} ns`);
  assert.deepEqual(s.errors, [{ seq: 1, kind: 'timeout', code: -1, from: '' }]);
  assert.equal(s.received, 0);
  assert.equal(h1.neighbours()[0]!.state, 'incomplete');
  // ARP keeps trying: three requests one second apart, then the packet is dropped.
  idle(e, 3 * S);
  assert.equal(h1.stats().arp.requestsSent, 3);
  assert.equal(h1.stats().arp.resolutionFailures, 1);
  assert.equal(h1.dropCounts['arp-timeout'], 1);
  assert.equal(h1.held(), 0);
  assert.deepEqual(h1.neighbours(), []);
  assertConserved(e);
});

test('a ping with no route fails at once with no-route, counted', () => {
  const { e, h1 } = twoHosts();
  const s = h1.ping('192.0.2.1', { count: 2, interval: S });
  e.runUntil(() => s.done, 5 * S);
  assert.deepEqual(s.errors.map((x) => x.kind), ['no-route', 'no-route']);
  assert.equal(s.sent, 0);
  assert.equal(h1.dropCounts['no-route'], 2);
  assert.equal(h1.udpSend('192.0.2.1', 53, new Uint8Array(4)), 'no-route');
  assert.equal(h1.dropCounts['no-route'], 3);
  assert.equal(h1.routeGet('192.0.2.1'), null);
  assertConserved(e);
});

test('neighbour entries go stale after the reachable time, are re-confirmed when used, and expire unused', () => {
  const { e, h1, h2 } = twoHosts(
    { interfaces: { eth0: { ip: '10.0.0.1/24' } }, arp: { reachableTime: 30 * S, staleTime: 60 * S } },
  );
  const s = h1.ping('10.0.0.2', { count: 1 });
  e.runUntil(() => s.done, S);
  assert.equal(h1.neighbours()[0]!.state, 'reachable');
  idle(e, 29 * S);
  assert.equal(h1.neighbours()[0]!.state, 'reachable');
  idle(e, 2 * S);
  assert.equal(h1.neighbours()[0]!.state, 'stale');
  // Using a stale entry sends at once and asks the neighbour directly (unicast request).
  const out = capture(e, 'h1.eth0 -> h2.eth0');
  const s2 = h1.ping('10.0.0.2', { count: 1 });
  e.runUntil(() => s2.done, S);
  assert.equal(s2.received, 1);
  const arp = out.filter((f) => f[12] === 0x08 && f[13] === 0x06);
  assert.equal(arp.length, 1);
  assert.equal(formatMac(readDst(arp[0]!)), h2.addresses()[0]!.mac);
  assert.equal(h1.neighbours()[0]!.state, 'reachable');
  // Unused for reachable + stale time: gone.
  idle(e, 91 * S);
  assert.deepEqual(h1.neighbours(), []);
  assertConserved(e);
});

function readDst(frame: Uint8Array): number {
  const v = new EthernetView();
  v.wrap(frame, 0, frame.length);
  return v.dst;
}

test('UDP echo between two hosts delivers payloads both ways with checksums on the wire', () => {
  const { e, h1, h2 } = twoHosts();
  h2.udpBind(7, (src, srcPort, payload, ifname) => {
    assert.equal(ifname, 'eth0');
    h2.udpSend(src, srcPort, payload.slice(), { srcPort: 7 });
  });
  const got: { src: string; port: number; data: number[] }[] = [];
  h1.udpBind(5000, (src, port, payload) => got.push({ src, port, data: [...payload] }));
  const wire = capture(e, 'h1.eth0 -> h2.eth0');
  assert.equal(h1.udpSend('10.0.0.2', 7, new Uint8Array([1, 2, 3, 4, 5]), { srcPort: 5000 }), 'queued');
  e.runUntil(() => got.length === 1, S);
  assert.deepEqual(got, [{ src: '10.0.0.2', port: 7, data: [1, 2, 3, 4, 5] }]);
  // Once resolved, a send leaves at once.
  assert.equal(h1.udpSend('10.0.0.2', 7, new Uint8Array([9]), { srcPort: 5000 }), 'sent');
  e.runUntil(() => got.length === 2, S);
  assert.deepEqual(got[1]!.data, [9]);
  const udpFrame = wire.find((f) => f[12] === 0x08 && f[13] === 0x00 && f[14 + 9] === IPPROTO_UDP)!;
  const ip = new Ipv4View();
  assert.equal(ip.wrap(udpFrame, 14, udpFrame.length - 14), null);
  const udp = new UdpView();
  assert.equal(udp.wrap(udpFrame, ip.payloadOffset, ip.payloadLength), null);
  assert.notEqual(udp.checksum, 0);
  assert.ok(udp.checksumOk(ip.src, ip.dst));
  assert.equal(udp.srcPort, 5000);
  assert.equal(udp.dstPort, 7);
  assert.equal(h2.stats().udp.datagramsIn, 2);
  assert.equal(h1.stats().udp.datagramsIn, 2);
  assertConserved(e);
});

test('a UDP datagram without a checksum (zero) is accepted, a wrong one is a counted drop', () => {
  const { e, h1, h2 } = twoHosts();
  const got: number[][] = [];
  h2.udpBind(9000, (_s, _p, payload) => got.push([...payload]));
  h1.udpSend('10.0.0.2', 9000, new Uint8Array([7, 7]), { checksum: false });
  e.runUntil(() => got.length === 1, S);
  assert.deepEqual(got, [[7, 7]]);
  const e2 = new Engine();
  e2.configure(new Graph().app('h', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } }).app('peer', Peer, {}).connect('peer.port', 'h.eth0'));
  const h = e2.app<Host>('h');
  const peer = e2.app<Peer>('peer');
  h.udpBind(9000, () => assert.fail('must not deliver'));
  const hMac = h.addresses()[0]!.mac;
  const dgram = udpDatagram('10.0.0.9', '10.0.0.2', 1, 9000, new Uint8Array([1, 2, 3]));
  dgram[7]! ^= 0x55;
  peer.send(ipv4Frame({ dstMac: hMac, srcMac: '02:00:00:00:00:09', src: '10.0.0.9', dst: '10.0.0.2', protocol: IPPROTO_UDP, payload: dgram }));
  e2.runBreaths(2);
  assert.equal(h.dropCounts['udp-bad-checksum'], 1);
  assertConserved(e);
  assertConserved(e2);
});

test('UDP to a closed port brings back an ICMP port unreachable that the sending socket sees', () => {
  const { e, h1, h2 } = twoHosts();
  const errors: { code: number; dstPort: number; from: string }[] = [];
  h1.udpBind(5000, () => {}, (r) => errors.push({ code: r.code, dstPort: r.dstPort, from: r.from }));
  const back = capture(e, 'h2.eth0 -> h1.eth0');
  h1.udpSend('10.0.0.2', 9, new Uint8Array(20), { srcPort: 5000 });
  e.runUntil(() => errors.length === 1, S);
  assert.deepEqual(errors, [{ code: ICMP_UNREACH_PORT, dstPort: 9, from: '10.0.0.2' }]);
  assert.equal(h2.stats().udp.noPort, 1);
  assert.equal(h2.stats().icmp.errorsOut, 1);
  assert.equal(h1.stats().icmp.errorsIn, 1);
  assert.equal(h1.icmpErrors()[0]!.kind, 'unreachable');
  // The error quotes the offending datagram: its IPv4 header and UDP header.
  const frame = back.find((f) => f[12] === 0x08 && f[13] === 0x00)!;
  const ip = new Ipv4View();
  assert.equal(ip.wrap(frame, 14, frame.length - 14), null);
  assert.ok(ip.checksumOk);
  const icmp = new Icmpv4View();
  assert.equal(icmp.wrap(frame, ip.payloadOffset, ip.payloadLength), null);
  assert.ok(icmp.checksumOk);
  assert.equal(icmp.type, ICMP_DEST_UNREACHABLE);
  assert.equal(icmp.code, ICMP_UNREACH_PORT);
  assert.equal(icmp.payloadLength, 20 + 8 + 20);
  const quoted = new Ipv4View();
  assert.equal(quoted.wrap(frame, icmp.payloadOffset, icmp.payloadLength), null);
  assert.equal(quoted.src, parseIpv4Addr('10.0.0.1'));
  assert.equal(quoted.dst, parseIpv4Addr('10.0.0.2'));
  assertConserved(e);
});

test('a host with a default gateway ARPs for the gateway and sends off-link packets to its MAC', () => {
  const { e, h1, h2: gw } = twoHosts(
    { interfaces: { eth0: { ip: '10.0.0.1/24' } }, gateway: '10.0.0.254' },
    { interfaces: { eth0: { ip: '10.0.0.254/24' } } },
  );
  assert.deepEqual(h1.routeGet('192.0.2.7'), { dev: 'eth0', via: '10.0.0.254', src: '10.0.0.1' });
  assert.deepEqual(h1.routes().map((r) => r.text), ['10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1', 'default via 10.0.0.254 dev eth0']);
  const wire = capture(e, 'h1.eth0 -> h2.eth0');
  assert.equal(h1.udpSend('192.0.2.7', 53, new Uint8Array([1])), 'queued');
  e.runUntil(() => gw.dropCounts['not-for-me'] === 1, S);
  const arp = new ArpView();
  assert.equal(arp.wrap(wire[0]!, 14, wire[0]!.length - 14), null);
  assert.equal(arp.op, ARP_OP_REQUEST);
  assert.equal(arp.targetIp, parseIpv4Addr('10.0.0.254'));
  assert.equal(readDst(wire[0]!), parseMac('ff:ff:ff:ff:ff:ff'));
  const data = wire[1]!;
  assert.equal(readDst(data), parseMac(gw.addresses()[0]!.mac));
  const ip = new Ipv4View();
  assert.equal(ip.wrap(data, 14, data.length - 14), null);
  assert.equal(ip.dst, parseIpv4Addr('192.0.2.7'));
  assert.deepEqual(h1.neighbours().map((n) => [n.ip, n.state]), [['10.0.0.254', 'reachable']]);
  assertConserved(e);
});

test('an ICMP time exceeded from a router ends the ping sequence it quotes with ttl-exceeded', () => {
  const e = new Engine();
  const routerMac = '02:00:00:00:00:fe';
  let hostMac = '';
  e.configure(
    new Graph()
      .app('h', Host, { interfaces: { eth0: { ip: '10.0.0.1/24' } }, gateway: '10.0.0.254' })
      .app('router', Peer, {
        onFrame: (f) => {
          const eth = new EthernetView();
          eth.wrap(f, 0, f.length);
          if (eth.etherType === ETHERTYPE_ARP) {
            const req = new ArpView();
            req.wrap(f, 14, f.length - 14);
            return [arpFrame(hostMac, routerMac, { op: ARP_OP_REPLY, senderMac: parseMac(routerMac), senderIp: req.targetIp, targetMac: req.senderMac, targetIp: req.senderIp })];
          }
          // Quote the IPv4 header and 8 bytes, as RFC 792 asks.
          const quote = f.slice(14, 14 + 28);
          return [ipv4Frame({ dstMac: hostMac, srcMac: routerMac, src: '10.0.0.254', dst: '10.0.0.1', protocol: IPPROTO_ICMP, payload: icmpMessage({ kind: 'time-exceeded', code: 0, payloadLength: 28 }, quote) })];
        },
      })
      .connect('h.eth0', 'router.port'),
  );
  const h = e.app<Host>('h');
  hostMac = h.addresses()[0]!.mac;
  const s = h.ping('198.51.100.1', { count: 2, interval: S, ttl: 1 });
  e.runUntil(() => s.done, 5 * S);
  assert.deepEqual(s.errors, [
    { seq: 1, kind: 'ttl-exceeded', code: -1, from: '10.0.0.254' },
    { seq: 2, kind: 'ttl-exceeded', code: -1, from: '10.0.0.254' },
  ]);
  assert.equal(s.received, 0);
  assert.equal(h.icmpErrors().length, 2);
  assert.equal(h.icmpErrors()[0]!.type, ICMP_TIME_EXCEEDED);
  assertConserved(e);
});

test('VLAN sub-interfaces exchange 802.1Q-tagged frames and ignore other VLANs', () => {
  const { e, h1, h2 } = twoHosts(
    { interfaces: { eth0: { ip: '10.0.0.1/24' }, 'eth0.10': { ip: '10.0.10.1/24' } } },
    { interfaces: { 'eth0.10': { ip: '10.0.10.2/24' }, 'eth0.20': { ip: '10.0.20.2/24' } } },
  );
  assert.deepEqual(h2.ports(), ['eth0']);
  assert.equal(h2.addresses()[0]!.port, 'eth0');
  assert.equal(h2.addresses()[0]!.vlan, 10);
  // A sub-interface shares its parent's MAC.
  assert.equal(h1.addresses()[1]!.mac, h1.addresses()[0]!.mac);
  const wire = capture(e, 'h1.eth0 -> h2.eth0');
  const s = h1.ping('10.0.10.2', { count: 1 });
  e.runUntil(() => s.done, S);
  assert.equal(s.received, 1);
  assert.equal(wire.length, 2);
  for (const [i, inner] of [[0, ETHERTYPE_ARP], [1, ETHERTYPE_IPV4]] as const) {
    const f = wire[i]!;
    assert.equal((f[12]! << 8) | f[13]!, ETHERTYPE_VLAN);
    const tag = new VlanView();
    assert.equal(tag.wrap(f, 12, f.length - 12), null);
    assert.equal(tag.vid, 10);
    assert.equal(tag.innerEtherType, inner);
  }
  assert.equal(h1.stats().interfaces['eth0.10']!.txPackets, 2);
  assert.equal(h1.stats().interfaces.eth0!.txPackets, 0);
  // h2 has no untagged interface, and VLAN 10 traffic never reaches its eth0.20.
  const u = h1.ping('10.0.0.2', { count: 1, timeout: S });
  e.runUntil(() => u.done, 2 * S);
  assert.equal(h2.dropCounts['unknown-vlan'], h1.stats().arp.requestsSent - 1);
  assert.ok(h2.dropCounts['unknown-vlan'] >= 1);
  assert.equal(h2.stats().interfaces['eth0.20']!.rxPackets, 0);
  assertConserved(e);
});

test('an interface with a vlan and no parent tags frames on its own port', () => {
  const { e, h1, h2 } = twoHosts(
    { interfaces: { eth0: { vlan: 30, ip: '10.0.30.1/24' } } },
    { interfaces: { 'eth0.30': { ip: '10.0.30.2/24' } } },
  );
  const wire = capture(e, 'h1.eth0 -> h2.eth0');
  const s = h1.ping('10.0.30.2', { count: 1 });
  e.runUntil(() => s.done, S);
  assert.equal(s.received, 1);
  assert.deepEqual([...wire[0]!.subarray(12, 16)], [0x81, 0x00, 0x00, 30]);
  assert.equal(h2.stats().interfaces['eth0.30']!.rxPackets, 2);
  assertConserved(e);
});

test('malformed and misaddressed frames are drops with named reasons', () => {
  const e = new Engine();
  e.configure(new Graph().app('h', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } }).app('peer', Peer, {}).connect('peer.port', 'h.eth0'));
  const h = e.app<Host>('h');
  const peer = e.app<Peer>('peer');
  const mac = h.addresses()[0]!.mac;
  const good = (over: Partial<Parameters<typeof ipv4Frame>[0]> = {}) =>
    ipv4Frame({ dstMac: mac, srcMac: '02:00:00:00:00:09', src: '10.0.0.9', dst: '10.0.0.2', protocol: IPPROTO_UDP, payload: udpDatagram('10.0.0.9', '10.0.0.2', 1, 2, new Uint8Array(4)), ...over });
  const cases: [string, Uint8Array][] = [];
  cases.push(['truncated', good().slice(0, 10)]);
  cases.push(['ip-truncated', good().slice(0, 30)]);
  const badSum = good();
  badSum[14 + 10]! ^= 1;
  cases.push(['ip-bad-checksum', badSum]);
  const badIhl = good();
  badIhl[14] = 0x44;
  cases.push(['ip-bad-ihl', badIhl]);
  const badVersion = good();
  badVersion[14] = 0x65;
  cases.push(['ip-bad-version', badVersion]);
  cases.push(['ip-bad-length', good().slice(0, 40)]);
  cases.push(['ip-fragment', good({ moreFragments: true })]);
  cases.push(['not-for-me', good({ dst: '10.0.0.3', payload: udpDatagram('10.0.0.9', '10.0.0.3', 1, 2, new Uint8Array(4)) })]);
  cases.push(['not-my-mac', good({ dstMac: '02:99:99:99:99:99' })]);
  cases.push(['ip-bad-source', good({ src: '224.0.0.1', payload: udpDatagram('224.0.0.1', '10.0.0.2', 1, 2, new Uint8Array(4)) })]);
  const badIcmp = good({ protocol: IPPROTO_ICMP, payload: icmpMessage({ kind: 'echo-request', identifier: 1, sequence: 1, payloadLength: 4 }, new Uint8Array(4)) });
  badIcmp[34 + 9]! ^= 0xff;
  cases.push(['icmp-bad-checksum', badIcmp]);
  cases.push(['icmp-truncated', good({ protocol: IPPROTO_ICMP, payload: new Uint8Array(4) })]);
  const shortUdp = udpDatagram('10.0.0.9', '10.0.0.2', 1, 2, new Uint8Array(4));
  shortUdp[5] = 4;
  cases.push(['udp-bad-length', good({ payload: shortUdp })]);
  const ipv6 = good();
  ipv6[12] = 0x86;
  ipv6[13] = 0xdd;
  cases.push(['unknown-ethertype', ipv6]);
  const arpShort = arpFrame(mac, '02:00:00:00:00:09', { op: 1, senderMac: 2, senderIp: 1, targetMac: 0, targetIp: 2 }).slice(0, 30);
  cases.push(['arp-malformed', arpShort]);
  for (const [reason, frame] of cases) {
    const before = h.dropCounts[reason as keyof typeof h.dropCounts];
    peer.send(frame);
    e.runBreaths(1);
    assert.equal(h.dropCounts[reason as keyof typeof h.dropCounts], before + 1, `expected a ${reason} drop`);
  }
  assert.equal(h.totalDrops(), cases.length);
  assert.equal(peer.received.length, 0);
  assertConserved(e);
});

test('an unknown IP protocol is answered with protocol unreachable', () => {
  const e = new Engine();
  e.configure(new Graph().app('h', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } }).app('peer', Peer, {}).connect('peer.port', 'h.eth0'));
  const h = e.app<Host>('h');
  const peer = e.app<Peer>('peer');
  const mac = h.addresses()[0]!.mac;
  // The host must resolve 10.0.0.9 to answer; teach it with an ARP request to it first.
  peer.send(arpFrame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:09', { op: ARP_OP_REQUEST, senderMac: parseMac('02:00:00:00:00:09'), senderIp: parseIpv4Addr('10.0.0.9'), targetMac: 0, targetIp: parseIpv4Addr('10.0.0.2') }));
  peer.send(ipv4Frame({ dstMac: mac, srcMac: '02:00:00:00:00:09', src: '10.0.0.9', dst: '10.0.0.2', protocol: 253, payload: new Uint8Array(12) }));
  e.runBreaths(2);
  assert.equal(peer.received.length, 2);
  const arpReply = new ArpView();
  assert.equal(arpReply.wrap(peer.received[0]!, 14, 28), null);
  assert.equal(arpReply.op, ARP_OP_REPLY);
  assert.equal(formatMac(arpReply.senderMac), mac);
  const f = peer.received[1]!;
  const icmp = new Icmpv4View();
  assert.equal(icmp.wrap(f, 34, f.length - 34), null);
  assert.equal(icmp.type, ICMP_DEST_UNREACHABLE);
  assert.equal(icmp.code, 2);
  assertConserved(e);
});

test('packets waiting for ARP are bounded per neighbour: overflow pushes the oldest out as a counted drop', () => {
  const { e, h1 } = twoHosts({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, arp: { queueLength: 2 } });
  for (let i = 0; i < 5; i++) assert.equal(h1.udpSend('10.0.0.77', 9, new Uint8Array([i])), 'queued');
  assert.equal(h1.dropCounts['arp-queue-full'], 3);
  assert.equal(h1.held(), 2);
  assert.equal(h1.neighbours()[0]!.queued, 2);
  assertConserved(e);
  idle(e, 4 * S);
  assert.equal(h1.dropCounts['arp-timeout'], 2);
  assert.equal(h1.held(), 0);
  assertConserved(e);
});

test('the neighbour cache is bounded: a full cache of unresolved entries refuses a new one, counted', () => {
  const { e, h1 } = twoHosts({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, arp: { cacheSize: 2 } });
  assert.equal(h1.udpSend('10.0.0.50', 9, new Uint8Array(1)), 'queued');
  assert.equal(h1.udpSend('10.0.0.51', 9, new Uint8Array(1)), 'queued');
  assert.equal(h1.udpSend('10.0.0.52', 9, new Uint8Array(1)), 'neighbour-table-full');
  assert.equal(h1.dropCounts['neighbour-table-full'], 1);
  assert.equal(h1.stats().neighbours.overflow, 1);
  assert.equal(h1.stats().neighbours.entries, 2);
  assertConserved(e);
});

test('a resolved entry is evicted to make room when the cache is full', () => {
  const { e, h1 } = twoHosts({ interfaces: { eth0: { ip: '10.0.0.1/24' } }, arp: { cacheSize: 1 } });
  const s = h1.ping('10.0.0.2', { count: 1 });
  e.runUntil(() => s.done, S);
  assert.equal(h1.udpSend('10.0.0.60', 9, new Uint8Array(1)), 'queued');
  assert.equal(h1.stats().neighbours.evictions, 1);
  assert.deepEqual(h1.neighbours().map((n) => n.ip), ['10.0.0.60']);
  assertConserved(e);
});

test('a host pings its own address through the loopback', () => {
  const { e, h1 } = twoHosts();
  const s = h1.ping('10.0.0.1', { count: 2, interval: S });
  e.runUntil(() => s.done, 3 * S);
  assert.equal(s.received, 2);
  assert.equal(h1.stats().interfaces.eth0!.txPackets, 0);
  assertConserved(e);
});

test('UDP from a host to its own closed port comes back as port unreachable through the loopback', () => {
  const { e, h1 } = twoHosts();
  const codes: number[] = [];
  h1.udpBind(6000, () => {}, (r) => codes.push(r.code));
  assert.equal(h1.udpSend('10.0.0.1', 6001, new Uint8Array(3), { srcPort: 6000 }), 'sent');
  e.runUntil(() => codes.length === 1, S);
  assert.deepEqual(codes, [ICMP_UNREACH_PORT]);
  assert.equal(h1.stats().interfaces.eth0!.txPackets, 0);
  assertConserved(e);
});

test('a ping larger than the MTU fails with too-big: the host does not fragment', () => {
  const { e, h1 } = twoHosts({ interfaces: { eth0: { ip: '10.0.0.1/24', mtu: 576 } } });
  const warm = h1.ping('10.0.0.2', { count: 1 });
  e.runUntil(() => warm.done, S);
  const s = h1.ping('10.0.0.2', { count: 1, size: 1000 });
  e.runUntil(() => s.done, S);
  assert.deepEqual(s.errors.map((x) => x.kind), ['too-big']);
  assert.equal(h1.dropCounts['mtu-exceeded'], 1);
  assertConserved(e);
});

test('traced packets record the host decisions', () => {
  const e = new Engine();
  e.configure(new Graph().app('h', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } }).app('peer', Peer, {}).connect('peer.port', 'h.eth0'));
  const h = e.app<Host>('h');
  const frame = ipv4Frame({ dstMac: h.addresses()[0]!.mac, srcMac: '02:00:00:00:00:09', src: '10.0.0.9', dst: '10.0.0.3', protocol: IPPROTO_UDP, payload: udpDatagram('10.0.0.9', '10.0.0.3', 1, 2, new Uint8Array(1)) });
  const id = e.app<Peer>('peer').send(frame, true);
  e.runBreaths(1);
  const notes = e.tracer.records(id).filter((r) => r.where === 'h').map((r) => r.text);
  assert.deepEqual(notes, ['rx eth0', 'drop: not-for-me']);
  // An echo request from an unknown neighbour: answered, the answer waits for ARP, then leaves.
  const echo = ipv4Frame({ dstMac: h.addresses()[0]!.mac, srcMac: '02:00:00:00:00:09', src: '10.0.0.9', dst: '10.0.0.2', protocol: IPPROTO_ICMP, payload: icmpMessage({ kind: 'echo-request', identifier: 7, sequence: 1, payloadLength: 0 }, new Uint8Array(0)) });
  const id2 = e.app<Peer>('peer').send(echo, true);
  e.runBreaths(1);
  e.app<Peer>('peer').send(arpFrame(h.addresses()[0]!.mac, '02:00:00:00:00:09', { op: ARP_OP_REPLY, senderMac: parseMac('02:00:00:00:00:09'), senderIp: parseIpv4Addr('10.0.0.9'), targetMac: parseMac(h.addresses()[0]!.mac), targetIp: parseIpv4Addr('10.0.0.2') }));
  e.runBreaths(1);
  const notes2 = e.tracer.records(id2).filter((r) => r.where === 'h').map((r) => r.text);
  assert.deepEqual(notes2, ['rx eth0', 'icmp: echo reply to 10.0.0.9', 'arp: waiting for 10.0.0.9', 'arp resolved 10.0.0.9 -> 02:00:00:00:00:09']);
  assertConserved(e);
});

test('reconfiguring a host changes its addresses and keeps it working', () => {
  const e = new Engine();
  const g = (ip: string) => new Graph().app('h1', Host, { interfaces: { eth0: { ip } } }).app('h2', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } } }).connect('h1.eth0', 'h2.eth0');
  e.configure(g('10.0.0.1/24'));
  const first = e.app<Host>('h1');
  e.configure(g('10.0.0.5/24'));
  const h1 = e.app<Host>('h1');
  assert.equal(h1, first);
  assert.deepEqual(h1.addresses()[0]!.addrs, ['10.0.0.5/24']);
  const s = h1.ping('10.0.0.2', { count: 1 });
  e.runUntil(() => s.done, S);
  assert.equal(s.received, 1);
  assert.equal(e.app<Host>('h2').neighbours()[0]!.ip, '10.0.0.5');
  assertConserved(e);
});

test('gratuitous ARP updates a known neighbour, and creates one only when learning is on', () => {
  for (const learnGratuitous of [false, true]) {
    const e = new Engine();
    e.configure(new Graph().app('h', Host, { interfaces: { eth0: { ip: '10.0.0.2/24' } }, arp: { learnGratuitous } }).app('peer', Peer, {}).connect('peer.port', 'h.eth0'));
    const h = e.app<Host>('h');
    const garp = (ip: string, mac: string) =>
      arpFrame('ff:ff:ff:ff:ff:ff', mac, { op: ARP_OP_REQUEST, senderMac: parseMac(mac), senderIp: parseIpv4Addr(ip), targetMac: 0, targetIp: parseIpv4Addr(ip) });
    const peer = e.app<Peer>('peer');
    peer.send(garp('10.0.0.9', '02:00:00:00:00:09'));
    e.runBreaths(1);
    assert.deepEqual(h.neighbours().map((n) => n.mac), learnGratuitous ? ['02:00:00:00:00:09'] : []);
    // Known neighbours follow a moved address either way.
    h.udpSend('10.0.0.8', 9, new Uint8Array(1));
    peer.send(arpFrame(h.addresses()[0]!.mac, '02:00:00:00:00:08', { op: ARP_OP_REPLY, senderMac: parseMac('02:00:00:00:00:08'), senderIp: parseIpv4Addr('10.0.0.8'), targetMac: parseMac(h.addresses()[0]!.mac), targetIp: parseIpv4Addr('10.0.0.2') }));
    e.runBreaths(1);
    peer.send(garp('10.0.0.8', '02:00:00:00:00:88'));
    e.runBreaths(1);
    assert.equal(h.neighbours().find((n) => n.ip === '10.0.0.8')!.mac, '02:00:00:00:00:88');
    assert.equal(h.totalDrops(), 0);
    assertConserved(e);
  }
});
