/**
 * Byte helpers for the OpenFlow codec: a growable big-endian writer and a bounds-checked reader.
 * The codec runs on the control path (messages, not packets), so it may allocate; what it must
 * never do is throw on peer input, so every read goes through `Reader`, which reports "not
 * enough bytes" as a return value the decoders turn into an OpenFlow error.
 */
/** Appends big-endian fields; `patch16` fixes a length once the body is known. */
export class Writer {
    #buf = new Uint8Array(256);
    #view = new DataView(this.#buf.buffer);
    #len = 0;
    get length() {
        return this.#len;
    }
    #room(n) {
        if (this.#len + n <= this.#buf.length)
            return;
        let size = this.#buf.length * 2;
        while (size < this.#len + n)
            size *= 2;
        const next = new Uint8Array(size);
        next.set(this.#buf.subarray(0, this.#len));
        this.#buf = next;
        this.#view = new DataView(next.buffer);
    }
    u8(v) {
        this.#room(1);
        this.#view.setUint8(this.#len, v & 0xff);
        this.#len += 1;
        return this;
    }
    u16(v) {
        this.#room(2);
        this.#view.setUint16(this.#len, v & 0xffff);
        this.#len += 2;
        return this;
    }
    u32(v) {
        this.#room(4);
        this.#view.setUint32(this.#len, v >>> 0);
        this.#len += 4;
        return this;
    }
    u64(v) {
        this.#room(8);
        this.#view.setBigUint64(this.#len, BigInt.asUintN(64, v));
        this.#len += 8;
        return this;
    }
    /** An unsigned integer of `n` bytes (1..8) from a bigint. */
    uint(v, n) {
        for (let i = n - 1; i >= 0; i--)
            this.u8(Number((v >> BigInt(8 * i)) & 0xffn));
        return this;
    }
    bytes(b) {
        this.#room(b.length);
        this.#buf.set(b, this.#len);
        this.#len += b.length;
        return this;
    }
    zeros(n) {
        this.#room(n);
        this.#buf.fill(0, this.#len, this.#len + n);
        this.#len += n;
        return this;
    }
    /** A NUL-padded fixed-width string field. */
    str(s, width) {
        const b = new TextEncoder().encode(s).subarray(0, width - 1);
        this.bytes(b);
        return this.zeros(width - b.length);
    }
    /** Pads with zeros to a multiple of `n` bytes counted from `start`. */
    pad(start, n = 8) {
        const rem = (this.#len - start) % n;
        return rem === 0 ? this : this.zeros(n - rem);
    }
    patch16(at, v) {
        this.#view.setUint16(at, v & 0xffff);
        return this;
    }
    finish() {
        return this.#buf.slice(0, this.#len);
    }
}
/** Reads big-endian fields from a window of bytes; reads past the end return undefined-free 0s, so check `has` first. */
export class Reader {
    buf;
    view;
    /** Absolute start and end of the window in `buf`. */
    start;
    end;
    constructor(buf, start = 0, end = buf.length) {
        this.buf = buf;
        this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        this.start = start;
        this.end = Math.min(end, buf.length);
    }
    /** True when `n` bytes at absolute offset `at` lie inside the window. */
    has(at, n) {
        return at >= this.start && n >= 0 && at + n <= this.end;
    }
    u8(at) {
        return this.view.getUint8(at);
    }
    u16(at) {
        return this.view.getUint16(at);
    }
    u32(at) {
        return this.view.getUint32(at);
    }
    u64(at) {
        return this.view.getBigUint64(at);
    }
    /** An unsigned integer of `n` bytes as a bigint. */
    uint(at, n) {
        let v = 0n;
        for (let i = 0; i < n; i++)
            v = (v << 8n) | BigInt(this.buf[at + i]);
        return v;
    }
    /** A NUL-terminated string in a fixed-width field. */
    str(at, width) {
        let e = at;
        while (e < at + width && this.buf[e] !== 0)
            e++;
        return new TextDecoder().decode(this.buf.subarray(at, e));
    }
    /** A sub-window [at, at+n). */
    sub(at, n) {
        return new Reader(this.buf, at, at + n);
    }
}
//# sourceMappingURL=bytes.js.map