/**
 * Flow key extraction: packet bytes -> the words of the flow key (layout `W` in types.ts).
 *
 * Never throws and never allocates. What is not present is zero: an unknown EtherType leaves
 * every L3/L4 word zero, a truncated IPv4 header leaves the L3 words zero (eth_type still says
 * 0x0800, as Open vSwitch does), a later fragment has no L4 ports. So a flow key is a pure
 * function of the bytes and the pipeline metadata (in_port, tun_id), which is what lets a cache
 * keyed on it answer for the pipeline.
 *
 * One 802.1Q/802.1ad tag is parsed: vlan_tci gets the TCI with the CFI bit forced on (it means
 * "tag present" here) and eth_type is the EtherType after the tag.
 */
import { FLOW_WORDS, FRAG_ANY, FRAG_LATER, W } from './types.js';

/** Extraction outcomes (a short frame yields a key anyway, with nothing past what was read). */
export const KEY_OK = 0;
export const KEY_RUNT = 1;

/** Fills `key` from the frame at buf[off, off+len); returns KEY_OK or KEY_RUNT (< 14 bytes). */
export function extractFlowKey(buf: Uint8Array, off: number, len: number, inPort: number, tunId: number, key: Uint32Array): number {
  key.fill(0);
  key[W.IN_PORT] = inPort;
  key[W.TUN_ID_LO] = tunId >>> 0;
  if (len < 14) return KEY_RUNT;
  key[W.ETH_DST_HI] = (buf[off]! << 8) | buf[off + 1]!;
  key[W.ETH_DST_LO] = ((buf[off + 2]! << 24) | (buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!) >>> 0;
  key[W.ETH_SRC_HI] = (buf[off + 6]! << 8) | buf[off + 7]!;
  key[W.ETH_SRC_LO] = ((buf[off + 8]! << 24) | (buf[off + 9]! << 16) | (buf[off + 10]! << 8) | buf[off + 11]!) >>> 0;
  let type = (buf[off + 12]! << 8) | buf[off + 13]!;
  let l3 = off + 14;
  const end = off + len;
  if ((type === 0x8100 || type === 0x88a8) && l3 + 4 <= end) {
    key[W.VLAN_TCI] = ((buf[l3]! << 8) | buf[l3 + 1]! | 0x1000) >>> 0;
    type = (buf[l3 + 2]! << 8) | buf[l3 + 3]!;
    l3 += 4;
  }
  key[W.ETH_TYPE] = type;
  if (type === 0x0800) extractIpv4(buf, l3, end, key);
  else if (type === 0x0806) extractArp(buf, l3, end, key);
  return KEY_OK;
}

function extractIpv4(buf: Uint8Array, l3: number, end: number, key: Uint32Array): void {
  if (l3 + 20 > end) return;
  const vihl = buf[l3]!;
  const ihl = (vihl & 0x0f) * 4;
  if (vihl >> 4 !== 4 || ihl < 20 || l3 + ihl > end) return;
  key[W.NW_TOS] = buf[l3 + 1]!;
  key[W.NW_TTL] = buf[l3 + 8]!;
  const proto = buf[l3 + 9]!;
  key[W.NW_PROTO] = proto;
  key[W.NW_SRC] = ((buf[l3 + 12]! << 24) | (buf[l3 + 13]! << 16) | (buf[l3 + 14]! << 8) | buf[l3 + 15]!) >>> 0;
  key[W.NW_DST] = ((buf[l3 + 16]! << 24) | (buf[l3 + 17]! << 16) | (buf[l3 + 18]! << 8) | buf[l3 + 19]!) >>> 0;
  const fragField = ((buf[l3 + 6]! << 8) | buf[l3 + 7]!) & 0x3fff; // MF flag and offset
  if (fragField !== 0) {
    key[W.NW_FRAG] = (fragField & 0x1fff) !== 0 ? FRAG_ANY | FRAG_LATER : FRAG_ANY;
    if ((fragField & 0x1fff) !== 0) return; // a later fragment carries no L4 header
  }
  const l4 = l3 + ihl;
  if (proto === 6 || proto === 17) {
    if (l4 + 4 > end) return;
    key[W.TP_SRC] = (buf[l4]! << 8) | buf[l4 + 1]!;
    key[W.TP_DST] = (buf[l4 + 2]! << 8) | buf[l4 + 3]!;
  } else if (proto === 1) {
    if (l4 + 2 > end) return;
    key[W.TP_SRC] = buf[l4]!;
    key[W.TP_DST] = buf[l4 + 1]!;
  }
}

function extractArp(buf: Uint8Array, l3: number, end: number, key: Uint32Array): void {
  // Ethernet/IPv4 ARP only (htype 1, ptype 0x0800, hlen 6, plen 4).
  if (l3 + 28 > end) return;
  if (buf[l3] !== 0 || buf[l3 + 1] !== 1 || buf[l3 + 2] !== 8 || buf[l3 + 3] !== 0 || buf[l3 + 4] !== 6 || buf[l3 + 5] !== 4) return;
  key[W.NW_PROTO] = (buf[l3 + 6]! << 8) | buf[l3 + 7]!;
  key[W.ARP_SHA_HI] = (buf[l3 + 8]! << 8) | buf[l3 + 9]!;
  key[W.ARP_SHA_LO] = ((buf[l3 + 10]! << 24) | (buf[l3 + 11]! << 16) | (buf[l3 + 12]! << 8) | buf[l3 + 13]!) >>> 0;
  key[W.NW_SRC] = ((buf[l3 + 14]! << 24) | (buf[l3 + 15]! << 16) | (buf[l3 + 16]! << 8) | buf[l3 + 17]!) >>> 0;
  key[W.ARP_THA_HI] = (buf[l3 + 18]! << 8) | buf[l3 + 19]!;
  key[W.ARP_THA_LO] = ((buf[l3 + 20]! << 24) | (buf[l3 + 21]! << 16) | (buf[l3 + 22]! << 8) | buf[l3 + 23]!) >>> 0;
  key[W.NW_DST] = ((buf[l3 + 24]! << 24) | (buf[l3 + 25]! << 16) | (buf[l3 + 26]! << 8) | buf[l3 + 27]!) >>> 0;
}

/** A fresh zeroed flow key. */
export function newFlowKey(): Uint32Array {
  return new Uint32Array(FLOW_WORDS);
}

/**
 * The words an ingress flow key can hold (the rest, metadata, registers and tun_id's high word,
 * start at zero for every packet), the words that differ most between flows first (the packed
 * ingress key keeps that order, so an exact-match compare that misses exits early).
 */
export const INGRESS_WORDS: readonly number[] = [
  W.NW_DST, W.TP_SRC, W.NW_SRC, W.TP_DST, W.ETH_DST_LO, W.ETH_SRC_LO, W.IN_PORT, W.TUN_ID_LO, W.ETH_DST_HI, W.ETH_SRC_HI,
  W.ETH_TYPE, W.VLAN_TCI, W.NW_PROTO, W.NW_TOS, W.NW_TTL, W.NW_FRAG, W.ARP_SHA_HI, W.ARP_SHA_LO, W.ARP_THA_HI, W.ARP_THA_LO,
];

/**
 * The final avalanche: the cache indexes by the low bits. The result keeps 30 bits so it is a
 * small integer: a full uint32 would be returned as a heap number, one allocation per packet.
 */
function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x2c1b3c6d);
  return (h ^ (h >>> 12)) & 0x3fff_ffff;
}

