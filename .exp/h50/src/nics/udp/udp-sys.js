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
const MORE_ERRNO_NAMES = {
    98: 'EADDRINUSE (another socket is bound to this address and port)',
    99: 'EADDRNOTAVAIL (no interface here has this address)',
    101: 'ENETUNREACH (no route to the remote)',
    105: 'ENOBUFS',
    113: 'EHOSTUNREACH (no route to the remote)',
};
export function socketErrnoText(errno) {
    const name = MORE_ERRNO_NAMES[errno];
    return name === undefined ? errnoText(errno) : `errno ${errno} ${name}`;
}
export class UdpSys {
    setsockopt;
    getsockname;
    /** recvmmsg on a raw address of an mmsghdr array (see `MmsgVector.addressOf`); no timeout. */
    recvmmsg;
    sendmmsg;
    constructor() {
        const libc = koffi.load('libc.so.6');
        this.setsockopt = libc.func('int setsockopt(int, int, int, const void *, uint32_t)');
        this.getsockname = libc.func('int getsockname(int, void *, void *)');
        this.recvmmsg = libc.func('int recvmmsg(int, intptr_t, unsigned int, int, intptr_t)');
        this.sendmmsg = libc.func('int sendmmsg(int, intptr_t, unsigned int, int)');
    }
}
/** Writes a sockaddr_in for `address` (IPv4 as a 32-bit number) and `port` at `off`. */
export function writeSockaddrIn(bytes, off, address, port) {
    bytes[off] = AF_INET;
    bytes[off + 1] = 0;
    bytes[off + 2] = port >>> 8;
    bytes[off + 3] = port & 0xff;
    bytes[off + 4] = address >>> 24;
    bytes[off + 5] = (address >>> 16) & 0xff;
    bytes[off + 6] = (address >>> 8) & 0xff;
    bytes[off + 7] = address & 0xff;
    for (let i = 8; i < 16; i++)
        bytes[off + i] = 0;
}
/** The IPv4 address (a 32-bit number) of the sockaddr_in at `off`. */
export function sockaddrInAddress(bytes, off) {
    return ((bytes[off + 4] << 24) | (bytes[off + 5] << 16) | (bytes[off + 6] << 8) | bytes[off + 7]) >>> 0;
}
/** The port of the sockaddr_in at `off`. */
export function sockaddrInPort(bytes, off) {
    return (bytes[off + 2] << 8) | bytes[off + 3];
}
/**
 * A non-blocking, close-on-exec IPv4 UDP socket bound to `address:port`, with the buffer sizes
 * asked for (the FORCE variants first, so root is not held to the sysctl maxima). Returns the fd
 * and the port it got. Throws with the errno's name when the socket cannot be made or bound.
 */
export function openUdpSocket(libc, sys, options) {
    const where = `udp ${(options.address >>> 24)}.${(options.address >>> 16) & 0xff}.${(options.address >>> 8) & 0xff}.${options.address & 0xff}:${options.port}`;
    const fd = libc.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw new Error(`${where}: socket() failed: ${socketErrnoText(libc.errno())}`);
    try {
        const value = new Int32Array(1);
        for (const [force, plain, size] of [[SO_RCVBUFFORCE, SO_RCVBUF, options.receiveBuffer], [SO_SNDBUFFORCE, SO_SNDBUF, options.sendBuffer]]) {
            value[0] = size;
            if (sys.setsockopt(fd, SOL_SOCKET, force, value, 4) < 0 && sys.setsockopt(fd, SOL_SOCKET, plain, value, 4) < 0) {
                throw new Error(`${where}: setsockopt(${plain === SO_RCVBUF ? 'SO_RCVBUF' : 'SO_SNDBUF'}, ${size}) failed: ${socketErrnoText(libc.errno())}`);
            }
        }
        value[0] = 1;
        if (options.receiveCoalescing === true)
            sys.setsockopt(fd, SOL_UDP, UDP_GRO, value, 4);
        const sa = new Uint8Array(new ArrayBuffer(SOCKADDR_IN_LEN));
        writeSockaddrIn(sa, 0, options.address, options.port);
        if (libc.bind(fd, sa, SOCKADDR_IN_LEN) < 0)
            throw new Error(`${where}: bind failed: ${socketErrnoText(libc.errno())}`);
        const len = new Uint32Array([SOCKADDR_IN_LEN]);
        if (sys.getsockname(fd, sa, len) < 0)
            throw new Error(`${where}: getsockname failed: ${socketErrnoText(libc.errno())}`);
        return { fd, port: sockaddrInPort(sa, 0) };
    }
    catch (e) {
        closeSync(fd);
        throw e;
    }
}
/**
 * `count` mmsghdr entries, each with one iovec and (unless pointed elsewhere) its own
 * sockaddr_in, in one ArrayBuffer whose address is looked up once. Entry i's iovec and name
 * can point anywhere (a ring slot, a packet buffer): only raw addresses are stored.
 */
