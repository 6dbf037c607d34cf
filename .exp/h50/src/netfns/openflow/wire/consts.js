/**
 * OpenFlow 1.3.x wire constants (openflow.h, spec 1.3.5 section 7) that the pipeline model in
 * `../types.ts` does not already name, plus the Nicira extension numbers Open vSwitch uses.
 */
export const OFP_VERSION = 0x04;
export const OFP_HEADER_LEN = 8;
/** How much of an offending message an OFPT_ERROR echoes (spec: at least 64 bytes). */
export const ERROR_ECHO_BYTES = 64;
/** Message types (ofp_type). */
export const OFPT = {
    HELLO: 0,
    ERROR: 1,
    ECHO_REQUEST: 2,
    ECHO_REPLY: 3,
    EXPERIMENTER: 4,
    FEATURES_REQUEST: 5,
    FEATURES_REPLY: 6,
    GET_CONFIG_REQUEST: 7,
    GET_CONFIG_REPLY: 8,
    SET_CONFIG: 9,
    PACKET_IN: 10,
    FLOW_REMOVED: 11,
    PORT_STATUS: 12,
    PACKET_OUT: 13,
    FLOW_MOD: 14,
    GROUP_MOD: 15,
    PORT_MOD: 16,
    TABLE_MOD: 17,
    MULTIPART_REQUEST: 18,
    MULTIPART_REPLY: 19,
    BARRIER_REQUEST: 20,
    BARRIER_REPLY: 21,
    QUEUE_GET_CONFIG_REQUEST: 22,
    QUEUE_GET_CONFIG_REPLY: 23,
    ROLE_REQUEST: 24,
    ROLE_REPLY: 25,
    GET_ASYNC_REQUEST: 26,
    GET_ASYNC_REPLY: 27,
    SET_ASYNC: 28,
    METER_MOD: 29,
};
/** Multipart types (ofp_multipart_type). */
export const OFPMP = {
    DESC: 0,
    FLOW: 1,
    AGGREGATE: 2,
    TABLE: 3,
    PORT_STATS: 4,
    QUEUE: 5,
    GROUP: 6,
    GROUP_DESC: 7,
    GROUP_FEATURES: 8,
    METER: 9,
    METER_CONFIG: 10,
    METER_FEATURES: 11,
    TABLE_FEATURES: 12,
    PORT_DESC: 13,
    EXPERIMENTER: 0xffff,
};
export const OFPMPF_REQ_MORE = 1;
export const OFPMPF_REPLY_MORE = 1;
/** Error types (ofp_error_type) and the codes we send. */
export const OFPET = {
    HELLO_FAILED: 0,
    BAD_REQUEST: 1,
    BAD_ACTION: 2,
    BAD_INSTRUCTION: 3,
    BAD_MATCH: 4,
    FLOW_MOD_FAILED: 5,
    GROUP_MOD_FAILED: 6,
    PORT_MOD_FAILED: 7,
    TABLE_MOD_FAILED: 8,
    QUEUE_OP_FAILED: 9,
    SWITCH_CONFIG_FAILED: 10,
    ROLE_REQUEST_FAILED: 11,
    METER_MOD_FAILED: 12,
    TABLE_FEATURES_FAILED: 13,
    EXPERIMENTER: 0xffff,
};
export const OFPHFC_INCOMPATIBLE = 0;
export const OFPBRC = {
    BAD_VERSION: 0,
    BAD_TYPE: 1,
    BAD_MULTIPART: 2,
    BAD_EXPERIMENTER: 3,
    BAD_EXP_TYPE: 4,
    EPERM: 5,
    BAD_LEN: 6,
    BUFFER_EMPTY: 7,
    BUFFER_UNKNOWN: 8,
    BAD_TABLE_ID: 9,
    IS_SLAVE: 10,
    BAD_PORT: 11,
    BAD_PACKET: 12,
};
export const OFPBAC = {
    BAD_TYPE: 0,
    BAD_LEN: 1,
    BAD_EXPERIMENTER: 2,
    BAD_EXP_TYPE: 3,
    BAD_OUT_PORT: 4,
    BAD_ARGUMENT: 5,
    BAD_OUT_GROUP: 9,
    BAD_SET_TYPE: 13,
    BAD_SET_LEN: 14,
    BAD_SET_ARGUMENT: 15,
};
export const OFPBIC = {
    UNKNOWN_INST: 0,
    UNSUP_INST: 1,
    BAD_TABLE_ID: 2,
    BAD_LEN: 7,
};
export const OFPBMC = {
    BAD_TYPE: 0,
    BAD_LEN: 1,
    BAD_WILDCARDS: 5,
    BAD_FIELD: 6,
    BAD_VALUE: 7,
    BAD_MASK: 8,
    BAD_PREREQ: 9,
    DUP_FIELD: 10,
};
export const OFPFMFC_BAD_COMMAND = 6;
export const OFPGMFC_BAD_COMMAND = 11;
export const OFPGMFC_BAD_TYPE = 10;
export const OFPSCFC_BAD_LEN = 1;
export const OFPRRFC_BAD_ROLE = 2;
/** Flow mod commands (ofp_flow_mod_command). */
export const OFPFC = { ADD: 0, MODIFY: 1, MODIFY_STRICT: 2, DELETE: 3, DELETE_STRICT: 4 };
/** Group mod commands. */
export const OFPGC = { ADD: 0, MODIFY: 1, DELETE: 2 };
/** Action types (ofp_action_type). */
export const OFPAT = {
    OUTPUT: 0,
    COPY_TTL_OUT: 11,
    COPY_TTL_IN: 12,
    SET_MPLS_TTL: 15,
    DEC_MPLS_TTL: 16,
    PUSH_VLAN: 17,
    POP_VLAN: 18,
    PUSH_MPLS: 19,
    POP_MPLS: 20,
    SET_QUEUE: 21,
    GROUP: 22,
    SET_NW_TTL: 23,
    DEC_NW_TTL: 24,
    SET_FIELD: 25,
    PUSH_PBB: 26,
    POP_PBB: 27,
    EXPERIMENTER: 0xffff,
};
/** Instruction types (ofp_instruction_type). */
export const OFPIT = {
    GOTO_TABLE: 1,
    WRITE_METADATA: 2,
    WRITE_ACTIONS: 3,
    APPLY_ACTIONS: 4,
    CLEAR_ACTIONS: 5,
    METER: 6,
    EXPERIMENTER: 0xffff,
};
/** ofp_match type: OXM. */
export const OFPMT_OXM = 1;
/** OXM classes. */
export const OFPXMC_NXM_0 = 0x0000;
export const OFPXMC_NXM_1 = 0x0001;
export const OFPXMC_OPENFLOW_BASIC = 0x8000;
export const OFPXMC_EXPERIMENTER = 0xffff;
/** Nicira's vendor id, used by every NX action (nx_action_header.vendor). */
export const NX_VENDOR_ID = 0x00002320;
/** Nicira action subtypes (nx_action_subtype). */
export const NXAST = {
    RESUBMIT: 1,
    REG_MOVE: 6,
    REG_LOAD: 7,
    RESUBMIT_TABLE: 14,
    OUTPUT_REG: 15,
    LEARN: 16,
    DEC_TTL: 18,
};
/** Table feature property types (ofp_table_feature_prop_type). */
export const OFPTFPT = {
    INSTRUCTIONS: 0,
    NEXT_TABLES: 2,
    WRITE_ACTIONS: 4,
    APPLY_ACTIONS: 6,
    MATCH: 8,
    WILDCARDS: 10,
    WRITE_SETFIELD: 12,
    APPLY_SETFIELD: 14,
};
/** Controller roles (ofp_controller_role). */
export const OFPCR_ROLE = { NOCHANGE: 0, EQUAL: 1, MASTER: 2, SLAVE: 3 };
/** Port status reasons. */
export const OFPPR = { ADD: 0, DELETE: 1, MODIFY: 2 };
/** buffer_id meaning "not buffered". */
export const OFP_NO_BUFFER = 0xffffffff;
/** Switch capabilities we announce: flow, table, port and group stats. */
export const OFPC_FLOW_STATS = 1;
export const OFPC_TABLE_STATS = 2;
export const OFPC_PORT_STATS = 4;
export const OFPC_GROUP_STATS = 8;
/** Hello element type carrying the version bitmap. */
export const OFPHET_VERSIONBITMAP = 1;
//# sourceMappingURL=consts.js.map