/**
 * Real packets for codec tests, as hex. Each was built with scapy 2.5.0 and its checksums
 * were confirmed Good by tshark (`-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE
 * -o tcp.check_checksum:TRUE`), so a codec that disagrees with these bytes is wrong.
 * Names say where each layer starts; `hex()` turns them into bytes.
 */
/** Bytes from hex text; whitespace is ignored. Throws on odd length or a non-hex digit (fixtures are code). */
export function hex(text) {
    const clean = text.replace(/\s+/g, '');
    if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean))
        throw new Error(`hex fixture is not an even run of hex digits: ${text.slice(0, 40)}`);
    const out = new Uint8Array(clean.length / 2);
    for (let i = 0; i < out.length; i++)
        out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
    return out;
}
/**
 * Ethernet frame, 103 bytes: 02:00:00:00:00:01 -> :02, IPv4 10.0.0.1 -> 10.0.0.2 (id 1, TTL 64,
 * checksum 0x6691), UDP 49152 -> 4789 (length 69, checksum 0x2673), VXLAN flags 0x08 VNI 42,
 * inner Ethernet 02:1a:b0:00:2a:01 -> :02, inner IPv4 192.168.42.1 -> .2 (checksum 0xa581),
 * ICMP echo request id 0x4242 seq 1 (checksum 0x20e3) carrying "hello-vxlan".
 * Offsets: outer IPv4 14, UDP 34, VXLAN 42, inner Ethernet 50, inner IPv4 64, ICMP 84.
 */
export const VXLAN_ICMP_FRAME = '02000000000202000000000108004500005900010000401166910a0000010a000002c00012b500452673' +
    '0800000000002a00' +
    '021ab0002a02021ab0002a010800' +
    '45000027000100004001a581c0a82a01c0a82a02' +
    '080020e34242000168656c6c6f2d76786c616e';
/** Ethernet broadcast ARP request: who has 10.0.0.2? tell 10.0.0.1 (02:00:00:00:00:01). ARP at 14. */
export const ARP_REQUEST_FRAME = 'ffffffffffff020000000001 0806 0001080006040001 020000000001 0a000001 000000000000 0a000002';
/** ARP reply: 10.0.0.2 is at 02:00:00:00:00:02, to 02:00:00:00:00:01 / 10.0.0.1. ARP at 14. */
export const ARP_REPLY_FRAME = '020000000001020000000002 0806 0001080006040002 020000000002 0a000002 020000000001 0a000001';
/**
 * IPv4 packet (no Ethernet), 47 bytes: IHL 9 (16 bytes of options: Record Route with two
 * addresses 1.2.3.4 and 5.6.7.8, pointer 4, Router Alert value 0, one End-of-Options byte), TOS 0xb8 (DSCP 46 EF, ECN 0),
 * id 0x1234, DF, TTL 17, UDP 10.1.2.3:5000 -> 172.16.0.9:53 "opt", header checksum 0x7706,
 * UDP checksum 0x508d.
 */
export const IPV4_OPTIONS_UDP_PACKET = '49b8002f12344000111177060a010203ac100009 070b04 0102030405060708 94040000 00 13880035000b508d 6f7074';
/** IPv4 fragment (no Ethernet), 36 bytes: id 0xbeef, MF, offset 185 units (1480 bytes), TTL 255, protocol ICMP, 192.0.2.1 -> 198.51.100.7, checksum 0xeff3, 16 payload bytes. */
export const IPV4_FRAGMENT_PACKET = '45000024beef20b9ff01eff3c0000201c6336407 30313233343536373839616263646566';
/**
 * IPv4 + ICMP destination unreachable, fragmentation needed (type 3 code 4), next-hop MTU 1400,
 * ICMP checksum 0xdb88, quoting 28 bytes of 192.0.2.1 -> 198.51.100.7 (DF, total length 1500)
 * with its UDP header 1234 -> 80. ICMP at 20, quoted IPv4 at 28.
 */
