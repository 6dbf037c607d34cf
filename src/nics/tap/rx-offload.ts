/**
 * Finishing offloaded packets on receive, for a port whose packets would meet an app that
 * cannot take them.
 *
 * A TAP with offloads hands vnet one TCP segment of up to 64 KB with a partial checksum. The
 * learning bridge, a veth, a router, the NAT gateway and the OpenFlow switch pass such a packet
 * on and a TAP port delivers it; a VXLAN or GRE endpoint carries it encapsulated to another
 * endpoint in the process, or to a VXLAN endpoint's real UDP socket, which cuts it into
 * datagrams itself; an emulated host takes none. So a receiving
 * port asks `offloadsTakenBehind(link)` which case it is in. That question walks the graph from
 * its output link: an app that 'finishes' such packets ends a branch, one that 'passes-on' is
 * followed through each of its output links, a tunnel endpoint as its underlay leads (below),
 * and any 'no' anywhere means no. The walk allocates,
 * so the port caches the answer per `engine.graphVersion`.
 *
 * The port puts every received packet on its link through `OffloadFinisher.deliver`. When the
 * answer is no, a GSO packet is cut into wire segments (`TsoSegmenter`), each written straight into a fresh
 * pool packet and put on the link; the original is then the caller's to consume. A packet with
 * only a partial checksum has it completed in place. Nothing is allocated per packet.
 *
 * Conservation: the caller counts the received packet as generated, then as consumed once it is
 * segmented; each segment is generated (it is a new packet), and each segment that found no free
 * buffer is generated and dropped. The caller reads `made` and `missed` to do that.
 */
import type { Engine } from '../../engine/engine.js';
import type { Link } from '../../engine/link.js';
import type { Packet, PacketPool } from '../../engine/packet.js';
import { type BytesCopy, completeChecksum, TsoSegmenter, type TsoError } from './offload.js';

/**
 * True when every app a packet put on `link` can reach takes offloaded packets: the app at its
 * end 'finishes' them, or 'passes-on' them and every app behind it does too, or 'tunnels' them:
 * a tunnel endpoint carries one whole when what it reaches through its underlay port is only
 * 'passes-on' apps, other endpoints' underlay ports, each delivering to access sides that take
 * offloaded packets too, and underlay sockets that cut such packets themselves
 * ('segments-tunnelled'). So an encapsulated 64 KB segment never meets a TAP, a plain socket or
 * anything that would read it as the outer packet it seems. Control plane only (it allocates a
 * visited set). With `encapsulated`, the packets put on `link` are tunnel packets already (a
 * tunnel's underlay socket asks this for the frames it merged on receive). With `whole`, a
 * 'finishes' app counts only when it hands such packets on as they are (`keepsOffloads`): what
 * a merger asks, since merging in front of a port that cuts the packet again only costs.
 */
export function offloadsTakenBehind(engine: Engine, link: Link, encapsulated = false, whole = false): boolean {
  const seen = new Set<string>();
  const walk = (l: Link, encapsulated: boolean): boolean => {
    const app = engine.apps.get(l.to.app);
    if (app === undefined) return false;
    const handling = app.offloadHandling;
    // A cycle adds no app that could refuse.
    const visit = `${encapsulated ? 'encapsulated' : 'plain'}:${app.name}:${handling === 'tunnels' ? l.to.port : ''}`;
    if (seen.has(visit)) return true;
    seen.add(visit);
    if (handling === 'tunnels') {
      const underlay = app.tunnelUnderlayPort;
      const outputs = Object.entries(app.output);
      if (l.to.port === underlay) {
        // Not a tunnel packet: the endpoint drops it (not for its address, or not its protocol).
        if (!encapsulated) return true;
        // Decapsulated, it goes to access ports only (split horizon).
        return outputs.every(([port, out]) => port === underlay || walk(out, false));
      }
      // An encapsulated frame on an access port would be tunnelled twice: not carried.
      if (encapsulated) return false;
      return outputs.every(([port, out]) => walk(out, port === underlay));
    }
    if (handling === 'segments-tunnelled') return encapsulated;
    if (!encapsulated && handling === 'finishes') return !whole || app.keepsOffloads;
    if (handling !== 'passes-on') return false;
    for (const out of Object.values(app.output)) if (!walk(out, encapsulated)) return false;
    return true;
  };
  return walk(link, encapsulated);
}

export type FinishError =
  | TsoError
  /** A segment would be larger than the port's frames (gso_size above the MTU) or the pool's buffers. */
  | 'gso-segment-too-big';

