/**
 * A small growable little-endian byte builder shared by the capture file writers.
 * Capture files are written off the data path (when a capture is saved), so growing is fine here.
 */
export class ByteBuilder {
    #buf;
    #view;
    #len = 0;
    constructor(initial = 4096) {
        this.#buf = new Uint8Array(Math.max(16, initial));
        this.#view = new DataView(this.#buf.buffer);
    }
    get length() {
        return this.#len;
    }
    #reserve(n) {
        const need = this.#len + n;
        if (need <= this.#buf.length)
            return;
        let size = this.#buf.length * 2;
        while (size < need)
            size *= 2;
        const next = new Uint8Array(size);
        next.set(this.#buf.subarray(0, this.#len));
        this.#buf = next;
        this.#view = new DataView(next.buffer);
    }
    u8(v) {
        this.#reserve(1);
        this.#buf[this.#len++] = v & 0xff;
    }
    u16(v) {
        this.#reserve(2);
        this.#view.setUint16(this.#len, v, true);
        this.#len += 2;
    }
    u32(v) {
        this.#reserve(4);
        this.#view.setUint32(this.#len, v >>> 0, true);
        this.#len += 4;
    }
    i32(v) {
        this.#reserve(4);
        this.#view.setInt32(this.#len, v, true);
        this.#len += 4;
    }
    i64(v) {
        this.#reserve(8);
        this.#view.setBigInt64(this.#len, v, true);
        this.#len += 8;
    }
    bytes(b) {
        this.#reserve(b.length);
        this.#buf.set(b, this.#len);
        this.#len += b.length;
    }
    /** Zero bytes up to the next multiple of 4 (pcapng aligns every field group to 32 bits). */
    pad4() {
        while (this.#len & 3)
            this.u8(0);
    }
    /** Overwrites a 32-bit value already written at `at` (block lengths are known only at the end). */
    patchU32(at, v) {
        this.#view.setUint32(at, v >>> 0, true);
    }
    /** A copy of the bytes written so far. */
    toBytes() {
        return this.#buf.slice(0, this.#len);
    }
}
/** Splits a nanosecond timestamp into the two 32-bit halves pcapng stores (exact for bigint or safe integers). */
export function splitU64(v) {
    const x = BigInt.asUintN(64, v);
    return { high: Number(x >> 32n), low: Number(x & 0xffffffffn) };
}
export function toBigIntNs(t, what) {
    if (typeof t === 'bigint')
        return t;
    if (!Number.isSafeInteger(t) || t < 0)
        throw new RangeError(`${what}: timestamp must be a non-negative integer number of nanoseconds, got ${t}`);
    return BigInt(t);
}
//# sourceMappingURL=bytes.js.map