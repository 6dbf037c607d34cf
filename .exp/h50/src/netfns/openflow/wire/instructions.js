/**
 * Instructions (ofp_instruction): goto_table, write_metadata, write/apply/clear actions. A meter
 * or experimenter instruction is refused with OFPBIC_UNSUP_INST: the pipeline has no meters.
 */
import { OFPTT_MAX, ofError } from '../types.js';
import { OFPBIC, OFPET, OFPIT } from './consts.js';
import { decodeActions, encodeActions } from './actions.js';
const bad = (code, message) => ofError(OFPET.BAD_INSTRUCTION, code, message);
/** Decodes the instruction list in [at, end); errors inside an action list are OFPET_BAD_ACTION. */
export function decodeInstructions(r, at, end) {
    const out = [];
    let off = at;
    while (off < end) {
        if (off + 4 > end)
            return bad(OFPBIC.BAD_LEN, 'instruction header truncated');
        const type = r.u16(off);
        const len = r.u16(off + 2);
        if (len < 8 || len % 8 !== 0 || off + len > end)
            return bad(OFPBIC.BAD_LEN, `instruction type ${type} has length ${len}`);
        switch (type) {
            case OFPIT.GOTO_TABLE: {
                const table = r.u8(off + 4);
                if (table > OFPTT_MAX)
                    return bad(OFPBIC.BAD_TABLE_ID, `goto_table ${table}`);
                out.push({ type: 'goto_table', table });
                break;
            }
            case OFPIT.WRITE_METADATA:
                if (len !== 24)
                    return bad(OFPBIC.BAD_LEN, `write_metadata length ${len}`);
                out.push({ type: 'write_metadata', value: r.u64(off + 8), mask: r.u64(off + 16) });
                break;
            case OFPIT.WRITE_ACTIONS:
            case OFPIT.APPLY_ACTIONS: {
                const actions = decodeActions(r, off + 8, off + len);
                if ('code' in actions)
                    return actions;
                out.push({ type: type === OFPIT.APPLY_ACTIONS ? 'apply_actions' : 'write_actions', actions });
                break;
            }
            case OFPIT.CLEAR_ACTIONS:
                out.push({ type: 'clear_actions' });
                break;
            case OFPIT.METER:
            case OFPIT.EXPERIMENTER:
                return bad(OFPBIC.UNSUP_INST, `instruction type ${type} not supported`);
            default:
                return bad(OFPBIC.UNKNOWN_INST, `unknown instruction type ${type}`);
        }
        off += len;
    }
    return out;
}
const INSTRUCTION_CODE = {
    goto_table: OFPIT.GOTO_TABLE,
    write_metadata: OFPIT.WRITE_METADATA,
    write_actions: OFPIT.WRITE_ACTIONS,
    apply_actions: OFPIT.APPLY_ACTIONS,
    clear_actions: OFPIT.CLEAR_ACTIONS,
};
/** Appends instructions in the order OpenFlow executes them (apply, clear, write, metadata, goto). */
export function encodeInstructions(w, instructions) {
    for (const i of instructions) {
        const start = w.length;
        w.u16(INSTRUCTION_CODE[i.type]).u16(0);
        switch (i.type) {
            case 'goto_table':
                w.u8(i.table).zeros(3);
                break;
            case 'write_metadata':
                w.zeros(4).u64(i.value).u64(i.mask);
                break;
            case 'apply_actions':
            case 'write_actions':
                w.zeros(4);
                encodeActions(w, i.actions);
                break;
            case 'clear_actions':
                w.zeros(4);
                break;
        }
        w.patch16(start + 2, w.length - start);
    }
}
//# sourceMappingURL=instructions.js.map