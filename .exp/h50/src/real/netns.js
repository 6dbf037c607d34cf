/**
 * Network namespaces and interfaces through iproute2, for real labs and tests.
 *
 * Setup commands run synchronously and throw with the command and iproute2's own message;
 * commands inside a namespace that take time (ping, iperf3) run asynchronously, so an engine
 * loop on the same thread keeps forwarding their packets meanwhile.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
/** Runs `ip ARGS...`; throws with iproute2's message when it fails. */
export function ip(...args) {
    const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 20_000 });
    if (r.error)
        throw new Error(`ip ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0)
        throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.status}`}`);
    return r.stdout;
}
/** `ip` without blocking the thread (the daemon's datapath keeps breathing meanwhile). */
export async function ipAsync(...args) {
    const r = await nsExec(null, ['ip', ...args]);
    if (r.code !== 0)
        throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`);
    return r.stdout;
}
/** Like `ip` but returns false instead of throwing (cleanup of things that may be gone). */
export function tryIp(...args) {
    const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 20_000 });
    return r.status === 0;
}
/** A name `prefix` + random hex, at most 15 bytes (an interface name must fit IFNAMSIZ). */
export function uniqueName(prefix, hexDigits = 6) {
    const name = `${prefix}${randomBytes(8).toString('hex').slice(0, hexDigits)}`;
    if (name.length > 15)
        throw new Error(`name ${name} is longer than 15 bytes`);
    return name;
}
export function namespaceExists(ns) {
    return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.split(' ')[0] === ns);
}
export function linkExists(ifname, ns) {
    const r = spawnSync('ip', [...(ns ? ['-n', ns] : []), 'link', 'show', 'dev', ifname], { encoding: 'utf8' });
    return r.status === 0;
}
/** Creates a namespace with its loopback up. */
export function addNamespace(ns) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
}
/** Runs a command inside namespace `ns` (or here when ns is null), asynchronously, killed after `timeoutMs`. */
export function nsExec(ns, argv, timeoutMs = 20_000) {
    const full = ns === null ? [...argv] : ['ip', 'netns', 'exec', ns, ...argv];
    return new Promise((resolve) => {
        const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d.toString()));
        child.stderr.on('data', (d) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', (e) => {
            clearTimeout(timer);
            resolve({ code: null, stdout, stderr: stderr + e.message });
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}
/** Is `cmd` on PATH? */
export function haveCommand(cmd) {
    return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}
/** Polls until `ifname` exists (a TAP appears when its fd is set up), at most `timeoutMs`. */
export async function waitForLink(ifname, timeoutMs = 5000, ns) {
    const end = Date.now() + timeoutMs;
    while (!linkExists(ifname, ns)) {
        if (Date.now() > end)
            throw new Error(`interface ${ifname} did not appear within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
    }
}
/**
 * One iperf3 run: a one-shot server bound to `address` in `serverNs`, a client in `clientNs`
 * for `seconds` with extra `args` (`-P 4`, `-u -b 0 -l 64`...). Throws with iperf3's message.
 */
export async function iperf3(clientNs, serverNs, address, seconds, args = []) {
    const limit = (seconds + 20) * 1000;
    const server = nsExec(serverNs, ['iperf3', '-s', '-1', '-B', address], limit);
    await new Promise((r) => setTimeout(r, 300));
    const client = await nsExec(clientNs, ['iperf3', '-c', address, '-t', String(seconds), '-J', ...args], limit);
    await server;
    if (client.code !== 0)
        throw new Error(`iperf3 ${args.join(' ')}: ${client.stderr.trim() || client.stdout.slice(0, 300)}`);
    return JSON.parse(client.stdout).end;
}
//# sourceMappingURL=netns.js.map