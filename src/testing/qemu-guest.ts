/**
 * What the QEMU guest tests share: installing QEMU and busybox when missing (as root), and building
 * the guest for them (Debian's kernel, fetched with `apt-get download` and cached under the temp directory,
 * and a busybox initramfs whose /init is test/real/qemu/init.sh) with build-guest.sh.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const GUEST_CACHE = join(tmpdir(), 'vnet-qemu-guest-cache');

export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function run(argv: string[], timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim() };
}

/** Installs QEMU and busybox if missing; returns why not, or null. */
export function ensureTools(): string | null {
  const missing = [have('qemu-system-x86_64') ? null : 'qemu-system-x86', have('busybox') ? null : 'busybox-static'].filter((x): x is string => x !== null);
  if (missing.length === 0) return null;
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing];
  if (!run(install, 300_000).ok) {
    run(['apt-get', 'update', '-qq'], 300_000);
    const again = run(install, 300_000);
    if (!again.ok) return `cannot install ${missing.join(' ')}: ${again.output.split('\n').slice(-2).join(' ')}`;
  }
  return null;
}

/** Builds kernel + initramfs into `out`; returns why not, or null. */
export function buildGuest(out: string): string | null {
  const script = join(repoRoot(), 'test', 'real', 'qemu', 'build-guest.sh');
  let r = run(['sh', script, out, GUEST_CACHE], 300_000);
  if (!r.ok && /apt-get|apt/.test(r.output)) {
    run(['apt-get', 'update', '-qq'], 300_000);
    r = run(['sh', script, out, GUEST_CACHE], 300_000);
  }
  return r.ok ? null : `cannot build the guest: ${r.output}`;
}

