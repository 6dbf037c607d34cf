/** Runs the vnet CLI as a user would, from the compiled tree or (under tsx) from source. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { input?: string; cwd?: string } = {}): CliResult {
  const root = repoRoot();
  const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
  const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
  const argv = fromSource ? ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args] : [compiled, ...args];
  const r = spawnSync(process.execPath, argv, { cwd: options.cwd ?? root, input: options.input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
