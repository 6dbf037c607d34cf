/**
 * The socket side of a vhost-user backend: the listening socket, the one connection at a time, and
 * its Session. Both placements drive it: the ring worker from its own thread (worker.ts), the
 * inline placement from the engine thread (inline.ts). It never blocks: a message that arrives in
 * pieces is kept until its rest comes, and `expire()` closes the connection when the rest has not
 * come within MESSAGE_TIMEOUT_MS of its first byte (so a front-end that stops mid-message cannot
 * stall the thread that serves the rings, which inline is the engine's).
 *
 * Messages: the 12-byte header and the payload are read with recvmsg, collecting SCM_RIGHTS fds from
 * every read; a message that does not arrive whole within a second, a bad header, more fds than fit or
 * a session refusal closes the connection with the reason logged. End of stream (the front-end went
 * away) closes the session quietly: memory unmapped, fds closed, and the socket is listened on again
 * for the next front-end.
 */
import { fstatSync, rmSync } from 'node:fs';
import { VHOST_USER_HEADER_SIZE, VHOST_USER_REPLY_FLAG, VHOST_USER_VERSION, headerProblem, readHeader, requestName, writeHeader } from './protocol.js';
import { Session } from './session.js';
import { Stat } from './shared.js';
import { EAGAIN, EINTR, MsgIo, POLLIN, SOCK_CLOEXEC, SOCK_NONBLOCK, type Sys, listenUnix } from './sys.js';

const MESSAGE_TIMEOUT_MS = 1000;

export interface ConnectionOptions {
  readonly socketPath: string;
  readonly features?: bigint;
  readonly protocolFeatures?: bigint;
}

/** What the data path of a placement learns from the connection. */
export interface ConnectionHooks {
  log(text: string): void;
  /** A message started, stopped, enabled or disabled a ring, or the session came or went (null). */
  ringsChanged(session: Session | null): void;
  /** GET_VRING_BASE is about to stop a started ring, or SET_VRING_ENABLE 0 to disable a live one. */
  ringStopping(index: number, how: 'disable' | 'stop'): void;
  /** The connection is closing while its memory is still mapped: returns the frames left on the transmit ring. */
  closing(): number;
}

export class Connection {
  readonly #sys: Sys;
  readonly #io: MsgIo;
  readonly #stats: Float64Array;
  readonly #options: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  readonly #buf = Buffer.alloc(VHOST_USER_HEADER_SIZE + 4096);
  readonly #pollFd = new Int32Array(2);
  /** Bytes of the message being read that are in `#buf` (0 between messages). */
  #have = 0;
  /** When the message being read must be whole (Date.now() milliseconds; 0 between messages). */
  #deadline = 0;
  listenFd = -1;
  connFd = -1;
  session: Session | null = null;

