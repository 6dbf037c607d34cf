/**
 * ovs-ofctl's commands on one switch: add-flow(s), del-flows, replace-flows, dump-flows,
 * dump-ports, with ovs-ofctl's output layout. Works on any `OpenFlowSwitch`.
 *
 * replace-flows is atomic: every flow is parsed and checked before anything changes; then flows
 * that are identical (table, priority, match, cookie, timeouts, actions) are kept with their
 * counters, the others deleted or added; if the switch refuses an add, the previous table is
 * restored.
 */
import { matchEquals } from '../match.js';
import { OFPP_ANY } from '../types.js';
import { formatFlow, formatFlowStats, formatInstructions } from './format.js';
import { OfctlError, parseFlow } from './parse.js';
export class OfctlSession {
    #sw;
    constructor(sw) {
        this.#sw = sw;
    }
    #opts(actions) {
        return { actions, portByName: (n) => this.#sw.portNumber(n) };
    }
    #names = (port) => this.#sw.portName(port);
    /** Parses flows (one per element); errors name the line (1-based) like ovs-ofctl. */
    parseFlows(lines, file = '') {
        const out = [];
        lines.forEach((raw, i) => {
            const line = raw.replace(/#.*$/, '').trim();
            if (line === '')
                return;
            try {
                out.push(parseFlow(line, this.#opts('required')));
            }
            catch (e) {
                throw new OfctlError(file === '' ? e.message : `${file}:${i + 1}: ${e.message}`);
            }
        });
        return out;
    }
    addFlows(flows) {
        for (const f of flows) {
            const err = this.#sw.addFlow(f);
            if (err !== null)
                throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
        }
    }
    #selector(text, strict = false) {
        const s = parseFlow(text, this.#opts('forbidden'));
        return { table: s.tableGiven ? s.table : 0xff, match: s.match, outPort: s.outPort, outGroup: s.outGroup, cookie: s.cookie, cookieMask: s.cookieMask, strict, priority: s.priority };
    }
    delFlows(selector = '', strict = false) {
        const err = this.#sw.deleteFlows(this.#selector(selector, strict));
        if (err !== null)
            throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}`);
    }
    replaceFlows(flows) {
        const before = this.#sw.entries();
        const key = (f) => `${f.table}|${f.priority}|${f.cookie}|${f.idleTimeout}|${f.hardTimeout}|${formatInstructions(f.instructions)}`;
        const same = (a, b) => key(a) === key(b) && matchEquals(a.match, b.match);
        const keep = new Set();
        const toAdd = [];
        for (const f of flows) {
            const hit = before.find((e) => !keep.has(e) && same(e, f));
            if (hit !== undefined)
                keep.add(hit);
            else
                toAdd.push(f);
        }
        for (const f of toAdd) {
            const bad = this.#sw.pipeline.validateFlowMod(f);
            if (bad !== null)
                throw new OfctlError(`OFPT_ERROR (type ${bad.type}, code ${bad.code}): ${bad.message}; no flow was changed`);
        }
        const removed = before.filter((e) => !keep.has(e));
        const restore = removed.map((e) => ({ table: e.table, priority: e.priority, match: e.match, instructions: e.instructions, cookie: e.cookie, idleTimeout: e.idleTimeout, hardTimeout: e.hardTimeout, flags: e.flags }));
        for (const e of removed)
            this.#sw.deleteFlows({ table: e.table, match: e.match, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: true, priority: e.priority });
        for (const f of toAdd) {
            const err = this.#sw.addFlow(f);
            if (err !== null) {
                for (const g of toAdd)
                    this.#sw.deleteFlows({ table: g.table, match: g.match, outPort: OFPP_ANY, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, strict: true, priority: g.priority });
                for (const r of restore)
                    this.#sw.addFlow(r);
                throw new OfctlError(`OFPT_ERROR (type ${err.type}, code ${err.code}): ${err.message}; the previous flows were restored`);
            }
        }
        return { added: toAdd.length, deleted: removed.length, kept: keep.size };
    }
    /** `ovs-ofctl dump-flows` lines. */
    dumpFlows(selector = '') {
        return this.#sw.flowStats(this.#selector(selector)).map((s) => formatFlowStats(s, this.#names));
    }
    /** The flows as add-flow text (for saving and replace-flows). */
    flowTexts() {
        return this.#sw.entries().map((e) => formatFlow(e, this.#names));
    }
    /** `ovs-ofctl dump-ports` lines. */
    dumpPorts() {
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
//# sourceMappingURL=session.js.map