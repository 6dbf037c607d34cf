/**
 * `kind: vhost-user` — a vhost-user backend socket as a port of the lab: a DPDK application
 * (`--vdev net_virtio_user0,path=SOCKET`) or a QEMU guest (`-chardev socket,path=SOCKET` with a
 * vhost-user netdev) connects to it, and its frames cross the lab like any host's.
 *
 *   dpdk1:
 *     kind: vhost-user
 *     socket: /tmp/vnet-dpdk1.sock   # relative to the lab file, or absolute
 *     interfaces: { eth0: null }     # optional: the one interface, eth0 by default
 *     mergeable: true                # optional: offer MRG_RXBUF (default true)
 *     placement: inline              # optional: who serves the rings, inline (default) or thread
 *
 * The node app is a `VhostUserPort` (nics/vhost-user/port.ts) whose engine port is the
 * interface's name. Its socket is created when the lab comes up and removed when it goes down. It
 * talks to another process, so the lab runs on the wall clock (`vnet lab up`, `--real`, the
 * daemon), where the port rings the engine loop's doorbell for the frames it receives.
 */
import { isAbsolute, resolve, dirname } from 'node:path';
import type { Graph } from '../../../engine/engine.js';
import { VhostUserPort, type VhostUserPlacement, type VhostUserPortConf } from '../../../nics/vhost-user/port.js';
import type { Endpoint, LabModel, NodeModel } from '../model.js';
import type { Path, Validator } from '../validator.js';
import type { BuildEnv, NodeKind } from './kind.js';

export interface VhostUserNodeModel extends NodeModel {
  readonly kind: 'vhost-user';
  readonly socket: string;
  readonly iface: string;
  readonly mergeable: boolean;
  readonly placement: VhostUserPlacement;
}

export const vhostUserKind: NodeKind<VhostUserNodeModel> = {
  name: 'vhost-user',
  aliases: [],
  description: 'a vhost-user backend socket for a DPDK application or a QEMU guest; needs vnet lab up',
  schemaProperties: {
    socket: { type: 'string', description: 'path of the Unix socket the front-end connects to, relative to the lab file' },
    interfaces: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: { type: 'null' },
    },
    mergeable: { type: 'boolean', description: 'offer VIRTIO_NET_F_MRG_RXBUF (default true)' },
    placement: { enum: ['inline', 'thread'], description: 'who serves the virtio rings: the engine thread (inline, default) or a ring worker thread' },
  },
  parse(v: Validator, node: Record<string, unknown>, path: Path): VhostUserNodeModel {
    const socket = node.socket === undefined ? (v.fail([...path, 'socket'], 'a vhost-user node needs socket: PATH', true), undefined) : v.string(node.socket, [...path, 'socket']);
    if (socket === '') v.fail([...path, 'socket'], 'must not be empty');
    let iface = 'eth0';
    if (node.interfaces !== undefined) {
      const ifs = v.object(node.interfaces, [...path, 'interfaces']);
      const names = ifs === undefined ? [] : Object.keys(ifs);
      if (names.length !== 1) v.fail([...path, 'interfaces'], `a vhost-user node has exactly one interface, got ${names.length}`);
      iface = names[0] ?? iface;
      const cfg = ifs?.[iface];
      if (cfg !== undefined && cfg !== null) v.fail([...path, 'interfaces', iface], 'takes no settings (the front-end owns its MAC and addresses): write null');
    }
    const mergeable = node.mergeable === undefined ? true : v.bool(node.mergeable, [...path, 'mergeable']) ?? true;
    const placement = node.placement === undefined ? 'inline' : node.placement;
    if (placement !== 'inline' && placement !== 'thread') v.fail([...path, 'placement'], 'must be inline or thread');
    return { kind: 'vhost-user', socket: socket ?? '', iface, mergeable, placement: placement === 'thread' ? 'thread' : 'inline' };
  },
  checkLinks(v: Validator, name: string, model: VhostUserNodeModel, links: readonly { readonly endpoint: Endpoint; readonly path: Path }[], path: Path): void {
    for (const { endpoint, path: lp } of links) {
      if (endpoint.iface !== model.iface) v.fail(lp, `${name} has no interface ${endpoint.iface} (its port is ${model.iface})`);
    }
    if (links.length === 0) v.fail([...path, 'socket'], `${name}:${model.iface} is not connected by any link`);
    if (links.length > 1) v.fail(links[1]!.path, `${name}:${model.iface} is connected twice`);
  },
  needsWallClock(): boolean {
    return true;
  },
  build(graph: Graph, name: string, node: VhostUserNodeModel, lab: LabModel, env: BuildEnv): void {
    if (!env.wallClock) {
      throw new Error(`${lab.file}: node ${name}: a vhost-user socket talks to another process, which needs the wall clock: use vnet lab up FILE (or --real, or the daemon); the shell, trace and offline ofctl run on the virtual clock`);
    }
    const conf: VhostUserPortConf = {
      socket: isAbsolute(node.socket) ? node.socket : resolve(dirname(lab.file), node.socket),
      port: node.iface,
      mergeable: node.mergeable,
      placement: node.placement,
      ...(env.doorbell !== undefined ? { doorbell: env.doorbell } : {}),
    };
    graph.app(name, VhostUserPort, conf);
  },
};
