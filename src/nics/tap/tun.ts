/**
 * Linux TUN/TAP through the shared libc binding (`../sys/libc.ts`): open /dev/net/tun, TUNSETIFF,
 * the vnet header size and offload flags, the worker's eventfd and poll().
 *
 * Node itself cannot do this: libuv treats a character device as a file, so reads go through the
 * threadpool, about 20 times slower than a blocking read() in a worker thread. Every call here is
 * synchronous; the worker is the only place that may block.
 */
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { EFD_NONBLOCK, type Libc, POLLERR, POLLHUP, POLLIN } from '../sys/libc.js';

export const TUNSETIFF = 0x400454ca;
export const TUNSETOFFLOAD = 0x400454d0;
export const TUNSETVNETHDRSZ = 0x400454d8;
export const IFF_TAP = 0x0002;
export const IFF_NO_PI = 0x1000;
export const IFF_VNET_HDR = 0x4000;
export const TUN_F_CSUM = 0x01;
export const TUN_F_TSO4 = 0x02;
export const TUN_F_TSO6 = 0x04;


/** Longest interface name Linux accepts (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

export interface TapOpenOptions {
  /** Interface name (at most 15 bytes). */
  readonly name: string;
  /** Offer checksum and TSO offloads (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6). */
  readonly offloads: boolean;
  /** Size of the virtio-net header in front of every frame. */
  readonly vnetHeaderSize: number;
}

/** Why a TAP cannot be used here, or null: not root, no /dev/net/tun. */
export function tapUnavailableReason(): string | null {
  if (process.platform !== 'linux') return `TAP devices need Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'TAP devices need root (CAP_NET_ADMIN)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  return null;
}

/**
 * Opens a non-persistent TAP with IFF_NO_PI | IFF_VNET_HDR, non-blocking. The interface exists
 * while the fd is open; closing it (or exiting) removes the interface.
 */
export function openTap(libc: Libc, options: TapOpenOptions): number {
  const { name } = options;
  if (Buffer.byteLength(name) === 0 || Buffer.byteLength(name) > IFNAME_MAX || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new Error(`tap ${JSON.stringify(name)}: interface names are 1..${IFNAME_MAX} bytes of letters, digits, _ . -`);
  }
  const fd = openSync('/dev/net/tun', constants.O_RDWR | constants.O_NONBLOCK);
  try {
    const ifr = new Uint8Array(40);
    Buffer.from(ifr.buffer).write(name, 0, 'latin1');
    new DataView(ifr.buffer).setUint16(16, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, true);
    if (libc.ioctl(fd, TUNSETIFF, 'uint8_t *', ifr) < 0) throw new Error(`tap ${name}: TUNSETIFF failed: ${errnoText(libc.errno())}`);
    const size = new Uint8Array(4);
    new DataView(size.buffer).setInt32(0, options.vnetHeaderSize, true);
    if (libc.ioctl(fd, TUNSETVNETHDRSZ, 'uint8_t *', size) < 0) throw new Error(`tap ${name}: TUNSETVNETHDRSZ failed: ${errnoText(libc.errno())}`);
    const flags = options.offloads ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 : 0;
    // TUNSETOFFLOAD takes the flags as the argument itself, not a pointer.
    if (libc.ioctl(fd, TUNSETOFFLOAD, 'unsigned long', flags) < 0) throw new Error(`tap ${name}: TUNSETOFFLOAD failed: ${errnoText(libc.errno())}`);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** An eventfd the engine writes to wake a worker blocked in poll(). */
export function openEventFd(libc: Libc): number {
  const fd = libc.eventfd(0, EFD_NONBLOCK);
  if (fd < 0) throw new Error(`eventfd failed: ${errnoText(libc.errno())}`);
  return fd;
}

/** poll() on a TAP fd and an eventfd; returns the readiness bits. */
export class Poller {
  readonly #fds = new Int32Array(4);
  readonly #libc: Libc;
  constructor(libc: Libc, tapFd: number, eventFd: number) {
    this.#libc = libc;
    this.#fds[0] = tapFd;
    this.#fds[2] = eventFd;
  }
  /**
   * Waits until the TAP is readable (when `wantTap`) or the eventfd fires, at most `timeoutMs`.
   * Returns a bit set: 1 TAP readable, 2 eventfd readable, 4 TAP error/hangup, or -errno.
   */
  wait(wantTap: boolean, timeoutMs: number): number {
    const fds = this.#fds;
    // struct pollfd { int fd; short events; short revents; }: events/revents share word 1.
    fds[1] = wantTap ? POLLIN : 0;
    fds[3] = POLLIN;
    const n = this.#libc.poll(fds, 2, timeoutMs);
    if (n < 0) return -this.#libc.errno();
    const tapRevents = fds[1]! >>> 16;
    const evRevents = fds[3]! >>> 16;
    return (tapRevents & POLLIN ? 1 : 0) | (evRevents & POLLIN ? 2 : 0) | (tapRevents & (POLLERR | POLLHUP) ? 4 : 0);
  }
}

const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: 'EPERM (operation not permitted: are you root?)',
  2: 'ENOENT',
  5: 'EIO (the interface is down or gone)',
  9: 'EBADF (the TAP was closed)',
  11: 'EAGAIN',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY (the name belongs to another interface or a TAP still being closed)',
  19: 'ENODEV',
  22: 'EINVAL (invalid argument)',
  77: 'EBADFD (the TAP device is detached)',
};

export function errnoText(errno: number): string {
  return `errno ${errno} ${ERRNO_NAMES[errno] ?? ''}`.trim();
}
