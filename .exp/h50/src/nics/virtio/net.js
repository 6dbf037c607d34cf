/**
 * virtio-net constants (VIRTIO 1.2 sections 2.1, 2.2, 5.1 and 6): device status bits, the feature bits
 * we offer, and the version-1 `virtio_net_hdr` that precedes every frame in both directions.
 *
 * Feature sets are plain numbers: bit 32 (VERSION_1) does not fit a 32-bit int but every set of
 * bits below 53 is exact in a double, so sets combine with `featureSet()` and test with `hasFeature()`.
 */
/** Device status field (2.1). */
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;
/** Feature bit numbers. */
export const VIRTIO_NET_F_CSUM = 0;
export const VIRTIO_NET_F_GUEST_CSUM = 1;
export const VIRTIO_NET_F_MAC = 5;
export const VIRTIO_NET_F_MRG_RXBUF = 15;
export const VIRTIO_NET_F_STATUS = 16;
export const VIRTIO_F_RING_INDIRECT_DESC = 28;
export const VIRTIO_F_RING_EVENT_IDX = 29;
export const VIRTIO_F_VERSION_1 = 32;
export const FEATURE_NAMES = {
    [VIRTIO_NET_F_CSUM]: 'CSUM',
    [VIRTIO_NET_F_GUEST_CSUM]: 'GUEST_CSUM',
    [VIRTIO_NET_F_MAC]: 'MAC',
    [VIRTIO_NET_F_MRG_RXBUF]: 'MRG_RXBUF',
    [VIRTIO_NET_F_STATUS]: 'STATUS',
    [VIRTIO_F_RING_INDIRECT_DESC]: 'RING_INDIRECT_DESC',
    [VIRTIO_F_RING_EVENT_IDX]: 'RING_EVENT_IDX',
    [VIRTIO_F_VERSION_1]: 'VERSION_1',
};
export function featureSet(...bits) {
    let f = 0;
    for (const b of bits)
        if (!hasFeature(f, b))
            f += 2 ** b;
    return f;
}
export function hasFeature(features, bit) {
    // Shifts, not floor and %: this runs per packet, and a double modulo is a call to fmod.
    // `>>>` takes the value modulo 2^32 (a feature set is below 2^64, exact in a double to 2^53).
    return bit < 32 ? ((features >>> bit) & 1) === 1 : (((features / 4294967296) >>> (bit - 32)) & 1) === 1;
}
/** True when every bit of `sub` is in `set`. */
export function isSubset(sub, set) {
    for (let b = 0; b < 53; b++)
        if (hasFeature(sub, b) && !hasFeature(set, b))
            return false;
    return sub < 2 ** 53;
}
export function featureNames(features) {
    return Object.keys(FEATURE_NAMES).map(Number).filter((b) => hasFeature(features, b)).map((b) => FEATURE_NAMES[b]);
}
/** Everything this device model offers. */
export const DEVICE_FEATURES = featureSet(VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_STATUS, VIRTIO_F_RING_INDIRECT_DESC, VIRTIO_F_RING_EVENT_IDX, VIRTIO_F_VERSION_1);
/** Net config space status (5.1.4). */
export const VIRTIO_NET_S_LINK_UP = 1;
/** Queue indices of a single-queue-pair device (5.1.2). */
export const RX_QUEUE = 0;
export const TX_QUEUE = 1;
/**
 * struct virtio_net_hdr with VERSION_1 (5.1.6): flags u8, gso_type u8, hdr_len le16, gso_size le16,
 * csum_start le16, csum_offset le16, num_buffers le16 = 12 bytes, always present.
 */
export const VIRTIO_NET_HDR_LEN = 12;
export const VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
export const VIRTIO_NET_HDR_F_DATA_VALID = 2;
export const VIRTIO_NET_HDR_GSO_NONE = 0;
export const HDR_FLAGS = 0;
export const HDR_GSO_TYPE = 1;
export const HDR_HDR_LEN = 2;
export const HDR_GSO_SIZE = 4;
export const HDR_CSUM_START = 6;
export const HDR_CSUM_OFFSET = 8;
export const HDR_NUM_BUFFERS = 10;
//# sourceMappingURL=net.js.map