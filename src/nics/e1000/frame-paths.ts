/**
 * The frame paths both e1000 apps share: E1000Nic (guest driver and device model in one app, for
 * inline guests) and the split pair in split.ts (the device model in the VMM, the driver in a guest
 * thread). Each app supplies its drop, consume and alloc as hooks, built once; the paths are:
 *   - stack -> driver: frames from the guest IP stack into the transmit ring, one TDT write per batch;
 *   - wire -> device: frames DMA'd into the guest's posted receive buffers;
 *   - driver -> stack: received buffers out of guest RAM into packets, a frame spanning several
 *     buffers reassembled (at most one partial frame is held, `held`).
 */
import type { Link } from '../../engine/link.js';
import type { Packet } from '../../engine/packet.js';
import type { GuestMemory } from '../../vm/guest-memory.js';
import { type E1000Device, RX_DISABLED, RX_FILTERED, RX_NO_DESCRIPTORS, RX_OK, RX_TOO_LONG } from './device.js';
import type { E1000Driver } from './driver.js';
import { copyBytes } from '../../engine/copy-bytes.js';

/** The device side's drop reasons (the VMM half, and E1000Nic). */
export const E1000_DEVICE_DROPS = {
  'tx-bad-frame': 'the device discarded a frame: descriptor outside guest RAM, too long, or a runt',
  'rx-disabled': 'receive is off (RCTL.EN clear) or the link is down',
  'rx-filtered': 'the receive address filter refused the destination MAC',
  'rx-no-descriptors': 'no receive descriptor was posted: a missed packet (MPC, RNBC)',
  'rx-dma-fault': 'a receive descriptor or buffer lies outside guest RAM',
  'rx-too-long': 'frame longer than the receive limit (RCTL.LPE clear)',
  'no-output': 'the port the frame leaves by has no link',
  'pool-empty': 'no packet buffer for a frame',
} as const;

/** The guest driver's transmit-side drop reasons. */
export const E1000_DRIVER_TX_DROPS = {
  'tx-ring-full': 'the guest driver\'s transmit ring was full',
  'nic-down': 'the guest driver has not brought the NIC up',
} as const;

/** Drop reasons of the device's receive results other than RX_OK. */
export type E1000RxDrop = 'rx-disabled' | 'rx-filtered' | 'rx-no-descriptors' | 'rx-too-long' | 'rx-dma-fault';

/** The drop reason of a receive result other than RX_OK (an unknown code counts as a DMA fault). */
export function rxDropReason(code: number): E1000RxDrop {
  switch (code) {
    case RX_DISABLED: return 'rx-disabled';
    case RX_FILTERED: return 'rx-filtered';
    case RX_NO_DESCRIPTORS: return 'rx-no-descriptors';
    case RX_TOO_LONG: return 'rx-too-long';
    default: return 'rx-dma-fault';
  }
}

/** What the driver-side paths need of their app (built once, not per packet). */
export interface GuestPathHooks {
  alloc(): Packet | null;
  drop(p: Packet, reason: 'nic-down' | 'tx-ring-full' | 'rx-too-long' | 'no-output'): void;
  countDrop(reason: 'pool-empty'): void;
  consume(p: Packet): void;
}

/** What the device-side path needs of its app. */
export interface DevicePathHooks {
  drop(p: Packet, reason: E1000RxDrop): void;
  consume(p: Packet): void;
}

/** Frames from the wire DMA'd by the device into guest RAM. */
export function wireToDevice(link: Link, device: E1000Device, h: DevicePathHooks): void {
  while (!link.empty()) {
    const p = link.receive();
    const code = device.receive(p.buf, p.off, p.len);
    if (code === RX_OK) h.consume(p);
    else h.drop(p, rxDropReason(code));
  }
}

/** The guest driver's two paths: stack to transmit ring, receive buffers to stack. */
export class GuestFramePaths {
  readonly #hooks: GuestPathHooks;
  #rxPartial: Packet | null = null;

  constructor(hooks: GuestPathHooks) {
    this.#hooks = hooks;
  }

  /** Packets held between breaths: a frame still being reassembled. */
  get held(): number {
    return this.#rxPartial === null ? 0 : 1;
  }

  /** Frames from the guest stack into the driver's transmit ring, published with one flush. */
  fromStack(link: Link, driver: E1000Driver): void {
    if (link.empty()) return;
    const h = this.#hooks;
    while (!link.empty()) {
      const p = link.receive();
      if (!driver.up) h.drop(p, 'nic-down');
      else if (driver.transmit(p.buf, p.off, p.len)) h.consume(p);
      else h.drop(p, 'tx-ring-full');
    }
    driver.flush();
  }

  /** A received buffer out of guest RAM; `more` says the frame continues in the next one. */
  toStack(mem: GuestMemory, addr: number, len: number, more: boolean, out: Link | undefined): void {
    const h = this.#hooks;
    let p = this.#rxPartial;
    if (p === null) {
      p = h.alloc();
      if (p === null) {
        h.countDrop('pool-empty');
        return;
      }
    }
    if (p.off + p.len + len > p.buf.length) {
      this.#rxPartial = null;
      h.drop(p, 'rx-too-long');
      return;
    }
    copyBytes(p.buf, p.off + p.len, mem.bytes, addr, len);
    p.len += len;
    if (more) {
      this.#rxPartial = p;
      return;
    }
    this.#rxPartial = null;
    if (out === undefined) h.drop(p, 'no-output');
    else out.transmit(p);
  }
}
