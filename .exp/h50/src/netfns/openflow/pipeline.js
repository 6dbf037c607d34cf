/**
 * The OpenFlow 1.3 pipeline (spec section 5): flow tables, flow entries with counters and
 * timeouts, groups, flow mod semantics, and the translation of a flow key into datapath actions
 * (the slow path).
 *
 * Translation (`xlate`) follows the spec: start in table 0 with an empty action set; in each
 * table the highest-priority matching entry runs its instructions in order (apply-actions now,
 * clear/write-actions into the action set, write-metadata, goto-table to a later table); with no
 * goto the action set runs in the spec's order (pop, push, dec_ttl, set, group, output). No match
 * and no table-miss entry means drop. Nicira resubmit runs another table's entry in place (depth
 * limited to RESUBMIT_DEPTH), learn adds or refreshes a flow built from the packet.
 *
 * The translation works on a copy of the flow key; header changes are committed as datapath
 * actions before each output (see datapath.ts). Alongside, it builds the *wildcard mask* of the
 * megaflow: every key bit any table lookup examined (the classifier reports them), every field a
 * prerequisite or an action read (set, load/move sources, learn sources, NORMAL's addresses and
 * VLAN, group selection hash), and every field an action wrote (the commit compares it with the
 * packet). A key equal to this one on all those bits gets the same program: that is the
 * invariant the megaflow cache relies on.
 *
 * Every change to tables, groups or ports bumps `generation`; caches keyed on an older
 * generation are stale.
 */
