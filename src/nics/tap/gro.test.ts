import { test } from 'node:test';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import assert from 'node:assert/strict';
import { type Packet, PacketPool } from '../../engine/packet.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, internetSum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { TcpCoalescer } from './gro.js';
import { completeChecksum, TsoSegmenter, VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6 } from './offload.js';

/** Segments arrive in the engine's ordinary 2 KB buffers; merged frames are built in 64 KB ones. */
const segPool = new PacketPool({ count: 128 });
const bigPool = new PacketPool({ count: 4, dataRoom: 65536 + 512 });
const MSS = 1448;
const SEQ0 = 4294960000;

interface Seg {
  readonly seq?: number;
  readonly id?: number;
  readonly payload?: number;
  readonly flags?: string;
  /** Extra fields for the layers, spliced into the spec. */
  readonly eth?: string;
  readonly ip?: string;
  readonly tcp?: string;
  /** Payload fill seed, so each segment's bytes differ. */
  readonly fill?: number;
}

/** One wire segment of the test flow with correct checksums: payload bytes follow the sequence number, so a merged payload is checkable. */
function segment(s: Seg = {}): Uint8Array {
  const seq = s.seq ?? SEQ0;
  const len = s.payload ?? MSS;
  const bytes = encodeSpec(
    `eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02${s.eth ?? ''}),` +
      `ipv4(src=10.0.0.1,dst=10.0.0.2,id=${s.id ?? 100},df${s.ip ?? ''}),` +
      `tcp(src=40000,dst=5201,seq=${seq},ack=7,flags=${s.flags ?? 'A'},win=500,nop,nop,ts=1000/2000${s.tcp ?? ''}),payload(len=${len})`,
  );
  const l3 = 14;
  const l4 = l3 + (bytes[l3]! & 0x0f) * 4;
  const payloadStart = bytes.length - len;
  for (let i = 0; i < len; i++) bytes[payloadStart + i] = (((seq + i) >>> 0) * 31 + (s.fill ?? 0)) & 0xff;
  fixTcpChecksum(bytes, l3, l4);
  return bytes;
}

function fixTcpChecksum(bytes: Uint8Array, l3: number, l4: number): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tcpLen = v.getUint16(l3 + 2) - (l4 - l3);
  v.setUint16(l4 + 16, 0);
  v.setUint16(l4 + 16, internetChecksum(bytes, l4, tcpLen, ipv4PseudoHeaderSum(v.getUint32(l3 + 12), v.getUint32(l3 + 16), 6, tcpLen)));
}

/** The flow's segments i = 0..n-1: ids 100 + i, contiguous sequence numbers, the last one `lastPayload` long with `lastFlags`. */
function flow(n: number, lastPayload = MSS, lastFlags = 'A'): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    out.push(segment({ seq: (SEQ0 + i * MSS) >>> 0, id: 100 + i, payload: last ? lastPayload : MSS, flags: last ? lastFlags : 'A' }));
  }
  return out;
}

function packet(bytes: Uint8Array): Packet {
  const p = segPool.fromBytes(bytes);
  assert.ok(p !== null, 'segment pool exhausted');
  return p;
}

/**
 * The merged packet `merged` is `frames` joined: its `hdr` header bytes are the first frame's
 * except at `changed` (lengths, ids, checksums, flags the merge rewrites), and its payload is
 * every frame's payload in order.
 */
function assertMergedFrom(merged: Uint8Array, frames: readonly Uint8Array[], hdr: number, changed: readonly number[]): void {
  const first = frames[0]!;
  for (let i = 0; i < hdr; i++) if (!changed.includes(i)) assert.equal(merged[i], first[i], `header byte ${i}`);
  let at = hdr;
  for (const f of frames) {
    const part = f.subarray(hdr);
    assert.deepEqual(merged.subarray(at, at + part.length), part);
    at += part.length;
  }
  assert.equal(at, merged.length, 'nothing after the last payload');
}

/**
 * Runs frames through a coalescer as TapPort.push does: a run is extended while segments
 * continue it and finished (its packet "sent") when one does not. Returns the sent packets' bytes
 * with their offload fields, and frees every packet, so each test ends with empty pools.
 */
function coalesce(frames: readonly Uint8Array[], gro = new TcpCoalescer({ pool: bigPool })): { bytes: Uint8Array; gsoSize: number; gsoType: number; csumStart: number; csumOffset: number }[] {
  const sent: { bytes: Uint8Array; gsoSize: number; gsoType: number; csumStart: number; csumOffset: number }[] = [];
  const send = (p: Packet): void => {
    sent.push({ bytes: p.bytes(), gsoSize: p.gsoSize, gsoType: p.gsoType, csumStart: p.csumStart < 0 ? -1 : p.csumStart - p.off, csumOffset: p.csumOffset });
    p.pool.free(p);
  };
  for (const f of frames) {
    const p = packet(f);
    if (gro.segments > 0) {
      const first = gro.head;
      if (gro.append(p)) {
        if (first !== null) first.pool.free(first);
        p.pool.free(p);
        if (gro.complete) send(gro.finish());
        continue;
      }
      send(gro.finish());
    }
    if (gro.begin(p)) continue;
    send(p);
  }
  if (gro.segments > 0) send(gro.finish());
  assert.equal(segPool.inUse, 0, 'segments left in the pool');
  assert.equal(bigPool.inUse, 0, 'merged frames left in the pool');
  return sent;
}

