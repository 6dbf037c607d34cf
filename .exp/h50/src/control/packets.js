/** Packet text tools for the CLI: decode bytes layer by layer, encode packet specs. */
import { dissect } from '../wire/dissect.js';
import { prettyLayers } from '../wire/pretty.js';
import { encodeSpec, formatSpec } from '../wire/spec.js';
export { SpecError } from '../wire/spec.js';
/** Parses hex with optional spaces, colons, `0x` and newlines; throws naming the bad character. */
export function parseHex(text) {
    const clean = text.replace(/0x/gi, '').replace(/[\s:.-]/g, '');
    const bad = /[^0-9a-fA-F]/.exec(clean);
    if (bad)
        throw new Error(`not hex: ${JSON.stringify(bad[0])} at position ${bad.index}`);
    if (clean.length % 2 !== 0)
        throw new Error(`odd number of hex digits (${clean.length})`);
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++)
        out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    return out;
}
export function toHex(bytes) {
    let s = '';
    for (const b of bytes)
        s += b.toString(16).padStart(2, '0');
    return s;
}
export function decodePacket(bytes) {
    const layers = dissect(bytes);
    let spec = null;
    if (!layers.some((l) => l.error !== undefined)) {
        try {
            spec = formatSpec(bytes);
        }
        catch {
            spec = null;
        }
    }
    return { length: bytes.length, layers, spec };
}
export function decodeText(bytes) {
    return prettyLayers(dissect(bytes));
}
export function encodePacket(spec) {
    return encodeSpec(spec);
}
//# sourceMappingURL=packets.js.map