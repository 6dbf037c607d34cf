/** What the privileged suites (real.ts, real-vxlan.ts) share: CPU time from /proc, medians, rows. */
import { readFileSync } from 'node:fs';
import { round } from '../lib.js';
/** utime + stime of a /proc/.../stat file, in seconds (fields 14 and 15, 100 ticks per second on Linux); 0 if it is gone. */
export function statCpuSeconds(path) {
    try {
        const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
        return (Number(fields[11]) + Number(fields[12])) / 100;
    }
    catch {
        return 0;
    }
}
export function median(values) {
    const v = [...values].sort((x, y) => x - y);
    return v.length === 0 ? 0 : v.length % 2 === 1 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}
/** A throughput row held against a baseline measured in the same rounds (no ratio without one). */
export function baselineRow(id, unit, value, baseName, base, note) {
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
export function rotation(setups, r) {
    return setups.map((_, i) => setups[(i + r) % setups.length]);
}
/** Per-setup samples (medians later) and sums, filled round by round. */
export class Tally {
    #samples = new Map();
    #sums = new Map();
    sample(metric, s, v) {
        let m = this.#samples.get(metric);
        if (m === undefined)
            this.#samples.set(metric, (m = new Map()));
        m.set(s, [...(m.get(s) ?? []), v]);
    }
    add(metric, s, v) {
        let m = this.#sums.get(metric);
        if (m === undefined)
            this.#sums.set(metric, (m = new Map()));
        m.set(s, (m.get(s) ?? 0) + v);
    }
    median(metric, s) {
        return median(this.#samples.get(metric)?.get(s) ?? []);
    }
    sum(metric, s) {
        return this.#sums.get(metric)?.get(s) ?? 0;
    }
}
/** iperf3's own CPU (both ends) over a run, in seconds. */
export function iperfCpuSeconds(end, seconds) {
    return (((end.cpu_utilization_percent?.host_total ?? 0) + (end.cpu_utilization_percent?.remote_total ?? 0)) / 100) * seconds;
}
/** UDP datagrams received per second in an iperf3 run. */
export function udpReceivedPps(end, seconds) {
    return ((end.sum?.packets ?? 0) - (end.sum?.lost_packets ?? 0)) / (end.sum?.seconds ?? seconds);
}
//# sourceMappingURL=real-common.js.map