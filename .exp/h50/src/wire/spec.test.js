import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpec, formatSpec, parseSpec, SpecError } from './spec.js';
import { SCAPY_FIXTURES, randomSpec, rng } from './spec-fixtures.js';
const hex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b) => Buffer.from(b).toString('hex');
for (const fx of SCAPY_FIXTURES) {
    test(`spec to bytes and back matches scapy: ${fx.name}`, () => {
        assert.equal(toHex(encodeSpec(fx.spec)), fx.hex);
        assert.equal(formatSpec(hex(fx.hex)), fx.spec);
    });
}
test('lengths, EtherTypes, protocols and checksums are computed unless given', () => {
    const good = encodeSpec('eth(),ipv4(),udp(),payload(len=4)');
    assert.equal(toHex(good.subarray(12, 14)), '0800');
    assert.equal(good[23], 17);
    assert.equal((good[16] << 8) | good[17], 20 + 8 + 4);
    const bad = encodeSpec('eth(),ipv4(csum=0x1234),udp(csum=0),payload(len=4)');
    assert.equal(toHex(bad.subarray(24, 26)), '1234');
    assert.equal(toHex(bad.subarray(40, 42)), '0000');
    assert.equal(formatSpec(bad), 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,csum=0x1234),udp(src=1024,dst=1024,csum=0x0000),payload(len=4)');
});
test('payload takes hex, a zero length or a fill byte, and pad is not counted in lengths', () => {
    assert.equal(toHex(encodeSpec('payload(hex=0102)')), '0102');
    assert.equal(toHex(encodeSpec('payload(len=3)')), '000000');
    assert.equal(toHex(encodeSpec('payload(len=3,fill=0xab)')), 'ababab');
    const b = encodeSpec('eth(),ipv4(),payload(len=2),pad(len=4)');
    assert.equal(b.length, 14 + 20 + 2 + 4);
    assert.equal((b[16] << 8) | b[17], 22);
});
test('qinq writes an 802.1ad tag in front of an 802.1Q tag', () => {
    const b = encodeSpec('eth(),qinq(vid=100,pcp=5),vlan(vid=10),ipv4(),payload(len=1)');
    assert.equal(toHex(b.subarray(12, 22)), '88a8a0648100000a0800');
    assert.match(formatSpec(b), /qinq\(vid=100,pcp=5\),vlan\(vid=10\)/);
});
test('GRE presence bits follow the fields given and a bare csum is computed', () => {
    const b = encodeSpec('eth(),ipv4(),gre(csum,key=7,seq=9),ipv4(),payload(len=2)');
    assert.equal(toHex(b.subarray(34, 38)), 'b0000800');
    assert.equal(formatSpec(b), 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),gre(csum,key=7,seq=9),ipv4(src=10.0.0.1,dst=10.0.0.2),payload(len=2)');
});
test('bad specs throw errors naming the layer, the field and the position', () => {
    const cases = [
        ['eth(src=zz)', /eth field src: expected a MAC address/, 4],
        ['eth(),ipv4(ttl=300)', /ipv4 field ttl: expected a number 0-255/, 11],
        ['eth(),ipv4(tll=3)', /ipv4 field tll: unknown field/, 11],
        ['eth(),bogus()', /unknown layer "bogus"/, 6],
        ['eth(src=02:00:00:00:00:01', /expected "," or "\)"/, 25],
        ['eth(),ipv4(src=1.2.3)', /ipv4 field src: expected an IPv4 address/, 11],
        ['eth(),ipv4(),tcp(flags=SX)', /tcp field flags: expected flag letters/, 17],
        ['eth(),ipv4(),tcp(opts=00,mss=1)', /tcp field mss: cannot be combined with opts=/, 25],
        ['payload(hex=abc)', /payload field hex: expected an even number of hex digits/, 8],
        ['eth(),eth(dst=1,dst=2)', /eth field dst: given twice/, 16],
        ['', /empty spec/, 0],
    ];
    for (const [text, re, pos] of cases) {
        assert.throws(() => encodeSpec(text), (e) => e instanceof SpecError && re.test(e.message) && e.position === pos, text);
    }
});
test('parseSpec keeps fields in order, bare flags included', () => {
    const [eth, tcp] = parseSpec(' eth( src = 02:00:00:00:00:01 ) , tcp(nop,nop,sackok)');
    assert.equal(eth.fields[0].value, '02:00:00:00:00:01');
    assert.deepEqual(tcp.fields.map((f) => [f.key, f.value]), [['nop', null], ['nop', null], ['sackok', null]]);
});
test('spec -> bytes -> spec -> bytes is the identity over random specs', () => {
    const r = rng(0x5eed);
    for (let i = 0; i < 600; i++) {
        const spec = randomSpec(r);
        const bytes = encodeSpec(spec);
        const canonical = formatSpec(bytes);
        assert.equal(toHex(encodeSpec(canonical)), toHex(bytes), `${spec}\n -> ${canonical}`);
        assert.equal(formatSpec(encodeSpec(canonical)), canonical, 'the canonical form is a fixed point');
    }
});
test('any bytes, even mutated or cut frames, format to a spec that encodes back to them', () => {
    const r = rng(77);
    for (let i = 0; i < 600; i++) {
        const b = encodeSpec(randomSpec(r));
        const m = b.slice(0, r() % 3 === 0 ? r() % (b.length + 1) : b.length);
        for (let k = r() % 4; k > 0 && m.length > 0; k--)
            m[r() % m.length] = r() & 0xff;
        const spec = formatSpec(m);
        assert.equal(toHex(encodeSpec(spec)), toHex(m), spec);
    }
});
//# sourceMappingURL=spec.test.js.map