/**
 * VXLAN between two network namespaces, iperf3 against iperf3, through:
 *   kernel  a Linux vxlan device in each namespace over a veth pair (the baseline)
 *   vnet    the same veth underlay, but in each namespace a vnet process (src/real/vxlan-peer.ts)
 *           whose VTEP sits on a real UDP socket, with a TAP interface as its access port where
 *           the kernel setup has its vxlan device. The socket has UDP GSO and GRO, the TAP has
 *           checksum and TSO offloads: a sender's TCP comes out of the TAP 64 KB at a time and
 *           the TAP port cuts it into wire segments in front of the VTEP
 *   vnet-no-tap-offloads  the same without the TAP offloads (one TAP read per frame)
 *   vnet-no-offloads  without any offloads (also one trip through the kernel per datagram)
 * Rows: TCP 1 stream (Gbit/s), UDP with 64-byte datagrams (packets/s received), and CPU seconds
 * per GB moved in the TCP run (iperf3's own figures for both of its ends, plus /proc/PID/stat of
 * the two vnet processes, I/O worker threads included). Each vnet row has the kernel row as its
 * baseline; its ratio is vnet / kernel.
 *
 * Optional: needs root, /dev/net/tun and iperf3, and runs only with VNET_BENCH_REAL=1 (about
 * 60 s: 8 runs of VNET_BENCH_REAL_SECONDS, default 5, times VNET_BENCH_REAL_ROUNDS, default 1).
 * Both setups are built up front and each test visits them in turn (the order rotating every
 * round), so a row and its baseline ran seconds apart under the same load; with several rounds
 * each figure is a median. Otherwise one row says why it skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { addNamespace, haveCommand, ip, iperf3, nsExec, tryIp, uniqueName } from '../../src/real/netns.js';
import { repoRoot } from '../lib.js';
import { Tally, baselineRow, iperfCpuSeconds, rotation, statCpuSeconds, udpReceivedPps } from './real-common.js';
const SETUPS = ['kernel', 'vnet', 'vnet-no-tap-offloads', 'vnet-no-offloads'];
const UNDER_A = '10.241.0.1';
const UNDER_B = '10.241.0.2';
const A = '192.168.241.1';
const B = '192.168.241.2';
const VNI = 241;
/** One vnet VTEP process in `ns` (`ip netns exec` execs node, so the child's pid is node's). */
class VnetPeer {
    #child;
    #lines = [];
    #waiters = [];
    #stderr = '';
    constructor(ns, conf) {
        const compiled = join(repoRoot(), 'dist', 'src', 'real', 'vxlan-peer.js');
        const fromSource = !import.meta.url.includes('/dist/') || !existsSync(compiled);
        const argv = fromSource ? ['--import', 'tsx', join(repoRoot(), 'src', 'real', 'vxlan-peer.ts')] : [compiled];
        this.#child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...argv, JSON.stringify(conf)], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.#child.stderr.on('data', (d) => (this.#stderr += d.toString()));
        createInterface({ input: this.#child.stdout }).on('line', (l) => {
            const w = this.#waiters.shift();
            if (w !== undefined)
                w(l);
            else
                this.#lines.push(l);
        });
    }
    get pid() {
        return this.#child.pid ?? 0;
    }
    next(timeoutMs = 30_000) {
        const queued = this.#lines.shift();
        if (queued !== undefined)
            return Promise.resolve(queued);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`vnet peer: no answer within ${timeoutMs} ms: ${this.#stderr}`)), timeoutMs);
            this.#waiters.push((l) => {
                clearTimeout(timer);
                resolve(l);
            });
            this.#child.once('exit', () => reject(new Error(`vnet peer exited: ${this.#stderr}`)));
        });
    }
    async stats() {
        this.#child.stdin.write('stats\n');
        return JSON.parse(await this.next());
    }
    async quit() {
        if (this.#child.exitCode !== null)
            return;
        const exited = new Promise((r) => this.#child.once('exit', () => r()));
        this.#child.stdin.write('quit\n');
        const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
    }
}
async function build(setup) {
    const nsA = uniqueName('vn');
    const nsB = uniqueName('vn');
    const va = uniqueName('vn');
    const vb = uniqueName('vn');
    const peers = [];
    const cleanup = async () => {
        await Promise.all(peers.map((p) => p.quit()));
        tryIp('netns', 'del', nsA);
        tryIp('netns', 'del', nsB);
    };
    try {
        addNamespace(nsA);
        addNamespace(nsB);
        ip('link', 'add', va, 'netns', nsA, 'type', 'veth', 'peer', 'name', vb, 'netns', nsB);
        ip('-n', nsA, 'addr', 'add', `${UNDER_A}/30`, 'dev', va);
        ip('-n', nsB, 'addr', 'add', `${UNDER_B}/30`, 'dev', vb);
        ip('-n', nsA, 'link', 'set', va, 'up');
        ip('-n', nsB, 'link', 'set', vb, 'up');
        const ends = [
            { ns: nsA, under: UNDER_A, remote: UNDER_B, dev: va, inner: A },
            { ns: nsB, under: UNDER_B, remote: UNDER_A, dev: vb, inner: B },
        ];
        for (const e of ends) {
            const ifname = uniqueName('vnx');
            if (setup === 'kernel') {
                ip('-n', e.ns, 'link', 'add', ifname, 'type', 'vxlan', 'id', String(VNI), 'dstport', '4789', 'remote', e.remote, 'local', e.under, 'dev', e.dev);
            }
            else {
                const peer = new VnetPeer(e.ns, { local: e.under, remotes: [e.remote], vni: VNI, tap: { ifname, mtu: 1450, offloads: setup === 'vnet' }, offloads: setup !== 'vnet-no-offloads' });
                peers.push(peer);
                const first = await peer.next();
                if (first !== 'ready')
                    throw new Error(`vnet peer in ${e.ns}: ${first}`);
            }
            ip('-n', e.ns, 'link', 'set', ifname, 'mtu', '1450');
            ip('-n', e.ns, 'addr', 'add', `${e.inner}/24`, 'dev', ifname);
            ip('-n', e.ns, 'link', 'set', ifname, 'up');
        }
    }
    catch (e) {
        await cleanup();
        throw e;
    }
    return {
        nsA,
        nsB,
        switchCpu: () => peers.reduce((s, p) => s + statCpuSeconds(`/proc/${p.pid}/stat`), 0),
        drops: async () => {
            const parts = [];
            for (const [i, p] of peers.entries())
                for (const [k, v] of Object.entries((await p.stats()).drops))
                    parts.push(`${i === 0 ? 'A' : 'B'} ${k} ${v}`);
            return parts.join(', ');
        },
        stop: cleanup,
    };
}
/**
 * Builds both setups first, then measures each test in rounds that visit the setups in turn,
 * so a row and its baseline ran seconds apart under the same load of a shared machine.
 */
async function measureAll(setups, seconds, rounds, progress) {
    const envs = new Map();
    try {
        for (const s of setups) {
            const env = await build(s);
            envs.set(s, env);
            const warm = await nsExec(env.nsA, ['ping', '-c', '3', '-i', '0.2', '-W', '2', B]);
            if (!/[1-3] received/.test(warm.stdout))
                throw new Error(`real-vxlan ${s}: ${A} cannot reach ${B}: ${warm.stdout}${warm.stderr}`);
        }
        const tally = new Tally();
        for (let r = 0; r < rounds; r++) {
            const order = rotation(setups, r);
            for (const s of order) {
                const env = envs.get(s);
                progress(`real-vxlan.${s}.tcp-1`);
                const cpu0 = env.switchCpu();
                const t = await iperf3(env.nsA, env.nsB, B, seconds, []);
                tally.add('switch-cpu', s, env.switchCpu() - cpu0);
                tally.add('bytes', s, t.sum_received?.bytes ?? 0);
                tally.add('iperf-cpu', s, iperfCpuSeconds(t, seconds));
                tally.sample('tcp1', s, (t.sum_received?.bits_per_second ?? 0) / 1e9);
            }
            for (const s of order) {
                progress(`real-vxlan.${s}.udp-64B`);
                const u = await iperf3(envs.get(s).nsA, envs.get(s).nsB, B, seconds, ['-u', '-b', '0', '-l', '64']);
                tally.sample('udp', s, udpReceivedPps(u, seconds));
            }
        }
        const results = new Map();
        for (const s of setups) {
            const gb = tally.sum('bytes', s) / 1e9;
            results.set(s, {
                tcp1: tally.median('tcp1', s),
                udpPps: tally.median('udp', s),
                cpuIperfPerGB: gb > 0 ? tally.sum('iperf-cpu', s) / gb : 0,
                cpuSwitchPerGB: gb > 0 ? tally.sum('switch-cpu', s) / gb : 0,
                drops: await envs.get(s).drops(),
            });
        }
        return results;
    }
    finally {
        for (const env of envs.values())
            await env.stop();
    }
}
function row(id, unit, value, base, note) {
    return baselineRow(id, unit, value, 'kernel-vxlan', base, note);
}
export const realVxlanSuite = {
    name: 'real-vxlan',
    async run(ctx) {
        const ids = SETUPS.flatMap((s) => [`real-vxlan.${s}.tcp-1`, `real-vxlan.${s}.udp-64B`, `real-vxlan.${s}.tcp-1.cpu`]);
        if (!ids.some((id) => ctx.wants(id)))
            return [];
        const why = process.env.VNET_BENCH_REAL !== '1' ? 'optional suite: set VNET_BENCH_REAL=1 to run it (about 60 s)' : tapUnavailableReason() ?? (haveCommand('iperf3') ? null : 'iperf3 is not installed');
        if (why !== null)
            return [{ id: 'real-vxlan', unit: '-', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `skipped: ${why}` }];
        const seconds = Number(process.env.VNET_BENCH_REAL_SECONDS ?? 5);
        const rounds = Number(process.env.VNET_BENCH_REAL_ROUNDS ?? 1);
        if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1)
            throw new Error('real-vxlan bench: VNET_BENCH_REAL_SECONDS must be > 0 and VNET_BENCH_REAL_ROUNDS a positive integer');
        // The kernel always runs: every other row is a ratio to it.
        const wanted = SETUPS.filter((s) => s === 'kernel' || ids.some((id) => id.startsWith(`real-vxlan.${s}.`) && ctx.wants(id)));
        const results = await measureAll(wanted, seconds, rounds, ctx.progress);
        const base = results.get('kernel');
        const rows = [];
        for (const [s, m] of results) {
            const isBase = s === 'kernel';
            const cpuNote = `iperf3 ${m.cpuIperfPerGB.toFixed(2)} s/GB${isBase ? ' (the kernel vxlan work is in it)' : ` + vnet ${m.cpuSwitchPerGB.toFixed(2)} s/GB`}`;
            rows.push(row(`real-vxlan.${s}.tcp-1`, 'Gbit/s', m.tcp1, isBase ? null : base.tcp1, m.drops === '' ? undefined : `drops: ${m.drops}`));
            rows.push(row(`real-vxlan.${s}.udp-64B`, 'Mpps', m.udpPps / 1e6, isBase ? null : base.udpPps / 1e6));
            rows.push(row(`real-vxlan.${s}.tcp-1.cpu`, 's/GB', m.cpuIperfPerGB + m.cpuSwitchPerGB, isBase ? null : base.cpuIperfPerGB, cpuNote));
        }
        return rows.filter((r) => ctx.wants(r.id));
    },
};
//# sourceMappingURL=real-vxlan.js.map