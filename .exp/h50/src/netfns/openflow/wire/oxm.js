/**
 * OXM and NXM match fields: `ofp_match` (type OXM) to and from the pipeline's `Match`, and the
 * 32-bit field headers that Nicira actions (reg_load, reg_move, output_reg, learn) use to name a
 * field, to and from `FieldRef`.
 *
 * A field header is `class:16 | field:7 | hasmask:1 | length:8`. Open vSwitch encodes, for
 * OpenFlow 1.3, the standard fields as OFPXMC_OPENFLOW_BASIC (0x8000) and its own as NXM_NX
 * (class 1): registers are `0x0001xx04`, and tun_id is OXM_OF_TUNNEL_ID (0x80004c08). Inside
 * learn and move it still writes NXM_OF (class 0) names such as NXM_OF_VLAN_TCI and
 * NXM_OF_ETH_SRC, and NXM_NX_TUN_ID (0x00012008); all of them decode here. Several fields share
 * flow-key storage (see ../types.ts), so encoding a match picks the name by its prerequisites:
 * ports are tcp_*, udp_* or icmp_* after ip_proto, nw_src is ipv4_src or arp_spa after eth_type.
 */
import { F, FIELDS, emptyMatch, fieldInfo, getMatchField, ofError, setMatchField, } from '../types.js';
import { OFPBMC, OFPET, OFPMT_OXM, OFPXMC_NXM_0, OFPXMC_NXM_1 } from './consts.js';
import { Writer } from './bytes.js';
function basic(f) {
    return { oxmClass: f.oxmClass, oxmField: f.oxmField, bytes: f.oxmBytes, field: f.id, bits: f.bits };
}
/** Old NXM names for standard fields (class 0 and a few of class 1), as OVS writes them in NX actions. */
const NXM_ALIASES = [
    { oxmClass: OFPXMC_NXM_0, oxmField: 0, bytes: 2, field: F.in_port, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 1, bytes: 6, field: F.eth_dst, bits: 48 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 2, bytes: 6, field: F.eth_src, bits: 48 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 3, bytes: 2, field: F.eth_type, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 6, bytes: 1, field: F.ip_proto, bits: 8 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 7, bytes: 4, field: F.ipv4_src, bits: 32 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 8, bytes: 4, field: F.ipv4_dst, bits: 32 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 9, bytes: 2, field: F.tcp_src, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 10, bytes: 2, field: F.tcp_dst, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 11, bytes: 2, field: F.udp_src, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 12, bytes: 2, field: F.udp_dst, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 13, bytes: 1, field: F.icmp_type, bits: 8 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 14, bytes: 1, field: F.icmp_code, bits: 8 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 15, bytes: 2, field: F.arp_op, bits: 16 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 16, bytes: 4, field: F.arp_spa, bits: 32 },
    { oxmClass: OFPXMC_NXM_0, oxmField: 17, bytes: 4, field: F.arp_tpa, bits: 32 },
    { oxmClass: OFPXMC_NXM_1, oxmField: 16, bytes: 8, field: F.tun_id, bits: 64 },
    { oxmClass: OFPXMC_NXM_1, oxmField: 17, bytes: 6, field: F.arp_sha, bits: 48 },
    { oxmClass: OFPXMC_NXM_1, oxmField: 18, bytes: 6, field: F.arp_tha, bits: 48 },
];
const BY_HEADER = new Map();
for (const n of [...FIELDS.map(basic), ...NXM_ALIASES])
    BY_HEADER.set(n.oxmClass * 128 + n.oxmField, n);
/** The wire name of a class and field number, if we know it. */
export function oxmName(oxmClass, oxmField) {
    return BY_HEADER.get(oxmClass * 128 + oxmField);
}
/** The 32-bit header of a field (no mask) as the pipeline names it. */
export function fieldHeader(id) {
    const f = fieldInfo(id);
    return oxmHeader(f.oxmClass, f.oxmField, false, f.oxmBytes);
}
/**
 * The header Nicira actions (load, move, output_reg, learn) use for a field: the NXM name when
 * one covers the whole field, as ovs-ofctl writes them (NXM_OF_ETH_SRC, NXM_NX_TUN_ID), else
 * the OXM one (in_port is OXM_OF_IN_PORT: NXM_OF_IN_PORT has only 16 bits).
 */
