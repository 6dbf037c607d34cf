/**
 * What every header view shares: where it points, and big-endian field reads and writes.
 *
 * A view is reusable: `wrap` points it at `len` bytes at `off` of a buffer and returns null
 * when they hold a well-formed header, else a reason from the protocol's closed error union.
 * After a null the header is in bounds, so field accessors do no checks of their own; after
 * a failed wrap they still never throw, but what they return means nothing.
 *
 * Why the shared code is shaped this way (measured: the nine views wrapped and read over the
 * test fixtures in one process, per-round CPU time against the per-class code it replaced):
 * - The byte helpers are module functions over `(buf, off)`, not methods on this base. A base
 *   method that reads `this.bytes` is one function for all nine view classes, so its inline
 *   caches go megamorphic and every call that is not inlined pays for it: protected
 *   `u16(at)`-style methods took about 2.5x the time. A function that only ever sees a
 *   `Uint8Array` stays monomorphic wherever it is called from.
 * - Each view has its own `wrap` for the same reason: one shared `wrap` calling a per-class
 *   check took about 1.6x the time. `pointAt` is small enough to be inlined into each view's
 *   `wrap`, where the receiver's class is known.
 * The code as it stands measures the same as the per-class code did, within the noise.
 */
/** True unless `len` bytes at `off` lie inside `buf` and number at least `minLen`: the first test of every `wrap`. */
export function truncated(buf, off, len, minLen) {
    return off < 0 || len < minLen || len > buf.length - off;
}
/** Reads the two bytes at `off` as a big-endian uint16. */
export function readU16(buf, off) {
    return (buf[off] << 8) | buf[off + 1];
}
/** Writes the low 16 bits of `value` big-endian at `off`. */
export function writeU16(buf, off, value) {
    buf[off] = value >>> 8;
    buf[off + 1] = value;
}
/**
 * Big-endian uint32 fields (sequence numbers, keys, ICMP's rest of header) are read and
 * written exactly as IPv4 addresses are: one pair of functions serves both.
 */
export { readIpv4Addr as readU32, writeIpv4Addr as writeU32 } from './ipv4-addr.js';
/** A reusable zero-copy view of one header at an offset of a byte buffer; `E` is the protocol's decode-error union. */
export class ByteView {
    /** The buffer given to the last `wrap`. */
    bytes = new Uint8Array(0);
    /** Offset of the header in `bytes`. */
    start = 0;
    /** Bytes given to the last `wrap`, counted from `start`. */
    len = 0;
    /** The buffer the view points into. */
    get buf() {
        return this.bytes;
    }
    /** Offset of the header in `buf`. */
    get offset() {
        return this.start;
    }
    /** Records what `wrap` was given; each view's `wrap` calls this, then judges the bytes. */
    pointAt(buf, off, len) {
        this.bytes = buf;
        this.start = off;
        this.len = len;
    }
}
//# sourceMappingURL=byte-view.js.map