/**
 * Where the virtio-net device runs: three backend placements, as engine apps around one VirtioNetDevice.
 *
 *   virtio     guest rings <-> VMM device (app `vm/vmm-IF`) <-> TAP hop (in the node app) <-> switch
 *              QEMU's user-space backend: the VMM copies each frame out of guest RAM into its own
 *              buffer, then writes it to a TAP device, a second copy and an extra hop into the host.
 *   vhost-net  guest rings <-> node app <-> switch
 *              the backend is part of the switch's datapath (the node app itself reads the rings):
 *              one copy between guest RAM and a switch packet, no extra hop.
 *   vhost-user guest rings <-> backend (app `vm/vhost-user-IF`, owns no engine ports) <-> shared frame
 *              rings <-> node app <-> switch
 *              the backend reaches guest RAM through shared memory and trades frames with the switch
 *              through SharedArrayBuffer rings (frame-ring.ts), as a DPDK vhost-user port does: a copy
 *              each side of the shared ring.
 *
 * The node app (named after the VM, owning its lab ports) is `VmNicPorts`. Counters per interface:
 * `copies` (frame copies between buffers owned by different parties), `hops` (extra engine hops a frame
 * takes beyond the guest and the switch), `kicks`/`interrupts` (notifications after suppression) and the
 * VM's `exits`.
 *
 * Notifications in-thread: a kick or a frame-ring doorbell schedules the backend's service at the next
 * breath (an engine timer at "now"), so an idle lab stays idle and its virtual clock can jump.
 */
import { App, type AppContext } from '../../engine/app.js';
import type { Engine, TimerHandle } from '../../engine/engine.js';
import type { Link } from '../../engine/link.js';
import { type VirtioNetDevice, VIRTIO_NET_DROPS } from './device.js';
import { FRAME_ROOM, FrameRing } from './frame-ring.js';

export type NicPlacement = 'virtio' | 'vhost-net' | 'vhost-user';
export const NIC_PLACEMENTS: readonly NicPlacement[] = ['virtio', 'vhost-net', 'vhost-user'];

export interface PlacementCounters {
  readonly placement: NicPlacement;
  /** Frame copies, both directions. */
  copies: number;
  /** Frames moved, both directions (so copies / frames is copies per packet). */
  frames: number;
  /** Extra hops frames took between the device and the switch. */
  hops: number;
}

/** Runs `fn` at the next breath, once however often it is asked before then. */
class Wakeup {
  readonly #engine: Engine;
  readonly #fn: () => void;
  #timer: TimerHandle | null = null;
  constructor(engine: Engine, fn: () => void) {
    this.#engine = engine;
    this.#fn = fn;
  }
  request(): void {
    if (this.#timer !== null) return;
    this.#timer = this.#engine.at(this.#engine.now(), () => {
      this.#timer = null;
      this.#fn();
    });
  }
  cancel(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}

const BACKEND_DROPS = { ...VIRTIO_NET_DROPS, 'ring-full': 'the shared frame ring toward the switch was full' } as const;

/** Drains the guest's transmit queue through `take`, which returns false to stop (downstream full). */
function drainTx(dev: VirtioNetDevice, take: () => 'taken' | 'stop'): void {
  for (;;) {
    while (dev.txPending() > 0) if (take() === 'stop') { dev.finishTx(); return; }
    dev.finishTx();
    if (!dev.enableTxNotify()) return;
  }
}

export interface VmmConf {
  readonly device: VirtioNetDevice;
  readonly counters: PlacementCounters;
}

/** placement `virtio`: the VMM's device model, one hop away from the switch (port `tap`). */
export class VirtioVmm extends App<typeof BACKEND_DROPS, VmmConf> {
  readonly #wake: Wakeup;
  readonly #dev: VirtioNetDevice;
  constructor(ctx: AppContext, conf: VmmConf) {
    super(ctx, conf, BACKEND_DROPS);
    this.#dev = conf.device;
    this.#wake = new Wakeup(this.engine, () => this.#service());
    this.#dev.onKick = () => this.#wake.request();
  }
  #service(): void {
    const out = this.output.tap;
    const c = this.conf.counters;
    drainTx(this.#dev, () => {
      if (out !== undefined && out.full()) return 'stop';
      const p = this.alloc();
      if (p === null) { this.countDrop('pool-empty'); return 'stop'; }
      const r = this.#dev.popTx(p);
      if (r === 'empty') { this.pool.free(p); this.generated--; return 'stop'; }
      if (r !== null) { this.drop(p, r); return 'taken'; }
      c.copies++;
      c.frames++;
      if (out === undefined) this.drop(p, 'device-not-ready');
      else out.transmit(p);
      return 'taken';
    });
  }
  override push(): void {
    const i = this.input.tap;
    if (i === undefined) return;
    const c = this.conf.counters;
    while (!i.empty()) {
      const p = i.receive();
      const r = this.#dev.deliverRx(p.buf, p.off, p.len);
      if (r !== null) { this.drop(p, r); continue; }
      c.copies++;
      c.frames++;
      this.consume(p);
    }
  }
  override stop(): void {
    this.#wake.cancel();
    this.#dev.onKick = null;
  }
}

