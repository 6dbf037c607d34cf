/**
 * `vnet compare nics`: the same guest-to-guest traffic through every NIC kind, one table.
 *
 * Each kind is a two-guest setup (two emulated hosts and the NIC between them, `GuestPair`):
 * veth and the virtio placements come from the NIC conformance kit when it is present, e1000,
 * SR-IOV VFs and passthrough from hw-guests.ts. Kinds are discovered at run time; one that is
 * not built is listed as missing, never an error.
 *
 * Per kind and frame size (64 and 1500 bytes by default): UDP datagrams in bursts, alternating
 * directions, through the real guest stacks and NIC paths on the engine; wall time and process
 * CPU time give Mpps, Gbit/s and CPU per packet; the NICs' own counters give copies, exits
 * (register traps / VM exits) and notifications per packet — those are deterministic and carry
 * the explanation; single-datagram round trips give latency p50/p99. Nothing is simulated by
 * constants: the cost of a path is the work its code does.
 */
import { performance } from 'node:perf_hooks';
import { HW_NIC_KINDS, hwGuestPair, type GuestPair } from './hw-guests.js';

export interface CompareRow {
  readonly kind: string;
  readonly frameBytes: number;
  readonly packets: number;
  readonly mpps: number;
  readonly gbps: number;
  readonly copiesPerPacket: number;
  readonly exitsPerPacket: number;
  readonly notificationsPerPacket: number;
  readonly latencyP50Us: number;
  readonly latencyP99Us: number;
  readonly cpuNsPerPacket: number;
}

export interface CompareReport {
  readonly rows: readonly CompareRow[];
  readonly missing: readonly { readonly kind: string; readonly reason: string }[];
}

export interface CompareOptions {
  /** Datagrams per kind and size (default 4000). */
  readonly packets?: number;
  readonly sizes?: readonly number[];
  /** Datagrams per burst (default 32). */
  readonly batch?: number;
  /** Round trips sampled for latency (default 200). */
  readonly latencySamples?: number;
  /** Only these kinds. */
  readonly kinds?: readonly string[];
}

/** The order the survey puts them in, for the table; unknown kinds go last. */
export const ALL_NIC_KINDS = ['veth', 'passthrough', 'sriov-vf', 'vhost-user', 'vhost-net', 'virtio', 'e1000'] as const;

interface Factory { readonly kind: string; make(): GuestPair }

/** What compare uses from the NIC conformance kit (src/testing/nic-conformance.ts). */
interface NicKit {
  readonly NIC_KINDS?: readonly string[];
  readonly twoGuestLab?: (kind: never) => GuestPair;
}

/** Every NIC kind that can be built now, and the ones that cannot with why. */
export async function discoverNicKinds(): Promise<{ factories: Factory[]; missing: { kind: string; reason: string }[] }> {
  const factories: Factory[] = [];
  const missing: { kind: string; reason: string }[] = [];
  for (const kind of HW_NIC_KINDS) factories.push({ kind, make: () => hwGuestPair(kind) });
  let kit: NicKit | null = null;
  try {
    // A computed specifier: the kit is optional, and its absence must not stop the build.
    const specifier = '../../testing/nic-conformance.js';
    kit = (await import(specifier)) as NicKit;
  } catch (e) {
    kit = null;
    for (const kind of ['veth', 'virtio', 'vhost-net', 'vhost-user']) missing.push({ kind, reason: `the NIC kit did not load: ${(e as Error).message.split('\n')[0]}` });
  }
  if (kit !== null) {
    const available = kit.NIC_KINDS ?? [];
    for (const kind of ['veth', 'virtio', 'vhost-net', 'vhost-user']) {
      if (available.includes(kind) && kit.twoGuestLab !== undefined) {
        const build = kit.twoGuestLab;
        factories.push({ kind, make: () => build(kind as never) });
      } else missing.push({ kind, reason: 'not built yet' });
    }
  }
  const rank = (k: string): number => { const i = (ALL_NIC_KINDS as readonly string[]).indexOf(k); return i < 0 ? 99 : i; };
  factories.sort((x, y) => rank(x.kind) - rank(y.kind));
  return { factories, missing };
}

