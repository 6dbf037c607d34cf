/**
 * The per-packet state of an overlay endpoint, in one object of one class.
 *
 * Why: the VXLAN VTEP and the GRE tunnel are two subclasses of OverlayEndpoint, so in a process
 * holding both, every `this.#field` load in the shared encapsulation and decapsulation code sees
 * two hidden classes and its inline cache goes polymorphic (the tunnels bench lost about a tenth
 * of its VXLAN rate to that). Here every field the data path reads lives in an
 * OverlayDataPath, which has the same shape for every tunnel: what differs between VXLAN and GRE
 * is data (IP protocol, tunnel length, UDP port, the per-segment tunnel header words), never a
 * field's presence or type. The endpoint's hot methods load the data path once (`const d =
 * this.dp`) and read everything else through it. The code stays in those methods: as methods of
 * this class, with results handed back through fields, the same steps ran 5-15% slower in the
 * tunnels bench (calls not inlined), so this class holds state and two small lookups only.
 *
 * Invariants: every field is assigned in the constructor, in the same order, with the same kind
 * of value (typed arrays, numbers, one HashMacTable), so all instances share one hidden class.
 * Only setup code (the endpoint's constructor and `relink`) writes the fields marked mutable
 * here, except the IP id, the inner frame bounds and the counters. The fields are
 * `declare`d so that ES2022 class fields do not first define them as undefined: each starts
 * with the representation of its real value (small integer, typed array), which the hot loads
 * then need not check more generally.
 */
import type { Link } from '../../engine/link.js';
import type { HashMacTable } from '../../bridges/mac-table.js';
import { type U32Index } from './u32-index.js';

const ETH = 14;
const IPV4 = 20;
/** Words of a remote's outer header template (see `outer`). */
export const OUTER_WORDS = 9;

/** What the endpoint computes once at configuration and hands to its data path. */
export interface OverlayDataPathInit {
  readonly ipProtocol: number;
  readonly tunnelLen: number;
  readonly udpPort: number;
  readonly ip: number;
  readonly macHi: number;
  readonly macLo: number;
  readonly learning: boolean;
  readonly overlayMtu: number;
  readonly untagged: Int32Array;
  readonly tagged: Int32Array;
  readonly trunk: Uint8Array;
  readonly flow: Uint8Array;
  readonly segmentIds: Uint32Array;
  readonly segmentIndex: U32Index;
  readonly segmentIsIp: Uint8Array;
  readonly members: Int32Array[];
  readonly floodTo: Int32Array[];
  readonly arpSuppress: (ReadonlyMap<number, number> | undefined)[];
  readonly remoteIps: Uint32Array;
  readonly remoteByIp: U32Index;
  readonly remoteNextHop: Uint32Array;
  readonly allowed: Uint8Array;
  readonly remoteSum: Int32Array;
  readonly outer: Int32Array;
  readonly fdb: HashMacTable;
}

