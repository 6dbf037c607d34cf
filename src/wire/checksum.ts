/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * `internetSum` returns the ones'-complement sum folded to 16 bits, not yet complemented, so
 * partial sums (a pseudo-header, then a segment) chain through the `seed` argument.
 * `internetChecksum` complements the folded sum: that is the value a header carries, and
 * summing a range that includes a correct checksum field yields 0xffff (`internetChecksum` 0).
 *
 * The loop adds 16-bit words into a plain JS number: a double holds integers up to 2^53, so
 * no carry is lost before the final fold for any buffer shorter than 2^37 bytes.
 */

/** Folds carries above bit 15 back into the low 16 bits (ones'-complement addition). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * Ones'-complement sum, unfolded, of the five 32-bit words of a minimal IPv4 header read as
 * big-endian numbers (the fast paths read a header this way once and use the words after);
 * below 2^20, so two folds of `(s & 0xffff) + (s >>> 16)` finish it. Callers pass the words as
 * int32 (`w | 0`): the halves come out the same, and a word of 2^31 or more passed as a uint32
 * would be a fresh heap number per call wherever V8 does not inline this function.
 */
export function ipv4HeaderWordsSum(w0: number, w1: number, w2: number, w3: number, w4: number): number {
  return (w0 >>> 16) + (w0 & 0xffff) + (w1 >>> 16) + (w1 & 0xffff) + (w2 >>> 16) + (w2 & 0xffff) + (w3 >>> 16) + (w3 & 0xffff) + (w4 >>> 16) + (w4 & 0xffff);
}

/** Ones'-complement sum of `len` bytes at `off`, plus `seed`, folded to 16 bits (not complemented). An odd last byte is padded with zero. */
export function internetSum(buf: Uint8Array, off: number, len: number, seed = 0): number {
  let sum = seed;
  const end = off + len;
  const evenEnd = end - (len & 1);
  let i = off;
  for (; i < evenEnd; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return foldSum(sum);
}

/**
 * `internetSum` for payload-sized ranges, read through a DataView 32 bits at a time into four
 * independent chains (the CPU overlaps them). Each chain adds the two 16-bit halves of its word,
 * so it stays a small integer that V8 keeps unboxed for any length a packet can have (a chain of
 * whole 32-bit words would become a heap number). The words are read little-endian, which on
 * x86 and ARM is a plain load where big-endian costs a byte swap per word: the halves are then
 * the big-endian 16-bit words with their bytes swapped, and since the ones'-complement sum of
 * byte-swapped words is the byte-swapped sum (RFC 1071 section 2 (B)), one swap of the folded
 * sum puts it right. The tail and `seed` are added after that swap, in network order.
 * The data path's long sums go through here: TSO segments, GRO checks, completed partial
 * checksums, tunnel checksums.
 * Measured on 1448 bytes, same process: 0.26-0.35 ns per byte against 0.33-0.47 with
 * big-endian reads, 0.27-0.58 with one chain and about 1 ns with the byte loop of `internetSum`.
 */
export function internetSumView(view: DataView, off: number, len: number, seed = 0): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const end = off + len;
  const end16 = off + (len & ~15);
  let i = off;
  for (; i < end16; i += 16) {
    const w = view.getUint32(i, true);
    const x = view.getUint32(i + 4, true);
    const y = view.getUint32(i + 8, true);
    const z = view.getUint32(i + 12, true);
    a += (w >>> 16) + (w & 0xffff);
    b += (x >>> 16) + (x & 0xffff);
    c += (y >>> 16) + (y & 0xffff);
    d += (z >>> 16) + (z & 0xffff);
  }
  const swapped = foldSum(a + b + c + d);
  let sum = seed + (((swapped & 0xff) << 8) | (swapped >>> 8));
  for (; i + 4 <= end; i += 4) {
    const w = view.getUint32(i);
    sum += (w >>> 16) + (w & 0xffff);
  }
  if (i + 2 <= end) {
    sum += view.getUint16(i);
    i += 2;
  }
  if (i < end) sum += view.getUint8(i) << 8;
  return foldSum(sum);
}

/** The checksum a header carries for `len` bytes at `off` (with `seed` from a pseudo-header): the complement of the folded sum. */
export function internetChecksum(buf: Uint8Array, off: number, len: number, seed = 0): number {
  return ~internetSum(buf, off, len, seed) & 0xffff;
}

/** Folded sum of the IPv4 pseudo-header used by UDP and TCP (RFC 768, RFC 9293 section 3.1): addresses, protocol and the L4 length. */
export function ipv4PseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return foldSum((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (protocol & 0xff) + (length & 0xffff));
}

/**
 * RFC 1624 equation 3: the new checksum field after one 16-bit word covered by it changed
 * from `oldWord` to `newWord`: HC' = ~(~HC + ~m + m'). Takes and returns the field value.
 */
export function checksumUpdate16(oldChecksum: number, oldWord: number, newWord: number): number {
  const sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** `checksumUpdate16` for a 32-bit field (an IPv4 address, a TCP sequence number): both halves at once. */
export function checksumUpdate32(oldChecksum: number, oldValue: number, newValue: number): number {
  const sum =
    (~oldChecksum & 0xffff) +
    (~(oldValue >>> 16) & 0xffff) +
    (~oldValue & 0xffff) +
    (newValue >>> 16) +
    (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}
