/**
 * Explaining a forwarding decision in the layout of `ovs-appctl ofproto/trace`:
 *
 *   Flow: icmp,in_port=1,vlan_tci=0x0000,dl_src=...,nw_ttl=64,icmp_type=8,icmp_code=0
 *
 *   bridge("br0")
 *   -------------
 *    0. in_port=1, priority 100, cookie 0x1
 *       resubmit(,2)
 *        2. priority 0
 *           output:2
 *
 *   Final flow: unchanged
 *   Megaflow: in_port=1,...
 *   Datapath actions: 2
 *
 * Each resubmit or goto indents the next table four columns further. `traceFlow` runs the
 * translation dry (no counters, no learning), so tracing never changes the switch.
 */
import { extractFlowKey } from './flow-key.js';
import { formatProgram } from './datapath.js';
import { Xlation } from './pipeline.js';
import { formatMatch } from './ofctl/format.js';
import { DEFAULT_PRIORITY, OfctlError, parseFlow, splitTop } from './ofctl/parse.js';
import { FLOW_WORDS, W } from './types.js';
/** The words that describe a packet of this kind (what ofproto/trace prints in `Flow:`). */
function packetMask(key) {
    const m = new Uint32Array(FLOW_WORDS);
    m[W.IN_PORT] = 0xffffffff;
    m[W.VLAN_TCI] = 0xffff;
    m[W.ETH_SRC_HI] = m[W.ETH_SRC_LO] = m[W.ETH_DST_HI] = m[W.ETH_DST_LO] = 0xffffffff;
    m[W.ETH_TYPE] = 0xffff;
    if (key[W.TUN_ID_LO] !== 0 || key[W.TUN_ID_HI] !== 0)
        m[W.TUN_ID_HI] = m[W.TUN_ID_LO] = 0xffffffff;
    if (key[W.METADATA_HI] !== 0 || key[W.METADATA_LO] !== 0)
        m[W.METADATA_HI] = m[W.METADATA_LO] = 0xffffffff;
    for (let r = 0; r < 8; r++)
        if (key[W.REG0 + r] !== 0)
            m[W.REG0 + r] = 0xffffffff;
    const type = key[W.ETH_TYPE];
    if (type === 0x0800) {
        m[W.NW_SRC] = m[W.NW_DST] = 0xffffffff;
        m[W.NW_PROTO] = 0xff;
        m[W.NW_TOS] = 0xff;
        m[W.NW_TTL] = 0xff;
        const p = key[W.NW_PROTO];
        if ((p === 6 || p === 17) && (key[W.NW_FRAG] & 2) === 0)
            m[W.TP_SRC] = m[W.TP_DST] = 0xffff;
        if (p === 1 && (key[W.NW_FRAG] & 2) === 0)
            m[W.TP_SRC] = m[W.TP_DST] = 0xff;
    }
    else if (type === 0x0806) {
        m[W.NW_SRC] = m[W.NW_DST] = 0xffffffff;
        m[W.NW_PROTO] = 0xffff;
        m[W.ARP_SHA_HI] = m[W.ARP_SHA_LO] = m[W.ARP_THA_HI] = m[W.ARP_THA_LO] = 0xffffffff;
    }
    return m;
}
function masked(key, mask) {
    const value = new Uint32Array(FLOW_WORDS);
    for (let i = 0; i < FLOW_WORDS; i++)
        value[i] = key[i] & mask[i];
    return { value, mask: Uint32Array.from(mask) };
}
/** Formats a flow key as ofproto/trace's `Flow:` line. */
export function formatFlowKey(key, names) {
    const m = masked(key, packetMask(key));
    return formatMatch(m, DEFAULT_PRIORITY, names);
}
/** A tracer that records steps and renders ofproto/trace lines. */
export function ofprotoTracer(lines, names, steps) {
    const indent = (depth) => ' '.repeat(depth * 4);
    return {
        table(depth, table, entry) {
            if (entry === null) {
                lines.push(`${indent(depth)}${String(table).padStart(2)}. No match.`);
                steps?.push({ depth, table, match: null });
                return;
            }
            const m = formatMatch(entry.match, DEFAULT_PRIORITY, names);
            const cookie = entry.cookie !== 0n ? `, cookie 0x${entry.cookie.toString(16)}` : '';
            lines.push(`${indent(depth)}${String(table).padStart(2)}. ${m === '' ? '' : `${m}, `}priority ${entry.priority}${cookie}`);
            steps?.push({ depth, table, match: m, priority: entry.priority, cookie: `0x${entry.cookie.toString(16)}` });
        },
        action(depth, text) {
            if (text.startsWith('No match.'))
                return; // the table line said it
            lines.push(`${indent(depth)}    ${text}`);
            steps?.push({ depth, action: text });
        },
    };
}
/** Traces a packet entering `sw` on OpenFlow port `inPort`, without side effects. */
export function traceFlow(sw, packet, inPort, tunnelId = 0) {
    const key = new Uint32Array(FLOW_WORDS);
    extractFlowKey(packet, 0, packet.length, inPort, tunnelId, key);
    return traceKey(sw, key, packet.length);
}
/** Keywords of a flow mod that say nothing about a packet, refused in a trace flow. */
const NOT_PACKET_FIELDS = new Set(['table', 'priority', 'cookie', 'idle_timeout', 'hard_timeout', 'importance', 'out_port', 'out_group', 'actions']);
/**
 * The flow key of a flow written as `ofproto/trace BRIDGE FLOW` takes it, e.g.
 * `in_port=2,tun_id=0x64,tcp,nw_dst=10.0.0.2,tp_dst=80`: ovs-ofctl match syntax, each field
 * one value (no masks), in_port required; every field not given is zero, as Open vSwitch
 * reads such a flow. tun_id, metadata and the registers may be set, which a frame cannot say.
 * Throws `OfctlError` with ovs-ofctl's wording for a field it does not know.
 */