  constructor(sys: Sys, stats: Float64Array, options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#sys = sys;
    this.#io = new MsgIo(sys);
    this.#stats = stats;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Both rings are live. */
  get running(): boolean {
    return this.session?.running === true;
  }

  /** Listens on the socket path (a stale file there is replaced). */
  listen(): void {
    rmSync(this.#options.socketPath, { force: true });
    this.listenFd = listenUnix(this.#sys, this.#options.socketPath);
    this.setState();
  }

  setState(): void {
    this.#stats[Stat.State] = this.listenFd < 0 ? 0 : this.connFd < 0 ? 1 : this.session?.running ? 3 : 2;
  }

  /** True when `fd` has input waiting (poll with no timeout). */
  readable(fd: number): boolean {
    if (fd < 0) return false;
    const f = this.#pollFd;
    f[0] = fd;
    f[1] = POLLIN;
    return this.#sys.poll(f, 1, 0) > 0;
  }

  /** Accepts a waiting front-end, if there is one and none is connected; true when one was. */
  accept(): boolean {
    if (this.connFd >= 0 || this.listenFd < 0) return false;
    const fd = this.#sys.accept4(this.listenFd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return false;
    this.connFd = fd;
    this.#stats[Stat.Connections]!++;
    const { features, protocolFeatures } = this.#options;
    const session = new Session(this.#sys, {
      ...(features === undefined ? {} : { features }),
      ...(protocolFeatures === undefined ? {} : { protocolFeatures }),
      fileSize: (f) => {
        try {
          return fstatSync(f).size;
        } catch {
          return -1;
        }
      },
    });
    session.onRingsChanged = () => {
      this.#hooks.ringsChanged(this.session);
      this.setState();
    };
    session.onRingStopping = (index, how) => this.#hooks.ringStopping(index, how);
    this.session = session;
    this.#hooks.ringsChanged(session);
    this.setState();
    this.#hooks.log('front-end connected');
    return true;
  }

  /** True while a message has arrived in part: call `expire()` now and then. */
  get partial(): boolean {
    return this.#have > 0;
  }

  /** Closes the connection when a message that arrived in part has not come whole in time. */
  expire(now = Date.now()): void {
    if (this.#have === 0 || now <= this.#deadline) return;
    if (this.#have < VHOST_USER_HEADER_SIZE) return this.disconnect('a message header was cut short');
    const h = readHeader(this.#buf);
    this.disconnect(`${requestName(h.request)}: payload cut short (expected ${h.size} bytes)`);
  }

  /**
   * Reads what waits on the connection and handles every message that is whole; a message that
   * has arrived in part stays in the buffer for the next call.
   */
  readMessages(): void {
    for (;;) {
      if (this.connFd < 0) return;
      if (this.#have < VHOST_USER_HEADER_SIZE) {
        const n = this.#read(VHOST_USER_HEADER_SIZE);
        if (n <= 0) return;
        if (this.#have < VHOST_USER_HEADER_SIZE) return;
      }
      const h = readHeader(this.#buf);
      const bad = headerProblem(h);
      if (bad !== null) return this.disconnect(bad);
      const end = VHOST_USER_HEADER_SIZE + h.size;
      if (this.#have < end) {
        const n = this.#read(end);
        if (n <= 0 || this.#have < end) return;
      }
      this.#have = 0;
      this.#deadline = 0;
      const fds = this.#io.fds.splice(0);
      if (this.#io.truncated) {
        this.#io.truncated = false;
        for (const fd of fds) this.#sys.close(fd);
        return this.disconnect(`${requestName(h.request)}: more file descriptors than any message may carry`);
      }
      this.#stats[Stat.Messages]!++;
      const session = this.session!;
      const payload = new Uint8Array(this.#buf.buffer, this.#buf.byteOffset + VHOST_USER_HEADER_SIZE, h.size);
      const result = session.handle(h, payload, fds);
      if ('close' in result) return this.disconnect(result.close);
      if (result.reply !== null && !this.#reply(h.request, result.reply)) return this.disconnect(`${requestName(h.request)}: the reply could not be sent`);
      this.setState();
    }
  }

  /**
   * One recvmsg of the current message's bytes up to `end`: bytes read, 0 when nothing was
   * waiting, -1 when the connection ended (closed here).
   */
  #read(end: number): number {
    const n = this.#io.recv(this.connFd, this.#buf, this.#have, end - this.#have);
    if (n === -EAGAIN || n === -EINTR) return 0;
    if (n === 0) {
      this.disconnect(null);
      return -1;
    }
    if (n < 0) {
      this.disconnect(`recvmsg failed (errno ${-n})`);
      return -1;
    }
    if (this.#have === 0) this.#deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    this.#have += n;
    return n;
  }

  #reply(request: number, payload: Uint8Array): boolean {
    const out = Buffer.alloc(VHOST_USER_HEADER_SIZE + payload.byteLength);
    writeHeader(out, request, VHOST_USER_VERSION | VHOST_USER_REPLY_FLAG, payload.byteLength);
    out.set(payload, VHOST_USER_HEADER_SIZE);
    return this.#io.send(this.connFd, out, out.byteLength, []) === out.byteLength;
  }

  /** Ends the connection: a reason is a protocol error (logged); null is the front-end leaving. */
  disconnect(reason: string | null): void {
    if (this.connFd < 0) return;
    const session = this.session;
    const left = this.#hooks.closing();
    this.session = null;
    this.#hooks.ringsChanged(null);
    session?.close();
    for (const fd of this.#io.fds.splice(0)) this.#sys.close(fd);
    this.#sys.close(this.connFd);
    this.connFd = -1;
    this.#have = 0;
    this.#deadline = 0;
    this.#stats[Stat.Disconnects]!++;
    if (reason !== null) {
      this.#stats[Stat.ProtocolErrors]!++;
      this.#hooks.log(`connection closed: ${reason}`);
    } else this.#hooks.log(left === 0 ? 'front-end disconnected' : `front-end disconnected, leaving ${left} frames on its transmit ring`);
    this.setState();
  }

  /** Closes the connection and the listening socket, and removes the socket file. */
  close(): void {
    this.disconnect(null);
    if (this.listenFd >= 0) this.#sys.close(this.listenFd);
    this.listenFd = -1;
    rmSync(this.#options.socketPath, { force: true });
    this.setState();
  }
}
