/**
 * ovs-ofctl flow syntax -> flow mods: `table=0,priority=100,in_port=1,dl_vlan=5,actions=strip_vlan,output:2`.
 *
 * Follows ovs-ofctl(8), ovs-fields(7) and ovs-actions(7) for what it supports: the protocol
 * shorthands (ip, arp, tcp, udp, icmp), the dl_, nw_ and tp_ names and OXM/NXM field names with masks,
 * cookie/timeouts/flags, and the actions and instructions Neutron's agents use, including
 * learn(...), resubmit, load/move, set_field, goto_table and write_metadata. Errors throw an
 * `OfctlError` whose message reads like ovs-ofctl's.
 *
 * VLAN matching (ovs-fields "VLAN Matching"): dl_vlan=N matches VID N on a tagged frame
 * (vlan_tci=0x1NNN/0x1fff), dl_vlan=0xffff matches untagged frames (vlan_tci=0x0000/0xffff),
 * dl_vlan_pcp=P matches PCP P on a tagged frame. The OpenFlow 1.3 field vlan_vid takes its
 * 13-bit value as written: vlan_vid=0x1005 is VLAN 5, vlan_vid=0 untagged, vlan_vid=0x1000/0x1000
 * any tag.
 */
import { parseMac } from '../../../wire/mac.js';
import { parseIpv4Addr, prefixMask } from '../../../wire/ipv4-addr.js';
import {
  F, OFPCML_NO_BUFFER, OFPFF_CHECK_OVERLAP, OFPFF_NO_BYT_COUNTS, OFPFF_NO_PKT_COUNTS, OFPFF_RESET_COUNTS, OFPFF_SEND_FLOW_REM,
  OFPG_ANY, OFPP_ALL, OFPP_ANY, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_NORMAL, OFPP_TABLE, OFPTT_ALL,
  OFPG_MAX, OFPGT_ALL, OFPGT_INDIRECT, OFPGT_SELECT, emptyMatch, fieldInfo, getMatchField, setMatchField,
  type Action, type Bucket, type FieldId, type FieldRef, type GroupMod, type Instruction, type LearnSpecItem, type Match,
} from '../types.js';
import { W } from '../types.js';
import { fieldByName, parseRef } from './fields.js';

export class OfctlError extends Error {
  override readonly name = 'OfctlError';
}

/** A parsed flow: a flow mod plus the selection fields del-flows/dump-flows use. */
export interface ParsedFlow {
  readonly table: number;
  readonly priority: number;
  readonly match: Match;
  readonly instructions: readonly Instruction[];
  readonly cookie: bigint;
  readonly cookieMask: bigint;
  readonly idleTimeout: number;
  readonly hardTimeout: number;
  readonly flags: number;
  readonly outPort: number;
  readonly outGroup: number;
  /** Whether `table=` was given (selection over all tables otherwise). */
  readonly tableGiven: boolean;
  /** Whether `actions=` was given. */
  readonly hasActions: boolean;
}

export interface ParseOptions {
  /** Resolves a port name (in_port=vm1, output:vm1) to its number. */
  readonly portByName?: (name: string) => number | undefined;
  /** add-flow requires actions; del-flows and dump-flows forbid them. */
  readonly actions?: 'required' | 'forbidden';
}

export const DEFAULT_PRIORITY = 32768;

const fail = (msg: string): never => {
  throw new OfctlError(msg);
};

/** Splits on top-level commas (and whitespace when `spaces`), keeping parenthesised groups whole. */
export function splitTop(text: string, spaces = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth === 0 && (ch === ',' || (spaces && /\s/.test(ch)))) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (depth !== 0) fail(`${text}: unbalanced parentheses`);
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

export function parseNumber(text: string, what: string, max: bigint = 0xffffffffffffffffn): bigint {
  const t = text.trim();
  if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) fail(`${what}: '${text}' is not a number`);
  const v = BigInt(t);
  if (v > max) fail(`${what}: ${text} is out of range (at most ${max})`);
  return v;
}

function int(text: string, what: string, max: number): number {
  return Number(parseNumber(text, what, BigInt(max)));
}