export async function compareNics(options: CompareOptions = {}): Promise<CompareReport> {
  const { factories, missing } = await discoverNicKinds();
  const rows: CompareRow[] = [];
  for (const f of factories) {
    if (options.kinds !== undefined && !options.kinds.includes(f.kind)) continue;
    for (const size of options.sizes ?? [64, 1500]) rows.push(measure(f, size, options));
  }
  return { rows, missing: options.kinds === undefined ? missing : missing.filter((m) => options.kinds!.includes(m.kind)) };
}

const MS = 1_000_000;
const HEADERS = 14 + 20 + 8;

function measure(f: Factory, frameBytes: number, options: CompareOptions): CompareRow {
  const n = f.make();
  const packets = options.packets ?? 4000;
  const batch = options.batch ?? 32;
  const payload = new Uint8Array(Math.max(1, frameBytes - HEADERS)).fill(0x5a);
  let got = 0;
  n.a.udpBind(9000, () => { got++; });
  n.b.udpBind(9000, () => { got++; });
  // Resolve both ways first so no ARP is in the measurement.
  for (const [from, to] of [[n.a, n.bIp], [n.b, n.aIp]] as const) {
    const s = from.ping(to, { count: 1, interval: MS, timeout: 100 * MS });
    n.engine.runUntil(() => s.done, 1000 * MS);
  }
  const send = (k: number): void => {
    if ((k & 1) === 0) n.a.udpSend(n.bIp, 9000, payload, { srcPort: 9000 });
    else n.b.udpSend(n.aIp, 9000, payload, { srcPort: 9000 });
  };
  const before = n.stats();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  while (sent < packets) {
    const burst = Math.min(batch, packets - sent);
    for (let i = 0; i < burst; i++) send(sent + i);
    sent += burst;
    n.engine.runUntil(() => got >= sent, 100 * MS);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const after = n.stats();
  const delivered = Math.max(got, 1);
  // Latency: one datagram at a time, alternating directions.
  const samples = options.latencySamples ?? 200;
  const lat = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const target = got + 1;
    const t = performance.now();
    send(i);
    n.engine.runUntil(() => got >= target, 100 * MS);
    lat[i] = (performance.now() - t) * 1000;
  }
  lat.sort();
  return {
    kind: f.kind,
    frameBytes,
    packets: got - samples,
    mpps: delivered / wall / 1e6,
    gbps: (delivered * frameBytes * 8) / wall / 1e9,
    copiesPerPacket: (after.copies - before.copies) / delivered,
    exitsPerPacket: (after.exits - before.exits) / delivered,
    notificationsPerPacket: (after.notifications - before.notifications) / delivered,
    latencyP50Us: lat[Math.floor(samples * 0.5)] ?? 0,
    latencyP99Us: lat[Math.min(samples - 1, Math.floor(samples * 0.99))] ?? 0,
    cpuNsPerPacket: ((cpu.user + cpu.system) * 1000) / delivered,
  };
}

/** The table as text. */
export function renderCompare(r: CompareReport): string {
  const head = ['nic', 'frame', 'Mpps', 'Gbit/s', 'copies/pkt', 'exits/pkt', 'notif/pkt', 'p50 us', 'p99 us', 'cpu ns/pkt'];
  const body = r.rows.map((x) => [x.kind, `${x.frameBytes}`, x.mpps.toFixed(3), x.gbps.toFixed(3), x.copiesPerPacket.toFixed(2), x.exitsPerPacket.toFixed(2), x.notificationsPerPacket.toFixed(2), x.latencyP50Us.toFixed(1), x.latencyP99Us.toFixed(1), x.cpuNsPerPacket.toFixed(0)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), ...body.map(line)];
  out.push('', 'copies: frame copies by the host/VMM; exits: register traps and VM exits; notif: kicks and interrupts through the VMM.');
  for (const m of r.missing) out.push(`missing: ${m.kind} (${m.reason})`);
  return out.join('\n');
}
