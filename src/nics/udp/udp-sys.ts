/**
 * The socket calls a UDP port needs beyond vnet's shared libc binding (`../sys/libc.ts`), bound
 * with koffi: setsockopt, getsockname, recvmmsg and sendmmsg, plus the `struct mmsghdr` vectors
 * they take, laid out by hand.
 *
 * Layouts are those of LP64 Linux (x86-64, aarch64): sockaddr_in 16 bytes (family little-endian,
 * port and address in network order), iovec 16 (base, length), msghdr 56 (name 0, namelen 8,
 * iov 16, iovlen 24, control 32, controllen 40, flags 48), mmsghdr 64 (msghdr, then msg_len at 56).
 * Pointers are written as two 32-bit halves: user-space addresses fit in 53 bits, so a JS number
 * holds them exactly (as in `ByteCopier`).
 *
 * Like `Libc`, every call is synchronous and each thread makes its own `UdpSys`.
 */
import koffi from 'koffi';
import { closeSync } from 'node:fs';
import { type Libc } from '../sys/libc.js';
import { errnoText } from '../tap/tun.js';

export const AF_INET = 2;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
/** Root may set buffers beyond net.core.{r,w}mem_max with the FORCE variants. */
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const MSG_DONTWAIT = 0x40;
/** msg_flags: the datagram was longer than the buffer and was cut. */
export const MSG_TRUNC = 0x20;
export const POLLOUT = 0x4;
export const EINVAL = 22;
export const EMSGSIZE = 90;
export const ENOBUFS = 105;
/** UDP segmentation offload (Linux 4.18): a cmsg at level SOL_UDP carrying the segment size as a u16. */
export const SOL_UDP = 17;
export const UDP_SEGMENT = 103;
/** UDP receive coalescing (Linux 5.0): runs of one flow's datagrams arrive as one, with their size in a cmsg. */
export const UDP_GRO = 104;
/** CMSG_SPACE(sizeof(int)): room for the UDP_GRO cmsg. */
export const GRO_CMSG_SPACE = 24;
/** Most segments one UDP GSO send may carry (UDP_MAX_SEGMENTS). */
export const UDP_MAX_SEGMENTS = 64;
/** CMSG_SPACE(sizeof(u16)): a 16-byte cmsghdr (size_t len, int level, int type), the u16, padding to 8. */
export const SEGMENT_CMSG_SPACE = 24;
const SEGMENT_CMSG_LEN = 18;

export const SOCKADDR_IN_LEN = 16;
export const IOVEC_LEN = 16;
export const MMSGHDR_LEN = 64;

const MORE_ERRNO_NAMES: Readonly<Record<number, string>> = {
  98: 'EADDRINUSE (another socket is bound to this address and port)',
  99: 'EADDRNOTAVAIL (no interface here has this address)',
  101: 'ENETUNREACH (no route to the remote)',
  105: 'ENOBUFS',
  113: 'EHOSTUNREACH (no route to the remote)',
};

export function socketErrnoText(errno: number): string {
  const name = MORE_ERRNO_NAMES[errno];
  return name === undefined ? errnoText(errno) : `errno ${errno} ${name}`;
}

export class UdpSys {
  readonly setsockopt: (fd: number, level: number, name: number, value: Int32Array, len: number) => number;
  readonly getsockname: (fd: number, addr: Uint8Array, len: Uint32Array) => number;
  /** recvmmsg on a raw address of an mmsghdr array (see `MmsgVector.addressOf`); no timeout. */
  readonly recvmmsg: (fd: number, vec: number, count: number, flags: number, timeout: number) => number;
  readonly sendmmsg: (fd: number, vec: number, count: number, flags: number) => number;

  constructor() {
    const libc = koffi.load('libc.so.6');
    this.setsockopt = libc.func('int setsockopt(int, int, int, const void *, uint32_t)');
    this.getsockname = libc.func('int getsockname(int, void *, void *)');
    this.recvmmsg = libc.func('int recvmmsg(int, intptr_t, unsigned int, int, intptr_t)');
    this.sendmmsg = libc.func('int sendmmsg(int, intptr_t, unsigned int, int)');
  }
}

