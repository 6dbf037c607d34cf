import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, Graph } from '../../engine/engine.js';
import { PacketPool } from '../../engine/packet.js';
import { Peer } from '../../hosts/testkit.js';
import { Host } from '../../hosts/host.js';
import { encodeSpec } from '../../wire/spec.js';
import { assertConserved } from '../../testing/conservation.js';
import { E1000Nic } from './e1000-nic.js';
import { REG } from './regs.js';
const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';
/** Two guests whose e1000 NICs are cabled back to back; each guest stack is a scriptable peer. */
function pair() {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    const g = new Graph()
        .app('nicA', E1000Nic, { mac: A }).app('nicB', E1000Nic, { mac: B })
        .app('stackA', Peer, {}).app('stackB', Peer, {})
        .connect('stackA.port', 'nicA.guest').connect('stackB.port', 'nicB.guest')
        .connect('nicA.wire', 'nicB.wire');
    engine.configure(g);
    return { engine, nicA: engine.app('nicA'), nicB: engine.app('nicB'), stackA: engine.app('stackA'), stackB: engine.app('stackB') };
}
const frame = (src, dst, len) => encodeSpec(`eth(src=${src},dst=${dst}),ipv4(src=10.0.0.1,dst=10.0.0.2),udp(src=1,dst=2),payload(len=${len})`);
test('the guest driver reads its MAC from the EEPROM through EERD at boot', () => {
    const { nicA } = pair();
    assert.equal(nicA.driver.mac, 0x52_54_00_00_00_0a);
    assert.equal(nicA.driver.up, true);
    // Boot cost: reset, masks, three EEPROM words, RAL/RAH, 128 MTA words, ring and control setup.
    assert.ok(nicA.device.traps > 140, `boot took ${nicA.device.traps} traps`);
});
test('frames cross two emulated e1000s byte for byte, both ways, with every packet conserved', () => {
    const { engine, nicA, nicB, stackA, stackB } = pair();
    const small = frame(A, B, 18);
    const big = frame(B, A, 1472);
    for (let i = 0; i < 50; i++)
        stackA.send(small);
    for (let i = 0; i < 50; i++)
        stackB.send(big);
    engine.runFor(1_000_000);
    assert.equal(stackB.received.length, 50);
    assert.equal(stackA.received.length, 50);
    assert.deepEqual(stackB.received[49], small);
    assert.deepEqual(stackA.received[0], big);
    assert.equal(nicA.device.txFrames, 50);
    assert.equal(nicB.device.rxFrames, 50);
    assertConserved(engine);
});
test('one frame costs a TDT trap on send and ICR, IMC, IMS, RDT traps and an interrupt on receipt', () => {
    const { engine, nicA, nicB, stackA, stackB } = pair();
    const before = { a: nicA.device.traps, b: nicB.device.traps, ia: nicA.device.interrupts, ib: nicB.device.interrupts };
    const tdt = nicA.device.trapsByRegister[REG.TDT >> 2];
    stackA.send(frame(A, B, 18));
    engine.runFor(100_000);
    assert.equal(stackB.received.length, 1);
    assert.equal(nicA.device.trapsByRegister[REG.TDT >> 2] - tdt, 1);
    // Sender: TDT, then the TXDW interrupt handler: ICR, IMC, STATUS, IMS, STATUS.
    assert.equal(nicA.device.traps - before.a, 6);
    // Receiver: the RXT0 handler: ICR, IMC, STATUS, RDT, IMS, STATUS.
    assert.equal(nicB.device.traps - before.b, 6);
    assert.equal(nicA.device.interrupts - before.ia, 1);
    assert.equal(nicB.device.interrupts - before.ib, 1);
    assert.equal(nicA.device.copies + nicB.device.copies, 2, 'one VMM copy out of guest A, one into guest B');
});
test('a burst shares one TDT write and one interrupt', () => {
    const { engine, nicA, stackA, stackB } = pair();
    const tdt = nicA.device.trapsByRegister[REG.TDT >> 2];
    for (let i = 0; i < 32; i++)
        stackA.send(frame(A, B, 18));
    engine.runFor(100_000);
    assert.equal(stackB.received.length, 32);
    assert.equal(nicA.device.trapsByRegister[REG.TDT >> 2] - tdt, 1);
});
test('frames to another MAC are refused by the address filter and counted', () => {
    const { engine, nicB, stackA, stackB } = pair();
    stackA.send(frame(A, '52:54:00:00:00:99', 18));
    engine.runFor(100_000);
    assert.equal(stackB.received.length, 0);
    assert.equal(nicB.dropCounts['rx-filtered'], 1);
});
test('more frames than receive descriptors are missed packets, counted as the hardware counts them', () => {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    engine.configure(new Graph().app('nic', E1000Nic, { mac: B, rxRing: 8 }).app('wire', Peer, {}).app('stack', Peer, {})
        .connect('wire.port', 'nic.wire').connect('stack.port', 'nic.guest'));
    const nic = engine.app('nic');
    // All arrive in one push, before the guest's interrupt handler can return buffers.
    for (let i = 0; i < 12; i++)
        engine.app('wire').send(frame(A, B, 18));
    engine.runFor(100_000);
    assert.equal(engine.app('stack').received.length, 7, 'a ring of 8 holds 7 posted buffers');
    assert.equal(nic.dropCounts['rx-no-descriptors'], 5);
    assert.equal(nic.device.peek(REG.MPC), 5);
    assertConserved(engine);
});
test('a host behind an e1000 NIC answers ping through the emulated device', () => {
    const engine = new Engine({ pool: new PacketPool({ count: 4096 }) });
    engine.configure(new Graph()
        .app('vm1', Host, { interfaces: { eth0: { ip: '10.0.0.1/24', mac: A } } })
        .app('vm2', Host, { interfaces: { eth0: { ip: '10.0.0.2/24', mac: B } } })
        .app('nic1', E1000Nic, { mac: A }).app('nic2', E1000Nic, { mac: B })
        .connect('vm1.eth0', 'nic1.guest').connect('vm2.eth0', 'nic2.guest').connect('nic1.wire', 'nic2.wire'));
    const s = engine.app('vm1').ping('10.0.0.2', { count: 3, interval: 1_000_000, timeout: 100_000_000 });
    engine.runUntil(() => s.done, 10e9);
    assert.equal(s.received, 3);
    assertConserved(engine);
});
//# sourceMappingURL=e1000-nic.test.js.map