/** `vnet compare nics [--json] [--packets N] [--batch N] [--sizes 64,1500] [--kinds a,b] [--guest inline|worker] [--repeat N]`. */
import { parseArgs } from 'node:util';
import { compareNics, renderCompare } from '../control/compare/compare.js';
export const COMPARE_USAGE = `  compare nics [--json] [--packets N] [--batch N] [--sizes 64,1500] [--kinds veth,e1000,...] [--guest inline|worker] [--repeat N]
                          the same raw guest-to-guest traffic through every NIC kind
                          (veth, passthrough, sriov-vf, vhost-user, vhost-net, virtio, e1000):
                          Mpps, Gbit/s, copies, exits and notifications per packet, latency, CPU;
                          --guest worker runs the virtio and e1000 guest drivers in a worker thread;
                          --repeat N times each inline row N times and keeps the fastest (default 3)
`;
/** Runs the comparison; resolves to the exit code. */
export async function compareCommand(argv, print) {
    const [what, ...rest] = argv;
    if (what !== 'nics')
        throw new Error(`compare: expected "compare nics", got ${JSON.stringify(what ?? '')}`);
    const { values } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean', short: 'j' }, packets: { type: 'string' }, batch: { type: 'string' }, sizes: { type: 'string' }, kinds: { type: 'string' }, guest: { type: 'string' }, repeat: { type: 'string' } },
    });
    const guest = values.guest;
    if (guest !== undefined && guest !== 'inline' && guest !== 'worker')
        throw new Error(`compare nics: --guest must be inline or worker, got ${JSON.stringify(guest)}`);
    const int = (name, v) => {
        if (v === undefined)
            return undefined;
        if (!/^\d+$/.test(v) || Number(v) < 1)
            throw new Error(`compare nics: --${name} must be a positive integer, got ${JSON.stringify(v)}`);
        return Number(v);
    };
    const sizes = values.sizes?.split(',').map((s) => int('sizes', s));
    for (const s of sizes ?? [])
        if (s < 60 || s > 1514)
            throw new Error(`compare nics: frame sizes must be 60..1514 bytes, got ${s}`);
    const packets = int('packets', values.packets);
    const batch = int('batch', values.batch);
    const repeat = int('repeat', values.repeat);
    const report = await compareNics({
        ...(packets !== undefined ? { packets } : {}),
        ...(batch !== undefined ? { batch } : {}),
        ...(repeat !== undefined ? { repeat } : {}),
        ...(sizes !== undefined ? { sizes } : {}),
        ...(values.kinds !== undefined ? { kinds: values.kinds.split(',') } : {}),
        ...(guest !== undefined ? { guest } : {}),
    });
    print(values.json ? JSON.stringify(report, null, 2) : renderCompare(report));
    return 0;
}
//# sourceMappingURL=compare.js.map