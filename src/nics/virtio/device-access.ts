/**
 * How a guest's virtio-net driver reaches its device: the transport registers (status, features,
 * queue set-up, config, notify) and the guest RAM it lays its rings out in.
 *
 * `VirtioNetDevice` is one implementation (the driver calls the device model directly, in the same
 * thread: inline guests). `ExitingVirtioDevice` is the other, for a guest running in its own worker
 * thread: every register access is a synchronous exit to the VMM thread, which performs it on the
 * real device model and answers, as a vCPU's MMIO exit does. The device side never sees anything but
 * those calls and guest RAM, so its guest-address checks are the same in both cases.
 *
 * Interrupts go the other way without a message: the VMM side bumps a shared word per device (see
 * src/vm/lockstep.ts) and the guest thread polls it at the start of each breath, calling
 * `onInterrupt` as the device model would in-thread.
 */
import type { GuestAllocator, GuestMemory } from '../../vm/guest-memory.js';
import type { VirtqueueAddresses } from './virtqueue.js';

/** The guest-physical memory a driver lays its rings and buffers out in. */
export interface GuestRam {
  readonly memory: GuestMemory;
  readonly allocator: GuestAllocator;
}

/** The virtio transport's register operations (status, features, queue set-up, config, notify). */
export interface VirtioRegisters {
  readStatus(): number;
  writeStatus(value: number): void;
  readDeviceFeatures(select: 0 | 1): number;
  writeDriverFeatures(select: 0 | 1, bits: number): void;
  setQueue(queue: number, addrs: VirtqueueAddresses): void;
  readConfig(): { mac: number; status: number };
  notify(queue: number): void;
}

/** The device as the guest driver sees it. Every method is a trap to the VMM; `live` and `onInterrupt` are not. */
export interface VirtioDeviceAccess extends VirtioRegisters {
  readonly vm: GuestRam;
  /** DRIVER_OK set and no reset needed (the driver's cached view of the status; no exit). */
  readonly live: boolean;
  /** Set by the driver: the device raised an interrupt for queue `q`. */
  onInterrupt: ((queue: number) => void) | null;
}

/** Register operations of the virtio transport, as exit codes. */
export const VIRTIO_EXIT = {
  readStatus: 1,
  writeStatus: 2,
  readDeviceFeatures: 3,
  writeDriverFeatures: 4,
  setQueue: 5,
  readConfig: 6,
  notify: 7,
} as const;

/** What the guest thread needs to trap to the VMM: one synchronous exit with up to five numeric arguments. */
export interface ExitPort {
  exit(op: number, device: number, a0?: number, a1?: number, a2?: number, a3?: number, a4?: number): number;
}

/** The device the VMM serves an exit on: the transport half of VirtioNetDevice. */
export interface VirtioTransport extends VirtioRegisters {
  readonly mac: number;
  readonly live: boolean;
}

/**
 * Performs one exit on the device (VMM side) and returns its result. Unknown operations are
 * refused with NaN: the guest thread is ours, so that is a programming error it will notice.
 */
export function serveVirtioExit(dev: VirtioTransport, op: number, args: Float64Array): number {
  switch (op) {
    case VIRTIO_EXIT.readStatus: return dev.readStatus();
    case VIRTIO_EXIT.writeStatus: dev.writeStatus(args[0]!); return 0;
    case VIRTIO_EXIT.readDeviceFeatures: return dev.readDeviceFeatures(args[0] === 1 ? 1 : 0);
    case VIRTIO_EXIT.writeDriverFeatures: dev.writeDriverFeatures(args[0] === 1 ? 1 : 0, args[1]!); return 0;
    case VIRTIO_EXIT.setQueue: dev.setQueue(args[0]!, { size: args[1]!, desc: args[2]!, avail: args[3]!, used: args[4]! }); return 0;
    // One exit for the whole of virtio_net_config: the 48-bit MAC with the status word above it (exact below 2^53).
    case VIRTIO_EXIT.readConfig: { const c = dev.readConfig(); return c.mac + (c.status & 0x1f) * 2 ** 48; }
    case VIRTIO_EXIT.notify: dev.notify(args[0]!); return 0;
    default: return Number.NaN;
  }
}

/** The guest-thread view of a virtio-net device: register accesses exit to the VMM thread. */
export class ExitingVirtioDevice implements VirtioDeviceAccess {
  readonly vm: GuestRam;
  readonly #port: ExitPort;
  readonly #index: number;
  readonly #liveWord: Int32Array;
  readonly #liveAt: number;
  onInterrupt: ((queue: number) => void) | null = null;

  /**
   * `index` names the device to the VMM; `liveWord[liveAt]` is where the VMM mirrors whether the
   * device is live (1) after every exit and before every breath.
   */
  constructor(ram: GuestRam, port: ExitPort, index: number, liveWord: Int32Array, liveAt: number) {
    this.vm = ram;
    this.#port = port;
    this.#index = index;
    this.#liveWord = liveWord;
    this.#liveAt = liveAt;
  }

  get live(): boolean {
    return Atomics.load(this.#liveWord, this.#liveAt) === 1;
  }

  readStatus(): number {
    return this.#port.exit(VIRTIO_EXIT.readStatus, this.#index);
  }
  writeStatus(value: number): void {
    this.#port.exit(VIRTIO_EXIT.writeStatus, this.#index, value);
  }
  readDeviceFeatures(select: 0 | 1): number {
    return this.#port.exit(VIRTIO_EXIT.readDeviceFeatures, this.#index, select);
  }
  writeDriverFeatures(select: 0 | 1, bits: number): void {
    this.#port.exit(VIRTIO_EXIT.writeDriverFeatures, this.#index, select, bits);
  }
  setQueue(queue: number, addrs: VirtqueueAddresses): void {
    this.#port.exit(VIRTIO_EXIT.setQueue, this.#index, queue, addrs.size, addrs.desc, addrs.avail, addrs.used);
  }
  readConfig(): { mac: number; status: number } {
    const packed = this.#port.exit(VIRTIO_EXIT.readConfig, this.#index);
    const status = Math.floor(packed / 2 ** 48);
    return { mac: packed - status * 2 ** 48, status };
  }
  notify(queue: number): void {
    this.#port.exit(VIRTIO_EXIT.notify, this.#index, queue);
  }
}
