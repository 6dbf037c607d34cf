import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveMac, resolveHostConf } from './config.js';
import { formatMac, isLocallyAdministered, isMulticast } from '../wire/mac.js';
import { formatIpv4Addr } from '../wire/ipv4-addr.js';
test('a MAC is derived from host and interface names: stable, unicast, locally administered', () => {
    const a = deriveMac('h1', 'eth0');
    assert.equal(a, deriveMac('h1', 'eth0'));
    assert.notEqual(a, deriveMac('h2', 'eth0'));
    assert.notEqual(a, deriveMac('h1', 'eth1'));
    assert.ok(isLocallyAdministered(a));
    assert.ok(!isMulticast(a));
    assert.match(formatMac(a), /^02:/);
});
test('interfaces get connected routes and the gateway becomes a default route', () => {
    const r = resolveHostConf('h', {
        interfaces: { eth0: { ip: '10.0.0.1/24', ips: ['10.0.1.1/24'], mac: '02:aa:bb:cc:dd:ee' }, eth1: { ip: '192.168.5.9/16' } },
        routes: [{ dst: '172.16.0.0/12', via: '192.168.0.1' }],
        gateway: '10.0.0.254',
    });
    assert.deepEqual(r.ifaces.map((i) => i.name), ['eth0', 'eth1']);
    assert.equal(formatMac(r.ifaces[0].mac), '02:aa:bb:cc:dd:ee');
    assert.deepEqual(r.routes.map((x) => `${formatIpv4Addr(x.dst)}/${x.prefixLen} via ${formatIpv4Addr(x.via)} ${r.ifaces[x.ifIndex].name} ${x.proto}`), [
        '10.0.0.0/24 via 0.0.0.0 eth0 kernel',
        '10.0.1.0/24 via 0.0.0.0 eth0 kernel',
        '192.168.0.0/16 via 0.0.0.0 eth1 kernel',
        '172.16.0.0/12 via 192.168.0.1 eth1 static',
        '0.0.0.0/0 via 10.0.0.254 eth0 static',
    ]);
    assert.equal(r.ifaces[0].isBroadcast(0x0a0000ff), true);
});
test('VLAN sub-interfaces ride on their parent port, named or implied', () => {
    const r = resolveHostConf('svc', { interfaces: { 'eth0.10': { ip: '10.0.10.254/24' }, 'eth0.20': { ip: '10.0.20.254/24' }, eth1: { parent: 'eth0', vlan: 30 } } });
    assert.deepEqual(r.ports.map((p) => p.name), ['eth0']);
    const port = r.ports[0];
    assert.equal(port.untagged, null);
    assert.deepEqual([...port.vlans.keys()].sort((a, b) => a - b), [10, 20, 30]);
    // With no parent interface, the port's derived MAC is used by every sub-interface.
    assert.ok(r.ifaces.every((i) => i.mac === deriveMac('svc', 'eth0')));
});
test('configuration mistakes are errors that name the host and the field', () => {
    const bad = [
        [{ interfaces: {} }, /host h: no interfaces/],
        [{ interfaces: { eth0: { ip: '10.0.0.300/24' } } }, /interface eth0: invalid IPv4 address/],
        [{ interfaces: { eth0: { ip: '10.0.0.1' } } }, /needs a prefix length/],
        [{ interfaces: { eth0: { ip: '10.0.0.0/24' } } }, /not a usable host address/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' }, eth1: { ip: '10.0.0.1/24' } } }, /already on eth0/],
        [{ interfaces: { eth0: { vlan: 5000 } } }, /vlan must be an integer 1-4094/],
        [{ interfaces: { eth1: { parent: 'eth0' } } }, /parent eth0 given without a vlan id/],
        [{ interfaces: { eth0: { vlan: 5 }, 'eth0.10': {} } }, /parent eth0 is itself a VLAN interface/],
        [{ interfaces: { 'eth0.10': {}, x: { parent: 'eth0', vlan: 10 } } }, /vlan 10 on port eth0 is already taken by eth0.10/],
        [{ interfaces: { eth0: { mac: '01:00:5e:00:00:01' } } }, /multicast/],
        [{ interfaces: { eth0: { mtu: 20 } } }, /mtu must be an integer/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' } }, gateway: '10.9.9.9' }, /gateway 10.9.9.9 is not in any connected subnet/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' } }, routes: [{ dst: '10.1.0.0/16' }] }, /needs via or dev/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' } }, routes: [{ dst: '10.1.0.0/16', dev: 'eth9' }] }, /no interface eth9/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' } }, routes: [{ dst: '10.0.0.0/24', dev: 'eth0' }] }, /already exists/],
        [{ interfaces: { eth0: { ip: '10.0.0.1/24' } }, maxRoutes: 1, gateway: '10.0.0.254' }, /2 routes exceed maxRoutes 1/],
        [{ interfaces: { eth0: {} }, arp: { queueLength: 0 } }, /arp.queueLength must be a positive integer/],
    ];
    for (const [conf, message] of bad)
        assert.throws(() => resolveHostConf('h', conf), message, JSON.stringify(conf));
});
//# sourceMappingURL=config.test.js.map