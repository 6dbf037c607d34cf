/**
 * VXLAN over a real UDP socket: vnet's VTEP (netfns/tunnels/vxlan-vtep.ts, the same app the
 * emulated labs use) with its underlay port attached to a real UDP socket, so it talks to the
 * Linux kernel's vxlan devices and to other vnet processes over real networks.
 *
 * How: the VTEP speaks Ethernet/IPv4/UDP/VXLAN frames on its underlay port; `UdpUnderlay` is
 * the other end of that port. A datagram received from a.b.c.d:sport becomes the frame the VTEP
 * would have seen on a wire (outer Ethernet to the VTEP's MAC, IPv4 from a.b.c.d to the local
 * address, UDP sport -> 4789, checksum 0, the datagram as payload). A frame the VTEP sends is
 * read back (IPv4 destination, UDP payload) and the payload goes out to the remote's VXLAN
 * port; the kernel builds the real outer headers. The VTEP is given every remote as a static
 * underlay neighbour with one stand-in MAC, so it never ARPs: the real network resolves the real
 * next hop. The kernel picks a UDP source port per flow (RFC 7348); replies always go to the
 * remote's destination port (4789 unless configured), never to that source port.
 *
 * The socket is a `UdpEndpoint` (nics/udp/): an I/O worker receives with recvmmsg into a shared
 * ring whose slots keep each sender's address and port, and `push` sends whole batches with one
 * sendmmsg straight from the packets' payloads. Per datagram: one memcpy into a packet on the
 * way in, nothing allocated either way. With `offloads` (the default) runs of datagrams to or
 * from one remote cross the kernel as one (UDP GSO out, UDP GRO in); the VTEP still sees one
 * frame per datagram.
 * Bounds: the endpoint's rings (`ringSlots`); a full receive ring leaves datagrams in the
 * socket buffer and then the kernel drops (`stats().kernelDrops`); garbage datagrams become
 * frames the VTEP refuses with its own reasons (bad VXLAN header, unknown VNI, unknown sender).
 */