export function nxFieldHeader(id) {
    const bits = fieldInfo(id).bits;
    const alias = NXM_ALIASES.find((n) => n.field === id && n.bits === bits);
    return alias ? oxmHeader(alias.oxmClass, alias.oxmField, false, alias.bytes) : fieldHeader(id);
}
export function oxmHeader(oxmClass, oxmField, hasMask, valueBytes) {
    return ((oxmClass << 16) | (oxmField << 9) | (hasMask ? 0x100 : 0) | (hasMask ? 2 * valueBytes : valueBytes)) >>> 0;
}
/** A field header naming a bit range: what reg_load/reg_move/learn carry. */
export function decodeFieldRef(header, ofs, nBits, code) {
    const name = oxmName(header >>> 16, (header >>> 9) & 0x7f);
    if (name === undefined)
        return ofError(code.type, code.code, `unknown field header 0x${header.toString(16).padStart(8, '0')}`);
    if (nBits < 1 || ofs + nBits > name.bits)
        return ofError(code.type, code.code, `bits ${ofs}..${ofs + nBits - 1} outside ${fieldInfo(name.field).name} (${name.bits} bits)`);
    return { field: name.field, ofs, nBits };
}
/** Reasons an ofp_match is refused (OFPET_BAD_MATCH codes). */
function badMatch(code, message) {
    return ofError(OFPET.BAD_MATCH, code, message);
}
/**
 * Decodes the `ofp_match` at `at` (type, length, OXM TLVs, padding). Returns the match and the
 * number of bytes it occupies (its length rounded up to 8), or the OFPET_BAD_MATCH error.
 */
export function decodeMatch(r, at) {
    if (!r.has(at, 4))
        return badMatch(OFPBMC.BAD_LEN, 'match header truncated');
    const type = r.u16(at);
    const length = r.u16(at + 2);
    if (type !== OFPMT_OXM)
        return badMatch(OFPBMC.BAD_TYPE, `match type ${type} is not OXM`);
    if (length < 4)
        return badMatch(OFPBMC.BAD_LEN, `match length ${length} < 4`);
    const size = (length + 7) & ~7;
    if (!r.has(at, size))
        return badMatch(OFPBMC.BAD_LEN, `match length ${length} exceeds the message`);
    const match = emptyMatch();
    const seen = new Set();
    let off = at + 4;
    const end = at + length;
    while (off < end) {
        if (off + 4 > end)
            return badMatch(OFPBMC.BAD_LEN, 'OXM header truncated');
        const header = r.u32(off);
        const oxmClass = header >>> 16;
        const oxmField = (header >>> 9) & 0x7f;
        const hasMask = (header & 0x100) !== 0;
        const len = header & 0xff;
        if (off + 4 + len > end)
            return badMatch(OFPBMC.BAD_LEN, `OXM 0x${header.toString(16)} length ${len} runs past the match`);
        const name = oxmName(oxmClass, oxmField);
        if (name === undefined)
            return badMatch(OFPBMC.BAD_FIELD, `unsupported OXM class 0x${oxmClass.toString(16)} field ${oxmField}`);
        const info = fieldInfo(name.field);
        if (len !== (hasMask ? 2 : 1) * name.bytes)
            return badMatch(OFPBMC.BAD_LEN, `${info.name}: OXM length ${len}, expected ${(hasMask ? 2 : 1) * name.bytes}`);
        if (hasMask && !info.maskable)
            return badMatch(OFPBMC.BAD_MASK, `${info.name} cannot be masked`);
        if (seen.has(name.field))
            return badMatch(OFPBMC.DUP_FIELD, `${info.name} appears twice`);
        seen.add(name.field);
        let value = r.uint(off + 4, name.bytes);
        const all = (1n << BigInt(name.bits)) - 1n;
        let mask = hasMask ? r.uint(off + 4 + name.bytes, name.bytes) : all;
        if (name.field === F.in_port && name.bits === 16 && value >= 0xff00n)
            value |= 0xffff0000n; // OF1.0 reserved ports
        if ((value & ~all) !== 0n || (mask & ~all) !== 0n)
            return badMatch(OFPBMC.BAD_VALUE, `${info.name}: value or mask wider than ${name.bits} bits`);
        if ((value & ~mask) !== 0n)
            return badMatch(OFPBMC.BAD_WILDCARDS, `${info.name}: value bits set outside the mask`);
        // A narrower alias matched exactly (NXM_OF_IN_PORT) matches the whole field.
        if (!hasMask)
            mask = (1n << BigInt(info.bits)) - 1n;
        setMatchField(match, name.field, value, mask);
        off += 4 + len;
    }
    return { match, size };
}
/**
 * Which wire field names a match uses for storage that several fields share, in the order
 * Open vSwitch writes them (nx_put_raw: in_port, L2, L3, L4, ARP, tunnel, registers, metadata),
 * so a flow ovs-ofctl sent comes back byte for byte.
 */