export interface VhostUserConf {
  readonly device: VirtioNetDevice;
  readonly counters: PlacementCounters;
  /** Frames from the guest toward the switch. */
  readonly toSwitch: FrameRing;
  /** Frames from the switch toward the guest. */
  readonly fromSwitch: FrameRing;
  /** Wakes the switch side after frames were put on `toSwitch` (in-thread doorbell). */
  readonly bell: { toBackend: (() => void) | null; toSwitch: (() => void) | null };
}

/** placement `vhost-user`: a backend outside the switch, trading frames through shared rings. */
export class VhostUserBackend extends App<typeof BACKEND_DROPS, VhostUserConf> {
  readonly #wake: Wakeup;
  readonly #dev: VirtioNetDevice;
  constructor(ctx: AppContext, conf: VhostUserConf) {
    super(ctx, conf, BACKEND_DROPS);
    this.#dev = conf.device;
    this.#wake = new Wakeup(this.engine, () => this.service());
    this.#dev.onKick = () => this.#wake.request();
    conf.bell.toBackend = () => this.#wake.request();
  }
  /** One pass of the backend loop: guest -> ring, ring -> guest. Frames here are not engine packets. */
  service(): void {
    const { toSwitch, fromSwitch, counters: c } = this.conf;
    let moved = 0;
    drainTx(this.#dev, () => {
      const at = toSwitch.reserve();
      if (at < 0) return 'stop';
      const n = this.#dev.popTxInto(toSwitch.bytes, at, FRAME_ROOM);
      if (n === -1) return 'stop';
      if (n === -2) { this.dropCounts[this.#dev.lastDrop]++; return 'taken'; }
      toSwitch.commit(n);
      c.copies++;
      c.frames++;
      moved++;
      return 'taken';
    });
    for (let at = fromSwitch.peek(); at >= 0; at = fromSwitch.peek()) {
      const r = this.#dev.deliverRx(fromSwitch.bytes, at, fromSwitch.peekLength());
      fromSwitch.release();
      if (r !== null) this.dropCounts[r]++;
      else { c.copies++; c.frames++; }
    }
    if (moved > 0) this.conf.bell.toSwitch?.();
  }
  override stop(): void {
    this.#wake.cancel();
    this.#dev.onKick = null;
    this.conf.bell.toBackend = null;
  }
}

const PORT_DROPS = {
  ...VIRTIO_NET_DROPS,
  'no-interface': 'frame on a port that is not an interface of this VM',
  'ring-full': 'the shared frame ring toward the vhost-user backend was full',
  'frame-too-big': 'frame larger than a shared ring slot',
} as const;

export interface VmNicPortConf {
  readonly placement: NicPlacement;
  readonly device: VirtioNetDevice;
  readonly counters: PlacementCounters;
  /** vhost-user only. */
  readonly toSwitch?: FrameRing;
  readonly fromSwitch?: FrameRing;
  readonly bell?: VhostUserConf['bell'];
}

export interface VmNicPortsConf {
  /** By lab interface name. */
  readonly interfaces: Readonly<Record<string, VmNicPortConf>>;
}

interface PortState {
  readonly name: string;
  readonly conf: VmNicPortConf;
  lab: Link | undefined;
  labIn: Link | undefined;
  tapOut: Link | undefined;
  tapIn: Link | undefined;
}

/**
 * The switch-facing side of a VM's NICs: owns the VM's lab ports (`eth0`...) and, per interface, is the
 * vhost-net backend, the TAP end of a `virtio` VMM (ports `tap-IF`), or the switch end of a vhost-user
 * port's shared rings.
 */
export class VmNicPorts extends App<typeof PORT_DROPS, VmNicPortsConf> {
  readonly #ports: PortState[] = [];
  readonly #wakes: Wakeup[] = [];