import { HashMacTable } from '../../bridges/mac-table.js';
import { NS_PER_S } from '../../engine/clock.js';
import { TupleSpaceClassifier, LinearClassifier } from './classifier.js';
import { OP_CLONE, OP_CONTROLLER, OP_LEARN, OP_NORMAL, OP_OUTPUT, OP_POP_VLAN, OP_PUSH_VLAN, OP_SET_ARP, OP_SET_ETH_DST, OP_SET_ETH_SRC, OP_SET_IPV4_DST, OP_SET_IPV4_SRC, OP_SET_TOS, OP_SET_TP_DST, OP_SET_TP_SRC, OP_SET_TTL, OP_SET_TUNNEL, OP_SET_VLAN_TCI, } from './datapath.js';
import { formatAction } from './ofctl/format.js';
import { checkPrerequisites, matchIncludes, matchesOverlap, readBits, refFits, setMatchBits, unwildcardBits, writeBits, wholeField } from './match.js';
import { FLOW_WORDS, OFPBAC_BAD_ARGUMENT, OFPBAC_BAD_OUT_GROUP, OFPBAC_BAD_OUT_PORT, OFPBAC_BAD_SET_TYPE, OFPBIC_BAD_TABLE_ID, OFPET_BAD_ACTION, OFPET_BAD_INSTRUCTION, OFPET_FLOW_MOD_FAILED, OFPET_GROUP_MOD_FAILED, OFPFF_CHECK_OVERLAP, OFPFF_RESET_COUNTS, OFPFF_SEND_FLOW_REM, OFPFMFC_BAD_TABLE_ID, OFPFMFC_OVERLAP, OFPFMFC_TABLE_FULL, OFPGMFC_BAD_TYPE, OFPGMFC_GROUP_EXISTS, OFPGMFC_OUT_OF_GROUPS, OFPGMFC_UNKNOWN_GROUP, OFPGMFC_CHAINED_GROUP, OFPGT_ALL, OFPGT_INDIRECT, OFPGT_SELECT, OFPG_ALL, OFPG_ANY, OFPG_MAX, OFPP_ALL, OFPP_ANY, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NORMAL, OFPP_TABLE, OFPRR_DELETE, OFPRR_HARD_TIMEOUT, OFPRR_IDLE_TIMEOUT, OFPR_ACTION, OFPR_INVALID_TTL, OFPR_NO_MATCH, OFPTT_ALL, OFPTT_MAX, OFPVID_PRESENT, W, emptyMatch, fieldInfo, ofError, } from './types.js';
/** Nested resubmit/goto depth limit (Open vSwitch uses 64). */
export const RESUBMIT_DEPTH = 64;
/** Total resubmits one translation may perform. */
export const RESUBMIT_TOTAL = 4096;
export const N_TABLES = OFPTT_MAX + 1;
export class FlowEntry {
    table;
    priority;
    match;
    cookie;
    idleTimeout;
    hardTimeout;
    flags;
    instructions;
    packetCount = 0;
    byteCount = 0;
    addedAt;
    /** Base of the hard timeout: the add time, or the last time learn refreshed the flow. */
    hardBase;
    lastUsed;
    removed = false;
    constructor(mod, now) {
        this.table = mod.table;
        this.priority = mod.priority;
        this.match = { value: Uint32Array.from(mod.match.value), mask: Uint32Array.from(mod.match.mask) };
        this.cookie = mod.cookie;
        this.idleTimeout = mod.idleTimeout;
        this.hardTimeout = mod.hardTimeout;
        this.flags = mod.flags;
        this.instructions = mod.instructions;
        this.addedAt = now;
        this.hardBase = now;
        this.lastUsed = now;
    }
    stats(now) {
        return {
            table: this.table, priority: this.priority, cookie: this.cookie, idleTimeout: this.idleTimeout, hardTimeout: this.hardTimeout,
            flags: this.flags, match: this.match, instructions: this.instructions, packetCount: this.packetCount, byteCount: this.byteCount,
            durationNs: now - this.addedAt, idleNs: now - this.lastUsed,
        };
    }
}
/** A learned flow mod with the entry it last produced, so a cached replay refreshes in O(1). */
export class LearnRef {
    mod;
    entry = null;
    constructor(mod) {
        this.mod = mod;
    }
}
/** A translation's result, reused across calls. */
export class Xlation {
    ops = [];
    refs = [];
    wc = new Uint32Array(FLOW_WORDS);
    /** Entries whose counters a cached replay must bump, in hit order. */
    rules = [];
    /** Tables looked up (for table stats on replay); negative = looked up and missed: -(table+1). */
    tables = [];
    /** The flow key as the actions left it ("Final flow" of a trace). */
    finalKey = new Uint32Array(FLOW_WORDS);
    reset() {
        this.ops.length = 0;
        this.refs.length = 0;
        this.wc.fill(0);
        this.rules.length = 0;
        this.tables.length = 0;
    }
}
const ACTION_SET_ORDER = ['pop_vlan', 'push_vlan', 'dec_ttl', 'set', 'group', 'output'];
export class Pipeline {
    #opts;
    #tables = [];
    #groups = new Map();
    #lookups = new Float64Array(N_TABLES);
    #matched = new Float64Array(N_TABLES);
    #key = new Uint32Array(FLOW_WORDS);
    #committed = new Uint32Array(FLOW_WORDS);
    #flowRemoved = new Set();
    maxFlowsPerTable;
    maxGroups;
    /** The NORMAL action's forwarding database. */
    fdb;
    generation = 0;
    /** Flow adds refused because a table was full (overflow counter). */
    tableFullErrors = 0;
    /** Translations cut short by the resubmit depth or count limit. */
    resubmitLimitHits = 0;
    constructor(opts) {
        this.#opts = opts;
        this.maxFlowsPerTable = opts.maxFlowsPerTable ?? 100_000;
        this.maxGroups = opts.maxGroups ?? 4096;
        this.fdb = new HashMacTable(opts.fdbMax ?? 4096);
        for (let t = 0; t < N_TABLES; t++)
            this.#tables.push(opts.classifier === 'linear' ? new LinearClassifier() : new TupleSpaceClassifier());
    }
    now() {
        return this.#opts.now();
    }
    /** Total flows in all tables (the gauge). */
    get flowCount() {
        let n = 0;
        for (const t of this.#tables)
            n += t.size;
        return n;
    }
    table(t) {
        return this.#tables[t];
    }
    /** Every flow entry, by table then priority descending. */
    entries() {
        const out = [];
        for (const t of this.#tables)
            out.push(...t.rules().sort((a, b) => b.priority - a.priority));
        return out;
    }
    onFlowRemoved(handler) {
        this.#flowRemoved.add(handler);
        return () => this.#flowRemoved.delete(handler);
    }
    /** Marks caches stale (ports changed, for example). */
    invalidate() {
        this.generation++;
    }
    // ---- Flow mods ----
    validateFlowMod(mod) {
        if (!Number.isInteger(mod.table) || mod.table < 0 || mod.table > OFPTT_MAX)
            return ofError(OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID, `table ${mod.table} is not 0..${OFPTT_MAX}`);
        if (!Number.isInteger(mod.priority) || mod.priority < 0 || mod.priority > 0xffff)
            return ofError(OFPET_FLOW_MOD_FAILED, 0, `priority ${mod.priority} is not 0..65535`);
        return checkPrerequisites(mod.match) ?? this.#validateInstructions(mod.table, mod.instructions);
    }
    #validateInstructions(table, instructions) {
        for (const ins of instructions) {
            if (ins.type === 'goto_table' && (ins.table <= table || ins.table > OFPTT_MAX)) {
                return ofError(OFPET_BAD_INSTRUCTION, OFPBIC_BAD_TABLE_ID, `goto_table:${ins.table} must go forward (from table ${table}, at most ${OFPTT_MAX})`);
            }
            if (ins.type === 'apply_actions' || ins.type === 'write_actions') {
                const e = this.validateActions(ins.actions);
                if (e !== null)
                    return e;
            }
        }
        return null;
    }
    validateActions(actions) {
        for (const a of actions) {
            switch (a.type) {
                case 'output':
                    if (a.port === 0 || (a.port > OFPP_MAX && a.port < OFPP_IN_PORT) || a.port === OFPP_ANY)
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_OUT_PORT, `output to bad port ${a.port}`);
                    break;
                case 'group':
                    if (!this.#groups.has(a.groupId))
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_OUT_GROUP, `group ${a.groupId} does not exist`);
                    break;
                case 'set_field':
                    if (!fieldInfo(a.field).writable)
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_SET_TYPE, `field ${fieldInfo(a.field).name} cannot be set`);
                    break;
                case 'load':
                case 'output_reg':
                case 'move':
                    for (const r of a.type === 'load' ? [a.dst] : a.type === 'output_reg' ? [a.src] : [a.src, a.dst]) {
                        if (!refFits(r))
                            return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT, `bit range ${r.ofs}..${r.ofs + r.nBits - 1} does not fit ${fieldInfo(r.field).name}`);
                    }
                    if (a.type === 'move' && a.src.nBits !== a.dst.nBits)
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT, 'move: source and destination widths differ');
                    break;
                case 'resubmit':
                    if (a.table !== OFPTT_ALL && a.table > OFPTT_MAX)
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT, `resubmit to table ${a.table}`);
                    break;
                case 'learn':
                    if (a.spec.table > OFPTT_MAX)
                        return ofError(OFPET_BAD_ACTION, OFPBAC_BAD_ARGUMENT, `learn into table ${a.spec.table}`);
                    break;
                default:
                    break;
            }
        }
        return null;
    }
    /** OFPFC_ADD. */
    addFlow(mod) {
        const err = this.validateFlowMod(mod);
        if (err !== null)
            return err;
        const table = this.#tables[mod.table];
        const old = table.findExact(mod.match, mod.priority);
        if ((mod.flags & OFPFF_CHECK_OVERLAP) !== 0) {
            for (const r of table.rules()) {
                if (r !== old && r.priority === mod.priority && matchesOverlap(r.match, mod.match)) {
                    return ofError(OFPET_FLOW_MOD_FAILED, OFPFMFC_OVERLAP, `overlaps a flow of priority ${mod.priority} in table ${mod.table}`);
                }
            }
        }
        if (old === null && table.size >= this.maxFlowsPerTable) {
            this.tableFullErrors++;
            return ofError(OFPET_FLOW_MOD_FAILED, OFPFMFC_TABLE_FULL, `table ${mod.table} is full (${this.maxFlowsPerTable} flows)`);
        }
        const entry = new FlowEntry(mod, this.now());
        if (old !== null) {
            if ((mod.flags & OFPFF_RESET_COUNTS) === 0) {
                entry.packetCount = old.packetCount;
                entry.byteCount = old.byteCount;
            }
            table.remove(old);
            old.removed = true;
        }
        table.insert(entry);
        this.generation++;
        return null;
    }
    #select(filter) {
        const out = [];
        const first = filter.table === OFPTT_ALL ? 0 : filter.table;
        const last = filter.table === OFPTT_ALL ? OFPTT_MAX : filter.table;
        for (let t = first; t <= last; t++) {
            const table = this.#tables[t];
            if (table === undefined || table.size === 0)
                continue;
            const candidates = filter.strict ? [table.findExact(filter.match, filter.priority)].filter((r) => r !== null) : table.rules();
            for (const r of candidates) {
                if (!filter.strict && !matchIncludes(filter.match, r.match))
                    continue;
                if (((r.cookie ^ filter.cookie) & filter.cookieMask) !== 0n)
                    continue;
                if (filter.outPort !== OFPP_ANY && !outputsTo(r.instructions, filter.outPort))
                    continue;
                if (filter.outGroup !== OFPG_ANY && !groupsTo(r.instructions, filter.outGroup))
                    continue;
                out.push(r);
            }
        }
        return out.sort((a, b) => a.table - b.table || b.priority - a.priority);
    }
    #badTable(filter) {
        if (filter.table !== OFPTT_ALL && (filter.table < 0 || filter.table > OFPTT_MAX))
            return ofError(OFPET_FLOW_MOD_FAILED, OFPFMFC_BAD_TABLE_ID, `table ${filter.table} is not 0..${OFPTT_MAX}`);
        return null;
    }
    /** OFPFC_MODIFY(_STRICT). */
    modifyFlows(filter, instructions, flags) {
        const bad = this.#badTable(filter);
        if (bad !== null)
            return bad;
        const selected = this.#select(filter);
        for (const r of selected) {
            const e = this.#validateInstructions(r.table, instructions);
            if (e !== null)
                return e;
        }
        for (const r of selected) {
            r.instructions = instructions;
            if ((flags & OFPFF_RESET_COUNTS) !== 0) {
                r.packetCount = 0;
                r.byteCount = 0;
            }
        }
        if (selected.length > 0)
            this.generation++;
        return null;
    }
    /** OFPFC_DELETE(_STRICT). */
    deleteFlows(filter) {
        const bad = this.#badTable(filter);
        if (bad !== null)
            return bad;
        for (const r of this.#select(filter))
            this.#removeEntry(r, OFPRR_DELETE);
        return null;
    }
    #removeEntry(r, reason) {
        if (r.removed)
            return;
        this.#tables[r.table].remove(r);
        r.removed = true;
        this.generation++;
        if ((r.flags & OFPFF_SEND_FLOW_REM) !== 0) {
            const ev = { reason, stats: r.stats(this.now()) };
            for (const h of this.#flowRemoved)
                h(ev);
        }
    }
    /** Removes flows whose idle or hard timeout has passed; returns how many. */
    expire(now) {
        let n = 0;
        for (const t of this.#tables) {
            if (t.size === 0)
                continue;
            for (const r of t.rules()) {
                if (r.hardTimeout > 0 && now - r.hardBase >= r.hardTimeout * NS_PER_S) {
                    this.#removeEntry(r, OFPRR_HARD_TIMEOUT);
                    n++;
                }
                else if (r.idleTimeout > 0 && now - r.lastUsed >= r.idleTimeout * NS_PER_S) {
                    this.#removeEntry(r, OFPRR_IDLE_TIMEOUT);
                    n++;
                }
            }
        }
        return n;
    }
    /** Adds or refreshes a learned flow (NXAST_LEARN semantics). */
    learn(ref) {
        const now = this.now();
        const e = ref.entry;
        if (e !== null && !e.removed) {
            e.hardBase = now;
            e.lastUsed = now;
            return;
        }
        const existing = this.#tables[ref.mod.table].findExact(ref.mod.match, ref.mod.priority);
        if (existing !== null && sameInstructions(existing.instructions, ref.mod.instructions)) {
            existing.hardBase = now;
            existing.lastUsed = now;
            ref.entry = existing;
            return;
        }
        if (this.addFlow(ref.mod) === null)
            ref.entry = this.#tables[ref.mod.table].findExact(ref.mod.match, ref.mod.priority);
    }
    flowStats(filter) {
        const now = this.now();
        return this.#select(filter).map((r) => r.stats(now));
    }
    aggregateStats(filter) {
        let packetCount = 0;
        let byteCount = 0;
        const sel = this.#select(filter);
        for (const r of sel) {
            packetCount += r.packetCount;
            byteCount += r.byteCount;
        }
        return { packetCount, byteCount, flowCount: sel.length };
    }
    tableStats() {
        return this.#tables.map((t, i) => ({ table: i, activeCount: t.size, lookupCount: this.#lookups[i], matchedCount: this.#matched[i] }));
    }
    /** Counts the table lookups of `packets` cached replays. */
    countTables(tables, packets = 1) {
        for (let i = 0; i < tables.length; i++) {
            const t = tables[i];
            if (t >= 0) {
                this.#lookups[t] += packets;
                this.#matched[t] += packets;
            }
            else
                this.#lookups[-t - 1] += packets;
        }
    }
    // ---- Groups ----
    groupMod(mod) {
        if (mod.command === 'delete') {
            if (mod.groupId === OFPG_ALL)
                this.#groups.clear();
            else
                this.#groups.delete(mod.groupId);
            for (const r of this.entries())
                if (groupsTo(r.instructions, mod.groupId) || mod.groupId === OFPG_ALL && groupsTo(r.instructions, OFPG_ANY))
                    this.#removeEntry(r, OFPRR_DELETE);
            this.generation++;
            return null;
        }
        if (mod.groupId > OFPG_MAX)
            return ofError(OFPET_GROUP_MOD_FAILED, 1, `group id ${mod.groupId} is reserved`);
        if (mod.type !== OFPGT_ALL && mod.type !== OFPGT_SELECT && mod.type !== OFPGT_INDIRECT)
            return ofError(OFPET_GROUP_MOD_FAILED, OFPGMFC_BAD_TYPE, `group type ${mod.type} not supported`);
        if (mod.type === OFPGT_INDIRECT && mod.buckets.length !== 1)
            return ofError(OFPET_GROUP_MOD_FAILED, 12, 'an indirect group has exactly one bucket');
        for (const b of mod.buckets) {
            if (b.actions.some((a) => a.type === 'group'))
                return ofError(OFPET_GROUP_MOD_FAILED, OFPGMFC_CHAINED_GROUP, 'group chaining is not supported');
            const e = this.validateActions(b.actions);
            if (e !== null)
                return e;
        }
        const exists = this.#groups.has(mod.groupId);
        if (mod.command === 'add' && exists)
            return ofError(OFPET_GROUP_MOD_FAILED, OFPGMFC_GROUP_EXISTS, `group ${mod.groupId} exists`);
        if (mod.command === 'modify' && !exists)
            return ofError(OFPET_GROUP_MOD_FAILED, OFPGMFC_UNKNOWN_GROUP, `group ${mod.groupId} does not exist`);
        if (!exists && this.#groups.size >= this.maxGroups)
            return ofError(OFPET_GROUP_MOD_FAILED, OFPGMFC_OUT_OF_GROUPS, `at most ${this.maxGroups} groups`);
        this.#groups.set(mod.groupId, { id: mod.groupId, type: mod.type, buckets: mod.buckets, packetCount: 0, byteCount: 0, bucketPackets: mod.buckets.map(() => 0) });
        this.generation++;
        return null;
    }
    groupStats(groupId) {
        return [...this.#groups.values()]
            .filter((g) => groupId === OFPG_ALL || g.id === groupId)
            .map((g) => ({ groupId: g.id, packetCount: g.packetCount, byteCount: g.byteCount, bucketPackets: [...g.bucketPackets] }));
    }
    groups() {
        return [...this.#groups.values()].sort((a, b) => a.id - b.id);
    }
    // ---- Translation ----
    /**
     * Translates `key` (of a packet of `len` bytes) into `out`, counting flow hits. With `actions`,
     * translates a packet-out's action list instead of starting at table 0.
     */
    xlate(key, len, out, tracer = null, actions = null, dry = false) {
        out.reset();
        const k = this.#key;
        k.set(key);
        this.#committed.set(key);
        const ctx = { len, out, tracer, dry, actionSet: new Map(), table: 0, depth: 0, resubmits: 0, stopped: false, vlanTpid: 0x8100 };
        if (actions !== null)
            this.#doActions(actions, ctx);
        else {
            this.#runTable(0, ctx, false);
            if (!ctx.stopped)
                this.#runActionSet(ctx);
        }
        out.finalKey.set(k);
    }
    /** Looks up table `t` and runs the entry's instructions; `resubmit` = called by NX resubmit. */
    #runTable(t, ctx, resubmit) {
        const k = this.#key;
        const out = ctx.out;
        const entry = this.#tables[t].lookup(k, out.wc);
        if (!ctx.dry)
            this.#lookups[t]++;
        ctx.tracer?.table(ctx.depth, t, entry, k);
        if (entry === null) {
            out.tables.push(-t - 1);
            if (ctx.tracer !== null)
                ctx.tracer.action(ctx.depth, resubmit ? 'No match.' : 'No match.\n  drop');
            return;
        }
        out.tables.push(t);
        if (!ctx.dry) {
            this.#matched[t]++;
            entry.packetCount++;
            entry.byteCount += ctx.len;
            entry.lastUsed = this.now();
        }
        out.rules.push(entry);
        // ofproto/trace says `drop` under a rule with no actions (ovs-ofctl's actions=drop).
        if (ctx.tracer !== null && entry.instructions.every((i) => i.type === 'apply_actions' && i.actions.length === 0))
            ctx.tracer.action(ctx.depth, 'drop');
        const savedTable = ctx.table;
        ctx.table = t;
        let gotoTable = -1;
        for (const ins of entry.instructions) {
            if (ctx.stopped)
                return;
            switch (ins.type) {
                case 'apply_actions':
                    this.#doActions(ins.actions, ctx, entry);
                    break;
                case 'clear_actions':
                    ctx.actionSet.clear();
                    ctx.tracer?.action(ctx.depth, 'clear_actions');
                    break;
                case 'write_actions':
                    for (const a of ins.actions)
                        ctx.actionSet.set(actionSetKey(a), a);
                    ctx.tracer?.action(ctx.depth, `write_actions(${ins.actions.map((a) => a.type).join(',')})`);
                    break;
                case 'write_metadata': {
                    const hi = Number((ins.value >> 32n) & 0xffffffffn);
                    const lo = Number(ins.value & 0xffffffffn);
                    const mhi = Number((ins.mask >> 32n) & 0xffffffffn);
                    const mlo = Number(ins.mask & 0xffffffffn);
                    k[W.METADATA_HI] = ((k[W.METADATA_HI] & ~mhi) | (hi & mhi)) >>> 0;
                    k[W.METADATA_LO] = ((k[W.METADATA_LO] & ~mlo) | (lo & mlo)) >>> 0;
                    ctx.tracer?.action(ctx.depth, `write_metadata:0x${ins.value.toString(16)}/0x${ins.mask.toString(16)}`);
                    break;
                }
                case 'goto_table':
                    gotoTable = ins.table;
                    break;
            }
        }
        if (gotoTable >= 0 && !ctx.stopped) {
            if (ctx.depth >= RESUBMIT_DEPTH) {
                this.resubmitLimitHits++;
                ctx.stopped = true;
                return;
            }
            ctx.tracer?.action(ctx.depth, `goto_table:${gotoTable}`);
            ctx.depth++;
            this.#runTable(gotoTable, ctx, resubmit);
            ctx.depth--;
        }
        ctx.table = savedTable;
    }
    #runActionSet(ctx) {
        if (ctx.actionSet.size === 0)
            return;
        const list = [...ctx.actionSet.entries()].sort((a, b) => setRank(a[0]) - setRank(b[0])).map((e) => e[1]);
        const hasGroup = list.some((a) => a.type === 'group');
        ctx.tracer?.action(0, 'action set:');
        this.#doActions(hasGroup ? list.filter((a) => a.type !== 'output') : list, ctx);
    }
    #doActions(actions, ctx, entry = null) {
        for (const a of actions) {
            if (ctx.stopped)
                return;
            this.#doAction(a, ctx, entry);
        }
    }
    #doAction(a, ctx, entry) {
        const k = this.#key;
        const wc = ctx.out.wc;
        const tr = ctx.tracer;
        const d = ctx.depth;
        if (tr !== null && a.type !== 'group')
            tr.action(d, formatAction(a));
        switch (a.type) {
            case 'output':
                this.#output(a.port, a.maxLen, ctx, entry);
                return;
            case 'output_reg': {
                unwildcardBits(wc, a.src);
                const port = Number(readBits(k, a.src));
                this.#output(port, a.maxLen, ctx, entry);
                return;
            }
            case 'set_field': {
                unwildcardBits(wc, wholeField(a.field));
                writeBits(k, wholeField(a.field), a.value);
                return;
            }
            case 'load':
                unwildcardBits(wc, a.dst);
                writeBits(k, a.dst, a.value);
                return;
            case 'move': {
                unwildcardBits(wc, a.src);
                unwildcardBits(wc, a.dst);
                writeBits(k, a.dst, readBits(k, a.src));
                return;
            }
            case 'push_vlan':
                wc[W.VLAN_TCI] = 0xffff;
                ctx.vlanTpid = a.ethertype;
                if ((k[W.VLAN_TCI] & OFPVID_PRESENT) === 0)
                    k[W.VLAN_TCI] = OFPVID_PRESENT;
                return;
            case 'pop_vlan':
                wc[W.VLAN_TCI] = 0xffff;
                k[W.VLAN_TCI] = 0;
                return;
            case 'mod_vlan_vid':
                wc[W.VLAN_TCI] = 0xffff;
                k[W.VLAN_TCI] = ((k[W.VLAN_TCI] & 0xe000) | OFPVID_PRESENT | (a.vid & 0xfff)) >>> 0;
                return;
            case 'mod_vlan_pcp':
                wc[W.VLAN_TCI] = 0xffff;
                k[W.VLAN_TCI] = ((k[W.VLAN_TCI] & 0x0fff) | OFPVID_PRESENT | ((a.pcp & 7) << 13)) >>> 0;
                return;
            case 'dec_ttl': {
                wc[W.ETH_TYPE] = 0xffff;
                if (k[W.ETH_TYPE] !== 0x0800) {
                    tr?.action(d, '>> not IPv4: dec_ttl ignored');
                    return;
                }
                wc[W.NW_TTL] = 0xffffffff;
                const ttl = k[W.NW_TTL];
                if (ttl <= 1) {
                    tr?.action(d, '>> TTL exceeded: to the controller, stop');
                    this.#commit(ctx);
                    this.#emitController(OFPCML_DEFAULT_LEN, OFPR_INVALID_TTL, ctx, entry);
                    ctx.stopped = true;
                    return;
                }
                k[W.NW_TTL] = ttl - 1;
                return;
            }
            case 'group':
                this.#group(a.groupId, ctx);
                return;
            case 'resubmit': {
                const table = a.table === OFPTT_ALL ? ctx.table : a.table;
                if (ctx.depth >= RESUBMIT_DEPTH || ctx.resubmits >= RESUBMIT_TOTAL) {
                    this.resubmitLimitHits++;
                    tr?.action(d, '>> resubmit limit reached: drop');
                    ctx.stopped = true;
                    return;
                }
                ctx.resubmits++;
                const savedPort = k[W.IN_PORT];
                if (a.port !== OFPP_IN_PORT)
                    k[W.IN_PORT] = a.port;
                ctx.depth++;
                this.#runTable(table, ctx, true);
                ctx.depth--;
                if (a.port !== OFPP_IN_PORT)
                    k[W.IN_PORT] = savedPort;
                return;
            }
            case 'learn':
                this.#learn(a.spec, ctx);
                return;
        }
    }
    #learn(spec, ctx) {
        const k = this.#key;
        const wc = ctx.out.wc;
        const match = emptyMatch();
        const actions = [];
        for (const item of spec.items) {
            switch (item.kind) {
                case 'match_field':
                    unwildcardBits(wc, item.src);
                    setMatchBits(match, item.dst, readBits(k, item.src));
                    break;
                case 'match_value':
                    setMatchBits(match, item.dst, item.value);
                    break;
                case 'load_field':
                    unwildcardBits(wc, item.src);
                    actions.push({ type: 'load', dst: item.dst, value: readBits(k, item.src) });
                    break;
                case 'load_value':
                    actions.push({ type: 'load', dst: item.dst, value: item.value });
                    break;
                case 'output':
                    unwildcardBits(wc, item.src);
                    actions.push({ type: 'output', port: Number(readBits(k, item.src)), maxLen: 0 });
                    break;
            }
        }
        addLearnPrereqs(match);
        const mod = {
            table: spec.table, priority: spec.priority, match, instructions: actions.length > 0 ? [{ type: 'apply_actions', actions }] : [],
            cookie: spec.cookie, idleTimeout: spec.idleTimeout, hardTimeout: spec.hardTimeout, flags: spec.flags,
        };
        const ref = new LearnRef(mod);
        if (!ctx.dry)
            this.learn(ref);
        ctx.out.ops.push(OP_LEARN, ctx.out.refs.length);
        ctx.out.refs.push(ref);
    }
    #output(port, maxLen, ctx, entry) {
        const k = this.#key;
        const wc = ctx.out.wc;
        const tr = ctx.tracer;
        const d = ctx.depth;
        const ops = ctx.out.ops;
        wc[W.IN_PORT] = 0xffffffff;
        const inPort = k[W.IN_PORT];
        switch (port) {
            case OFPP_IN_PORT:
                this.#commit(ctx);
                ops.push(OP_OUTPUT, inPort);
                return;
            case OFPP_FLOOD:
            case OFPP_ALL: {
                this.#commit(ctx);
                for (const p of this.#opts.ports())
                    if (p !== inPort)
                        ops.push(OP_OUTPUT, p);
                return;
            }
            case OFPP_NORMAL:
                wc[W.ETH_SRC_HI] = 0xffffffff;
                wc[W.ETH_SRC_LO] = 0xffffffff;
                wc[W.ETH_DST_HI] = 0xffffffff;
                wc[W.ETH_DST_LO] = 0xffffffff;
                wc[W.VLAN_TCI] = 0xffff;
                this.#commit(ctx);
                ops.push(OP_NORMAL);
                return;
            case OFPP_CONTROLLER:
                this.#commit(ctx);
                this.#emitController(maxLen, entry !== null && isTableMiss(entry) ? OFPR_NO_MATCH : OFPR_ACTION, ctx, entry);
                return;
            case OFPP_LOCAL:
                tr?.action(d, '>> no local port: dropped');
                return;
            case OFPP_TABLE:
                if (ctx.depth < RESUBMIT_DEPTH) {
                    ctx.depth++;
                    this.#runTable(0, ctx, true);
                    ctx.depth--;
                }
                return;
            default:
                if (port === inPort) {
                    tr?.action(d, '>> skipping output to input port');
                    return;
                }
                this.#commit(ctx);
                ops.push(OP_OUTPUT, port);
        }
    }
    #emitController(maxLen, reason, ctx, entry) {
        ctx.out.ops.push(OP_CONTROLLER, maxLen, reason, entry?.table ?? ctx.table, ctx.out.refs.length);
        ctx.out.refs.push(entry?.cookie ?? 0n);
    }
    #group(groupId, ctx) {
        const g = this.#groups.get(groupId);
        const tr = ctx.tracer;
        if (g === undefined) {
            tr?.action(ctx.depth, `group:${groupId} (no such group: dropped)`);
            return;
        }
        tr?.action(ctx.depth, `group:${groupId}`);
        if (!ctx.dry) {
            g.packetCount++;
            g.byteCount += ctx.len;
        }
        const k = this.#key;
        let chosen = -1;
        if (g.type === OFPGT_SELECT)
            chosen = this.#selectBucket(g, ctx.out.wc);
        for (let b = 0; b < g.buckets.length; b++) {
            if (chosen >= 0 && b !== chosen)
                continue;
            if (!ctx.dry)
                g.bucketPackets[b]++;
            // Each bucket works on a copy of the packet: run it inside a CLONE and restore the key.
            const savedKey = Uint32Array.from(k);
            const savedCommitted = Uint32Array.from(this.#committed);
            const ops = ctx.out.ops;
            ops.push(OP_CLONE, 0);
            const lenAt = ops.length - 1;
            ctx.depth++;
            tr?.action(ctx.depth - 1, `bucket ${b}`);
            this.#doActions(g.buckets[b].actions, ctx);
            ctx.depth--;
            ops[lenAt] = ops.length - lenAt - 1;
            k.set(savedKey);
            this.#committed.set(savedCommitted);
            ctx.stopped = false;
        }
    }
    #selectBucket(g, wc) {
        const k = this.#key;
        let h = 0;
        for (const w of SELECT_HASH_WORDS) {
            wc[w] = 0xffffffff;
            h = (Math.imul(h ^ k[w], 0x9e3779b1) + 0x7f4a7c15) | 0;
        }
        h ^= h >>> 15;
        let total = 0;
        for (const b of g.buckets)
            total += Math.max(b.weight, 0);
        if (total === 0)
            return 0;
        let pick = (h >>> 0) % total;
        for (let b = 0; b < g.buckets.length; b++) {
            pick -= Math.max(g.buckets[b].weight, 0);
            if (pick < 0)
                return b;
        }
        return 0;
    }
    /** Emits datapath actions that make the packet bytes agree with the (modified) key. */
    #commit(ctx) {
        const k = this.#key;
        const c = this.#committed;
        const ops = ctx.out.ops;
        const wc = ctx.out.wc;
        if (k[W.VLAN_TCI] !== c[W.VLAN_TCI]) {
            const now = k[W.VLAN_TCI];
            const was = c[W.VLAN_TCI];
            const tci = now & ~OFPVID_PRESENT & 0xffff;
            if ((now & OFPVID_PRESENT) === 0)
                ops.push(OP_POP_VLAN);
            else if ((was & OFPVID_PRESENT) === 0)
                ops.push(OP_PUSH_VLAN, ctx.vlanTpid, tci);
            else
                ops.push(OP_SET_VLAN_TCI, tci);
        }
        if (k[W.ETH_DST_HI] !== c[W.ETH_DST_HI] || k[W.ETH_DST_LO] !== c[W.ETH_DST_LO])
            ops.push(OP_SET_ETH_DST, k[W.ETH_DST_HI], k[W.ETH_DST_LO]);
        if (k[W.ETH_SRC_HI] !== c[W.ETH_SRC_HI] || k[W.ETH_SRC_LO] !== c[W.ETH_SRC_LO])
            ops.push(OP_SET_ETH_SRC, k[W.ETH_SRC_HI], k[W.ETH_SRC_LO]);
        if (k[W.TUN_ID_LO] !== c[W.TUN_ID_LO])
            ops.push(OP_SET_TUNNEL, k[W.TUN_ID_LO]);
        let l3Changed = false;
        for (let w = W.NW_PROTO; w <= W.TP_DST; w++)
            if (k[w] !== c[w])
                l3Changed = true;
        if (l3Changed) {
            wc[W.ETH_TYPE] = 0xffff;
            wc[W.NW_PROTO] = 0xffffffff;
            wc[W.NW_FRAG] = 0xffffffff;
            const type = c[W.ETH_TYPE];
            if (type === 0x0800) {
                if (k[W.NW_SRC] !== c[W.NW_SRC])
                    ops.push(OP_SET_IPV4_SRC, k[W.NW_SRC]);
                if (k[W.NW_DST] !== c[W.NW_DST])
                    ops.push(OP_SET_IPV4_DST, k[W.NW_DST]);
                if (k[W.NW_TOS] !== c[W.NW_TOS])
                    ops.push(OP_SET_TOS, k[W.NW_TOS] & 0xff);
                if (k[W.NW_TTL] !== c[W.NW_TTL])
                    ops.push(OP_SET_TTL, k[W.NW_TTL] & 0xff);
                const proto = c[W.NW_PROTO];
                const l4 = (proto === 6 || proto === 17 || proto === 1) && (c[W.NW_FRAG] & 2) === 0;
                if (l4 && k[W.TP_SRC] !== c[W.TP_SRC])
                    ops.push(OP_SET_TP_SRC, k[W.TP_SRC] & 0xffff);
                if (l4 && k[W.TP_DST] !== c[W.TP_DST])
                    ops.push(OP_SET_TP_DST, k[W.TP_DST] & 0xffff);
            }
            else if (type === 0x0806) {
                for (const w of ARP_WORDS)
                    if (k[w] !== c[w])
                        ops.push(OP_SET_ARP, w, k[w]);
            }
        }
        c.set(k);
    }
}
/** Default max_len for packet-ins the switch itself raises (invalid TTL). */
const OFPCML_DEFAULT_LEN = 128;
const ARP_WORDS = [W.NW_PROTO, W.ARP_SHA_HI, W.ARP_SHA_LO, W.NW_SRC, W.ARP_THA_HI, W.ARP_THA_LO, W.NW_DST];
const SELECT_HASH_WORDS = [W.ETH_SRC_HI, W.ETH_SRC_LO, W.ETH_DST_HI, W.ETH_DST_LO, W.ETH_TYPE, W.NW_PROTO, W.NW_SRC, W.NW_DST, W.TP_SRC, W.TP_DST];
function isTableMiss(e) {
    if (e.priority !== 0)
        return false;
    for (let i = 0; i < FLOW_WORDS; i++)
        if (e.match.mask[i] !== 0)
            return false;
    return true;
}
function actionSetKey(a) {
    switch (a.type) {
        case 'set_field': return `set:${a.field}`;
        case 'load': return `set:load:${a.dst.field}:${a.dst.ofs}`;
        case 'move': return `set:move:${a.dst.field}:${a.dst.ofs}`;
        case 'mod_vlan_vid': return 'set:vid';
        case 'mod_vlan_pcp': return 'set:pcp';
        case 'output_reg': return 'output';
        default: return a.type;
    }
}
function setRank(key) {
    const kind = key.startsWith('set:') ? 'set' : key;
    const i = ACTION_SET_ORDER.indexOf(kind);
    return i < 0 ? 3 : i;
}
/** Adds the prerequisites a learned match needs (as learn does in Open vSwitch). */
function addLearnPrereqs(m) {
    const needs = (w) => m.mask[w] !== 0;
    if (needs(W.TP_SRC) || needs(W.TP_DST)) {
        if (m.mask[W.NW_PROTO] === 0)
            m.mask[W.NW_PROTO] = 0xff;
    }
    if ([W.NW_PROTO, W.NW_SRC, W.NW_DST, W.NW_TOS, W.NW_TTL, W.NW_FRAG, W.TP_SRC, W.TP_DST].some(needs) && m.mask[W.ETH_TYPE] === 0) {
        m.mask[W.ETH_TYPE] = 0xffff;
    }
}
function outputsTo(instructions, port) {
    for (const ins of instructions) {
        if (ins.type !== 'apply_actions' && ins.type !== 'write_actions')
            continue;
        for (const a of ins.actions)
            if (a.type === 'output' && a.port === port)
                return true;
    }
    return false;
}
function groupsTo(instructions, group) {
    for (const ins of instructions) {
        if (ins.type !== 'apply_actions' && ins.type !== 'write_actions')
            continue;
        for (const a of ins.actions)
            if (a.type === 'group' && (group === OFPG_ANY || a.groupId === group))
                return true;
    }
    return false;
}
/**
 * Whether two refs of translations (learn specs, controller cookies) act the same, so a cached
 * entry holding `a` may stand for a new translation that produced `b` (revalidation).
 */
export function sameXlateRef(a, b) {
    if (a === b)
        return true;
    if (!(a instanceof LearnRef) || !(b instanceof LearnRef))
        return false;
    const x = a.mod;
    const y = b.mod;
    if (x.table !== y.table || x.priority !== y.priority || x.cookie !== y.cookie || x.idleTimeout !== y.idleTimeout ||
        x.hardTimeout !== y.hardTimeout || x.flags !== y.flags)
        return false;
    for (let i = 0; i < FLOW_WORDS; i++)
        if (x.match.mask[i] !== y.match.mask[i] || x.match.value[i] !== y.match.value[i])
            return false;
    return sameInstructions(x.instructions, y.instructions);
}
function sameInstructions(a, b) {
    return JSON.stringify(a, bigintJson) === JSON.stringify(b, bigintJson);
}
function bigintJson(_k, v) {
    return typeof v === 'bigint' ? `${v}n` : v;
}
//# sourceMappingURL=pipeline.js.map