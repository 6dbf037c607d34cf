/**
 * The system calls a vhost-user backend needs and Node does not offer, called through koffi: Unix
 * sockets with SCM_RIGHTS (libuv reads with read(), which drops ancillary fds), mmap of the front-end's
 * memory, eventfds, poll. Every call is synchronous and non-blocking unless it says otherwise; the
 * ring worker is the only caller on the data path.
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
export const MAP_FAILED = 0xffff_ffff_ffff_ffffn;
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const EAGAIN = 11;
export const EINTR = 4;

/** Most fds one message may carry (the control buffer has room for more, to detect excess). */
export const MAX_FDS_PER_MESSAGE = 16;

export class Sys {
  readonly socket: (domain: number, type: number, protocol: number) => number;
  readonly bind: (fd: number, addr: Uint8Array, len: number) => number;
  readonly listen: (fd: number, backlog: number) => number;
  readonly accept4: (fd: number, addr: null, len: null, flags: number) => number;
  readonly connect: (fd: number, addr: Uint8Array, len: number) => number;
  readonly recvmsg: (fd: number, msg: Uint8Array, flags: number) => number;
  readonly sendmsg: (fd: number, msg: Uint8Array, flags: number) => number;
  readonly mmap: (addr: bigint | null, len: number, prot: number, flags: number, fd: number, off: number) => bigint;
  readonly munmap: (addr: bigint, len: number) => number;
  readonly poll: (fds: Int32Array, n: number, timeoutMs: number) => number;
  readonly read: (fd: number, buf: Uint8Array, n: number) => number;
  readonly write: (fd: number, buf: Uint8Array, n: number) => number;
  readonly close: (fd: number) => number;
  readonly eventfd: (initval: number, flags: number) => number;
  readonly memfdCreate: (name: string, flags: number) => number;
  readonly ftruncate: (fd: number, len: number) => number;

  constructor() {
    const libc = koffi.load('libc.so.6');
    this.socket = libc.func('int socket(int, int, int)');
    this.bind = libc.func('int bind(int, const void *, uint32_t)');
    this.listen = libc.func('int listen(int, int)');
    this.accept4 = libc.func('int accept4(int, void *, void *, int)');
    this.connect = libc.func('int connect(int, const void *, uint32_t)');
    // ssize_t is not a koffi type; intptr_t has its size and sign.
    this.recvmsg = libc.func('intptr_t recvmsg(int, void *, int)');
    this.sendmsg = libc.func('intptr_t sendmsg(int, const void *, int)');
    this.mmap = libc.func('void *mmap(void *, size_t, int, int, int, int64_t)');
    this.munmap = libc.func('int munmap(void *, size_t)');
    this.poll = libc.func('int poll(void *, unsigned long, int)');
    this.read = libc.func('intptr_t read(int, void *, size_t)');
    this.write = libc.func('intptr_t write(int, const void *, size_t)');
    this.close = libc.func('int close(int)');
    this.eventfd = libc.func('int eventfd(unsigned int, int)');
    this.memfdCreate = libc.func('int memfd_create(const char *, unsigned int)');
    this.ftruncate = libc.func('int ftruncate(int, int64_t)');
  }

  errno(): number {
    return koffi.errno();
  }

  /** A zero-copy ArrayBuffer over `len` bytes of native memory at `ptr`. */
  view(ptr: bigint, len: number): ArrayBuffer {
    return koffi.view(ptr, len) as ArrayBuffer;
  }

  /** Signals an eventfd (adds 1); returns false when the write failed. */
  signal(fd: number, scratch: Uint8Array): boolean {
    new DataView(scratch.buffer, scratch.byteOffset, 8).setBigUint64(0, 1n, true);
    return this.write(fd, scratch, 8) === 8;
  }

  /** Empties a non-blocking eventfd. */
  drain(fd: number, scratch: Uint8Array): void {
    this.read(fd, scratch, 8);
  }
}

/** A sockaddr_un for `path`; throws when the path does not fit (107 bytes). */
export function sockaddrUn(path: string): Uint8Array {
  const b = Buffer.alloc(110);
  const n = Buffer.byteLength(path);
  if (n === 0 || n > 107) throw new Error(`vhost-user: socket path ${JSON.stringify(path)} must be 1..107 bytes`);
  b.writeUInt16LE(AF_UNIX, 0);
  b.write(path, 2);
  return b;
}

/**
 * One msghdr with one iovec and a control buffer, reused for every call (no allocation per message).
 * `recv` collects the fds of SCM_RIGHTS messages into `fds`.
 */
export class MsgIo {
  readonly #sys: Sys;
  readonly #msg = Buffer.alloc(56);
  readonly #iov = Buffer.alloc(16);
  readonly #control = Buffer.alloc(16 + 8 * MAX_FDS_PER_MESSAGE + 64);
  readonly #msgView: DataView;
  readonly #iovView: DataView;
  readonly #ctlView: DataView;
  /** fds received so far (the caller takes and resets them). */
  readonly fds: number[] = [];
  /** Set when the kernel truncated the control data (more fds than we have room for). */
  truncated = false;