/** Writes a sockaddr_in for `address` (IPv4 as a 32-bit number) and `port` at `off`. */
export function writeSockaddrIn(bytes: Uint8Array, off: number, address: number, port: number): void {
  bytes[off] = AF_INET;
  bytes[off + 1] = 0;
  bytes[off + 2] = port >>> 8;
  bytes[off + 3] = port & 0xff;
  bytes[off + 4] = address >>> 24;
  bytes[off + 5] = (address >>> 16) & 0xff;
  bytes[off + 6] = (address >>> 8) & 0xff;
  bytes[off + 7] = address & 0xff;
  for (let i = 8; i < 16; i++) bytes[off + i] = 0;
}

/** The IPv4 address (a 32-bit number) of the sockaddr_in at `off`. */
export function sockaddrInAddress(bytes: Uint8Array, off: number): number {
  return ((bytes[off + 4]! << 24) | (bytes[off + 5]! << 16) | (bytes[off + 6]! << 8) | bytes[off + 7]!) >>> 0;
}

/** The port of the sockaddr_in at `off`. */
export function sockaddrInPort(bytes: Uint8Array, off: number): number {
  return (bytes[off + 2]! << 8) | bytes[off + 3]!;
}

export interface UdpSocketOptions {
  /** IPv4 address to bind, as a 32-bit number. */
  readonly address: number;
  /** Port to bind; 0 lets the kernel pick one. */
  readonly port: number;
  /** SO_RCVBUF / SO_SNDBUF in bytes (the kernel doubles them for its bookkeeping). */
  readonly receiveBuffer: number;
  readonly sendBuffer: number;
  /** Ask for UDP_GRO (best effort: a kernel without it just delivers datagrams one by one). */
  readonly receiveCoalescing?: boolean;
}

/**
 * A non-blocking, close-on-exec IPv4 UDP socket bound to `address:port`, with the buffer sizes
 * asked for (the FORCE variants first, so root is not held to the sysctl maxima). Returns the fd
 * and the port it got. Throws with the errno's name when the socket cannot be made or bound.
 */
