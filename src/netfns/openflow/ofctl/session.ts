/**
 * ovs-ofctl's commands on one switch: add-flow(s), mod-flows, del-flows, replace-flows, dump-flows,
 * dump-ports, add-group, del-groups, dump-groups, with ovs-ofctl's output layout; and ovs-appctl's views of the datapath below the
 * tables: dpctl/dump-flows (the cached megaflows), dpctl/del-flows, dpif-netdev/pmd-stats-show
 * (how packets were answered: exact-match cache, megaflow cache, upcall) and fdb/show (what the
 * NORMAL action learned). Works on any `OpenFlowSwitch`.
 *
 * replace-flows is atomic: every flow is parsed and checked before anything changes; then flows
 * that are identical (table, priority, match, cookie, timeouts, actions) are kept with their
 * counters, the others deleted or added; if the switch refuses an add, the previous table is
 * restored.
 */
import { matchEquals } from '../match.js';
import type { FlowEntry } from '../pipeline.js';
import type { FastPathStats, OpenFlowSwitch } from '../switch.js';
import { OFPG_ALL, OFPG_ANY, OFPGT_ALL, OFPP_ANY, OFPTT_ALL, type FlowFilter, type FlowMod } from '../types.js';
import { formatFlow, formatFlowStats, formatGroup, formatInstructions, formatMatch } from './format.js';
import { DEFAULT_PRIORITY, OfctlError, parseFlow, parseGroup, type ParsedFlow } from './parse.js';
import { formatMac } from '../../../wire/mac.js';

export class OfctlSession {
  readonly #sw: OpenFlowSwitch;

  constructor(sw: OpenFlowSwitch) {
    this.#sw = sw;
  }

  #opts(actions: 'required' | 'forbidden') {
    return { actions, portByName: (n: string) => this.#sw.portNumber(n) } as const;
  }

  #names = (port: number): string | undefined => this.#sw.portName(port);

  /** Parses flows (one per element); errors name the line (1-based) like ovs-ofctl. */
  parseFlows(lines: readonly string[], file = ''): ParsedFlow[] {
    const out: ParsedFlow[] = [];
    lines.forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') return;
      try {
        out.push(parseFlow(line, this.#opts('required')));
      } catch (e) {
        throw new OfctlError(file === '' ? (e as Error).message : `${file}:${i + 1}: ${(e as Error).message}`);
      }
    });
    return out;
  }

  addFlows(flows: readonly ParsedFlow[]): void {
    for (const f of flows) {
      const err = this.#sw.addFlow(f);
      if (err !== null) throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
    }
  }

  #selector(text: string, strict = false): FlowFilter {
    const s = parseFlow(text, this.#opts('forbidden'));
    return { table: s.tableGiven ? s.table : 0xff, match: s.match, outPort: s.outPort, outGroup: s.outGroup, cookie: s.cookie, cookieMask: s.cookieMask, strict, priority: s.priority };
  }

