import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { NS_PER_S } from '../../engine/clock.js';
import { Host } from '../../hosts/host.js';
import { Peer } from '../../hosts/testkit.js';
import { assertConserved } from '../../testing/conservation.js';
import { encodeSpec } from '../../wire/spec.js';
import { PortFilter } from './port-filter.js';
const VM_MAC = '02:00:00:00:00:02';
const BASE = { mac: VM_MAC, ips: ['10.0.0.2/24'] };
function hostLab(conf = BASE) {
    const e = new Engine({ pool: new PacketPool({ count: 2048 }) });
    const g = new Graph()
        .app('pf', PortFilter, conf)
        .app('vm', Host, { interfaces: { eth0: { ip: '10.0.0.2/24', mac: VM_MAC } } })
        .app('peer', Host, { interfaces: { eth0: { ip: '10.0.0.9/24' } } });
    g.connect('vm.eth0', 'pf.vm').connect('pf.net', 'peer.eth0');
    e.configure(g);
    return { e, pf: e.app('pf'), vm: e.app('vm'), peer: e.app('peer') };
}
function rawLab(conf) {
    const e = new Engine({ pool: new PacketPool({ count: 1024 }) });
    const g = new Graph().app('pf', PortFilter, conf).app('vm', Peer, {}).app('net', Peer, {});
    g.connect('vm.port', 'pf.vm').connect('pf.net', 'net.port');
    e.configure(g);
    return { e, pf: e.app('pf'), vm: e.app('vm'), net: e.app('net') };
}
function udpRound(e, from, to, toIp, port) {
    let got = false;
    to.udpBind(port, (ip, sp, data) => { to.udpSend(ip, sp, data, { srcPort: port }); });
    from.udpBind(45000, () => { got = true; });
    from.udpSend(toIp, port, new Uint8Array([1]), { srcPort: 45000 });
    e.runUntil(() => got, NS_PER_S);
    from.udpUnbind(45000);
    to.udpUnbind(port);
    return got;
}
test('by default the VM may open connections and get answers, but nothing new gets in', () => {
    const { e, pf, vm, peer } = hostLab();
    const out = vm.ping('10.0.0.9', { count: 1 });
    e.runUntil(() => out.done, 2 * NS_PER_S);
    assert.equal(out.received, 1, 'the echo reply is return traffic of a tracked connection');
    const inbound = peer.ping('10.0.0.2', { count: 1, timeout: NS_PER_S });
    e.runUntil(() => inbound.done, 3 * NS_PER_S);
    assert.equal(inbound.received, 0);
    assert.equal(pf.dropCounts['sg-ingress-denied'], 1);
    assert.match(pf.showConntrack(), /^icmp {5}1 \d+ src=10\.0\.0\.2 dst=10\.0\.0\.9 type=8 code=0 id=\d+ src=10\.0\.0\.9 dst=10\.0\.0\.2 type=0 code=0/m);
    assertConserved(e);
});
test('an ingress rule opens one UDP port from one prefix; other ports stay closed', () => {
    const { e, pf, vm, peer } = hostLab({ ...BASE, ingress: [{ protocol: 'udp', ports: [80, 81], remote: '10.0.0.8/29' }] });
    assert.equal(udpRound(e, peer, vm, '10.0.0.2', 80), true);
    assert.equal(udpRound(e, peer, vm, '10.0.0.2', 82), false);
    assert.equal(pf.dropCounts['sg-ingress-denied'], 1);
    assertConserved(e);
});
test('egress rules, once given, are the only way out', () => {
    const { e, pf, vm, peer } = hostLab({ ...BASE, egress: [{ protocol: 'udp', ports: 53 }] });
    assert.equal(udpRound(e, vm, peer, '10.0.0.9', 53), true);
    assert.equal(udpRound(e, vm, peer, '10.0.0.9', 54), false);
    const s = vm.ping('10.0.0.9', { count: 1, timeout: NS_PER_S });
    e.runUntil(() => s.done, 3 * NS_PER_S);
    assert.equal(s.received, 0);
    assert.equal(pf.dropCounts['sg-egress-denied'], 2);
    assertConserved(e);
});
test('anti-spoofing drops foreign MACs, foreign IPs and lying ARP, and honours allowed address pairs', () => {
    const { e, pf, vm, net } = rawLab({ ...BASE, allowedAddressPairs: [{ ip: '10.0.0.64/28' }, { ip: '10.0.0.100/32', mac: '02:00:00:00:00:aa' }] });
    const udp = (mac, ip) => encodeSpec(`eth(src=${mac},dst=02:00:00:00:00:09),ipv4(src=${ip},dst=10.0.0.9),udp(src=1,dst=2)`);
    const arp = (mac, sha, spa) => encodeSpec(`eth(src=${mac},dst=ff:ff:ff:ff:ff:ff),arp(op=request,sha=${sha},spa=${spa},tpa=10.0.0.9)`);
    vm.send(udp('02:00:00:00:00:66', '10.0.0.2'));
    vm.send(udp(VM_MAC, '10.0.0.3'));
    vm.send(udp('02:00:00:00:00:aa', '10.0.0.2'));
    vm.send(arp(VM_MAC, VM_MAC, '10.0.0.3'));
    vm.send(arp(VM_MAC, '02:00:00:00:00:66', '10.0.0.2'));
    e.runFor(NS_PER_S / 100);
    assert.equal(pf.dropCounts['spoofed-mac'], 1);
    assert.equal(pf.dropCounts['spoofed-ip'], 2, 'a foreign address, and the port address from the pair MAC');
    assert.equal(pf.dropCounts['arp-spoofed'], 2);
    assert.equal(net.received.length, 0);
    vm.send(udp(VM_MAC, '10.0.0.2'));
    vm.send(udp(VM_MAC, '10.0.0.70'));
    vm.send(udp('02:00:00:00:00:aa', '10.0.0.100'));
    vm.send(arp(VM_MAC, VM_MAC, '10.0.0.2'));
    vm.send(arp(VM_MAC, VM_MAC, '0.0.0.0'));
    vm.send(encodeSpec(`eth(src=${VM_MAC},dst=ff:ff:ff:ff:ff:ff),ipv4(src=0.0.0.0,dst=255.255.255.255),udp(src=68,dst=67)`));
    e.runFor(NS_PER_S / 100);
    assert.equal(net.received.length, 6);
    assertConserved(e);
});
test('impossible TCP flags and strays are dropped; a SYN opens and its answer comes back', () => {
    const { e, pf, vm, net } = rawLab(BASE);
    const tcp = (flags) => encodeSpec(`eth(src=${VM_MAC},dst=02:00:00:00:00:09),ipv4(src=10.0.0.2,dst=10.0.0.9),tcp(src=40000,dst=443,flags=${flags})`);
    vm.send(tcp('SF'));
    vm.send(tcp('SR'));
    vm.send(tcp(''));
    vm.send(tcp('A'));
    vm.send(tcp('S'));
    e.runFor(NS_PER_S / 100);
    assert.equal(pf.dropCounts['tcp-bad-flags'], 3);
    assert.equal(pf.dropCounts['ct-invalid'], 1);
    assert.equal(net.received.length, 1);
    net.send(encodeSpec('eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:02),ipv4(src=10.0.0.9,dst=10.0.0.2),tcp(src=443,dst=40000,flags=SA)'));
    net.send(encodeSpec('eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:02),ipv4(src=10.0.0.9,dst=10.0.0.2),tcp(src=443,dst=40001,flags=SA)'));
    e.runFor(NS_PER_S / 100);
    assert.equal(vm.received.length, 1, 'the SYN/ACK of the tracked connection passes, the stray one does not');
    assert.equal(pf.dropCounts['sg-ingress-denied'], 1);
    assertConserved(e);
});
test('a TSO packet of an allowed connection passes whole with its offload state; one that is not allowed is dropped', () => {
    const { e, pf, vm, net } = rawLab(BASE);
    const data = 'ab'.repeat(1500);
    const tcp = (sport, flags, payload = '') => encodeSpec(`eth(src=${VM_MAC},dst=02:00:00:00:00:09),ipv4(src=10.0.0.2,dst=10.0.0.9),tcp(src=${sport},dst=443,seq=1,flags=${flags})${payload === '' ? '' : `,payload(hex=${payload})`}`);
    const tso = { csumStart: 34, csumOffset: 16, gsoType: 1, gsoSize: 500 };
    vm.send(tcp(40000, 'S'));
    e.runFor(NS_PER_S / 100);
    net.send(encodeSpec('eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:02),ipv4(src=10.0.0.9,dst=10.0.0.2),tcp(src=443,dst=40000,seq=9,ack=2,flags=SA)'));
    e.runFor(NS_PER_S / 100);
    vm.send(tcp(40000, 'A', data), false, tso);
    // From the network side, data of no tracked connection is new ingress, denied by default.
    net.send(encodeSpec(`eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:02),ipv4(src=10.0.0.9,dst=10.0.0.2),tcp(src=443,dst=40009,seq=9,flags=A),payload(hex=${data})`), false, tso);
    e.runFor(NS_PER_S / 100);
    assert.equal(net.received.length, 2, 'the SYN, then the TSO packet');
    assert.equal(net.received[1].length, 14 + 20 + 20 + 1500);
    assert.deepEqual(net.receivedOffloads[1], tso);
    assert.equal(vm.received.length, 1, 'only the SYN/ACK');
    assert.equal(pf.dropCounts['ct-invalid'] + pf.dropCounts['sg-ingress-denied'], 1);
    assertConserved(e);
});
test('configuration errors name the rule and field', () => {
    const e = new Engine();
    assert.throws(() => e.configure(new Graph().app('pf', PortFilter, { ...BASE, ingress: [{ protocol: 'icmp', ports: 80 }] })), /port filter pf: ingress\[0\]\.ports needs protocol tcp or udp/);
    assert.throws(() => e.configure(new Graph().app('pf2', PortFilter, { ...BASE, mac: 'zz' })), /port filter pf2: mac: invalid MAC/);
});
//# sourceMappingURL=port-filter.test.js.map