/**
 * Running DPDK's dpdk-testpmd as a peer of the vhost-user backend (interop test and benchmark):
 * availability checks, start with a private --file-prefix and no hugepages, parse of the statistics it
 * prints on exit, and clean-up of its runtime directory. Root only: DPDK's EAL wants it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';

/** Why testpmd cannot run here, or null. */
export function testpmdUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `DPDK needs Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'dpdk-testpmd needs root';
  try {
    execFileSync('sh', ['-c', 'command -v dpdk-testpmd'], { stdio: 'ignore' });
  } catch {
    return 'dpdk-testpmd is not installed (apt-get install --no-install-recommends dpdk-dev librte-net-virtio23 librte-net-vhost23)';
  }
  return null;
}

export interface TestpmdOptions {
  /** `net_virtio_user0,path=...` (testpmd is the front-end) or `net_vhost0,iface=...` (testpmd is the backend). */
  readonly vdev: string;
  readonly forwardMode: 'txonly' | 'rxonly' | 'io' | 'macswap';
  /** EAL --lcores value, e.g. '0@0,1@1' (default: let EAL choose). */
  readonly lcores?: string;
  /** Frame length for txonly (--txpkts, default 64). */
  readonly txLength?: number;
}

export class Testpmd {
  readonly prefix = `vn${randomBytes(4).toString('hex')}`;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  output = '';

  constructor(options: TestpmdOptions) {
    const eal = ['--no-huge', '-m', '512', '--no-pci', '--file-prefix', this.prefix, '--vdev', options.vdev];
    if (options.lcores !== undefined) eal.push('--lcores', options.lcores);
    const app = [`--forward-mode=${options.forwardMode}`, '--stats-period=1', '--total-num-mbufs=32768', '--nb-cores=1'];
    if (options.txLength !== undefined) app.push(`--txpkts=${options.txLength}`);
    this.#child = spawn('dpdk-testpmd', [...eal, '--', ...app], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.on('data', (d: Buffer) => this.#append(d));
    this.#child.stderr!.on('data', (d: Buffer) => this.#append(d));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  #append(d: Buffer): void {
    // Keep the tail only: with --stats-period the output grows for as long as it runs.
    this.output = (this.output + d.toString()).slice(-200_000);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Stops it with SIGINT (it prints its totals), SIGKILL after `graceMs`; removes its runtime dir. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGINT');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(`/var/run/dpdk/${this.prefix}`, { recursive: true, force: true });
  }

  /**
   * Waits until `cond` holds, looking every 20 ms; after `ms` it throws naming `what`, with the
   * tail of testpmd's output and `context()` (a backend's log, say).
   */
  async until(cond: () => boolean, what: string, ms: number, context: () => string = () => ''): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; testpmd said:\n${this.output.slice(-3000)}\n${context()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The totals of "Accumulated forward statistics for all ports" (after stop), or null. */
  totals(): { rxPackets: number; txPackets: number } | null {
    const at = this.output.lastIndexOf('Accumulated forward statistics for all ports');
    if (at < 0) return null;
    const tail = this.output.slice(at);
    const rx = /RX-packets:\s*(\d+)/.exec(tail);
    const tx = /TX-packets:\s*(\d+)/.exec(tail);
    if (rx === null || tx === null) return null;
    return { rxPackets: Number(rx[1]), txPackets: Number(tx[1]) };
  }

  /** Rx-pps samples from the periodic statistics of port 0. */
  rxPpsSamples(): number[] {
    return [...this.output.matchAll(/Rx-pps:\s*(\d+)/g)].map((m) => Number(m[1]));
  }
}
