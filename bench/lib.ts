/**
 * Shared pieces of the benchmark harness: the row format, the timing loop, and the C baselines
 * (compiled once per run with `cc -O2` into a temporary directory and run in the same process tree).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Baseline {
  readonly name: string;
  readonly value: number;
}

export interface Row {
  readonly id: string;
  readonly unit: string;
  readonly value: number;
  /** Nanoseconds per packet for packet-rate rows; null for rows of other units (seconds, MB, ratios). */
  readonly nsPerPacket: number | null;
  /** The same algorithm in C, measured in the same run; null when it could not be built or run. */
  readonly baseline: Baseline | null;
  /** value / baseline.value, or null without a baseline. */
  readonly ratio: number | null;
  readonly note?: string;
}

export interface BenchContext {
  /** Seconds each measurement runs after warmup. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** True when the row id is selected by --only. */
  wants(id: string): boolean;
  /** A progress line (shown on a terminal only). */
  progress(text: string): void;
  /** Runs a C baseline program with arguments; its stdout is one JSON object. */
  runC(program: string, args: readonly (string | number)[]): CResult;
}

export type CResult = { ok: true; value: Record<string, number> } | { ok: false; reason: string };

export interface Suite {
  readonly name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** The directory holding package.json, found by walking up from this file (works from dist/ too). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: cannot find the repository root (no package.json above the bench files)');
    dir = up;
  }
}

/** Compiles C programs on first use and runs them; remembers failures so each is reported once. */
export class CBaselines {
  readonly #dir = mkdtempSync(join(tmpdir(), 'vnet-bench-'));
  readonly #built = new Map<string, CResult & { path?: string }>();
  readonly #sources = join(repoRoot(), 'bench', 'c');

  #build(program: string): { ok: true; path: string } | { ok: false; reason: string } {
    const known = this.#built.get(program);
    if (known !== undefined) return known.ok ? { ok: true, path: known.path! } : known;
    const src = join(this.#sources, `${program}.c`);
    const out = join(this.#dir, program);
    let result: { ok: true; path: string } | { ok: false; reason: string };
    try {
      execFileSync('cc', ['-O2', '-std=c11', '-o', out, src], { stdio: ['ignore', 'ignore', 'pipe'] });
      result = { ok: true, path: out };
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
      result = { ok: false, reason: err.code === 'ENOENT' ? 'no C compiler (cc) found' : `cc failed: ${String(err.stderr ?? err.message).trim().split('\n')[0]}` };
    }
    this.#built.set(program, result.ok ? { ok: true, value: {}, path: result.path } : result);
    return result;
  }

  run(program: string, args: readonly (string | number)[]): CResult {
    const built = this.#build(program);
    if (!built.ok) return built;
    try {
      const out = execFileSync(built.path, args.map(String), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, value: JSON.parse(out) as Record<string, number> };
    } catch (e) {
      return { ok: false, reason: `${program} failed: ${(e as Error).message.split('\n')[0]}` };
    }
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * Runs `step` (which returns packets processed) repeatedly: first for the warmup, then for
 * `seconds`, and returns packets per second over the measured part.
 */
export function measure(step: () => number, seconds: number, warmupSeconds: number): { pps: number; packets: number; elapsed: number } {
  const warmEnd = performance.now() + warmupSeconds * 1000;
  while (performance.now() < warmEnd) step();
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
export function mppsRow(id: string, pps: number, c: CResult, note?: string): Row {
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

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
