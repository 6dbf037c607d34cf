/**
 * The lab topology model: what a lab file means once it is validated.
 *
 * A lab file is a containerlab-compatible subset (`name`, `topology.nodes` with `kind`,
 * `topology.links[].endpoints` as "node:iface") plus vnet's own fields (bridge ports and
 * VLANs, host interfaces and routes, `checks`). Field names follow the file (snake_case).
 */

export interface BridgePortModel {
  readonly pvid?: number;
  readonly untagged?: readonly number[];
  readonly tagged?: readonly number[];
  readonly learning?: boolean;
  readonly flood?: boolean;
  readonly hairpin?: boolean;
}

/** What every node model has; each kind (kinds/*.ts) extends it. */
export interface NodeModel {
  readonly kind: string;
}

export interface BridgeNodeModel extends NodeModel {
  readonly kind: 'bridge';
  readonly vlanFiltering: boolean;
  readonly ageingTime?: number;
  readonly fdbMax?: number;
  readonly ports: Readonly<Record<string, BridgePortModel>>;
  readonly staticFdb: readonly { readonly mac: string; readonly port: string; readonly vlan?: number }[];
}

export interface HostInterfaceModel {
  readonly ips: readonly string[];
  readonly mac?: string;
  /** Sends and receives 802.1Q frames with this VLAN id through `parent`. */
  readonly vlan?: number;
  /** The port a VLAN sub-interface rides on (its own name when it is a port). */
  readonly parent?: string;
  readonly mtu?: number;
  /** The NIC behind the interface when it is not a plain lab link: a VF of an SR-IOV NIC node, or a passed-through device node. */
  readonly nic?: HostNicModel;
}

/** `nic: { sriov: nic0, vf: 3 }` or `nic: { passthrough: dev0 }`; such interfaces are wired by that node, not by a lab link. */
export type HostNicModel =
  | { readonly sriov: string; readonly vf: number }
  | { readonly passthrough: string };

export interface HostNodeModel extends NodeModel {
  readonly kind: 'host';
  readonly interfaces: Readonly<Record<string, HostInterfaceModel>>;
  readonly gateway?: string;
  readonly routes: readonly { readonly dst: string; readonly via?: string; readonly dev?: string }[];
}

export function isHost(n: NodeModel | undefined): n is HostNodeModel {
  return n?.kind === 'host';
}

export function isBridge(n: NodeModel | undefined): n is BridgeNodeModel {
  return n?.kind === 'bridge';
}

export interface Endpoint {
  readonly node: string;
  readonly iface: string;
}

export interface LinkModel {
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly mtu?: number;
}

export type CheckModel =
  | { readonly kind: 'pingall'; readonly count: number }
  | { readonly kind: 'ping'; readonly from: string; readonly to: string; readonly expect: 'success' | 'failure'; readonly count: number }
  | { readonly kind: 'udp'; readonly from: string; readonly to: string; readonly port: number; readonly expect: 'success' | 'failure' };

export interface LabModel {
  readonly name: string;
  /** The file it came from, for messages. */
  readonly file: string;
  readonly nodes: Readonly<Record<string, NodeModel>>;
  readonly links: readonly LinkModel[];
  readonly checks: readonly CheckModel[];
}

/** The port names a node exposes: bridge ports and host interfaces that carry frames. */
export function physicalInterfaces(model: LabModel, node: string): string[] {
  const names: string[] = [];
  for (const l of model.links) {
    if (l.a.node === node) names.push(l.a.iface);
    if (l.b.node === node) names.push(l.b.iface);
  }
  return names;
}
