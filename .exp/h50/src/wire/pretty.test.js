import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packetJson, prettyPacket } from './pretty.js';
import { encodeSpec } from './spec.js';
import { SCAPY_FIXTURES } from './spec-fixtures.js';
const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const fixture = (name) => hex(SCAPY_FIXTURES.find((f) => f.name === name).hex);
test('an ARP request prints the question, with the padding at the outer level', () => {
    assert.equal(prettyPacket(fixture('ARP request padded to 60 bytes')), ['Ethernet 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff type ARP (0x0806)', '  ARP who-has 10.0.0.2 tell 10.0.0.1 (02:00:00:00:00:01)', 'Padding 18 bytes'].join('\n'));
});
test('a VXLAN frame prints one line per layer, each carried layer indented further', () => {
    assert.equal(prettyPacket(fixture('VXLAN carrying an ICMP echo')), [
        'Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type IPv4 (0x0800)',
        '  IPv4 10.0.0.1 > 10.0.0.2 ttl 64 id 1 len 89 proto UDP',
        '    UDP 49152 > 4789 len 69',
        '      VXLAN vni 42 flags 0x08',
        '        Ethernet 02:1a:b0:00:2a:01 > 02:1a:b0:00:2a:02 type IPv4 (0x0800)',
        '          IPv4 192.168.42.1 > 192.168.42.2 ttl 64 id 1 len 39 proto ICMP',
        '            ICMP echo-request code 0 id 16962 seq 1',
        '              Payload 11 bytes',
    ].join('\n'));
});
test('TCP options, GRE keys, tags and bad checksums are shown', () => {
    assert.equal(prettyPacket(fixture('TCP SYN with Linux-style options')).split('\n')[2], '    TCP 40000 > 80 [S] seq 1000 ack 0 win 64240 options [mss 1460, sackok, ts 1/0, nop, wscale 7]');
    assert.equal(prettyPacket(fixture('GRE with a key carrying Ethernet')).split('\n')[2], '    GRE proto TEB (0x6558) key 1000');
    assert.equal(prettyPacket(encodeSpec('eth(),qinq(vid=100,pcp=5,dei=1),vlan(vid=10),ipv4(csum=1,df,mf,frag=8),payload(len=1)')), [
        'Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02 type 802.1ad (0x88a8)',
        '  802.1ad vid 100 pcp 5 dei type 802.1Q (0x8100)',
        '    802.1Q vid 10 pcp 0 type IPv4 (0x0800)',
        '      IPv4 10.0.0.1 > 10.0.0.2 ttl 64 id 0 len 21 proto 253 flags DF,MF frag 8 [bad checksum]',
        '        Payload 1 byte',
    ].join('\n'));
});
test('an ICMP error prints the quoted header, and a malformed layer prints its reason', () => {
    assert.equal(prettyPacket(encodeSpec('eth(),ipv4(),icmp(type=dest-unreachable,code=4,mtu=1400),ipv4(src=10.0.0.2,dst=10.9.9.9,proto=17,len=300),payload(len=8)')).split('\n').slice(2).join('\n'), ['    ICMP dest-unreachable code 4 mtu 1400', '      quoted IPv4 10.0.0.2 > 10.9.9.9 ttl 64 id 0 len 300 proto UDP', '        Payload 8 bytes'].join('\n'));
    assert.equal(prettyPacket(encodeSpec('eth(),ipv4(len=100)')).split('\n')[1], '  IPv4 [malformed: total-length-exceeds-buffer] (20 bytes)');
    assert.equal(prettyPacket(new Uint8Array(3)), 'Ethernet [malformed: truncated] (3 bytes)');
});
test('the JSON form is the layer list and is stable', () => {
    const b = encodeSpec('eth(),ipv4(),udp(src=1,dst=2,csum=0)');
    const json = packetJson(b);
    assert.equal(json, packetJson(b.slice()));
    const layers = JSON.parse(json);
    assert.deepEqual(layers.map((l) => [l.name, l.offset]), [['eth', 0], ['ipv4', 14], ['udp', 34]]);
    assert.deepEqual(layers[2].fields, { src: 1, dst: 2, len: 8, csum: 0, checksum: 'none' });
});
//# sourceMappingURL=pretty.test.js.map