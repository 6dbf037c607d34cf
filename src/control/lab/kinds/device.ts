/**
 * `kind: device` — a physical NIC port of the host, for PCI passthrough.
 *
 *   dev0: { kind: device }              # lab link dev0:wire goes to the physical network
 *   h1:
 *     kind: host
 *     interfaces: { eth0: { ip: 10.0.0.1/24, nic: { passthrough: dev0 } } }
 *
 * A device belongs to one instance. While it is passed through, the host cannot use it: a lab
 * link from `dev0:host` to a bridge (the host's own driver putting it in a bridge) is an error, as
 * is a second instance naming it. Without an owner, `dev0:host` is the host's ordinary netdev.
 */
import type { Graph } from '../../../engine/engine.js';
import { DeviceAssignments, PassthroughNic } from '../../../nics/passthrough.js';
import { isHost, type Endpoint, type LabModel, type NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';
import type { NodeKind } from './kind.js';

export interface DeviceNodeModel extends NodeModel {
  readonly kind: 'device';
}

export const deviceKind: NodeKind<DeviceNodeModel> = {
  name: 'device',
  aliases: ['phys-nic'],
  description: 'a physical NIC port for PCI passthrough: port wire to the network; one instance owns it (nic: { passthrough: NAME }) or the host uses it (port host)',
  schemaProperties: {},
  parse(): DeviceNodeModel {
    return { kind: 'device' };
  },
  checkLinks(v: Validator, name: string, _node: DeviceNodeModel, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[]): void {
    for (const { endpoint, path } of links) {
      if (endpoint.iface !== 'wire' && endpoint.iface !== 'host') v.fail(path, `${name} has no port ${endpoint.iface} (ports: wire, host)`);
    }
  },
  build(graph: Graph, name: string, _node: DeviceNodeModel, lab: LabModel): void {
    const assignments = new DeviceAssignments();
    let guest: string | undefined;
    for (const [host, n] of Object.entries(lab.nodes)) {
      if (!isHost(n)) continue;
      for (const [iface, cfg] of Object.entries(n.interfaces)) {
        const ref = cfg.nic;
        if (ref === undefined || !('passthrough' in ref) || ref.passthrough !== name) continue;
        try {
          assignments.assign(name, host);
        } catch (e) {
          throw new Error(`${host}:${iface}: ${(e as Error).message}`);
        }
        if (guest !== undefined) throw new Error(`${host}:${iface}: device ${name} is already passed through to ${guest}`);
        guest = `${host}.${iface}`;
      }
    }
    for (const l of lab.links) {
      const other = l.a.node === name && l.a.iface === 'host' ? l.b : l.b.node === name && l.b.iface === 'host' ? l.a : undefined;
      if (other !== undefined) assignments.attachToBridge(name, other.node);
    }
    graph.app(name, PassthroughNic, { owner: assignments.owner(name) ?? null });
    if (guest !== undefined) graph.connect(`${name}.guest`, guest);
  },
};