/** Parses a value for a field: MACs for Ethernet addresses, dotted quads for IPv4, numbers otherwise. */
export function parseFieldValue(id: FieldId, text: string, what: string): bigint {
  const f = fieldInfo(id);
  const t = text.trim();
  if (f.bits === 48 && t.includes(':')) {
    try {
      return BigInt(parseMac(t));
    } catch {
      return fail(`${what}: '${text}' is not a MAC address`);
    }
  }
  if (f.bits === 32 && (id === F.ipv4_src || id === F.ipv4_dst || id === F.arp_spa || id === F.arp_tpa) && t.includes('.')) {
    try {
      return BigInt(parseIpv4Addr(t));
    } catch {
      return fail(`${what}: '${text}' is not an IPv4 address`);
    }
  }
  return parseNumber(t, what, (1n << BigInt(f.bits)) - 1n);
}

/** value[/mask] for a field; IPv4 masks may be prefix lengths. */
function parseMasked(id: FieldId, text: string, key: string): { value: bigint; mask?: bigint } {
  const slash = text.indexOf('/');
  if (slash < 0) return { value: parseFieldValue(id, text, key) };
  const value = parseFieldValue(id, text.slice(0, slash), key);
  const m = text.slice(slash + 1);
  const f = fieldInfo(id);
  if (f.bits === 32 && /^\d+$/.test(m) && !m.startsWith('0') && Number(m) <= 32 && (id === F.ipv4_src || id === F.ipv4_dst || id === F.arp_spa || id === F.arp_tpa)) {
    return { value, mask: BigInt(prefixMask(Number(m)) >>> 0) };
  }
  if (!f.maskable) fail(`${key}: field does not support masking`);
  return { value, mask: parseFieldValue(id, m, `${key} mask`) };
}

function parsePort(text: string, opts: ParseOptions, what: string): number {
  const t = text.trim();
  const reserved: Record<string, number> = {
    IN_PORT: OFPP_IN_PORT, TABLE: OFPP_TABLE, NORMAL: OFPP_NORMAL, FLOOD: OFPP_FLOOD, ALL: OFPP_ALL,
    CONTROLLER: OFPP_CONTROLLER, LOCAL: OFPP_LOCAL, ANY: OFPP_ANY, NONE: OFPP_ANY,
  };
  const r = reserved[t.toUpperCase()];
  if (r !== undefined) return r;
  if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) return int(t, what, 0xffffffff);
  const unq = t.replace(/^"(.*)"$/, '$1');
  const byName = opts.portByName?.(unq);
  if (byName !== undefined) return byName;
  return fail(`${what}: unknown port \`${t}'`);
}

const SHORTHANDS: Record<string, { ethType: number; proto?: number }> = {
  ip: { ethType: 0x0800 }, ipv4: { ethType: 0x0800 }, arp: { ethType: 0x0806 },
  tcp: { ethType: 0x0800, proto: 6 }, udp: { ethType: 0x0800, proto: 17 }, icmp: { ethType: 0x0800, proto: 1 },
};

const FLAG_WORDS: Record<string, number> = {
  send_flow_rem: OFPFF_SEND_FLOW_REM, check_overlap: OFPFF_CHECK_OVERLAP, reset_counts: OFPFF_RESET_COUNTS,
  no_packet_counts: OFPFF_NO_PKT_COUNTS, no_byte_counts: OFPFF_NO_BYT_COUNTS,
};

