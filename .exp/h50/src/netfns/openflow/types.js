/**
 * The internal model of an OpenFlow 1.3 switch: match fields, matches, flow entries,
 * instructions, actions (OpenFlow and the Nicira extensions Neutron uses), groups, the port and
 * error constants, and the control API (`OpenFlowSwitchApi`) that the OpenFlow channel and the
 * ovs-ofctl front end both drive.
 *
 * Design:
 * - A packet's headers are extracted into a *flow key*: `FLOW_WORDS` unsigned 32-bit words in a
 *   fixed layout (`W`). A `Match` is the same layout twice: `value` and `mask`, with
 *   `value & ~mask === 0` always. Matching is `(key[i] & mask[i]) === value[i]` for every word,
 *   so the classifier hashes masked words and never looks at field names.
 * - Fields wider than 32 bits span two words, high word first: MACs (16 + 32 bits), `metadata`
 *   and `tun_id` (32 + 32 bits). On the control API every field value is a `bigint` (one type for
 *   8- to 64-bit fields, so 64-bit metadata round-trips exactly); on the data path only the words.
 * - Several OpenFlow fields share storage, as in Open vSwitch: `vlan_tci` is the 802.1Q TCI with
 *   bit 12 (CFI) meaning "a tag is present", so OF 1.3 `vlan_vid` (13 bits with OFPVID_PRESENT
 *   = 0x1000) is its low 13 bits and `vlan_pcp` its top 3; tcp/udp ports and ICMP type/code share
 *   `tp_src`/`tp_dst`; ARP op/spa/tpa share `nw_proto`/`nw_src`/`nw_dst`. Prerequisites
 *   (`FieldInfo.prereq`) keep those aliases from meeting: a match on `tcp_dst` must also match
 *   eth_type=0x0800 and ip_proto=6, or the flow is refused with OFPBMC_BAD_PREREQ.
 * - Every control operation returns `OfError | null` (null = success), carrying the OpenFlow
 *   error type and code the spec prescribes, so the channel can answer with OFPT_ERROR as is.
 */
