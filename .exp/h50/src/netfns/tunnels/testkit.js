/**
 * Test topologies for overlay endpoints: two endpoints joined by a learning bridge as the
 * underlay, two tenants (A on segment 100, B on segment 200) with a scriptable peer on each
 * endpoint's access port, and a rogue peer on the underlay bridge for hostile frames.
 *
 *   a1 --p_a-- vtep1 --underlay-- ul(bridge) --underlay-- vtep2 --p_a-- a2
 *   b1 --p_b--/                     |                          \--p_b-- b2
 *                                 rogue
 */
import { LearningBridge } from '../../bridges/learning-bridge.js';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Peer } from '../../hosts/testkit.js';
import { GreTunnel } from './gre-tunnel.js';
import { VxlanVtep } from './vxlan-vtep.js';
export const VTEP1_IP = '192.168.0.1';
export const VTEP2_IP = '192.168.0.2';
export const ROGUE_IP = '192.168.0.66';
export const VTEP1_MAC = '0e:00:c0:a8:00:01';
export const VTEP2_MAC = '0e:00:c0:a8:00:02';
/** The configuration of endpoint 1 or 2, with `extra` merged in. */
export function endpointConf(mode, which, extra = {}) {
    const field = mode === 'vxlan' ? 'vni' : 'key';
    const peer = which === 1 ? VTEP2_IP : VTEP1_IP;
    return {
        underlay: { ip: `${which === 1 ? VTEP1_IP : VTEP2_IP}/24` },
        ports: { p_a: { [field]: 100 }, p_b: { [field]: 200 } },
        flood: { 100: [peer], 200: [peer] },
        ...extra,
    };
}
export function overlayPair(mode, extra1 = {}, extra2 = {}) {
    const engine = new Engine({ pool: new PacketPool({ count: 8192 }) });
    const cls = mode === 'vxlan' ? VxlanVtep : GreTunnel;
    const g = new Graph()
        .app('vtep1', cls, endpointConf(mode, 1, extra1))
        .app('vtep2', cls, endpointConf(mode, 2, extra2))
        .app('ul', LearningBridge, {})
        .app('a1', Peer, {}).app('b1', Peer, {}).app('a2', Peer, {}).app('b2', Peer, {}).app('rogue', Peer, {});
    g.connect('vtep1.underlay', 'ul.v1').connect('vtep2.underlay', 'ul.v2').connect('rogue.port', 'ul.x');
    g.connect('a1.port', 'vtep1.p_a').connect('b1.port', 'vtep1.p_b').connect('a2.port', 'vtep2.p_a').connect('b2.port', 'vtep2.p_b');
    engine.configure(g);
    return {
        engine,
        a1: engine.app('a1'),
        b1: engine.app('b1'),
        a2: engine.app('a2'),
        b2: engine.app('b2'),
        rogue: engine.app('rogue'),
        run(ms = 5) {
            engine.runFor(ms * 1_000_000);
        },
    };
}
//# sourceMappingURL=testkit.js.map