export class OverlayDataPath {
  /** IP protocol of the outer datagram: 17 (UDP) for VXLAN, 47 for GRE. */
  declare readonly ipProtocol: number;
  /** Bytes of tunnel header after the outer IPv4 header (the UDP header included). */
  declare readonly tunnelLen: number;
  /** The outer UDP destination port when the tunnel rides on UDP (VXLAN), else 0. */
  declare readonly udpPort: number;
  /** Ethernet + IPv4 + tunnel header bytes. */
  declare readonly encapLen: number;
  /** Our underlay address. */
  declare readonly ip: number;
  /** Our underlay MAC as its first 16 and last 32 bits. */
  declare readonly macHi: number;
  declare readonly macLo: number;
  declare readonly learning: boolean;
  declare readonly overlayMtu: number;
  /** port -> segment of untagged frames, or -1. */
  declare readonly untagged: Int32Array;
  /** port * 4096 + vlan -> segment, or -1 (trunk and flow ports only). */
  declare readonly tagged: Int32Array;
  declare readonly trunk: Uint8Array;
  /**
   * Ports bound with `flow`: the frame's tunnelId picks the segment. Their members are
   * port * 4096 + segment index (never more than 4095 segments), in the place of the VLAN.
   */
  declare readonly flow: Uint8Array;
  /** Segment index -> VNI or key. */
  declare readonly segmentIds: Uint32Array;
  declare readonly segmentIndex: U32Index;
  declare readonly segmentIsIp: Uint8Array;
  /** Per segment: local members as port * 4096 + vlan. */
  declare readonly members: Int32Array[];
  /** Per segment: remote indices to replicate to. */
  declare readonly floodTo: Int32Array[];
  declare readonly arpSuppress: (ReadonlyMap<number, number> | undefined)[];
  /** Remote index -> underlay IP; its next hop; whether the next hop's MAC is in `outer`. */
  declare readonly remoteIps: Uint32Array;
  declare readonly remoteByIp: U32Index;
  declare readonly remoteNextHop: Uint32Array;
  declare readonly remoteResolved: Uint8Array;
  /** remote * segments + segment -> 1 when the remote may use the segment. */
  declare readonly allowed: Uint8Array;
  /** Ones'-complement sum of the outer IPv4 header words that do not change per packet. */
  declare readonly remoteSum: Int32Array;
  /**
   * Per remote, the outer header as big-endian words from the frame start (OUTER_WORDS each):
   * Ethernet destination and source, then the IPv4 words that never change. Words 4 (length,
   * id) and 6 (checksum, first half of the source address) are written per packet.
   */
  declare readonly outer: Int32Array;
  declare readonly fdb: HashMacTable;
  /** Per segment, the tunnel header words after the outer UDP header (VXLAN) or IPv4 header (GRE); empty when the tunnel writes them per packet. */
  declare tunnelWords: Int32Array;
  /** Words per segment in `tunnelWords`; 0 when the tunnel writes its header per packet. */
  declare tunnelStride: number;
  /** Output links per access port, and of the underlay (set on relink). */
  declare outLinks: (Link | null)[];
  declare underlayOut: Link | null;
  /** The last outer IPv4 identification used. */
  declare ipId: number;
  /** Where the inner frame starts and ends in `p.buf`, set by the tunnel's header reader. */
  declare innerOffset: number;
  declare innerEnd: number;
  declare encapsulated: number;
  declare decapsulated: number;
  declare floods: number;
  declare arpSuppressed: number;
  declare fragNeeded: number;
  declare learnedRemote: number;
  declare cloneFailures: number;

  constructor(init: OverlayDataPathInit) {
    this.ipProtocol = init.ipProtocol;
    this.tunnelLen = init.tunnelLen;
    this.udpPort = init.udpPort;
    this.encapLen = ETH + IPV4 + init.tunnelLen;
    this.ip = init.ip >>> 0;
    this.macHi = init.macHi;
    this.macLo = init.macLo;
    this.learning = init.learning;
    this.overlayMtu = init.overlayMtu;
    this.untagged = init.untagged;
    this.tagged = init.tagged;
    this.trunk = init.trunk;
    this.flow = init.flow;
    this.segmentIds = init.segmentIds;
    this.segmentIndex = init.segmentIndex;
    this.segmentIsIp = init.segmentIsIp;
    this.members = init.members;
    this.floodTo = init.floodTo;
    this.arpSuppress = init.arpSuppress;
    this.remoteIps = init.remoteIps;
    this.remoteByIp = init.remoteByIp;
    this.remoteNextHop = init.remoteNextHop;
    this.remoteResolved = new Uint8Array(init.remoteIps.length);
    this.allowed = init.allowed;
    this.remoteSum = init.remoteSum;
    this.outer = init.outer;
    this.fdb = init.fdb;
    this.tunnelWords = new Int32Array(0);
    this.tunnelStride = 0;
    this.outLinks = [];
    this.underlayOut = null;
    this.ipId = 0;
    this.innerOffset = 0;
    this.innerEnd = 0;
    this.encapsulated = 0;
    this.decapsulated = 0;
    this.floods = 0;
    this.arpSuppressed = 0;
    this.fragNeeded = 0;
    this.learnedRemote = 0;
    this.cloneFailures = 0;
  }

  /** The segment index of a VNI or key, or -1. */
  segmentOf(id: number): number {
    return this.segmentIndex.get(id);
  }

  /** Whether remote `r` may send and receive on segment `seg`. */
  mayUse(r: number, seg: number): boolean {
    return this.allowed[r * this.segmentIds.length + seg] === 1;
  }
}
