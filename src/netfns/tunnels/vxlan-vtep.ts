/**
 * A VXLAN tunnel endpoint (RFC 7348): tenant L2 segments named by 24-bit VNIs, carried in
 * Ethernet/IPv4/UDP(4789)/VXLAN over the underlay. Everything but the VXLAN header itself
 * (FDB, flooding, ARP suppression, MTU, underlay ARP) is the overlay endpoint's; see
 * overlay-endpoint.ts for the design.
 *
 * Header written: UDP source port 49152 + (inner flow hash mod 16384), the dynamic range RFC 7348
 * recommends so underlay ECMP spreads flows; destination 4789; UDP checksum zero, as RFC 7348
 * section 5 says it SHOULD be over IPv4; flags 0x08 (I), reserved bits zero, the VNI.
 * Header read: the UDP destination port must be 4789, a non-zero UDP checksum must verify, the
 * I flag must be set (other flag and reserved bits are ignored, as RFC 7348 says receivers do),
 * the VNI must be served here and the sender allowed on it.
 */
import type { AppContext } from '../../engine/app.js';
import type { Packet } from '../../engine/packet.js';
import { internetSum, ipv4PseudoHeaderSum } from '../../wire/checksum.js';
import { IPPROTO_UDP } from '../../wire/ipv4.js';
import { UDP_PORT_VXLAN } from '../../wire/udp.js';
import { VXLAN_FLAG_I } from '../../wire/vxlan.js';
import { OVERLAY_DROPS, OverlayEndpoint } from './overlay-endpoint.js';
import { type OverlayConf, resolveOverlayConf } from './settings.js';

export const VXLAN_DROPS = {
  ...OVERLAY_DROPS,
  'udp-truncated': 'outer UDP header cut short or its length field inconsistent',
  'udp-bad-checksum': 'outer UDP checksum present and wrong',
  'not-vxlan-port': 'outer UDP destination port is not 4789',
  'vxlan-truncated': 'VXLAN header cut short',
  'vxlan-i-flag-clear': 'VXLAN I flag clear: the header carries no valid VNI',
  'unknown-vni': 'VNI not served by this VTEP',
  'vni-not-allowed': 'the sending VTEP is not in this VNI\'s flood list or static FDB',
} as const;

export type VxlanVtepConf = OverlayConf;

/** Outer UDP + VXLAN headers. */
const VXLAN_TUNNEL_LEN = 16;
/** Ethernet + IPv4 + UDP + VXLAN in front of the inner frame: the overlay MTU is the underlay MTU minus this. */
export const VXLAN_OVERHEAD = 50;

export class VxlanVtep extends OverlayEndpoint<typeof VXLAN_DROPS, VxlanVtepConf> {
  constructor(ctx: AppContext, conf: VxlanVtepConf) {
    super(ctx, conf, VXLAN_DROPS, resolveOverlayConf(`vxlan vtep ${ctx.name}`, 'vni', conf), { ipProtocol: IPPROTO_UDP, tunnelLen: VXLAN_TUNNEL_LEN });
  }

  protected override writeTunnel(p: Packet, at: number, _remote: number, segment: number, innerLen: number): void {
    const view = p.view;
    view.setUint32(at, ((0xc000 | (p.hash & 0x3fff)) << 16) | UDP_PORT_VXLAN);
    view.setUint32(at + 4, (VXLAN_TUNNEL_LEN + innerLen) << 16);
    view.setUint32(at + 8, VXLAN_FLAG_I << 24);
    view.setUint32(at + 12, this.segmentIds[segment]! << 8);
  }

  protected override readTunnel(p: Packet, at: number, len: number, remote: number): number {
    const view = p.view;
    if (len < 8) {
      this.drop(p, 'udp-truncated');
      return -1;
    }
    const udpLen = view.getUint16(at + 4);
    if (udpLen < 8 || udpLen > len) {
      this.drop(p, 'udp-truncated');
      return -1;
    }
    if (view.getUint16(at + 2) !== UDP_PORT_VXLAN) {
      this.drop(p, 'not-vxlan-port');
      return -1;
    }
    if (view.getUint16(at + 6) !== 0) {
      const ip = at - ((p.buf[p.off + 14]! & 0x0f) << 2);
      const pseudo = ipv4PseudoHeaderSum(view.getUint32(ip + 12), view.getUint32(ip + 16), IPPROTO_UDP, udpLen);
      if (internetSum(p.buf, at, udpLen, pseudo) !== 0xffff) {
        this.drop(p, 'udp-bad-checksum');
        return -1;
      }
    }
    if (udpLen < 16) {
      this.drop(p, 'vxlan-truncated');
      return -1;
    }
    const vx = at + 8;
    if ((p.buf[vx]! & VXLAN_FLAG_I) === 0) {
      this.drop(p, 'vxlan-i-flag-clear');
      return -1;
    }
    const seg = this.segmentIndexOf(view.getUint32(vx + 4) >>> 8);
    if (seg < 0) {
      this.drop(p, 'unknown-vni');
      return -1;
    }
    if (!this.mayUse(remote, seg)) {
      this.drop(p, 'vni-not-allowed');
      return -1;
    }
    this.innerOffset = vx + 8;
    // The inner frame ends where UDP says, which may be before the IP datagram's end.
    this.innerEnd = at + udpLen;
    return seg;
  }
}
