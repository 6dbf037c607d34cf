/** What the privileged suites (real.ts, real-vxlan.ts) share: CPU time from /proc, medians, rows. */
import { readFileSync } from 'node:fs';
import type { Iperf3End } from '../../src/real/netns.js';
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

/** Round `r`'s visiting order: the setups rotated by r, so no setup always runs first. */
export function rotation<S>(setups: readonly S[], r: number): S[] {
  return setups.map((_, i) => setups[(i + r) % setups.length]!);
}

/** Per-setup samples (medians later) and sums, filled round by round. */
export class Tally<S> {
  readonly #samples = new Map<string, Map<S, number[]>>();
  readonly #sums = new Map<string, Map<S, number>>();

  sample(metric: string, s: S, v: number): void {
    let m = this.#samples.get(metric);
    if (m === undefined) this.#samples.set(metric, (m = new Map()));
    m.set(s, [...(m.get(s) ?? []), v]);
  }

  add(metric: string, s: S, v: number): void {
    let m = this.#sums.get(metric);
    if (m === undefined) this.#sums.set(metric, (m = new Map()));
    m.set(s, (m.get(s) ?? 0) + v);
  }

  median(metric: string, s: S): number {
    return median(this.#samples.get(metric)?.get(s) ?? []);
  }

  sum(metric: string, s: S): number {
    return this.#sums.get(metric)?.get(s) ?? 0;
  }
}

/** iperf3's own CPU (both ends) over a run, in seconds. */
export function iperfCpuSeconds(end: Iperf3End, seconds: number): number {
  return (((end.cpu_utilization_percent?.host_total ?? 0) + (end.cpu_utilization_percent?.remote_total ?? 0)) / 100) * seconds;
}

/** UDP datagrams received per second in an iperf3 run. */
export function udpReceivedPps(end: Iperf3End, seconds: number): number {
  return ((end.sum?.packets ?? 0) - (end.sum?.lost_packets ?? 0)) / (end.sum?.seconds ?? seconds);
}
