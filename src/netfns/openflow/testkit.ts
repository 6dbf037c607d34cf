/**
 * Test kit for the OpenFlow switch: a switch with N ports, an injector app per port and a
 * collector app per port, so a test pushes a frame in and gets back, port by port, the frames
 * that came out, with every packet accounted for (the conservation check passes).
 */
import { App, type AppContext } from '../../engine/app.js';
import { Engine, Graph } from '../../engine/engine.js';
import { VirtualClock } from '../../engine/clock.js';
import { OpenFlowSwitch, type OpenFlowSwitchConf } from './switch.js';

const NO_DROPS = { 'pool-empty': 'no buffer for the injected frame' } as const;

/** Sends frames it is handed on its `output` link. */
export class Injector extends App<typeof NO_DROPS, unknown> {
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, NO_DROPS);
  }
  inject(bytes: Uint8Array, tunnelId = 0): void {
    const p = this.alloc();
    if (p === null) return this.countDrop('pool-empty');
    p.setData(bytes);
    p.tunnelId = tunnelId;
    this.output.output!.transmit(p);
  }
}

/** Records and consumes what reaches it. */
export class Collector extends App<Record<string, never>, unknown> {
  readonly seen: string[] = [];
  constructor(ctx: AppContext, conf: unknown) {
    super(ctx, conf, {});
  }
  override push(): void {
    for (const l of Object.values(this.input)) {
      while (!l.empty()) {
        const q = l.receive();
        this.seen.push(Buffer.from(q.bytes()).toString('hex') + (q.tunnelId !== 0 ? `@tun${q.tunnelId}` : ''));
        this.consume(q);
      }
    }
  }
}

export interface SwitchRig {
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly sw: OpenFlowSwitch;
  /** Sends a frame in on OpenFlow port `port`; returns what left, as [port, hex] in port order. */
  send(bytes: Uint8Array, port: number, tunnelId?: number): [number, string][];
  /** Breathes once and returns what left since the last call, as [port, hex] in port order (for packets the switch sent on its own, packet-outs). */
  drain(): [number, string][];
}

export function switchRig(nPorts: number, conf: Partial<OpenFlowSwitchConf> = {}): SwitchRig {
  const clock = new VirtualClock();
  const engine = new Engine({ clock });
  const ports = Array.from({ length: nPorts }, (_, i) => `p${i + 1}`);
  const g = new Graph().app('sw', OpenFlowSwitch, { ports, ...conf });
  for (const p of ports) {
    g.app(`in_${p}`, Injector).link(`in_${p}.output -> sw.${p}`);
    g.app(`out_${p}`, Collector).link(`sw.${p} -> out_${p}.input`);
  }
  engine.configure(g);
  const sw = engine.app<OpenFlowSwitch>('sw');
  const injectors = ports.map((p) => engine.app<Injector>(`in_${p}`));
  const collectors = ports.map((p) => engine.app<Collector>(`out_${p}`));
  return {
    engine,
    clock,
    sw,
    send(bytes: Uint8Array, port: number, tunnelId = 0): [number, string][] {
      injectors[port - 1]!.inject(bytes, tunnelId);
      return this.drain();
    },
    drain(): [number, string][] {
      engine.breathe();
      const out: [number, string][] = [];
      collectors.forEach((c, i) => {
        for (const h of c.seen) out.push([i + 1, h]);
        c.seen.length = 0;
      });
      return out;
    },
  };
}
