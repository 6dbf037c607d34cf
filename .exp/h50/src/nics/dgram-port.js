/**
 * DgramPort: an engine port whose other end is a UDP socket carrying one raw Ethernet frame per
 * datagram, with no header: the format of QEMU's `-netdev dgram` (and `-netdev socket,udp=`).
 * A QEMU guest's virtio-net NIC plugs into a vnet lab through it with no TAP, no root and no
 * shared memory.
 *
 * How: the socket binds `host:bindPort` (127.0.0.1 and any free port by default; `ready()`
 * tells which). Datagrams are checked in the socket callback (shorter than an Ethernet header:
 * `runt`; longer than `maxFrame`: `oversize`; not from the peer: `foreign-source`) and kept in a
 * bounded ring (`queueMax`, overflow counted as `rx-queue-full`) until the engine's next
 * `pull()`, which copies them into packets on the engine port. Frames the engine sends on the
 * port are copied into a Buffer and sent to the peer. The peer is `peerHost:peerPort` when
 * configured; otherwise the first sender becomes the peer, and frames sent before anyone spoke
 * are dropped as `no-peer`.
 *
 * Conservation: a datagram dropped before it became a packet counts as generated and dropped,
 * so `received + generated = sent + consumed + dropped` holds for the app.
 *
 * Costs: one Buffer per datagram in each direction, at the I/O edge (dgram hands out a Buffer
 * per message and keeps the one it sends until the send completes); nothing else per frame.
 */
