/**
 * The guest's virtio-net driver, as an engine app: frames from the guest IP stack (port `stack`) go into
 * the transmit queue, frames from the receive queue go up to the stack.
 *
 * Set-up follows 3.1.1: reset, ACKNOWLEDGE, DRIVER, read the device features, accept the intersection
 * with what this driver wants, FEATURES_OK, check it stuck, lay out both queues in guest RAM, DRIVER_OK.
 * A driver that wants fewer features (no EVENT_IDX, no MRG_RXBUF, no INDIRECT, no CSUM) still works:
 * it falls back to flags-based suppression, big receive buffers, direct chains and full checksums.
 *
 * Buffers: every transmit descriptor slot owns a fixed buffer in guest RAM for [header | frame];
 * receive buffers are `rxBufferSize` bytes, 1526+ without MRG_RXBUF (5.1.6.3.1) and deliberately
 * small with it, so a full-size frame spans several (and the merge path is exercised).
 * Transmit chains are two descriptors (header, frame): one indirect descriptor when negotiated.
 *
 * With CSUM negotiated the driver offloads UDP and TCP checksums over IPv4 the way Linux does: it puts
 * the folded pseudo-header sum in the checksum field, sets NEEDS_CSUM with csum_start/csum_offset, and
 * the device completes it.
 *
 * The driver reaches the device only through `VirtioDeviceAccess` (device-access.ts): the device model
 * itself for an inline guest, or an exiting proxy when the guest runs in its own worker thread.
 * Interrupts arrive through `device.onInterrupt` and are serviced at the next breath; the driver
 * re-enables interrupts and re-checks before it stops looking (2.7.10).
 */