export function openUdpSocket(libc: Libc, sys: UdpSys, options: UdpSocketOptions): { fd: number; port: number } {
  const where = `udp ${(options.address >>> 24)}.${(options.address >>> 16) & 0xff}.${(options.address >>> 8) & 0xff}.${options.address & 0xff}:${options.port}`;
  const fd = libc.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`${where}: socket() failed: ${socketErrnoText(libc.errno())}`);
  try {
    const value = new Int32Array(1);
    for (const [force, plain, size] of [[SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBuffer], [SO_SNDBUFFORCE, SO_SNDBUF, options.sendBuffer]] as const) {
      value[0] = size;
      if (sys.setsockopt(fd, SOL_SOCKET, force, value, 4) < 0 && sys.setsockopt(fd, SOL_SOCKET, plain, value, 4) < 0) {
        throw new Error(`${where}: setsockopt(${plain === SO_RCVBUF ? 'SO_RCVBUF' : 'SO_SNDBUF'}, ${size}) failed: ${socketErrnoText(libc.errno())}`);
      }
    }
    value[0] = 1;
    if (options.receiveCoalescing === true) sys.setsockopt(fd, SOL_UDP, UDP_GRO, value, 4);
    const sa = new Uint8Array(new ArrayBuffer(SOCKADDR_IN_LEN));
    writeSockaddrIn(sa, 0, options.address, options.port);
    if (libc.bind(fd, sa, SOCKADDR_IN_LEN) < 0) throw new Error(`${where}: bind failed: ${socketErrnoText(libc.errno())}`);
    const len = new Uint32Array([SOCKADDR_IN_LEN]);
    if (sys.getsockname(fd, sa, len) < 0) throw new Error(`${where}: getsockname failed: ${socketErrnoText(libc.errno())}`);
    return { fd, port: sockaddrInPort(sa, 0) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * `count` mmsghdr entries, each with `parts` iovecs (one by default) and (unless pointed
 * elsewhere) its own sockaddr_in, in one ArrayBuffer whose address is looked up once. Entry i's
 * iovecs and name can point anywhere (a ring slot, a packet buffer): only raw addresses are
 * stored. With two parts, a datagram can be sent from two places at once (headers written here,
 * a payload left where it is); an entry of one buffer leaves its second iovec empty.
 */
export class MmsgVector {
  readonly count: number;
  readonly parts: number;
  readonly bytes: Uint8Array;
  readonly #view: DataView;
  readonly #base: number;
  readonly #iovecs: number;
  readonly #names: number;

  constructor(count: number, parts = 1) {
    this.count = count;
    this.parts = parts;
    const buf = new ArrayBuffer(count * (MMSGHDR_LEN + parts * IOVEC_LEN + SOCKADDR_IN_LEN));
    this.bytes = new Uint8Array(buf);
    this.#view = new DataView(buf);
    this.#base = Number(koffi.address(this.bytes) as bigint);
    this.#iovecs = count * MMSGHDR_LEN;
    this.#names = this.#iovecs + count * parts * IOVEC_LEN;
    for (let i = 0; i < count; i++) {
      this.#setPointer(i * MMSGHDR_LEN, this.#base + this.#names + i * SOCKADDR_IN_LEN);
      this.#view.setUint32(i * MMSGHDR_LEN + 8, SOCKADDR_IN_LEN, true);
      this.#setPointer(i * MMSGHDR_LEN + 16, this.#base + this.#iovecs + i * parts * IOVEC_LEN);
      this.#view.setUint32(i * MMSGHDR_LEN + 24, parts, true);
    }
  }

  /** Raw address of entry i, for recvmmsg/sendmmsg. */
  addressOf(i: number): number {
    return this.#base + i * MMSGHDR_LEN;
  }

  /** Raw address of entry i's own sockaddr_in. */
  nameAddress(i: number): number {
    return this.#base + this.#names + i * SOCKADDR_IN_LEN;
  }

  /** Raw address of entry i's own iovecs (entries' iovecs are contiguous: a run of n entries is an array of n * parts iovecs). */
  iovecAddress(i: number): number {
    return this.#base + this.#iovecs + i * this.parts * IOVEC_LEN;
  }

  /** Points entry i at `count` iovecs starting at raw address `address`. */
  pointIovecs(i: number, address: number, count: number): void {
    this.#setPointer(i * MMSGHDR_LEN + 16, address);
    this.#view.setUint32(i * MMSGHDR_LEN + 24, count, true);
    this.#view.setUint32(i * MMSGHDR_LEN + 28, 0, true);
  }

  /** Entry i's ancillary data: `len` bytes at raw address `address` (0 and 0 for none). */
  setControl(i: number, address: number, len: number): void {
    this.#setPointer(i * MMSGHDR_LEN + 32, address);
    this.#view.setUint32(i * MMSGHDR_LEN + 40, len, true);
    this.#view.setUint32(i * MMSGHDR_LEN + 44, 0, true);
  }

  /** Byte offset (in `bytes`) of entry i's own sockaddr_in. */
  nameOffset(i: number): number {
    return this.#names + i * SOCKADDR_IN_LEN;
  }

  /** Points entry i's name at a sockaddr_in elsewhere (a ring slot). */
  pointName(i: number, address: number): void {
    this.#setPointer(i * MMSGHDR_LEN, address);
  }

  /** Entry i's msg_namelen back to a full sockaddr_in (recvmmsg shrinks it to what it wrote). */
  resetNameLength(i: number): void {
    this.#view.setUint32(i * MMSGHDR_LEN + 8, SOCKADDR_IN_LEN, true);
  }

  /** Entry i's buffer: `len` bytes at raw address `base` (its other iovecs, if any, empty). */
  setBuffer(i: number, base: number, len: number): void {
    const at = this.#iovecs + i * this.parts * IOVEC_LEN;
    this.#setPointer(at, base);
    this.#view.setUint32(at + 8, len, true);
    this.#view.setUint32(at + 12, 0, true);
    for (let k = 1; k < this.parts; k++) {
      this.#view.setUint32(at + k * IOVEC_LEN + 8, 0, true);
      this.#view.setUint32(at + k * IOVEC_LEN + 12, 0, true);
    }
  }

  /** Entry i's two buffers (a vector of two parts): `len1` bytes at `base1`, then `len2` at `base2`. */
  setBuffers(i: number, base1: number, len1: number, base2: number, len2: number): void {
    if (this.parts !== 2) throw new RangeError('mmsg vector: setBuffers needs two parts per entry');
    const at = this.#iovecs + i * 2 * IOVEC_LEN;
    this.#setPointer(at, base1);
    this.#view.setUint32(at + 8, len1, true);
    this.#view.setUint32(at + 12, 0, true);
    this.#setPointer(at + IOVEC_LEN, base2);
    this.#view.setUint32(at + IOVEC_LEN + 8, len2, true);
    this.#view.setUint32(at + IOVEC_LEN + 12, 0, true);
  }

  /** Entry i's msg_controllen back to `len` (recvmmsg shrinks it to what it wrote). */
  resetControlLength(i: number, len: number): void {
    this.#view.setUint32(i * MMSGHDR_LEN + 40, len, true);
  }

  /** Entry i's msg_controllen after recvmmsg: the bytes of cmsgs written. */
  controlLength(i: number): number {
    return this.#view.getUint32(i * MMSGHDR_LEN + 40, true);
  }

  /** Entry i's buffer length only (the base stays). */
  setLength(i: number, len: number): void {
    this.#view.setUint32(this.#iovecs + i * this.parts * IOVEC_LEN + 8, len, true);
  }

  /** Bytes received into (or sent from) entry i by the last call. */
  messageLength(i: number): number {
    return this.#view.getUint32(i * MMSGHDR_LEN + 56, true);
  }

  /** msg_flags of entry i after recvmmsg (MSG_TRUNC...). */
  messageFlags(i: number): number {
    return this.#view.getInt32(i * MMSGHDR_LEN + 48, true);
  }

  #setPointer(at: number, address: number): void {
    this.#view.setUint32(at, address % 0x100000000, true);
    this.#view.setUint32(at + 4, Math.floor(address / 0x100000000), true);
  }
}

/**
 * `count` UDP_SEGMENT control messages, one per slot, for sends that the kernel cuts into
 * datagrams of `segmentSize` bytes (the last one may be shorter).
 */
export class SegmentCmsgs {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #base: number;

  constructor(count: number) {
    const buf = new ArrayBuffer(count * SEGMENT_CMSG_SPACE);
    this.#bytes = new Uint8Array(buf);
    this.#view = new DataView(buf);
    this.#base = Number(koffi.address(this.#bytes) as bigint);
    for (let i = 0; i < count; i++) {
      const at = i * SEGMENT_CMSG_SPACE;
      this.#view.setUint32(at, SEGMENT_CMSG_LEN, true);
      this.#view.setInt32(at + 8, SOL_UDP, true);
      this.#view.setInt32(at + 12, UDP_SEGMENT, true);
    }
  }

  /** Sets slot i's segment size; returns the raw address of its cmsg (SEGMENT_CMSG_SPACE bytes). */
  prepare(i: number, segmentSize: number): number {
    this.#view.setUint16(i * SEGMENT_CMSG_SPACE + 16, segmentSize, true);
    return this.#base + i * SEGMENT_CMSG_SPACE;
  }
}
