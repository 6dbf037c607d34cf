/** Lab files for tests of VXLAN overlays over a real UDP underlay (`underlay: { udp: ... }`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli } from './cli.js';
import { repoRoot } from './paths.js';
/** A lab of one host (MTU 1450, /24) behind a VXLAN VTEP whose underlay is a UDP socket. */
export function udpOverlayLab(s) {
    return [
        `name: ${s.name}`,
        'topology:',
        '  nodes:',
        '    vtep:',
        '      kind: vtep',
        `      underlay: { udp: { local: ${s.local}, port: ${s.port}, remote_port: ${s.port} } }`,
        `      ports: { h: ${s.vni} }`,
        `      remotes: { ${s.vni}: [${s.remotes.join(', ')}] }`,
        `    ${s.host}: { kind: host, interfaces: { eth0: { ip: ${s.hostIp}/24, mtu: 1450 } } }`,
        '  links:',
        `    - endpoints: [${s.host}:eth0, vtep:h]`,
        ...(s.ping !== undefined ? ['checks:', `  - ping: { from: ${s.host}, to: ${s.ping}, expect: success, count: 3 }`] : []),
        '',
    ].join('\n');
}
/**
 * Copies an example lab whose VTEP has `underlay: { udp: ADDRESS ... }` into `dir` under its own
 * name, on `port` instead of 4789 (so a test never meets another user of 4789), with its
 * `flows_file` paths made absolute. Returns the new file.
 */
export function copyExampleLab(example, dir, name, port) {
    const text = readFileSync(join(repoRoot(), 'examples', example), 'utf8')
        .replace(/^name: .*$/m, `name: ${name}`)
        .replace(/underlay: \{ udp: ([0-9.]+)/, `underlay: { udp: { local: $1, port: ${port}, remote_port: ${port} }`)
        .replace(/flows_file: (\S+?)( |,|\}|$)/gm, (_, f, end) => `flows_file: ${join(repoRoot(), 'examples', f)}${end}`);
    if (!text.includes(`port: ${port}`))
        throw new Error(`${example}: no underlay: { udp: ADDRESS } to move to port ${port}`);
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, text);
    return file;
}
/**
 * `vnet lab run runFile` while `vnet lab up upFile` runs beside it (its far side), then
 * `lab down upFile`. A first run warms the far side up (ARP, the JIT): under a loaded machine its
 * first answer can take longer than a ping's timeout. Returns the second run and how the far side
 * ended.
 */
export async function labRunBeside(upFile, runFile) {
    const up = startCli(['lab', 'up', upFile]);
    try {
        await up.waitFor(/ is up/);
        runCli(['lab', 'run', runFile]);
        const run = runCli(['lab', 'run', runFile]);
        const down = runCli(['lab', 'down', upFile]);
        if (down.code !== 0)
            throw new Error(`lab down ${upFile}: ${down.stderr}`);
        const upExit = await up.exited;
        return { run, upOutput: up.output(), upExit };
    }
    finally {
        up.kill();
    }
}
//# sourceMappingURL=overlay-labs.js.map