/**
 * The exact-match cache's hash of an ingress key: ten words that tell flows apart (the compare
 * checks all of `INGRESS_WORDS`, so flows equal on these ten only share a slot).
 */
export function ingressHash(key: Uint32Array): number {
  return hashPacked(key[W.NW_DST]! | 0, (key[W.TP_SRC]! << 16) | key[W.TP_DST]!, key[W.NW_SRC]! | 0, key[W.ETH_DST_LO]! | 0, key[W.ETH_SRC_LO]! | 0,
    key[W.IN_PORT]! | 0, key[W.TUN_ID_LO]! | 0, (key[W.ETH_TYPE]! << 16) | key[W.VLAN_TCI]!);
}

/** The hash of the ten values, given as the packed words they share (ports, eth_type with vlan_tci). */
function hashPacked(nwDst: number, ports: number, nwSrc: number, dstLo: number, srcLo: number, inPort: number, tun: number, typeTci: number): number {
  // Four independent multiplies over the ten values folded in pairs (cheaper than ten chained
  // steps, and the compare is exact, so a weaker mix can only cost a collision, never an answer).
  const a = Math.imul(nwDst ^ (inPort << 16) ^ tun, 0x9e3779b1);
  const b = Math.imul(nwSrc ^ typeTci, 0x85ebca77);
  const c = Math.imul(ports ^ ((dstLo << 7) | (dstLo >>> 25)), 0xc2b2ae3d);
  const d = Math.imul(srcLo, 0x27d4eb2f);
  return finish((a ^ ((b << 13) | (b >>> 19))) + (c ^ ((d << 7) | (d >>> 25))));
}

