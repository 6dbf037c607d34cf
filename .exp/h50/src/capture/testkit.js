/**
 * Test fixture for captures: two "hosts" (a Source and a Sink each) joined by two wires, with a
 * capture port per host tapping its sending and its receiving link. Shared by the capture unit
 * tests and the tshark interop tests.
 */
import { Engine, Graph } from '../engine/engine.js';
import { Sink, Source, Wire } from '../engine/basic.js';
import { Capture } from './capture.js';
const hex = (s) => Uint8Array.from(s.match(/../g).map((h) => parseInt(h, 16)));
/** Eth/IPv4/UDP 1000 -> 2000 "hello" from 10.0.0.1 to 10.0.0.2, checksums correct. */
export const UDP_H1_TO_H2 = hex('02000000000202000000000108004500002100010000401166c90a0000010a00000203e807d0000d9c4768656c6c6f');
/** Eth/IPv4/ICMP echo reply "pong" from 10.0.0.2 to 10.0.0.1. */
export const ICMP_H2_TO_H1 = hex('02000000000102000000000208004500002000070000400166d40a0000020a0000010000212700010001706f6e67');
/**
 * h1 sends `count` UDP frames to h2, h2 sends `count` ICMP frames back. Ports: h1/eth0 (out:
 * h1.output -> w12.input, in: w21.output -> h1in.input) and the mirror for h2. Nothing has run yet.
 */
export function twoHostCapture(count, options = {}) {
    const engine = new Engine();
    engine.configure(new Graph()
        .app('h1', Source, { frame: UDP_H1_TO_H2, batch: 1, limit: count })
        .app('h2', Source, { frame: ICMP_H2_TO_H1, batch: 1, limit: count })
        .app('w12', Wire)
        .app('w21', Wire)
        .app('h1in', Sink)
        .app('h2in', Sink)
        .link('h1.output -> w12.input')
        .link('w12.output -> h2in.input')
        .link('h2.output -> w21.input')
        .link('w21.output -> h1in.input'));
    const capture = new Capture(engine, options);
    const link = (k) => engine.links.get(k);
    capture.addPort('h1/eth0', { outbound: link('h1.output -> w12.input'), inbound: link('w21.output -> h1in.input') });
    capture.addPort('h2/eth0', { outbound: link('h2.output -> w21.input'), inbound: link('w12.output -> h2in.input') });
    return { engine, capture };
}
//# sourceMappingURL=testkit.js.map