/**
 * Flows back to ovs-ofctl text, in `dump-flows` form:
 *   ` cookie=0x0, duration=1.234s, table=0, n_packets=0, n_bytes=0, priority=100,in_port=1 actions=strip_vlan,output:2`
 * The match prints the protocol shorthand (ip, tcp, arp...) when eth_type/ip_proto allow it and
 * dl_vlan/dl_vlan_pcp when the TCI match has that shape, as ovs-ofctl does; everything printed
 * parses back to the same flow.
 */
import { formatMac } from '../../../wire/mac.js';
import { formatIpv4Addr } from '../../../wire/ipv4-addr.js';
import { NS_PER_S } from '../../../engine/clock.js';
import {
  F, OFPCML_NO_BUFFER, OFPFF_CHECK_OVERLAP, OFPFF_NO_BYT_COUNTS, OFPFF_NO_PKT_COUNTS, OFPFF_RESET_COUNTS, OFPFF_SEND_FLOW_REM,
  OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_NORMAL, OFPP_TABLE, OFPTT_ALL, W, fieldInfo, getMatchField,
  OFPGT_INDIRECT, OFPGT_SELECT, type Action, type Bucket, type FieldId, type FlowStats, type Instruction, type Match,
} from '../types.js';
import { formatRef } from './fields.js';
import { DEFAULT_PRIORITY } from './parse.js';

export type PortNamer = (port: number) => string | undefined;

export function formatPort(port: number, names?: PortNamer): string {
  switch (port) {
    case OFPP_IN_PORT: return 'IN_PORT';
    case OFPP_TABLE: return 'TABLE';
    case OFPP_NORMAL: return 'NORMAL';
    case OFPP_FLOOD: return 'FLOOD';
    case OFPP_ALL: return 'ALL';
    case OFPP_CONTROLLER: return 'CONTROLLER';
    case OFPP_LOCAL: return 'LOCAL';
  }
  const n = names?.(port);
  return n !== undefined ? `"${n}"` : String(port);
}

const hex = (v: bigint | number) => `0x${v.toString(16)}`;
/** C's %#x, as ovs-ofctl prints load values: 0 stays "0". */
const altHex = (v: bigint) => (v === 0n ? '0' : hex(v));

function formatValue(id: FieldId, v: bigint): string {
  const f = fieldInfo(id);
  if (f.bits === 48) return formatMac(Number(v));
  if (id === F.ipv4_src || id === F.ipv4_dst || id === F.arp_spa || id === F.arp_tpa) return formatIpv4Addr(Number(v));
  if (id === F.tun_id || id === F.metadata || id === F.vlan_tci || id === F.vlan_vid || id.valueOf() >= F.reg0 && id.valueOf() <= F.reg7 || id === F.eth_type) return hex(v);
  return v.toString();
}

function formatMaskedField(name: string, id: FieldId, m: Match): string | null {
  const { value, mask } = getMatchField(m, id);
  if (mask === 0n) return null;
  const all = (1n << BigInt(fieldInfo(id).bits)) - 1n;
  if (mask === all) return `${name}=${formatValue(id, value)}`;
  if ((id === F.ipv4_src || id === F.ipv4_dst || id === F.arp_spa || id === F.arp_tpa)) {
    let len = 0;
    while (len < 32 && ((mask >> BigInt(31 - len)) & 1n) === 1n) len++;
    if (mask === ((all << BigInt(32 - len)) & all)) return `${name}=${formatValue(id, value)}/${len}`;
  }
  return `${name}=${formatValue(id, value)}/${formatValue(id, mask)}`;
}