  constructor(ctx: AppContext, conf: VmNicPortsConf) {
    super(ctx, conf, PORT_DROPS);
    for (const [name, pc] of Object.entries(conf.interfaces)) {
      const st: PortState = { name, conf: pc, lab: undefined, labIn: undefined, tapOut: undefined, tapIn: undefined };
      this.#ports.push(st);
      const wake = new Wakeup(this.engine, () => this.#service(st));
      this.#wakes.push(wake);
      if (pc.placement === 'vhost-net') pc.device.onKick = () => wake.request();
      if (pc.placement === 'vhost-user') pc.bell!.toSwitch = () => wake.request();
    }
    this.relink();
  }

  override relink(): void {
    for (const st of this.#ports) {
      st.lab = this.output[st.name];
      st.labIn = this.input[st.name];
      st.tapOut = this.output[`tap-${st.name}`];
      st.tapIn = this.input[`tap-${st.name}`];
    }
  }

  override ports(): readonly string[] {
    return this.#ports.map((p) => p.name);
  }

  /** Frames from the guest side toward the switch. */
  #service(st: PortState): void {
    const pc = st.conf;
    const c = pc.counters;
    if (pc.placement === 'vhost-net') {
      const dev = pc.device;
      drainTx(dev, () => {
        if (st.lab !== undefined && st.lab.full()) return 'stop';
        const p = this.alloc();
        if (p === null) { this.countDrop('pool-empty'); return 'stop'; }
        const r = dev.popTx(p);
        if (r === 'empty') { this.pool.free(p); this.generated--; return 'stop'; }
        if (r !== null) { this.drop(p, r); return 'taken'; }
        c.copies++;
        c.frames++;
        if (st.lab === undefined) this.drop(p, 'device-not-ready');
        else st.lab.transmit(p);
        return 'taken';
      });
    } else if (pc.placement === 'vhost-user') {
      const ring = pc.toSwitch!;
      for (let at = ring.peek(); at >= 0; at = ring.peek()) {
        const len = ring.peekLength();
        const p = this.alloc();
        if (p === null) { this.countDrop('pool-empty'); break; }
        p.buf.set(ring.bytes.subarray(at, at + len), p.off);
        p.len = len;
        ring.release();
        c.copies++;
        c.hops++;
        if (st.lab === undefined) this.drop(p, 'device-not-ready');
        else st.lab.transmit(p);
      }
    }
  }

  override push(): void {
    for (const st of this.#ports) {
      const pc = st.conf;
      const c = pc.counters;
      const labIn = st.labIn;
      if (labIn !== undefined) {
        while (!labIn.empty()) {
          const p = labIn.receive();
          if (pc.placement === 'vhost-net') {
            const r = pc.device.deliverRx(p.buf, p.off, p.len);
            if (r !== null) { this.drop(p, r); continue; }
            c.copies++;
            c.frames++;
            this.consume(p);
          } else if (pc.placement === 'virtio') {
            // Into the TAP device: the host kernel copies the frame for the VMM to read.
            const q = this.clone(p);
            this.consume(p);
            if (q === null) { this.countDrop('pool-empty'); continue; }
            c.copies++;
            c.hops++;
            if (st.tapOut === undefined) this.drop(q, 'device-not-ready');
            else st.tapOut.transmit(q);
          } else {
            if (p.len > FRAME_ROOM) { this.drop(p, 'frame-too-big'); continue; }
            if (!pc.fromSwitch!.push(p.buf, p.off, p.len)) { this.drop(p, 'ring-full'); continue; }
            c.copies++;
            c.hops++;
            this.consume(p);
            pc.bell!.toBackend?.();
          }
        }
      }
      const tapIn = st.tapIn;
      if (tapIn !== undefined) {
        while (!tapIn.empty()) {
          // Out of the TAP device toward the switch: another copy, another hop.
          const p = tapIn.receive();
          const q = this.clone(p);
          this.consume(p);
          if (q === null) { this.countDrop('pool-empty'); continue; }
          c.copies++;
          c.hops++;
          if (st.lab === undefined) this.drop(q, 'device-not-ready');
          else st.lab.transmit(q);
        }
      }
    }
  }

  override stop(): void {
    for (const w of this.#wakes) w.cancel();
  }
}
