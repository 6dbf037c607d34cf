/**
 * Shared pieces of the benchmark harness: the row format, the timing loop, and the C baselines
 * (compiled once per run with `cc -O2` into a temporary directory and run in the same process tree).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** The directory holding package.json, found by walking up from this file (works from dist/ too). */
export function repoRoot() {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
        if (existsSync(join(dir, 'package.json')))
            return dir;
        const up = dirname(dir);
        if (up === dir)
            throw new Error('bench: cannot find the repository root (no package.json above the bench files)');
        dir = up;
    }
}
/** Compiles C programs on first use and runs them; remembers failures so each is reported once. */
export class CBaselines {
    #dir = mkdtempSync(join(tmpdir(), 'vnet-bench-'));
    #built = new Map();
    #sources = join(repoRoot(), 'bench', 'c');
    #build(program) {
        const known = this.#built.get(program);
        if (known !== undefined)
            return known.ok ? { ok: true, path: known.path } : known;
        const src = join(this.#sources, `${program}.c`);
        const out = join(this.#dir, program);
        let result;
        try {
            execFileSync('cc', ['-O2', '-std=c11', '-o', out, src], { stdio: ['ignore', 'ignore', 'pipe'] });
            result = { ok: true, path: out };
        }
        catch (e) {
            const err = e;
            result = { ok: false, reason: err.code === 'ENOENT' ? 'no C compiler (cc) found' : `cc failed: ${String(err.stderr ?? err.message).trim().split('\n')[0]}` };
        }
        this.#built.set(program, result.ok ? { ok: true, value: {}, path: result.path } : result);
        return result;
    }
    run(program, args) {
        const built = this.#build(program);
        if (!built.ok)
            return built;
        try {
            const out = execFileSync(built.path, args.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
            return { ok: true, value: JSON.parse(out) };
        }
        catch (e) {
            return { ok: false, reason: `${program} failed: ${e.message.split('\n')[0]}` };
        }
    }
    dispose() {
        rmSync(this.#dir, { recursive: true, force: true });
    }
}
/**
 * Runs `step` (which returns packets processed) repeatedly: first for the warmup, then for
 * `seconds`, and returns packets per second over the measured part.
 */
export function measure(step, seconds, warmupSeconds) {
    const warmEnd = performance.now() + warmupSeconds * 1000;
    while (performance.now() < warmEnd)
        step();
    let packets = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    let now = start;
    while (now < end) {
        packets += step();
        now = performance.now();
    }
    const elapsed = (now - start) / 1000;
    return { pps: packets / elapsed, packets, elapsed };
}
/** A row in Mpps with its C baseline (when there is one). */
export function mppsRow(id, pps, c, note) {
    const value = pps / 1e6;
    const base = c.ok && typeof c.value.mpps === 'number' ? { name: 'c', value: c.value.mpps } : null;
    const notes = [note, c.ok ? undefined : `no C baseline: ${c.reason}`].filter((x) => x !== undefined).join('; ');
    return {
        id,
        unit: 'Mpps',
        value: round(value),
        nsPerPacket: round(1e9 / pps),
        baseline: base === null ? null : { name: base.name, value: round(base.value) },
        ratio: base === null ? null : round(value / base.value),
        ...(notes === '' ? {} : { note: notes }),
    };
}
export function round(x) {
    return Math.round(x * 1000) / 1000;
}
//# sourceMappingURL=lib.js.map