/** The match part of a flow ("priority=100,tcp,in_port=1,tp_dst=80"), without a trailing separator. */
export function formatMatch(m: Match, priority: number, names?: PortNamer): string {
  const parts: string[] = [];
  if (priority !== DEFAULT_PRIORITY) parts.push(`priority=${priority}`);
  const typeMask = m.mask[W.ETH_TYPE]!;
  const type = m.value[W.ETH_TYPE]!;
  const protoExact = m.mask[W.NW_PROTO] === 0xff;
  const proto = m.value[W.NW_PROTO]!;
  let shorthand: string | null = null;
  if (typeMask === 0xffff && type === 0x0800) {
    shorthand = protoExact && proto === 6 ? 'tcp' : protoExact && proto === 17 ? 'udp' : protoExact && proto === 1 ? 'icmp' : 'ip';
  } else if (typeMask === 0xffff && type === 0x0806) shorthand = 'arp';
  if (shorthand !== null) parts.push(shorthand);
  const field = (name: string, id: FieldId) => {
    const s = formatMaskedField(name, id, m);
    if (s !== null) parts.push(s);
  };
  field('tun_id', F.tun_id);
  field('metadata', F.metadata);
  for (let r = 0; r < 8; r++) field(`reg${r}`, (F.reg0 + r) as FieldId);
  if (m.mask[W.IN_PORT] !== 0) parts.push(`in_port=${formatPort(m.value[W.IN_PORT]!, names)}`);
  const tciMask = m.mask[W.VLAN_TCI]!;
  const tci = m.value[W.VLAN_TCI]!;
  if (tciMask !== 0) {
    if (tciMask === 0xffff && tci === 0) parts.push('vlan_tci=0x0000');
    else if ((tciMask === 0x1fff || tciMask === 0xffff) && (tci & 0x1000) !== 0) {
      parts.push(`dl_vlan=${tci & 0xfff}`);
      if (tciMask === 0xffff) parts.push(`dl_vlan_pcp=${tci >> 13}`);
    } else if (tciMask === 0xf000 && (tci & 0x1000) !== 0) parts.push(`dl_vlan_pcp=${tci >> 13}`);
    else parts.push(`vlan_tci=0x${tci.toString(16).padStart(4, '0')}/0x${tciMask.toString(16).padStart(4, '0')}`);
  }
  field('dl_src', F.eth_src);
  field('dl_dst', F.eth_dst);
  if (shorthand === null) field('dl_type', F.eth_type);
  if (type === 0x0806 && typeMask === 0xffff) {
    field('arp_spa', F.arp_spa);
    field('arp_tpa', F.arp_tpa);
    field('arp_sha', F.arp_sha);
    field('arp_tha', F.arp_tha);
    field('arp_op', F.arp_op);
  } else {
    field('nw_src', F.ipv4_src);
    field('nw_dst', F.ipv4_dst);
    if (!(shorthand === 'tcp' || shorthand === 'udp' || shorthand === 'icmp')) field('nw_proto', F.ip_proto);
  }
  const tosMask = m.mask[W.NW_TOS]!;
  if ((tosMask & 0xfc) === 0xfc) parts.push(`nw_tos=${m.value[W.NW_TOS]! & 0xfc}`);
  field('nw_ecn', F.ip_ecn);
  field('nw_ttl', F.nw_ttl);
  const fragMask = m.mask[W.NW_FRAG]!;
  if (fragMask !== 0) {
    const fv = m.value[W.NW_FRAG]!;
    const mode = fragMask === 1 ? (fv === 1 ? 'yes' : 'no') : fragMask === 2 ? 'not_later' : fv === 3 ? 'later' : fv === 1 ? 'first' : 'no';
    parts.push(`nw_frag=${mode}`);
  }
  if (shorthand === 'icmp') {
    field('icmp_type', F.icmp_type);
    field('icmp_code', F.icmp_code);
  } else {
    field('tp_src', F.tcp_src);
    field('tp_dst', F.tcp_dst);
  }
  return parts.join(',');
}

export function formatAction(a: Action, names?: PortNamer): string {
  switch (a.type) {
    case 'output':
      if (a.port === OFPP_CONTROLLER) return a.maxLen === OFPCML_NO_BUFFER ? 'CONTROLLER:65535' : `CONTROLLER:${a.maxLen}`;
      if (a.port >= OFPP_IN_PORT) return formatPort(a.port);
      return `output:${formatPort(a.port, names)}`;
    case 'output_reg': return `output:${formatRef(a.src)}`;
    case 'set_field': {
      switch (a.field) {
        case F.eth_src: return `mod_dl_src:${formatMac(Number(a.value))}`;
        case F.eth_dst: return `mod_dl_dst:${formatMac(Number(a.value))}`;
        case F.ipv4_src: return `mod_nw_src:${formatIpv4Addr(Number(a.value))}`;
        case F.ipv4_dst: return `mod_nw_dst:${formatIpv4Addr(Number(a.value))}`;
        case F.tun_id: return `set_tunnel:${hex(a.value)}`;
      }
      return `set_field:${formatValue(a.field, a.value)}->${fieldInfo(a.field).name}`;
    }
    case 'push_vlan': return `push_vlan:${hex(a.ethertype)}`;
    case 'pop_vlan': return 'strip_vlan';
    case 'mod_vlan_vid': return `mod_vlan_vid:${a.vid}`;
    case 'mod_vlan_pcp': return `mod_vlan_pcp:${a.pcp}`;
    case 'dec_ttl': return 'dec_ttl';
    case 'group': return `group:${a.groupId}`;
    case 'resubmit': return `resubmit(${a.port === OFPP_IN_PORT ? '' : formatPort(a.port, names)},${a.table === OFPTT_ALL ? '' : a.table})`;
    case 'load': return `load:${altHex(a.value)}->${formatRef(a.dst)}`;
    case 'move': return `move:${formatRef(a.src)}->${formatRef(a.dst)}`;
    case 'learn': {
      const s = a.spec;
      const parts = [`table=${s.table}`];
      if (s.idleTimeout) parts.push(`idle_timeout=${s.idleTimeout}`);
      if (s.hardTimeout) parts.push(`hard_timeout=${s.hardTimeout}`);
      if (s.finIdleTimeout) parts.push(`fin_idle_timeout=${s.finIdleTimeout}`);
      if (s.finHardTimeout) parts.push(`fin_hard_timeout=${s.finHardTimeout}`);
      if (s.priority !== DEFAULT_PRIORITY) parts.push(`priority=${s.priority}`);
      if (s.cookie !== 0n) parts.push(`cookie=${hex(s.cookie)}`);
      if (s.flags & OFPFF_SEND_FLOW_REM) parts.push('send_flow_rem');
      for (const it of s.items) {
        switch (it.kind) {
          case 'match_field': {
            const d = formatRef(it.dst);
            const src = formatRef(it.src);
            parts.push(d === src ? d : `${d}=${src}`);
            break;
          }
          case 'match_value': parts.push(`${formatRef(it.dst)}=${hex(it.value)}`); break;
          case 'load_field': parts.push(`load:${formatRef(it.src)}->${formatRef(it.dst)}`); break;
          case 'load_value': parts.push(`load:${altHex(it.value)}->${formatRef(it.dst)}`); break;
          case 'output': parts.push(`output:${formatRef(it.src)}`); break;
        }
      }
      return `learn(${parts.join(',')})`;
    }
  }
}