/** Cuts a merged frame back into wire segments with vnet's TSO segmenter. */
function resegment(m: { bytes: Uint8Array; gsoSize: number; gsoType: number; csumStart: number; csumOffset: number }): Uint8Array[] {
  const p = bigPool.fromBytes(m.bytes)!;
  p.gsoSize = m.gsoSize;
  p.gsoType = m.gsoType;
  p.csumStart = p.off + m.csumStart;
  p.csumOffset = m.csumOffset;
  const seg = new TsoSegmenter();
  assert.equal(seg.begin(p), null);
  const out: Uint8Array[] = [];
  const dst = new Uint8Array(2048);
  for (let i = 0; i < seg.count; i++) out.push(dst.slice(0, seg.emit(i, dst, 0, new DataView(dst.buffer))));
  bigPool.free(p);
  return out;
}

test('ten segments of one flow become one GSO frame: first headers, new length and checksums, payloads in order, TSO offload fields', () => {
  const frames = flow(10, 700, 'PA');
  const sent = coalesce(frames);
  assert.equal(sent.length, 1);
  const m = sent[0]!;
  const hdr = 14 + 20 + 32;
  const payload = 9 * MSS + 700;
  assert.equal(m.bytes.length, hdr + payload);
  const v = new DataView(m.bytes.buffer);
  assert.equal(v.getUint16(16), 20 + 32 + payload, 'IPv4 total length');
  assert.equal(internetChecksum(m.bytes, 14, 20), 0, 'IPv4 header checksum');
  assert.equal(v.getUint16(18), 100, 'the first segment\'s IP id');
  assert.equal(v.getUint32(38), SEQ0, 'the first segment\'s sequence number');
  assert.equal(m.bytes[47], 0x18, 'ACK and the last segment\'s PSH');
  // Everything else in the headers is the first segment's.
  assertMergedFrom(m.bytes, frames, hdr, [16, 17, 24, 25, 47, 50, 51]);
  assert.equal(m.gsoType, VIRTIO_NET_HDR_GSO_TCPV4);
  assert.equal(m.gsoSize, MSS);
  assert.equal(m.csumStart, 34);
  assert.equal(m.csumOffset, 16);
  const tcpLen = 32 + payload;
  assert.equal(v.getUint16(50), ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen), 'the TCP checksum field holds the pseudo-header sum');
  // Finishing the partial checksum gives the checksum of the whole merged segment.
  const done = m.bytes.slice();
  completeChecksum(done, new DataView(done.buffer), 0, done.length, 34, 16);
  assert.equal(internetChecksum(done, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0);
});

test('a merged frame cut again by the TSO segmenter gives back the original segments byte for byte', () => {
  for (const [n, last, flags] of [[10, 700, 'PA'], [45, MSS, 'A'], [2, 1, 'A'], [7, MSS, 'PA']] as const) {
    const frames = flow(n, last, flags);
    const sent = coalesce(frames);
    assert.equal(sent.length, 1, `${n} segments`);
    const again = resegment(sent[0]!);
    assert.equal(again.length, n);
    for (let i = 0; i < n; i++) assert.deepEqual(again[i], frames[i], `segment ${i} of ${n}: ids, sequence numbers, PSH, checksums and payload`);
  }
});

test('segments with equal IP ids merge when DF is set, and not without it', () => {
  const same = [0, 1, 2].map((i) => segment({ seq: SEQ0 + i * MSS, id: 7 }));
  const merged = coalesce(same);
  assert.equal(merged.length, 1);
  assert.equal(merged[0]!.bytes.length, 66 + 3 * MSS);
  const noDf = [0, 1].map((i) => {
    const b = segment({ seq: SEQ0 + i * MSS, id: 7 });
    b[20] = 0;
    b[24] = 0;
    b[25] = 0;
    new DataView(b.buffer).setUint16(24, internetChecksum(b, 14, 20));
    return b;
  });
  assert.equal(coalesce(noDf).length, 2);
  // Once ids incremented, an equal one breaks the run.
  const mixed = [segment({ seq: SEQ0, id: 7 }), segment({ seq: SEQ0 + MSS, id: 8 }), segment({ seq: SEQ0 + 2 * MSS, id: 8 })];
  assert.equal(coalesce(mixed).length, 2);
});

