/**
 * Real traffic between two network namespaces, iperf3 against iperf3, through:
 *   veth         a veth pair, namespace to namespace (the floor: no switch at all)
 *   linux-bridge each namespace on a veth to a kernel bridge (the baseline of every row)
 *   ovs          Open vSwitch's userspace datapath (datapath_type=netdev, userspace TSO on), each
 *                namespace on an OVS internal port (a TAP of ovs-vswitchd): the other userspace
 *                switch, and the second baseline of the vnet rows (`.vs-ovs`). ovsdb-server and
 *                ovs-vswitchd are started by hand in a temporary directory and stopped, with all
 *                their state removed, after the three runs; the row skips when OVS is not installed.
 *   vnet         each namespace on a TAP port of vnet, a vnet learning bridge between them,
 *                with offloads off (every frame MTU-sized, the kernel finishes checksums) and
 *                on (64 KB TSO packets cross vnet whole)
 * Rows: TCP with 1 and 4 streams (Gbit/s), UDP with 64-byte datagrams (packets/s received),
 * and CPU seconds per GB moved for the TCP 1-stream run (iperf3's own figures for both of its
 * ends, plus /proc/self/stat of this process for vnet, whose TAP workers are its threads; the
 * note also gives the engine thread's share, from /proc/self/task/PID/stat).
 *
 * Optional: needs root, /dev/net/tun and iperf3, and runs only with VNET_BENCH_REAL=1 (about
 * 90 s: 15 runs of VNET_BENCH_REAL_SECONDS, default 5, times VNET_BENCH_REAL_ROUNDS, default 1).
 * All setups are built up front and each test visits them in turn, so ratios compare runs made
 * seconds apart; with several rounds each figure is a median. Otherwise one row says why it skipped.
 * The machine has 2 vCPUs: sender, receiver and switch share them, so ratios matter more than
 * absolute numbers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearningBridge } from '../../src/bridges/learning-bridge.js';
import { RealClock } from '../../src/engine/clock.js';
import { Engine, Graph } from '../../src/engine/engine.js';
import { TapPort } from '../../src/nics/tap/tap-port.js';
import { tapUnavailableReason } from '../../src/nics/tap/tun.js';
import { RealLoop } from '../../src/real/loop.js';
import { addNamespace, haveCommand, ip, iperf3, nsExec, tryIp, uniqueName, waitForLink } from '../../src/real/netns.js';
import { Tally, baselineRow, iperfCpuSeconds, rotation, statCpuSeconds, udpReceivedPps } from './real-common.js';
const SETUPS = ['veth', 'linux-bridge', 'ovs', 'vnet', 'vnet-offloads'];
const OVS_COMMANDS = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-appctl'];
const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const A = '10.240.0.1';
const B = '10.240.0.2';
function selfCpuSeconds() {
    return statCpuSeconds('/proc/self/stat');
}
function engineThreadCpuSeconds() {
    return statCpuSeconds(`/proc/self/task/${process.pid}/stat`);
}
/**
 * A private Open vSwitch: ovsdb-server and ovs-vswitchd on sockets, pid files and logs in `dir`
 * (OVS_RUNDIR and friends keep the CLIs out of /var/run/openvswitch). No kernel module is needed
 * with datapath_type=netdev.
 */
