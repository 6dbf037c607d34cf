/**
 * Helpers for interop tests against real tools (tshark, scapy). A missing tool is a skip with a
 * printed reason, never a failure: the tools are not project dependencies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolCheck {
  readonly ok: boolean;
  /** Why the tool cannot be used (when not ok). */
  readonly reason: string;
}

export function tsharkAvailable(): ToolCheck {
  const r = spawnSync('tshark', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return { ok: false, reason: `tshark not runnable: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `tshark --version exited with ${r.status}` };
  return { ok: true, reason: '' };
}

/** The system Python with scapy (the `python3` on PATH may be a different one without it). */
export const SCAPY_PYTHON = '/usr/bin/python3';

export function scapyAvailable(): ToolCheck {
  const r = spawnSync(SCAPY_PYTHON, ['-c', 'import scapy.all'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${SCAPY_PYTHON} not runnable: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `scapy not importable from ${SCAPY_PYTHON}: ${r.stderr.trim().split('\n').pop()}` };
  return { ok: true, reason: '' };
}

/** Writes `bytes` to a fresh temp file, runs `fn` with its path, removes it. */
export function withTempFile<T>(name: string, bytes: Uint8Array, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'vnet-interop-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs tshark on a file; returns stdout lines (its "running as root" warning goes to stderr). */
export function tshark(path: string, args: readonly string[]): { lines: string[]; stderr: string; status: number | null } {
  const r = spawnSync('tshark', ['-r', path, ...args], { encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  return { lines, stderr: r.stderr, status: r.status };
}

/** tshark field rows as arrays (tab separated). */
export function tsharkFields(path: string, fields: readonly string[], extra: readonly string[] = []): string[][] {
  const r = tshark(path, [...extra, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.lines.map((l) => l.split('\t'));
}

/** Frames tshark flags as malformed or with an expert warning/error (checksums checked). */
export function tsharkProblems(path: string): string[] {
  const r = tshark(path, [
    '-o', 'ip.check_checksum:TRUE',
    '-o', 'udp.check_checksum:TRUE',
    '-o', 'tcp.check_checksum:TRUE',
    '-Y', '_ws.malformed || _ws.expert.severity >= "Warning"',
  ]);
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.lines;
}