/** The second segment of a two-segment flow, changed in one way that must keep it out of the run. */
const refusals: Record<string, () => Uint8Array> = {
  'another source MAC': () => segment({ seq: SEQ0 + MSS, id: 101, eth: '' }).map((x, i) => (i === 11 ? 9 : x)),
  'another destination address': () => withIp(segment({ seq: SEQ0 + MSS, id: 101 }), 19, 3),
  'another source port': () => withTcp(segment({ seq: SEQ0 + MSS, id: 101 }), 1, 0x41),
  'another TTL': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',ttl=63' }),
  'another TOS': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',dscp=10' }),
  'an ECN mark': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',ecn=3' }),
  'another ACK number': () => withTcp(segment({ seq: SEQ0 + MSS, id: 101 }), 11, 8),
  'another window': () => withTcp(segment({ seq: SEQ0 + MSS, id: 101 }), 15, 0x44),
  'another timestamp value': () => withTcp(segment({ seq: SEQ0 + MSS, id: 101 }), 27, 0xe9),
  'other options (a SACK block)': () => sackSegment(),
  FIN: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'FA' }),
  SYN: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'SA' }),
  RST: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'RA' }),
  URG: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'UA' }),
  CWR: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'CA' }),
  ECE: () => segment({ seq: SEQ0 + MSS, id: 101, flags: 'EA' }),
  'no ACK': () => segment({ seq: SEQ0 + MSS, id: 101, flags: '' }),
  'a sequence gap': () => segment({ seq: SEQ0 + MSS + 1, id: 101 }),
  'a retransmission (sequence number back)': () => segment({ seq: SEQ0, id: 101 }),
  'a payload larger than the first': () => segment({ seq: SEQ0 + MSS, id: 101, payload: MSS + 1 }),
  'no payload (a pure ACK)': () => segment({ seq: SEQ0 + MSS, id: 101, payload: 0 }),
  'IP options (IHL 6)': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',opts=01010101' }),
  'more fragments': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',mf' }),
  'a fragment offset': () => segment({ seq: SEQ0 + MSS, id: 101, ip: ',frag=8' }),
  'no DF': () => withIp(segment({ seq: SEQ0 + MSS, id: 101 }), 6, 0),
  'an IP id that jumps': () => segment({ seq: SEQ0 + MSS, id: 102 }),
  'a VLAN tag': () => encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),vlan(vid=5),ipv4(src=10.0.0.1,dst=10.0.0.2,id=101,df),tcp(src=40000,dst=5201,seq=${SEQ0 + MSS},ack=7,flags=A,win=500,nop,nop,ts=1000/2000),payload(len=${MSS})`),
  'a bad TCP checksum': () => withTcp(segment({ seq: SEQ0 + MSS, id: 101 }), 16, 0, false),
  'a bad IPv4 header checksum': () => withIp(segment({ seq: SEQ0 + MSS, id: 101 }), 10, 0, false),
  'an IP total length beyond the frame': () => withIp(segment({ seq: SEQ0 + MSS, id: 101 }), 2, 0x0f),
};

/** Sets byte `i` of the IPv4 header, then fixes the header (and TCP) checksum unless `fix` is false. */
function withIp(b: Uint8Array, i: number, value: number, fix = true): Uint8Array {
  b[14 + i] = value;
  if (fix) {
    const v = new DataView(b.buffer);
    v.setUint16(24, 0);
    v.setUint16(24, internetChecksum(b, 14, 20));
    if (i !== 2) fixTcpChecksum(b, 14, 34);
  }
  return b;
}

/** Sets byte `i` of the TCP header, then fixes the TCP checksum unless `fix` is false. */
function withTcp(b: Uint8Array, i: number, value: number, fix = true): Uint8Array {
  b[34 + i] = value;
  if (fix) fixTcpChecksum(b, 14, 34);
  return b;
}

function sackSegment(): Uint8Array {
  const bytes = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=101,df),tcp(src=40000,dst=5201,seq=${SEQ0 + MSS},ack=7,flags=A,win=500,nop,nop,sack=1-2),payload(len=${MSS - 4})`);
  fixTcpChecksum(bytes, 14, 34);
  return bytes;
}

for (const [why, make] of Object.entries(refusals)) {
  test(`a segment with ${why} is not merged: the run is sent as it was and the segment after it`, () => {
    const first = segment({ seq: SEQ0, id: 100 });
    const second = make();
    const sent = coalesce([first, second]);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0]!.bytes, first, 'the first segment goes out untouched');
    assert.equal(sent[0]!.gsoSize, 0);
    assert.equal(sent[0]!.csumStart, -1);
    assert.deepEqual(sent[1]!.bytes, second);
  });
}

test('the same refused segments merge once the change is undone: the refusal tests test the change alone', () => {
  assert.equal(coalesce([segment({ seq: SEQ0, id: 100 }), segment({ seq: SEQ0 + MSS, id: 101 })]).length, 1);
});