/**
 * Unpacks an ingress key (the `INGRESS_WORD_COUNT` packed words `extractIngressHashed` writes)
 * into the words of a full flow key. The protocol word holds an ARP opcode (16 bits, the other
 * fields zero) when eth_type is ARP, else nw_proto, nw_frag, nw_tos and nw_ttl a byte each.
 */
export function scatterIngress(ik: Int32Array, key: Uint32Array): void {
  key[W.NW_DST] = ik[0]!;
  key[W.TP_SRC] = ik[1]! >>> 16;
  key[W.TP_DST] = ik[1]! & 0xffff;
  key[W.NW_SRC] = ik[2]!;
  key[W.ETH_DST_LO] = ik[3]!;
  key[W.ETH_SRC_LO] = ik[4]!;
  key[W.IN_PORT] = ik[5]!;
  key[W.TUN_ID_LO] = ik[6]!;
  key[W.ETH_DST_HI] = ik[7]! >>> 16;
  key[W.ETH_SRC_HI] = ik[7]! & 0xffff;
  const type = ik[8]! >>> 16;
  key[W.ETH_TYPE] = type;
  key[W.VLAN_TCI] = ik[8]! & 0xffff;
  const pw = ik[9]!;
  if (type === 0x0806) {
    key[W.NW_PROTO] = pw & 0xffff;
    key[W.NW_FRAG] = 0;
    key[W.NW_TOS] = 0;
    key[W.NW_TTL] = 0;
  } else {
    key[W.NW_PROTO] = pw & 0xff;
    key[W.NW_FRAG] = (pw >>> 8) & 0xff;
    key[W.NW_TOS] = (pw >>> 16) & 0xff;
    key[W.NW_TTL] = pw >>> 24;
  }
  key[W.ARP_SHA_HI] = ik[10]! >>> 16;
  key[W.ARP_THA_HI] = ik[10]! & 0xffff;
  key[W.ARP_SHA_LO] = ik[11]!;
  key[W.ARP_THA_LO] = ik[12]!;
}

/** Words of a packed ingress key (the 20 INGRESS_WORDS, 16-bit and 8-bit fields sharing words). */
export const INGRESS_WORD_COUNT = 13;

/** Set in word 5 of a raw exact-match key, where the ingress key holds the bare port number, so the two kinds of key never compare equal. */
export const RAW_KEY_TAG = 0x4000_0000;

/** Raw keys are read native-endian and laid out for a little-endian host (every platform Node runs on here); elsewhere the switch does not use them. */
export const RAW_KEYS = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The exact-match cache's key for the commonest frame, untagged IPv4 with a 20-byte header,
 * taken as raw header words instead of fields: the frame must start 4-byte aligned in `mem32`'s
 * memory (byte address `at`) and be at least 40 bytes long; then its first ten words are read
 * native-endian, without swapping bytes or cutting fields apart, and the bytes that never reach
 * a flow key are masked off (IP total length, identification and header checksum; beyond the
 * ports, and the ports themselves where the ingress key has none: ICMP past type and code, other
 * protocols, later fragments). What is left determines every word of the frame's ingress key,
 * so two frames with the same raw key have the same ingress key, and a raw key can stand for it
 * in the exact-match cache. It is more specific only in the DF bit, which the cache then keeps
 * apart. Word 5 carries the port with RAW_KEY_TAG, so no raw key equals an ingress key. Words
 * 11 and 12 are not written: they stay zero in an array kept for raw keys. Returns the key's
 * hash, or -1 when the frame is not of that kind (the caller uses `extractIngressHashed`).
 * Small enough for V8 to inline into the switch's per-packet function, which is worth about as
 * much as reading raw words instead of fields.
 */