  /**
   * ovs-ofctl mod-flows: the flows FLOW's match selects (in every table unless `table=` is given;
   * with `strict`, only the one with exactly that match and priority) get FLOW's actions and keep
   * their counters and timeouts. Selecting nothing changes nothing.
   */
  modFlows(text: string, strict = false): void {
    const f = parseFlow(text, this.#opts('required'));
    const filter: FlowFilter = { table: f.tableGiven ? f.table : OFPTT_ALL, match: f.match, outPort: OFPP_ANY, outGroup: OFPG_ANY, cookie: f.cookie, cookieMask: f.cookieMask, strict, priority: f.priority };
    const err = this.#sw.modifyFlows(filter, f.instructions, f.flags);
    if (err !== null) throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
  }

  delFlows(selector = '', strict = false): void {
    const err = this.#sw.deleteFlows(this.#selector(selector, strict));
    if (err !== null) throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
  }

  replaceFlows(flows: readonly ParsedFlow[]): { added: number; deleted: number; kept: number } {
    const before = this.#sw.entries();
    const key = (f: { table: number; priority: number; match: FlowMod['match']; cookie: bigint; idleTimeout: number; hardTimeout: number; instructions: FlowMod['instructions'] }) =>
      `${f.table}|${f.priority}|${f.cookie}|${f.idleTimeout}|${f.hardTimeout}|${formatInstructions(f.instructions)}`;
    const same = (a: FlowEntry, b: ParsedFlow) => key(a) === key(b) && matchEquals(a.match, b.match);
    const keep = new Set<FlowEntry>();
    const toAdd: ParsedFlow[] = [];
    for (const f of flows) {
      const hit = before.find((e) => !keep.has(e) && same(e, f));
      if (hit !== undefined) keep.add(hit);
      else toAdd.push(f);
    }
    for (const f of toAdd) {
      const bad = this.#sw.pipeline.validateFlowMod(f);
      if (bad !== null) throw new OfctlError(`OFPT_ERROR (type ${bad.type}, code ${bad.code}): ${bad.message}; no flow was changed`);
    }
    const removed = before.filter((e) => !keep.has(e));
    const restore = removed.map((e) => ({ table: e.table, priority: e.priority, match: e.match, instructions: e.instructions, cookie: e.cookie, idleTimeout: e.idleTimeout, hardTimeout: e.hardTimeout, flags: e.flags }));
    for (const e of removed) this.#sw.deleteFlows({ table: e.table, match: e.match, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: true, priority: e.priority });
    for (const f of toAdd) {
      const err = this.#sw.addFlow(f);
      if (err !== null) {
        for (const g of toAdd) this.#sw.deleteFlows({ table: g.table, match: g.match, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: true, priority: g.priority });
        for (const r of restore) this.#sw.addFlow(r);
        throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}; the previous flows were restored`);
      }
    }
    return { added: toAdd.length, deleted: removed.length, kept: keep.size };
  }

  /** `ovs-ofctl dump-flows` lines. */
  dumpFlows(selector = ''): string[] {
    return this.#sw.flowStats(this.#selector(selector)).map((s) => formatFlowStats(s, this.#names));
  }

  /** The flows as add-flow text (for saving and replace-flows). */
  flowTexts(): string[] {
    return this.#sw.entries().map((e) => formatFlow(e, this.#names));
  }

  /** ovs-ofctl add-group (syntax in `parseGroup`); a group that exists already is an error, as OFPGMFC_GROUP_EXISTS. */
  addGroup(text: string): void {
    const err = this.#sw.groupMod(parseGroup(text, this.#opts('required')));
    if (err !== null) throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
  }

  /** ovs-ofctl del-groups [group_id=N]: one group, or every group; flows that use a deleted group go too. */
  delGroups(text = ''): void {
    const m = /^\s*group_id\s*=\s*(\w+)\s*$/i.exec(text);
    if (text.trim() !== '' && m === null) throw new OfctlError(`del-groups: expected group_id=N, got ${text}`);
    const groupId = m === null ? OFPG_ALL : m[1]!.toLowerCase() === 'all' ? OFPG_ALL : Number(m[1]);
    if (!Number.isInteger(groupId)) throw new OfctlError(`del-groups: ${m![1]} is not a group id`);
    const err = this.#sw.groupMod({ command: 'delete', groupId, type: OFPGT_ALL, buckets: [] });
    if (err !== null) throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
  }

  /** ovs-ofctl dump-groups lines, by group id. */
  dumpGroups(): string[] {
    return this.#sw.groupDescs().map((g) => ` ${formatGroup(g, this.#names)}`);
  }

  /**
   * The cached megaflows, one per line as `ovs-appctl dpctl/dump-flows` prints them, with the
   * match in ovs-ofctl syntax: `ip,in_port="p1",nw_dst=10.0.0.2, packets:3, bytes:294,
   * used:0.250s, actions:2` (`used` is the time since the last hit, or never).
   */
  dumpDatapathFlows(): string[] {
    return this.datapathFlowsJson().map((f) => `${f.match || '(everything)'}, packets:${f.packets}, bytes:${f.bytes}, used:${f.used === null ? 'never' : `${f.used.toFixed(3)}s`}, actions:${f.actions}`);
  }

  /** `dumpDatapathFlows` as data: the match in ovs-ofctl syntax, `used` in seconds ago (null: never). */
  datapathFlowsJson(): { match: string; packets: number; bytes: number; used: number | null; actions: string }[] {
    const now = this.#sw.engine.now();
    return this.#sw.datapathFlows().map((f) => ({
      match: formatMatch(f.match, DEFAULT_PRIORITY, this.#names),
      packets: f.packets,
      bytes: f.bytes,
      used: f.usedNs === null ? null : Math.max(0, now - f.usedNs) / 1e9,
      actions: f.actions,
    }));
  }

  /** The fast path's counters and gauges (`OpenFlowSwitch.fastPathStats`). */
  fastPathStats(): FastPathStats {
    return this.#sw.fastPathStats();
  }

  /** How the fast path answered packets, in the spirit of `ovs-appctl dpif-netdev/pmd-stats-show`. */
  pmdStats(): string[] {
    const s = this.#sw.fastPathStats();
    const share = (n: number): string => (s.emcLookups === 0 ? '' : ` (${((100 * n) / s.emcLookups).toFixed(1)}%)`);
    const perLookup = s.megaflowLookups === 0 ? 0 : s.masksProbed / s.megaflowLookups;
    return [
      `  packets received: ${s.emcLookups}`,
      `  emc hits: ${s.emcHits}${share(s.emcHits)}`,
      `  megaflow hits: ${s.megaflowHits}${share(s.megaflowHits)}`,
      `  avg. masks probed per megaflow lookup: ${perLookup.toFixed(2)}`,
      `  miss with success upcall: ${s.upcalls}${share(s.upcalls)}`,
      `  emc entries: ${s.emcEntries} of ${this.#sw.emc.slots} slots, ${s.emcReplacements} replaced, ${s.emcReplacementsSkipped} inserts skipped`,
      `  megaflows: ${s.megaflowEntries} of ${s.megaflowCapacity} in ${s.masks} masks, ${s.evictions} evicted, ${s.flushes} flushes`,
      `  revalidations: ${s.revalidations} (${s.revalidationRemovals} removed), installs skipped: ${s.installsSkipped}`,
    ];
  }

  /** The NORMAL action's learned addresses, as `ovs-appctl fdb/show` prints them (age in whole seconds). */
  fdbShow(): string[] {
    const now = this.#sw.engine.now();
    const rows = this.#sw.pipeline.fdb.entries().sort((a, b) => a.port - b.port || a.vlan - b.vlan || a.mac - b.mac);
    return [' port  VLAN  MAC                Age', ...rows.map((e) => `${String(e.port).padStart(5)}  ${String(e.vlan).padStart(4)}  ${formatMac(e.mac)}  ${e.isStatic ? 'static' : String(Math.floor(Math.max(0, now - e.lastSeen) / 1e9)).padStart(4)}`)];
  }

  /** Empties the exact-match and megaflow caches (their hits credited first), as `ovs-appctl dpctl/del-flows`. */
  delDatapathFlows(): void {
    this.#sw.flushCaches();
  }

  /** `ovs-ofctl dump-aggregate [FLOW]`: packets, bytes and flows of what the selector selects. */
  dumpAggregate(selector = ''): string[] {
    const a = this.#sw.aggregateStats(this.#selector(selector));
    return [`OFPST_AGGREGATE reply (OF1.3): packet_count=${a.packetCount} byte_count=${a.byteCount} flow_count=${a.flowCount}`];
  }

  /** `ovs-ofctl dump-tables`: each table that holds flows or has been looked up (the others are empty). */
  dumpTables(): string[] {
    const used = this.#sw.tableStats().filter((t) => t.activeCount > 0 || t.lookupCount > 0);
    return ['OFPST_TABLE reply (OF1.3):', ...used.flatMap((t) => [`  table ${t.table}:`, `    active=${t.activeCount}, lookup=${t.lookupCount}, matched=${t.matchedCount}`])];
  }

  /** `ovs-ofctl dump-ports` lines. */
  dumpPorts(): string[] {
    const stats = this.#sw.portStats(0xffffffff);
    const out = [`OFPST_PORT reply (OF1.3): ${stats.length} ports`];
    for (const p of stats) {
      out.push(`  port ${String(p.port).padStart(2)}: rx pkts=${p.rxPackets}, bytes=${p.rxBytes}, drop=${p.rxDropped}, errs=0, frame=0, over=0, crc=0`);
      out.push(`           tx pkts=${p.txPackets}, bytes=${p.txBytes}, drop=${p.txDropped}, errs=0, coll=0`);
      out.push(`           duration=${(p.durationNs / 1e9).toFixed(3)}s`);
    }
    return out;
  }
}