class PrivateOvs {
    dir = mkdtempSync(join(tmpdir(), 'vnet-ovs-'));
    #env = { ...process.env, OVS_RUNDIR: this.dir, OVS_LOGDIR: this.dir, OVS_DBDIR: this.dir };
    /** The netdev datapath makes a persistent TAP `ovs-netdev` that outlives ovs-vswitchd: ours to delete unless it was there before. */
    #hadDatapathTap = tryIp('link', 'show', 'ovs-netdev');
    run(cmd, ...args) {
        const r = spawnSync(cmd, args, { encoding: 'utf8', env: this.#env, timeout: 20_000 });
        if (r.error)
            throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
        if (r.status !== 0)
            throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim() || `exit ${r.status}`}`);
        return r.stdout;
    }
    vsctl(...args) {
        return this.run('ovs-vsctl', `--db=unix:${this.dir}/db.sock`, ...args);
    }
    start() {
        const d = this.dir;
        this.run('ovsdb-tool', 'create', `${d}/conf.db`, OVS_SCHEMA);
        this.run('ovsdb-server', `${d}/conf.db`, `--remote=punix:${d}/db.sock`, `--pidfile=${d}/ovsdb-server.pid`, `--unixctl=${d}/ovsdb-server.ctl`, `--log-file=${d}/ovsdb-server.log`, '--detach');
        this.vsctl('--no-wait', 'init');
        // Read when the datapath starts: set before ovs-vswitchd runs.
        this.vsctl('--no-wait', 'set', 'Open_vSwitch', '.', 'other_config:userspace-tso-enable=true');
        this.run('ovs-vswitchd', `unix:${d}/db.sock`, `--pidfile=${d}/ovs-vswitchd.pid`, `--unixctl=${d}/ovs-vswitchd.ctl`, `--log-file=${d}/ovs-vswitchd.log`, '--detach');
    }
    /** CPU seconds ovs-vswitchd has used (all its threads). */
    cpuSeconds() {
        const pid = readFileSync(`${this.dir}/ovs-vswitchd.pid`, 'utf8').trim();
        return statCpuSeconds(`/proc/${pid}/stat`);
    }
    /** Stops both daemons (vswitchd first, removing its datapath ports) and deletes the directory. */
    stop() {
        const d = this.dir;
        spawnSync('ovs-appctl', ['-t', `${d}/ovs-vswitchd.ctl`, 'exit', '--cleanup'], { env: this.#env, timeout: 20_000 });
        spawnSync('ovs-appctl', ['-t', `${d}/ovsdb-server.ctl`, 'exit'], { env: this.#env, timeout: 20_000 });
        for (const name of ['ovs-vswitchd', 'ovsdb-server']) {
            try {
                const pid = Number(readFileSync(`${d}/${name}.pid`, 'utf8').trim());
                if (pid > 1)
                    process.kill(pid, 'SIGTERM');
            }
            catch {
                // exited already: its pid file is gone
            }
        }
        rmSync(d, { recursive: true, force: true });
        if (!this.#hadDatapathTap)
            tryIp('link', 'del', 'ovs-netdev');
    }
}
function ovsMissing() {
    const missing = OVS_COMMANDS.filter((c) => !haveCommand(c));
    return missing.length > 0 ? `Open vSwitch is not installed (no ${missing.join(', ')}; apt-get install openvswitch-switch)` : null;
}
async function build(setup) {
    const nsA = uniqueName('vn');
    const nsB = uniqueName('vn');
    addNamespace(nsA);
    addNamespace(nsB);
    const names = { a: uniqueName('vn'), b: uniqueName('vn'), br: uniqueName('vnbr') };
    const cleanup = async () => {
        tryIp('netns', 'del', nsA);
        tryIp('netns', 'del', nsB);
        tryIp('link', 'del', names.br);
    };
    const address = (ifA, ifB) => {
        ip('-n', nsA, 'addr', 'add', `${A}/24`, 'dev', ifA);
        ip('-n', nsB, 'addr', 'add', `${B}/24`, 'dev', ifB);
        ip('-n', nsA, 'link', 'set', ifA, 'up');
        ip('-n', nsB, 'link', 'set', ifB, 'up');
    };
    try {
        if (setup === 'veth') {
            ip('link', 'add', names.a, 'netns', nsA, 'type', 'veth', 'peer', 'name', names.b, 'netns', nsB);
            address(names.a, names.b);
            return { nsA, nsB, stop: cleanup, vnetCpu: () => 0, engineCpu: () => 0 };
        }
        if (setup === 'linux-bridge') {
            ip('link', 'add', names.br, 'type', 'bridge');
            ip('link', 'set', names.br, 'up');
            for (const [ns, end] of [[nsA, names.a], [nsB, names.b]]) {
                const peer = `${end}p`;
                ip('link', 'add', end, 'netns', ns, 'type', 'veth', 'peer', 'name', peer);
                ip('link', 'set', peer, 'master', names.br);
                ip('link', 'set', peer, 'up');
            }
            address(names.a, names.b);
            return { nsA, nsB, stop: cleanup, vnetCpu: () => 0, engineCpu: () => 0 };
        }
        if (setup === 'ovs') {
            const ovs = new PrivateOvs();
            const stop = async () => {
                ovs.stop();
                await cleanup();
            };
            try {
                ovs.start();
                ovs.vsctl('add-br', names.br, '--', 'set', 'bridge', names.br, 'datapath_type=netdev');
                for (const [ns, port] of [[nsA, names.a], [nsB, names.b]]) {
                    ovs.vsctl('add-port', names.br, port, '--', 'set', 'interface', port, 'type=internal');
                    await waitForLink(port);
                    ip('link', 'set', port, 'netns', ns);
                }
                address(names.a, names.b);
            }
            catch (e) {
                await stop();
                throw e;
            }
            return { nsA, nsB, stop, vnetCpu: () => ovs.cpuSeconds(), engineCpu: () => 0 };
        }
        const engine = new Engine({ clock: new RealClock() });
        const loop = new RealLoop(engine);
        const offloads = setup === 'vnet-offloads';
        engine.configure(new Graph()
            .app('a', TapPort, { ifname: names.a, offloads, doorbell: loop.doorbell })
            .app('b', TapPort, { ifname: names.b, offloads, doorbell: loop.doorbell })
            .app('br', LearningBridge, {})
            .connect('a.port', 'br.p1')
            .connect('b.port', 'br.p2'));
        await Promise.all([engine.app('a').ready(), engine.app('b').ready()]);
        ip('link', 'set', names.a, 'netns', nsA);
        ip('link', 'set', names.b, 'netns', nsB);
        address(names.a, names.b);
        loop.start();
        return {
            nsA,
            nsB,
            vnetCpu: selfCpuSeconds,
            engineCpu: engineThreadCpuSeconds,
            stop: async () => {
                await loop.stop();
                const taps = [engine.app('a'), engine.app('b')];
                engine.stop();
                await Promise.all(taps.map((t) => t.closed()));
                await cleanup();
            },
        };
    }
    catch (e) {
        await cleanup();
        throw e;
    }
}
async function iperf(env, seconds, args) {
    return iperf3(env.nsA, env.nsB, B, seconds, args);
}
/**
 * Builds every setup first, then measures each test in rounds that visit the setups in turn (the
 * order rotating every round), so a row and its baselines ran seconds apart under the same load
 * of a shared machine. Each figure is the median of its rounds.
 */
async function measureAll(setups, seconds, rounds, progress) {
    const envs = new Map();
    try {
        for (const s of setups) {
            const env = await build(s);
            envs.set(s, env);
            await nsExec(env.nsA, ['ping', '-c', '1', '-W', '2', B]);
        }
        const t = new Tally();
        for (let r = 0; r < rounds; r++) {
            const order = rotation(setups, r);
            for (const s of order) {
                const env = envs.get(s);
                progress(`real.${s}.tcp-1`);
                const cpu0 = env.vnetCpu();
                const engine0 = env.engineCpu();
                const t1 = await iperf(env, seconds, []);
                t.add('switch-cpu', s, env.vnetCpu() - cpu0);
                t.add('engine-cpu', s, env.engineCpu() - engine0);
                t.add('bytes', s, t1.sum_received?.bytes ?? 0);
                t.add('iperf-cpu', s, iperfCpuSeconds(t1, seconds));
                t.sample('tcp1', s, (t1.sum_received?.bits_per_second ?? 0) / 1e9);
            }
            for (const s of order) {
                progress(`real.${s}.tcp-4`);
                const t4 = await iperf(envs.get(s), seconds, ['-P', '4']);
                t.sample('tcp4', s, (t4.sum_received?.bits_per_second ?? 0) / 1e9);
            }
            for (const s of order) {
                progress(`real.${s}.udp-64B`);
                const u = await iperf(envs.get(s), seconds, ['-u', '-b', '0', '-l', '64']);
                t.sample('udp', s, udpReceivedPps(u, seconds));
            }
        }
        const results = new Map();
        for (const s of setups) {
            const gb = t.sum('bytes', s) / 1e9;
            results.set(s, {
                tcp1: t.median('tcp1', s),
                tcp4: t.median('tcp4', s),
                udpPps: t.median('udp', s),
                cpuIperfPerGB: gb > 0 ? t.sum('iperf-cpu', s) / gb : 0,
                cpuVnetPerGB: gb > 0 ? t.sum('switch-cpu', s) / gb : 0,
                cpuEnginePerGB: gb > 0 ? t.sum('engine-cpu', s) / gb : 0,
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
    return baselineRow(id, unit, value, 'linux-bridge', base, note);
}
function ratioRow(id, unit, value, baseName, base) {
    return baselineRow(id, unit, value, baseName, base);
}
export const realSuite = {
    name: 'real',
    async run(ctx) {
        const ids = SETUPS.flatMap((s) => [`real.${s}.tcp-1`, `real.${s}.tcp-4`, `real.${s}.udp-64B`, `real.${s}.tcp-1.cpu`, `real.${s}.tcp-1.vs-ovs`, `real.${s}.tcp-4.vs-ovs`]);
        if (!ids.some((id) => ctx.wants(id)))
            return [];
        const why = process.env.VNET_BENCH_REAL !== '1' ? 'optional suite: set VNET_BENCH_REAL=1 to run it (about 90 s)' : tapUnavailableReason() ?? (haveCommand('iperf3') ? null : 'iperf3 is not installed');
        if (why !== null)
            return [{ id: 'real', unit: '-', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `skipped: ${why}` }];
        const seconds = Number(process.env.VNET_BENCH_REAL_SECONDS ?? 5);
        const rounds = Number(process.env.VNET_BENCH_REAL_ROUNDS ?? 1);
        if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1)
            throw new Error(`real bench: VNET_BENCH_REAL_SECONDS must be > 0 and VNET_BENCH_REAL_ROUNDS a positive integer`);
        const rows = [];
        // The Linux bridge always runs: every other row is a ratio to it. OVS runs when asked for,
        // directly or through a vnet row's `.vs-ovs` ratio.
        const wantsOvs = ids.some((id) => (id.startsWith('real.ovs.') || id.endsWith('.vs-ovs')) && ctx.wants(id));
        const noOvs = wantsOvs ? ovsMissing() : null;
        if (noOvs !== null)
            rows.push({ id: 'real.ovs', unit: '-', value: 0, nsPerPacket: null, baseline: null, ratio: null, note: `skipped: ${noOvs}` });
        const wanted = SETUPS.filter((s) => s === 'linux-bridge' || (s === 'ovs' ? wantsOvs && noOvs === null : ids.some((id) => id.startsWith(`real.${s}.`) && ctx.wants(id))));
        const results = await measureAll(wanted, seconds, rounds, ctx.progress);
        const base = results.get('linux-bridge');
        const ovs = results.get('ovs');
        for (const [s, m] of results) {
            const isBase = s === 'linux-bridge';
            const switchCpu = s.startsWith('vnet') ? ` + vnet ${m.cpuVnetPerGB.toFixed(2)} s/GB (engine thread ${m.cpuEnginePerGB.toFixed(2)})` : s === 'ovs' ? ` + ovs-vswitchd ${m.cpuVnetPerGB.toFixed(2)} s/GB` : '';
            rows.push(row(`real.${s}.tcp-1`, 'Gbit/s', m.tcp1, isBase ? null : base.tcp1));
            rows.push(row(`real.${s}.tcp-4`, 'Gbit/s', m.tcp4, isBase ? null : base.tcp4));
            rows.push(row(`real.${s}.udp-64B`, 'Mpps', m.udpPps / 1e6, isBase ? null : base.udpPps / 1e6));
            rows.push(row(`real.${s}.tcp-1.cpu`, 's/GB', m.cpuIperfPerGB + m.cpuVnetPerGB, isBase ? null : base.cpuIperfPerGB, `iperf3 ${m.cpuIperfPerGB.toFixed(2)} s/GB${switchCpu}`));
            if (s.startsWith('vnet') && ovs !== undefined) {
                rows.push(ratioRow(`real.${s}.tcp-1.vs-ovs`, 'Gbit/s', m.tcp1, 'ovs-netdev', ovs.tcp1));
                rows.push(ratioRow(`real.${s}.tcp-4.vs-ovs`, 'Gbit/s', m.tcp4, 'ovs-netdev', ovs.tcp4));
            }
        }
        return rows.filter((r) => r.id === 'real.ovs' || ctx.wants(r.id));
    },
};
//# sourceMappingURL=real.js.map