import dgram from 'node:dgram';
import { App } from '../engine/app.js';
export const DGRAM_PORT_DROPS = {
    oversize: 'frame longer than maxFrame (or than a packet buffer)',
    runt: 'frame shorter than an Ethernet header (14 bytes)',
    'rx-queue-full': 'datagrams arrived faster than the engine took them: receive queue full',
    'pool-empty': 'no free packet buffer for a received datagram',
    'foreign-source': 'datagram from an address other than the peer',
    'no-peer': 'frame to send before the peer is known (no peer configured and nothing received yet)',
    'socket-down': 'the socket is not bound (bind failed, not bound yet, or closed)',
};
const ETH_HEADER = 14;
/** 1500-byte MTU plus Ethernet header and one VLAN tag. */
export const DEFAULT_MAX_FRAME = 1518;
export const DEFAULT_QUEUE_MAX = 1024;
/** Subclasses may extend the configuration (a QEMU guest adds its command line). */
export class DgramPort extends App {
    portName;
    #socket;
    #maxFrame;
    #bell;
    #ring;
    #head = 0;
    #count = 0;
    #peerHost;
    #peerPort;
    #open = false;
    #closed = false;
    #ready;
    /** Why the socket is unusable, or null. */
    error = null;
    /** Datagrams received (before any check). */
    rxDatagrams = 0;
    /** Datagrams sent. */
    txDatagrams = 0;
    /** Most datagrams ever waiting at once (the queue's high-water mark). */
    queueHighWater = 0;
    constructor(ctx, conf) {
        super(ctx, conf, DGRAM_PORT_DROPS);
        this.portName = conf.port ?? 'port';
        const host = conf.host ?? '127.0.0.1';
        const queueMax = conf.queueMax ?? DEFAULT_QUEUE_MAX;
        if (!Number.isInteger(queueMax) || queueMax < 1)
            throw new RangeError(`${ctx.name}: queueMax must be a positive integer, got ${queueMax}`);
        const maxFrame = conf.maxFrame ?? DEFAULT_MAX_FRAME;
        if (!Number.isInteger(maxFrame) || maxFrame < ETH_HEADER)
            throw new RangeError(`${ctx.name}: maxFrame must be an integer >= ${ETH_HEADER}, got ${maxFrame}`);
        if (conf.peerPort !== undefined && !validPort(conf.peerPort, false))
            throw new RangeError(`${ctx.name}: peerPort must be 1..65535, got ${conf.peerPort}`);
        if (conf.bindPort !== undefined && !validPort(conf.bindPort, true))
            throw new RangeError(`${ctx.name}: bindPort must be 0..65535, got ${conf.bindPort}`);
        this.#maxFrame = maxFrame;
        this.#bell = conf.doorbell ? new Int32Array(conf.doorbell) : null;
        this.#ring = new Array(queueMax).fill(null);
        this.#peerPort = conf.peerPort ?? 0;
        this.#peerHost = conf.peerPort !== undefined ? (conf.peerHost ?? host) : null;
        const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
        this.#socket = socket;
        socket.on('message', (msg, rinfo) => this.#received(msg, rinfo));
        // The engine's loop keeps the process alive, not the port: a lab run on the virtual clock
        // must be able to end while the socket is open.
        socket.unref();
        this.#ready = new Promise((resolve, reject) => {
            socket.once('error', (e) => {
                this.error = `udp ${host}:${conf.bindPort ?? 0}: ${e.message}`;
                this.#open = false;
                reject(new Error(`${ctx.name}: ${this.error}`));
            });
            socket.bind(conf.bindPort ?? 0, host, () => {
                if (this.#closed)
                    return;
                this.#open = true;
                resolve(socket.address().port);
            });
        });
        this.#ready.catch(() => { });
    }
    /** Resolves with the bound UDP port; rejects with the bind error. */
    ready() {
        return this.#ready;
    }
    /** Where frames go: "host:port", or null until a peer is known. */
    get peer() {
        return this.#peerHost === null ? null : `${this.#peerHost}:${this.#peerPort}`;
    }
    /** Datagrams waiting for the next pull (the queue's gauge). */
    get queued() {
        return this.#count;
    }
    ports() {
        return [this.portName];
    }
    /** A datagram that never became a packet: generated and dropped, so the balance holds. */
    #dropDatagram(reason) {
        this.countDrop(reason);
    }
    #received(msg, rinfo) {
        this.rxDatagrams++;
        if (this.#peerHost === null) {
            this.#peerHost = rinfo.address;
            this.#peerPort = rinfo.port;
        }
        else if (rinfo.port !== this.#peerPort || rinfo.address !== this.#peerHost) {
            this.#dropDatagram('foreign-source');
            return;
        }
        if (msg.length < ETH_HEADER)
            return this.#dropDatagram('runt');
        if (msg.length > this.#maxFrame)
            return this.#dropDatagram('oversize');
        const ring = this.#ring;
        if (this.#count === ring.length)
            return this.#dropDatagram('rx-queue-full');
        ring[(this.#head + this.#count) % ring.length] = msg;
        this.#count++;
        if (this.#count > this.queueHighWater)
            this.queueHighWater = this.#count;
        if (this.#bell !== null) {
            Atomics.add(this.#bell, 0, 1);
            Atomics.notify(this.#bell, 0);
        }
    }
    pull() {
        if (this.#count === 0)
            return;
        const out = this.output[this.portName];
        const ring = this.#ring;
        while (this.#count > 0) {
            if (out !== undefined && out.full())
                break; // leave the rest queued rather than drop on the link
            const msg = ring[this.#head];
            ring[this.#head] = null;
            this.#head = (this.#head + 1) % ring.length;
            this.#count--;
            const p = this.alloc();
            if (p === null) {
                this.#dropDatagram('pool-empty');
                continue;
            }
            if (msg.length > p.buf.length - p.off) {
                this.drop(p, 'oversize');
                continue;
            }
            p.buf.set(msg, p.off);
            p.len = msg.length;
            if (out === undefined)
                this.consume(p);
            else
                out.transmit(p);
        }
    }
    push() {
        const input = this.input[this.portName];
        if (input === undefined)
            return;
        while (!input.empty()) {
            const p = input.receive();
            if (p.len < ETH_HEADER) {
                this.drop(p, 'runt');
                continue;
            }
            if (p.len > this.#maxFrame) {
                this.drop(p, 'oversize');
                continue;
            }
            if (!this.#open) {
                this.drop(p, 'socket-down');
                continue;
            }
            if (this.#peerHost === null) {
                this.drop(p, 'no-peer');
                continue;
            }
            // dgram keeps the buffer until the datagram is sent: it needs its own copy.
            this.#socket.send(Buffer.from(p.buf.subarray(p.off, p.off + p.len)), this.#peerPort, this.#peerHost);
            this.txDatagrams++;
            this.consume(p);
        }
    }
    stop() {
        this.#open = false;
        this.#closed = true;
        this.#ring.fill(null);
        this.#count = 0;
        try {
            this.#socket.close();
        }
        catch {
            // already closed
        }
    }
}
function validPort(n, zeroOk) {
    return Number.isInteger(n) && n >= (zeroOk ? 0 : 1) && n <= 65535;
}
//# sourceMappingURL=dgram-port.js.map