export const ICMP_FRAG_NEEDED_PACKET = '45000038000700004001f5bec00002fec0000201 0304db8800000578 450005dc00094000401148ccc0000201c6336407 04d2005005c81111';
/** IPv4 + ICMP time exceeded in transit (type 11 code 0), checksum 0xefc1, quoting a TTL-1 UDP probe 33434 -> 33435. */
export const ICMP_TIME_EXCEEDED_PACKET = '450000380008000040017cbacb007101c0000201 0b00efc100000000 4500001c000a00000111cd8bc0000201c6336407 829a829b00080000';
/** Ethernet + 802.1Q tag (PCP 5, DEI 1, VID 100) + IPv4 + UDP 1 -> 2. Tag TPID at 12, IPv4 at 18. */
export const VLAN_UDP_FRAME = '020000000002020000000001 8100 b064 0800 4500001c00010000401166ce0a0000010a000002 000100020008ebd8';
/** Ethernet + 802.1ad outer tag (PCP 3, VID 200) + 802.1Q inner tag (VID 4094) + ARP request. Outer TPID at 12, inner TPID at 16, ARP at 22. */
export const QINQ_ARP_FRAME = '020000000002020000000001 88a8 60c8 8100 0ffe 0806 0001080006040001020000000001 0a000001 000000000000 0a000002';
/**
 * IPv4 + TCP SYN (no Ethernet): 10.0.0.1:40000 -> 10.0.0.2:443, seq 0x01020304, window 64240,
 * options MSS 1460, SACK permitted, timestamps 123456/0, NOP, window scale 7; TCP checksum 0xb4c9.
 */
export const TCP_SYN_PACKET = '4500003c04d20000400661e80a0000010a000002 9c4001bb0102030400000000a002faf0b4c90000 020405b40402080a0001e2400000000001030307';
/** IPv4 + TCP PSH/ACK: 443 -> 40000, seq 1000, ack 0xfffffff0, window 502, options NOP NOP SACK [3000,4000) [5000,6000), "data!", checksum 0x61c0. */
export const TCP_SACK_PACKET = '4500004104d30000400661e20a0000020a000001 01bb9c40000003e8fffffff0a01801f661c00000 0101051200000bb800000fa000001388000017 70 6461746121';
/** IPv4 + TCP FIN/ACK with an unknown option kind 253 (length 4, data 0x1234) then End of Option List and zero padding; checksum 0x4c8d. */
export const TCP_UNKNOWN_OPTION_PACKET = '4500003000010000400666c50a0000020a000001 000100020000000000000000701120004c8d0000 fd04123400000000';
/** IPv4 + GRE without optional fields (protocol 0x0800) + inner IPv4 192.168.1.1 -> .2 + ICMP echo. GRE at 20, inner IPv4 at 24. */
export const GRE_PLAIN_PACKET = '4500003400020000402f66970a0000010a000002 00000800 4500001c000300004001f78ac0a80101c0a80102 0800f7fd00010001';
/**
 * IPv4 + GRE with checksum (0x4e85), key 0xdeadbeef and sequence 7, protocol 0x6558
 * (transparent Ethernet bridging) + inner Ethernet header + "xyz". GRE at 20 (16 bytes), inner Ethernet at 36.
 */
export const GRE_CKS_KEY_SEQ_PACKET = '4500003500020000402f66960a0000010a000002 b0006558 4e850000 deadbeef 00000007 020000000002020000000001 0800 78797a';
/** Minimum-size Ethernet frame (60 bytes): IPv4 total length 30 + UDP 7 -> 7 "hi", then 16 bytes of padding. */
export const PADDED_UDP_FRAME = '020000000002020000000001 0800 4500001e00050000401166c80a0000010a000002 00070007000a8360 6869 00000000000000000000000000000000';
//# sourceMappingURL=fixtures.js.map