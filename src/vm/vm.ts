/**
 * An emulated VM as the host (VMM) side sees it: guest RAM, a guest-physical allocator for the guest's
 * drivers, doorbells for notifications, and exit counters.
 *
 * Design: where the guest runs, and why labs stay deterministic.
 * The guest side of a VM (its NIC driver and IP stack or traffic guest) is ordinary engine apps talking
 * to the device only through guest RAM, doorbells and register calls. Which runs use which mode:
 *  - Inline, in the caller's engine and thread: every lab (`vnet lab run`, the shell, scenario tests),
 *    the NIC conformance suite, and `vnet compare nics` by default (`--guest inline`). One engine on one
 *    virtual clock is deterministic by construction: the driver writes its rings in one push, the device
 *    reads them in a later one, in a fixed app order, so goldens and the per-packet copy/exit counts
 *    that tests assert never vary. A lockstep worker would give the same answers but cost a thread
 *    round trip per breath and make idle time (the virtual clock jumping to the next timer) a
 *    cross-thread negotiation; it buys nothing a lab checks.
 *  - Worker, the guest driver in a worker thread over the SharedArrayBuffer guest RAM and doorbells,
 *    on real time: the virtqueue benchmark (bench/suites/virtqueue.ts) and `vnet compare nics
 *    --guest worker`. For the virtio kinds that is src/nics/virtio/ring-bench.ts (the guest's
 *    DriverQueue in the worker; the backend's copies and kick handling in the calling thread); for
 *    e1000 src/nics/e1000/mmio-bench.ts (the guest's E1000Driver in the worker, each register access
 *    a synchronous round trip to the device model in the calling thread, like a vCPU's MMIO exit).
 *    Worker runs measure one direction (guest transmit) and are not deterministic; their counts are
 *    reported, not asserted.
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

export type GuestPlacement = 'inline' | 'worker';

export interface VmOptions {
  /** Bytes of guest RAM (default 4 MiB). */
  readonly ramBytes?: number;
  /** Doorbell words (default 8: enough for a few queues' kicks and interrupts). */
  readonly doorbells?: number;
}

export class Vm {
  readonly name: string;
  readonly memory: GuestMemory;
  readonly allocator: GuestAllocator;
  readonly doorbells: Doorbells;
  /** Exits by reason (register access, queue notify...). */
  readonly exitsByReason = new Map<string, number>();
  exits = 0;

  constructor(name: string, options: VmOptions = {}) {
    this.name = name;
    this.memory = new GuestMemory(options.ramBytes ?? 4 * 1024 * 1024);
    this.allocator = new GuestAllocator(this.memory);
    this.doorbells = new Doorbells(options.doorbells ?? 8);
  }

  /** Keeps engine configuration comparisons (JSON) from walking guest RAM. */
  toJSON(): string {
    return `vm ${this.name}`;
  }

  /** Counts one guest exit to the VMM. */
  exit(reason: string): void {
    this.exits++;
    this.exitsByReason.set(reason, (this.exitsByReason.get(reason) ?? 0) + 1);
  }
}