/** The actions= value of a flow. */
export function formatInstructions(ins: readonly Instruction[], names?: PortNamer): string {
  const parts: string[] = [];
  for (const i of ins) {
    switch (i.type) {
      case 'apply_actions': parts.push(...i.actions.map((a) => formatAction(a, names))); break;
      case 'clear_actions': parts.push('clear_actions'); break;
      case 'write_actions': parts.push(`write_actions(${i.actions.map((a) => formatAction(a, names)).join(',')})`); break;
      case 'write_metadata': parts.push(i.mask === 0xffffffffffffffffn ? `write_metadata:${hex(i.value)}` : `write_metadata:${hex(i.value)}/${hex(i.mask)}`); break;
      case 'goto_table': parts.push(`goto_table:${i.table}`); break;
    }
  }
  return parts.length === 0 ? 'drop' : parts.join(',');
}

/** A flow as add-flow text (no statistics). */
export function formatFlow(f: { table: number; priority: number; match: Match; instructions: readonly Instruction[]; cookie: bigint; idleTimeout: number; hardTimeout: number; flags: number }, names?: PortNamer): string {
  const head: string[] = [];
  if (f.table !== 0) head.push(`table=${f.table}`);
  if (f.cookie !== 0n) head.push(`cookie=${hex(f.cookie)}`);
  if (f.idleTimeout) head.push(`idle_timeout=${f.idleTimeout}`);
  if (f.hardTimeout) head.push(`hard_timeout=${f.hardTimeout}`);
  const m = formatMatch(f.match, f.priority, names);
  if (m !== '') head.push(m);
  return `${head.join(',')}${head.length ? ',' : ''}actions=${formatInstructions(f.instructions, names)}`;
}

function flagWords(flags: number): string {
  const w: string[] = [];
  if (flags & OFPFF_SEND_FLOW_REM) w.push('send_flow_rem');
  if (flags & OFPFF_CHECK_OVERLAP) w.push('check_overlap');
  if (flags & OFPFF_RESET_COUNTS) w.push('reset_counts');
  if (flags & OFPFF_NO_PKT_COUNTS) w.push('no_packet_counts');
  if (flags & OFPFF_NO_BYT_COUNTS) w.push('no_byte_counts');
  return w.map((x) => `${x} `).join('');
}

/** One line of `ovs-ofctl dump-flows`. */
export function formatFlowStats(s: FlowStats, names?: PortNamer): string {
  const head = [`cookie=${hex(s.cookie)}`, `duration=${(s.durationNs / NS_PER_S).toFixed(3)}s`, `table=${s.table}`, `n_packets=${s.packetCount}`, `n_bytes=${s.byteCount}`];
  if (s.idleTimeout) head.push(`idle_timeout=${s.idleTimeout}`);
  if (s.hardTimeout) head.push(`hard_timeout=${s.hardTimeout}`);
  const m = formatMatch(s.match, s.priority, names);
  return ` ${head.join(', ')}, ${flagWords(s.flags)}${m}${m === '' ? '' : ' '}actions=${formatInstructions(s.instructions, names)}`;
}


/** A group as `ovs-ofctl dump-groups` prints it: `group_id=1,type=select,bucket=weight:100,actions=output:1,...`. */
export function formatGroup(g: { readonly groupId: number; readonly type: number; readonly buckets: readonly Bucket[] }, names?: PortNamer): string {
  const type = g.type === OFPGT_SELECT ? 'select' : g.type === OFPGT_INDIRECT ? 'indirect' : 'all';
  const buckets = g.buckets.map((b) => `bucket=${g.type === OFPGT_SELECT ? `weight:${b.weight},` : ''}actions=${b.actions.length === 0 ? 'drop' : b.actions.map((a) => formatAction(a, names)).join(',')}`);
  return [`group_id=${g.groupId}`, `type=${type}`, ...buckets].join(',');
}