/** Parses one flow as `ovs-ofctl add-flow` (and, with options, del-flows/dump-flows) takes it. */
export function parseFlow(text: string, opts: ParseOptions = {}): ParsedFlow {
  const src = text.trim();
  let matchPart = src;
  let actionsPart: string | null = null;
  const am = /(^|[\s,])actions\s*=/.exec(src);
  if (am !== null) {
    matchPart = src.slice(0, am.index);
    actionsPart = src.slice(am.index + am[0].length);
  }
  if (opts.actions === 'required' && actionsPart === null) fail('must specify an action');
  if (opts.actions === 'forbidden' && actionsPart !== null) fail('actions are not allowed here');

  const match = emptyMatch();
  let table = 0;
  let tableGiven = false;
  let priority = DEFAULT_PRIORITY;
  let cookie = 0n;
  let cookieMask = 0n;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let flags = 0;
  let outPort = OFPP_ANY;
  let outGroup = OFPG_ANY;
  let ipProtoGiven = -1;

  const set = (id: FieldId, value: bigint, mask?: bigint) => setMatchField(match, id, value, mask);
  for (const item of splitTop(matchPart, true)) {
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    const lower = key.toLowerCase();
    const sh = SHORTHANDS[lower];
    if (sh !== undefined && eq < 0) {
      set(F.eth_type, BigInt(sh.ethType));
      if (sh.proto !== undefined) {
        set(F.ip_proto, BigInt(sh.proto));
        ipProtoGiven = sh.proto;
      }
      continue;
    }
    if (FLAG_WORDS[lower] !== undefined && eq < 0) {
      flags |= FLAG_WORDS[lower]!;
      continue;
    }
    if (eq < 0) fail(`unknown keyword ${key}`);
    if (value === '') fail(`${key}: missing value`);
    switch (lower) {
      case 'table':
        table = value === 'all' || value === '255' ? OFPTT_ALL : int(value, 'table', 254);
        tableGiven = true;
        continue;
      case 'priority': priority = int(value, 'priority', 65535); continue;
      case 'cookie': {
        const slash = value.indexOf('/');
        cookie = parseNumber(slash < 0 ? value : value.slice(0, slash), 'cookie');
        cookieMask = slash < 0 ? (opts.actions === 'required' ? 0n : 0xffffffffffffffffn) : parseNumber(value.slice(slash + 1), 'cookie mask');
        continue;
      }
      case 'idle_timeout': idleTimeout = int(value, 'idle_timeout', 65535); continue;
      case 'hard_timeout': hardTimeout = int(value, 'hard_timeout', 65535); continue;
      case 'importance': int(value, 'importance', 65535); continue;
      case 'out_port': outPort = parsePort(value, opts, 'out_port'); continue;
      case 'out_group': outGroup = int(value, 'out_group', 0xffffffff); continue;
      case 'in_port': set(F.in_port, BigInt(parsePort(value, opts, 'in_port'))); continue;
      case 'dl_vlan': {
        const vid = int(value, 'dl_vlan', 0xffff);
        if (vid === 0xffff) set(F.vlan_tci, 0n, 0xffffn);
        else if (vid > 4095) fail(`dl_vlan: ${value} is not a VLAN id (0..4095, or 0xffff for none)`);
        else {
          const cur = getMatchField(match, F.vlan_tci);
          set(F.vlan_tci, (cur.value & 0xe000n) | 0x1000n | BigInt(vid), (cur.mask & 0xe000n) | 0x1fffn);
        }
        continue;
      }
      case 'dl_vlan_pcp':
      case 'vlan_pcp': {
        const pcp = int(value, key, 7);
        const cur = getMatchField(match, F.vlan_tci);
        set(F.vlan_tci, (cur.value & 0x0fffn) | 0x1000n | (BigInt(pcp) << 13n), (cur.mask & 0x0fffn) | 0xf000n);
        continue;
      }
      case 'nw_tos': {
        const tos = int(value, 'nw_tos', 255);
        if ((tos & 3) !== 0) fail(`nw_tos: ${value}: the low 2 bits (ECN) must be zero`);
        set(F.ip_dscp, BigInt(tos >> 2));
        continue;
      }
      case 'nw_frag': {
        const modes: Record<string, [bigint, bigint]> = { no: [0n, 1n], yes: [1n, 1n], first: [1n, 3n], later: [3n, 3n], not_later: [0n, 2n] };
        const m = modes[value];
        if (m === undefined) fail(`nw_frag: '${value}' is not one of no, yes, first, later, not_later`);
        set(F.ip_frag, m![0], m![1]);
        continue;
      }
    }
    const id = fieldByName(lower);
    if (id === undefined) fail(`unknown keyword ${key}`);
    // nw_src/nw_dst/nw_proto mean the ARP fields on an ARP match: same storage, so no special case.
    const { value: v, mask } = parseMasked(id!, value, key);
    if (id === F.ip_proto) ipProtoGiven = Number(v);
    set(id!, v, mask);
  }
  void ipProtoGiven;
  if (match.mask[W.TP_SRC] !== 0 || match.mask[W.TP_DST] !== 0) {
    if (match.mask[W.NW_PROTO] !== 0xff || match.mask[W.ETH_TYPE] !== 0xffff) fail('prerequisites not met: L4 fields (tp_src, tp_dst, tcp_*, udp_*, icmp_*) need tcp, udp or icmp');
  }
  const instructions = actionsPart === null ? [] : parseInstructions(actionsPart, opts);
  return { table, priority, match, instructions, cookie, cookieMask, idleTimeout, hardTimeout, flags, outPort, outGroup, tableGiven, hasActions: actionsPart !== null };
}