  constructor(sys: Sys) {
    this.#sys = sys;
    this.#msgView = new DataView(this.#msg.buffer, this.#msg.byteOffset, 56);
    this.#iovView = new DataView(this.#iov.buffer, this.#iov.byteOffset, 16);
    this.#ctlView = new DataView(this.#control.buffer, this.#control.byteOffset, this.#control.byteLength);
    this.#msgView.setBigUint64(16, koffi.address(this.#iov) as bigint, true);
    this.#msgView.setBigUint64(24, 1n, true);
  }

  /** recvmsg into `buf[off, off+len)`: bytes read, 0 at end of stream, or -errno. */
  recv(fd: number, buf: Buffer, off: number, len: number): number {
    this.#iovView.setBigUint64(0, (koffi.address(buf) as bigint) + BigInt(off), true);
    this.#iovView.setBigUint64(8, BigInt(len), true);
    this.#msgView.setBigUint64(32, koffi.address(this.#control) as bigint, true);
    this.#msgView.setBigUint64(40, BigInt(this.#control.byteLength), true);
    this.#msgView.setInt32(48, 0, true);
    const n = Number(this.#sys.recvmsg(fd, this.#msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
    if (n < 0) return -this.#sys.errno();
    if ((this.#msgView.getInt32(48, true) & MSG_CTRUNC) !== 0) this.truncated = true;
    const controlLen = Number(this.#msgView.getBigUint64(40, true));
    let at = 0;
    while (at + 16 <= controlLen) {
      const cmsgLen = Number(this.#ctlView.getBigUint64(at, true));
      if (cmsgLen < 16 || at + cmsgLen > controlLen) break;
      if (this.#ctlView.getInt32(at + 8, true) === SOL_SOCKET && this.#ctlView.getInt32(at + 12, true) === SCM_RIGHTS) {
        for (let k = at + 16; k + 4 <= at + cmsgLen; k += 4) this.fds.push(this.#ctlView.getInt32(k, true));
      }
      at += (cmsgLen + 7) & ~7;
    }
    return n;
  }

  /** sendmsg of `buf[0, len)` with `fds` as SCM_RIGHTS: bytes sent or -errno. */
  send(fd: number, buf: Buffer, len: number, fds: readonly number[]): number {
    if (fds.length > MAX_FDS_PER_MESSAGE) throw new Error(`vhost-user: at most ${MAX_FDS_PER_MESSAGE} fds per message`);
    this.#iovView.setBigUint64(0, koffi.address(buf) as bigint, true);
    this.#iovView.setBigUint64(8, BigInt(len), true);
    if (fds.length > 0) {
      const cmsgLen = 16 + 4 * fds.length;
      this.#ctlView.setBigUint64(0, BigInt(cmsgLen), true);
      this.#ctlView.setInt32(8, SOL_SOCKET, true);
      this.#ctlView.setInt32(12, SCM_RIGHTS, true);
      fds.forEach((f, i) => this.#ctlView.setInt32(16 + 4 * i, f, true));
      this.#msgView.setBigUint64(32, koffi.address(this.#control) as bigint, true);
      this.#msgView.setBigUint64(40, BigInt((cmsgLen + 7) & ~7), true);
    } else {
      this.#msgView.setBigUint64(32, 0n, true);
      this.#msgView.setBigUint64(40, 0n, true);
    }
    const n = Number(this.#sys.sendmsg(fd, this.#msg, MSG_NOSIGNAL));
    return n < 0 ? -this.#sys.errno() : n;
  }
}

/** Creates a listening, non-blocking Unix stream socket at `path` (the caller removes a stale file first). */
export function listenUnix(sys: Sys, path: string): number {
  const fd = sys.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`vhost-user: socket() failed: errno ${sys.errno()}`);
  const addr = sockaddrUn(path);
  if (sys.bind(fd, addr, addr.byteLength) < 0 || sys.listen(fd, 4) < 0) {
    const e = sys.errno();
    sys.close(fd);
    throw new Error(`vhost-user: cannot listen on ${path}: errno ${e}`);
  }
  return fd;
}

/** Connects a blocking Unix stream socket to `path` (the front-end side, for tests). */
export function connectUnix(sys: Sys, path: string): number {
  const fd = sys.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new Error(`vhost-user: socket() failed: errno ${sys.errno()}`);
  const addr = sockaddrUn(path);
  if (sys.connect(fd, addr, addr.byteLength) < 0) {
    const e = sys.errno();
    sys.close(fd);
    throw new Error(`vhost-user: cannot connect to ${path}: errno ${e}`);
  }
  return fd;
}
