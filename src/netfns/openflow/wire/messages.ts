/**
 * OpenFlow 1.3 messages as plain objects: the representation `decodeMessage` returns and
 * `encodeMessage` takes. Matches, actions, instructions, groups and stats use the pipeline's own
 * types (../types.ts), so the channel hands them to the switch API without a second model.
 */
import type {
  Action,
  AggregateStats,
  FlowStats,
  GroupMod,
  GroupStats,
  Instruction,
  Match,
  PortDesc,
  PortStats,
  TableStats,
  Bucket,
} from '../types.js';

export type FlowModCommand = 'add' | 'modify' | 'modify_strict' | 'delete' | 'delete_strict';

/** The selection fields shared by flow stats and aggregate requests. */
export interface FlowStatsRequest {
  readonly table: number;
  readonly outPort: number;
  readonly outGroup: number;
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly match: Match;
}

export type MultipartRequest =
  | { readonly kind: 'desc' }
  | ({ readonly kind: 'flow' } & FlowStatsRequest)
  | ({ readonly kind: 'aggregate' } & FlowStatsRequest)
  | { readonly kind: 'table' }
  | { readonly kind: 'port_stats'; readonly port: number }
  | { readonly kind: 'port_desc' }
  | { readonly kind: 'group'; readonly groupId: number }
  | { readonly kind: 'group_desc' }
  | { readonly kind: 'table_features' };

export interface SwitchDesc {
  readonly manufacturer: string;
  readonly hardware: string;
  readonly software: string;
  readonly serial: string;
  readonly datapath: string;
}

/** A group as OFPMP_GROUP_DESC reports it. */
export interface GroupDesc {
  readonly groupId: number;
  readonly type: number;
  readonly buckets: readonly Bucket[];
}

/** One table of OFPMP_TABLE_FEATURES: what it matches and which instructions and actions it takes. */
export interface TableFeatures {
  readonly table: number;
  readonly name: string;
  readonly maxEntries: number;
  /** Instruction type codes (OFPIT_*). */
  readonly instructions: readonly number[];
  /** Tables goto_table may name. */
  readonly nextTables: readonly number[];
  /** Action type codes (OFPAT_*). */
  readonly actions: readonly number[];
  /** OXM headers (without mask) of the fields it matches and sets. */
  readonly matchFields: readonly number[];
  /** OXM headers of the fields it may match with a mask. */
  readonly maskableFields: readonly number[];
  readonly settableFields: readonly number[];
}

export type MultipartReply =
  | { readonly kind: 'desc'; readonly desc: SwitchDesc }
  | { readonly kind: 'flow'; readonly flows: readonly FlowStats[] }
  | { readonly kind: 'aggregate'; readonly stats: AggregateStats }
  | { readonly kind: 'table'; readonly tables: readonly TableStats[] }
  | { readonly kind: 'port_stats'; readonly ports: readonly PortStats[] }
  | { readonly kind: 'port_desc'; readonly ports: readonly PortDesc[] }
  | { readonly kind: 'group'; readonly groups: readonly GroupStats[] }
  | { readonly kind: 'group_desc'; readonly groups: readonly GroupDesc[] }
  | { readonly kind: 'table_features'; readonly tables: readonly TableFeatures[] };

export type OfMessage =
  | { readonly type: 'hello'; readonly xid: number; readonly versions: readonly number[] }
  | { readonly type: 'error'; readonly xid: number; readonly errType: number; readonly code: number; readonly data: Uint8Array }
  | { readonly type: 'echo_request' | 'echo_reply'; readonly xid: number; readonly data: Uint8Array }
  | { readonly type: 'experimenter'; readonly xid: number; readonly experimenter: number; readonly expType: number; readonly data: Uint8Array }
  | { readonly type: 'features_request' | 'get_config_request' | 'barrier_request' | 'barrier_reply'; readonly xid: number }
  | { readonly type: 'features_reply'; readonly xid: number; readonly datapathId: bigint; readonly nBuffers: number; readonly nTables: number; readonly auxiliaryId: number; readonly capabilities: number }
  | { readonly type: 'get_config_reply' | 'set_config'; readonly xid: number; readonly flags: number; readonly missSendLen: number }
  | { readonly type: 'packet_in'; readonly xid: number; readonly bufferId: number; readonly totalLen: number; readonly reason: number; readonly table: number; readonly cookie: bigint; readonly match: Match; readonly data: Uint8Array }
  | {
      readonly type: 'flow_removed';
      readonly xid: number;
      readonly cookie: bigint;
      readonly priority: number;
      readonly reason: number;
      readonly table: number;
      readonly durationNs: number;
      readonly idleTimeout: number;
      readonly hardTimeout: number;
      readonly packetCount: number;
      readonly byteCount: number;
      readonly match: Match;
    }
  | { readonly type: 'port_status'; readonly xid: number; readonly reason: number; readonly port: PortDesc }
  | { readonly type: 'packet_out'; readonly xid: number; readonly bufferId: number; readonly inPort: number; readonly actions: readonly Action[]; readonly data: Uint8Array }
  | {
      readonly type: 'flow_mod';
      readonly xid: number;
      readonly command: FlowModCommand;
      readonly cookie: bigint;
      readonly cookieMask: bigint;
      readonly table: number;
      readonly idleTimeout: number;
      readonly hardTimeout: number;
      readonly priority: number;
      readonly bufferId: number;
      readonly outPort: number;
      readonly outGroup: number;
      readonly flags: number;
      readonly match: Match;
      readonly instructions: readonly Instruction[];
    }
  | { readonly type: 'group_mod'; readonly xid: number; readonly mod: GroupMod }
  | { readonly type: 'multipart_request'; readonly xid: number; readonly flags: number; readonly body: MultipartRequest }
  | { readonly type: 'multipart_reply'; readonly xid: number; readonly flags: number; readonly body: MultipartReply }
  | { readonly type: 'role_request' | 'role_reply'; readonly xid: number; readonly role: number; readonly generationId: bigint };

export type OfMessageType = OfMessage['type'];