const GROUP_TYPES: Record<string, GroupMod['type']> = { all: OFPGT_ALL, select: OFPGT_SELECT, indirect: OFPGT_INDIRECT };

/**
 * Parses a group as `ovs-ofctl add-group` takes it: `group_id=1,type=select,bucket=output:1,
 * bucket=weight:50,actions=mod_vlan_vid:5,output:2`. A bucket runs from its `bucket=` to the
 * next one; `weight:N` (select groups, default 100) and `actions=` may open it. Fast-failover
 * groups and watch ports are refused (vnet has no port liveness to watch).
 */
export function parseGroup(text: string, opts: ParseOptions = {}): GroupMod {
  let groupId: number | null = null;
  let type: GroupMod['type'] = OFPGT_ALL;
  const buckets: { weight: number; actions: Action[] }[] = [];
  for (const raw of splitTop(text.trim())) {
    const item = raw.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim().toLowerCase();
    const value = eq < 0 ? '' : item.slice(eq + 1).trim();
    if (key === 'group_id') {
      groupId = int(value, 'group_id', OFPG_MAX);
      continue;
    }
    if (key === 'type') {
      const t = GROUP_TYPES[value.toLowerCase()];
      if (t === undefined) fail(`type: '${value}' is not all, select or indirect${value.toLowerCase() === 'ff' || value.toLowerCase() === 'fast_failover' ? ' (fast failover groups are not supported)' : ''}`);
      type = t!;
      continue;
    }
    let rest = item;
    if (key === 'bucket') {
      buckets.push({ weight: 100, actions: [] });
      rest = value;
    } else if (buckets.length === 0) fail(`unknown keyword ${eq < 0 ? item : item.slice(0, eq)}`);
    const bucket = buckets[buckets.length - 1]!;
    const lower = rest.toLowerCase();
    if (lower.startsWith('weight:') || lower.startsWith('weight=')) bucket.weight = int(rest.slice(7), 'weight', 0xffff);
    else if (lower.startsWith('watch_port') || lower.startsWith('watch_group')) fail(`${rest}: watch ports and groups are not supported`);
    else if (lower.startsWith('bucket_id')) continue;
    else {
      const action = lower.startsWith('actions=') ? rest.slice(8).trim() : rest;
      // An empty bucket prints as actions=drop and reads back as no actions.
      if (action !== '' && action.toLowerCase() !== 'drop') bucket.actions.push(parseAction(action, opts));
    }
  }
  if (groupId === null) fail('must specify group_id');
  if (type === OFPGT_INDIRECT && buckets.length !== 1) fail('indirect groups must have exactly one bucket');
  const out: Bucket[] = buckets.map((b) => ({ weight: type === OFPGT_SELECT ? b.weight : 0, actions: b.actions }));
  return { command: 'add', groupId: groupId!, type, buckets: out };
}