test('a first segment with PSH, a partial checksum or GSO state starts no run', () => {
  const gro = new TcpCoalescer({ pool: bigPool });
  const psh = packet(segment({ flags: 'PA' }));
  assert.equal(gro.begin(psh), false);
  const partial = packet(segment());
  partial.csumStart = partial.off + 34;
  partial.csumOffset = 16;
  assert.equal(gro.begin(partial), false);
  const gso = packet(segment());
  gso.gsoSize = 1000;
  gso.gsoType = VIRTIO_NET_HDR_GSO_TCPV4;
  assert.equal(gro.begin(gso), false);
  assert.equal(gro.segments, 0);
  for (const p of [psh, partial, gso]) segPool.free(p);
  // A later segment with such state does not join a run either.
  const head = packet(segment());
  assert.equal(gro.begin(head), true);
  const next = packet(segment({ seq: SEQ0 + MSS, id: 101 }));
  next.csumStart = next.off + 34;
  assert.equal(gro.append(next), false);
  assert.equal(gro.finish(), head);
  segPool.free(head);
  segPool.free(next);
});

test('a first segment whose checksum is bad is sent alone and counted, and the next one starts the run', () => {
  const gro = new TcpCoalescer({ pool: bigPool });
  const bad = withTcp(segment({ seq: SEQ0, id: 100 }), 17, 0x55, false);
  const sent = coalesce([bad, segment({ seq: SEQ0 + MSS, id: 101 }), segment({ seq: SEQ0 + 2 * MSS, id: 102 })], gro);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[0]!.bytes, bad);
  assert.equal(sent[1]!.gsoSize, MSS);
  assert.equal(gro.badChecksums, 1);
  // Without verification a bad segment is merged (for callers that computed the checksums themselves).
  const trusting = coalesce([bad, segment({ seq: SEQ0 + MSS, id: 101 })], new TcpCoalescer({ pool: bigPool, verifyChecksums: false }));
  assert.equal(trusting.length, 1);
});

test('a short segment or one with PSH ends the run: the next segment starts a new one', () => {
  const short = [segment({ seq: SEQ0, id: 1 }), segment({ seq: SEQ0 + MSS, id: 2, payload: 100 }), segment({ seq: SEQ0 + MSS + 100, id: 3 }), segment({ seq: SEQ0 + 2 * MSS + 100, id: 4 })];
  const a = coalesce(short);
  assert.equal(a.length, 2);
  assert.equal(a[0]!.bytes.length, 66 + MSS + 100);
  assert.equal(a[1]!.bytes.length, 66 + 2 * MSS);
  const psh = [segment({ seq: SEQ0, id: 1 }), segment({ seq: SEQ0 + MSS, id: 2, flags: 'PA' }), segment({ seq: SEQ0 + 2 * MSS, id: 3 })];
  const b = coalesce(psh);
  assert.equal(b.length, 2);
  assert.equal(b[0]!.bytes[47], 0x18);
  assert.deepEqual(b[1]!.bytes, psh[2]);
});

