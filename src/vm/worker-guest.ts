/**
 * A VM's guest in its own worker thread, as the lab's engine sees it: one app (named like an inline
 * guest, `VM/guest`) that owns the guest thread and gives it its turns, like a VMM's vCPU loop.
 *
 * When the guest runs: the app keeps one engine timer, at the earliest of "now" (an interrupt was
 * raised, a command queued packets) and the guest engine's next timer as it reported after its last
 * turn. When it fires, the guest runs one breath at the lab's virtual time and the lab waits,
 * serving the guest's exits (register accesses on the real device models, counted as exits as
 * inline), until the guest says it is done. So the lab's clock still jumps straight to the earliest
 * timer of both engines, and a run is deterministic.
 *
 * What stays here: the device models (VirtioNetDevice with its backends, E1000Vmm), which check every
 * guest address and length exactly as for an inline guest; this app only relays register accesses
 * and interrupts. What the lab reads of the guest (its IP stack for checks and `show`, its apps'
 * counters and pool for conservation and `show drops`) goes through structured commands.
 */
import { App, type AppContext } from '../engine/app.js';
import type { Engine, TimerHandle } from '../engine/engine.js';
import type { HostConf } from '../hosts/host.js';
import type { VirtioNetDevice } from '../nics/virtio/device.js';
import { serveVirtioExit } from '../nics/virtio/device-access.js';
import type { E1000Vmm } from '../nics/e1000/split.js';
import type { ConservationReport } from '../testing/conservation.js';
import type { GuestCommand, GuestDropRow, GuestNicSpec, GuestThreadInit } from './guest-main.js';
import { GuestThread, MAX_GUEST_DEVICES } from './lockstep.js';
import { RemoteIpStack, type IpStack, type StackEvent } from './remote-stack.js';
import type { Vm } from './vm.js';
import { siblingModule } from './worker.js';

/** One NIC of the guest with its device model: a virtio-net device, or the name of its E1000Vmm app. */
export type WorkerGuestNic =
  | { readonly iface: string; readonly model: 'virtio'; readonly device: VirtioNetDevice; readonly features?: number }
  | { readonly iface: string; readonly model: 'e1000'; readonly vmmApp: string };

export interface WorkerGuestConf {
  readonly vm: Vm;
  readonly host: HostConf;
  readonly nics: readonly WorkerGuestNic[];
  /** Packet buffers of the guest's own pool (default 1024). */
  readonly packets?: number;
}

/** What the guest engine reports for the lab's conservation and drop tables. */
export interface GuestReport {
  readonly conservation: ConservationReport;
  readonly drops: readonly GuestDropRow[];
  readonly breaths: number;
}

const NO_DROPS = {} as const;

export class WorkerGuest extends App<typeof NO_DROPS, WorkerGuestConf> {
  readonly thread: GuestThread;
  readonly stack: RemoteIpStack;
  readonly #devices: (VirtioNetDevice | E1000Vmm)[] = [];
  readonly #virtio: (VirtioNetDevice | null)[] = [];
  readonly #control: Int32Array;
  #timer: TimerHandle | null = null;
  #timerAt = Infinity;
  #started = false;

