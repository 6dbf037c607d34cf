/**
 * Test pieces for offloaded packets (TSO segments, partial checksums) on their way into the graph:
 * the receive half of a TAP port without the TAP, captures that do and do not take offloads, a
 * GSO frame as a kernel hands it over, and the check of one wire segment cut from it.
 */
import assert from 'node:assert/strict';
import { App, type AppContext } from '../../engine/app.js';
import { DEFAULT_HEADROOM, PacketPool } from '../../engine/packet.js';
import { checksumMemory, MemoryChecksum } from '../../wire/checksum-wasm.js';
import { encodeSpec } from '../../wire/spec.js';
import { internetChecksum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { readVnetHeader, VNET_HDR_LEN } from './offload.js';
import { OffloadFinisher, type FinishBooks } from './rx-offload.js';

export const MSS = 1448;
export const MTU_FRAME = 1500 + 14 + 8;

/** A TCP/IPv4 frame as a kernel with TSO hands it to a TAP: one segment, the pseudo-header sum in the checksum field. */
export function gsoFrame(payload: number, flags: string): Uint8Array {
  const bytes = encodeSpec(`eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=300,df),tcp(src=40000,dst=5201,seq=1000,ack=7,flags=${flags},win=500),payload(len=${payload})`);
  for (let i = 54; i < bytes.length; i++) bytes[i] = (i * 13) & 0xff;
  const pseudo = ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, bytes.length - 34);
  bytes[50] = pseudo >>> 8;
  bytes[51] = pseudo & 0xff;
  return bytes;
}

export function vnetHeader(flags: number, gsoType: number, gsoSize: number): Uint8Array {
  const h = new Uint8Array(VNET_HDR_LEN);
  const v = new DataView(h.buffer);
  h[0] = flags;
  h[1] = gsoType;
  v.setUint16(2, 54, true);
  v.setUint16(4, gsoSize, true);
  v.setUint16(6, 34, true);
  v.setUint16(8, 16, true);
  return h;
}

const RX_DROPS = {
  'bad-vnet-header': 'the virtio-net header does not fit the frame',
  'gso-not-tcp': 'GSO packet whose headers are not Ethernet/IP/TCP',
  'gso-bad-headers': 'GSO packet whose TCP header is not where csum_start says',
  'gso-segment-too-big': 'segments larger than the MTU',
  'pool-empty': 'no buffer for a segment',
} as const;

/**
 * The receive half of a TapPort without the TAP: frames with their virtio-net header, as a read()
 * returns them, come from a queue instead of the fd, into a pool of 64 KB buffers, and go through
 * the same `OffloadFinisher.deliverBooked` the port calls. With `{ wasmPool: true }` the pool is
 * in a WebAssembly memory and sums in WebAssembly, as a TapPort's with offloads is.
 */
export class RxPort extends App<typeof RX_DROPS, { wasmPool?: boolean } | undefined> {
  override readonly offloadHandling = 'finishes';
  readonly queue: { hdr: Uint8Array; frame: Uint8Array }[] = [];
  readonly rxPool: PacketPool;
  readonly finisher: OffloadFinisher;
  readonly books: FinishBooks = {
    generated: (n) => { this.generated += n; },
    consume: (p) => this.consume(p),
    drop: (p, reason) => this.drop(p, reason),
    poolEmpty: () => this.countDrop('pool-empty'),
  };
  constructor(ctx: AppContext, conf: { wasmPool?: boolean } | undefined) {
    super(ctx, conf, RX_DROPS);
    const count = 8;
    const dataRoom = 65536 + 512;
    if (conf?.wasmPool === true) {
      const memory = checksumMemory(count * (DEFAULT_HEADROOM + dataRoom), false);
      this.rxPool = new PacketPool({ count, dataRoom, backing: memory.buffer, checksum: new MemoryChecksum(memory) });
    } else this.rxPool = new PacketPool({ count, dataRoom });
    this.finisher = new OffloadFinisher(this.pool, MTU_FRAME);
  }
  override pull(): void {
    const out = this.output.port;
    if (out === undefined) return;
    const fin = this.finisher;
    fin.refresh(this.engine, out, true);
    for (let f = this.queue.shift(); f !== undefined; f = this.queue.shift()) {
      const p = this.rxPool.fromBytes(f.frame)!;
      this.generated++;
      if (readVnetHeader(f.hdr, 0, p) !== null) {
        this.drop(p, 'bad-vnet-header');
        continue;
      }
      fin.deliverBooked(p, out, this.books);
    }
  }
}

/** Keeps a copy of every frame and its offload fields (`csumStart` from the frame's start, -1 for none), then frees it; takes no offloads (like a router). */
export class Capture extends App<Record<string, never>, unknown> {
  readonly frames: { bytes: Uint8Array; gsoSize: number; csumStart: number }[] = [];
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, {});
  }
  override push(): void {
    for (const l of Object.values(this.input)) {
      while (!l.empty()) {
        const p = l.receive();
        this.frames.push({ bytes: p.bytes(), gsoSize: p.gsoSize, csumStart: p.csumStart < 0 ? -1 : p.csumStart - p.off });
        this.consume(p);
      }
    }
  }
}

/** The same, for an app that delivers offloaded packets itself, as they are (like a TAP port with offloads). */
export class OffloadCapture extends Capture {
  override readonly offloadHandling = 'finishes';
  override get keepsOffloads(): boolean {
    return true;
  }
}

/** One that takes offloaded packets but finishes them itself (like a TAP port without offloads, which cuts them). */
export class FinishingCapture extends Capture {
  override readonly offloadHandling = 'finishes';
}

/** Checks one wire segment against the GSO frame it came from: lengths, id, sequence, flags, both checksums, payload. */
export function assertSegment(seg: Uint8Array, i: number, n: number, frame: Uint8Array): void {
  const v = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
  const chunk = seg.length - 54;
  assert.ok(seg.length <= 1514, `segment ${i} fits a 1500-byte MTU`);
  assert.equal(v.getUint16(16), seg.length - 14, `segment ${i}: IPv4 total length`);
  assert.equal(v.getUint16(18), 300 + i, `segment ${i}: IPv4 id`);
  assert.equal(internetChecksum(seg, 14, 20), 0, `segment ${i}: IPv4 header checksum`);
  assert.equal(v.getUint32(38), 1000 + i * MSS, `segment ${i}: sequence number`);
  assert.equal(seg[47]! & 0x09, i === n - 1 ? 0x09 : 0, `segment ${i}: FIN and PSH on the last only`);
  const tcpLen = seg.length - 34;
  assert.equal(internetChecksum(seg, 34, tcpLen, ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 6, tcpLen)), 0, `segment ${i}: TCP checksum`);
  assert.deepEqual(seg.subarray(54), frame.subarray(54 + i * MSS, 54 + i * MSS + chunk), `segment ${i}: payload`);
}
