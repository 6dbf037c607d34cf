import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { loadLabFile, parseLab } from '../control/lab/load.js';
import { LabRuntime } from '../control/lab/runtime.js';
import { STATUS_DEVICE_NEEDS_RESET, TX_QUEUE } from '../nics/virtio/net.js';
import { allocateVirtqueue } from '../nics/virtio/virtqueue.js';
import { repoRoot } from '../testing/paths.js';
import { GuestAllocator } from './guest-memory.js';
/** An example lab with every VM's guest placed `mode`. */
function exampleLab(lab, mode) {
    const m = loadLabFile(join(repoRoot(), 'examples', `${lab}.yml`));
    const nodes = Object.fromEntries(Object.entries(m.nodes).map(([k, n]) => [k, n.kind === 'vm' ? { ...n, guest: mode } : n]));
    return new LabRuntime({ ...m, nodes });
}
function vmDevices(rt) {
    const out = {};
    for (const [name, n] of Object.entries(rt.model.nodes)) {
        if (n.kind !== 'vm')
            continue;
        for (const [iface, c] of Object.entries(rt.engine.app(name).conf.interfaces)) {
            out[`${name}.${iface}`] = c.device === null ? null : { kicks: c.device.kicks, exits: Object.fromEntries(c.device.vm.exitsByReason) };
        }
    }
    return out;
}
/** What a check decided, without its round-trip times (the guest thread's breath sits elsewhere in the lab's breath). */
function verdicts(rt) {
    return rt.runChecks().checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} ${c.check}: ${c.detail.replace(/, rtt [\d.]+ ms/, '')}`);
}
for (const lab of ['nics-virtio', 'nics-e1000']) {
    test(`examples/${lab}.yml gives the same check results and NIC counters with worker guests as with inline ones`, () => {
        const inline = exampleLab(lab, 'inline');
        const worker = exampleLab(lab, 'worker');
        try {
            const a = verdicts(inline);
            const b = verdicts(worker);
            assert.deepEqual(b, a);
            assert.ok(a.every((c) => c.startsWith('PASS')), a.join('\n'));
            // Every register access of set-up and every kick is the same exit in both modes.
            assert.deepEqual(vmDevices(worker), vmDevices(inline));
            assert.equal(worker.conservation().ok, true, worker.conservation().problems.join('\n'));
            if (lab === 'nics-e1000')
                assert.deepEqual(worker.portRows(), inline.portRows());
        }
        finally {
            inline.stop();
            worker.stop();
        }
    });
}
const BRIDGED = `
name: worker-pair
topology:
  nodes:
    br0: { kind: bridge }
    a: { kind: vm, guest: worker, interfaces: { eth0: { ip: 10.9.0.1/24, nic: vhost-net } } }
    b: { kind: vm, guest: worker, interfaces: { eth0: { ip: 10.9.0.2/24, nic: virtio } } }
  links:
    - endpoints: ["a:eth0", "br0:p0"]
    - endpoints: ["b:eth0", "br0:p1"]