  constructor(ctx: AppContext, conf: WorkerGuestConf) {
    super(ctx, conf, NO_DROPS);
    if (conf.nics.length > MAX_GUEST_DEVICES) throw new Error(`vm ${conf.vm.name}: a worker guest has at most ${MAX_GUEST_DEVICES} NICs, got ${conf.nics.length}`);
    const specs: GuestNicSpec[] = [];
    conf.nics.forEach((nic, i) => {
      if (nic.model === 'virtio') {
        this.#devices.push(nic.device);
        this.#virtio.push(nic.device);
        specs.push({ iface: nic.iface, model: 'virtio', device: i, ...(nic.features !== undefined ? { features: nic.features } : {}) });
      } else {
        this.#devices.push(this.engine.app<E1000Vmm>(nic.vmmApp));
        this.#virtio.push(null);
        specs.push({ iface: nic.iface, model: 'e1000', device: i });
      }
    });
    const init: GuestThreadInit = { guestThread: true, vm: conf.vm.name, ram: conf.vm.memory.sab, host: conf.host, nics: specs, packets: conf.packets ?? 1024 };
    const control = GuestThread.controlBlock();
    this.#control = new Int32Array(control);
    // Interrupts go to the guest thread's words, from its drivers' set-up on (they look at every breath).
    this.#devices.forEach((dev, i) => {
      const raise = (): void => { GuestThread.interrupt(this.#control, i); this.wake(); };
      if (this.#virtio[i] !== null) (dev as VirtioNetDevice).onInterrupt = raise;
      else (dev as E1000Vmm).onInterrupt = raise;
    });
    this.stack = new RemoteIpStack((c) => this.command(c));
    this.thread = new GuestThread(conf.vm.name, control, siblingModule(import.meta.url, 'guest-main'), { ...init }, (op, i, args) => this.#serveExit(op, i, args), (m) => this.stack.event(m as StackEvent));
    this.#started = true;
    this.#schedule(this.engine.now());
  }

  #serveExit(op: number, i: number, args: Float64Array): number {
    const dev = this.#virtio[i];
    if (dev === undefined) return Number.NaN;
    if (dev === null) return (this.#devices[i] as E1000Vmm).serveExit(op, args);
    const r = serveVirtioExit(dev, op, args);
    GuestThread.setLive(this.#control, i, dev.live);
    return r;
  }

  /** The guest's IP stack, for checks and `show`. */
  ipStack(): IpStack {
    return this.stack;
  }

  /** Runs one command on the parked guest; the guest then gets a turn at the next breath. */
  command(c: GuestCommand): unknown {
    const r = this.thread.command(c, this.engine.now());
    this.wake();
    return r;
  }

  /** The guest engine's conservation and drop counters. */
  report(): GuestReport {
    return this.thread.command({ op: 'report' } satisfies GuestCommand, this.engine.now()) as GuestReport;
  }

  /** Gives the guest a turn at the next breath. */
  wake(): void {
    this.#schedule(this.engine.now());
  }

  #schedule(at: number): void {
    if (!(at < this.#timerAt) || !this.#started || this.thread.stopped) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.engine.at(at, () => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.#turn();
    });
  }

  #turn(): void {
    const now = this.engine.now();
    const virtio = this.#virtio;
    for (let i = 0; i < virtio.length; i++) {
      const dev = virtio[i];
      if (dev !== null && dev !== undefined) GuestThread.setLive(this.#control, i, dev.live);
    }
    const t = this.thread;
    t.breathe(now);
    // Still busy: again at the next breath (a nanosecond on, so this breath's timer loop ends).
    if (t.busy) this.#schedule(now + 1);
    else if (t.next !== Infinity) this.#schedule(Math.max(now, t.next));
  }

  override stop(): void {
    this.#timer?.cancel();
    this.#devices.forEach((dev) => { dev.onInterrupt = null; });
    this.thread.stop();
  }
}

/** True for the app of a worker guest (the runtime asks it for the IP stack and the guest's report). */
export function isWorkerGuest(app: unknown): app is WorkerGuest {
  return app instanceof WorkerGuest;
}

/** The lab's conservation report with every worker guest's engine folded in. */
export function withWorkerGuests(engine: Engine, report: ConservationReport): ConservationReport {
  let { apps, queued, held, poolInUse, ok, problems } = report;
  for (const app of engine.apps.values()) {
    if (!isWorkerGuest(app) || app.thread.stopped) continue;
    const g = app.report().conservation;
    // The guest's apps take the place of its stand-in, so the report reads as for an inline guest.
    const at = apps.findIndex((a) => a.app === app.name);
    apps = [...apps.slice(0, at), ...g.apps, ...apps.slice(at + 1)];
    queued += g.queued;
    held += g.held;
    poolInUse += g.poolInUse;
    ok &&= g.ok;
    problems = [...problems, ...g.problems.map((p) => `${app.name} (guest thread): ${p}`)];
  }
  return { apps, queued, held, poolInUse, ok, problems };
}

/** Non-zero drop counters of every worker guest's apps. */
export function workerGuestDrops(engine: Engine): GuestDropRow[] {
  const rows: GuestDropRow[] = [];
  for (const app of engine.apps.values()) if (isWorkerGuest(app) && !app.thread.stopped) rows.push(...app.report().drops);
  return rows;
}