function namesFor(m) {
    const ethType = getMatchField(m, F.eth_type);
    const isArp = ethType.mask !== 0n && ethType.value === 0x0806n;
    const proto = getMatchField(m, F.ip_proto);
    const p = proto.mask !== 0n && !isArp ? proto.value : -1n;
    const ids = [F.in_port, F.eth_src, F.eth_dst, F.eth_type];
    const tci = getMatchField(m, F.vlan_tci);
    const pcpMask = (tci.mask >> 13n) & 7n;
    if (tci.mask !== 0n) {
        if (pcpMask === 0n || (pcpMask === 7n && (tci.mask & 0x1000n) !== 0n)) {
            if ((tci.mask & 0x1fffn) !== 0n)
                ids.push(F.vlan_vid);
            if (pcpMask === 7n)
                ids.push(F.vlan_pcp);
        }
        else
            ids.push(F.vlan_tci);
    }
    if (isArp)
        ids.push(F.arp_op, F.arp_spa, F.arp_tpa, F.arp_sha, F.arp_tha);
    else {
        ids.push(F.ipv4_src, F.ipv4_dst, F.ip_frag, F.ip_dscp, F.ip_ecn, F.nw_ttl, F.ip_proto);
        if (p === 17n)
            ids.push(F.udp_src, F.udp_dst);
        else if (p === 1n)
            ids.push(F.icmp_type, F.icmp_code);
        else
            ids.push(F.tcp_src, F.tcp_dst);
    }
    ids.push(F.tun_id, F.reg0, F.reg1, F.reg2, F.reg3, F.reg4, F.reg5, F.reg6, F.reg7, F.metadata);
    return ids;
}
/** Appends one OXM TLV (mask omitted when it is all ones). */
export function writeOxm(w, id, value, mask) {
    const f = fieldInfo(id);
    const all = (1n << BigInt(f.bits)) - 1n;
    const hasMask = mask !== all;
    w.u32(oxmHeader(f.oxmClass, f.oxmField, hasMask, f.oxmBytes));
    w.uint(value, f.oxmBytes);
    if (hasMask)
        w.uint(mask, f.oxmBytes);
}
/** Appends an `ofp_match` (OXM), padded to 8 bytes. */
export function encodeMatch(w, m) {
    const start = w.length;
    w.u16(OFPMT_OXM).u16(0);
    for (const id of namesFor(m)) {
        const { value, mask } = getMatchField(m, id);
        if (mask !== 0n)
            writeOxm(w, id, value, mask);
    }
    w.patch16(start + 2, w.length - start);
    w.pad(start);
}
/** The bytes of a match's OXM TLVs only, for callers that frame them themselves. */
export function matchBytes(m) {
    const w = new Writer();
    encodeMatch(w, m);
    return w.finish();
}
//# sourceMappingURL=oxm.js.map