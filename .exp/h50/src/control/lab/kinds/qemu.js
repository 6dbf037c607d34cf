/**
 * `kind: qemu` — a real QEMU guest (qemu-system-x86_64 under TCG) whose virtio-net NIC is a port
 * of the lab:
 *
 *   vm1:
 *     kind: qemu
 *     guest: { kernel: guest/vmlinuz, initrd: guest/initrd.cpio.gz, memory: 256, append: "vnet.ping=10.0.0.1" }
 *     interfaces: { eth0: { mac: 52:54:00:12:34:56, ip: 10.0.0.2/24 } }
 *     console: vm1.log            # default: <tmpdir>/vnet-qemu-<lab>-<node>.log
 *
 * The node app is a `QemuGuest`: a DgramPort (nics/dgram-port.ts) on 127.0.0.1 that, at the first
 * breath after its socket is bound, starts QEMU with `-netdev dgram` sending to that port (QEMU binds any free
 * local port; the first datagram makes it the peer) and `-device virtio-net-pci`. QEMU's console
 * goes to the log file. Stopping the app (lab down, Ctrl-C, the end of a run) terminates QEMU,
 * and so does the vnet process exiting normally; a vnet killed with SIGKILL leaves it running.
 *
 * The guest configures itself: vnet cannot reach into it, so `ip` is handed over on the kernel
 * command line as `vnet.ip=CIDR` for the guest's init to apply (test/real/qemu/init.sh does).
 * Paths are relative to the lab file. The guest runs on the wall clock, so a qemu node needs
 * `vnet lab up`; `vnet lab run` runs on the virtual clock and stops before the guest has booted.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DgramPort } from '../../../nics/dgram-port.js';
/** The QEMU command line for a guest whose NIC sends to 127.0.0.1:`port`. */
export function qemuArgs(conf, port) {
    return [
        '-accel', 'tcg', '-nographic', '-no-reboot',
        '-m', String(conf.memoryMiB),
        '-kernel', conf.kernel, '-initrd', conf.initrd, '-append', conf.cmdline,
        '-netdev', `dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=0,remote.type=inet,remote.host=127.0.0.1,remote.port=${port}`,
        // romfile= : no iPXE option ROM, the kernel is loaded directly.
        '-device', `virtio-net-pci,netdev=n0,romfile=,mac=${conf.mac}`,
        ...conf.extraArgs,
    ];
}
/** A DgramPort that runs the QEMU guest at its other end. */
export class QemuGuest extends DgramPort {
    consoleLog;
    /** Resolves when QEMU has exited (or is known never to start). */
    exited;
    #child = null;
    #boundPort = 0;
    #resolveExit = () => { };
    #killOnExit = () => {
        this.#child?.kill('SIGKILL');
    };
    constructor(ctx, conf) {
        super(ctx, conf);
        this.consoleLog = conf.consoleLog;
        this.exited = new Promise((r) => {
            this.#resolveExit = r;
        });
        this.ready().then((port) => {
            this.#boundPort = port;
        }, (e) => this.#resolveExit({ started: false, code: null, signal: null, error: e.message }));
    }
    /**
     * QEMU starts from the first breath after the socket is bound: that needs an engine loop that
     * yields to I/O (lab up, RealLoop). A run on the virtual clock breathes before the bind
     * completes and ends, so it never starts a guest it would not wait for.
     */
    pull() {
        if (this.#boundPort !== 0) {
            const port = this.#boundPort;
            this.#boundPort = 0;
            this.#start(this.conf, port);
        }
        super.pull();
    }
    /** QEMU's process id while it runs, or null. */
    get pid() {
        return this.#child?.pid ?? null;
    }
    #start(conf, port) {
        const log = openSync(conf.consoleLog, 'w');
        let child;
        try {
            child = spawn(conf.binary ?? 'qemu-system-x86_64', qemuArgs(conf, port), { stdio: ['ignore', log, log] });
        }
        finally {
            closeSync(log);
        }
        this.#child = child;
        process.on('exit', this.#killOnExit);
        let spawnError = null;
        child.once('error', (e) => {
            spawnError = `${this.name}: cannot run ${conf.binary ?? 'qemu-system-x86_64'}: ${e.message}`;
        });
        child.once('close', (code, signal) => {
            process.off('exit', this.#killOnExit);
            this.#child = null;
            this.#resolveExit({ started: spawnError === null, code, signal, error: spawnError });
        });
    }
    stop() {
        this.#boundPort = 0;
        if (this.#child !== null)
            this.#child.kill('SIGTERM');
        else
            this.#resolveExit({ started: false, code: null, signal: null, error: 'stopped before QEMU started' });
        super.stop();
    }
}
/** A stable locally administered MAC in QEMU's 52:54:00 range, from the lab and node names. */
function defaultMac(lab, node) {
    let h = 0x811c9dc5;
    for (const c of `${lab}/${node}`)
        h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return `52:54:00:${[h >>> 16, h >>> 8, h].map((b) => (b & 0xff).toString(16).padStart(2, '0')).join(':')}`;
}
export const qemuKind = {
    name: 'qemu',
    aliases: [],
    description: 'a real QEMU guest (TCG) whose virtio-net NIC reaches the lab over -netdev dgram; needs vnet lab up',
    schemaProperties: {
        guest: {
            type: 'object',
            additionalProperties: false,
            required: ['kernel', 'initrd'],
            properties: {
                kernel: { type: 'string', description: 'guest kernel image, relative to the lab file' },
                initrd: { type: 'string', description: 'guest initramfs, relative to the lab file' },
                memory: { type: 'integer', minimum: 64, maximum: 16384, description: 'guest RAM in MiB (default 256)' },
                append: { type: 'string', description: 'extra kernel command line' },
                args: { type: 'array', items: { type: 'string' }, description: 'extra QEMU arguments' },
            },
        },
        interfaces: {
            type: 'object',
            minProperties: 1,
            maxProperties: 1,
            additionalProperties: {
                type: ['object', 'null'],
                additionalProperties: false,
                properties: {
                    mac: { type: 'string' },
                    ip: { type: 'string', description: 'handed to the guest as vnet.ip=CIDR on the kernel command line' },
                },
            },
        },
        console: { type: 'string', description: 'file for the guest console, relative to the lab file' },
    },
    parse(v, node, path) {
        const g = node.guest === undefined ? (v.fail([...path, 'guest'], 'a qemu node needs guest: { kernel, initrd }', true), undefined) : v.object(node.guest, [...path, 'guest']);
        const gp = [...path, 'guest'];
        if (g !== undefined)
            v.allowOnly(g, gp, ['kernel', 'initrd', 'memory', 'append', 'args']);
        const kernel = g === undefined ? undefined : v.string(g.kernel, [...gp, 'kernel']);
        const initrd = g === undefined ? undefined : v.string(g.initrd, [...gp, 'initrd']);
        const memory = g?.memory === undefined ? 256 : v.int(g.memory, [...gp, 'memory'], 64, 16384) ?? 256;
        const append = g?.append === undefined ? undefined : v.string(g.append, [...gp, 'append']);
        const args = [];
        if (g?.args !== undefined) {
            if (!Array.isArray(g.args))
                v.fail([...gp, 'args'], 'must be a list of QEMU arguments');
            else
                g.args.forEach((a, i) => { const s = v.string(typeof a === 'number' ? String(a) : a, [...gp, 'args', i]); if (s !== undefined)
                    args.push(s); });
        }
        const ifs = node.interfaces === undefined ? undefined : v.object(node.interfaces, [...path, 'interfaces']);
        const names = ifs === undefined ? [] : Object.keys(ifs);
        if (names.length !== 1)
            v.fail([...path, 'interfaces'], `a qemu node has exactly one interface (its virtio-net NIC), got ${names.length}`, node.interfaces === undefined);
        const iface = names[0] ?? 'eth0';
        const ip = [...path, 'interfaces', iface];
        const raw = ifs?.[iface];
        const i = raw === undefined || raw === null ? {} : v.object(raw, ip) ?? {};
        v.allowOnly(i, ip, ['mac', 'ip']);
        const mac = i.mac === undefined ? undefined : v.mac(i.mac, [...ip, 'mac']);
        const addr = i.ip === undefined ? undefined : v.cidr(i.ip, [...ip, 'ip']);
        const consoleFile = node.console === undefined ? undefined : v.string(node.console, [...path, 'console']);
        return {
            kind: 'qemu',
            guest: { kernel: kernel ?? '', initrd: initrd ?? '', memory, args, ...(append !== undefined ? { append } : {}) },
            iface,
            ...(mac !== undefined ? { mac } : {}),
            ...(addr !== undefined ? { ip: addr } : {}),
            ...(consoleFile !== undefined ? { console: consoleFile } : {}),
        };
    },
    checkLinks(v, name, model, links, path) {
        for (const { endpoint, path: lp } of links) {
            if (endpoint.iface !== model.iface)
                v.fail(lp, `${name} has no interface ${endpoint.iface} (its NIC is ${model.iface})`);
        }
        if (links.length === 0)
            v.fail([...path, 'interfaces', model.iface], `${name}:${model.iface} is not connected by any link`);
        if (links.length > 1)
            v.fail(links[1].path, `${name}:${model.iface} is connected twice`);
    },
    build(graph, name, node, lab) {
        const base = dirname(lab.file);
        const cmdline = ['console=ttyS0', 'quiet', 'panic=-1', ...(node.ip !== undefined ? [`vnet.ip=${node.ip}`] : []), ...(node.guest.append !== undefined ? [node.guest.append] : [])].join(' ');
        const conf = {
            port: node.iface,
            kernel: resolve(base, node.guest.kernel),
            initrd: resolve(base, node.guest.initrd),
            memoryMiB: node.guest.memory,
            cmdline,
            mac: node.mac ?? defaultMac(lab.name, name),
            extraArgs: node.guest.args,
            consoleLog: node.console !== undefined ? resolve(base, node.console) : join(tmpdir(), `vnet-qemu-${lab.name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${name}.log`),
        };
        for (const [what, file] of [['kernel', conf.kernel], ['initrd', conf.initrd]]) {
            if (!existsSync(file))
                throw new Error(`${lab.file}: node ${name}: guest ${what} ${file} does not exist (test/real/qemu/build-guest.sh builds one)`);
        }
        graph.app(name, QemuGuest, conf);
    },
};
//# sourceMappingURL=qemu.js.map