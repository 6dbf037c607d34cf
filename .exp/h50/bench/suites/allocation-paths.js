/**
 * The paths `allocation.test.ts` measures, and the measurement, run in a process of their own:
 * `node allocation-paths.js NAME` prints the bytes NAME allocates per packet, as JSON. One
 * process per path, because what V8 compiles for a shared function (the engine's, the
 * source's) depends on every graph the process has run: after a dozen other paths, a path that
 * allocates nothing on its own was seen to allocate 16 to 38 bytes per packet in one run of
 * four, through a heap number a less specialised compile boxes.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { prepareBridge } from './bridge.js';
import { prepareNat } from './nat.js';
import { prepareOpenflowHit } from './openflow.js';
import { prepareRouterForwarding } from './router.js';
import { prepareTunnel } from './tunnels.js';
import { testFrame } from '../../src/control/compare/compare.js';
import { guestPair } from '../../src/vm/guest-pairs.js';
const STRETCH = 100_000;
export const ALLOWED_BYTES_PER_PACKET = 1;
/**
 * 64-byte frames from one traffic guest to the other through a NIC kind, as `vnet compare nics`
 * sends them. The rig runs the engine until each batch of 32 frames arrives, and that loop's
 * own bookkeeping costs about 35 bytes per batch: about 1 byte per packet is its floor.
 */
function prepareNicPath(kind) {
    const n = guestPair(kind, { guest: 'traffic', poll: true });
    const a = n.engine.app(n.guests[0]);
    const b = n.engine.app(n.guests[1]);
    const frame = testFrame(64, n.macs);
    let target = 0;
    const arrived = () => b.received >= target;
    return {
        step: () => {
            const start = b.received;
            target = start + a.send('eth0', frame, 32);
            n.engine.runUntil(arrived, 100e6);
            return b.received - start;
        },
        finish: () => undefined,
    };
}
export function bytesPerPacket(prepared) {
    let warm = 0;
    while (warm < 4 * STRETCH)
        warm += prepared.step();
    try {
        // The least of a few collection-free stretches: a stretch in which the JIT happens to
        // recompile a function runs it unoptimised for a moment, which allocates; the steady state
        // is what is asserted.
        let best = Infinity;
        for (let attempt = 0; attempt < 10 && !(best <= 0); attempt++) {
            const profiler = new GCProfiler();
            profiler.start();
            const before = getHeapStatistics().used_heap_size;
            let packets = 0;
            while (packets < STRETCH)
                packets += prepared.step();
            const after = getHeapStatistics().used_heap_size;
            if (profiler.stop().statistics.length === 0)
                best = Math.min(best, (after - before) / packets);
        }
        if (best === Infinity)
            throw new Error('every stretch of packets saw a garbage collection');
        return best;
    }
    finally {
        prepared.finish();
    }
}
/** The paths the test asserts, by name. */
export const PATHS = new Map([
    ['learning bridge, 1k MACs', () => prepareBridge(1024, true)],
    ['learning bridge, MACs whose low words pass 2^30', () => prepareBridge(1024, true, 0xc0)],
    ['router, one hop', () => prepareRouterForwarding(1)],
    ['router, two hops', () => prepareRouterForwarding(2)],
    ['NAT, established flows', () => prepareNat(true, 1000, false)],
    ['NAT gateway, route only', () => prepareNat(false, 1000, false)],
    ['VXLAN encap', () => prepareTunnel('vxlan', 'encap')],
    ['VXLAN decap', () => prepareTunnel('vxlan', 'decap')],
    ['VXLAN encap and decap', () => prepareTunnel('vxlan', 'encap+decap')],
    ['GRE encap', () => prepareTunnel('gre', 'encap')],
    ['GRE encap and decap', () => prepareTunnel('gre', 'encap+decap')],
    ['OpenFlow switch, cache hits', () => prepareOpenflowHit(1000)],
]);
/**
 * The NIC models, 64-byte frames from guest to guest through each (`vnet compare nics`). One
 * process in six or so used to show exactly 16 bytes per packet through virtio, vhost-net or
 * SR-IOV: the device passed its 53-bit feature word into `hasFeature`, a heap number wherever V8
 * did not inline the call. Run `node dist/bench/suites/allocation-paths.js "virtio NIC model"`
 * to measure one.
 */
export const NIC_PATHS = new Map(['veth', 'virtio', 'vhost-net', 'vhost-user', 'e1000', 'sriov-vf', 'passthrough'].map((kind) => [`${kind} NIC model`, () => prepareNicPath(kind)]));
if (process.argv[1] === fileURLToPath(import.meta.url)) {
    const name = process.argv[2] ?? '';
    const prepare = PATHS.get(name) ?? NIC_PATHS.get(name);
    if (prepare === undefined)
        throw new Error(`allocation-paths: no path named ${JSON.stringify(name)} (${[...PATHS.keys(), ...NIC_PATHS.keys()].join(', ')})`);
    process.stdout.write(JSON.stringify({ name, bytesPerPacket: bytesPerPacket(prepare()) }) + '\n');
}
//# sourceMappingURL=allocation-paths.js.map