export class MmsgVector {
    count;
    bytes;
    #view;
    #base;
    #iovecs;
    #names;
    constructor(count) {
        this.count = count;
        const buf = new ArrayBuffer(count * (MMSGHDR_LEN + IOVEC_LEN + SOCKADDR_IN_LEN));
        this.bytes = new Uint8Array(buf);
        this.#view = new DataView(buf);
        this.#base = Number(koffi.address(this.bytes));
        this.#iovecs = count * MMSGHDR_LEN;
        this.#names = this.#iovecs + count * IOVEC_LEN;
        for (let i = 0; i < count; i++) {
            this.#setPointer(i * MMSGHDR_LEN, this.#base + this.#names + i * SOCKADDR_IN_LEN);
            this.#view.setUint32(i * MMSGHDR_LEN + 8, SOCKADDR_IN_LEN, true);
            this.#setPointer(i * MMSGHDR_LEN + 16, this.#base + this.#iovecs + i * IOVEC_LEN);
            this.#view.setUint32(i * MMSGHDR_LEN + 24, 1, true);
        }
    }
    /** Raw address of entry i, for recvmmsg/sendmmsg. */
    addressOf(i) {
        return this.#base + i * MMSGHDR_LEN;
    }
    /** Raw address of entry i's own sockaddr_in. */
    nameAddress(i) {
        return this.#base + this.#names + i * SOCKADDR_IN_LEN;
    }
    /** Raw address of entry i's own iovec (entries' iovecs are contiguous: a run is an iovec array). */
    iovecAddress(i) {
        return this.#base + this.#iovecs + i * IOVEC_LEN;
    }
    /** Points entry i at `count` iovecs starting at raw address `address`. */
    pointIovecs(i, address, count) {
        this.#setPointer(i * MMSGHDR_LEN + 16, address);
        this.#view.setUint32(i * MMSGHDR_LEN + 24, count, true);
        this.#view.setUint32(i * MMSGHDR_LEN + 28, 0, true);
    }
    /** Entry i's ancillary data: `len` bytes at raw address `address` (0 and 0 for none). */
    setControl(i, address, len) {
        this.#setPointer(i * MMSGHDR_LEN + 32, address);
        this.#view.setUint32(i * MMSGHDR_LEN + 40, len, true);
        this.#view.setUint32(i * MMSGHDR_LEN + 44, 0, true);
    }
    /** Byte offset (in `bytes`) of entry i's own sockaddr_in. */
    nameOffset(i) {
        return this.#names + i * SOCKADDR_IN_LEN;
    }
    /** Points entry i's name at a sockaddr_in elsewhere (a ring slot). */
    pointName(i, address) {
        this.#setPointer(i * MMSGHDR_LEN, address);
    }
    /** Entry i's msg_namelen back to a full sockaddr_in (recvmmsg shrinks it to what it wrote). */
    resetNameLength(i) {
        this.#view.setUint32(i * MMSGHDR_LEN + 8, SOCKADDR_IN_LEN, true);
    }
    /** Entry i's buffer: `len` bytes at raw address `base`. */
    setBuffer(i, base, len) {
        const at = this.#iovecs + i * IOVEC_LEN;
        this.#setPointer(at, base);
        this.#view.setUint32(at + 8, len, true);
        this.#view.setUint32(at + 12, 0, true);
    }
    /** Entry i's msg_controllen back to `len` (recvmmsg shrinks it to what it wrote). */
    resetControlLength(i, len) {
        this.#view.setUint32(i * MMSGHDR_LEN + 40, len, true);
    }
    /** Entry i's msg_controllen after recvmmsg: the bytes of cmsgs written. */
    controlLength(i) {
        return this.#view.getUint32(i * MMSGHDR_LEN + 40, true);
    }
    /** Entry i's buffer length only (the base stays). */
    setLength(i, len) {
        this.#view.setUint32(this.#iovecs + i * IOVEC_LEN + 8, len, true);
    }
    /** Bytes received into (or sent from) entry i by the last call. */
    messageLength(i) {
        return this.#view.getUint32(i * MMSGHDR_LEN + 56, true);
    }
    /** msg_flags of entry i after recvmmsg (MSG_TRUNC...). */
    messageFlags(i) {
        return this.#view.getInt32(i * MMSGHDR_LEN + 48, true);
    }
    #setPointer(at, address) {
        this.#view.setUint32(at, address % 0x100000000, true);
        this.#view.setUint32(at + 4, Math.floor(address / 0x100000000), true);
    }
}
/**
 * `count` UDP_SEGMENT control messages, one per slot, for sends that the kernel cuts into
 * datagrams of `segmentSize` bytes (the last one may be shorter).
 */
export class SegmentCmsgs {
    #bytes;
    #view;
    #base;
    constructor(count) {
        const buf = new ArrayBuffer(count * SEGMENT_CMSG_SPACE);
        this.#bytes = new Uint8Array(buf);
        this.#view = new DataView(buf);
        this.#base = Number(koffi.address(this.#bytes));
        for (let i = 0; i < count; i++) {
            const at = i * SEGMENT_CMSG_SPACE;
            this.#view.setUint32(at, SEGMENT_CMSG_LEN, true);
            this.#view.setInt32(at + 8, SOL_UDP, true);
            this.#view.setInt32(at + 12, UDP_SEGMENT, true);
        }
    }
    /** Sets slot i's segment size; returns the raw address of its cmsg (SEGMENT_CMSG_SPACE bytes). */
    prepare(i, segmentSize) {
        this.#view.setUint16(i * SEGMENT_CMSG_SPACE + 16, segmentSize, true);
        return this.#base + i * SEGMENT_CMSG_SPACE;
    }
}
//# sourceMappingURL=udp-sys.js.map