// ---------------------------------------------------------------------------------------------
// Flow key layout
// ---------------------------------------------------------------------------------------------
/** Word indices of the flow key. Grouped by lookup stage: metadata, L2, L3, L4. */
export const W = {
    IN_PORT: 0,
    METADATA_HI: 1,
    METADATA_LO: 2,
    REG0: 3, // reg0..reg7 are words 3..10
    TUN_ID_HI: 11,
    TUN_ID_LO: 12,
    ETH_DST_HI: 13,
    ETH_DST_LO: 14,
    ETH_SRC_HI: 15,
    ETH_SRC_LO: 16,
    ETH_TYPE: 17,
    VLAN_TCI: 18,
    NW_PROTO: 19, // ip_proto, or arp_op for ARP
    NW_TOS: 20, // dscp << 2 | ecn
    NW_TTL: 21,
    NW_FRAG: 22, // FRAG_ANY | FRAG_LATER
    NW_SRC: 23, // ipv4_src, or arp_spa
    NW_DST: 24, // ipv4_dst, or arp_tpa
    ARP_SHA_HI: 25,
    ARP_SHA_LO: 26,
    ARP_THA_HI: 27,
    ARP_THA_LO: 28,
    TP_SRC: 29, // tcp/udp source port, or icmp type
    TP_DST: 30, // tcp/udp destination port, or icmp code
};
export const FLOW_WORDS = 31;
/** Stage boundaries for staged lookup: words [STAGE_ENDS[i-1], STAGE_ENDS[i]) form stage i. */
export const STAGE_ENDS = [13, 19, 29, 31];
/** Values of the NW_FRAG word. */
export const FRAG_ANY = 1;
export const FRAG_LATER = 2;
/** The OFPVID_PRESENT bit of OF 1.3 vlan_vid (the CFI bit of the stored TCI). */
export const OFPVID_PRESENT = 0x1000;
export const OFPVID_NONE = 0;
// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------
/** Match/set field ids. */
export const F = {
    in_port: 0,
    metadata: 1,
    reg0: 2, reg1: 3, reg2: 4, reg3: 5, reg4: 6, reg5: 7, reg6: 8, reg7: 9,
    tun_id: 10,
    eth_dst: 11,
    eth_src: 12,
    eth_type: 13,
    vlan_tci: 14,
    vlan_vid: 15,
    vlan_pcp: 16,
    ip_proto: 17,
    ip_dscp: 18,
    ip_ecn: 19,
    nw_ttl: 20,
    ip_frag: 21,
    ipv4_src: 22,
    ipv4_dst: 23,
    tcp_src: 24,
    tcp_dst: 25,
    udp_src: 26,
    udp_dst: 27,
    icmp_type: 28,
    icmp_code: 29,
    arp_op: 30,
    arp_spa: 31,
    arp_tpa: 32,
    arp_sha: 33,
    arp_tha: 34,
};
export const FIELD_COUNT = 35;
const IPV4 = { field: F.eth_type, values: [0x0800n] };
const ARP = { field: F.eth_type, values: [0x0806n] };
const proto = (n) => ({ field: F.ip_proto, values: [n] });
function fi(id, name, word, words, shift, bits, maskable, writable, oxmClass, oxmField, oxmBytes, prereq = []) {
    return { id, name, word, words, shift, bits, maskable, writable, oxmClass, oxmField, oxmBytes, prereq };
}
const BASIC = 0x8000;
const NXM0 = 0x0000;
const NXM1 = 0x0001;
/** Field descriptors, indexed by FieldId. */
export const FIELDS = [
    fi(F.in_port, 'in_port', W.IN_PORT, 1, 0, 32, false, true, BASIC, 0, 4),
    fi(F.metadata, 'metadata', W.METADATA_HI, 2, 0, 64, true, true, BASIC, 2, 8),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => fi((F.reg0 + i), `reg${i}`, W.REG0 + i, 1, 0, 32, true, true, NXM1, i, 4)),
    fi(F.tun_id, 'tun_id', W.TUN_ID_HI, 2, 0, 64, true, true, BASIC, 38, 8),
    fi(F.eth_dst, 'eth_dst', W.ETH_DST_HI, 2, 0, 48, true, true, BASIC, 3, 6),
    fi(F.eth_src, 'eth_src', W.ETH_SRC_HI, 2, 0, 48, true, true, BASIC, 4, 6),
    fi(F.eth_type, 'eth_type', W.ETH_TYPE, 1, 0, 16, false, false, BASIC, 5, 2),
    fi(F.vlan_tci, 'vlan_tci', W.VLAN_TCI, 1, 0, 16, true, true, NXM0, 4, 2),
    fi(F.vlan_vid, 'vlan_vid', W.VLAN_TCI, 1, 0, 13, true, true, BASIC, 6, 2),
    fi(F.vlan_pcp, 'vlan_pcp', W.VLAN_TCI, 1, 13, 3, false, true, BASIC, 7, 1, [{ field: F.vlan_vid, values: [], bitSet: BigInt(OFPVID_PRESENT) }]),
    fi(F.ip_proto, 'ip_proto', W.NW_PROTO, 1, 0, 8, false, false, BASIC, 10, 1, [IPV4]),
    fi(F.ip_dscp, 'ip_dscp', W.NW_TOS, 1, 2, 6, false, true, BASIC, 8, 1, [IPV4]),
    fi(F.ip_ecn, 'ip_ecn', W.NW_TOS, 1, 0, 2, false, true, BASIC, 9, 1, [IPV4]),
    fi(F.nw_ttl, 'nw_ttl', W.NW_TTL, 1, 0, 8, false, true, NXM1, 29, 1, [IPV4]),
    fi(F.ip_frag, 'ip_frag', W.NW_FRAG, 1, 0, 2, true, false, NXM1, 26, 1, [IPV4]),
    fi(F.ipv4_src, 'ipv4_src', W.NW_SRC, 1, 0, 32, true, true, BASIC, 11, 4, [IPV4]),
    fi(F.ipv4_dst, 'ipv4_dst', W.NW_DST, 1, 0, 32, true, true, BASIC, 12, 4, [IPV4]),
    fi(F.tcp_src, 'tcp_src', W.TP_SRC, 1, 0, 16, true, true, BASIC, 13, 2, [IPV4, proto(6n)]),
    fi(F.tcp_dst, 'tcp_dst', W.TP_DST, 1, 0, 16, true, true, BASIC, 14, 2, [IPV4, proto(6n)]),
    fi(F.udp_src, 'udp_src', W.TP_SRC, 1, 0, 16, true, true, BASIC, 15, 2, [IPV4, proto(17n)]),
    fi(F.udp_dst, 'udp_dst', W.TP_DST, 1, 0, 16, true, true, BASIC, 16, 2, [IPV4, proto(17n)]),
    fi(F.icmp_type, 'icmp_type', W.TP_SRC, 1, 0, 8, false, true, BASIC, 19, 1, [IPV4, proto(1n)]),
    fi(F.icmp_code, 'icmp_code', W.TP_DST, 1, 0, 8, false, true, BASIC, 20, 1, [IPV4, proto(1n)]),
    fi(F.arp_op, 'arp_op', W.NW_PROTO, 1, 0, 16, false, true, BASIC, 21, 2, [ARP]),
    fi(F.arp_spa, 'arp_spa', W.NW_SRC, 1, 0, 32, true, true, BASIC, 22, 4, [ARP]),
    fi(F.arp_tpa, 'arp_tpa', W.NW_DST, 1, 0, 32, true, true, BASIC, 23, 4, [ARP]),
    fi(F.arp_sha, 'arp_sha', W.ARP_SHA_HI, 2, 0, 48, true, true, BASIC, 24, 6, [ARP]),
    fi(F.arp_tha, 'arp_tha', W.ARP_THA_HI, 2, 0, 48, true, true, BASIC, 25, 6, [ARP]),
];
/** The descriptor of a field id (throws on an id that is not a field: a programming error). */
export function fieldInfo(id) {
    const f = FIELDS[id];
    if (f === undefined)
        throw new RangeError(`openflow: no field with id ${id}`);
    return f;
}
/** The field with a given OXM class and field number, if we support it. */
export function fieldByOxm(oxmClass, oxmField) {
    return FIELDS.find((f) => f.oxmClass === oxmClass && f.oxmField === oxmField);
}
export function emptyMatch() {
    return { value: new Uint32Array(FLOW_WORDS), mask: new Uint32Array(FLOW_WORDS) };
}
function fieldBitsMask(f) {
    return ((1n << BigInt(f.bits)) - 1n) << BigInt(f.shift);
}
/** Reads the field's words as one bigint (high word first). */
function readWords(words, f) {
    const hi = BigInt(words[f.word]);
    return f.words === 2 ? (hi << 32n) | BigInt(words[f.word + 1]) : hi;
}
function writeWords(words, f, v) {
    if (f.words === 2) {
        words[f.word] = Number((v >> 32n) & 0xffffffffn);
        words[f.word + 1] = Number(v & 0xffffffffn);
    }
    else
        words[f.word] = Number(v & 0xffffffffn);
}
/**
 * Sets a field of a match; `mask` defaults to all ones. Bits of the field not covered by the
 * field (its neighbours sharing the word) are left alone. Value bits outside the mask are cleared.
 */
