/**
 * A veth pair: two ends, `a` and `b`, each the other's wire. What enters `input.a` leaves on
 * `output.b` and the other way round, as `ip link add a type veth peer name b`.
 *
 * The MTU is the L3 MTU, as Linux counts it: a frame may carry `mtu` bytes after its 14-byte
 * Ethernet header, plus 4 for each 802.1Q/802.1ad tag it carries. A frame too short to hold an
 * Ethernet header is a runt. A pair that is down drops everything. A TSO packet from a TAP with
 * offloads crosses whole (as a Linux veth passes GSO packets on); its MTU check is on the largest
 * wire segment it stands for.
 */
import { App } from '../engine/app.js';
import { gsoSegmentFrameLength } from '../engine/packet.js';
const VETH_DROPS = {
    'link-down': 'the veth pair is administratively down',
    'mtu-exceeded': 'frame payload is larger than the MTU',
    runt: 'frame shorter than the 14-byte Ethernet header',
    'no-peer': 'the other end has no output link',
};
const DEFAULT_MTU = 1500;
const ETH_HEADER = 14;
export class Veth extends App {
    /** Offloaded packets (a TAP's 64 KB TSO segments, partial checksums) cross as they are, as over a Linux veth. */
    offloadHandling = 'passes-on';
    #mtu = DEFAULT_MTU;
    #up = true;
    /** Frames that went from `a` to `b`. */
    aToB = { packets: 0, bytes: 0, drops: 0 };
    /** Frames that went from `b` to `a`. */
    bToA = { packets: 0, bytes: 0, drops: 0 };
    constructor(ctx, conf = {}) {
        super(ctx, conf ?? {}, VETH_DROPS);
        this.#apply(conf ?? {});
    }
    reconfig(conf) {
        this.#apply(conf ?? {});
    }
    #apply(conf) {
        const mtu = conf.mtu ?? DEFAULT_MTU;
        if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535)
            throw new Error(`veth ${this.name}: mtu must be an integer 68..65535, got ${JSON.stringify(conf.mtu)}`);
        const up = conf.up ?? true;
        if (typeof up !== 'boolean')
            throw new Error(`veth ${this.name}: up must be true or false, got ${JSON.stringify(conf.up)}`);
        this.#mtu = mtu;
        this.#up = up;
    }
    get mtu() {
        return this.#mtu;
    }
    get up() {
        return this.#up;
    }
    /** Brings the pair up or down (`ip link set ... up|down`). */
    setUp(up) {
        this.#up = up;
    }
    ports() {
        return ['a', 'b'];
    }
    push() {
        const ia = this.input.a;
        const ib = this.input.b;
        if (ia !== undefined)
            this.#move(ia, this.output.b, this.aToB);
        if (ib !== undefined)
            this.#move(ib, this.output.a, this.bToA);
    }
    #move(from, to, c) {
        const limit = this.#mtu + ETH_HEADER;
        while (!from.empty()) {
            const p = from.receive();
            const reason = this.#check(p, limit);
            if (reason === null && to === undefined) {
                c.drops++;
                this.drop(p, 'no-peer');
            }
            else if (reason !== null) {
                c.drops++;
                this.drop(p, reason);
            }
            else {
                c.packets++;
                c.bytes += p.len;
                to.transmit(p);
            }
        }
    }
    #check(p, limit) {
        if (!this.#up)
            return 'link-down';
        let len = p.len;
        if (len < ETH_HEADER)
            return 'runt';
        // A TSO packet is measured by the largest wire segment it stands for.
        if (p.gsoSize > 0)
            len = gsoSegmentFrameLength(p);
        if (len <= limit)
            return null;
        // Allow 4 more bytes per VLAN tag (802.1Q 0x8100, 802.1ad 0x88a8).
        const buf = p.buf;
        let at = p.off + 12;
        const end = p.off + len;
        while (at + 4 <= end) {
            const type = (buf[at] << 8) | buf[at + 1];
            if (type !== 0x8100 && type !== 0x88a8)
                break;
            limit += 4;
            at += 4;
        }
        return len <= limit ? null : 'mtu-exceeded';
    }
}
//# sourceMappingURL=veth.js.map