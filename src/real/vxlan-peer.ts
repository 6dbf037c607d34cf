/**
 * A small vnet process for VXLAN interop: one emulated host behind a VTEP on a real UDP socket,
 * or (with `tap`) a TAP interface in the process's namespace behind it, so real programs in that
 * namespace (iperf3) use vnet's VTEP the way they would use a kernel vxlan device.
 * Run it as `node vxlan-peer.js 'JSON'` (inside a namespace with `ip netns exec`); it prints
 * `ready` once the socket is bound (and the TAP is up), then takes commands on stdin, one a line:
 *   ping ADDRESS COUNT   ->  `ping ADDRESS: N/COUNT received` (emulated host only)
 *   stats                ->  one JSON line: datagrams in and out, every non-zero drop counter, the socket's counters, its
 *                            receive coalescing (frames merged, datagrams in them, segments kept out for a bad checksum,
 *                            runs ended by an empty merge pool, merged frames in use) and the TAP's counters
 *   quit                 ->  stops (so does the end of stdin)
 * Used by the tests to run vnet against vnet across two processes and two namespaces.
 */
import { createInterface } from 'node:readline';
import { Engine, Graph } from '../engine/engine.js';
import { RealClock } from '../engine/clock.js';
import { Host } from '../hosts/host.js';
import { TapPort } from '../nics/tap/tap-port.js';
import { RealLoop } from './loop.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { formatMac } from '../wire/mac.js';
import { addVxlanOverUdp, UdpUnderlay } from './vxlan-udp.js';

export interface VxlanPeerConf {
  readonly local: string;
  readonly port?: number;
  readonly remotes: readonly string[];
  readonly vni: number;
  /** The emulated host's address with prefix, e.g. 192.168.5.2/24 (required without `tap`). */
  readonly hostIp?: string;
  /** Default: 02:00 followed by the four octets of the host address. */
  readonly hostMac?: string;
  /**
   * Instead of the emulated host: a TAP interface of this name (MTU `mtu`, default 1450) on the
   * VTEP's access port. The caller gives it addresses. With `offloads` (default false) the TAP
   * takes checksum and TSO offloads: a sending namespace costs one TAP read per 64 KB of TCP,
   * which crosses the VTEP whole and is cut into VXLAN datagrams by the UDP underlay; received
   * datagrams of one TCP flow are merged back into 64 KB packets for the TAP.
   */
  readonly tap?: { readonly ifname: string; readonly mtu?: number; readonly offloads?: boolean };
  /** UDP GSO and GRO on the underlay socket (default true). */
  readonly offloads?: boolean;
}

export async function runVxlanPeer(conf: VxlanPeerConf, out: (line: string) => void): Promise<void> {
  const engine = new Engine({ clock: new RealClock() });
  const loop = new RealLoop(engine);
  const g = new Graph();
  addVxlanOverUdp(g, 'vtep', {
    local: conf.local,
    ...(conf.port !== undefined ? { port: conf.port, remotePort: conf.port } : {}),
    overlay: { ports: { h: conf.vni }, flood: { [String(conf.vni)]: conf.remotes } },
    doorbell: loop.doorbell,
    ...(conf.offloads !== undefined ? { offloads: conf.offloads } : {}),
  });
  if (conf.tap !== undefined) {
    g.app('h', TapPort, { ifname: conf.tap.ifname, mtu: conf.tap.mtu ?? 1450, offloads: conf.tap.offloads ?? false, doorbell: loop.doorbell });
    g.connect('h.port', 'vtep.h');
  } else {
    if (conf.hostIp === undefined) throw new Error('vxlan peer: hostIp is required without tap');
    // Every peer's host is named alike, so its default MAC would be too: derive it from the address.
    const mac = conf.hostMac ?? formatMac(0x020000000000 + parseIpv4Addr(conf.hostIp.split('/')[0]!));
    g.app('h', Host, { interfaces: { eth0: { ip: conf.hostIp, mtu: 1450, mac } } });
    g.connect('h.eth0', 'vtep.h');
  }
  engine.configure(g);
  await engine.app<UdpUnderlay>('vtep/udp').ready();
  if (conf.tap !== undefined) await engine.app<TapPort>('h').ready();
  loop.start();
  out('ready');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, addr, count] = line.trim().split(/\s+/);
    if (cmd === 'quit') break;
    if (cmd === 'stats') {
      const udp = engine.app<UdpUnderlay>('vtep/udp');
      const drops: Record<string, number> = {};
      for (const app of engine.apps.values()) for (const [k, v] of Object.entries(app.dropCounts)) if (v > 0) drops[`${app.name}:${k}`] = v;
      const tap = conf.tap !== undefined ? engine.app<TapPort>('h').stats() : null;
      const merged = { frames: udp.rxMerged, datagrams: udp.rxMergedDatagrams, badChecksums: udp.rxMergeBadChecksums, poolEmpty: udp.rxMergePoolEmpty, inUse: udp.rxMergeFramesInUse };
      out(JSON.stringify({ rxDatagrams: udp.rxDatagrams, txDatagrams: udp.txDatagrams, drops, socket: udp.stats(), merged, ...(tap !== null ? { tap } : {}) }));
    }
    if (cmd === 'ping' && addr !== undefined && conf.tap === undefined) {
      const n = Number(count ?? 3);
      const s = engine.app<Host>('h').ping(addr, { count: n, interval: 200e6, timeout: 1e9 });
      loop.wake();
      while (!s.done) await new Promise((r) => setTimeout(r, 20));
      out(`ping ${addr}: ${s.received}/${n} received`);
    }
  }
  await loop.stop();
  const tap = conf.tap !== undefined ? engine.app<TapPort>('h') : null;
  engine.stop();
  await tap?.closed();
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!) && process.argv[2] !== undefined) {
  runVxlanPeer(JSON.parse(process.argv[2]) as VxlanPeerConf, (l) => process.stdout.write(`${l}\n`)).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`vxlan-peer: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
