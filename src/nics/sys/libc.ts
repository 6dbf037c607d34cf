/**
 * The libc calls vnet's real NICs need and Node does not offer, bound once with koffi: file and
 * socket fds (open through node:fs, then ioctl/read/write/readv/writev), poll, epoll, eventfd, Unix sockets
 * with SCM_RIGHTS (libuv reads with read(), which drops ancillary fds), mmap and memfd.
 *
 * Every call is synchronous. The engine thread only makes calls that cannot block (reads and
 * writes on non-blocking fds, epoll_ctl); I/O worker threads are the only places that block
 * (poll, epoll_wait). Each thread makes its own `Libc` (koffi function objects are not shared
 * between threads). A koffi call costs 0.1 to 0.2 µs of user CPU besides the syscall; a
 * Uint8Array argument adds about 0.25 µs over an address passed as a number (`readAt`,
 * `writeAt`), measured with read() on an empty eventfd (about 0.5 µs in the kernel).
 * `ssize_t` is not a koffi type: `intptr_t` has its size and sign. Layouts are those of LP64 Linux
 * (x86-64, aarch64): pollfd 8 bytes, iovec 16, epoll_event 12 on x86-64 (packed) and 16 elsewhere.
 */
import koffi from 'koffi';

export const EINTR = 4;
export const EIO = 5;
export const EAGAIN = 11;
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
export const EPOLL_CLOEXEC = 0o2000000;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_MOD = 3;
export const EPOLLIN = 0x1;
export const EPOLLERR = 0x8;
export const EPOLLHUP = 0x10;
export const EPOLLONESHOT = 1 << 30;
/**
 * struct epoll_event: u32 events, then the u64 user data. x86-64 packs it (12 bytes, data at 4);
 * other LP64 ABIs align the data (16 bytes, data at 8).
 */
export const EPOLL_EVENT_SIZE = process.arch === 'x64' ? 12 : 16;
export const EPOLL_DATA_OFFSET = process.arch === 'x64' ? 4 : 8;

export class Libc {
  readonly ioctl: (fd: number, req: number, type: string, arg: unknown) => number;
  readonly read: (fd: number, buf: Uint8Array, n: number) => number;
  readonly write: (fd: number, buf: Uint8Array, n: number) => number;
  /** readv/writev over an array of iovecs (16 bytes each: base address, length). */
  readonly readv: (fd: number, iov: Uint8Array, count: number) => number;
  readonly writev: (fd: number, iov: Uint8Array, count: number) => number;
  readonly poll: (fds: Int32Array, n: number, timeoutMs: number) => number;
  readonly eventfd: (initval: number, flags: number) => number;
  readonly close: (fd: number) => number;
  readonly socket: (domain: number, type: number, protocol: number) => number;
  readonly bind: (fd: number, addr: Uint8Array, len: number) => number;
  readonly listen: (fd: number, backlog: number) => number;
  readonly accept4: (fd: number, addr: null, len: null, flags: number) => number;
  readonly connect: (fd: number, addr: Uint8Array, len: number) => number;
  readonly recvmsg: (fd: number, msg: Uint8Array, flags: number) => number;
  readonly sendmsg: (fd: number, msg: Uint8Array, flags: number) => number;
  readonly mmap: (addr: bigint | null, len: number, prot: number, flags: number, fd: number, off: number) => bigint;
  readonly munmap: (addr: bigint, len: number) => number;
  readonly memfdCreate: (name: string, flags: number) => number;
  readonly ftruncate: (fd: number, len: number) => number;
  /**
   * memcpy on raw addresses (JS numbers: user-space addresses fit in 53 bits), see `ByteCopier`.
   * Declared void: the returned pointer would become a heap number on every call.
   */
  readonly memcpy: (dst: number, src: number, n: number) => void;
  /** write() from a raw address (see `ByteCopier.address`): no view allocated per call. */
  readonly writeAt: (fd: number, src: number, n: number) => number;
  /** read() into a raw address: no view marshalled per call. */
  readonly readAt: (fd: number, dst: number, n: number) => number;
  /** Gives the CPU to another runnable thread (a poll loop that waits on a consumer sharing its CPU). */
  readonly schedYield: () => number;
  readonly epollCreate1: (flags: number) => number;
  /** epoll_ctl with one struct epoll_event (`EPOLL_EVENT_SIZE` bytes) in `event`. */
  readonly epollCtl: (epfd: number, op: number, fd: number, event: Uint8Array) => number;
  /** epoll_wait into `events` (room for `max` structs of `EPOLL_EVENT_SIZE` bytes). */
  readonly epollWait: (epfd: number, events: Uint8Array, max: number, timeoutMs: number) => number;

  constructor() {
    const libc = koffi.load('libc.so.6');
    this.ioctl = libc.func('int ioctl(int fd, unsigned long req, ...)');
    this.read = libc.func('intptr_t read(int fd, void *buf, size_t n)');
    this.write = libc.func('intptr_t write(int fd, const void *buf, size_t n)');
    this.readv = libc.func('intptr_t readv(int fd, const void *iov, int count)');
    this.writev = libc.func('intptr_t writev(int fd, const void *iov, int count)');
    this.poll = libc.func('int poll(void *fds, unsigned long nfds, int timeout)');
    this.eventfd = libc.func('int eventfd(unsigned int initval, int flags)');
    this.close = libc.func('int close(int fd)');
    this.socket = libc.func('int socket(int, int, int)');
    this.bind = libc.func('int bind(int, const void *, uint32_t)');
    this.listen = libc.func('int listen(int, int)');
    this.accept4 = libc.func('int accept4(int, void *, void *, int)');
    this.connect = libc.func('int connect(int, const void *, uint32_t)');
    this.recvmsg = libc.func('intptr_t recvmsg(int, void *, int)');
    this.sendmsg = libc.func('intptr_t sendmsg(int, const void *, int)');
    this.mmap = libc.func('void *mmap(void *, size_t, int, int, int, int64_t)');
    this.munmap = libc.func('int munmap(void *, size_t)');
    this.memfdCreate = libc.func('int memfd_create(const char *, unsigned int)');
    this.ftruncate = libc.func('int ftruncate(int, int64_t)');
    this.memcpy = libc.func('void memcpy(intptr_t dst, intptr_t src, size_t n)');
    this.writeAt = libc.func('intptr_t write(int fd, intptr_t buf, size_t n)');
    this.readAt = libc.func('intptr_t read(int fd, intptr_t buf, size_t n)');
    this.schedYield = libc.func('int sched_yield()');
    this.epollCreate1 = libc.func('int epoll_create1(int flags)');
    this.epollCtl = libc.func('int epoll_ctl(int epfd, int op, int fd, void *event)');
    this.epollWait = libc.func('int epoll_wait(int epfd, void *events, int max, int timeout)');
  }

  /** errno of the last failed call on this thread. */
  errno(): number {
    return koffi.errno();
  }

  /** Native address of a buffer's first byte (stable: SharedArrayBuffers and Buffers do not move). */
  address(buf: Uint8Array): bigint {
    return koffi.address(buf) as bigint;
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
