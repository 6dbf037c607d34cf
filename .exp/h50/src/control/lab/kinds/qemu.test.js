import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabFileError, parseLab } from '../load.js';
import { LabRuntime } from '../runtime.js';
import { qemuArgs } from './qemu.js';
function lab(vm) {
    return `name: q\ntopology:\n  nodes:\n    br0: { kind: bridge }\n    vm1:\n${vm}\n  links:\n    - endpoints: [vm1:eth0, br0:p1]\n`;
}
function problems(text) {
    try {
        parseLab(text, 'q.yml');
    }
    catch (e) {
        if (e instanceof LabFileError)
            return e.problems.map((p) => `${p.path}: ${p.message}`);
        throw e;
    }
    return [];
}
test('a qemu node takes a guest, one interface with mac and ip, and defaults memory to 256 MiB', () => {
    const m = parseLab(lab('      kind: qemu\n      guest: { kernel: k/vmlinuz, initrd: k/initrd.gz, append: "vnet.ping=10.0.0.1", args: [-smp, 1] }\n      interfaces: { eth0: { mac: 52:54:00:AA:00:01, ip: 10.0.0.2/24 } }'), 'q.yml');
    const vm = m.nodes.vm1;
    assert.deepEqual(vm, {
        kind: 'qemu',
        guest: { kernel: 'k/vmlinuz', initrd: 'k/initrd.gz', memory: 256, args: ['-smp', '1'], append: 'vnet.ping=10.0.0.1' },
        iface: 'eth0',
        mac: '52:54:00:aa:00:01',
        ip: '10.0.0.2/24',
    });
});
test('a qemu node without a guest, with two interfaces or with a bad address is refused, naming the field', () => {
    assert.deepEqual(problems(lab('      kind: qemu\n      interfaces: { eth0: {} }')), ['topology.nodes.vm1.guest: a qemu node needs guest: { kernel, initrd }']);
    const two = problems(lab('      kind: qemu\n      guest: { kernel: a, initrd: b }\n      interfaces: { eth0: {}, eth1: {} }'));
    assert.ok(two.some((p) => p.startsWith('topology.nodes.vm1.interfaces: a qemu node has exactly one interface')), two.join('\n'));
    const bad = problems(lab('      kind: qemu\n      guest: { kernel: a, initrd: b, memory: 8 }\n      interfaces: { eth0: { ip: 10.0.0.300/24, vlan: 5 } }'));
    assert.ok(bad.some((p) => p.startsWith('topology.nodes.vm1.guest.memory: must be an integer from 64')), bad.join('\n'));
    assert.ok(bad.some((p) => p.startsWith('topology.nodes.vm1.interfaces.eth0.ip:')), bad.join('\n'));
    assert.ok(bad.some((p) => p.startsWith('topology.nodes.vm1.interfaces.eth0.vlan: unknown field')), bad.join('\n'));
    const wrongPort = problems(lab('      kind: qemu\n      guest: { kernel: a, initrd: b }\n      interfaces: { eth1: {} }'));
    assert.ok(wrongPort.some((p) => /vm1 has no interface eth0 \(its NIC is eth1\)/.test(p)), wrongPort.join('\n'));
});
test('QEMU gets TCG, no reboot, the dgram netdev towards the port and a virtio-net NIC with the MAC', () => {
    const args = qemuArgs({ port: 'eth0', kernel: '/k', initrd: '/i', memoryMiB: 128, cmdline: 'console=ttyS0', mac: '52:54:00:00:00:07', extraArgs: ['-smp', '1'], consoleLog: '/log' }, 40123);
    const at = (flag) => args[args.indexOf(flag) + 1];
    assert.equal(at('-accel'), 'tcg');
    assert.ok(args.includes('-no-reboot') && args.includes('-nographic'));
    assert.equal(at('-m'), '128');
    assert.equal(at('-netdev'), 'dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=0,remote.type=inet,remote.host=127.0.0.1,remote.port=40123');
    assert.equal(at('-device'), 'virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:00:00:07');
    assert.deepEqual(args.slice(-2), ['-smp', '1']);
});
test('building the lab refuses a missing kernel; on the virtual clock QEMU is never started and the port conserves packets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnet-qemu-kind-'));
    try {
        const text = lab('      kind: qemu\n      guest: { kernel: vmlinuz, initrd: initrd.gz }\n      interfaces: { eth0: { ip: 10.0.0.2/24 } }');
        assert.throws(() => new LabRuntime(parseLab(text, join(dir, 'q.yml'))), /node vm1: guest kernel .*vmlinuz does not exist/);
        writeFileSync(join(dir, 'vmlinuz'), 'not a kernel');
        writeFileSync(join(dir, 'initrd.gz'), 'not an initrd');
        const rt = new LabRuntime(parseLab(text, join(dir, 'q.yml')));
        const vm = rt.engine.app('vm1');
        rt.engine.runFor(1e9);
        await vm.ready();
        assert.equal(vm.pid, null);
        rt.stop();
        const exit = await vm.exited;
        assert.equal(exit.started, false);
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
//# sourceMappingURL=qemu.test.js.map