export function setMatchField(m, id, value, mask) {
    const f = fieldInfo(id);
    const all = (1n << BigInt(f.bits)) - 1n;
    const msk = (mask ?? all) & all;
    const fm = fieldBitsMask(f);
    const shift = BigInt(f.shift);
    const curV = readWords(m.value, f);
    const curM = readWords(m.mask, f);
    writeWords(m.mask, f, (curM & ~fm) | (msk << shift));
    writeWords(m.value, f, (curV & ~fm) | ((value & msk) << shift));
}
/** The value and mask of a field in a match (mask 0 = wildcarded). */
export function getMatchField(m, id) {
    const f = fieldInfo(id);
    const all = (1n << BigInt(f.bits)) - 1n;
    const shift = BigInt(f.shift);
    return { value: (readWords(m.value, f) >> shift) & all, mask: (readWords(m.mask, f) >> shift) & all };
}
/** Reads a field from a flow key (bigint: control path and tests only). */
export function getKeyField(key, id) {
    const f = fieldInfo(id);
    return (readWords(key, f) >> BigInt(f.shift)) & ((1n << BigInt(f.bits)) - 1n);
}
/** Writes a field into a flow key (bigint: control path and tests only). */
export function setKeyField(key, id, value) {
    const f = fieldInfo(id);
    const fm = fieldBitsMask(f);
    writeWords(key, f, (readWords(key, f) & ~fm) | ((value << BigInt(f.shift)) & fm));
}
// ---------------------------------------------------------------------------------------------
// Ports, tables, groups
// ---------------------------------------------------------------------------------------------
export const OFPP_MAX = 0xffffff00;
export const OFPP_IN_PORT = 0xfffffff8;
export const OFPP_TABLE = 0xfffffff9;
export const OFPP_NORMAL = 0xfffffffa;
export const OFPP_FLOOD = 0xfffffffb;
export const OFPP_ALL = 0xfffffffc;
export const OFPP_CONTROLLER = 0xfffffffd;
export const OFPP_LOCAL = 0xfffffffe;
export const OFPP_ANY = 0xffffffff;
/** Highest flow table id (tables 0..OFPTT_MAX); OFPTT_ALL selects all tables in requests. */
export const OFPTT_MAX = 0xfe;
export const OFPTT_ALL = 0xff;
export const OFPG_MAX = 0xffffff00;
export const OFPG_ALL = 0xfffffffc;
export const OFPG_ANY = 0xffffffff;
/** max_len meaning "send the whole packet, do not buffer". */
export const OFPCML_NO_BUFFER = 0xffff;
/** Flow mod flags. */
export const OFPFF_SEND_FLOW_REM = 1;
export const OFPFF_CHECK_OVERLAP = 2;
export const OFPFF_RESET_COUNTS = 4;
export const OFPFF_NO_PKT_COUNTS = 8;
export const OFPFF_NO_BYT_COUNTS = 16;
/** Packet-in reasons. */
export const OFPR_NO_MATCH = 0;
export const OFPR_ACTION = 1;
export const OFPR_INVALID_TTL = 2;
/** Flow-removed reasons. */
export const OFPRR_IDLE_TIMEOUT = 0;
export const OFPRR_HARD_TIMEOUT = 1;
export const OFPRR_DELETE = 2;
export const OFPRR_GROUP_DELETE = 3;
// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------
export const OFPET_BAD_REQUEST = 1;
export const OFPET_BAD_ACTION = 2;
export const OFPET_BAD_INSTRUCTION = 3;
export const OFPET_BAD_MATCH = 4;
export const OFPET_FLOW_MOD_FAILED = 5;
export const OFPET_GROUP_MOD_FAILED = 6;
export const OFPBRC_BAD_PORT = 11;
export const OFPBRC_BAD_LEN = 6;
export const OFPBAC_BAD_OUT_PORT = 4;
export const OFPBAC_BAD_ARGUMENT = 5;
export const OFPBAC_BAD_OUT_GROUP = 9;
export const OFPBAC_MATCH_INCONSISTENT = 10;
export const OFPBAC_BAD_SET_TYPE = 13;
export const OFPBAC_BAD_SET_ARGUMENT = 15;
export const OFPBIC_BAD_TABLE_ID = 2;
export const OFPBIC_UNSUP_METADATA_MASK = 4;
export const OFPBMC_BAD_FIELD = 6;
export const OFPBMC_BAD_VALUE = 7;
export const OFPBMC_BAD_MASK = 8;
export const OFPBMC_BAD_PREREQ = 9;
export const OFPBMC_DUP_FIELD = 10;
export const OFPFMFC_UNKNOWN = 0;
export const OFPFMFC_TABLE_FULL = 1;
export const OFPFMFC_BAD_TABLE_ID = 2;
export const OFPFMFC_OVERLAP = 3;
export const OFPFMFC_BAD_TIMEOUT = 5;
export const OFPFMFC_BAD_COMMAND = 6;
export const OFPFMFC_BAD_FLAGS = 7;
export const OFPGMFC_GROUP_EXISTS = 0;
export const OFPGMFC_INVALID_GROUP = 1;
export const OFPGMFC_OUT_OF_GROUPS = 3;
export const OFPGMFC_LOOP = 7;
export const OFPGMFC_UNKNOWN_GROUP = 8;
export const OFPGMFC_CHAINED_GROUP = 9;
export const OFPGMFC_BAD_TYPE = 10;
export const OFPGMFC_BAD_BUCKET = 12;
export function ofError(type, code, message) {
    return { type, code, message };
}
export const OFPGT_ALL = 0;
export const OFPGT_SELECT = 1;
export const OFPGT_INDIRECT = 2;
export const OFPGT_FF = 3;
/** A filter that selects every flow of every table. */
export function allFlows() {
    return { table: OFPTT_ALL, match: emptyMatch(), outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: 0n, cookieMask: 0n, strict: false, priority: 0 };
}
//# sourceMappingURL=types.js.map