export function extractRawIpv4Hashed(mem32: Int32Array, at: number, len: number, inPort: number, tunId: number, rk: Int32Array): number {
  if ((at & 3) !== 0 || len < 40) return -1;
  const i = at >> 2;
  const typeVer = mem32[i + 3]!; // eth_type, version/IHL, TOS (bytes 12-15, byte 12 lowest)
  if ((typeVer & 0x00ff_ffff) !== 0x0045_0008) return -1;
  const fragTtlProto = mem32[i + 5]!; // flags/fragment offset, TTL, protocol (bytes 20-23)
  // Bytes 32-35 hold the end of nw_dst, then tp_src or ICMP type and code; bytes 36-37 tp_dst.
  const l4 = rawKeyL4Words(fragTtlProto);
  const w8 = l4 === 0 ? mem32[i + 8]! & 0xffff : mem32[i + 8]!;
  const w9 = l4 === 2 ? mem32[i + 9]! & 0xffff : 0;
  const w7 = mem32[i + 7]!;
  const w0 = mem32[i]!;
  const w6 = rawKeyWord6(mem32, i);
  const port = inPort | 0x4000_0000; // RAW_KEY_TAG
  // The words that tell flows apart first, as in the ingress key, so a compare that misses exits early.
  rk[0] = w8;
  rk[1] = w7;
  rk[2] = w9;
  rk[3] = w0;
  rk[4] = mem32[i + 2]!;
  rk[5] = port;
  rk[6] = tunId;
  rk[7] = mem32[i + 1]!;
  rk[8] = typeVer;
  rk[9] = fragTtlProto;
  rk[10] = w6;
  return rawKeyHash(w8, w7, w9, w0, w6, port, tunId, fragTtlProto);
}

/**
 * Which of the frame's words 8 and 9 a raw key keeps (`fragTtlProto`: the frame's word 5): 2 for
 * an unfragmented or first-fragment TCP or UDP packet (both ports), 1 for ICMP (type and code in
 * word 8), 0 otherwise (only the end of nw_dst, the first half of word 8).
 */
export function rawKeyL4Words(fragTtlProto: number): number {
  if ((fragTtlProto & 0xff1f) !== 0) return 0;
  const proto = fragTtlProto >>> 24;
  return proto === 6 || proto === 17 ? 2 : proto === 1 ? 1 : 0;
}

/** A raw key's word 10, from the frame's word 6: the start of nw_src (bytes 26-27), not the IP checksum. */
export function rawKeyWord6(mem32: Int32Array, i: number): number {
  return mem32[i + 6]! & -0x1_0000;
}

/** A raw key's hash, from the eight of its words that tell flows apart (named as in `extractRawIpv4Hashed`). */
export function rawKeyHash(w8: number, w7: number, w9: number, w0: number, w6: number, port: number, tunId: number, fragTtlProto: number): number {
  const a = Math.imul(w8 ^ port ^ tunId, 0x9e3779b1);
  const b = Math.imul(w7 ^ w6 ^ fragTtlProto, 0x85ebca77);
  return finish((a ^ ((b << 13) | (b >>> 19))) + Math.imul(w9 ^ w0, 0xc2b2ae3d));
}

/**
 * `extractFlowKey` into a full key through the one-pass extractor, returning the key's
 * `ingressHash` (or -1 for a runt, with the key unspecified). `key`'s words outside
 * INGRESS_WORDS are left alone, so they must be zero, as in a key only the extractors fill.
 */
