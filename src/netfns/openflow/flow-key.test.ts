import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSpec } from '../../wire/spec.js';
import { rng } from '../../testing/classifier-suite.js';
import { INGRESS_WORDS, INGRESS_WORD_COUNT, RAW_KEY_TAG, extractFlowKey, extractFlowKeyHashed, extractIngressHashed, extractRawIpv4Hashed, ingressHash, newFlowKey, KEY_RUNT } from './flow-key.js';
import { FLOW_WORDS, W } from './types.js';

const SPECS = [
  'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),vlan(vid=1),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2)',
  'eth(src=02:00:00:00:00:09,dst=02:00:00:00:00:01),arp(op=reply,spa=10.0.0.9,tpa=10.0.0.1)',
  'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:09),vlan(vid=7),ipv4(src=10.0.0.1,dst=10.0.0.9),icmp(type=echo-request,id=1,seq=1)',
  'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=192.168.1.1,dst=224.0.0.5),udp(src=5353,dst=53)',
  'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.1.1.1,dst=10.2.2.2),tcp(src=40000,dst=80)',
];

/** The one-pass extractor into a key that has only ever seen extractors (non-ingress words zero). */
function hashed(bytes: Uint8Array, inPort: number, tun: number, key = newFlowKey()): { key: Uint32Array; hash: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { key, hash: extractFlowKeyHashed(view, 0, bytes.length, inPort, tun, key) };
}

test('the one-pass extractor gives the byte extractor\'s key and the ingress hash of it, on real frames and every truncation', () => {
  const reused = newFlowKey();
  for (const spec of SPECS) {
    const frame = encodeSpec(spec);
    for (let len = 0; len <= frame.length; len++) {
      const bytes = frame.slice(0, len);
      const ref = newFlowKey();
      const rc = extractFlowKey(bytes, 0, len, 3, 0x64, ref);
      const got = hashed(bytes, 3, 0x64, reused);
      if (rc === KEY_RUNT) {
        assert.equal(got.hash, -1, `${spec} cut to ${len}`);
        continue;
      }
      assert.deepEqual([...got.key], [...ref], `${spec} cut to ${len}`);
      assert.equal(got.hash, ingressHash(ref));
    }
  }
});

test('random bytes under IPv4, ARP and VLAN EtherTypes extract alike both ways', () => {
  const r = rng(7);
  const key = newFlowKey();
  for (let n = 0; n < 20000; n++) {
    const len = 14 + Math.floor(r() * 60);
    const b = new Uint8Array(len);
    for (let i = 0; i < len; i++) b[i] = Math.floor(r() * 256);
    const type = [0x0800, 0x0806, 0x8100, 0x88a8, 0x86dd][n % 5]!;
    b[12] = type >> 8;
    b[13] = type & 0xff;
    if (n % 3 === 0 && len > 18) b[14] = 0x45;
    if (n % 7 === 0 && len >= 20) b.set([0, 1, 8, 0, 6, 4], 14);
    const ref = newFlowKey();
    extractFlowKey(b, 0, len, 1 + (n % 4), n, ref);
    const got = hashed(b, 1 + (n % 4), n, key);
    assert.deepEqual([...got.key], [...ref]);
    assert.equal(got.hash, ingressHash(ref));
  }
});

test('the ingress words are every word a packet sets, and nothing a pipeline writes', () => {
  assert.equal(new Set(INGRESS_WORDS).size, INGRESS_WORDS.length);
  for (let w = 0; w < FLOW_WORDS; w++) {
    const pipelineOnly = w >= W.METADATA_HI && w <= W.TUN_ID_HI;
    assert.equal(INGRESS_WORDS.includes(w), !pipelineOnly, `word ${w}`);
  }
});

/** The raw exact-match key of `b` placed at byte `at` of a fresh word-backed buffer, or null where the frame takes the ingress key. */
function rawKey(b: Uint8Array, at: number, inPort: number, tun: number): number[] | null {
  const mem = new Int32Array(Math.ceil((at + b.length) / 4) + 1);
  new Uint8Array(mem.buffer).set(b, at);
  const rk = new Int32Array(INGRESS_WORD_COUNT);
  return extractRawIpv4Hashed(mem, at, b.length, inPort, tun, rk) < 0 ? null : [...rk];
}