test('a merged frame stops at 65535 bytes of IP packet: 46 full segments make a 45-segment frame and a single one', () => {
  // 45 * 1448 + 52 = 65212 bytes; a 46th segment would pass 65535.
  const sent = coalesce(flow(46));
  assert.equal(sent.length, 2);
  assert.equal(new DataView(sent[0]!.bytes.buffer).getUint16(16), 52 + 45 * MSS);
  assert.equal(sent[1]!.gsoSize, 0);
  // With a bigger MSS the byte bound, not the segment count, cuts the run.
  const big = new PacketPool({ count: 64, dataRoom: 9100 });
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 9; i++) {
    const s = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=${i},df),tcp(src=1,dst=2,seq=${i * 8000},ack=1,flags=A,win=9),payload(len=8000)`);
    frames.push(s);
  }
  const gro = new TcpCoalescer({ pool: bigPool });
  const out: number[] = [];
  for (const f of frames) {
    const p = big.fromBytes(f)!;
    if (gro.segments > 0) {
      const first = gro.head;
      if (gro.append(p)) {
        if (first !== null) big.free(first);
        big.free(p);
        continue;
      }
      const q = gro.finish();
      out.push(q.len);
      q.pool.free(q);
    }
    assert.equal(gro.begin(p), true);
  }
  const q = gro.finish();
  out.push(q.len);
  q.pool.free(q);
  // 8 * 8000 + 40 = 64040 bytes fit, 9 do not.
  assert.deepEqual(out, [14 + 40 + 8 * 8000, 14 + 40 + 8000]);
});

test('maxSegments caps a run, and a frame longer than maxSegmentFrame is never merged', () => {
  const capped = coalesce(flow(10), new TcpCoalescer({ pool: bigPool, maxSegments: 4 }));
  assert.deepEqual(capped.map((s) => (s.bytes.length - 66) / MSS), [4, 4, 2]);
  const mtu = coalesce(flow(3), new TcpCoalescer({ pool: bigPool, maxSegmentFrame: 66 + MSS - 1 }));
  assert.equal(mtu.length, 3);
  assert.ok(mtu.every((s) => s.gsoSize === 0));
  assert.throws(() => new TcpCoalescer({ pool: bigPool, maxSegments: 1 }), /maxSegments must be an integer >= 2/);
});

test('a run interrupted by another flow is sent, the other flow\'s segment goes out, and the flow starts a new run', () => {
  const a = flow(4);
  const other = withTcp(segment({ seq: 5, id: 9 }), 1, 0x42);
  const sent = coalesce([a[0]!, a[1]!, other, a[2]!, a[3]!]);
  assert.equal(sent.length, 3);
  assert.equal(sent[0]!.bytes.length, 66 + 2 * MSS);
  assert.deepEqual(sent[1]!.bytes, other);
  assert.equal(sent[2]!.bytes.length, 66 + 2 * MSS);
  assert.deepEqual(resegment(sent[2]!), [a[2], a[3]]);
});

test('with the merge pool empty the segments go out one by one, nothing is lost', () => {
  const tiny = new PacketPool({ count: 1, dataRoom: 65536 + 512 });
  const held = tiny.alloc()!;
  const gro = new TcpCoalescer({ pool: tiny });
  const frames = flow(3);
  const sent = coalesce(frames, gro);
  assert.deepEqual(sent.map((s) => s.bytes), frames);
  assert.equal(gro.poolEmpty, 2);
  tiny.free(held);
  assert.equal(coalesce(frames, gro).length, 1);
  assert.equal(gro.frames, 1);
  assert.equal(gro.segmentsMerged, 3);
});

test('Ethernet padding after a short segment is not merged into the payload', () => {
  const a = segment({ seq: SEQ0, id: 1, payload: 2 });
  const b = segment({ seq: SEQ0 + 2, id: 2, payload: 2 });
  const padded = new Uint8Array(b.length + 6);
  padded.set(b);
  padded.fill(0xee, b.length);
  const sent = coalesce([a, padded]);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.bytes.length, 66 + 4);
  assert.deepEqual(resegment(sent[0]!), [a, b]);
});

/**
 * Heap bytes allocated per segment while `gro` merges `packets` (one run each round) again and
 * again, its merged frames going back to `bigPool`. The loop runs warm first, so what is measured
 * is optimized code, as on a port; on a loaded machine the optimized code may arrive late, so the
 * best of several collection-free stretches counts.
 */
function heapBytesPerSegment(gro: TcpCoalescer, packets: readonly Packet[], bigPool: PacketPool): number {
  const round = (): void => {
    gro.begin(packets[0]!);
    for (let i = 1; i < packets.length; i++) gro.append(packets[i]!);
    bigPool.free(gro.finish());
  };
  const rounds = (n: number): void => {
    for (let i = 0; i < n; i++) round();
  };
  for (let i = 0; i < 100; i++) rounds(50);
  let perSegment = Infinity;
  for (let attempt = 0; attempt < 20 && !(perSegment < 0.5); attempt++) {
    const profiler = new GCProfiler();
    profiler.start();
    const before = getHeapStatistics().used_heap_size;
    rounds(1000);
    const after = getHeapStatistics().used_heap_size;
    if (profiler.stop().statistics.length === 0) perSegment = Math.min(perSegment, (after - before) / (1000 * packets.length));
  }
  return perSegment;
}

test('merging allocates nothing per segment, with sequence numbers and ids above 2^30', () => {
  // A copy loop that allocates nothing, so the measurement sees the coalescer alone (ports pass their ByteCopier).
  const loopCopy = {
    copy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
      for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!;
    },
  };
  const gro = new TcpCoalescer({ pool: bigPool, copy: loopCopy });
  const frames = flow(45).map((f, i) => withIp(f, 4, 0xc0 + (i >> 8)));
  const packets = frames.map(packet);
  const perSegment = heapBytesPerSegment(gro, packets, bigPool);
  for (const p of packets) segPool.free(p);
  // One boxed number per segment would be 12 to 16 bytes.
  assert.ok(perSegment < 1, `${perSegment} heap bytes per segment`);
  assert.equal(gro.frames, gro.segmentsMerged / 45, 'every round merged all 45 segments');
});

// IPv6. The spec language has no IPv6 layer, so these frames are put together here: Ethernet,
// the fixed header (RFC 8200 section 3), then the TCP header and payload of the IPv4 test flow.

/** A typical IPv6 MSS at a 1500-byte MTU with timestamps: 1500 - 40 - 20 - 12. */
const MSS6 = 1428;
const SRC6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];
const DST6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02];

interface Seg6 {
  readonly seq?: number;
  readonly payload?: number;
  readonly flags?: string;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  readonly hopLimit?: number;
  /** Bytes of extension headers between the fixed header and TCP; their first next header goes in the fixed header. */
  readonly ext?: { readonly first: number; readonly bytes: readonly number[] };
  readonly src?: readonly number[];
  readonly tcp?: string;
  /** TCP header options, as the spec language writes them (default: nop,nop,ts=1000/2000). */
  readonly options?: string;
}

/** One wire segment of the IPv6 test flow with a correct TCP checksum; payload bytes follow the sequence number. */
function segment6(s: Seg6 = {}): Uint8Array {
  const seq = s.seq ?? SEQ0;
  const len = s.payload ?? MSS6;
  const v4 = encodeSpec(
    `eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2),` +
      `tcp(src=40000,dst=5201,seq=${seq},ack=7,flags=${s.flags ?? 'A'},win=500${s.options === undefined ? ',nop,nop,ts=1000/2000' : s.options}${s.tcp ?? ''}),payload(len=${len})`,
  );
  const tcp = v4.subarray(34);
  const ext = s.ext?.bytes ?? [];
  const bytes = new Uint8Array(14 + 40 + ext.length + tcp.length);
  const v = new DataView(bytes.buffer);
  bytes.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd]);
  v.setUint32(14, ((6 << 28) | ((s.trafficClass ?? 0) << 20) | (s.flowLabel ?? 0x12345)) >>> 0);
  v.setUint16(18, ext.length + tcp.length);
  bytes[20] = s.ext?.first ?? 6;
  bytes[21] = s.hopLimit ?? 64;
  bytes.set(s.src ?? SRC6, 22);
  bytes.set(DST6, 38);
  bytes.set(ext, 54);
  const l4 = 54 + ext.length;
  bytes.set(tcp, l4);
  for (let i = 0; i < len; i++) bytes[bytes.length - len + i] = (((seq + i) >>> 0) * 37) & 0xff;
  fixTcp6Checksum(bytes, l4);
  return bytes;
}

/** The IPv6 pseudo-header sum, built as RFC 8200 section 8.1 draws it: addresses, 32-bit length, three zeros, next header 6. */
function pseudo6(bytes: Uint8Array, tcpLen: number): number {
  const ph = new Uint8Array(40);
  ph.set(bytes.subarray(22, 54));
  new DataView(ph.buffer).setUint32(32, tcpLen);
  ph[39] = 6;
  return internetSum(ph, 0, 40);
}

function fixTcp6Checksum(bytes: Uint8Array, l4: number): void {
  const tcpLen = bytes.length - l4;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  v.setUint16(l4 + 16, 0);
  v.setUint16(l4 + 16, internetChecksum(bytes, l4, tcpLen, pseudo6(bytes, tcpLen)));
}

/** The IPv6 flow's segments i = 0..n-1, the last one `lastPayload` long with `lastFlags`. */
function flow6(n: number, lastPayload = MSS6, lastFlags = 'A'): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    out.push(segment6({ seq: (SEQ0 + i * MSS6) >>> 0, payload: last ? lastPayload : MSS6, flags: last ? lastFlags : 'A', trafficClass: 0xb8, flowLabel: 0xabcde }));
  }
  return out;
}

test('ten IPv6 segments of one flow become one GSO frame: first headers, new payload length, payloads in order, TCPv6 offload fields', () => {
  const frames = flow6(10, 700, 'PA');
  const gro = new TcpCoalescer({ pool: bigPool });
  const sent = coalesce(frames, gro);
  assert.equal(sent.length, 1);
  const m = sent[0]!;
  const hdr = 14 + 40 + 32;
  const payload = 9 * MSS6 + 700;
  assert.equal(m.bytes.length, hdr + payload);
  const v = new DataView(m.bytes.buffer);
  assert.equal(v.getUint16(18), 32 + payload, 'IPv6 payload length');
  assert.equal(v.getUint32(14), 0x6b8abcde, 'version, traffic class and flow label');
  assert.equal(v.getUint32(58), SEQ0, 'the first segment\'s sequence number');
  assert.equal(m.bytes[67], 0x18, 'ACK and the last segment\'s PSH');
  assertMergedFrom(m.bytes, frames, hdr, [18, 19, 67, 70, 71]);
  assert.equal(m.gsoType, VIRTIO_NET_HDR_GSO_TCPV6);
  assert.equal(m.gsoSize, MSS6);
  assert.equal(m.csumStart, 54);
  assert.equal(m.csumOffset, 16);
  const tcpLen = 32 + payload;
  assert.equal(v.getUint16(70), pseudo6(m.bytes, tcpLen), 'the TCP checksum field holds the IPv6 pseudo-header sum');
  const done = m.bytes.slice();
  completeChecksum(done, new DataView(done.buffer), 0, done.length, 54, 16);
  assert.equal(internetChecksum(done, 54, tcpLen, pseudo6(done, tcpLen)), 0, 'the finished checksum verifies from scratch');
  assert.equal(gro.frames, 1);
  assert.equal(gro.segmentsMerged, 10);
  assert.equal(gro.badChecksums, 0);
});

test('an IPv6 merged frame cut again by the TSO segmenter gives back the original segments byte for byte', () => {
  for (const [n, last, flags] of [[10, 700, 'PA'], [45, MSS6, 'A'], [2, 1, 'A'], [7, MSS6, 'PA']] as const) {
    const frames = flow6(n, last, flags);
    const sent = coalesce(frames);
    assert.equal(sent.length, 1, `${n} segments`);
    const again = resegment(sent[0]!);
    assert.equal(again.length, n);
    for (let i = 0; i < n; i++) assert.deepEqual(again[i], frames[i], `segment ${i} of ${n}: payload length, sequence number, PSH, checksum and payload`);
  }
});

/** A hop-by-hop options header (next header TCP, length 0: eight bytes) holding one PadN option. */
const HOP_BY_HOP = { first: 0, bytes: [6, 0, 1, 4, 0, 0, 0, 0] };

/** Sets byte `i` of the TCP header of an IPv6 segment (without extension headers) and fixes its checksum. */
function withTcp6(b: Uint8Array, i: number, value: number): Uint8Array {
  b[54 + i] = value;
  fixTcp6Checksum(b, 54);
  return b;
}

/** The second segment of a two-segment IPv6 flow, changed in one way that must keep it out of the run. */
const refusals6: Record<string, () => Uint8Array> = {
  'another flow label': () => segment6({ seq: SEQ0 + MSS6, flowLabel: 0x12346 }),
  'another hop limit': () => segment6({ seq: SEQ0 + MSS6, hopLimit: 63 }),
  'another traffic class': () => segment6({ seq: SEQ0 + MSS6, trafficClass: 0x28 }),
  'an ECN mark in the traffic class': () => segment6({ seq: SEQ0 + MSS6, trafficClass: 0x03 }),
  'another source address': () => segment6({ seq: SEQ0 + MSS6, src: [...SRC6.slice(0, 15), 0x11] }),
  'a hop-by-hop options header before TCP': () => segment6({ seq: SEQ0 + MSS6, ext: HOP_BY_HOP }),
  'another destination port': () => withTcp6(segment6({ seq: SEQ0 + MSS6 }), 3, 0x52),
  'another ACK number': () => withTcp6(segment6({ seq: SEQ0 + MSS6 }), 11, 8),
  'another window': () => withTcp6(segment6({ seq: SEQ0 + MSS6 }), 15, 0x44),
  'another timestamp value': () => segment6({ seq: SEQ0 + MSS6, options: ',nop,nop,ts=1001/2000' }),
  FIN: () => segment6({ seq: SEQ0 + MSS6, flags: 'FA' }),
  'a sequence gap': () => segment6({ seq: SEQ0 + MSS6 + 1 }),
  'a payload larger than the first': () => segment6({ seq: SEQ0 + MSS6, payload: MSS6 + 1 }),
  'no payload (a pure ACK)': () => segment6({ seq: SEQ0 + MSS6, payload: 0 }),
  'a bad TCP checksum': () => segment6({ seq: SEQ0 + MSS6 }).map((x, i) => (i === 70 ? x ^ 0x40 : x)),
  'a payload length beyond the frame': () => {
    const b = segment6({ seq: SEQ0 + MSS6 });
    b[18]! += 1;
    return b;
  },
};

for (const [why, make] of Object.entries(refusals6)) {
  test(`an IPv6 segment with ${why} is not merged: the run is sent as it was and the segment after it`, () => {
    const first = segment6({ seq: SEQ0 });
    const second = make();
    const sent = coalesce([first, second]);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0]!.bytes, first, 'the first segment goes out untouched');
    assert.equal(sent[0]!.gsoSize, 0);
    assert.equal(sent[0]!.csumStart, -1);
    assert.deepEqual(sent[1]!.bytes, second);
  });
}

test('the same refused IPv6 segments merge once the change is undone: the refusal tests test the change alone', () => {
  assert.equal(coalesce([segment6({ seq: SEQ0 }), segment6({ seq: SEQ0 + MSS6 })]).length, 1);
});

test('IPv6 segments behind a hop-by-hop header are never merged, and nothing of them is lost', () => {
  const frames = [0, 1, 2, 3].map((i) => segment6({ seq: SEQ0 + i * MSS6, ext: HOP_BY_HOP }));
  const gro = new TcpCoalescer({ pool: bigPool });
  const sent = coalesce(frames, gro);
  assert.deepEqual(sent.map((s) => s.bytes), frames);
  assert.ok(sent.every((s) => s.gsoSize === 0 && s.csumStart === -1));
  assert.equal(gro.frames, 0);
  // The frames were right: the same TCP bytes without the extension header merge.
  assert.equal(coalesce([0, 1, 2, 3].map((i) => segment6({ seq: SEQ0 + i * MSS6 }))).length, 1);
  // The next header field alone decides: TCP bytes right behind the fixed header of a frame
  // that says otherwise are not taken for TCP.
  const mislabeled = [0, 1, 2].map((i) => segment6({ seq: SEQ0 + i * MSS6 }).map((x, j) => (j === 20 ? 0 : x)));
  assert.deepEqual(coalesce(mislabeled, new TcpCoalescer({ pool: bigPool, verifyChecksums: false })).map((s) => s.bytes), mislabeled);
});

test('a bad checksum in the middle of a run is counted once: the segment goes out alone and the next one starts a new run', () => {
  const gro = new TcpCoalescer({ pool: bigPool });
  const frames = flow(6);
  const bad = withTcp(frames[3]!, 17, 0x55, false);
  const sent = coalesce([...frames.slice(0, 3), bad, ...frames.slice(4)], gro);
  assert.deepEqual(sent.map((f) => [f.gsoSize, f.bytes.length]), [[MSS, frames[0]!.length + 2 * MSS], [0, bad.length], [MSS, frames[0]!.length + MSS]]);
  assert.deepEqual(sent[1]!.bytes, bad);
  assert.equal(gro.badChecksums, 1);
  // The same bytes again later, after a run of another segment, are checked and counted again.
  assert.equal(coalesce([frames[2]!, bad], gro).length, 2);
  assert.equal(gro.badChecksums, 2);
});

test('a bad IPv6 TCP checksum goes out alone and is counted, first segment or later one, and the rest still merge', () => {
  const bad = (seq: number): Uint8Array => segment6({ seq }).map((x, i) => (i === 100 ? x ^ 1 : x));
  const gro = new TcpCoalescer({ pool: bigPool });
  const firstBad = [bad(SEQ0), segment6({ seq: SEQ0 + MSS6 }), segment6({ seq: SEQ0 + 2 * MSS6 })];
  const a = coalesce(firstBad, gro);
  assert.equal(a.length, 2);
  assert.deepEqual(a[0]!.bytes, firstBad[0]);
  assert.equal(a[1]!.gsoSize, MSS6);
  assert.equal(gro.badChecksums, 1);
  const midBad = [segment6({ seq: SEQ0 }), segment6({ seq: SEQ0 + MSS6 }), bad(SEQ0 + 2 * MSS6)];
  const b = coalesce(midBad, gro);
  assert.equal(b.length, 2);
  assert.equal(b[0]!.bytes.length, 86 + 2 * MSS6);
  assert.deepEqual(b[1]!.bytes, midBad[2]);
  assert.equal(gro.badChecksums, 2);
});

test('IPv4 and IPv6 segments never merge across families: alternating ones all go out alone, runs of each merge on their own', () => {
  const v4 = flow(6);
  const v6 = flow6(6);
  const alternating = v4.flatMap((f, i) => [f, v6[i]!]);
  const gro = new TcpCoalescer({ pool: bigPool });
  const sent = coalesce(alternating, gro);
  assert.deepEqual(sent.map((s) => s.bytes), alternating);
  assert.equal(gro.frames, 0);
  const runs = coalesce([v4[0]!, v4[1]!, v6[0]!, v6[1]!, v6[2]!, v4[2]!, v4[3]!], gro);
  assert.deepEqual(runs.map((s) => s.gsoType), [VIRTIO_NET_HDR_GSO_TCPV4, VIRTIO_NET_HDR_GSO_TCPV6, VIRTIO_NET_HDR_GSO_TCPV4]);
  assert.deepEqual(resegment(runs[1]!), v6.slice(0, 3));
  assert.deepEqual(resegment(runs[2]!), v4.slice(2, 4));
});

test('an IPv6 frame holds at most 65535 bytes of payload after the fixed header, and no more than the pool\'s buffers', () => {
  const segPool6 = new PacketPool({ count: 16, dataRoom: 16384 });
  /** Payload lengths of the frames `n` segments of `size` payload bytes (20-byte TCP header) make. */
  const frameSizes = (n: number, size: number, pool: PacketPool): number[] => {
    const gro = new TcpCoalescer({ pool });
    const out: number[] = [];
    const send = (q: Packet): void => {
      out.push(q.view.getUint16(q.off + 18));
      q.pool.free(q);
    };
    for (let i = 0; i < n; i++) {
      const p = segPool6.fromBytes(segment6({ seq: i * size, payload: size, options: '' }))!;
      if (gro.segments > 0) {
        const first = gro.head;
        if (gro.append(p)) {
          if (first !== null) first.pool.free(first);
          p.pool.free(p);
          continue;
        }
        send(gro.finish());
      }
      assert.equal(gro.begin(p), true);
    }
    send(gro.finish());
    assert.equal(segPool6.inUse, 0);
    return out;
  };
  // 5 * 13103 + 20 = 65535 fits exactly (an IPv6 packet of 65575 bytes); one byte more does not.
  assert.deepEqual(frameSizes(6, 13103, bigPool), [65535, 20 + 13103]);
  assert.deepEqual(frameSizes(6, 13104, bigPool), [20 + 4 * 13104, 20 + 2 * 13104]);
  // A pool of 30000-byte buffers takes three 8000-byte segments (14 + 40 + 24020 bytes), not four.
  const small = new PacketPool({ count: 2, dataRoom: 30000 });
  assert.deepEqual(frameSizes(7, 8000, small), [20 + 3 * 8000, 20 + 3 * 8000, 20 + 8000]);
});

test('merging IPv6 segments allocates nothing per segment, with sequence numbers and flow words above 2^30', () => {
  const loopCopy = {
    copy(dst: Uint8Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
      for (let i = 0; i < len; i++) dst[dstOff + i] = src[srcOff + i]!;
    },
  };
  const gro = new TcpCoalescer({ pool: bigPool, copy: loopCopy });
  const packets = flow6(45).map(packet);
  const perSegment = heapBytesPerSegment(gro, packets, bigPool);
  for (const p of packets) segPool.free(p);
  assert.ok(perSegment < 1, `${perSegment} heap bytes per segment`);
  assert.equal(gro.frames, gro.segmentsMerged / 45, 'every round merged all 45 segments');
});
