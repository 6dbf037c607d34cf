/**
 * What the ring worker and the engine-side port share: a stats block (Float64Array over a
 * SharedArrayBuffer, written by the worker only), a control block (Int32Array: stop and sleeping
 * flags), and the names of the worker's counted drops.
 */
/** Drops counted by the ring worker (frames that never reached the engine or the front-end). */
export const WORKER_DROPS = {
    'tx-runt': 'a transmitted chain shorter than the virtio_net_hdr plus an Ethernet header',
    'tx-too-big': 'a transmitted frame larger than a frame-ring slot',
    'tx-offload-not-negotiated': 'a virtio_net_hdr asking for checksum or GSO offload, which this backend never offers',
    'to-engine-ring-full': 'the frame ring toward the engine was full',
    'rx-buffer-too-small': 'a receive chain too small for the frame (MRG_RXBUF not negotiated)',
    'rx-chain-fault': 'a receive chain the queue refused (wrong direction, too long)',
    'tx-chain-fault': 'a transmit chain the queue refused (wrong direction, too long)',
    'rx-not-running': 'a frame for the front-end while its receive ring is not live (dropped after a wait)',
    'tx-ring-disabled': 'a frame on a transmit ring that is started but disabled: taken and discarded, as the spec asks',
};
export const WORKER_DROP_NAMES = Object.keys(WORKER_DROPS);
export const STAT_SLOTS = 32;
export const CTL_SLOTS = 4;
export const STATE_NAMES = ['stopped', 'listening', 'connected', 'running'];
/** Copies `len` bytes; a loop for short frames (no allocation, no native call), Buffer.copy beyond. */
export function copyBytes(src, srcOff, dst, dstOff, len) {
    if (len <= 96) {
        for (let i = 0; i < len; i++)
            dst[dstOff + i] = src[srcOff + i];
    }
    else {
        src.copy(dst, dstOff, srcOff, srcOff + len);
    }
}
//# sourceMappingURL=shared.js.map