import { App } from '../../engine/app.js';
import { NextBreath } from '../../engine/engine.js';
import { foldSum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { featureSet, hasFeature, DEVICE_FEATURES, HDR_CSUM_OFFSET, HDR_CSUM_START, HDR_FLAGS, HDR_NUM_BUFFERS, RX_QUEUE, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK, TX_QUEUE, VIRTIO_F_RING_EVENT_IDX, VIRTIO_F_RING_INDIRECT_DESC, VIRTIO_NET_F_CSUM, VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_LEN } from './net.js';
import { DriverQueue, allocateVirtqueue } from './virtqueue.js';
import { copyBytes } from '../../engine/copy-bytes.js';
export const VIRTIO_DRIVER_DROPS = {
    'device-not-ready': 'the device refused set-up or needs a reset',
    'tx-ring-full': 'no free transmit descriptor',
    'tx-too-big': 'frame larger than a transmit buffer',
    'rx-pool-empty': 'no packet buffer for a received frame',
    'rx-bad-header': 'a received chain whose header or num_buffers does not add up',
};
const TX_BUF = 2048;
const TX_BATCH_LIMIT = 256;
export class VirtioNetDriver extends App {
    device;
    negotiated;
    ok;
    mac;
    rxq = null;
    txq = null;
    #rxBufs;
    #rxSize;
    #txBufs;
    #txFree;
    #txFreeTop = 0;
    #mergeable;
    #csum;
    #serviceTask = new NextBreath(() => this.service());
    /** Frames passed up and down. */
    rxFrames = 0;
    txFrames = 0;
    /** Checksums left to the device. */
    txCsumOffloaded = 0;
    constructor(ctx, conf) {
        super(ctx, conf, VIRTIO_DRIVER_DROPS);
        const dev = conf.device;
        this.device = dev;
        const vm = dev.vm;
        dev.writeStatus(0);
        dev.writeStatus(STATUS_ACKNOWLEDGE);
        dev.writeStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        const offered = dev.readDeviceFeatures(0) + dev.readDeviceFeatures(1) * 0x1_0000_0000;
        const wanted = conf.features ?? DEVICE_FEATURES;
        let accept = 0;
        for (let b = 0; b < 53; b++)
            if (hasFeature(offered, b) && hasFeature(wanted, b))
                accept += 2 ** b;
        dev.writeDriverFeatures(0, accept % 0x1_0000_0000);
        dev.writeDriverFeatures(1, Math.floor(accept / 0x1_0000_0000));
        dev.writeStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        this.negotiated = accept;
        this.mac = dev.readConfig().mac;
        this.#mergeable = hasFeature(accept, VIRTIO_NET_F_MRG_RXBUF);
        this.#csum = hasFeature(accept, VIRTIO_NET_F_CSUM);
        this.#rxSize = conf.rxBufferSize ?? (this.#mergeable ? 512 : 1536);
        const size = conf.queueSize ?? 256;
        this.#txFree = new Int32Array(size);
        if ((dev.readStatus() & STATUS_FEATURES_OK) === 0) {
            dev.writeStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FAILED);
            this.ok = false;
            this.#rxBufs = this.#txBufs = 0;
            return;
        }
        const qf = { eventIdx: hasFeature(accept, VIRTIO_F_RING_EVENT_IDX), indirect: hasFeature(accept, VIRTIO_F_RING_INDIRECT_DESC) };
        const alloc = vm.allocator;
        const rxAddrs = allocateVirtqueue(alloc, size);
        const txAddrs = allocateVirtqueue(alloc, size);
        this.rxq = new DriverQueue(vm.memory, rxAddrs, qf, null);
        this.txq = new DriverQueue(vm.memory, txAddrs, qf, { alloc, maxSegments: 2 });
        this.#rxBufs = alloc.alloc(size * this.#rxSize, 64);
        this.#txBufs = alloc.alloc(size * TX_BUF, 64);
        for (let i = 0; i < size; i++)
            this.#txFree[this.#txFreeTop++] = i;
        dev.setQueue(RX_QUEUE, rxAddrs);
        dev.setQueue(TX_QUEUE, txAddrs);
        dev.writeStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
        this.ok = dev.live;
        for (let i = 0; i < size; i++)
            this.#postRx(i);
        this.rxq.enableInterrupts();
        this.txq.enableInterrupts();
        if (this.rxq.publish())
            dev.notify(RX_QUEUE);
        dev.onInterrupt = () => this.#wake();
    }
    #wake() {
        this.engine.soon(this.#serviceTask);
    }
    #postRx(i) {
        const q = this.rxq;
        q.begin();
        q.add(this.#rxBufs + i * this.#rxSize, this.#rxSize, true);
        q.commit(i);
    }
    stop() {
        this.engine.cancelSoon(this.#serviceTask);
        if (this.device.onInterrupt !== null)
            this.device.onInterrupt = null;
    }
    /** The interrupt handler: reaps finished transmissions and passes received frames up. */
    service() {
        const rxq = this.rxq;
        const txq = this.txq;
        if (rxq === null || txq === null)
            return;
        for (;;) {
            while (txq.pollUsed())
                this.#txFree[this.#txFreeTop++] = txq.usedToken;
            this.#receive(rxq);
            if (rxq.publish())
                this.device.notify(RX_QUEUE);
            // Re-enable, then look once more: a used entry published in between raises no interrupt.
            const moreTx = txq.enableInterrupts();
            const moreRx = rxq.enableInterrupts();
            if (!moreTx && !moreRx)
                break;
        }
    }
    #receive(rxq) {
        const out = this.output.stack;
        const view = this.device.vm.memory.view;
        const bytes = this.device.vm.memory.bytes;
        while (rxq.pollUsed()) {
            const first = rxq.usedToken;
            const firstLen = rxq.usedLen;
            const at = this.#rxBufs + first * this.#rxSize;
            const nbufs = this.#mergeable ? view.getUint16(at + HDR_NUM_BUFFERS, true) : 1;
            const p = firstLen >= VIRTIO_NET_HDR_LEN && nbufs >= 1 ? this.alloc() : null;
            if (p === null) {
                if (firstLen >= VIRTIO_NET_HDR_LEN && nbufs >= 1)
                    this.countDrop('rx-pool-empty');
                else
                    this.countDrop('rx-bad-header');
            }
            else {
                p.len = 0;
                let fits = this.#append(p, bytes, at + VIRTIO_NET_HDR_LEN, firstLen - VIRTIO_NET_HDR_LEN);
                for (let k = 1; k < nbufs; k++) {
                    if (!rxq.pollUsed()) {
                        fits = false;
                        break;
                    }
                    fits = this.#append(p, bytes, this.#rxBufs + rxq.usedToken * this.#rxSize, rxq.usedLen) && fits;
                    this.#postRx(rxq.usedToken);
                }
                if (!fits || out === undefined)
                    this.drop(p, 'rx-bad-header');
                else {
                    this.rxFrames++;
                    out.transmit(p);
                }
            }
            this.#postRx(first);
        }
    }
    #append(p, bytes, addr, n) {
        if (n > p.tailroom || n > this.#rxSize)
            return false;
        copyBytes(p.buf, p.off + p.len, bytes, addr, n);
        p.len += n;
        return true;
    }
    push() {
        const input = this.input.stack;
        if (input === undefined)
            return;
        const txq = this.txq;
        if (txq === null || !this.device.live) {
            while (!input.empty())
                this.drop(input.receive(), 'device-not-ready');
            return;
        }
        while (txq.pollUsed())
            this.#txFree[this.#txFreeTop++] = txq.usedToken;
        const mem = this.device.vm.memory;
        let n = 0;
        while (!input.empty() && n < TX_BATCH_LIMIT) {
            const p = input.receive();
            if (p.len > TX_BUF - VIRTIO_NET_HDR_LEN) {
                this.drop(p, 'tx-too-big');
                continue;
            }
            if (this.#txFreeTop === 0 || txq.numFree < 2) {
                this.drop(p, 'tx-ring-full');
                continue;
            }
            const slot = this.#txFree[--this.#txFreeTop];
            const at = this.#txBufs + slot * TX_BUF;
            mem.bytes.fill(0, at, at + VIRTIO_NET_HDR_LEN);
            copyBytes(mem.bytes, at + VIRTIO_NET_HDR_LEN, p.buf, p.off, p.len);
            if (this.#csum)
                this.#offloadChecksum(at, p.len);
            txq.begin();
            txq.add(at, VIRTIO_NET_HDR_LEN, false);
            txq.add(at + VIRTIO_NET_HDR_LEN, p.len, false);
            txq.commit(slot);
            this.txFrames++;
            this.consume(p);
            n++;
        }
        if (txq.publish())
            this.device.notify(TX_QUEUE);
    }
    /** Replaces a complete UDP/TCP checksum by the pseudo-header sum and asks the device to finish it. */
    #offloadChecksum(hdr, frameLen) {
        const v = this.device.vm.memory.view;
        const f = hdr + VIRTIO_NET_HDR_LEN;
        if (frameLen < 34 || v.getUint16(f + 12) !== 0x0800)
            return;
        const ihl = (v.getUint8(f + 14) & 0x0f) * 4;
        const proto = v.getUint8(f + 23);
        const fragment = v.getUint16(f + 20) & 0x3fff;
        const csumOffset = proto === 17 ? 6 : proto === 6 ? 16 : -1;
        if (csumOffset < 0 || fragment !== 0 || ihl < 20)
            return;
        const l4 = f + 14 + ihl;
        const l4Len = v.getUint16(f + 16) - ihl;
        if (14 + ihl + csumOffset + 2 > frameLen || l4Len < csumOffset + 2 || 14 + ihl + l4Len > frameLen)
            return;
        const old = v.getUint16(l4 + csumOffset);
        if (proto === 17 && (old === 0 || old === 0xffff))
            return; // no checksum, or one whose fold would differ
        const pseudo = ipv4PseudoHeaderSum(v.getUint32(f + 26), v.getUint32(f + 30), proto, l4Len);
        v.setUint16(l4 + csumOffset, foldSum(pseudo));
        v.setUint8(hdr + HDR_FLAGS, VIRTIO_NET_HDR_F_NEEDS_CSUM);
        v.setUint16(hdr + HDR_CSUM_START, 14 + ihl, true);
        v.setUint16(hdr + HDR_CSUM_OFFSET, csumOffset, true);
        this.txCsumOffloaded++;
    }
    ports() {
        return ['stack'];
    }
}
/** Feature sets a driver may ask for, from the fullest to the plainest (tests run each). */
export const DRIVER_FEATURE_PROFILES = {
    all: DEVICE_FEATURES,
    'no-event-idx': featureSet(0, 1, 5, 15, 16, 28, 32),
    'no-mrg-rxbuf': featureSet(0, 1, 5, 16, 28, 29, 32),
    'no-indirect': featureSet(0, 1, 5, 15, 16, 29, 32),
    'no-csum': featureSet(5, 15, 16, 28, 29, 32),
    minimal: featureSet(32),
};
//# sourceMappingURL=driver.js.map