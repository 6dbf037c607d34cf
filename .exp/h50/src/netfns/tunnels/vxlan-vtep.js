import { internetSumView, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { IPPROTO_UDP } from '../../wire/ipv4.js';
import { UDP_PORT_VXLAN } from '../../wire/udp.js';
import { VXLAN_FLAG_I } from '../../wire/vxlan.js';
import { OVERLAY_DROPS, OverlayEndpoint } from './overlay-endpoint.js';
import { resolveOverlayConf } from './settings.js';
export const VXLAN_DROPS = {
    ...OVERLAY_DROPS,
    'udp-truncated': 'outer UDP header cut short or its length field inconsistent',
    'udp-bad-checksum': 'outer UDP checksum present and wrong',
    'not-vxlan-port': 'outer UDP destination port is not 4789',
    'vxlan-truncated': 'VXLAN header cut short',
    'vxlan-i-flag-clear': 'VXLAN I flag clear: the header carries no valid VNI',
    'unknown-vni': 'VNI not served by this VTEP',
    'vni-not-allowed': 'the sending VTEP is not in this VNI\'s flood list or static FDB',
};
/** Outer UDP + VXLAN headers. */
const VXLAN_TUNNEL_LEN = 16;
/** Ethernet + IPv4 + UDP + VXLAN in front of the inner frame: the overlay MTU is the underlay MTU minus this. */
export const VXLAN_OVERHEAD = 50;
export class VxlanVtep extends OverlayEndpoint {
    constructor(ctx, conf) {
        super(ctx, conf, VXLAN_DROPS, resolveOverlayConf(`vxlan vtep ${ctx.name}`, 'vni', conf), { ipProtocol: IPPROTO_UDP, tunnelLen: VXLAN_TUNNEL_LEN, udpPort: UDP_PORT_VXLAN });
        // The endpoint writes the UDP header; per VNI the VXLAN header is two fixed words.
        const words = new Int32Array(this.segmentIds.length * 2);
        this.segmentIds.forEach((vni, seg) => {
            words[seg * 2] = VXLAN_FLAG_I << 24;
            words[seg * 2 + 1] = vni << 8;
        });
        this.setFixedTunnel(words, 2);
    }
    readTunnel(p, at, len, remote) {
        if (len < 8) {
            this.drop(p, 'udp-truncated');
            return -1;
        }
        const mem = p.pool.memory;
        const a = p.base + at;
        // UDP as two words: [source port, destination port] [length, checksum].
        const ports = mem.getUint32(a);
        const lenSum = mem.getUint32(a + 4);
        const udpLen = lenSum >>> 16;
        if (udpLen < 8 || udpLen > len) {
            this.drop(p, 'udp-truncated');
            return -1;
        }
        if ((ports & 0xffff) !== UDP_PORT_VXLAN) {
            this.drop(p, 'not-vxlan-port');
            return -1;
        }
        if ((lenSum & 0xffff) !== 0) {
            const ip = a - ((p.buf[p.off + 14] & 0x0f) << 2);
            const pseudo = ipv4PseudoHeaderSum(mem.getUint32(ip + 12), mem.getUint32(ip + 16), IPPROTO_UDP, udpLen);
            if (internetSumView(mem, a, udpLen, pseudo) !== 0xffff) {
                this.drop(p, 'udp-bad-checksum');
                return -1;
            }
        }
        if (udpLen < 16) {
            this.drop(p, 'vxlan-truncated');
            return -1;
        }
        if ((mem.getUint8(a + 8) & VXLAN_FLAG_I) === 0) {
            this.drop(p, 'vxlan-i-flag-clear');
            return -1;
        }
        const d = this.dp;
        const seg = d.segmentOf(mem.getUint32(a + 12) >>> 8);
        if (seg < 0) {
            this.drop(p, 'unknown-vni');
            return -1;
        }
        if (!d.mayUse(remote, seg)) {
            this.drop(p, 'vni-not-allowed');
            return -1;
        }
        d.innerOffset = at + 16;
        // The inner frame ends where UDP says, which may be before the IP datagram's end.
        d.innerEnd = at + udpLen;
        return seg;
    }
}
//# sourceMappingURL=vxlan-vtep.js.map