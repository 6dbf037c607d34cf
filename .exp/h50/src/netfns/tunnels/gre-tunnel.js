import { internetSumView } from '../../wire/checksum.js';
import { ETHERTYPE_IPV4, ETHERTYPE_TEB } from '../../wire/ethernet.js';
import { GRE_FLAG_CHECKSUM, GRE_FLAG_KEY, GRE_FLAG_ROUTING, GRE_FLAG_SEQUENCE } from '../../wire/gre.js';
import { IPPROTO_GRE } from '../../wire/ipv4.js';
import { OVERLAY_DROPS, OverlayEndpoint } from './overlay-endpoint.js';
import { resolveOverlayConf } from './settings.js';
export const GRE_DROPS = {
    ...OVERLAY_DROPS,
    'gre-truncated': 'GRE header cut short, or shorter than its flags say',
    'gre-bad-version': 'GRE version is not 0',
    'gre-unknown-flags': 'GRE routing, strict source route or recursion bits set (RFC 1701 features vnet does not support)',
    'gre-no-key': 'GRE packet without a key: the key names the tenant',
    'unknown-key': 'GRE key not served by this endpoint',
    'key-not-allowed': 'the sending endpoint is not in this key\'s flood list or static FDB',
    'gre-wrong-protocol': 'GRE protocol type does not match the key\'s payload (0x6558 Ethernet or 0x0800 IPv4)',
    'gre-bad-checksum': 'GRE checksum present and wrong',
    'gre-no-sequence': 'sequencing is on and the packet carries no sequence number',
    'gre-out-of-order': 'sequence number older than the last one accepted (sequencing on)',
    'gre-duplicate': 'sequence number equal to the last one accepted (sequencing on)',
};
/** Flag bits a receiver that implements RFC 2784 and RFC 2890 only must discard on (RFC 2784 section 2.3). */
const UNKNOWN_FLAGS = GRE_FLAG_ROUTING | 0x0800 | 0x0400;
export class GreTunnel extends OverlayEndpoint {
    #sequencing;
    #checksum;
    #flags;
    /** Next sequence number to send, and last accepted, per remote * segments + segment. */
    #txSeq;
    #rxSeq;
    #rxSeen;
    constructor(ctx, conf) {
        const sequence = conf.sequence ?? false;
        const checksum = conf.checksum ?? false;
        if (typeof sequence !== 'boolean')
            throw new Error(`gre tunnel ${ctx.name}: sequence must be true or false`);
        if (typeof checksum !== 'boolean')
            throw new Error(`gre tunnel ${ctx.name}: checksum must be true or false`);
        const tunnelLen = 8 + (sequence ? 4 : 0) + (checksum ? 4 : 0);
        super(ctx, conf, GRE_DROPS, resolveOverlayConf(`gre tunnel ${ctx.name}`, 'key', conf), { ipProtocol: IPPROTO_GRE, tunnelLen });
        this.#sequencing = sequence;
        this.#checksum = checksum;
        this.#flags = GRE_FLAG_KEY | (sequence ? GRE_FLAG_SEQUENCE : 0) | (checksum ? GRE_FLAG_CHECKSUM : 0);
        const pairs = Math.max(1, this.remoteIps.length * this.segmentIds.length);
        this.#txSeq = new Uint32Array(pairs);
        this.#rxSeq = new Uint32Array(pairs);
        this.#rxSeen = new Uint8Array(pairs);
        if (!sequence && !checksum) {
            // Without a checksum or sequence number the header is fixed per key: flags and protocol, key.
            const words = new Int32Array(this.segmentIds.length * 2);
            this.segmentIds.forEach((key, seg) => {
                words[seg * 2] = (this.#flags << 16) | (this.segmentIsIp(seg) ? ETHERTYPE_IPV4 : ETHERTYPE_TEB);
                words[seg * 2 + 1] = key;
            });
            this.setFixedTunnel(words, 2);
        }
    }
    writeTunnel(p, at, remote, segment, innerLen) {
        const view = p.view;
        view.setUint16(at, this.#flags);
        view.setUint16(at + 2, this.segmentIsIp(segment) ? ETHERTYPE_IPV4 : ETHERTYPE_TEB);
        let o = at + 4;
        if (this.#checksum) {
            view.setUint32(o, 0);
            o += 4;
        }
        view.setUint32(o, this.segmentIds[segment]);
        o += 4;
        if (this.#sequencing) {
            const pair = remote * this.segmentIds.length + segment;
            view.setUint32(o, this.#txSeq[pair]);
            this.#txSeq[pair] = (this.#txSeq[pair] + 1) >>> 0;
            o += 4;
        }
        if (this.#checksum)
            view.setUint16(at + 4, ~internetSumView(view, at, o - at + innerLen) & 0xffff);
    }
    readTunnel(p, at, len, remote) {
        if (len < 4)
            return this.#reject(p, 'gre-truncated');
        const mem = p.pool.memory;
        const a = p.base + at;
        // [flags and version, protocol type]
        const head = mem.getUint32(a);
        const word = head >>> 16;
        if ((word & 7) !== 0)
            return this.#reject(p, 'gre-bad-version');
        if ((word & UNKNOWN_FLAGS) !== 0)
            return this.#reject(p, 'gre-unknown-flags');
        const hasSum = (word & GRE_FLAG_CHECKSUM) !== 0;
        const hasKey = (word & GRE_FLAG_KEY) !== 0;
        const hasSeq = (word & GRE_FLAG_SEQUENCE) !== 0;
        const hlen = 4 + (hasSum ? 4 : 0) + (hasKey ? 4 : 0) + (hasSeq ? 4 : 0);
        if (hlen > len)
            return this.#reject(p, 'gre-truncated');
        if (!hasKey)
            return this.#reject(p, 'gre-no-key');
        const keyAt = a + (hasSum ? 8 : 4);
        const d = this.dp;
        const seg = d.segmentOf(mem.getUint32(keyAt));
        if (seg < 0)
            return this.#reject(p, 'unknown-key');
        if (!d.mayUse(remote, seg))
            return this.#reject(p, 'key-not-allowed');
        if ((head & 0xffff) !== (d.segmentIsIp[seg] === 1 ? ETHERTYPE_IPV4 : ETHERTYPE_TEB))
            return this.#reject(p, 'gre-wrong-protocol');
        if (hasSum && internetSumView(mem, a, len) !== 0xffff)
            return this.#reject(p, 'gre-bad-checksum');
        if (this.#sequencing) {
            if (!hasSeq)
                return this.#reject(p, 'gre-no-sequence');
            const seq = mem.getUint32(keyAt + 4);
            const pair = remote * this.segmentIds.length + seg;
            if (this.#rxSeen[pair] === 1) {
                const last = this.#rxSeq[pair];
                if (seq === last)
                    return this.#reject(p, 'gre-duplicate');
                // Serial number arithmetic: newer when seq - last, mod 2^32, is below 2^31.
                if (((seq - last) >>> 0) >= 0x80000000)
                    return this.#reject(p, 'gre-out-of-order');
            }
            this.#rxSeq[pair] = seq;
            this.#rxSeen[pair] = 1;
        }
        d.innerOffset = at + hlen;
        return seg;
    }
    #reject(p, reason) {
        this.drop(p, reason);
        return -1;
    }
}
//# sourceMappingURL=gre-tunnel.js.map