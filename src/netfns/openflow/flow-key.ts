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
