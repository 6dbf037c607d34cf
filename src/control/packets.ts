/** Packet text tools for the CLI: decode bytes layer by layer, encode packet specs. */
import { dissect, type Layer } from '../wire/dissect.js';
import { prettyLayers } from '../wire/pretty.js';
import { encodeSpec, formatSpec } from '../wire/spec.js';

export { SpecError } from '../wire/spec.js';
export type { Layer } from '../wire/dissect.js';

/** Parses hex with optional spaces, colons, `0x` and newlines; throws naming the bad character. */
export function parseHex(text: string): Uint8Array {
  const clean = text.replace(/0x/gi, '').replace(/[\s:.-]/g, '');
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) throw new Error(`not hex: ${JSON.stringify(bad[0])} at position ${bad.index}`);
  if (clean.length % 2 !== 0) throw new Error(`odd number of hex digits (${clean.length})`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export interface Decoded {
  readonly length: number;
  readonly layers: Layer[];
  /** The packet spec of the bytes, when they decode fully. */
  readonly spec: string | null;
}

export function decodePacket(bytes: Uint8Array): Decoded {
  const layers = dissect(bytes);
  let spec: string | null = null;
  if (!layers.some((l) => l.error !== undefined)) {
    try {
      spec = formatSpec(bytes);
    } catch {
      spec = null;
    }
  }
  return { length: bytes.length, layers, spec };
}

export function decodeText(bytes: Uint8Array): string {
  return prettyLayers(dissect(bytes));
}

export function encodePacket(spec: string): Uint8Array {
  return encodeSpec(spec);
}
