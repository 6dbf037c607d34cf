/**
 * vhost-user wire format (QEMU docs/interop/vhost-user.rst), backend side: message ids, flags,
 * feature bits, and decoders for the payloads we accept.
 *
 * A message is a 12-byte header (request u32, flags u32, size u32, little-endian) and `size` bytes of
 * payload; file descriptors travel as SCM_RIGHTS ancillary data beside it. Flags bits 0-1 carry the
 * protocol version (always 1), bit 2 marks a reply, bit 3 asks for an ack (REPLY_ACK).
 *
 * Decoders validate lengths and ranges at the boundary and return either the decoded value or a
 * reason string: a malformed message is a reason to close the connection, never an exception.
 */
export const VHOST_USER_HEADER_SIZE = 12;
export const VHOST_USER_VERSION = 1;
export const VHOST_USER_VERSION_MASK = 0x3;
export const VHOST_USER_REPLY_FLAG = 0x4;
export const VHOST_USER_NEED_REPLY_FLAG = 0x8;
/** Largest payload we read: a full memory table (8 regions) is 264 bytes; config space is at most 268. */
export const VHOST_USER_MAX_PAYLOAD = 4096;
/** VHOST_MEMORY_BASELINE_NREGIONS: regions (and so fds) in one SET_MEM_TABLE. */
export const VHOST_USER_MAX_REGIONS = 8;
/** SET_VRING_KICK/CALL/ERR: bits 0-7 are the ring index; bit 8 says no fd was sent (polling). */
export const VRING_INDEX_MASK = 0xff;
export const VRING_NOFD_FLAG = 0x100;
/** Front-end requests (the numbers are the wire ids). */
export const Req = {
    GET_FEATURES: 1,
    SET_FEATURES: 2,
    SET_OWNER: 3,
    RESET_OWNER: 4,
    SET_MEM_TABLE: 5,
    SET_LOG_BASE: 6,
    SET_LOG_FD: 7,
    SET_VRING_NUM: 8,
    SET_VRING_ADDR: 9,
    SET_VRING_BASE: 10,
    GET_VRING_BASE: 11,
    SET_VRING_KICK: 12,
    SET_VRING_CALL: 13,
    SET_VRING_ERR: 14,
    GET_PROTOCOL_FEATURES: 15,
    SET_PROTOCOL_FEATURES: 16,
    GET_QUEUE_NUM: 17,
    SET_VRING_ENABLE: 18,
    SEND_RARP: 19,
    NET_SET_MTU: 20,
    SET_STATUS: 39,
    GET_STATUS: 40,
};
const REQ_NAMES = new Map(Object.entries(Req).map(([k, v]) => [v, k]));
/** The request's name for logs ("SET_MEM_TABLE"), or "request N" for ids we do not know. */
export function requestName(id) {
    return REQ_NAMES.get(id) ?? `request ${id}`;
}
/** Virtio feature bits that matter to a vhost-user net backend. */
export const VIRTIO_NET_F_MRG_RXBUF = 15;
export const VIRTIO_F_RING_INDIRECT_DESC = 28;
export const VIRTIO_F_RING_EVENT_IDX = 29;
/** Not a virtio bit: offered by vhost-user backends to say that protocol features exist. */
export const VHOST_USER_F_PROTOCOL_FEATURES = 30;
export const VIRTIO_F_VERSION_1 = 32;
/** Protocol feature bits. */
export const PROTOCOL_F_MQ = 0;
export const PROTOCOL_F_REPLY_ACK = 3;
export const PROTOCOL_F_STATUS = 16;
/** Features as bigints: bit 32 and up do not fit the int32 that bitwise operators use. */
export function bit(n) {
    return 1n << BigInt(n);
}
export function hasBit(set, n) {
    return (set & bit(n)) !== 0n;
}
/** Virtio features this backend offers by default. */
export const BACKEND_FEATURES = bit(VIRTIO_F_VERSION_1) | bit(VIRTIO_NET_F_MRG_RXBUF) | bit(VIRTIO_F_RING_INDIRECT_DESC) | bit(VIRTIO_F_RING_EVENT_IDX) | bit(VHOST_USER_F_PROTOCOL_FEATURES);
/** Protocol features this backend offers: REPLY_ACK and STATUS, not MQ (one queue pair). */
export const BACKEND_PROTOCOL_FEATURES = bit(PROTOCOL_F_REPLY_ACK) | bit(PROTOCOL_F_STATUS);
/** Checks a header: version 1, not a reply, payload within the limit. Returns a reason or null. */
export function headerProblem(h) {
    if ((h.flags & VHOST_USER_VERSION_MASK) !== VHOST_USER_VERSION)
        return `${requestName(h.request)}: protocol version ${h.flags & VHOST_USER_VERSION_MASK}, expected 1`;
    if ((h.flags & VHOST_USER_REPLY_FLAG) !== 0)
        return `${requestName(h.request)}: a reply sent to the backend`;
    if (h.size > VHOST_USER_MAX_PAYLOAD)
        return `${requestName(h.request)}: payload of ${h.size} bytes exceeds the ${VHOST_USER_MAX_PAYLOAD}-byte limit`;
    return null;
}
export function readHeader(b) {
    const v = new DataView(b.buffer, b.byteOffset, VHOST_USER_HEADER_SIZE);
    return { request: v.getUint32(0, true), flags: v.getUint32(4, true), size: v.getUint32(8, true) };
}
export function writeHeader(b, request, flags, size) {
    const v = new DataView(b.buffer, b.byteOffset, VHOST_USER_HEADER_SIZE);
    v.setUint32(0, request, true);
    v.setUint32(4, flags, true);
    v.setUint32(8, size, true);
}
function fail(reason) {
    return { ok: false, reason };
}
function view(p) {
    return new DataView(p.buffer, p.byteOffset, p.byteLength);
}
function needSize(name, p, size) {
    return p.byteLength < size ? fail(`${name}: payload of ${p.byteLength} bytes, expected ${size}`) : null;
}
export function decodeU64(name, p) {
    return needSize(name, p, 8) ?? { ok: true, value: view(p).getBigUint64(0, true) };
}
export function decodeVringState(name, p) {
    const bad = needSize(name, p, 8);
    if (bad !== null)
        return bad;
    const v = view(p);
    return { ok: true, value: { index: v.getUint32(0, true), num: v.getUint32(4, true) } };
}
export function decodeVringAddr(name, p) {
    const bad = needSize(name, p, 40);
    if (bad !== null)
        return bad;
    const v = view(p);
    return {
        ok: true,
        value: {
            index: v.getUint32(0, true),
            flags: v.getUint32(4, true),
            desc: v.getBigUint64(8, true),
            used: v.getBigUint64(16, true),
            avail: v.getBigUint64(24, true),
            log: v.getBigUint64(32, true),
        },
    };
}
/** Decodes a memory table: nregions u32, padding u32, then 32 bytes per region; checks sizes and overlaps. */
export function decodeMemTable(p, fds) {
    const name = 'SET_MEM_TABLE';
    const bad = needSize(name, p, 8);
    if (bad !== null)
        return bad;
    const v = view(p);
    const n = v.getUint32(0, true);
    if (n < 1 || n > VHOST_USER_MAX_REGIONS)
        return fail(`${name}: ${n} regions, expected 1..${VHOST_USER_MAX_REGIONS}`);
    if (p.byteLength < 8 + 32 * n)
        return fail(`${name}: payload of ${p.byteLength} bytes is too short for ${n} regions`);
    if (fds !== n)
        return fail(`${name}: ${n} regions but ${fds} file descriptors`);
    const regions = [];
    for (let i = 0; i < n; i++) {
        const o = 8 + 32 * i;
        const r = { guestPhysAddr: v.getBigUint64(o, true), size: v.getBigUint64(o + 8, true), userAddr: v.getBigUint64(o + 16, true), mmapOffset: v.getBigUint64(o + 24, true) };
        if (r.size === 0n)
            return fail(`${name}: region ${i} has size 0`);
        const limit = 1n << 64n;
        if (r.guestPhysAddr + r.size > limit || r.userAddr + r.size > limit || r.mmapOffset + r.size > limit)
            return fail(`${name}: region ${i} wraps around the 64-bit address space`);
        // Every address we compute must stay exact in a double.
        if (r.guestPhysAddr + r.size > 1n << 53n || r.userAddr + r.size > 1n << 53n)
            return fail(`${name}: region ${i} lies above 2^53`);
        if (r.size + r.mmapOffset > 1n << 40n)
            return fail(`${name}: region ${i} is larger than 1 TiB`);
        for (let j = 0; j < i; j++) {
            const q = regions[j];
            if (r.guestPhysAddr < q.guestPhysAddr + q.size && q.guestPhysAddr < r.guestPhysAddr + r.size)
                return fail(`${name}: regions ${j} and ${i} overlap in guest-physical space`);
            if (r.userAddr < q.userAddr + q.size && q.userAddr < r.userAddr + r.size)
                return fail(`${name}: regions ${j} and ${i} overlap in front-end virtual space`);
        }
        regions.push(r);
    }
    return { ok: true, value: regions };
}
/** Encodes a memory table (for the test front-end). */
export function encodeMemTable(regions) {
    const b = new Uint8Array(8 + 32 * regions.length);
    const v = view(b);
    v.setUint32(0, regions.length, true);
    regions.forEach((r, i) => {
        const o = 8 + 32 * i;
        v.setBigUint64(o, r.guestPhysAddr, true);
        v.setBigUint64(o + 8, r.size, true);
        v.setBigUint64(o + 16, r.userAddr, true);
        v.setBigUint64(o + 24, r.mmapOffset, true);
    });
    return b;
}
export function encodeU64(value) {
    const b = new Uint8Array(8);
    view(b).setBigUint64(0, value, true);
    return b;
}
export function encodeVringState(index, num) {
    const b = new Uint8Array(8);
    const v = view(b);
    v.setUint32(0, index, true);
    v.setUint32(4, num, true);
    return b;
}
export function encodeVringAddr(a) {
    const b = new Uint8Array(40);
    const v = view(b);
    v.setUint32(0, a.index, true);
    v.setUint32(4, a.flags, true);
    v.setBigUint64(8, a.desc, true);
    v.setBigUint64(16, a.used, true);
    v.setBigUint64(24, a.avail, true);
    v.setBigUint64(32, a.log, true);
    return b;
}
//# sourceMappingURL=protocol.js.map