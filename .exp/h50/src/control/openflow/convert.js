/**
 * From wire messages to the switch API's requests: FLOW_MOD and flow stats selections become
 * `FlowMod` and `FlowFilter`, and the table features we report are derived from the field and
 * action lists the codec supports.
 */
import { FIELDS } from '../../netfns/openflow/types.js';
import { OFPAT, OFPIT } from '../../netfns/openflow/wire/consts.js';
import { fieldHeader } from '../../netfns/openflow/wire/oxm.js';
export function flowModOf(m) {
    return { table: m.table, priority: m.priority, match: m.match, instructions: m.instructions, cookie: m.cookie, idleTimeout: m.idleTimeout, hardTimeout: m.hardTimeout, flags: m.flags };
}
export function flowFilterOf(m, strict, outPort, outGroup) {
    return { table: m.table, match: m.match, outPort, outGroup, cookie: m.cookie, cookieMask: m.cookieMask, strict, priority: m.priority ?? 0 };
}
const INSTRUCTIONS = [OFPIT.GOTO_TABLE, OFPIT.WRITE_METADATA, OFPIT.WRITE_ACTIONS, OFPIT.APPLY_ACTIONS, OFPIT.CLEAR_ACTIONS];
const ACTIONS = [OFPAT.OUTPUT, OFPAT.PUSH_VLAN, OFPAT.POP_VLAN, OFPAT.GROUP, OFPAT.DEC_NW_TTL, OFPAT.SET_FIELD, OFPAT.EXPERIMENTER];
/** What every table supports: the same instructions, actions and fields; goto only forward. */
export function tableFeatures(nTables) {
    const match = FIELDS.filter((f) => f.oxmClass !== 0).map((f) => fieldHeader(f.id));
    const maskable = FIELDS.filter((f) => f.oxmClass !== 0 && f.maskable).map((f) => fieldHeader(f.id));
    const settable = FIELDS.filter((f) => f.oxmClass !== 0 && f.writable).map((f) => fieldHeader(f.id));
    const out = [];
    for (let t = 0; t < nTables; t++) {
        const next = [];
        for (let n = t + 1; n < nTables; n++)
            next.push(n);
        out.push({ table: t, name: '', maxEntries: 1_000_000, instructions: INSTRUCTIONS, nextTables: next, actions: ACTIONS, matchFields: match, maskableFields: maskable, settableFields: settable });
    }
    return out;
}
//# sourceMappingURL=convert.js.map