`;
test('a worker guest pings across a bridge, and the guest apps appear in conservation in place of their stand-in', () => {
    const rt = new LabRuntime(parseLab(BRIDGED));
    try {
        const s = rt.ping('a', '10.9.0.2', 3);
        assert.equal(s.received, 3);
        assert.equal(s.replies.length, 3);
        assert.ok(s.replies.every((r) => r.rtt > 0 && r.from === '10.9.0.2'));
        assert.match(s.summary(), /3 packets transmitted, 3 received, 0% packet loss/);
        const c = rt.conservation();
        assert.equal(c.ok, true, c.problems.join('\n'));
        const names = c.apps.map((x) => x.app);
        assert.deepEqual(names.filter((n) => n.startsWith('a')), ['a', 'a/guest', 'a/driver-eth0']);
        const guest = c.apps.find((x) => x.app === 'a/guest');
        assert.ok(guest.received >= 4 && guest.generated >= 4, JSON.stringify(guest));
        assert.deepEqual(rt.host('b').addresses().map((x) => x.addrs), [['10.9.0.2/24']]);
        assert.ok(rt.host('a').neighbours().some((n) => n.text.includes('10.9.0.2')));
    }
    finally {
        rt.stop();
    }
});
test('a worker guest runs in a thread of its own, and stopping the lab ends it', () => {
    const rt = new LabRuntime(parseLab(BRIDGED));
    const g = rt.engine.app('a/guest');
    const inGuest = g.command({ op: 'threadId' });
    assert.equal(inGuest, g.thread.threadId);
    assert.notEqual(inGuest, threadId);
    assert.ok(g.thread.exits > 0, 'the driver set its device up through exits');
    rt.stop();
    assert.equal(g.thread.stopped, true);
    assert.throws(() => g.command({ op: 'threadId' }), /already stopped/);
});
test('a worker guest that corrupts its transmit ring gets DEVICE_NEEDS_RESET, its driver counts the drops, and the lab keeps running', () => {
    const rt = new LabRuntime(parseLab(BRIDGED));
    try {
        assert.equal(rt.ping('a', '10.9.0.2', 1).received, 1);
        const dev = rt.engine.app('a').conf.interfaces.eth0.device;
        const mem = dev.vm.memory;
        // The driver laid its queues out first in guest RAM (rx, then tx): the same bump allocation finds them.
        const scratch = new GuestAllocator(mem);
        allocateVirtqueue(scratch, 256);
        const tx = allocateVirtqueue(scratch, 256);
        mem.store16(tx.avail + 2, (mem.load16(tx.avail + 2) + 1000) & 0xffff); // avail.idx jumps by 1000
        dev.notify(TX_QUEUE);
        rt.runUntil(() => false, 1e6);
        assert.ok((dev.status & STATUS_DEVICE_NEEDS_RESET) !== 0);
        assert.equal(dev.txq.broken, 'avail-index-jump');
        assert.equal(rt.ping('a', '10.9.0.2', 1, { timeout: 1e7 }).received, 0);
        const drops = rt.dropRows();
        assert.ok(drops.some((d) => d.where === 'a/driver-eth0' && d.reason === 'device-not-ready' && d.count > 0), JSON.stringify(drops));
        assert.equal(rt.conservation().ok, true);
    }
    finally {
        rt.stop();
    }
});
test('guest: must be inline or worker', () => {
    assert.throws(() => parseLab(BRIDGED.replace('guest: worker, interfaces: { eth0: { ip: 10.9.0.1', 'guest: threads, interfaces: { eth0: { ip: 10.9.0.1')), /a.*guest.*must be one of inline, worker/s);
});
test('a ping from a worker guest that sat idle while the lab clock moved is timed from when it was sent', () => {
    const rt = new LabRuntime(parseLab(BRIDGED));
    try {
        rt.runUntil(() => false, 2e9);
        assert.ok(rt.engine.now() >= 2e9);
        const s = rt.ping('b', '10.9.0.1', 2);
        assert.equal(s.received, 2);
        assert.ok(s.replies.every((r) => r.rtt > 0 && r.rtt < 1e6), JSON.stringify(s.replies));
    }
    finally {
        rt.stop();
    }
});
test('a ping without a route fails at once on a worker guest, with the same error as inline', () => {
    const results = ['inline', 'worker'].map((mode) => {
        const rt = new LabRuntime(parseLab(BRIDGED.replaceAll('guest: worker', `guest: ${mode}`)));
        try {
            const t0 = rt.engine.now();
            const s = rt.ping('a', '10.77.0.1', 2);
            return { done: s.done, sent: s.sent, errors: s.errors, quick: rt.engine.now() - t0 < 5e8 };
        }
        finally {
            rt.stop();
        }
    });
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[0].errors.map((e) => e.kind), ['no-route', 'no-route']);
    assert.equal(results[0].quick, true);
});
test('a worker guest with three NICs of different models reaches a neighbour through each', () => {
    const lab = `
name: three-nics
topology:
  nodes:
    br0: { kind: bridge }
    h0: { kind: host, interfaces: { eth0: { ip: 10.1.0.10/24 } } }
    h1: { kind: host, interfaces: { eth0: { ip: 10.2.0.10/24 } } }
    vm1: { kind: vm, guest: worker, interfaces: { eth0: { ip: 10.1.0.1/24, nic: vhost-user }, eth1: { ip: 10.2.0.1/24, nic: e1000 }, eth2: { ip: 10.3.0.1/24, nic: virtio } } }
    vm2: { kind: vm, guest: worker, interfaces: { eth0: { ip: 10.3.0.2/24, nic: e1000 } } }
  links:
    - endpoints: ["h0:eth0", "br0:p0"]
    - endpoints: ["vm1:eth0", "br0:p1"]
    - endpoints: ["h1:eth0", "vm1:eth1"]
    - endpoints: ["vm1:eth2", "vm2:eth0"]
checks:
  - ping: { from: vm1, to: 10.1.0.10, count: 2 }
  - ping: { from: vm1, to: 10.2.0.10, count: 2 }
  - ping: { from: vm1, to: 10.3.0.2, count: 2 }
  - ping: { from: vm2, to: 10.3.0.1, count: 2 }
  - udp: { from: h1, to: 10.2.0.1, port: 9000 }
`;
    const worker = new LabRuntime(parseLab(lab));
    const inline = new LabRuntime(parseLab(lab.replaceAll('guest: worker', 'guest: inline')));
    try {
        const b = verdicts(worker);
        assert.deepEqual(b, verdicts(inline));
        assert.ok(b.every((c) => c.startsWith('PASS')), b.join('\n'));
        assert.equal(worker.conservation().ok, true);
    }
    finally {
        worker.stop();
        inline.stop();
    }
});
//# sourceMappingURL=worker-guest.test.js.map