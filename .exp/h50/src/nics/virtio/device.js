import { foldSum, internetSum } from '../../wire/checksum.js';
import { Chain, DeviceQueue } from './virtqueue.js';
import { DEVICE_FEATURES, HDR_CSUM_OFFSET, HDR_CSUM_START, HDR_FLAGS, HDR_GSO_TYPE, HDR_NUM_BUFFERS, RX_QUEUE, STATUS_ACKNOWLEDGE, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK, TX_QUEUE, VIRTIO_F_RING_EVENT_IDX, VIRTIO_F_RING_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_LEN, VIRTIO_NET_S_LINK_UP, hasFeature, isSubset, } from './net.js';
/** Drop reasons of the device data path (placements declare them in their drop tables). */
export const VIRTIO_NET_DROPS = {
    'device-not-ready': 'frame for a device the driver has not set DRIVER_OK on, or that needs a reset',
    'rx-no-buffer': 'the guest posted no receive buffer (or not enough for the frame)',
    'rx-buffer-too-small': 'a receive chain too small for the frame without MRG_RXBUF',
    'tx-runt': 'transmit chain shorter than a virtio_net_hdr and an Ethernet header',
    'tx-too-big': 'transmit frame larger than a packet buffer',
    'tx-bad-csum-offset': 'NEEDS_CSUM with csum_start/csum_offset outside the frame',
    'tx-csum-not-negotiated': 'NEEDS_CSUM without the CSUM feature',
    'tx-gso-not-negotiated': 'a GSO type other than NONE (no GSO feature is offered)',
    'desc-out-of-ram': 'a descriptor pointed outside guest RAM (chain returned unused)',
    'chain-too-long': 'a chain longer than the device accepts (returned unused)',
    'readable-after-writable': 'a chain with a readable buffer after a writable one (returned unused)',
    'wrong-direction': 'a chain with no buffer in the direction the queue needs (returned unused)',
    'pool-empty': 'no free packet buffer for a transmitted frame',
};
const MAX_MERGE = 64;
export class VirtioNetDevice {
    vm;
    mac;
    offered;
    maxFrame;
    #status = 0;
    #driverFeatures = 0;
    /**
     * The feature bits the per-packet code tests, kept as booleans: the feature word is a float
     * above 2^32 (VERSION_1 is bit 32), and passing it into a call V8 did not inline boxes it, a
     * heap number per packet.
     */
    #mergeableRx = false;
    #csumNegotiated = false;
    #queueAddrs = [null, null];
    rxq = null;
    txq = null;
    /** Transport misuse, by kind (each also sets DEVICE_NEEDS_RESET except a refused FEATURES_OK). */
    transportFaults = new Map();
    /** Called when the driver kicks queue `q` (in-thread delivery; the doorbell is rung as well). */
    onKick = null;
    /** Called when the device interrupts the driver for queue `q`. */
    onInterrupt = null;
    /** Notifications each way (after suppression). */
    kicks = 0;
    interrupts = 0;
    #chains;
    #hdr = new Uint8Array(VIRTIO_NET_HDR_LEN);
    constructor(vm, options) {
        this.vm = vm;
        this.mac = options.mac;
        this.offered = options.features ?? DEVICE_FEATURES;
        this.maxFrame = options.maxFrame ?? 9216;
        this.#chains = [];
        for (let i = 0; i < MAX_MERGE; i++)
            this.#chains.push(new Chain(64));
    }
    /** Keeps engine configuration comparisons from walking guest RAM. */
    toJSON() {
        return `virtio-net ${this.vm.name}`;
    }
    // ---- transport: called by the driver; every call is a trap to the VMM ----
    readStatus() {
        this.vm.exit('status-read');
        return this.#status;
    }
    /** Status without counting an exit (for the device side and for displays). */
    get status() {
        return this.#status;
    }
    get negotiated() {
        return (this.#status & STATUS_FEATURES_OK) !== 0 ? this.#driverFeatures : 0;
    }
    /** True when the driver finished set-up and nothing needs a reset. */
    get live() {
        return (this.#status & (STATUS_DRIVER_OK | STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED)) === STATUS_DRIVER_OK;
    }
    writeStatus(value) {
        this.vm.exit('status-write');
        value &= 0xff;
        if (value === 0)
            return this.#reset();
        if ((this.#status & STATUS_DEVICE_NEEDS_RESET) !== 0)
            return; // only a reset helps now
        if ((value & this.#status & ~STATUS_DEVICE_NEEDS_RESET) !== (this.#status & ~STATUS_DEVICE_NEEDS_RESET) || (value & STATUS_DEVICE_NEEDS_RESET) !== 0) {
            return this.#fault('bad-status-write');
        }
        const added = value & ~this.#status;
        if ((added & STATUS_FEATURES_OK) !== 0) {
            const f = this.#driverFeatures;
            if (!isSubset(f, this.offered) || !hasFeature(f, VIRTIO_F_VERSION_1)) {
                this.transportFaults.set('features-refused', (this.transportFaults.get('features-refused') ?? 0) + 1);
                value &= ~STATUS_FEATURES_OK;
            }
        }
        if ((added & STATUS_DRIVER_OK) !== 0) {
            if ((value & STATUS_FEATURES_OK) === 0)
                return this.#fault('driver-ok-without-features-ok');
            this.#status = value;
            this.#startQueues();
            return;
        }
        this.#status = value;
    }
    /** Device feature bits 32*sel .. 32*sel+31 (virtio-pci device_feature_select). */
    readDeviceFeatures(select) {
        this.vm.exit('features-read');
        return select === 0 ? this.offered % 0x1_0000_0000 : Math.floor(this.offered / 0x1_0000_0000);
    }
    /** Driver feature bits for one 32-bit half. */
    writeDriverFeatures(select, bits) {
        this.vm.exit('features-write');
        if ((this.#status & STATUS_FEATURES_OK) !== 0)
            return this.#fault('features-after-features-ok');
        const lo = select === 0 ? bits >>> 0 : this.#driverFeatures % 0x1_0000_0000;
        const hi = select === 1 ? bits >>> 0 : Math.floor(this.#driverFeatures / 0x1_0000_0000);
        this.#setDriverFeatures(hi * 0x1_0000_0000 + lo);
    }
    #setDriverFeatures(features) {
        this.#driverFeatures = features;
        this.#mergeableRx = hasFeature(features, VIRTIO_NET_F_MRG_RXBUF);
        this.#csumNegotiated = hasFeature(features, VIRTIO_NET_F_CSUM);
    }
    /** Queue set-up (queue_desc/driver/device and queue_size); only before DRIVER_OK. */
    setQueue(queue, addrs) {
        this.vm.exit('queue-setup');
        if ((this.#status & STATUS_DRIVER_OK) !== 0)
            return this.#fault('queue-after-driver-ok');
        if (queue !== RX_QUEUE && queue !== TX_QUEUE)
            return this.#fault('bad-queue-index');
        this.#queueAddrs[queue] = { ...addrs };
    }
    /** Config space: mac and status (5.1.4). */
    readConfig() {
        this.vm.exit('config-read');
        return { mac: this.mac, status: this.live ? VIRTIO_NET_S_LINK_UP : 0 };
    }
    /** The driver's queue notification (a write to the notify register). */
    notify(queue) {
        this.vm.exit('queue-notify');
        this.kicks++;
        this.vm.doorbells.ring(queue === TX_QUEUE ? 1 : 0);
        if (this.onKick !== null)
            this.onKick(queue);
    }
    #reset() {
        this.#status = 0;
        this.#setDriverFeatures(0);
        this.#queueAddrs = [null, null];
        this.rxq = null;
        this.txq = null;
    }
    #fault(kind) {
        this.transportFaults.set(kind, (this.transportFaults.get(kind) ?? 0) + 1);
        this.#status |= STATUS_DEVICE_NEEDS_RESET;
    }
    #startQueues() {
        const f = this.#driverFeatures;
        const features = { eventIdx: hasFeature(f, VIRTIO_F_RING_EVENT_IDX), indirect: hasFeature(f, VIRTIO_F_RING_INDIRECT_DESC) };
        const rx = this.#queueAddrs[RX_QUEUE];
        const tx = this.#queueAddrs[TX_QUEUE];
        if (rx === null || rx === undefined || tx === null || tx === undefined)
            return this.#fault('queue-broken');
        this.rxq = new DeviceQueue(this.vm.memory, rx, features, 65562);
        this.txq = new DeviceQueue(this.vm.memory, tx, features, this.maxFrame + VIRTIO_NET_HDR_LEN);
        this.#checkBroken();
    }
    /** Sets DEVICE_NEEDS_RESET when a queue met a ring fault; true when the device can go on. */
    #checkBroken() {
        if ((this.rxq !== null && this.rxq.broken !== null) || (this.txq !== null && this.txq.broken !== null)) {
            if ((this.#status & STATUS_DEVICE_NEEDS_RESET) === 0)
                this.#fault('queue-broken');
            return false;
        }
        return true;
    }
    #interrupt(queue) {
        this.interrupts++;
        this.vm.doorbells.ring(queue === TX_QUEUE ? 3 : 2);
        if (this.onInterrupt !== null)
            this.onInterrupt(queue);
    }
    // ---- data path ----
    /** The reason of the last `popTxInto` that returned -2. */
    lastDrop = 'tx-runt';
    /**
     * Takes the next transmit chain into `buf` (one copy out of guest RAM): the frame lands at `dataOff`
     * and its virtio_net_hdr in the 12 bytes before it, which the caller must own. Returns the frame
     * length, -1 when the queue is empty, or -2 when the chain was dropped (`lastDrop` says why; the
     * chain is already returned to the guest).
     */
    popTxInto(buf, dataOff, room) {
        const q = this.txq;
        if (q === null || !this.live)
            return -1;
        const c = this.#chains[0];
        const r = q.pop(c, 'read');
        if (r === 'empty')
            return -1;
        if (r === 'broken') {
            this.#checkBroken();
            return -1;
        }
        if (r === 'fault') {
            this.lastDrop = q.lastFault;
            return -2;
        }
        const total = c.readableBytes;
        q.pushUsed(c.head, 0);
        if (total < VIRTIO_NET_HDR_LEN + 14) {
            this.lastDrop = 'tx-runt';
            return -2;
        }
        const len = total - VIRTIO_NET_HDR_LEN;
        if (len > room || len > this.maxFrame) {
            this.lastDrop = 'tx-too-big';
            return -2;
        }
        const base = dataOff - VIRTIO_NET_HDR_LEN;
        const mem = this.vm.memory;
        let at = base;
        for (let k = 0; k < c.count; k++) {
            if (c.writable[k] === 1)
                break;
            const n = c.len[k];
            mem.copyOut(c.addr[k], n, buf, at);
            at += n;
        }
        if (buf[base + HDR_GSO_TYPE] !== VIRTIO_NET_HDR_GSO_NONE) {
            this.lastDrop = 'tx-gso-not-negotiated';
            return -2;
        }
        if ((buf[base + HDR_FLAGS] & VIRTIO_NET_HDR_F_NEEDS_CSUM) !== 0) {
            if (!this.#csumNegotiated) {
                this.lastDrop = 'tx-csum-not-negotiated';
                return -2;
            }
            const start = buf[base + HDR_CSUM_START] | (buf[base + HDR_CSUM_START + 1] << 8);
            const field = start + (buf[base + HDR_CSUM_OFFSET] | (buf[base + HDR_CSUM_OFFSET + 1] << 8));
            if (field + 2 > len) {
                this.lastDrop = 'tx-bad-csum-offset';
                return -2;
            }
            const csum = ~foldSum(internetSum(buf, dataOff + start, len - start)) & 0xffff;
            buf[dataOff + field] = csum >>> 8;
            buf[dataOff + field + 1] = csum & 0xff;
        }
        return len;
    }
    /** `popTxInto` a packet: null when a frame is in `p`, 'empty', or the drop reason. */
    popTx(p) {
        const headroom = p.pool.headroom;
        const n = this.popTxInto(p.buf, headroom, p.buf.length - headroom);
        if (n === -1)
            return 'empty';
        if (n === -2)
            return this.lastDrop;
        p.off = headroom;
        p.len = n;
        return null;
    }
    /** Publishes finished transmit chains and interrupts the driver when it asked. */
    finishTx() {
        const q = this.txq;
        if (q !== null && q.publishUsed())
            this.#interrupt(TX_QUEUE);
    }
    /**
     * Writes a frame into the guest's receive buffers (one copy into guest RAM). Returns null when
     * delivered, or the reason it was dropped.
     */
    deliverRx(buf, off, len) {
        const q = this.rxq;
        if (q === null || !this.live)
            return 'device-not-ready';
        const mergeable = this.#mergeableRx;
        const need = len + VIRTIO_NET_HDR_LEN;
        let have = 0;
        let n = 0;
        let faulted = false;
        while (have < need) {
            if (n === MAX_MERGE || (n === 1 && !mergeable))
                break;
            const c = this.#chains[n];
            const r = q.pop(c, 'write');
            if (r === 'chain') {
                n++;
                have += c.writableBytes;
                continue;
            }
            if (r === 'fault') {
                faulted = true;
                continue;
            } // already returned with length 0; try the next one
            if (r === 'broken')
                this.#checkBroken();
            break;
        }
        if (have < need) {
            if (n > 0 && (!mergeable || faulted)) {
                // Chains we cannot give back in order go back empty.
                for (let i = 0; i < n; i++)
                    q.pushUsed(this.#chains[i].head, 0);
                if (q.publishUsed())
                    this.#interrupt(RX_QUEUE);
                return mergeable ? 'rx-no-buffer' : 'rx-buffer-too-small';
            }
            if (faulted && q.publishUsed())
                this.#interrupt(RX_QUEUE);
            q.unpop(n);
            return 'rx-no-buffer';
        }
        const hdr = this.#hdr;
        hdr.fill(0);
        hdr[HDR_NUM_BUFFERS] = n & 0xff;
        hdr[HDR_NUM_BUFFERS + 1] = n >>> 8;
        // Scatter header then frame across the chains' writable buffers.
        const mem = this.vm.memory;
        let src = hdr;
        let srcOff = 0;
        let left = VIRTIO_NET_HDR_LEN;
        let frameLeft = len;
        for (let i = 0; i < n; i++) {
            const c = this.#chains[i];
            let written = 0;
            for (let k = 0; k < c.count && (left > 0 || frameLeft > 0); k++) {
                if (c.writable[k] === 0)
                    continue;
                let segAt = c.addr[k];
                let segLeft = c.len[k];
                while (segLeft > 0 && (left > 0 || frameLeft > 0)) {
                    if (left === 0) {
                        src = buf;
                        srcOff = off;
                        left = frameLeft;
                        frameLeft = 0;
                    }
                    const m = Math.min(segLeft, left);
                    mem.copyIn(segAt, src, srcOff, m);
                    segAt += m;
                    segLeft -= m;
                    srcOff += m;
                    left -= m;
                    written += m;
                }
            }
            q.pushUsed(c.head, written);
        }
        if (q.publishUsed())
            this.#interrupt(RX_QUEUE);
        return null;
    }
    /** Frames the guest has queued for transmission and the device has not taken. */
    txPending() {
        if (this.txq === null || !this.live)
            return 0;
        const n = this.txq.pending();
        if (this.txq.broken !== null)
            this.#checkBroken();
        return n;
    }
    /** Re-arms kicks on the transmit queue; true when more chains arrived meanwhile. */
    enableTxNotify() {
        return this.txq !== null && this.live ? this.txq.enableNotify() : false;
    }
    /** Asks the guest not to kick while the device is polling. */
    disableTxNotify() {
        if (this.txq !== null && this.live)
            this.txq.disableNotify();
    }
    /** Status bits by name, for displays. */
    statusNames() {
        const names = [[STATUS_ACKNOWLEDGE, 'ACKNOWLEDGE'], [STATUS_DRIVER, 'DRIVER'], [STATUS_FEATURES_OK, 'FEATURES_OK'], [STATUS_DRIVER_OK, 'DRIVER_OK'], [STATUS_DEVICE_NEEDS_RESET, 'DEVICE_NEEDS_RESET'], [STATUS_FAILED, 'FAILED']];
        return names.filter(([b]) => (this.#status & b) !== 0).map(([, n]) => n);
    }
}
//# sourceMappingURL=device.js.map