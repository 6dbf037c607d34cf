/**
 * Linux TUN/TAP through the shared libc binding (`../sys/libc.ts`): open /dev/net/tun, TUNSETIFF,
 * the vnet header size and offload flags, the worker's eventfd and epoll set.
 *
 * Node itself cannot do this: libuv treats a character device as a file, so reads go through the
 * threadpool, about 20 times slower than a blocking read() in a worker thread. Every call here is
 * synchronous; the worker is the only place that may block (the engine thread reads and writes
 * the TAP fd, which is non-blocking).
 */
import { closeSync, constants, existsSync, openSync } from 'node:fs';
import { EFD_NONBLOCK, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_DATA_OFFSET, EPOLL_EVENT_SIZE, EPOLLERR, EPOLLHUP, EPOLLIN, EPOLLONESHOT } from '../sys/libc.js';
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
/** Why a TAP cannot be used here, or null: not root, no /dev/net/tun. */
export function tapUnavailableReason() {
    if (process.platform !== 'linux')
        return `TAP devices need Linux (this is ${process.platform})`;
    if (typeof process.getuid === 'function' && process.getuid() !== 0)
        return 'TAP devices need root (CAP_NET_ADMIN)';
    if (!existsSync('/dev/net/tun'))
        return '/dev/net/tun is missing';
    return null;
}
/**
 * Opens a non-persistent TAP with IFF_NO_PI | IFF_VNET_HDR, non-blocking. The interface exists
 * while the fd is open; closing it (or exiting) removes the interface.
 */
export function openTap(libc, options) {
    const { name } = options;
    if (Buffer.byteLength(name) === 0 || Buffer.byteLength(name) > IFNAME_MAX || !/^[A-Za-z0-9_.-]+$/.test(name)) {
        throw new Error(`tap ${JSON.stringify(name)}: interface names are 1..${IFNAME_MAX} bytes of letters, digits, _ . -`);
    }
    const fd = openSync('/dev/net/tun', constants.O_RDWR | constants.O_NONBLOCK);
    try {
        const ifr = new Uint8Array(40);
        Buffer.from(ifr.buffer).write(name, 0, 'latin1');
        new DataView(ifr.buffer).setUint16(16, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, true);
        if (libc.ioctl(fd, TUNSETIFF, 'uint8_t *', ifr) < 0)
            throw new Error(`tap ${name}: TUNSETIFF failed: ${errnoText(libc.errno())}`);
        const size = new Uint8Array(4);
        new DataView(size.buffer).setInt32(0, options.vnetHeaderSize, true);
        if (libc.ioctl(fd, TUNSETVNETHDRSZ, 'uint8_t *', size) < 0)
            throw new Error(`tap ${name}: TUNSETVNETHDRSZ failed: ${errnoText(libc.errno())}`);
        const flags = options.offloads ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 : 0;
        // TUNSETOFFLOAD takes the flags as the argument itself, not a pointer.
        if (libc.ioctl(fd, TUNSETOFFLOAD, 'unsigned long', flags) < 0)
            throw new Error(`tap ${name}: TUNSETOFFLOAD failed: ${errnoText(libc.errno())}`);
        return fd;
    }
    catch (e) {
        closeSync(fd);
        throw e;
    }
}
/** An eventfd the engine writes to wake a worker blocked in poll(). */
export function openEventFd(libc) {
    const fd = libc.eventfd(0, EFD_NONBLOCK);
    if (fd < 0)
        throw new Error(`eventfd failed: ${errnoText(libc.errno())}`);
    return fd;
}
/** Tags in `epoll_event.data`: which fd of a `TapWatch` fired. */
const TAG_TAP = 1;
const TAG_EVENT = 2;
/**
 * The epoll set that wakes a TAP port's I/O worker: the eventfd, level-triggered (the engine's
 * "frames in the TX ring" and "stop" kick), and the TAP fd, one-shot. The TAP entry reports
 * readability (or an error) once and then stays disarmed until the engine thread re-arms it
 * (`arm`) just before its loop sleeps. The engine reads the TAP itself while it breathes, so
 * a busy engine costs the worker no wakeups; an idle one is woken by the first frame.
 * Re-arming a TAP that already holds frames fires at once (epoll polls the fd on EPOLL_CTL_MOD),
 * so no frame that arrives between the engine's last read and its sleep goes unnoticed.
 *
 * One object per thread (each thread has its own `Libc`); `open` makes the epoll fd.
 */
