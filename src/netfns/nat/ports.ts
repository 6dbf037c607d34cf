/**
 * Source port (or ICMP echo identifier) allocation for one external address.
 *
 * A port is free for a new connection when the reply tuple it would create is not already a
 * live conntrack entry (Linux's rule: the same external port serves flows to different remote
 * endpoints), and it is not reserved by a port forward. The search keeps the original port
 * when it is in range and free, and otherwise walks the range from a rotating cursor, so it is
 * bounded by the range size. Ports come back by themselves when their entries expire.
 */
import type { Conntrack } from '../conntrack/conntrack.js';

const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;

export class PortAllocator {
  /** The external address (uint32). */
  readonly ip: number;
  readonly min: number;
  readonly max: number;
  readonly #reservedTcp = new Uint8Array(65536);
  readonly #reservedUdp = new Uint8Array(65536);
  #cursor: number;
  /** Ports handed out. */
  allocations = 0;
  /** Allocations refused because every port in the range was taken (the overflow counter). */
  exhausted = 0;

  constructor(ip: number, min: number, max: number) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) throw new RangeError(`nat: port range must be 1 <= min <= max <= 65535, got ${min}-${max}`);
    this.ip = ip >>> 0;
    this.min = min;
    this.max = max;
    this.#cursor = min;
  }

  /** Keeps `port` out of allocation for `proto` (a port forward listens there). */
  reserve(proto: number, port: number): void {
    (proto === IPPROTO_TCP ? this.#reservedTcp : this.#reservedUdp)[port] = 1;
  }

  /**
   * A port for a connection whose reply will come from `remote:remotePort` (for ICMP the remote
   * port is ignored), preferring `preferred`; -1 when the range is exhausted.
   */
  allocate(ct: Conntrack, zone: number, proto: number, remote: number, remotePort: number, preferred: number, now: number): number {
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

  #free(ct: Conntrack, zone: number, proto: number, remote: number, remotePort: number, port: number, now: number): boolean {
    if (proto === IPPROTO_ICMP) return ct.find(zone, proto, remote, this.ip, port, 0, now) < 0;
    const reserved = proto === IPPROTO_TCP ? this.#reservedTcp : this.#reservedUdp;
    return reserved[port] === 0 && ct.find(zone, proto, remote, this.ip, remotePort, port, now) < 0;
  }
}
