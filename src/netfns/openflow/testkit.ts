/**
 * Test kit for the OpenFlow switch: a switch with N ports whose outputs are links nobody reads,
 * so a test can push a frame in and collect, port by port, the frames that came out.
 */
import { Engine, Graph } from '../../engine/engine.js';
import { Sink } from '../../engine/basic.js';
import { VirtualClock } from '../../engine/clock.js';
import { OpenFlowSwitch, type OpenFlowSwitchConf } from './switch.js';

export interface SwitchRig {
  readonly engine: Engine;
  readonly clock: VirtualClock;
  readonly sw: OpenFlowSwitch;
  /** Sends a frame in on OpenFlow port `port`; returns what left, as [port, hex] in order of ports. */
  send(bytes: Uint8Array, port: number, tunnelId?: number): [number, string][];
}

export function switchRig(nPorts: number, conf: Partial<OpenFlowSwitchConf> = {}): SwitchRig {
  const clock = new VirtualClock();
  const engine = new Engine({ clock });
  const ports = Array.from({ length: nPorts }, (_, i) => `p${i + 1}`);
  const g = new Graph().app('sw', OpenFlowSwitch, { ports, ...conf });
  for (const p of ports) g.app(`out_${p}`, Sink).link(`sw.${p} -> out_${p}.in`);
  engine.configure(g);
  const sw = engine.app<OpenFlowSwitch>('sw');
  const outLinks = ports.map((p) => engine.links.get(`sw.${p} -> out_${p}.in`)!);
  return {
    engine,
    clock,
    sw,
    send(bytes: Uint8Array, port: number, tunnelId = 0): [number, string][] {
      const p = engine.pool.fromBytes(bytes);
      if (p === null) throw new Error('switch rig: packet pool empty');
      p.tunnelId = tunnelId;
      sw.receive(p, port);
      const out: [number, string][] = [];
      outLinks.forEach((l, i) => {
        while (!l.empty()) {
          const q = l.receive();
          out.push([i + 1, Buffer.from(q.bytes()).toString('hex') + (q.tunnelId !== 0 ? `@tun${q.tunnelId}` : '')]);
          engine.pool.free(q);
        }
      });
      return out;
    },
  };
}
