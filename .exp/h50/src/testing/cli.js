/** Runs the vnet CLI as a user would, from the compiled tree or (under tsx) from source. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
/** The node arguments that run the CLI: the compiled tree beside this module, or the source through tsx. */
function cliArgv(args) {
    const root = repoRoot();
    const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
    const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
    return fromSource ? ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args] : [compiled, ...args];
}
export function runCli(args, options = {}) {
    const r = spawnSync(process.execPath, cliArgv(args), { cwd: options.cwd ?? repoRoot(), input: options.input ?? '', encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
/**
 * Starts the CLI in the background, optionally behind a wrapper command (`prefix`, e.g.
 * `['nsenter', '--net=/run/netns/NS']`) that ends by running the rest.
 */
export function startCli(args, options = {}) {
    const prefix = options.prefix ?? [];
    const argv = [...prefix.slice(1), ...(prefix.length > 0 ? [process.execPath] : []), ...cliArgv(args)];
    const child = spawn(prefix[0] ?? process.execPath, argv, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.stderr.on('data', (d) => (out += d.toString()));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    return {
        child,
        output: () => out,
        exited,
        async waitFor(pattern, ms = 30_000) {
            const end = Date.now() + ms;
            while (!pattern.test(out)) {
                if (child.exitCode !== null || child.signalCode !== null)
                    throw new Error(`${args.join(' ')} exited before printing ${pattern}: ${out}`);
                if (Date.now() > end)
                    throw new Error(`${args.join(' ')} did not print ${pattern} within ${ms} ms: ${out}`);
                await new Promise((r) => setTimeout(r, 50));
            }
        },
        kill() {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGKILL');
        },
    };
}
//# sourceMappingURL=cli.js.map