import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketPool } from '../../engine/packet.js';
import { GuestMemory } from '../../vm/guest-memory.js';
import { E1000Device, RX_FILTERED, RX_NO_DESCRIPTORS, RX_OK } from './device.js';
import { EERD_DONE, EERD_START, ICR_RXO, ICR_RXT0, ICR_TXDW, ICR_TXQE, RCTL_BAM, RCTL_EN, REG, RXD_STAT_DD, RXD_STAT_EOP, TCTL_EN, TXD_CMD_EOP, TXD_CMD_RS, EEPROM_SUM, RAH_AV, } from './regs.js';
const MAC = 0x52_54_00_12_34_56;
function rig() {
    const mem = new GuestMemory(64 * 1024);
    const pool = new PacketPool({ count: 64 });
    const sent = [];
    let interrupts = 0;
    let discarded = 0;
    const dev = new E1000Device(mem, { mac: MAC }, {
        alloc: () => pool.alloc(),
        transmit: (p) => { sent.push(p.bytes()); pool.free(p); },
        discard: (p) => { discarded++; pool.free(p); },
        interrupt: () => { interrupts++; },
    });
    return { mem, pool, dev, sent, irqs: () => interrupts, discarded: () => discarded };
}
function eeprom(dev, word) {
    dev.write(REG.EERD, (word << 8) | EERD_START);
    const v = dev.read(REG.EERD);
    assert.ok((v & EERD_DONE) !== 0, 'EERD.DONE');
    return v >>> 16;
}
test('EERD reads the MAC from the EEPROM low byte first, and the EEPROM words sum to 0xBABA', () => {
    const { dev } = rig();
    assert.deepEqual([eeprom(dev, 0), eeprom(dev, 1), eeprom(dev, 2)], [0x5452, 0x1200, 0x5634]);
    let sum = 0;
    for (let w = 0; w < 64; w++)
        sum = (sum + eeprom(dev, w)) & 0xffff;
    assert.equal(sum, EEPROM_SUM);
    // Past the checksum word the EEPROM answers DONE with no data.
    dev.write(REG.EERD, (0x40 << 8) | EERD_START);
    assert.equal(dev.read(REG.EERD) >>> 16, 0);
    // RA[0] comes up holding the EEPROM MAC, address valid.
    assert.equal(dev.peek(REG.RAL0), 0x12005452);
    assert.equal(dev.peek(REG.RAH0), (0x5634 | RAH_AV) >>> 0);
});
test('ICR is read to clear, ICS sets causes, and IMS/IMC decide when the line rises', () => {
    const { dev, irqs } = rig();
    dev.write(REG.ICS, ICR_RXT0);
    assert.equal(irqs(), 0, 'masked causes raise no interrupt');
    assert.equal(dev.read(REG.ICS), ICR_RXT0, 'ICS reads back ICR');
    dev.write(REG.IMS, ICR_RXT0 | ICR_TXDW);
    assert.equal(irqs(), 1, 'unmasking a pending cause raises the line');
    assert.equal(dev.read(REG.IMS), ICR_RXT0 | ICR_TXDW);
    dev.write(REG.ICS, ICR_TXDW);
    assert.equal(irqs(), 1, 'the line is already up: no new edge');
    assert.equal(dev.read(REG.ICR), ICR_RXT0 | ICR_TXDW);
    assert.equal(dev.read(REG.ICR), 0, 'read to clear');
    assert.equal(dev.interruptPending, false);
    dev.write(REG.IMC, ICR_TXDW);
    dev.write(REG.ICS, ICR_TXDW);
    assert.equal(irqs(), 1, 'TXDW is masked now');
    dev.write(REG.ICS, ICR_RXT0);
    assert.equal(irqs(), 2);
});
test('a legacy transmit ring is run on the TDT write: buffers copied out, DD written back, TXDW and TXQE raised', () => {
    const { mem, dev, sent } = rig();
    const ring = 0x1000;
    const frame = Uint8Array.from({ length: 64 }, (_, i) => i);
    mem.bytes.set(frame.subarray(0, 20), 0x2000);
    mem.bytes.set(frame.subarray(20), 0x3000);
    // Two fragments of one frame, then RS on the last.
    mem.view.setUint32(ring, 0x2000, true);
    mem.view.setUint16(ring + 8, 20, true);
    mem.bytes[ring + 11] = 0;
    mem.view.setUint32(ring + 16, 0x3000, true);
    mem.view.setUint16(ring + 24, 44, true);
    mem.bytes[ring + 27] = TXD_CMD_EOP | TXD_CMD_RS;
    dev.write(REG.TDBAL, ring);
    dev.write(REG.TDLEN, 8 * 16);
    dev.write(REG.TCTL, TCTL_EN);
    dev.write(REG.TDT, 2);
    assert.deepEqual(sent, [frame]);
    assert.equal(dev.peek(REG.TDH), 2);
    assert.equal(mem.bytes[ring + 28] & 1, 1, 'DD on the RS descriptor');
    assert.equal(mem.bytes[ring + 12], 0, 'no write-back without RS');
    assert.equal(dev.peek(REG.ICR), ICR_TXDW | ICR_TXQE);
    assert.equal(dev.copies, 2);
    assert.equal(dev.read(REG.GPTC), 1);
    assert.equal(dev.read(REG.GPTC), 0, 'statistics are read to clear');
});
test('receive fills posted descriptors with DD|EOP, pads runts to 60 bytes, and counts a missed packet when none is posted', () => {
    const { mem, dev } = rig();
    const ring = 0x1000;
    for (let i = 0; i < 8; i++)
        mem.view.setUint32(ring + i * 16, 0x4000 + i * 2048, true);
    dev.write(REG.RDBAL, ring);
    dev.write(REG.RDLEN, 8 * 16 + 5); // low bits are ignored by the hardware
    assert.equal(dev.peek(REG.RDLEN), 128);
    dev.write(REG.RDT, 2);
    dev.write(REG.RCTL, RCTL_EN | RCTL_BAM);
    dev.write(REG.IMS, ICR_RXT0 | ICR_RXO);
    const bcast = new Uint8Array(42).fill(0xff);
    bcast.fill(7, 6);
    assert.equal(dev.receive(bcast, 0, 42), RX_OK);
    assert.equal(mem.view.getUint16(ring + 8, true), 60);
    assert.equal(mem.bytes[ring + 12], RXD_STAT_DD | RXD_STAT_EOP);
    assert.deepEqual(mem.bytes.subarray(0x4000, 0x4000 + 42), bcast);
    assert.equal(mem.bytes[0x4000 + 59], 0);
    const unicast = new Uint8Array(60);
    unicast.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
    assert.equal(dev.receive(unicast, 0, 60), RX_OK);
    assert.equal(dev.peek(REG.RDH), 2);
    assert.equal(dev.receive(unicast, 0, 60), RX_NO_DESCRIPTORS, 'RDH caught up with RDT');
    assert.equal(dev.read(REG.MPC), 1);
    assert.ok((dev.read(REG.ICR) & ICR_RXO) !== 0);
    const other = new Uint8Array(60);
    other.set([0x02, 0, 0, 0, 0, 9]);
    dev.write(REG.RDT, 5);
    assert.equal(dev.receive(other, 0, 60), RX_FILTERED, 'unicast to another MAC');
});
test('a multicast frame is accepted only when its MTA hash bit is set', () => {
    const { mem, dev } = rig();
    for (let i = 0; i < 8; i++)
        mem.view.setUint32(0x1000 + i * 16, 0x4000 + i * 2048, true);
    dev.write(REG.RDBAL, 0x1000);
    dev.write(REG.RDLEN, 128);
    dev.write(REG.RDT, 7);
    dev.write(REG.RCTL, RCTL_EN);
    const mc = new Uint8Array(60);
    mc.set([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
    assert.equal(dev.receive(mc, 0, 60), RX_FILTERED);
    // MO = 0: the hash is bits 47..36 of the address: (0xfb00 >> 4) & 0xfff.
    const f = (0xfb00 >> 4) & 0xfff;
    dev.write(REG.MTA + 4 * (f >> 5), 1 << (f & 31));
    assert.equal(dev.receive(mc, 0, 60), RX_OK);
});
test('hostile register values and descriptor addresses are counted and ignored, never thrown', () => {
    const { mem, dev, sent, discarded } = rig();
    dev.write(0x1_0000_0, 1);
    dev.write(0x0002, 1);
    dev.write(0x0f00, 1);
    assert.equal(dev.read(0x0f00), 0);
    assert.equal(dev.badAccesses, 4);
    dev.write(REG.STATUS, 0);
    assert.ok((dev.peek(REG.STATUS) & 2) !== 0, 'STATUS is read-only');
    // A transmit descriptor pointing outside guest RAM drops that frame only.
    mem.view.setUint32(0x1000, 0xfff_0000, true);
    mem.view.setUint16(0x1008, 64, true);
    mem.bytes[0x100b] = TXD_CMD_EOP | TXD_CMD_RS;
    mem.view.setUint32(0x1010, 0x2000, true);
    mem.view.setUint16(0x1018, 64, true);
    mem.bytes[0x101b] = TXD_CMD_EOP | TXD_CMD_RS;
    dev.write(REG.TDBAL, 0x1000);
    dev.write(REG.TDLEN, 128);
    dev.write(REG.TCTL, TCTL_EN);
    dev.write(REG.TDT, 2);
    assert.equal(dev.dmaFaults, 1);
    assert.equal(discarded(), 1);
    assert.equal(sent.length, 1);
    // A tail beyond the ring stalls it; a ring base outside RAM is a fault.
    dev.write(REG.TDT, 200);
    assert.equal(dev.ringErrors, 1);
    dev.write(REG.TDBAL, 0xffff_0000);
    dev.write(REG.TDT, 3);
    assert.equal(dev.dmaFaults, 2);
    dev.write(REG.TDBAH, 7);
    dev.write(REG.TDT, 4);
    assert.equal(dev.dmaFaults, 3);
    assert.equal(sent.length, 1);
});
test('CTRL.RST puts the registers back to their power-on values', () => {
    const { dev } = rig();
    dev.write(REG.RCTL, RCTL_EN);
    dev.write(REG.IMS, 0xff);
    dev.write(REG.CTRL, 1 << 26);
    assert.equal(dev.peek(REG.RCTL), 0);
    assert.equal(dev.peek(REG.IMS), 0);
    assert.equal(dev.peek(REG.CTRL) & (1 << 26), 0, 'RST self-clears');
});
test('every register access is one trap, counted per register', () => {
    const { dev } = rig();
    const before = dev.traps;
    dev.read(REG.STATUS);
    dev.write(REG.IMS, 1);
    dev.write(REG.IMS, 2);
    assert.equal(dev.traps - before, 3);
    const rows = dev.trapTable();
    assert.deepEqual(rows.find((r) => r.register === 'IMS'), { register: 'IMS', traps: 2 });
});
//# sourceMappingURL=device.test.js.map