/** What `OffloadFinisher.deliver` did with a packet, or why it refused it (the caller then drops it). */
export type DeliverResult =
  /** The packet went on the link (its checksum completed first, when it was partial and the graph needs that). */
  | 'sent'
  /** The packet was cut into segments, `made` of them sent and `missed` lost to an empty pool; the packet is the caller's to consume. */
  | 'segmented'
  | FinishError;

/**
 * How a port books `deliver`'s answer (built once per port; the app's protected counters behind it):
 * a cut packet is consumed and each segment made is generated; a segment that found no buffer
 * is `poolEmpty` (the app's `countDrop('pool-empty')`, which counts it generated and dropped); a
 * refused packet is dropped with the reason.
 */
export interface FinishBooks {
  generated(n: number): void;
  consume(p: Packet): void;
  drop(p: Packet, reason: FinishError): void;
  poolEmpty(): void;
}

/** Turns offloaded packets into ordinary frames on the way into the graph, when the graph needs that. One per port. */
export class OffloadFinisher {
  readonly #segmenter: TsoSegmenter;
  readonly #pool: PacketPool;
  readonly #maxFrame: number;
  #version = -1;
  #link: Link | null = null;
  /** Whether packets put on the current link are finished first (decided by `refresh`). */
  finishing = false;
  /** Segments put on the link by the last segmenting `deliver` (including any the full link refused). */
  made = 0;
  /** Segments of the last segmenting `deliver` that found no free packet buffer. */
  missed = 0;
  /** GSO packets segmented, segments made, partial checksums completed. */
  segmented = 0;
  segments = 0;
  checksumsCompleted = 0;

  /** Segments are written into packets of `pool`, each at most `maxFrame` bytes. */
  constructor(pool: PacketPool, maxFrame: number, bytes?: BytesCopy) {
    this.#segmenter = new TsoSegmenter(bytes);
    this.#pool = pool;
    this.#maxFrame = maxFrame;
  }

  /**
   * Decides again whether to finish packets put on `out`, when the graph changed since the last
   * call (one comparison otherwise). `offloads` false (the port gets no offloaded packets) means never.
   */
  refresh(engine: Engine, out: Link | undefined, offloads: boolean): boolean {
    if (this.#version !== engine.graphVersion || this.#link !== (out ?? null)) {
      this.#version = engine.graphVersion;
      this.#link = out ?? null;
      this.finishing = offloads && out !== undefined && !offloadsTakenBehind(engine, out);
    }
    return this.finishing;
  }

  /** Puts `p` on `out`: as it is, with its checksum completed, or as segments (see `DeliverResult`). */
  deliver(p: Packet, out: Link): DeliverResult {
    if (this.finishing) {
      if (p.gsoSize > 0) {
        const bad = this.#segment(p, out);
        if (bad !== null) return bad;
        this.segmented++;
        this.segments += this.made;
        return 'segmented';
      }
      if (p.csumStart >= 0) {
        completeChecksum(p.buf, p.view, p.off, p.len, p.csumStart - p.off, p.csumOffset);
        p.csumStart = -1;
        p.csumOffset = 0;
        this.checksumsCompleted++;
      }
    }
    out.transmit(p);
    return 'sent';
  }

  /** `deliver`, then books the outcome (see `FinishBooks`), so every port counts it the same way. */
  deliverBooked(p: Packet, out: Link, books: FinishBooks): void {
    const r = this.deliver(p, out);
    if (r === 'sent') return;
    if (r !== 'segmented') {
      books.drop(p, r);
      return;
    }
    // Each segment is a new packet; the received one is used up.
    books.generated(this.made);
    for (let i = 0; i < this.missed; i++) books.poolEmpty();
    books.consume(p);
  }

  #segment(p: Packet, out: Link): FinishError | null {
    this.made = 0;
    this.missed = 0;
    const seg = this.#segmenter;
    const bad = seg.begin(p);
    if (bad !== null) return bad;
    const pool = this.#pool;
    const first = seg.segmentLength(0);
    if (first > this.#maxFrame || first > pool.dataRoom) return 'gso-segment-too-big';
    const n = seg.count;
    for (let i = 0; i < n; i++) {
      const q = pool.alloc();
      if (q === null) {
        this.missed++;
        continue;
      }
      q.len = seg.emit(i, q.buf, q.off, q.view);
      q.inPort = p.inPort;
      q.traceId = p.traceId;
      this.made++;
      out.transmit(q);
    }
    return null;
  }
}
