/**
 * Rewriting packets of tracked connections: the one rule NAT needs, and ICMP errors.
 *
 * A packet of direction d of a conntrack entry leaves carrying the inverse of the entry's
 * tuple of direction 1 - d: source = other.dst, destination = other.src, and for TCP/UDP
 * sport = other.dport, dport = other.sport (for ICMP echo the identifier is other.sport). For
 * an untranslated entry that is the packet's own tuple, so nothing changes; SNAT, DNAT and
 * hairpin (both at once) are the same code.
 *
 * Checksums are patched with RFC 1624 updates per changed field: the IPv4 header checksum for
 * the addresses, the TCP/UDP checksum for the addresses (pseudo-header) and ports, the ICMP
 * checksum for the echo identifier. A UDP checksum of zero means "none" and stays zero.
 *
 * A partial L4 checksum (a TAP's offloaded packet: NEEDS_CSUM, or a 64 KB TSO packet) holds the
 * folded pseudo-header sum, not complemented; whoever finishes the packet sums the L4 header and
 * payload onto it. So only the address change (the pseudo-header) is added to that field, as a
 * plain ones'-complement sum; new ports are summed when the packet is finished.
 *
 * An ICMP error (destination unreachable, time exceeded, parameter problem, source quench,
 * redirect) quotes the header of a packet that went the other way after translation. Its
 * inner tuple, inverted, finds the entry and the direction the error travels; the quoted
 * header is restored to what its sender wrote (addresses, ports or echo id, the inner IPv4
 * checksum and the inner TCP/UDP checksum when the quote reaches it) and the outer addresses
 * follow the same entry. The ICMP checksum is then recomputed over the message: an error is
 * rare and short, and many quoted words change.
 */
