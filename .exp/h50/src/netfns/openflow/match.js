/**
 * Match algebra and validation on the word layout: equality, inclusion (non-strict flow mod
 * selection), overlap (OFPFF_CHECK_OVERLAP), prerequisite checks (OpenFlow 1.3 section 7.2.3.8),
 * and bit-range access used by NXM load/move/learn.
 *
 * Prerequisites are checked on words, not on the field names a match was written with, so a
 * match built from aliases (tcp_dst and udp_dst share a word) is judged by what it constrains.
 */
import { F, FLOW_WORDS, OFPBMC_BAD_PREREQ, OFPET_BAD_MATCH, OFPVID_PRESENT, W, fieldInfo, ofError, } from './types.js';
export function matchEquals(a, b) {
    for (let i = 0; i < FLOW_WORDS; i++)
        if (a.mask[i] !== b.mask[i] || a.value[i] !== b.value[i])
            return false;
    return true;
}
/** True when every packet matched by `inner` is matched by `outer` (outer is wider or equal). */
export function matchIncludes(outer, inner) {
    for (let i = 0; i < FLOW_WORDS; i++) {
        const om = outer.mask[i];
        if ((om & ~inner.mask[i]) !== 0)
            return false;
        if (((inner.value[i] & om) >>> 0) !== outer.value[i])
            return false;
    }
    return true;
}
/** True when some packet is matched by both. */
export function matchesOverlap(a, b) {
    for (let i = 0; i < FLOW_WORDS; i++)
        if (((a.value[i] ^ b.value[i]) & a.mask[i] & b.mask[i]) !== 0)
            return false;
    return true;
}
function ethTypeIs(m, ...types) {
    return m.mask[W.ETH_TYPE] === 0xffff && types.includes(m.value[W.ETH_TYPE]);
}
/** Checks the prerequisites of every constrained word; null when the match is well-formed. */
export function checkPrerequisites(m) {
    const bad = (what) => ofError(OFPET_BAD_MATCH, OFPBMC_BAD_PREREQ, `${what}`);
    for (let i = 0; i < FLOW_WORDS; i++) {
        if ((m.value[i] & ~m.mask[i]) !== 0)
            return ofError(OFPET_BAD_MATCH, 5 /* OFPBMC_BAD_WILDCARDS */, `value bits outside the mask in word ${i}`);
    }
    const tci = m.mask[W.VLAN_TCI];
    if ((tci & 0xe000) !== 0 && ((m.mask[W.VLAN_TCI] & OFPVID_PRESENT) === 0 || (m.value[W.VLAN_TCI] & OFPVID_PRESENT) === 0)) {
        return bad('vlan_pcp requires a VLAN to be present (vlan_vid with OFPVID_PRESENT)');
    }
    const ipOnly = [W.NW_TOS, W.NW_TTL, W.NW_FRAG];
    for (const w of ipOnly)
        if (m.mask[w] !== 0 && !ethTypeIs(m, 0x0800))
            return bad('IP fields require eth_type=0x0800 (ip)');
    for (const w of [W.NW_PROTO, W.NW_SRC, W.NW_DST]) {
        if (m.mask[w] !== 0 && !ethTypeIs(m, 0x0800, 0x0806))
            return bad('L3 fields require eth_type=0x0800 (ip) or 0x0806 (arp)');
    }
    for (const w of [W.ARP_SHA_HI, W.ARP_SHA_LO, W.ARP_THA_HI, W.ARP_THA_LO]) {
        if (m.mask[w] !== 0 && !ethTypeIs(m, 0x0806))
            return bad('arp_sha/arp_tha require eth_type=0x0806 (arp)');
    }
    if (m.mask[W.TP_SRC] !== 0 || m.mask[W.TP_DST] !== 0) {
        if (!ethTypeIs(m, 0x0800))
            return bad('L4 fields require eth_type=0x0800 (ip)');
        const p = m.value[W.NW_PROTO];
        if (m.mask[W.NW_PROTO] !== 0xff || (p !== 6 && p !== 17 && p !== 1))
            return bad('L4 fields require ip_proto=6 (tcp), 17 (udp) or 1 (icmp)');
    }
    return null;
}
/** Mask of `ref`'s bits within its field, as a bigint. */
function refMask(ref) {
    return ((1n << BigInt(ref.nBits)) - 1n) << BigInt(ref.ofs);
}
/** Validates that a field reference fits its field. */
export function refFits(ref) {
    const f = fieldInfo(ref.field);
    return ref.nBits >= 1 && ref.ofs >= 0 && ref.ofs + ref.nBits <= f.bits;
}
/** Reads bits [ofs, ofs+nBits) of a field from words (a flow key or a match value). */
export function readBits(words, ref) {
    const f = fieldInfo(ref.field);
    let v = BigInt(words[f.word]);
    if (f.words === 2)
        v = (v << 32n) | BigInt(words[f.word + 1]);
    return (v >> BigInt(f.shift + ref.ofs)) & ((1n << BigInt(ref.nBits)) - 1n);
}
/** Writes bits [ofs, ofs+nBits) of a field into words. */
export function writeBits(words, ref, value) {
    const f = fieldInfo(ref.field);
    let v = BigInt(words[f.word]);
    if (f.words === 2)
        v = (v << 32n) | BigInt(words[f.word + 1]);
    const m = refMask(ref) << BigInt(f.shift);
    v = (v & ~m) | ((value << BigInt(ref.ofs + f.shift)) & m);
    if (f.words === 2) {
        words[f.word] = Number((v >> 32n) & 0xffffffffn);
        words[f.word + 1] = Number(v & 0xffffffffn);
    }
    else
        words[f.word] = Number(v & 0xffffffffn);
}
/** Sets the bits of `ref` in a match to `value`, exact. */
export function setMatchBits(m, ref, value) {
    writeBits(m.mask, ref, (1n << BigInt(ref.nBits)) - 1n);
    writeBits(m.value, ref, value);
}
/** Marks the bits of `ref` as examined in a wildcard mask. */
export function unwildcardBits(wc, ref) {
    const cur = readBits(wc, ref);
    writeBits(wc, ref, cur | ((1n << BigInt(ref.nBits)) - 1n));
}
/** A whole-field reference. */
export function wholeField(field) {
    return { field, ofs: 0, nBits: fieldInfo(field).bits };
}
/** The in_port field (for `output:NXM_OF_IN_PORT[]`). */
export const IN_PORT_REF = { field: F.in_port, ofs: 0, nBits: 32 };
//# sourceMappingURL=match.js.map