/**
 * The system-call helpers of a vhost-user backend: Unix sockets with SCM_RIGHTS (msghdr built by
 * hand), the constants of mmap and sockets. The libc functions themselves are the shared binding of
 * `../sys/libc.ts`. Every call is synchronous and non-blocking unless it says otherwise; the ring
 * worker is the only caller on the data path.
 *
 * Struct layouts are those of x86-64 and aarch64 Linux (LP64): msghdr 56 bytes, iovec 16, cmsghdr 16
 * before its data, sockaddr_un 110, pollfd 8.
 */
import koffi from 'koffi';
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const MSG_DONTWAIT = 0x40;
export const MSG_CTRUNC = 0x8;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_CMSG_CLOEXEC = 0x40000000;
export const PROT_NONE = 0;
export const PROT_RW = 3;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_FIXED = 0x10;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
export { EAGAIN, EFD_CLOEXEC, EFD_NONBLOCK, EINTR, POLLERR, POLLHUP, POLLIN } from '../sys/libc.js';
export const MAP_FAILED = 0xffffffffffffffffn;
/** Most fds one message may carry (the control buffer has room for more, to detect excess). */
export const MAX_FDS_PER_MESSAGE = 16;
/** The shared libc binding; vhost-user code calls it `Sys`. */
export { Libc as Sys } from '../sys/libc.js';
/** A sockaddr_un for `path`; throws when the path does not fit (107 bytes). */
export function sockaddrUn(path) {
    const b = Buffer.alloc(110);
    const n = Buffer.byteLength(path);
    if (n === 0 || n > 107)
        throw new Error(`vhost-user: socket path ${JSON.stringify(path)} must be 1..107 bytes`);
    b.writeUInt16LE(AF_UNIX, 0);
    b.write(path, 2);
    return b;
}
/**
 * One msghdr with one iovec and a control buffer, reused for every call (no allocation per message).
 * `recv` collects the fds of SCM_RIGHTS messages into `fds`.
 */
export class MsgIo {
    #sys;
    #msg = Buffer.alloc(56);
    #iov = Buffer.alloc(16);
    #control = Buffer.alloc(16 + 8 * MAX_FDS_PER_MESSAGE + 64);
    #msgView;
    #iovView;
    #ctlView;
    /** fds received so far (the caller takes and resets them). */
    fds = [];
    /** Set when the kernel truncated the control data (more fds than we have room for). */
    truncated = false;
    constructor(sys) {
        this.#sys = sys;
        this.#msgView = new DataView(this.#msg.buffer, this.#msg.byteOffset, 56);
        this.#iovView = new DataView(this.#iov.buffer, this.#iov.byteOffset, 16);
        this.#ctlView = new DataView(this.#control.buffer, this.#control.byteOffset, this.#control.byteLength);
        this.#msgView.setBigUint64(16, koffi.address(this.#iov), true);
        this.#msgView.setBigUint64(24, 1n, true);
    }
    /** recvmsg into `buf[off, off+len)`: bytes read, 0 at end of stream, or -errno. */
    recv(fd, buf, off, len) {
        this.#iovView.setBigUint64(0, koffi.address(buf) + BigInt(off), true);
        this.#iovView.setBigUint64(8, BigInt(len), true);
        this.#msgView.setBigUint64(32, koffi.address(this.#control), true);
        this.#msgView.setBigUint64(40, BigInt(this.#control.byteLength), true);
        this.#msgView.setInt32(48, 0, true);
        const n = Number(this.#sys.recvmsg(fd, this.#msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
        if (n < 0)
            return -this.#sys.errno();
        if ((this.#msgView.getInt32(48, true) & MSG_CTRUNC) !== 0)
            this.truncated = true;
        const controlLen = Number(this.#msgView.getBigUint64(40, true));
        let at = 0;
        while (at + 16 <= controlLen) {
            const cmsgLen = Number(this.#ctlView.getBigUint64(at, true));
            if (cmsgLen < 16 || at + cmsgLen > controlLen)
                break;
            if (this.#ctlView.getInt32(at + 8, true) === SOL_SOCKET && this.#ctlView.getInt32(at + 12, true) === SCM_RIGHTS) {
                for (let k = at + 16; k + 4 <= at + cmsgLen; k += 4)
                    this.fds.push(this.#ctlView.getInt32(k, true));
            }
            at += (cmsgLen + 7) & ~7;
        }
        return n;
    }
    /** sendmsg of `buf[0, len)` with `fds` as SCM_RIGHTS: bytes sent or -errno. */
    send(fd, buf, len, fds) {
        if (fds.length > MAX_FDS_PER_MESSAGE)
            throw new Error(`vhost-user: at most ${MAX_FDS_PER_MESSAGE} fds per message`);
        this.#iovView.setBigUint64(0, koffi.address(buf), true);
        this.#iovView.setBigUint64(8, BigInt(len), true);
        if (fds.length > 0) {
            const cmsgLen = 16 + 4 * fds.length;
            this.#ctlView.setBigUint64(0, BigInt(cmsgLen), true);
            this.#ctlView.setInt32(8, SOL_SOCKET, true);
            this.#ctlView.setInt32(12, SCM_RIGHTS, true);
            fds.forEach((f, i) => this.#ctlView.setInt32(16 + 4 * i, f, true));
            this.#msgView.setBigUint64(32, koffi.address(this.#control), true);
            this.#msgView.setBigUint64(40, BigInt((cmsgLen + 7) & ~7), true);
        }
        else {
            this.#msgView.setBigUint64(32, 0n, true);
            this.#msgView.setBigUint64(40, 0n, true);
        }
        const n = Number(this.#sys.sendmsg(fd, this.#msg, MSG_NOSIGNAL));
        return n < 0 ? -this.#sys.errno() : n;
    }
}
/** Creates a listening, non-blocking Unix stream socket at `path` (the caller removes a stale file first). */
export function listenUnix(sys, path) {
    const fd = sys.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw new Error(`vhost-user: socket() failed: errno ${sys.errno()}`);
    const addr = sockaddrUn(path);
    if (sys.bind(fd, addr, addr.byteLength) < 0 || sys.listen(fd, 4) < 0) {
        const e = sys.errno();
        sys.close(fd);
        throw new Error(`vhost-user: cannot listen on ${path}: errno ${e}`);
    }
    return fd;
}
/** Connects a blocking Unix stream socket to `path` (the front-end side, for tests). */
export function connectUnix(sys, path) {
    const fd = sys.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw new Error(`vhost-user: socket() failed: errno ${sys.errno()}`);
    const addr = sockaddrUn(path);
    if (sys.connect(fd, addr, addr.byteLength) < 0) {
        const e = sys.errno();
        sys.close(fd);
        throw new Error(`vhost-user: cannot connect to ${path}: errno ${e}`);
    }
    return fd;
}
//# sourceMappingURL=sys.js.map