/**
 * An emulated VM as the host (VMM) side sees it: guest RAM, a guest-physical allocator for the guest's
 * drivers, doorbells for notifications, and exit counters.
 *
 * Design: where the guest runs, and why labs stay deterministic.
 * The guest side of a VM (its IP stack and NIC drivers, or a traffic guest) talks to the device side
 * (VirtioNetDevice and its backends, VmNicPorts, the e1000 model) only through guest RAM, doorbells or
 * interrupt words, and register calls. Where the guest side runs:
 *  - Inline (labs by default, `guest: inline`; the NIC conformance suite; `vnet compare nics --guest
 *    inline`): guest apps are ordinary apps of the lab's engine, in its thread. One engine on one virtual
 *    clock is deterministic by construction: the driver writes its rings in one push pass, the device
 *    reads them in a later one, in a fixed app order, so goldens and the per-packet copy/exit counts
 *    tests assert never vary.
 *  - Worker in lockstep (labs with `guest: worker`): the guest's Host and drivers are apps of a second
 *    engine in the VM's own worker thread (src/vm/guest-main.ts) over this VM's SharedArrayBuffer RAM.
 *    The lab's engine keeps a stand-in app, `VM/guest` (src/vm/worker-guest.ts), that runs the guest
 *    like a VMM runs a vCPU: when its timer fires (an interrupt was raised, or the guest's own next
 *    timer is due) it tells the guest "one breath at virtual time T" and blocks on a shared control
 *    block (src/vm/lockstep.ts) while serving the guest's exits, each register access performed on the
 *    real device model here and counted as an exit exactly as inline, until the guest reports "done"
 *    with its next timer. So only one thread runs at a time, the lab's clock still jumps to the earliest
 *    timer of both engines, and runs are deterministic. Checks, `show` and conservation reach the
 *    guest through structured commands while it is parked (src/vm/remote-stack.ts); packets never
 *    cross as messages. The same labs pass the same checks with the same exits per reason in both
 *    modes, but the guest's breath sits at the start of a lab breath instead of among its push passes,
 *    so frames reach the device a breath earlier: RTTs and breath counts differ slightly (and with them
 *    the odd ARP retry at the edge of a ping timeout). That is why inline stays the default: the
 *    goldens print both, and a worker guest costs a thread start (about 0.3 s compiled) and two
 *    thread hand-overs per guest breath.
 *  - Worker on real time, unsynchronised: the virtqueue benchmark (bench/suites/virtqueue.ts) and
 *    `vnet compare nics --guest worker`. For the virtio kinds that is src/nics/virtio/ring-bench.ts (the
 *    guest's DriverQueue in the worker; the backend's copies and kick handling in the calling thread);
 *    for e1000 src/nics/e1000/mmio-bench.ts (the guest's E1000Driver in the worker, each register access
 *    a synchronous round trip to the device model). These measure one direction (guest transmit), are
 *    not deterministic, and their counts are reported, not asserted.
 * In every mode the device side checks every guest address and length (GuestMemory), whoever wrote it.
 * The ring protocol (src/nics/virtio/virtqueue.ts) is one code path for both: it only ever touches the
 * SharedArrayBuffer through GuestMemory with Atomics on the index fields, so it is correct across
 * threads and trivially correct within one.
 *
 * Exits: a real guest traps to the VMM on a doorbell write (an MMIO or PIO exit) and on register
 * accesses; `exit(reason)` counts those so placements can be compared (vhost-net still exits on a
 * kick, but the kick goes to the kernel backend; a polling vhost-user backend suppresses kicks and
 * sees none).
 */
import { Doorbells } from './doorbell.js';
import { GuestAllocator, GuestMemory } from './guest-memory.js';
export class Vm {
    name;
    memory;
    allocator;
    doorbells;
    /** Exits by reason (register access, queue notify...). */
    exitsByReason = new Map();
    exits = 0;
    constructor(name, options = {}) {
        this.name = name;
        this.memory = new GuestMemory(options.ramBytes ?? 4 * 1024 * 1024);
        this.allocator = new GuestAllocator(this.memory);
        this.doorbells = new Doorbells(options.doorbells ?? 8);
    }
    /** Keeps engine configuration comparisons (JSON) from walking guest RAM. */
    toJSON() {
        return `vm ${this.name}`;
    }
    /** Counts one guest exit to the VMM. */
    exit(reason) {
        this.exits++;
        this.exitsByReason.set(reason, (this.exitsByReason.get(reason) ?? 0) + 1);
    }
}
//# sourceMappingURL=vm.js.map