function ingressKey(b: Uint8Array, inPort: number, tun: number): number[] {
  const ik = new Int32Array(INGRESS_WORD_COUNT);
  extractIngressHashed(new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length, inPort, tun, ik);
  return [...ik];
}

test('a raw key is taken for aligned untagged IPv4 with a 20-byte header of at least 40 bytes, and only there', () => {
  const udp = encodeSpec('eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.1.1.1,dst=10.2.2.2),udp(src=5353,dst=53),payload(len=8)');
  assert.notEqual(rawKey(udp, 128, 1, 0), null);
  assert.equal(rawKey(udp, 130, 1, 0), null, 'not 4-byte aligned');
  assert.equal(rawKey(udp.slice(0, 39), 128, 1, 0), null, 'shorter than 40 bytes');
  assert.equal(rawKey(encodeSpec(SPECS[2]!), 128, 1, 0), null, 'VLAN tagged');
  assert.equal(rawKey(encodeSpec(SPECS[1]!), 128, 1, 0), null, 'ARP');
  const options = udp.slice();
  options[14] = 0x46;
  assert.equal(rawKey(options, 128, 1, 0), null, 'IPv4 options');
  assert.equal(rawKey(udp, 128, 3, 7)![5], 3 | RAW_KEY_TAG, 'the tagged port');
  assert.notEqual(ingressKey(udp, 3, 7)[5], rawKey(udp, 128, 3, 7)![5], 'no raw key equals an ingress key');
});

test('frames with equal raw keys have equal ingress keys, and bytes outside every flow key leave the raw key alone', () => {
  const r = rng(11);
  const protos = [6, 17, 1, 0, 47, 6, 17];
  let equalPairs = 0;
  let differingPairs = 0;
  for (let n = 0; n < 30000; n++) {
    const len = 40 + Math.floor(r() * 24);
    const a = new Uint8Array(len);
    for (let i = 0; i < len; i++) a[i] = Math.floor(r() * 256);
    a.set([0x08, 0x00, 0x45], 12);
    a[23] = protos[n % protos.length]!;
    if (n % 4 === 0) {
      a[20] = a[20]! & 0xe0; // fragment offset 0 more often than chance
      a[21] = 0;
    }
    const b = a.slice();
    // Change bytes no flow key reads (IP total length, identification, header checksum, beyond the ports) or, sometimes, any byte.
    const ignorable = [16, 17, 18, 19, 24, 25, 38, 39, ...Array.from({ length: len - 40 }, (_, i) => 40 + i)];
    const flips = 1 + Math.floor(r() * 3);
    for (let k = 0; k < flips; k++) {
      const at = n % 3 === 0 ? Math.floor(r() * len) : ignorable[Math.floor(r() * ignorable.length)]!;
      if (at === 12 || at === 13 || at === 14) continue;
      b[at] = Math.floor(r() * 256);
    }
    const port = 1 + (n % 3);
    const ra = rawKey(a, 128, port, n & 0xff);
    const rb = rawKey(b, 64, port, n & 0xff);
    assert.ok(ra !== null && rb !== null);
    const sameRaw = ra.every((w, i) => w === rb[i]);
    const ib = ingressKey(b, port, n & 0xff);
    const sameIngress = ingressKey(a, port, n & 0xff).every((w, i) => w === ib[i]);
    if (sameRaw) {
      equalPairs++;
      assert.ok(sameIngress, `frames ${Buffer.from(a).toString('hex')} and ${Buffer.from(b).toString('hex')} share a raw key but not their ingress keys`);
    } else differingPairs++;
    if (n % 3 !== 0) {
      // Only ignorable bytes changed (bytes 36-39 matter to TCP and UDP: their ports are 34-37).
      const onlyIgnorable = !a.some((x, i) => x !== b[i] && ![16, 17, 18, 19, 24, 25, 38, 39].includes(i) && i < 40);
      if (onlyIgnorable) assert.ok(sameRaw, `changing only bytes outside the flow key changed the raw key: ${Buffer.from(a).toString('hex')}`);
    }
  }
  assert.ok(equalPairs > 10000 && differingPairs > 2000, `${equalPairs} equal, ${differingPairs} differing pairs`);
});