/** Parses an `actions=` value into instructions (apply-actions unless written otherwise). */
export function parseInstructions(text: string, opts: ParseOptions = {}): Instruction[] {
  const items = splitTop(text);
  const apply: Action[] = [];
  const out: Instruction[] = [];
  let gotoTable: number | null = null;
  let sawDrop = false;
  for (const item of items) {
    const lower = item.toLowerCase();
    if (gotoTable !== null) fail(`goto_table must be the last action (found ${item} after it)`);
    if (lower === 'drop') {
      sawDrop = true;
      continue;
    }
    if (lower.startsWith('goto_table:')) {
      gotoTable = int(item.slice(11), 'goto_table', 254);
      continue;
    }
    if (lower === 'clear_actions') {
      out.push({ type: 'clear_actions' });
      continue;
    }
    if (lower.startsWith('write_metadata:')) {
      const body = item.slice(15);
      const slash = body.indexOf('/');
      out.push({
        type: 'write_metadata',
        value: parseNumber(slash < 0 ? body : body.slice(0, slash), 'write_metadata'),
        mask: slash < 0 ? 0xffffffffffffffffn : parseNumber(body.slice(slash + 1), 'write_metadata mask'),
      });
      continue;
    }
    const wa = /^write_actions\((.*)\)$/i.exec(item);
    if (wa !== null) {
      out.push({ type: 'write_actions', actions: splitTop(wa[1]!).map((a) => parseAction(a, opts)) });
      continue;
    }
    apply.push(parseAction(item, opts));
  }
  if (sawDrop && (apply.length > 0 || out.length > 0)) fail('drop must not be combined with other actions');
  const result: Instruction[] = [];
  if (apply.length > 0) result.push({ type: 'apply_actions', actions: apply });
  result.push(...out);
  if (gotoTable !== null) result.push({ type: 'goto_table', table: gotoTable });
  return result;
}

function needRef(text: string, what: string, bare = false): FieldRef {
  const r = parseRef(text, bare);
  if (r === null) return fail(`${what}: '${text}' is not a field reference like NXM_NX_REG0[] or reg0[0..15]`);
  if (typeof r === 'string') return fail(`${what}: ${r}`);
  return r;
}

