import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dissect } from './dissect.js';
import { encodeSpec } from './spec.js';
import { prettyLayers } from './pretty.js';
import { SCAPY_FIXTURES, randomSpec, rng } from './spec-fixtures.js';
const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const names = (b) => dissect(b).map((l) => (l.error ? `${l.name}!${l.error}` : l.name)).join(',');
test('scapy frames decode into the expected layers with good checksums', () => {
    const expected = [
        'eth,arp,pad',
        'eth,ipv4,icmp,payload',
        'eth,vlan,ipv4,udp,payload',
        'eth,ipv4,tcp',
        'eth,ipv4,udp,vxlan,eth,ipv4,icmp,payload',
        'eth,ipv4,gre,eth,ipv4,udp,payload',
    ];
    SCAPY_FIXTURES.forEach((fx, i) => {
        const layers = dissect(hex(fx.hex));
        assert.equal(layers.map((l) => l.name).join(','), expected[i], fx.name);
        for (const l of layers)
            if (l.fields.checksum !== undefined)
                assert.equal(l.fields.checksum, 'ok', `${fx.name}: ${l.name}`);
    });
});
test('layer offsets and lengths tile the frame', () => {
    for (const fx of SCAPY_FIXTURES) {
        const b = hex(fx.hex);
        let at = 0;
        for (const l of dissect(b)) {
            assert.equal(l.offset, at, `${fx.name}: ${l.name}`);
            at += l.length;
        }
        assert.equal(at, b.length);
    }
});
test('fields of a TCP SYN and a VXLAN frame come out by name', () => {
    const [, ip, tcp] = dissect(hex(SCAPY_FIXTURES[3].hex));
    assert.deepEqual([ip.fields.src, ip.fields.dst, ip.fields.df, ip.fields.ttl, ip.fields.id], ['10.0.0.1', '10.0.0.2', true, 64, 1]);
    assert.deepEqual([tcp.fields.src, tcp.fields.dst, tcp.fields.flags, tcp.fields.seq, tcp.fields.win], [40000, 80, 'S', 1000, 64240]);
    assert.equal(tcp.fields.options, 'mss 1460, sackok, ts 1/0, nop, wscale 7');
    const vx = dissect(hex(SCAPY_FIXTURES[4].hex));
    assert.equal(vx[3].fields.vni, 42);
    assert.equal(vx[4].fields.src, '02:1a:b0:00:2a:01');
    assert.deepEqual([vx[6].fields.id, vx[6].fields.seq], [0x4242, 1]);
});
test('bad checksums are reported as fields, not errors', () => {
    const layers = dissect(encodeSpec('eth(),ipv4(csum=0x1234),tcp(csum=0x1),payload(len=3)'));
    assert.equal(names(encodeSpec('eth(),ipv4(csum=0x1234),tcp(csum=0x1),payload(len=3)')), 'eth,ipv4,tcp,payload');
    assert.equal(layers[1].fields.checksum, 'bad');
    assert.equal(layers[2].fields.checksum, 'bad');
    assert.equal(dissect(encodeSpec('eth(),ipv4(),udp(csum=0)'))[2].fields.checksum, 'none');
    assert.equal(dissect(encodeSpec('eth(),ipv4(),icmp(csum=7)'))[2].fields.checksum, 'bad');
    assert.equal(dissect(encodeSpec('eth(),ipv4(),gre(csum=7),payload(len=2)'))[2].fields.checksum, 'bad');
});
test('a malformed layer carries the codec reason and decoding stops there', () => {
    assert.equal(names(new Uint8Array(5)), 'eth!truncated');
    assert.equal(names(encodeSpec('eth(),ipv4(len=100)')), 'eth,ipv4!total-length-exceeds-buffer');
    assert.equal(names(encodeSpec('eth(),ipv4(),udp(len=4)')), 'eth,ipv4,udp!bad-length');
    assert.equal(names(encodeSpec('eth(),ipv4(),tcp(opts=0205)')), 'eth,ipv4,tcp!bad-option');
    assert.equal(names(encodeSpec('eth(),ipv4(),gre(ver=1)')), 'eth,ipv4,gre!unsupported-version');
    assert.equal(names(encodeSpec('eth(),ipv4(),udp(),vxlan(flags=0)')), 'eth,ipv4,udp,vxlan!vni-flag-not-set');
    assert.equal(names(encodeSpec('eth(type=0x0806),payload(len=10)')), 'eth,arp!truncated');
    const cut = dissect(encodeSpec('eth(),ipv4(),payload(len=1)').subarray(0, 30));
    assert.equal(cut[1].error, 'truncated');
    assert.equal(cut[1].length, 16);
});
test('fragments and unknown protocols end in payload; bytes after the IPv4 length are padding', () => {
    assert.equal(names(encodeSpec('eth(),ipv4(mf),udp()')), 'eth,ipv4,payload');
    assert.equal(names(encodeSpec('eth(),ipv4(proto=99),payload(len=3)')), 'eth,ipv4,payload');
    assert.equal(names(encodeSpec('eth(),ipv4(),udp(),pad(len=6)')), 'eth,ipv4,udp,pad');
    assert.equal(names(encodeSpec('eth(),ipv4(),icmp(type=time-exceeded),ipv4(len=500,proto=6),payload(len=8)')), 'eth,ipv4,icmp,ipv4,payload');
});
test('dissect and pretty never throw over 100,000 random, mutated and cut inputs', () => {
    const r = rng(2024);
    const seeds = [];
    for (let i = 0; i < 200; i++)
        seeds.push(encodeSpec(randomSpec(r)));
    const started = Date.now();
    let layersSeen = 0;
    for (let i = 0; i < 100_000; i++) {
        let b;
        if (i % 10 === 0) {
            b = new Uint8Array(r() % 128);
            for (let k = 0; k < b.length; k++)
                b[k] = r() & 0xff;
        }
        else {
            const s = seeds[r() % seeds.length];
            b = s.slice(0, i % 3 === 0 ? r() % (s.length + 1) : s.length);
            for (let k = 1 + (r() % 3); k > 0 && b.length > 0; k--)
                b[r() % b.length] = r() & 0xff;
        }
        const layers = dissect(b);
        layersSeen += layers.length;
        for (const l of layers)
            assert.ok(l.offset >= 0 && l.offset + l.length <= b.length);
        prettyLayers(layers);
    }
    assert.ok(layersSeen > 300_000);
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});
//# sourceMappingURL=dissect.test.js.map