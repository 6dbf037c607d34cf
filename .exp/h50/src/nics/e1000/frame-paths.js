import { RX_DISABLED, RX_FILTERED, RX_NO_DESCRIPTORS, RX_OK, RX_TOO_LONG } from './device.js';
import { copyBytes } from '../../engine/copy-bytes.js';
/** The device side's drop reasons (the VMM half, and E1000Nic). */
export const E1000_DEVICE_DROPS = {
    'tx-bad-frame': 'the device discarded a frame: descriptor outside guest RAM, too long, or a runt',
    'rx-disabled': 'receive is off (RCTL.EN clear) or the link is down',
    'rx-filtered': 'the receive address filter refused the destination MAC',
    'rx-no-descriptors': 'no receive descriptor was posted: a missed packet (MPC, RNBC)',
    'rx-dma-fault': 'a receive descriptor or buffer lies outside guest RAM',
    'rx-too-long': 'frame longer than the receive limit (RCTL.LPE clear)',
    'no-output': 'the port the frame leaves by has no link',
    'pool-empty': 'no packet buffer for a frame',
};
/** The guest driver's transmit-side drop reasons. */
export const E1000_DRIVER_TX_DROPS = {
    'tx-ring-full': 'the guest driver\'s transmit ring was full',
    'nic-down': 'the guest driver has not brought the NIC up',
};
/** The drop reason of a receive result other than RX_OK (an unknown code counts as a DMA fault). */
export function rxDropReason(code) {
    switch (code) {
        case RX_DISABLED: return 'rx-disabled';
        case RX_FILTERED: return 'rx-filtered';
        case RX_NO_DESCRIPTORS: return 'rx-no-descriptors';
        case RX_TOO_LONG: return 'rx-too-long';
        default: return 'rx-dma-fault';
    }
}
/** Frames from the wire DMA'd by the device into guest RAM. */
export function wireToDevice(link, device, h) {
    while (!link.empty()) {
        const p = link.receive();
        const code = device.receive(p.buf, p.off, p.len);
        if (code === RX_OK)
            h.consume(p);
        else
            h.drop(p, rxDropReason(code));
    }
}
/** The guest driver's two paths: stack to transmit ring, receive buffers to stack. */
export class GuestFramePaths {
    #hooks;
    #rxPartial = null;
    constructor(hooks) {
        this.#hooks = hooks;
    }
    /** Packets held between breaths: a frame still being reassembled. */
    get held() {
        return this.#rxPartial === null ? 0 : 1;
    }
    /** Frames from the guest stack into the driver's transmit ring, published with one flush. */
    fromStack(link, driver) {
        if (link.empty())
            return;
        const h = this.#hooks;
        while (!link.empty()) {
            const p = link.receive();
            if (!driver.up)
                h.drop(p, 'nic-down');
            else if (driver.transmit(p.buf, p.off, p.len))
                h.consume(p);
            else
                h.drop(p, 'tx-ring-full');
        }
        driver.flush();
    }
    /** A received buffer out of guest RAM; `more` says the frame continues in the next one. */
    toStack(mem, addr, len, more, out) {
        const h = this.#hooks;
        let p = this.#rxPartial;
        if (p === null) {
            p = h.alloc();
            if (p === null) {
                h.countDrop('pool-empty');
                return;
            }
        }
        if (p.off + p.len + len > p.buf.length) {
            this.#rxPartial = null;
            h.drop(p, 'rx-too-long');
            return;
        }
        copyBytes(p.buf, p.off + p.len, mem.bytes, addr, len);
        p.len += len;
        if (more) {
            this.#rxPartial = p;
            return;
        }
        this.#rxPartial = null;
        if (out === undefined)
            h.drop(p, 'no-output');
        else
            out.transmit(p);
    }
}
//# sourceMappingURL=frame-paths.js.map