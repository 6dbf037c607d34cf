import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import { Chain, DeviceQueue, DriverQueue, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, allocateVirtqueue, needEvent } from './virtqueue.js';
function setup(size, features, maxIndirect = 4) {
    const mem = new GuestMemory(1 << 20);
    const alloc = new GuestAllocator(mem);
    const addrs = allocateVirtqueue(alloc, size);
    const driver = new DriverQueue(mem, addrs, features, { alloc, maxSegments: maxIndirect });
    const device = new DeviceQueue(mem, addrs, features);
    return { mem, alloc, addrs, driver, device, chain: new Chain(size) };
}
const plain = { eventIdx: false, indirect: false };
const evt = { eventIdx: true, indirect: true };
function writeDesc(mem, at, addr, len, flags, next) {
    mem.write64(at, addr);
    mem.write32(at + 8, len);
    mem.write16(at + 12, flags);
    mem.write16(at + 14, next);
}
/** Makes descriptor `head` available by hand, as a hostile guest would. */
function offer(mem, addrs, head, idx) {
    mem.write16(addrs.avail + 4 + 2 * ((idx - 1) % addrs.size), head);
    mem.store16(addrs.avail + 2, idx);
}
test('the ring layout matches the spec: 16-byte descriptors, avail and used rings with event fields', () => {
    const { mem, addrs, driver } = setup(8, plain);
    assert.equal(addrs.avail - addrs.desc, 16 * 8);
    const buf = 0x40000;
    driver.begin();
    driver.add(buf, 100, false);
    assert.ok(driver.commit(7));
    driver.publish();
    assert.equal(mem.view.getUint32(addrs.desc, true), buf, 'addr low word');
    assert.equal(mem.view.getUint32(addrs.desc + 4, true), 0, 'addr high word');
    assert.equal(mem.view.getUint32(addrs.desc + 8, true), 100, 'len');
    assert.equal(mem.view.getUint16(addrs.desc + 12, true), 0, 'flags');
    assert.equal(mem.view.getUint16(addrs.avail + 2, true), 1, 'avail.idx');
    assert.equal(mem.view.getUint16(addrs.avail + 4, true), 0, 'avail.ring[0] is head 0');
});
test('a chain of readable then writable buffers goes through and comes back with its token and length', () => {
    const { driver, device, chain } = setup(8, plain);
    driver.begin();
    driver.add(0x40000, 12, false);
    driver.add(0x41000, 64, false);
    driver.add(0x42000, 1500, true);
    assert.ok(driver.commit(42));
    assert.equal(driver.numFree, 5, 'a direct chain takes one descriptor per buffer');
    assert.ok(driver.publish(), 'the device wants kicks by default');
    assert.equal(device.pop(chain, 'read'), 'chain');
    assert.equal(chain.count, 3);
    assert.equal(chain.readableBytes, 76);
    assert.equal(chain.writableBytes, 1500);
    assert.equal(chain.addr[2], 0x42000);
    device.pushUsed(chain.head, 1000);
    assert.ok(device.publishUsed());
    assert.ok(driver.pollUsed());
    assert.equal(driver.usedToken, 42);
    assert.equal(driver.usedLen, 1000);
    assert.equal(driver.numFree, 8);
    assert.equal(device.pop(chain, 'read'), 'empty');
});
test('an indirect chain uses one ring descriptor and the device follows the table', () => {
    const { mem, addrs, driver, device, chain } = setup(4, evt);
    driver.begin();
    driver.add(0x40000, 12, false);
    driver.add(0x40100, 60, false);
    assert.ok(driver.commit(1));
    assert.equal(driver.numFree, 3);
    assert.equal(mem.view.getUint16(addrs.desc + 12, true), VIRTQ_DESC_F_INDIRECT);
    driver.publish();
    assert.equal(device.pop(chain, 'read'), 'chain');
    assert.equal(chain.count, 2);
    assert.equal(chain.readableBytes, 72);
});
test('indices wrap around at 2^16 and every chain still comes back', () => {
    const { driver, device, chain } = setup(4, evt);
    let done = 0;
    for (let i = 0; i < 70000; i++) {
        driver.begin();
        driver.add(0x40000 + (i & 3) * 64, 64, false);
        assert.ok(driver.commit(i));
        driver.publish();
        assert.equal(device.pop(chain, 'read'), 'chain');
        device.pushUsed(chain.head, 0);
        device.publishUsed();
        assert.ok(driver.pollUsed());
        assert.equal(driver.usedToken, i);
        done++;
    }
    assert.equal(done, 70000);
    assert.equal(device.lastAvail, 70000 & 0xffff);
});
test('vring_need_event is true exactly when the event index lies in the newly published range', () => {
    assert.equal(needEvent(5, 6, 5), true);
    assert.equal(needEvent(5, 5, 4), false);
    assert.equal(needEvent(4, 10, 5), false, 'event already passed before old');
    assert.equal(needEvent(0xffff, 1, 0xfffe), true, 'across the wrap');
});
test('with EVENT_IDX a busy queue kicks once per batch the device has not yet seen', () => {
    const { driver, device, chain } = setup(256, evt);
    device.enableNotify();
    for (let batch = 0; batch < 4; batch++) {
        for (let k = 0; k < 32; k++) {
            driver.begin();
            driver.add(0x40000, 64, false);
            driver.commit(k);
        }
        driver.publish();
    }
    assert.equal(driver.kicks, 1, 'the device asked for a kick at entry 0 only');
    assert.equal(driver.kicksSuppressed, 3);
    let n = 0;
    while (n < 64 && device.pop(chain, 'read') === 'chain') {
        device.pushUsed(chain.head, 0);
        n++;
    }
    assert.equal(device.publishUsed(), true, 'used_event 0 asks for an interrupt on the first entry');
    while (device.pop(chain, 'read') === 'chain') {
        device.pushUsed(chain.head, 0);
        n++;
    }
    assert.equal(n, 128);
    assert.equal(device.publishUsed(), false, 'the driver has not moved used_event since: no second interrupt');
    assert.equal(driver.enableInterrupts(), true, 'entries are waiting, so the driver keeps polling instead of sleeping');
});
test('without EVENT_IDX the NO_NOTIFY and NO_INTERRUPT flags suppress notifications', () => {
    const { driver, device, chain } = setup(8, plain);
    device.disableNotify();
    driver.begin();
    driver.add(0x40000, 64, false);
    driver.commit(0);
    assert.equal(driver.publish(), false);
    assert.equal(device.enableNotify(), true, 'work slipped in while kicks were off');
    driver.disableInterrupts();
    assert.equal(device.pop(chain, 'read'), 'chain');
    device.pushUsed(chain.head, 0);
    assert.equal(device.publishUsed(), false);
    assert.equal(driver.enableInterrupts(), true);
});
test('a descriptor outside guest RAM drops that chain with a reason and the queue goes on', () => {
    const { mem, addrs, device, chain } = setup(8, plain);
    writeDesc(mem, addrs.desc, (1 << 20) - 10, 64, 0, 0);
    offer(mem, addrs, 0, 1);
    assert.equal(device.pop(chain, 'read'), 'fault');
    assert.equal(device.lastFault, 'desc-out-of-ram');
    writeDesc(mem, addrs.desc + 16, 0x1_0000_0000, 64, 0, 0);
    offer(mem, addrs, 1, 2);
    assert.equal(device.pop(chain, 'read'), 'fault', 'an address above 2^32 is outside RAM');
    writeDesc(mem, addrs.desc + 32, 0x40000, 0xffffffff, 0, 0);
    offer(mem, addrs, 2, 3);
    assert.equal(device.pop(chain, 'read'), 'fault', 'a length that overflows RAM');
    assert.equal(device.chainFaults['desc-out-of-ram'], 3);
    device.publishUsed();
    assert.equal(mem.read16(addrs.used + 2), 3, 'the dropped chains went back to the driver');
    assert.equal(mem.read32(addrs.used + 8), 0, 'with length 0');
    assert.equal(device.broken, null);
});
test('lengths that add up beyond the device limit, wrong order and wrong direction are chain faults', () => {
    const { mem, addrs, device, chain } = setup(8, plain);
    writeDesc(mem, addrs.desc, 0x40000, 60000, VIRTQ_DESC_F_NEXT, 1);
    writeDesc(mem, addrs.desc + 16, 0x50000, 60000, 0, 0);
    offer(mem, addrs, 0, 1);
    assert.equal(device.pop(chain, 'read'), 'fault');
    assert.equal(device.lastFault, 'chain-too-long');
    writeDesc(mem, addrs.desc + 32, 0x40000, 10, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
    writeDesc(mem, addrs.desc + 48, 0x40100, 10, 0, 0);
    offer(mem, addrs, 2, 2);
    assert.equal(device.pop(chain, 'read'), 'fault');
    assert.equal(device.lastFault, 'readable-after-writable');
    writeDesc(mem, addrs.desc + 64, 0x40000, 10, 0, 0);
    offer(mem, addrs, 4, 3);
    assert.equal(device.pop(chain, 'write'), 'fault');
    assert.equal(device.lastFault, 'wrong-direction');
});
test('a descriptor loop breaks the queue instead of hanging the device', () => {
    const { mem, addrs, device, chain } = setup(8, plain);
    writeDesc(mem, addrs.desc, 0x40000, 10, VIRTQ_DESC_F_NEXT, 1);
    writeDesc(mem, addrs.desc + 16, 0x40000, 10, VIRTQ_DESC_F_NEXT, 0);
    offer(mem, addrs, 0, 1);
    assert.equal(device.pop(chain, 'read'), 'broken');
    assert.equal(device.broken, 'descriptor-loop');
    assert.equal(device.pop(chain, 'read'), 'broken', 'a broken queue stays stopped');
});
test('ring faults: head or next beyond the table, avail index jumps, bad indirect tables, rings outside RAM', () => {
    const cases = [
        ['bad-head-index', (s) => offer(s.mem, s.addrs, 9, 1)],
        ['bad-next-index', (s) => { writeDesc(s.mem, s.addrs.desc, 0x40000, 10, VIRTQ_DESC_F_NEXT, 200); offer(s.mem, s.addrs, 0, 1); }],
        ['avail-index-jump', (s) => s.mem.store16(s.addrs.avail + 2, 9)],
        ['indirect-not-negotiated', (s) => { writeDesc(s.mem, s.addrs.desc, 0x40000, 32, VIRTQ_DESC_F_INDIRECT, 0); offer(s.mem, s.addrs, 0, 1); }],
    ];
    for (const [reason, poison] of cases) {
        const s = setup(8, plain);
        poison(s);
        assert.equal(s.device.pop(s.chain, 'read'), 'broken', reason);
        assert.equal(s.device.broken, reason);
    }
    const indirectCases = [
        ['nested-indirect', (s) => { writeDesc(s.mem, 0x40000, 0x41000, 16, VIRTQ_DESC_F_INDIRECT, 0); writeDesc(s.mem, s.addrs.desc, 0x40000, 16, VIRTQ_DESC_F_INDIRECT, 0); offer(s.mem, s.addrs, 0, 1); }],
        ['indirect-with-next', (s) => { writeDesc(s.mem, s.addrs.desc, 0x40000, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1); offer(s.mem, s.addrs, 0, 1); }],
        ['bad-indirect-length', (s) => { writeDesc(s.mem, s.addrs.desc, 0x40000, 20, VIRTQ_DESC_F_INDIRECT, 0); offer(s.mem, s.addrs, 0, 1); }],
        ['indirect-out-of-ram', (s) => { writeDesc(s.mem, s.addrs.desc, (1 << 20) - 16, 32, VIRTQ_DESC_F_INDIRECT, 0); offer(s.mem, s.addrs, 0, 1); }],
        ['descriptor-loop', (s) => { writeDesc(s.mem, 0x40000, 0x42000, 8, VIRTQ_DESC_F_NEXT, 0); writeDesc(s.mem, s.addrs.desc, 0x40000, 16, VIRTQ_DESC_F_INDIRECT, 0); offer(s.mem, s.addrs, 0, 1); }],
    ];
    for (const [reason, poison] of indirectCases) {
        const s = setup(8, evt);
        poison(s);
        assert.equal(s.device.pop(s.chain, 'read'), 'broken', reason);
        assert.equal(s.device.broken, reason);
    }
    const mem = new GuestMemory(8192);
    assert.equal(new DeviceQueue(mem, { size: 256, desc: 4096, avail: 8192, used: 8200 }, plain).broken, 'ring-out-of-ram');
    assert.equal(new DeviceQueue(mem, { size: 3, desc: 0, avail: 64, used: 128 }, plain).broken, 'bad-queue-size');
    assert.equal(new DeviceQueue(mem, { size: 4, desc: 8, avail: 128, used: 256 }, plain).broken, 'ring-out-of-ram', 'a misaligned descriptor table');
});
test('random garbage in the rings never makes the device throw, hang or touch memory outside RAM', () => {
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let round = 0; round < 300; round++) {
        const s = setup(8, round % 2 === 0 ? plain : evt);
        for (let k = 0; k < 64; k++) {
            const at = s.addrs.desc + (rnd() % (16 * 8 + 6 + 16 + 6 + 64));
            s.mem.write8(at, rnd() & 0xff);
        }
        s.mem.store16(s.addrs.avail + 2, rnd() & 0x0f);
        for (let k = 0; k < 20; k++) {
            const r = s.device.pop(s.chain, round % 3 === 0 ? 'write' : 'read');
            if (r === 'chain') {
                s.device.pushUsed(s.chain.head, 0);
            }
            if (r === 'broken' || r === 'empty')
                break;
        }
        s.device.publishUsed();
    }
});
test('with a translation the device maps 47-bit descriptor addresses, indirect tables included, and refuses unmapped ones', () => {
    const mem = new GuestMemory(1 << 20);
    const addrs = { size: 8, desc: 0x1000, avail: 0x2000, used: 0x3000 };
    // Two windows, as a front-end's regions would be: 0x7f12_3400_0000 -> local 0x40000, 0x10_0000 -> local 0x80000.
    const windows = [{ gpa: 0x7f12_3400_0000, local: 0x40000, size: 0x10000 }, { gpa: 0x10_0000, local: 0x80000, size: 0x10000 }];
    const translation = {
        gpaToLocal(gpa) {
            for (const w of windows)
                if (gpa >= w.gpa && gpa < w.gpa + w.size)
                    return w.local + (gpa - w.gpa);
            return -1;
        },
    };
    const device = new DeviceQueue(mem, addrs, evt, 65562, { translation });
    const chain = new Chain(8);
    writeDesc(mem, addrs.desc, 0x7f12_3400_0100, 60, VIRTQ_DESC_F_NEXT, 1);
    writeDesc(mem, addrs.desc + 16, 0x10_0200, 1500, VIRTQ_DESC_F_WRITE, 0);
    offer(mem, addrs, 0, 1);
    assert.equal(device.pop(chain, 'read'), 'chain');
    assert.deepEqual([chain.count, chain.addr[0], chain.len[0], chain.addr[1], chain.writable[1]], [2, 0x40100, 60, 0x80200, 1]);
    // An indirect table in the second window holding one buffer in the first.
    writeDesc(mem, 0x80800, 0x7f12_3400_0400, 42, 0, 0);
    writeDesc(mem, addrs.desc + 32, 0x10_0800, 16, VIRTQ_DESC_F_INDIRECT, 0);
    offer(mem, addrs, 2, 2);
    assert.equal(device.pop(chain, 'read'), 'chain');
    assert.deepEqual([chain.head, chain.count, chain.addr[0], chain.len[0]], [2, 1, 0x40400, 42]);
    const refused = [
        [0x7f12_3500_0000, 'an address no window holds'],
        [0x40100, 'a local offset is not a front-end address'],
        [0xffff_ffff_0000_0000, 'an address beyond 2^53'],
    ];
    for (const [k, [gpa, why]] of refused.entries()) {
        const at = addrs.desc + 16 * (3 + k);
        mem.write32(at, gpa % 0x1_0000_0000);
        mem.write32(at + 4, Math.floor(gpa / 0x1_0000_0000));
        mem.write32(at + 8, 60);
        offer(mem, addrs, 3 + k, 3 + k);
        assert.equal(device.pop(chain, 'read'), 'fault', why);
    }
    assert.equal(device.chainFaults['desc-out-of-ram'], 3);
    assert.equal(device.broken, null);
});
test('a queue given a start index resumes there and wraps past 2^16', () => {
    const mem = new GuestMemory(1 << 20);
    const addrs = { size: 4, desc: 0x1000, avail: 0x2000, used: 0x3000 };
    for (let k = 0; k < 4; k++)
        writeDesc(mem, addrs.desc + 16 * k, 0x40000 + 0x100 * k, 10 + k, 0, 0);
    // The driver already published up to 0xfffe and the previous device took all of them.
    mem.store16(addrs.avail + 2, 0xfffe);
    mem.store16(addrs.used + 2, 0xfffe);
    const device = new DeviceQueue(mem, addrs, plain, 65562, { startIndex: 0xfffe });
    const chain = new Chain(4);
    assert.equal(device.pending(), 0);
    assert.equal(device.pop(chain, 'read'), 'empty', 'nothing new since the start index');
    for (const [head, idx] of [[3, 0xffff], [1, 0x10000], [2, 0x10001]]) {
        mem.write16(addrs.avail + 4 + 2 * ((idx - 1) % 4), head);
        mem.store16(addrs.avail + 2, idx & 0xffff);
    }
    const heads = [];
    while (device.pop(chain, 'read') === 'chain') {
        heads.push(chain.head);
        device.pushUsed(chain.head, 0);
    }
    assert.deepEqual(heads, [3, 1, 2]);
    assert.equal(device.lastAvail, 1);
    device.publishUsed();
    assert.equal(mem.load16(addrs.used + 2), 1, 'used.idx continued from where the ring stood');
    assert.equal(mem.read32(addrs.used + 4 + 8 * (0xfffe % 4)), 3);
});
//# sourceMappingURL=virtqueue.test.js.map