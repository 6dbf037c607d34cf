/**
 * ARP for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair vnet speaks.
 * The view rejects other pairs with a reason rather than misreading their addresses;
 * operation codes other than request and reply (RARP, InARP...) are kept as numbers.
 */
import { ByteView, readU16, truncated, writeU16 } from './byte-view.js';
import { readMac, writeMac } from './mac.js';
import { readIpv4Addr, writeIpv4Addr } from './ipv4-addr.js';

export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;
/** An Ethernet/IPv4 ARP packet: 8 fixed bytes plus two (MAC, IPv4) pairs. */
export const ARP_LEN = 28;

export type ArpError =
  /** Fewer than 28 bytes. */
  | 'truncated'
  /** Hardware type is not Ethernet (1) or hardware address length is not 6. */
  | 'unsupported-hardware'
  /** Protocol type is not IPv4 (0x0800) or protocol address length is not 4. */
  | 'unsupported-protocol';
export interface ArpDecodeError {
  readonly error: ArpError;
}

export interface ArpRepr {
  /** Operation: 1 request, 2 reply, others kept. */
  readonly op: number;
  /** Sender hardware address (48-bit number). */
  readonly senderMac: number;
  /** Sender protocol address (uint32). */
  readonly senderIp: number;
  /** Target hardware address (zero in a request). */
  readonly targetMac: number;
  /** Target protocol address. */
  readonly targetIp: number;
}

function check(buf: Uint8Array, off: number, len: number): ArpError | null {
  if (truncated(buf, off, len, ARP_LEN)) return 'truncated';
  if (buf[off] !== 0 || buf[off + 1] !== ARP_HTYPE_ETHERNET || buf[off + 4] !== 6) return 'unsupported-hardware';
  if (buf[off + 2] !== 0x08 || buf[off + 3] !== 0x00 || buf[off + 5] !== 4) return 'unsupported-protocol';
  return null;
}

/** A reusable zero-copy view of an Ethernet/IPv4 ARP packet. */
export class ArpView extends ByteView<ArpError> {
  /** Points the view at `len` bytes at `off`; returns null for an Ethernet/IPv4 ARP packet, else the reason. */
  override wrap(buf: Uint8Array, off: number, len: number): ArpError | null {
    this.pointAt(buf, off, len);
    return check(buf, off, len);
  }

  /** Hardware type (always 1 after a successful wrap). */
  get hardwareType(): number {
    return readU16(this.bytes, this.start);
  }
  /** Protocol type (always 0x0800 after a successful wrap). */
  get protocolType(): number {
    return readU16(this.bytes, this.start + 2);
  }
  /** Operation code. */
  get op(): number {
    return readU16(this.bytes, this.start + 6);
  }
  set op(value: number) {
    writeU16(this.bytes, this.start + 6, value);
  }
  get senderMac(): number {
    return readMac(this.bytes, this.start + 8);
  }
  set senderMac(mac: number) {
    writeMac(this.bytes, this.start + 8, mac);
  }
  get senderIp(): number {
    return readIpv4Addr(this.bytes, this.start + 14);
  }
  set senderIp(addr: number) {
    writeIpv4Addr(this.bytes, this.start + 14, addr);
  }
  get targetMac(): number {
    return readMac(this.bytes, this.start + 18);
  }
  set targetMac(mac: number) {
    writeMac(this.bytes, this.start + 18, mac);
  }
  get targetIp(): number {
    return readIpv4Addr(this.bytes, this.start + 24);
  }
  set targetIp(addr: number) {
    writeIpv4Addr(this.bytes, this.start + 24, addr);
  }
  get headerLength(): number {
    return ARP_LEN;
  }
  /** ARP has no payload: this is where the Ethernet padding starts. */
  get payloadOffset(): number {
    return this.start + ARP_LEN;
  }
  /** Trailing bytes after the ARP packet (Ethernet padding). */
  get payloadLength(): number {
    return this.len - ARP_LEN;
  }
}

export function parseArp(buf: Uint8Array, off: number, len: number): ArpRepr | ArpDecodeError {
  const error = check(buf, off, len);
  if (error !== null) return { error };
  return {
    op: readU16(buf, off + 6),
    senderMac: readMac(buf, off + 8),
    senderIp: readIpv4Addr(buf, off + 14),
    targetMac: readMac(buf, off + 18),
    targetIp: readIpv4Addr(buf, off + 24),
  };
}

export function arpHeaderLen(_repr?: ArpRepr): number {
  return ARP_LEN;
}

/** Writes the 28-byte Ethernet/IPv4 ARP packet at `off`; returns the bytes written. */
export function emitArp(repr: ArpRepr, buf: Uint8Array, off: number): number {
  buf[off] = 0;
  buf[off + 1] = ARP_HTYPE_ETHERNET;
  buf[off + 2] = ARP_PTYPE_IPV4 >>> 8;
  buf[off + 3] = ARP_PTYPE_IPV4 & 0xff;
  buf[off + 4] = 6;
  buf[off + 5] = 4;
  writeU16(buf, off + 6, repr.op);
  writeMac(buf, off + 8, repr.senderMac);
  writeIpv4Addr(buf, off + 14, repr.senderIp);
  writeMac(buf, off + 18, repr.targetMac);
  writeIpv4Addr(buf, off + 24, repr.targetIp);
  return ARP_LEN;
}