/** Parses one action as ovs-actions(7) writes it. */
export function parseAction(text: string, opts: ParseOptions = {}): Action {
  const t = text.trim();
  const lower = t.toLowerCase();
  const colon = t.indexOf(':');
  const head = (colon < 0 ? t : t.slice(0, colon)).toLowerCase();
  const arg = colon < 0 ? '' : t.slice(colon + 1);
  const paren = /^([a-z_0-9]+)\((.*)\)$/is.exec(t);
  if (/^\d+$/.test(t)) return { type: 'output', port: int(t, 'output', 0xffffff00), maxLen: 0 };
  switch (lower) {
    case 'in_port': return { type: 'output', port: OFPP_IN_PORT, maxLen: 0 };
    case 'normal': return { type: 'output', port: OFPP_NORMAL, maxLen: 0 };
    case 'flood': return { type: 'output', port: OFPP_FLOOD, maxLen: 0 };
    case 'all': return { type: 'output', port: OFPP_ALL, maxLen: 0 };
    case 'local': return { type: 'output', port: OFPP_LOCAL, maxLen: 0 };
    case 'controller': return { type: 'output', port: OFPP_CONTROLLER, maxLen: OFPCML_NO_BUFFER };
    case 'strip_vlan':
    case 'pop_vlan': return { type: 'pop_vlan' };
    case 'dec_ttl': return { type: 'dec_ttl' };
  }
  if (paren !== null) {
    const name = paren[1]!.toLowerCase();
    const body = paren[2]!;
    if (name === 'resubmit') {
      const parts = body.split(',');
      if (parts.length !== 2) fail(`resubmit: expected resubmit(PORT,TABLE), got ${t}`);
      const port = parts[0]!.trim() === '' ? OFPP_IN_PORT : parsePort(parts[0]!, opts, 'resubmit');
      const table = parts[1]!.trim() === '' ? OFPTT_ALL : int(parts[1]!, 'resubmit table', 254);
      if (port === OFPP_IN_PORT && table === OFPTT_ALL) fail('resubmit: at least one of port and table must be given');
      return { type: 'resubmit', port, table };
    }
    if (name === 'learn') return parseLearn(body);
    if (name === 'controller') {
      let maxLen = OFPCML_NO_BUFFER;
      for (const kv of splitTop(body)) {
        const [k, v] = kv.split('=');
        if (k?.trim() === 'max_len' && v !== undefined) maxLen = int(v, 'controller max_len', 0xffff);
      }
      return { type: 'output', port: OFPP_CONTROLLER, maxLen };
    }
    if (name === 'output') {
      let port = -1;
      let maxLen = 0;
      for (const kv of splitTop(body)) {
        const [k, v] = kv.split('=');
        if (k?.trim() === 'port' && v !== undefined) port = parsePort(v, opts, 'output');
        else if (k?.trim() === 'max_len' && v !== undefined) maxLen = int(v, 'output max_len', 0xffff);
      }
      if (port < 0) fail('output(...): missing port=');
      return { type: 'output', port, maxLen };
    }
  }
  if (colon < 0) fail(`unknown action ${t}`);
  switch (head) {
    case 'output': {
      if (arg.includes('[')) return { type: 'output_reg', src: needRef(arg, 'output'), maxLen: 0 };
      return { type: 'output', port: parsePort(arg, opts, 'output'), maxLen: 0 };
    }
    case 'controller': return { type: 'output', port: OFPP_CONTROLLER, maxLen: int(arg, 'controller', 0xffff) };
    case 'resubmit': return { type: 'resubmit', port: parsePort(arg, opts, 'resubmit'), table: OFPTT_ALL };
    case 'group': return { type: 'group', groupId: int(arg, 'group', 0xffffff00) };
    case 'mod_vlan_vid': return { type: 'mod_vlan_vid', vid: int(arg, 'mod_vlan_vid', 4095) };
    case 'mod_vlan_pcp': return { type: 'mod_vlan_pcp', pcp: int(arg, 'mod_vlan_pcp', 7) };
    case 'push_vlan': {
      const tpid = int(arg, 'push_vlan', 0xffff);
      if (tpid !== 0x8100 && tpid !== 0x88a8) fail(`push_vlan: ethertype ${arg} is not 0x8100 or 0x88a8`);
      return { type: 'push_vlan', ethertype: tpid };
    }
    case 'mod_dl_src': return { type: 'set_field', field: F.eth_src, value: parseFieldValue(F.eth_src, arg, 'mod_dl_src') };
    case 'mod_dl_dst': return { type: 'set_field', field: F.eth_dst, value: parseFieldValue(F.eth_dst, arg, 'mod_dl_dst') };
    case 'mod_nw_src': return { type: 'set_field', field: F.ipv4_src, value: parseFieldValue(F.ipv4_src, arg, 'mod_nw_src') };
    case 'mod_nw_dst': return { type: 'set_field', field: F.ipv4_dst, value: parseFieldValue(F.ipv4_dst, arg, 'mod_nw_dst') };
    case 'mod_nw_tos': {
      const tos = int(arg, 'mod_nw_tos', 255);
      if ((tos & 3) !== 0) fail(`mod_nw_tos: ${arg}: the low 2 bits (ECN) must be zero`);
      return { type: 'set_field', field: F.ip_dscp, value: BigInt(tos >> 2) };
    }
    case 'mod_nw_ttl': return { type: 'set_field', field: F.nw_ttl, value: parseNumber(arg, 'mod_nw_ttl', 255n) };
    case 'mod_tp_src': return { type: 'set_field', field: F.tcp_src, value: parseNumber(arg, 'mod_tp_src', 65535n) };
    case 'mod_tp_dst': return { type: 'set_field', field: F.tcp_dst, value: parseNumber(arg, 'mod_tp_dst', 65535n) };
    case 'set_tunnel':
    case 'set_tunnel64': return { type: 'set_field', field: F.tun_id, value: parseNumber(arg, head) };
    case 'set_field': {
      const arrow = arg.indexOf('->');
      if (arrow < 0) fail(`set_field: expected VALUE->FIELD, got ${arg}`);
      const id = fieldByName(arg.slice(arrow + 2).trim());
      if (id === undefined) fail(`set_field: unknown field ${arg.slice(arrow + 2).trim()}`);
      const valueText = arg.slice(0, arrow).split('/')[0]!;
      if (!fieldInfo(id!).writable) fail(`set_field: field ${fieldInfo(id!).name} is not writable`);
      return { type: 'set_field', field: id!, value: parseFieldValue(id!, valueText, 'set_field') };
    }
    case 'load': {
      const arrow = arg.indexOf('->');
      if (arrow < 0) fail(`load: expected VALUE->DST[], got ${arg}`);
      const dst = needRef(arg.slice(arrow + 2), 'load');
      const raw = arg.slice(0, arrow);
      const v = /[:.]/.test(raw) ? parseFieldValue(dst.field, raw, 'load') : parseNumber(raw, 'load');
      if (v >= 1n << BigInt(dst.nBits)) fail(`load: value ${arg.slice(0, arrow)} does not fit in ${dst.nBits} bits`);
      return { type: 'load', dst, value: v };
    }
    case 'move': {
      const arrow = arg.indexOf('->');
      if (arrow < 0) fail(`move: expected SRC[]->DST[], got ${arg}`);
      const s = needRef(arg.slice(0, arrow), 'move');
      const d = needRef(arg.slice(arrow + 2), 'move');
      if (s.nBits !== d.nBits) fail(`move: source field is ${s.nBits} bits wide but destination is ${d.nBits} bits wide`);
      return { type: 'move', src: s, dst: d };
    }
  }
  return fail(`unknown action ${t}`);
}

