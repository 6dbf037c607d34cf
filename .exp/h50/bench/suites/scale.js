/**
 * Scale of emulation: a generated lab of 1,000 hosts on 50 bridges, loaded from YAML text and
 * built, then a sampled reachability check (seeded random host pairs ping each other on the
 * virtual clock). Reports seconds to build, seconds for the check and the memory it holds.
 */
import { performance } from 'node:perf_hooks';
import { parseLab } from '../../src/control/lab/load.js';
import { generateLabYaml, hostAddress } from '../../src/control/lab/generate.js';
import { LabRuntime } from '../../src/control/lab/runtime.js';
const HOSTS = 1000;
const BRIDGES = 50;
const SAMPLES = 200;
function row(id, unit, value, note) {
    return { id, unit, value: Math.round(value * 1000) / 1000, nsPerPacket: null, baseline: null, ratio: null, note };
}
export const scaleSuite = {
    name: 'scale',
    async run(ctx) {
        const ids = [`scale.lab.${HOSTS}-hosts.${BRIDGES}-bridges.build`, `scale.lab.${HOSTS}-hosts.${BRIDGES}-bridges.reachability`, `scale.lab.${HOSTS}-hosts.${BRIDGES}-bridges.memory`];
        if (!ids.some((id) => ctx.wants(id)))
            return [];
        globalThis.gc?.();
        const before = process.memoryUsage();
        const t0 = performance.now();
        const text = generateLabYaml({ hosts: HOSTS, bridges: BRIDGES });
        const model = parseLab(text, 'generated.yml');
        const lab = new LabRuntime(model);
        const built = performance.now();
        ctx.progress(`scale: built ${HOSTS} hosts on ${BRIDGES} bridges in ${((built - t0) / 1000).toFixed(2)} s`);
        let seed = 12345;
        const rand = (n) => {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            return seed % n;
        };
        let ok = 0;
        for (let i = 0; i < SAMPLES; i++) {
            const a = rand(HOSTS);
            let b = rand(HOSTS);
            if (b === a)
                b = (b + 1) % HOSTS;
            const s = lab.ping(`h${a}`, hostAddress(b), 1);
            if (s.received === 1)
                ok++;
            if (i % 20 === 0)
                ctx.progress(`scale: reachability ${i}/${SAMPLES}`);
        }
        const checked = performance.now();
        const after = process.memoryUsage();
        const mb = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / 1048576;
        const rows = [
            row(ids[0], 's', (built - t0) / 1000, `generate + parse + validate + build ${HOSTS} hosts, ${BRIDGES} bridges, ${HOSTS + BRIDGES - 1} veth links`),
            row(ids[1], 's', (checked - built) / 1000, `${SAMPLES} sampled pings (ARP included), ${ok}/${SAMPLES} reachable`),
            row(ids[2], 'MB', mb, `heap + array buffers held by the built lab after the check (packet pool ${lab.engine.pool.capacity} buffers)`),
        ];
        if (ok !== SAMPLES)
            throw new Error(`scale: only ${ok}/${SAMPLES} sampled pairs reachable`);
        lab.stop();
        return rows.filter((r) => ctx.wants(r.id));
    },
};
//# sourceMappingURL=scale.js.map