import { checksumUpdate16, checksumUpdate32, internetChecksum } from '../../wire/checksum.js';
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
function u32(b, o) {
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function u16(b, o) {
    return (b[o] << 8) | b[o + 1];
}
function put32(b, o, v) {
    b[o] = v >>> 24;
    b[o + 1] = v >>> 16;
    b[o + 2] = v >>> 8;
    b[o + 3] = v;
}
function put16(b, o, v) {
    b[o] = v >>> 8;
    b[o + 1] = v;
}
/** True for the ICMP types that quote an offending datagram. */
export function isIcmpError(type) {
    return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}
/**
 * Sets the addresses and ports (ICMP echo: identifier in `sport`) of the IPv4 packet at `ipOff`
 * whose transport header is `l4Len` bytes at `l4Off`, patching every checksum incrementally.
 * The caller has checked that the transport header is long enough to hold its checksum
 * (TCP 18 bytes, UDP and ICMP 8) or passes a shorter `l4Len` to leave it alone.
 */
export function rewriteTuple(buf, ipOff, l4Off, l4Len, proto, src, dst, sport, dport) {
    const oldSrc = u32(buf, ipOff + 12);
    const oldDst = u32(buf, ipOff + 16);
    // RFC 1624 equation 3 for all changed words at once: each changed word adds ~old + new to
    // the complemented checksum. Ones'-complement addition is associative, so one fold at the
    // end gives what one update per field would.
    let addrDelta = 0;
    if (oldSrc !== src)
        addrDelta += (~oldSrc >>> 16) + (~oldSrc & 0xffff) + (src >>> 16) + (src & 0xffff);
    if (oldDst !== dst)
        addrDelta += (~oldDst >>> 16) + (~oldDst & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    if (addrDelta !== 0) {
        put16(buf, ipOff + 10, applyDelta(u16(buf, ipOff + 10), addrDelta));
        put32(buf, ipOff + 12, src);
        put32(buf, ipOff + 16, dst);
    }
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) {
        const oldSport = u16(buf, l4Off);
        const oldDport = u16(buf, l4Off + 2);
        const sumOff = proto === IPPROTO_TCP ? l4Off + 16 : l4Off + 6;
        let delta = addrDelta;
        if (oldSport !== sport)
            delta += (~oldSport & 0xffff) + sport;
        if (oldDport !== dport)
            delta += (~oldDport & 0xffff) + dport;
        if (delta !== 0 && sumOff + 2 <= l4Off + l4Len) {
            const sum = u16(buf, sumOff);
            if (proto === IPPROTO_TCP || sum !== 0) {
                const updated = applyDelta(sum, delta);
                put16(buf, sumOff, proto === IPPROTO_UDP && updated === 0 ? 0xffff : updated);
            }
        }
        put16(buf, l4Off, sport);
        put16(buf, l4Off + 2, dport);
    }
    else if (proto === IPPROTO_ICMP) {
        const oldId = u16(buf, l4Off + 4);
        if (oldId !== sport) {
            if (l4Off + 4 <= l4Off + l4Len)
                put16(buf, l4Off + 2, checksumUpdate16(u16(buf, l4Off + 2), oldId, sport));
            put16(buf, l4Off + 4, sport);
        }
    }
}
/** A partial checksum field (the folded pseudo-header sum) after adding `delta` (~old + new words, below 2^20) to it. */
function addToPartial(partial, delta) {
    let sum = partial + delta;
    sum = (sum & 0xffff) + (sum >>> 16);
    return (sum & 0xffff) + (sum >>> 16);
}
/** The checksum field after adding `delta` (a sum of ~old + new words, below 2^20) to its complement. */
function applyDelta(checksum, delta) {
    let sum = (~checksum & 0xffff) + delta;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    return ~sum & 0xffff;
}
/**
 * Rewrites a packet of conntrack ref `ref` (2 * entry + direction) to the inverse of the other
 * direction's tuple. `l4Len` as for `rewriteTuple`.
 */
export function translatePacket(ct, ref, buf, ipOff, l4Off, l4Len, proto) {
    const other = ref ^ 1;
    if (proto === IPPROTO_ICMP)
        rewriteTuple(buf, ipOff, l4Off, l4Len, proto, ct.dst(other), ct.src(other), ct.sport(other), 0);
    else
        rewriteTuple(buf, ipOff, l4Off, l4Len, proto, ct.dst(other), ct.src(other), ct.dport(other), ct.sport(other));
}
/**
 * `translatePacket` for TCP and UDP, through the pool's DataView at absolute offsets: the
 * established fast path. Addresses and both ports are read and written as words, and every
 * changed 16-bit word goes into one RFC 1624 delta applied to both checksums. With `partial`
 * (the packet's L4 checksum is a partial one, see above) only the address words go into the L4
 * field, added to it as they are.
 */
export function translatePortsView(ct, ref, mem, ipAt, l4At, l4Len, proto, partial) {
    const other = ref ^ 1;
    const src = ct.dst(other);
    const dst = ct.src(other);
    const otherPorts = ct.ports(other);
    const ports = ((otherPorts << 16) | (otherPorts >>> 16)) >>> 0;
    const oldSrc = mem.getUint32(ipAt + 12);
    const oldDst = mem.getUint32(ipAt + 16);
    let delta = 0;
    if (oldSrc !== src)
        delta += (~oldSrc >>> 16) + (~oldSrc & 0xffff) + (src >>> 16) + (src & 0xffff);
    if (oldDst !== dst)
        delta += (~oldDst >>> 16) + (~oldDst & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    if (delta !== 0) {
        mem.setUint16(ipAt + 10, applyDelta(mem.getUint16(ipAt + 10), delta));
        mem.setUint32(ipAt + 12, src);
        mem.setUint32(ipAt + 16, dst);
    }
    const oldPorts = mem.getUint32(l4At);
    if (oldPorts !== ports) {
        const oldSport = oldPorts >>> 16;
        const oldDport = oldPorts & 0xffff;
        const sport = ports >>> 16;
        const dport = ports & 0xffff;
        // A partial checksum covers the ports only when it is finished, from the bytes then.
        if (!partial) {
            if (oldSport !== sport)
                delta += (~oldSport & 0xffff) + sport;
            if (oldDport !== dport)
                delta += (~oldDport & 0xffff) + dport;
        }
        mem.setUint32(l4At, ports);
    }
    if (delta === 0)
        return;
    const sumAt = proto === IPPROTO_TCP ? l4At + 16 : l4At + 6;
    if (sumAt + 2 > l4At + l4Len)
        return;
    if (partial) {
        mem.setUint16(sumAt, addToPartial(mem.getUint16(sumAt), delta));
        return;
    }
    const sum = mem.getUint16(sumAt);
    if (proto === IPPROTO_UDP && sum === 0)
        return;
    const updated = applyDelta(sum, delta);
    mem.setUint16(sumAt, proto === IPPROTO_UDP && updated === 0 ? 0xffff : updated);
}
/**
 * Finds the connection an ICMP error at `icmpOff` (`icmpLen` bytes, the IPv4 payload) refers
 * to and, when it is translated, restores the quoted header and the outer addresses.
 * Returns the ref of the direction the error travels, or -1 when the quote is too short to
 * read or no live entry matches. `ipOff` is the outer IPv4 header.
 */
export function translateIcmpError(ct, zone, buf, ipOff, icmpOff, icmpLen, now) {
    const inner = icmpOff + 8;
    const quoted = icmpLen - 8;
    if (quoted < 20 || buf[inner] >>> 4 !== 4)
        return -1;
    const ihl = (buf[inner] & 0x0f) << 2;
    if (ihl < 20 || quoted < ihl + 8)
        return -1;
    const proto = buf[inner + 9];
    const iSrc = u32(buf, inner + 12);
    const iDst = u32(buf, inner + 16);
    const l4 = inner + ihl;
    const l4Quoted = quoted - ihl;
    let ref;
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) {
        ref = ct.find(zone, proto, iDst, iSrc, u16(buf, l4 + 2), u16(buf, l4), now);
    }
    else if (proto === IPPROTO_ICMP) {
        const type = buf[l4];
        if ((type !== 8 && type !== 0) || buf[l4 + 1] !== 0)
            return -1;
        ref = ct.find(zone, proto, iDst, iSrc, u16(buf, l4 + 4), type === 8 ? 0 : 0x0800, now);
    }
    else {
        return -1;
    }
    if (ref < 0)
        return -1;
    if (!ct.translated(ref >> 1))
        return ref;
    const other = ref ^ 1;
    // The quoted packet went in direction `other` after translation; give it back its original tuple.
    rewriteTuple(buf, inner, l4, l4Quoted, proto, ct.src(other), ct.dst(other), ct.sport(other), proto === IPPROTO_ICMP ? 0 : ct.dport(other));
    const oSrc = u32(buf, ipOff + 12);
    const oDst = u32(buf, ipOff + 16);
    const newDst = oDst === ct.dst(ref) ? ct.src(other) : oDst;
    const newSrc = oSrc === ct.src(ref) ? ct.dst(other) : oSrc;
    if (newSrc !== oSrc || newDst !== oDst) {
        let ipSum = u16(buf, ipOff + 10);
        if (newSrc !== oSrc)
            ipSum = checksumUpdate32(ipSum, oSrc, newSrc);
        if (newDst !== oDst)
            ipSum = checksumUpdate32(ipSum, oDst, newDst);
        put16(buf, ipOff + 10, ipSum);
        put32(buf, ipOff + 12, newSrc);
        put32(buf, ipOff + 16, newDst);
    }
    buf[icmpOff + 2] = 0;
    buf[icmpOff + 3] = 0;
    put16(buf, icmpOff + 2, internetChecksum(buf, icmpOff, icmpLen));
    return ref;
}
//# sourceMappingURL=translate.js.map