export function extractFlowKeyHashed(v: DataView, off: number, len: number, inPort: number, tunId: number, key: Uint32Array, ik = new Int32Array(INGRESS_WORD_COUNT)): number {
  const h = extractIngressHashed(v, off, len, inPort, tunId, ik);
  if (h >= 0) scatterIngress(ik, key);
  return h;
}

/**
 * The fast path's extraction: the ingress words of the key `extractFlowKey` gives, read as
 * big-endian words through the packet's DataView in one pass and written packed into `ik` (as
 * int32, which is what the exact-match cache compares; layout in `scatterIngress`), returning their
 * `ingressHash` computed from the values on the way, or -1 for a runt (`ik` then unspecified).
 * Every 32-bit read is `getInt32`: a uint32 above 2^31 merged with a 0 default would be boxed
 * as a heap number on every packet.
 */
export function extractIngressHashed(v: DataView, off: number, len: number, inPort: number, tunId: number, ik: Int32Array): number {
  if (len < 14) return -1;
  // Each word is stored as soon as it is known, so few values stay live (fewer spills).
  const port = inPort | 0;
  const tun = tunId | 0;
  const w0 = v.getInt32(off);
  const w1 = v.getInt32(off + 4);
  const dstLo = (w0 << 16) | (w1 >>> 16);
  const srcLo = v.getInt32(off + 8);
  ik[3] = dstLo;
  ik[4] = srcLo;
  ik[5] = port;
  ik[6] = tun;
  ik[7] = (w0 & 0xffff0000) | (w1 & 0xffff);
  ik[10] = 0;
  ik[11] = 0;
  ik[12] = 0;
  let type = v.getUint16(off + 12);
  let l3 = off + 14;
  const end = off + len;
  let tci = 0;
  if ((type === 0x8100 || type === 0x88a8) && l3 + 4 <= end) {
    tci = v.getUint16(l3) | 0x1000;
    type = v.getUint16(l3 + 2);
    l3 += 4;
  }
  const typeTci = (type << 16) | tci;
  let nwSrc = 0;
  let nwDst = 0;
  let ports = 0;
  let protoWord = 0;
  if (type === 0x0800) {
    if (l3 + 20 <= end) {
      const h0 = v.getInt32(l3); // version, IHL, TOS, total length
      const ihl = (h0 >>> 22) & 0x3c;
      if (h0 >>> 28 === 4 && ihl >= 20 && l3 + ihl <= end) {
        const fragField = v.getUint16(l3 + 6) & 0x3fff; // MF flag and offset
        const w2 = v.getInt32(l3 + 8); // TTL, protocol, checksum
        const proto = (w2 >>> 16) & 0xff;
        nwSrc = v.getInt32(l3 + 12);
        nwDst = v.getInt32(l3 + 16);
        const later = (fragField & 0x1fff) !== 0;
        const frag = fragField === 0 ? 0 : later ? FRAG_ANY | FRAG_LATER : FRAG_ANY;
        protoWord = (w2 & 0xff000000) | (h0 & 0x00ff0000) | (frag << 8) | proto;
        if (!later) {
          const l4 = l3 + ihl;
          if (proto === 6 || proto === 17) {
            if (l4 + 4 <= end) ports = v.getInt32(l4);
          } else if (proto === 1 && l4 + 2 <= end) {
            ports = (v.getUint8(l4) << 16) | v.getUint8(l4 + 1);
          }
        }
      }
    }
  } else if (type === 0x0806 && l3 + 28 <= end && v.getInt32(l3) === 0x00010800 && v.getUint16(l3 + 4) === 0x0604) {
    protoWord = v.getUint16(l3 + 6);
    nwSrc = v.getInt32(l3 + 14);
    nwDst = v.getInt32(l3 + 24);
    ik[10] = (v.getUint16(l3 + 8) << 16) | v.getUint16(l3 + 18);
    ik[11] = v.getInt32(l3 + 10);
    ik[12] = v.getInt32(l3 + 20);
  }
  ik[0] = nwDst;
  ik[1] = ports;
  ik[2] = nwSrc;
  ik[8] = typeTci;
  ik[9] = protoWord;
  return hashPacked(nwDst, ports, nwSrc, dstLo, srcLo, port, tun, typeTci);
}
