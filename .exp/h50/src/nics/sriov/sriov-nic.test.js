import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Peer } from '../../hosts/testkit.js';
import { encodeSpec } from '../../wire/spec.js';
import { assertConserved } from '../../testing/conservation.js';
import { SriovNic } from './sriov-nic.js';
import { formatIpLinkShow, parseIpLinkVf } from './ip-link.js';
const MAC = (vf) => `02:00:00:00:00:${(0x10 + vf).toString(16)}`;
const OUTSIDE = '02:00:00:00:00:ee';
/** A NIC with 4 VFs, a peer on the uplink and a peer (guest) on each VF. */
function rig(conf = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph();
    g.app('nic0', SriovNic, { maxVfs: 8, vfs: 4, driverMacs: { 0: MAC(0), 1: MAC(1), 2: MAC(2), 3: MAC(3) }, ...conf });
    g.app('wire', Peer, {});
    g.connect('wire.port', 'nic0.uplink');
    for (let i = 0; i < 4; i++) {
        g.app(`g${i}`, Peer, {});
        g.connect(`g${i}.port`, `nic0.vf${i}`);
    }
    engine.configure(g);
    const nic = engine.app('nic0');
    const peer = (n) => engine.app(n);
    const run = () => { engine.runFor(100_000); };
    return { engine, nic, peer, run };
}
const frame = (src, dst, extra = '') => encodeSpec(`eth(src=${src},dst=${dst})${extra},ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1000,dst=2000),payload(len=32)`);
test('the VEB forwards VF to VF by MAC in hardware, without going out of the uplink', () => {
    const { engine, nic, peer, run } = rig();
    const f = frame(MAC(0), MAC(2));
    peer('g0').send(f);
    run();
    assert.deepEqual(peer('g2').received, [f]);
    assert.equal(peer('wire').received.length, 0);
    assert.equal(peer('g1').received.length, 0);
    assert.equal(nic.vf(0).txPackets, 1);
    assert.equal(nic.vf(2).rxPackets, 1);
    assertConserved(engine);
});
test('unicast to an unknown MAC goes out of the uplink, and frames from the uplink reach the VF that owns the MAC', () => {
    const { peer, run } = rig();
    peer('g1').send(frame(MAC(1), OUTSIDE));
    peer('wire').send(frame(OUTSIDE, MAC(3)));
    peer('wire').send(frame(OUTSIDE, '02:00:00:00:00:99'));
    run();
    assert.equal(peer('wire').received.length, 1);
    assert.equal(peer('g3').received.length, 1);
});
test('unicast from the uplink to a MAC no VF holds is a counted drop', () => {
    const { nic, peer, run } = rig();
    peer('wire').send(frame(OUTSIDE, '02:00:00:00:00:99'));
    run();
    assert.equal(nic.dropCounts['no-match'], 1);
});
test('a broadcast from a VF reaches every other VF and the uplink once', () => {
    const { engine, peer, run } = rig();
    peer('g0').send(frame(MAC(0), 'ff:ff:ff:ff:ff:ff'));
    run();
    assert.equal(peer('g0').received.length, 0);
    for (const n of ['g1', 'g2', 'g3', 'wire'])
        assert.equal(peer(n).received.length, 1, n);
    assertConserved(engine);
});
test('a port VLAN is inserted with its qos towards the uplink and stripped towards the VF', () => {
    const { nic, peer, run } = rig({ vfSettings: { 1: { vlan: 10, qos: 3 } } });
    peer('g1').send(frame(MAC(1), OUTSIDE));
    run();
    const out = peer('wire').received[0];
    assert.deepEqual([...out.subarray(12, 16)], [0x81, 0x00, (3 << 5) | 0, 10]);
    assert.deepEqual(out.subarray(16), frame(MAC(1), OUTSIDE).subarray(12));
    peer('wire').send(frame(OUTSIDE, MAC(1), ',vlan(vid=10)'));
    run();
    assert.deepEqual(peer('g1').received[0], frame(OUTSIDE, MAC(1)));
    // Untagged or wrongly tagged frames for the VF's MAC do not reach it.
    peer('wire').send(frame(OUTSIDE, MAC(1)));
    peer('wire').send(frame(OUTSIDE, MAC(1), ',vlan(vid=20)'));
    run();
    assert.equal(peer('g1').received.length, 1);
    assert.equal(nic.dropCounts['no-match'], 2);
});
test('VFs on different port VLANs are isolated, even for broadcasts', () => {
    const { peer, run } = rig({ vfSettings: { 0: { vlan: 10 }, 1: { vlan: 10 }, 2: { vlan: 20 } } });
    peer('g0').send(frame(MAC(0), 'ff:ff:ff:ff:ff:ff'));
    peer('g0').send(frame(MAC(0), MAC(2)));
    run();
    assert.equal(peer('g1').received.length, 1);
    assert.equal(peer('g2').received.length, 0);
    // vf3 has no port VLAN: it sees the broadcast with the tag on, as a VLAN-unaware trunk would.
    const seen = peer('g3').received[0];
    assert.deepEqual([...seen.subarray(12, 16)], [0x81, 0x00, 0, 10]);
    // The unicast to vf2's MAC on VLAN 10 left through the uplink (tagged) after the broadcast.
    assert.equal(peer('wire').received.length, 2);
    assert.equal(peer('wire').received[1][15], 10);
});
test('a guest frame that is already tagged on a port-VLAN VF is dropped', () => {
    const { nic, peer, run } = rig({ vfSettings: { 0: { vlan: 10 } } });
    peer('g0').send(frame(MAC(0), OUTSIDE, ',vlan(vid=5)'));
    run();
    assert.equal(nic.dropCounts['tagged-on-port-vlan'], 1);
    assert.equal(nic.vf(0).txDropped, 1);
});
test('spoof checking drops frames whose source is not the VF MAC, and turning it off lets them through', () => {
    const { nic, peer, run } = rig();
    peer('g0').send(frame('02:00:00:00:00:66', OUTSIDE));
    run();
    assert.equal(nic.dropCounts.spoofed, 1);
    assert.equal(peer('wire').received.length, 0);
    nic.setVf(0, { spoofchk: false });
    peer('g0').send(frame('02:00:00:00:00:66', OUTSIDE));
    run();
    assert.equal(peer('wire').received.length, 1);
});
test('an untrusted VF cannot override an admin MAC or go promiscuous; a trusted one can', () => {
    assert.throws(() => rig({ vfSettings: { 2: { mac: '02:aa:00:00:00:02' } } }), /vf 2: the guest driver's MAC 02:00:00:00:00:12 was refused \(the administrator set 02:aa:00:00:00:02 and the VF is not trusted\)/);
    const { nic, peer, run } = rig({ vfSettings: { 2: { mac: '02:aa:00:00:00:02' } }, driverMacs: { 0: MAC(0) } });
    assert.equal(nic.requestMac(2, '02:bb:00:00:00:02'), 'admin-mac-set');
    assert.equal(nic.requestPromisc(2, true), 'not-trusted');
    assert.equal(nic.mailboxRefused, 2);
    nic.setVf(2, { trust: true });
    assert.equal(nic.requestMac(2, '02:bb:00:00:00:02'), 'ok');
    assert.equal(nic.requestPromisc(2, true), 'ok');
    peer('wire').send(frame(OUTSIDE, '02:bb:00:00:00:02'));
    peer('wire').send(frame(OUTSIDE, '02:00:00:00:00:99'));
    run();
    assert.equal(peer('g2').received.length, 2, 'its new MAC and an unknown unicast (promiscuous)');
    assert.equal(nic.vf(2).mac, '02:bb:00:00:00:02');
});
test('two VFs cannot hold the same MAC on the same VLAN', () => {
    const { nic } = rig();
    assert.throws(() => nic.setVf(1, { mac: MAC(0) }), /sriov nic nic0 vf 1: mac 02:00:00:00:00:10 on vlan 0 is already used by vf0/);
    assert.equal(nic.requestMac(1, MAC(0)), 'mac-in-use');
});
test('link state disable cuts the VF off both ways; auto follows the uplink carrier; enable ignores it', () => {
    const { nic, peer, run } = rig({ vfSettings: { 0: { state: 'disable' }, 1: { state: 'enable' } } });
    peer('g0').send(frame(MAC(0), MAC(2)));
    peer('g2').send(frame(MAC(2), MAC(0)));
    run();
    assert.equal(peer('g2').received.length, 0);
    assert.equal(peer('g0').received.length, 0);
    assert.equal(nic.dropCounts['vf-link-down'], 2);
    nic.setCarrier(false);
    peer('g2').send(frame(MAC(2), MAC(3)));
    peer('g1').send(frame(MAC(1), MAC(3)));
    run();
    assert.equal(peer('g3').received.length, 0, 'auto VFs are down without carrier');
    nic.setVf(3, { state: 'enable' });
    peer('g1').send(frame(MAC(1), MAC(3)));
    run();
    assert.equal(peer('g3').received.length, 1, 'enabled VFs still switch locally');
    assert.equal(nic.vf(2).linkUp, false);
});
test('max_tx_rate limits a VF on the engine clock and counts the excess as drops', () => {
    const { engine, nic, peer } = rig({ vfSettings: { 0: { maxTxRate: 10 } } });
    const f = frame(MAC(0), OUTSIDE); // 74 bytes
    // Offer 10 frames every 10 us (about 592 Mbit/s) for 10 ms of engine time.
    let offered = 0;
    const clock = engine.clock;
    for (let t = 1; t <= 1000; t++) {
        for (let k = 0; k < 10; k++)
            peer('g0').send(f);
        offered += 10;
        engine.runFor(1000);
        clock.advanceTo(t * 10_000);
    }
    const passedBits = peer('wire').received.length * f.length * 8;
    const seconds = engine.now() / 1e9;
    const limit = 10e6 * seconds + 10e6 / 1000 + 2 * 1522 * 8;
    assert.ok(passedBits <= limit, `${passedBits} bits passed in ${seconds}s, limit ${limit}`);
    assert.ok(passedBits >= 10e6 * seconds * 0.9, `${passedBits} bits passed in ${seconds}s, expected about ${10e6 * seconds}`);
    assert.equal(nic.dropCounts['rate-limited'] + peer('wire').received.length, offered);
    assert.equal(nic.vf(0).txDropped, nic.dropCounts['rate-limited']);
});
test('asking for more VFs than the hardware has is an error naming the NIC and the limit', () => {
    const engine = new Engine();
    assert.throws(() => engine.configure(new Graph().app('nic7', SriovNic, { maxVfs: 8, vfs: 9 })), /sriov nic nic7: cannot enable 9 VFs, the hardware supports at most 8/);
});
test('a VF belongs to one instance: a second assignment is refused naming both', () => {
    const { nic } = rig();
    nic.assign(3, 'vm1');
    assert.throws(() => nic.assign(3, 'vm2'), /vf 3 is already assigned to vm1; it cannot also be assigned to vm2/);
    nic.release(3);
    nic.assign(3, 'vm2');
    assert.equal(nic.owner(3), 'vm2');
    assert.throws(() => nic.assign(4, 'vm2'), /vf 4 does not exist \(4 VFs enabled, hardware limit 8\)/);
});
test('the VEB table is bounded: programming past its size is refused and counted', () => {
    const { nic } = rig({ vebEntries: 3, driverMacs: { 0: MAC(0), 1: MAC(1) } });
    assert.equal(nic.vebSize, 3); // the PF and two VFs
    assert.equal(nic.requestMac(2, MAC(2)), 'veb-full');
    assert.equal(nic.vebRefused, 1);
    assert.throws(() => nic.setVf(3, { mac: MAC(3) }), /the VEB table is full \(3 entries\)/);
});
test('runts are dropped with a reason, never thrown', () => {
    const { nic, peer, run } = rig();
    peer('g0').send(new Uint8Array(6));
    peer('wire').send(new Uint8Array(13));
    run();
    assert.equal(nic.dropCounts.runt, 2);
});
test('ip link set parses every VF setting and ip link show prints them as iproute2 does', () => {
    const { nic } = rig();
    const cmd = parseIpLinkVf('ip link set dev nic0 vf 3 mac 02:00:00:00:03:01 vlan 10 qos 3 spoofchk off trust on state enable max_tx_rate 100'.split(' '));
    assert.deepEqual(cmd, { dev: 'nic0', vf: 3, settings: { mac: '02:00:00:00:03:01', vlan: 10, qos: 3, spoofchk: false, trust: true, state: 'enable', maxTxRate: 100 } });
    nic.setVf(cmd.vf, cmd.settings);
    const text = formatIpLinkShow(nic, 'nic0');
    assert.match(text, /numvfs 4 totalvfs 8/);
    assert.match(text, /\n {4}vf 3 {5}link\/ether 02:00:00:00:03:01 brd ff:ff:ff:ff:ff:ff, vlan 10, qos 3, max_tx_rate 100Mbps, spoof checking off, link-state enable, trust on$/);
    assert.match(text, /\n {4}vf 0 {5}link\/ether 02:00:00:00:00:10 brd ff:ff:ff:ff:ff:ff, spoof checking on, link-state auto, trust off\n/);
    assert.throws(() => parseIpLinkVf(['nic0', 'vf', '1', 'qos', '9']), /qos must be an integer 0\.\.7, got "9"/);
    assert.throws(() => parseIpLinkVf(['nic0', 'vf', '1', 'colour', 'red']), /unknown setting "colour"/);
    assert.throws(() => nic.setVf(1, { qos: 2 }), /qos needs a port vlan/);
});
//# sourceMappingURL=sriov-nic.test.js.map