export function flowKeyOfText(text, portByName) {
    for (const item of splitTop(text, true)) {
        const eq = item.indexOf('=');
        const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
        if (NOT_PACKET_FIELDS.has(name))
            throw new OfctlError(`trace: ${name} is not a packet field; a trace flow gives the packet's fields only`);
        if (eq >= 0 && item.slice(eq + 1).includes('/'))
            throw new OfctlError(`trace: ${item.trim()} has a mask; a trace flow describes one packet, so each field takes one value`);
    }
    const { match } = parseFlow(text, { portByName, actions: 'forbidden' });
    if (match.mask[W.IN_PORT] === 0)
        throw new OfctlError('trace: the flow needs in_port, the port the packet enters by');
    const key = new Uint32Array(FLOW_WORDS);
    for (let i = 0; i < FLOW_WORDS; i++)
        key[i] = match.value[i] & match.mask[i];
    return key;
}
/**
 * Traces a flow key through `sw`, without side effects. `len` is the frame length the
 * translation sees (it only feeds counters, which a dry run does not touch).
 */
export function traceKey(sw, key, len) {
    const names = (p) => sw.portName(p);
    const lines = [];
    const steps = [];
    const xl = new Xlation();
    sw.pipeline.xlate(key, len, xl, ofprotoTracer(lines, names, steps), null, true);
    const bridge = sw.conf.bridge ?? sw.name;
    const flow = formatFlowKey(key, names);
    let changed = false;
    for (let i = 0; i < FLOW_WORDS; i++)
        if (i !== W.METADATA_HI && i !== W.METADATA_LO && (i < W.REG0 || i >= W.REG0 + 8) && xl.finalKey[i] !== key[i])
            changed = true;
    const finalFlow = changed ? formatFlowKey(xl.finalKey, names) : 'unchanged';
    const megaflow = formatMatch(masked(key, xl.wc), DEFAULT_PRIORITY, names) || '(everything)';
    const datapathActions = formatProgram(xl.ops, xl.refs, (p) => String(p));
    const header = `bridge("${bridge}")`;
    const text = [`Flow: ${flow}`, '', header, '-'.repeat(header.length), ...lines, '', `Final flow: ${finalFlow}`, `Megaflow: ${megaflow}`, `Datapath actions: ${datapathActions}`].join('\n');
    return { bridge, flow, steps, finalFlow, megaflow, datapathActions, text };
}
//# sourceMappingURL=trace.js.map