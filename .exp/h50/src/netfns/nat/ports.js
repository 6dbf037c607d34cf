const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
export class PortAllocator {
    /** The external address (uint32). */
    ip;
    min;
    max;
    #reservedTcp = new Uint8Array(65536);
    #reservedUdp = new Uint8Array(65536);
    #cursor;
    /** Ports handed out. */
    allocations = 0;
    /** Allocations refused because every port in the range was taken (the overflow counter). */
    exhausted = 0;
    constructor(ip, min, max) {
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max)
            throw new RangeError(`nat: port range must be 1 <= min <= max <= 65535, got ${min}-${max}`);
        this.ip = ip >>> 0;
        this.min = min;
        this.max = max;
        this.#cursor = min;
    }
    /** Keeps `port` out of allocation for `proto` (a port forward listens there). */
    reserve(proto, port) {
        (proto === IPPROTO_TCP ? this.#reservedTcp : this.#reservedUdp)[port] = 1;
    }
    /**
     * A port for a connection whose reply will come from `remote:remotePort` (for ICMP the remote
     * port is ignored), preferring `preferred`; -1 when the range is exhausted.
     */
    allocate(ct, zone, proto, remote, remotePort, preferred, now) {
        if (preferred >= this.min && preferred <= this.max && this.#free(ct, zone, proto, remote, remotePort, preferred, now)) {
            this.allocations++;
            return preferred;
        }
        const span = this.max - this.min + 1;
        let p = this.#cursor;
        for (let k = 0; k < span; k++) {
            const port = p;
            p = p === this.max ? this.min : p + 1;
            if (this.#free(ct, zone, proto, remote, remotePort, port, now)) {
                this.#cursor = p;
                this.allocations++;
                return port;
            }
        }
        this.exhausted++;
        return -1;
    }
    #free(ct, zone, proto, remote, remotePort, port, now) {
        if (proto === IPPROTO_ICMP)
            return ct.find(zone, proto, remote, this.ip, port, 0, now) < 0;
        const reserved = proto === IPPROTO_TCP ? this.#reservedTcp : this.#reservedUdp;
        return reserved[port] === 0 && ct.find(zone, proto, remote, this.ip, remotePort, port, now) < 0;
    }
}
//# sourceMappingURL=ports.js.map