import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vm } from '../../vm/vm.js';
import { VirtioNetDevice } from './device.js';
import { DRIVER_FEATURE_PROFILES } from './driver.js';
import { DEVICE_FEATURES, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, TX_QUEUE, VIRTIO_NET_F_CSUM, featureNames, featureSet, hasFeature } from './net.js';
import { nicConformance, twoGuestLab } from '../../testing/nic-conformance.js';
const ADS = STATUS_ACKNOWLEDGE | STATUS_DRIVER;
function device() {
    return new VirtioNetDevice(new Vm('t', { ramBytes: 1 << 20 }), { mac: 0x020000000001 });
}
test('the device offers the spec feature bits it implements', () => {
    assert.deepEqual(featureNames(DEVICE_FEATURES).sort(), ['CSUM', 'GUEST_CSUM', 'MAC', 'MRG_RXBUF', 'RING_EVENT_IDX', 'RING_INDIRECT_DESC', 'STATUS', 'VERSION_1']);
    const d = device();
    assert.equal(d.readDeviceFeatures(1), 1, 'VERSION_1 is bit 32');
    assert.ok(hasFeature(d.readDeviceFeatures(0), VIRTIO_NET_F_CSUM));
});
test('FEATURES_OK does not stick when the driver accepts an unoffered feature or leaves out VERSION_1', () => {
    const d = device();
    d.writeStatus(ADS);
    d.writeDriverFeatures(0, 1 << 2); // bit 2 (GUEST_TSO4-era CTRL_GUEST_OFFLOADS) is not offered
    d.writeDriverFeatures(1, 1);
    d.writeStatus(ADS | STATUS_FEATURES_OK);
    assert.equal(d.readStatus() & STATUS_FEATURES_OK, 0);
    const e = device();
    e.writeStatus(ADS);
    e.writeDriverFeatures(0, 0);
    e.writeStatus(ADS | STATUS_FEATURES_OK);
    assert.equal(e.readStatus() & STATUS_FEATURES_OK, 0, 'a modern-only device needs VERSION_1');
    assert.equal(e.transportFaults.get('features-refused'), 1);
});
test('wrong status and register sequences set DEVICE_NEEDS_RESET, and a reset clears it', () => {
    const cases = [
        ['driver-ok-without-features-ok', (d) => { d.writeStatus(ADS); d.writeStatus(ADS | STATUS_DRIVER_OK); }],
        ['bad-status-write', (d) => { d.writeStatus(ADS); d.writeStatus(STATUS_ACKNOWLEDGE); }],
        ['bad-status-write', (d) => { d.writeStatus(STATUS_DEVICE_NEEDS_RESET); }],
        ['features-after-features-ok', (d) => { d.writeStatus(ADS); d.writeDriverFeatures(1, 1); d.writeStatus(ADS | STATUS_FEATURES_OK); d.writeDriverFeatures(0, 1); }],
        ['bad-queue-index', (d) => d.setQueue(7, { size: 8, desc: 0, avail: 0, used: 0 })],
        ['queue-broken', (d) => { d.writeStatus(ADS); d.writeDriverFeatures(1, 1); d.writeStatus(ADS | STATUS_FEATURES_OK); d.writeStatus(ADS | STATUS_FEATURES_OK | STATUS_DRIVER_OK); }],
        ['queue-broken', (d) => {
                d.writeStatus(ADS);
                d.writeDriverFeatures(1, 1);
                d.writeStatus(ADS | STATUS_FEATURES_OK);
                d.setQueue(0, { size: 256, desc: (1 << 20) - 64, avail: 0, used: 0 });
                d.setQueue(1, { size: 256, desc: 0, avail: 4096, used: 8192 });
                d.writeStatus(ADS | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
            }],
    ];
    for (const [fault, run] of cases) {
        const d = device();
        run(d);
        assert.ok((d.status & STATUS_DEVICE_NEEDS_RESET) !== 0, fault);
        assert.ok((d.transportFaults.get(fault) ?? 0) >= 1, fault);
        assert.equal(d.live, false);
        const p = new Uint8Array(64);
        assert.equal(d.deliverRx(p, 0, 60), 'device-not-ready');
        d.writeStatus(0);
        assert.equal(d.status, 0);
    }
});
test('every transport access is counted as an exit, and kicks ring the doorbell', () => {
    const d = device();
    const vm = d.vm;
    d.writeStatus(ADS);
    d.readStatus();
    d.notify(TX_QUEUE);
    assert.equal(vm.exits, 3);
    assert.equal(vm.doorbells.read(1), 1);
    assert.equal(vm.exitsByReason.get('queue-notify'), 1);
});
test('a guest that corrupts its transmit ring gets DEVICE_NEEDS_RESET and the lab keeps running', () => {
    const n = twoGuestLab('vhost-net');
    const s = n.a.ping(n.bIp, { count: 1, interval: 1e6, timeout: 1e8 });
    n.engine.runUntil(() => s.done, 1e9);
    assert.equal(s.received, 1);
    const dev = n.engine.app('a/driver-eth0').device;
    const mem = dev.vm.memory;
    const tx = n.engine.app('a/driver-eth0').txq.addrs;
    mem.store16(tx.avail + 2, (mem.load16(tx.avail + 2) + 1000) & 0xffff); // avail.idx jumps by 1000
    dev.notify(TX_QUEUE);
    n.engine.runFor(1e6);
    assert.ok((dev.status & STATUS_DEVICE_NEEDS_RESET) !== 0);
    assert.equal(dev.txq.broken, 'avail-index-jump');
    const again = n.a.ping(n.bIp, { count: 1, interval: 1e6, timeout: 1e7 });
    n.engine.runUntil(() => again.done, 1e9);
    assert.equal(again.received, 0, 'a device that needs a reset moves no frames');
});
test('copies and hops per frame differ by placement: virtio 2 and a hop, vhost-net 1, vhost-user 1 and a hop through the ring of references', () => {
    const per = {};
    for (const kind of ['virtio', 'vhost-net', 'vhost-user']) {
        const n = twoGuestLab(kind);
        const s = n.a.ping(n.bIp, { count: 4, interval: 1e6, timeout: 1e8 });
        n.engine.runUntil(() => s.done, 1e9);
        const st = n.stats();
        per[kind] = { copies: st.copies / st.frames, hops: st.hops / st.frames };
    }
    assert.deepEqual(per, { virtio: { copies: 2, hops: 1 }, 'vhost-net': { copies: 1, hops: 0 }, 'vhost-user': { copies: 1, hops: 1 } });
});
for (const [profile, features] of Object.entries(DRIVER_FEATURE_PROFILES)) {
    nicConformance(`a driver with features "${profile}" over vhost-net`, () => twoGuestLab('vhost-net', { driverFeatures: features }));
}
test('a driver without EVENT_IDX still suppresses interrupts with flags, and CSUM offload completes checksums on the device', () => {
    const n = twoGuestLab('virtio', { driverFeatures: featureSet(0, 5, 32) });
    let got = 0;
    n.b.udpBind(9, () => { got++; });
    const s = n.a.ping(n.bIp, { count: 1, interval: 1e6, timeout: 1e8 });
    n.engine.runUntil(() => s.done, 1e9);
    for (let i = 0; i < 20; i++)
        n.a.udpSend(n.bIp, 9, Uint8Array.of(i), { srcPort: 10 });
    n.engine.runUntil(() => got === 20, 1e8);
    assert.equal(got, 20, 'the receiver verified every UDP checksum the device completed');
    const drv = n.engine.app('a/driver-eth0');
    assert.ok(drv.txCsumOffloaded >= 20);
});
test('hasFeature reads every bit of a 53-bit feature set, low and high words alike', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 2000; i++) {
        const bits = [];
        for (let b = 0; b < 53; b++)
            if (next() % 3 === 0)
                bits.push(b);
        const f = bits.reduce((sum, b) => sum + 2 ** b, 0);
        for (let b = 0; b < 53; b++)
            assert.equal(hasFeature(f, b), bits.includes(b), `bit ${b} of ${f}`);
        assert.equal(featureSet(...bits), f);
    }
});
//# sourceMappingURL=device.test.js.map