/** What the privileged suites (real.ts, real-vxlan.ts) share: CPU time from /proc, medians, rows. */
import { readFileSync } from 'node:fs';
import { type Row, round } from '../lib.js';

/** utime + stime of a /proc/.../stat file, in seconds (fields 14 and 15, 100 ticks per second on Linux); 0 if it is gone. */
export function statCpuSeconds(path: string): number {
  try {
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function median(values: readonly number[]): number {
  const v = [...values].sort((x, y) => x - y);
  return v.length === 0 ? 0 : v.length % 2 === 1 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

/** A throughput row held against a baseline measured in the same rounds (no ratio without one). */
export function baselineRow(id: string, unit: string, value: number, baseName: string, base: number | null, note?: string): Row {
  return {
    id,
    unit,
    value: round(value),
    nsPerPacket: null,
    baseline: base === null ? null : { name: baseName, value: round(base) },
    ratio: base === null || base === 0 ? null : round(value / base),
    ...(note !== undefined && note !== '' ? { note } : {}),
  };
}