import { App } from '../engine/app.js';
import { SEND_OK, SEND_QUEUED, SEND_RING_FULL, UDP_BATCH, UdpEndpoint } from '../nics/udp/udp-endpoint.js';
import { internetChecksum } from '../wire/checksum.js';
import { parseIpv4Addr } from '../wire/ipv4-addr.js';
import { formatMac, parseMac, writeMac } from '../wire/mac.js';
import { UDP_PORT_VXLAN } from '../wire/udp.js';
import { VxlanVtep } from '../netfns/tunnels/vxlan-vtep.js';
export const UDP_UNDERLAY_DROPS = {
    'pool-empty': 'no free packet buffer for a received datagram',
    'too-big': 'datagram does not fit a packet buffer with its synthetic outer headers',
    'not-ipv4-udp': 'frame from the VTEP is not IPv4/UDP (underlay ARP or other traffic has no real counterpart)',
    'socket-down': 'the UDP socket is closed or failed',
    'tx-ring-full': 'the kernel pushed back and the transmit ring is full too',
    'send-refused': 'the kernel refused the datagram (no route to the remote, message too long...)',
};
/** The MAC every remote VTEP appears to have on the synthetic underlay wire. */
export const REMOTE_STAND_IN_MAC = '02:00:5e:00:47:89';
const OUTER_LEN = 14 + 20 + 8;
export class UdpUnderlay extends App {
    #endpoint;
    #local;
    #remotePort;
    #vtepMac;
    #standIn = parseMac(REMOTE_STAND_IN_MAC);
    /** Packets whose payloads are in the endpoint's batch until it is flushed. */
    #batch = new Array(UDP_BATCH).fill(null);
    constructor(ctx, conf) {
        super(ctx, conf, UDP_UNDERLAY_DROPS);
        this.#local = parseIpv4Addr(conf.local);
        this.#remotePort = conf.remotePort ?? UDP_PORT_VXLAN;
        this.#vtepMac = parseMac(conf.vtepMac);
        this.#endpoint = this.#open(conf);
    }
    /** The socket, or an error that names this app (the lab node) beside the socket's own message. */
    #open(conf) {
        try {
            return new UdpEndpoint({
                address: this.#local,
                port: conf.port ?? UDP_PORT_VXLAN,
                // A longer datagram could not become a packet anyway: the worker cuts it and it is a 'too-big' drop.
                maxDatagram: Math.min(65507, this.pool.dataRoom - OUTER_LEN),
                ...(conf.ringSlots !== undefined ? { ringSlots: conf.ringSlots } : {}),
                ...(conf.socketBuffer !== undefined ? { socketBuffer: conf.socketBuffer } : {}),
                ...(conf.doorbell !== undefined ? { doorbell: conf.doorbell } : {}),
                segmentation: conf.offloads !== false,
                receiveCoalescing: conf.offloads !== false,
            });
        }
        catch (e) {
            throw new Error(`${this.name}: ${e.message}`);
        }
    }
    /** Resolves when the socket's I/O worker runs (the socket is bound from the constructor on). */
    ready() {
        return this.#endpoint.ready();
    }
    /** Resolves when the worker has exited and the socket is closed (after `stop`). */
    closed() {
        return this.#endpoint.closed();
    }
    /** The bound UDP port. */
    get port() {
        return this.#endpoint.port;
    }
    /** Why the socket is unusable, or null. */
    get error() {
        return this.#endpoint.error;
    }
    /** Datagrams taken from the socket. */
    get rxDatagrams() {
        return this.#endpoint.rxDatagrams;
    }
    /** Datagrams handed to the kernel (directly or through the transmit ring). */
    get txDatagrams() {
        return this.#endpoint.txDatagrams;
    }
    /** The socket's counters and ring gauges. */
    stats() {
        return this.#endpoint.stats();
    }
    ports() {
        return ['vtep'];
    }
    pull() {
        const ep = this.#endpoint;
        if (!ep.readable())
            return;
        const out = this.output.vtep;
        let budget = out === undefined ? UDP_BATCH : Math.min(UDP_BATCH, out.writable());
        while (budget-- > 0 && ep.readable()) {
            const len = ep.peekLength();
            const p = this.alloc();
            if (p === null) {
                ep.release();
                this.countDrop('pool-empty');
                continue;
            }
            if (len < 0 || OUTER_LEN + len > p.buf.length - p.off) {
                ep.release();
                this.drop(p, 'too-big');
                continue;
            }
            const b = p.buf;
            const o = p.off;
            writeMac(b, o, this.#vtepMac);
            writeMac(b, o + 6, this.#standIn);
            b[o + 12] = 0x08;
            b[o + 13] = 0x00;
            const ipLen = 20 + 8 + len;
            const ip = o + 14;
            b[ip] = 0x45;
            b[ip + 1] = 0;
            b[ip + 2] = ipLen >>> 8;
            b[ip + 3] = ipLen & 0xff;
            b[ip + 4] = 0;
            b[ip + 5] = 0;
            b[ip + 6] = 0x40;
            b[ip + 7] = 0;
            b[ip + 8] = 64;
            b[ip + 9] = 17;
            b[ip + 10] = 0;
            b[ip + 11] = 0;
            p.view.setUint32(ip + 12, ep.peekSourceAddress());
            p.view.setUint32(ip + 16, this.#local);
            const c = internetChecksum(b, ip, 20);
            b[ip + 10] = c >>> 8;
            b[ip + 11] = c & 0xff;
            const udp = ip + 20;
            p.view.setUint16(udp, ep.peekSourcePort());
            p.view.setUint16(udp + 2, UDP_PORT_VXLAN);
            p.view.setUint16(udp + 4, 8 + len);
            p.view.setUint16(udp + 6, 0);
            ep.copyPayload(b, udp + 8);
            ep.release();
            p.len = OUTER_LEN + len;
            if (out === undefined)
                this.consume(p);
            else
                out.transmit(p);
        }
    }
    push() {
        const input = this.input.vtep;
        if (input === undefined)
            return;
        const ep = this.#endpoint;
        const batch = this.#batch;
        while (!input.empty()) {
            let n = 0;
            while (n < UDP_BATCH && !input.empty()) {
                const p = input.receive();
                const b = p.buf;
                const o = p.off;
                if (p.len < OUTER_LEN || b[o + 12] !== 0x08 || b[o + 13] !== 0x00 || b[o + 14] >>> 4 !== 4 || b[o + 23] !== 17) {
                    this.drop(p, 'not-ipv4-udp');
                    continue;
                }
                if (!ep.open) {
                    this.drop(p, 'socket-down');
                    continue;
                }
                const ihl = (b[o + 14] & 0x0f) * 4;
                const payload = o + 14 + ihl + 8;
                const end = o + p.len;
                if (payload > end) {
                    this.drop(p, 'not-ipv4-udp');
                    continue;
                }
                ep.queuePacket(p, payload, end - payload, p.view.getUint32(o + 14 + 16), this.#remotePort);
                batch[n++] = p;
            }
            if (n === 0)
                continue;
            ep.flush();
            for (let i = 0; i < n; i++) {
                const p = batch[i];
                batch[i] = null;
                const outcome = ep.outcome(i);
                if (outcome === SEND_OK || outcome === SEND_QUEUED)
                    this.consume(p);
                else
                    this.drop(p, outcome === SEND_RING_FULL ? 'tx-ring-full' : 'send-refused');
            }
        }
    }
    stop() {
        this.#endpoint.close();
    }
}
/** Every remote address the overlay config names (flood lists and static entries). */
function remotesOf(overlay) {
    const set = new Set();
    for (const list of Object.values(overlay.flood ?? {}))
        for (const r of list)
            set.add(r);
    for (const s of overlay.static ?? [])
        set.add(s.remote);
    return [...set];
}
/**
 * Adds a VTEP named `name` (access ports as `overlay.ports` says) and its UDP underlay
 * `name/udp` to a graph, cabled together.
 */
export function addVxlanOverUdp(graph, name, conf) {
    const local = parseIpv4Addr(conf.local);
    const vtepMac = formatMac(0x0e0000000000 + local);
    const neighbours = {};
    for (const r of remotesOf(conf.overlay))
        neighbours[r] = REMOTE_STAND_IN_MAC;
    graph.app(name, VxlanVtep, {
        ...conf.overlay,
        underlay: { port: 'underlay', ip: `${conf.local}/0`, mac: vtepMac, neighbours, ...(conf.mtu !== undefined ? { mtu: conf.mtu } : {}) },
    });
    graph.app(`${name}/udp`, UdpUnderlay, {
        local: conf.local,
        vtepMac,
        ...(conf.port !== undefined ? { port: conf.port } : {}),
        ...(conf.remotePort !== undefined ? { remotePort: conf.remotePort } : {}),
        ...(conf.doorbell !== undefined ? { doorbell: conf.doorbell } : {}),
        ...(conf.offloads !== undefined ? { offloads: conf.offloads } : {}),
    });
    graph.connect(`${name}.underlay`, `${name}/udp.vtep`);
}
//# sourceMappingURL=vxlan-udp.js.map