export class TapWatch {
    epfd;
    #libc;
    #tapFd;
    #event = new Uint8Array(EPOLL_EVENT_SIZE);
    #events = new Uint8Array(EPOLL_EVENT_SIZE * 2);
    #eventView = new DataView(this.#events.buffer);
    constructor(libc, epfd, tapFd) {
        this.#libc = libc;
        this.epfd = epfd;
        this.#tapFd = tapFd;
        const view = new DataView(this.#event.buffer);
        view.setUint32(0, (EPOLLIN | EPOLLONESHOT) >>> 0, true);
        view.setUint32(EPOLL_DATA_OFFSET, TAG_TAP, true);
    }
    /** Creates the epoll fd with the eventfd and the TAP (armed) in it; throws naming the failed call. */
    static open(libc, tapFd, eventFd) {
        const epfd = libc.epollCreate1(EPOLL_CLOEXEC);
        if (epfd < 0)
            throw new Error(`epoll_create1 failed: ${errnoText(libc.errno())}`);
        const ev = new Uint8Array(EPOLL_EVENT_SIZE);
        const view = new DataView(ev.buffer);
        view.setUint32(0, EPOLLIN, true);
        view.setUint32(EPOLL_DATA_OFFSET, TAG_EVENT, true);
        const addEvent = libc.epollCtl(epfd, EPOLL_CTL_ADD, eventFd, ev);
        view.setUint32(0, (EPOLLIN | EPOLLONESHOT) >>> 0, true);
        view.setUint32(EPOLL_DATA_OFFSET, TAG_TAP, true);
        const addTap = addEvent < 0 ? -1 : libc.epollCtl(epfd, EPOLL_CTL_ADD, tapFd, ev);
        if (addTap < 0) {
            const e = libc.errno();
            libc.close(epfd);
            throw new Error(`epoll_ctl ADD ${addEvent < 0 ? 'eventfd' : 'TAP'} failed: ${errnoText(e)}`);
        }
        return epfd;
    }
    /** Engine thread: report the TAP's next readability once. Returns false when epoll_ctl failed (the fd is gone). */
    arm() {
        return this.#libc.epollCtl(this.epfd, EPOLL_CTL_MOD, this.#tapFd, this.#event) === 0;
    }
    /**
     * Worker thread: waits at most `timeoutMs`. Returns a bit set: 1 TAP readable, 2 eventfd
     * readable, 4 TAP error or hangup; 0 on timeout, or -errno.
     */
    wait(timeoutMs) {
        const n = this.#libc.epollWait(this.epfd, this.#events, 2, timeoutMs);
        if (n < 0)
            return -this.#libc.errno();
        const view = this.#eventView;
        let bits = 0;
        for (let i = 0; i < n; i++) {
            const events = view.getUint32(i * EPOLL_EVENT_SIZE, true);
            const tag = view.getUint32(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET, true);
            if (tag === TAG_EVENT)
                bits |= 2;
            else if (tag === TAG_TAP)
                bits |= (events & EPOLLIN ? 1 : 0) | (events & (EPOLLERR | EPOLLHUP) ? 4 : 0);
        }
        return bits;
    }
}
const ERRNO_NAMES = {
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
export function errnoText(errno) {
    return `errno ${errno} ${ERRNO_NAMES[errno] ?? ''}`.trim();
}
//# sourceMappingURL=tun.js.map