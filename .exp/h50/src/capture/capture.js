import { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, PcapngWriter, readPcapng } from './pcapng.js';
import { PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS, readPcap, writePcap } from './pcap.js';
const DIR_INBOUND = 1;
const DIR_OUTBOUND = 2;
export class Capture {
    maxPackets;
    maxBytes;
    snaplen;
    epochNs;
    #clock;
    #ports = [];
    #taps = new Map();
    #arena = new Uint8Array(0);
    #time = new Float64Array(0);
    #start = new Uint32Array(0);
    #caplen = new Uint32Array(0);
    #origlen = new Uint32Array(0);
    #iface = new Uint16Array(0);
    #dir = new Uint8Array(0);
    #count = 0;
    #used = 0;
    #detached = false;
    /** Packets not recorded because a bound was reached (the capture's overflow counter). */
    overflowPackets = 0;
    constructor(clock, options = {}) {
        this.#clock = clock;
        this.maxPackets = options.maxPackets ?? 100_000;
        this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
        this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
        this.epochNs = options.epochNs ?? 0n;
        if (!Number.isInteger(this.maxPackets) || this.maxPackets < 1)
            throw new RangeError(`capture: maxPackets must be a positive integer, got ${this.maxPackets}`);
        if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1 || this.maxBytes > 0xffffffff)
            throw new RangeError(`capture: maxBytes must be a positive integer below 4 GiB, got ${this.maxBytes}`);
        if (!Number.isInteger(this.snaplen) || this.snaplen < 1)
            throw new RangeError(`capture: snaplen must be a positive integer, got ${this.snaplen}`);
    }
    /** Packets recorded (the capture's gauge). */
    get packetCount() {
        return this.#count;
    }
    /** Captured bytes stored. */
    get byteCount() {
        return this.#used;
    }
    /** Port names in interface order. */
    get ports() {
        return this.#ports;
    }
    /** Adds a port as one capture interface and taps its links; returns the interface id. */
    addPort(name, links) {
        if (this.#detached)
            throw new Error(`capture: cannot add port ${name} after detach()`);
        if (name.length === 0)
            throw new Error('capture: a port needs a name');
        if (this.#ports.includes(name))
            throw new Error(`capture: port ${name} added twice`);
        if (links.inbound === undefined && links.outbound === undefined)
            throw new Error(`capture: port ${name} has neither an inbound nor an outbound link`);
        if (this.#ports.length >= 0xffff)
            throw new RangeError('capture: too many ports');
        for (const l of [links.inbound, links.outbound]) {
            if (l !== undefined && l.tap !== null && this.#taps.get(l)?.fn !== l.tap) {
                throw new Error(`capture: link ${l.name} of port ${name} is already tapped by another capture`);
            }
        }
        const iface = this.#ports.length;
        this.#ports.push(name);
        if (links.inbound !== undefined)
            this.#tap(links.inbound, { iface, dir: DIR_INBOUND });
        if (links.outbound !== undefined)
            this.#tap(links.outbound, { iface, dir: DIR_OUTBOUND });
        return iface;
    }
    #tap(link, entry) {
        const existing = this.#taps.get(link);
        if (existing !== undefined) {
            existing.entries.push(entry);
            return;
        }
        const entries = [entry];
        const fn = (p) => {
            for (let i = 0; i < entries.length; i++)
                this.#record(p, entries[i]);
        };
        this.#taps.set(link, { fn, entries });
        link.tap = fn;
    }
    #record(p, e) {
        const n = this.#count;
        const caplen = Math.min(p.len, this.snaplen);
        if (n >= this.maxPackets || this.#used + caplen > this.maxBytes) {
            this.overflowPackets++;
            return;
        }
        if (n === this.#time.length)
            this.#growMeta();
        if (this.#used + caplen > this.#arena.length)
            this.#growArena(this.#used + caplen);
        this.#arena.set(p.buf.subarray(p.off, p.off + caplen), this.#used);
        this.#time[n] = this.#clock.now();
        this.#start[n] = this.#used;
        this.#caplen[n] = caplen;
        this.#origlen[n] = p.len;
        this.#iface[n] = e.iface;
        this.#dir[n] = e.dir;
        this.#used += caplen;
        this.#count = n + 1;
    }
    #growMeta() {
        const size = Math.min(this.maxPackets, Math.max(64, this.#time.length * 2));
        const grow = (a, make) => {
            const b = make(size);
            b.set(a);
            return b;
        };
        this.#time = grow(this.#time, (k) => new Float64Array(k));
        this.#start = grow(this.#start, (k) => new Uint32Array(k));
        this.#caplen = grow(this.#caplen, (k) => new Uint32Array(k));
        this.#origlen = grow(this.#origlen, (k) => new Uint32Array(k));
        this.#iface = grow(this.#iface, (k) => new Uint16Array(k));
        this.#dir = grow(this.#dir, (k) => new Uint8Array(k));
    }
    #growArena(need) {
        let size = Math.max(65536, this.#arena.length * 2);
        while (size < need)
            size *= 2;
        const next = new Uint8Array(Math.min(size, this.maxBytes));
        next.set(this.#arena.subarray(0, this.#used));
        this.#arena = next;
    }
    /** Removes this capture's taps from every link; the recorded packets stay readable. */
    detach() {
        for (const [link, t] of this.#taps)
            if (link.tap === t.fn)
                link.tap = null;
        this.#taps.clear();
        this.#detached = true;
    }
    /** Forgets the recorded packets and the overflow count; the taps stay. */
    clear() {
        this.#count = 0;
        this.#used = 0;
        this.overflowPackets = 0;
    }
    /** The recorded packets in capture order (copies of the bytes). */
    records() {
        const out = [];
        for (let i = 0; i < this.#count; i++) {
            const start = this.#start[i];
            const iface = this.#iface[i];
            out.push({
                interfaceId: iface,
                port: this.#ports[iface],
                direction: this.#dir[i] === DIR_INBOUND ? 'inbound' : 'outbound',
                time: this.#time[i],
                data: this.#arena.slice(start, start + this.#caplen[i]),
                originalLength: this.#origlen[i],
            });
        }
        return out;
    }
    /** A pcapng file: one interface per port (named after it), directions in epb_flags, ns timestamps. */
    toPcapng() {
        const w = new PcapngWriter();
        for (const name of this.#ports)
            w.addInterface({ name, linktype: LINKTYPE_ETHERNET, snaplen: this.snaplen });
        for (let i = 0; i < this.#count; i++) {
            const start = this.#start[i];
            w.addPacket({
                interfaceId: this.#iface[i],
                timestampNs: this.epochNs + BigInt(this.#time[i]),
                data: this.#arena.subarray(start, start + this.#caplen[i]),
                originalLength: this.#origlen[i],
                direction: this.#dir[i] === DIR_INBOUND ? 'inbound' : 'outbound',
            });
        }
        return w.toBytes();
    }
    /** A classic nanosecond pcap file (interfaces and directions are lost: every port in one stream). */
    toPcap() {
        const packets = [];
        for (let i = 0; i < this.#count; i++) {
            const start = this.#start[i];
            packets.push({
                timestampNs: this.epochNs + BigInt(this.#time[i]),
                data: this.#arena.subarray(start, start + this.#caplen[i]),
                originalLength: this.#origlen[i],
            });
        }
        return writePcap(packets, { nanosecond: true, snaplen: this.snaplen, linktype: LINKTYPE_ETHERNET });
    }
}
/** Reads a pcapng or classic pcap file (sniffed by magic). Never throws. */
export function readCaptureFile(bytes) {
    if (bytes.length >= 4) {
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const le = dv.getUint32(0, true);
        const be = dv.getUint32(0, false);
        if (le === 0x0a0d0d0a) {
            const r = readPcapng(bytes);
            return {
                format: 'pcapng',
                packets: r.packets.map((p) => {
                    const ifc = r.interfaces[p.interfaceId];
                    return { port: ifc.name, direction: p.direction, timestampNs: p.timestampNs, data: p.data, originalLength: p.originalLength, linktype: ifc.linktype };
                }),
                error: r.error,
            };
        }
        if ([PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS].includes(le) || [PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS].includes(be)) {
            const r = readPcap(bytes);
            const linktype = r.header?.linktype ?? LINKTYPE_ETHERNET;
            return {
                format: 'pcap',
                packets: r.packets.map((p) => ({ port: undefined, direction: 'unknown', timestampNs: p.timestampNs, data: p.data, originalLength: p.originalLength, linktype })),
                error: r.error,
            };
        }
    }
    return { format: 'unknown', packets: [], error: { reason: 'unknown-format', offset: 0 } };
}
//# sourceMappingURL=capture.js.map