function parseLearn(body: string): Action {
  let table = 1;
  let priority = DEFAULT_PRIORITY;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let finIdleTimeout = 0;
  let finHardTimeout = 0;
  let cookie = 0n;
  let flags = 0;
  const items: LearnSpecItem[] = [];
  for (const part of splitTop(body)) {
    const lower = part.toLowerCase();
    if (lower === 'send_flow_rem') {
      flags |= OFPFF_SEND_FLOW_REM;
      continue;
    }
    if (lower === 'delete_learned') continue;
    if (lower.startsWith('load:')) {
      const arg = part.slice(5);
      const arrow = arg.indexOf('->');
      if (arrow < 0) fail(`learn: load: expected SRC->DST[], got ${arg}`);
      const dst = needRef(arg.slice(arrow + 2), 'learn load');
      const srcText = arg.slice(0, arrow);
      const src = parseRef(srcText);
      if (src !== null && typeof src !== 'string') {
        if (src.nBits !== dst.nBits) fail(`learn: load: ${srcText} and ${arg.slice(arrow + 2)} differ in width`);
        items.push({ kind: 'load_field', src, dst });
      } else items.push({ kind: 'load_value', dst, value: parseFieldValue(dst.field, srcText, 'learn load') });
      continue;
    }
    if (lower.startsWith('output:')) {
      items.push({ kind: 'output', src: needRef(part.slice(7), 'learn output') });
      continue;
    }
    const eq = part.indexOf('=');
    if (eq >= 0) {
      const k = part.slice(0, eq).trim();
      const v = part.slice(eq + 1).trim();
      switch (k) {
        case 'table': table = int(v, 'learn table', 254); continue;
        case 'priority': priority = int(v, 'learn priority', 65535); continue;
        case 'idle_timeout': idleTimeout = int(v, 'learn idle_timeout', 65535); continue;
        case 'hard_timeout': hardTimeout = int(v, 'learn hard_timeout', 65535); continue;
        case 'fin_idle_timeout': finIdleTimeout = int(v, 'learn fin_idle_timeout', 65535); continue;
        case 'fin_hard_timeout': finHardTimeout = int(v, 'learn fin_hard_timeout', 65535); continue;
        case 'cookie': cookie = parseNumber(v, 'learn cookie'); continue;
      }
      const dst = needRef(k, 'learn', true);
      const src = parseRef(v);
      if (src !== null && typeof src !== 'string') {
        if (src.nBits !== dst.nBits) fail(`learn: ${k} and ${v} differ in width`);
        items.push({ kind: 'match_field', dst, src });
      } else items.push({ kind: 'match_value', dst, value: parseFieldValue(dst.field, v, `learn ${k}`) });
      continue;
    }
    const ref = needRef(part, 'learn');
    items.push({ kind: 'match_field', dst: ref, src: ref });
  }
  return { type: 'learn', spec: { table, priority, idleTimeout, hardTimeout, finIdleTimeout, finHardTimeout, cookie, flags, items } };
}

/** Parses a flows file: one flow per line, `#` comments and blank lines skipped. Errors name the line. */
export function parseFlowsFile(text: string, opts: ParseOptions = {}, file = 'flows'): ParsedFlow[] {
  const out: ParsedFlow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    try {
      out.push(parseFlow(line, { ...opts, actions: 'required' }));
    } catch (e) {
      throw new OfctlError(`${file}:${i + 1}: ${(e as Error).message}`);
    }
  });
  return out;
}
