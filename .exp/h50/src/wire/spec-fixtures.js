/**
 * Test material for the packet spec, dissector and pretty-printer: frames built by scapy with
 * the specs that must produce them, and a seeded generator of random specs.
 */
/** Frames built by scapy 2.5.0 (see test/interop/scapy.test.ts for the live comparison), with the spec that must produce them. */
export const SCAPY_FIXTURES = [
    {
        name: 'ARP request padded to 60 bytes',
        spec: 'eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),arp(op=request,spa=10.0.0.1,tpa=10.0.0.2),pad(len=18)',
        hex: 'ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002000000000000000000000000000000000000',
    },
    {
        name: 'ICMP echo request',
        spec: 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=1),icmp(type=echo-request,id=16962,seq=1),payload(hex=68656c6c6f)',
        hex: '02000000000202000000000108004500002100010000400166d90a0000010a000002080071ea4242000168656c6c6f',
    },
    {
        name: 'UDP in an 802.1Q tag',
        spec: 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),vlan(vid=10,pcp=3),ipv4(src=10.0.0.1,dst=10.0.0.2,id=1),udp(src=1000,dst=2000),payload(hex=deadbeef)',
        hex: '0200000000020200000000018100600a08004500002000010000401166ca0a0000010a00000203e807d0000c427edeadbeef',
    },
    {
        name: 'TCP SYN with Linux-style options',
        spec: 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=1,df),tcp(src=40000,dst=80,seq=1000,flags=S,win=64240,mss=1460,sackok,ts=1/0,nop,wscale=7)',
        hex: '02000000000202000000000108004500003c00014000400626b90a0000010a0000029c400050000003e800000000a002faf098930000020405b40402080a000000010000000001030307',
    },
    {
        name: 'VXLAN carrying an ICMP echo',
        spec: 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=1),udp(src=49152,dst=4789),vxlan(vni=42),' +
            'eth(src=02:1a:b0:00:2a:01,dst=02:1a:b0:00:2a:02),ipv4(src=192.168.42.1,dst=192.168.42.2,id=1),icmp(type=echo-request,id=16962,seq=1),payload(hex=68656c6c6f2d76786c616e)',
        hex: '02000000000202000000000108004500005900010000401166910a0000010a000002c00012b5004526730800000000002a00021ab0002a02021ab0002a01080045000027000100004001a581c0a82a01c0a82a02080020e34242000168656c6c6f2d76786c616e',
    },
    {
        name: 'GRE with a key carrying Ethernet',
        spec: 'eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),ipv4(src=10.0.0.1,dst=10.0.0.2,id=1),gre(key=1000),' +
            'eth(src=02:1a:b0:00:2a:01,dst=02:1a:b0:00:2a:02),ipv4(src=192.168.42.1,dst=192.168.42.2,id=1),udp(src=5000,dst=6000),payload(hex=78)',
        hex: '02000000000202000000000108004500004700010000402f66850a0000010a00000220006558000003e8021ab0002a02021ab0002a0108004500001d000100004011a57bc0a82a01c0a82a02138817700009878f78',
    },
];
/** Seeded xorshift32. */
export function rng(seed) {
    let s = seed >>> 0 || 1;
    return () => {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        return s;
    };
}
/** A random spec: Ethernet, tags, then ARP or IPv4 with ICMP/UDP/TCP/VXLAN/GRE, payload, maybe padding. */
export function randomSpec(r, depth = 0) {
    const pick = (xs) => xs[r() % xs.length];
    const maybe = (s) => (r() % 2 ? [s] : []);
    const mac = () => Array.from({ length: 6 }, (_, i) => (i === 0 ? (r() & 0xfe) : r() & 0xff).toString(16).padStart(2, '0')).join(':');
    const ip = () => Array.from({ length: 4 }, () => r() & 0xff).join('.');
    const layers = [`eth(${[...maybe(`src=${mac()}`), ...maybe(`dst=${mac()}`)].join(',')})`];
    if (r() % 4 === 0)
        layers.push(`qinq(vid=${r() % 4096})`);
    if (r() % 3 === 0)
        layers.push(`vlan(vid=${r() % 4096},pcp=${r() % 8})`);
    const kind = depth > 0 ? pick(['udp', 'tcp', 'icmp']) : pick(['arp', 'udp', 'tcp', 'icmp', 'vxlan', 'gre', 'raw']);
    if (kind === 'arp') {
        layers.push(`arp(op=${pick(['request', 'reply', '3'])},spa=${ip()},tpa=${ip()}${r() % 2 ? `,tha=${mac()}` : ''})`);
    }
    else if (kind === 'raw') {
        layers.push(`payload(len=${r() % 50})`);
    }
    else {
        const ipf = [`src=${ip()}`, `dst=${ip()}`, ...maybe(`ttl=${r() % 256}`), ...maybe(`id=${r() & 0xffff}`), ...maybe('df'), ...maybe(`dscp=${r() % 64}`)];
        if (r() % 8 === 0)
            ipf.push('opts=01010101');
        if (r() % 10 === 0)
            ipf.push(`csum=0x${(r() & 0xffff).toString(16)}`);
        layers.push(`ipv4(${ipf.join(',')})`);
        if (kind === 'udp')
            layers.push(`udp(src=${r() & 0xffff},dst=${pick([53, 2000, 65535])})`);
        if (kind === 'tcp') {
            const opts = [...maybe(`mss=${r() & 0xffff}`), ...maybe('sackok'), ...maybe(`ts=${r()}/${r()}`), ...maybe('nop'), ...maybe(`wscale=${r() % 15}`), ...maybe(`sack=${r()}-${r()}`)];
            layers.push(`tcp(src=${r() & 0xffff},dst=${r() & 0xffff},flags=${pick(['S', 'SA', 'A', 'FA', 'R', 'PA', '0'])},seq=${r()},ack=${r()},win=${r() & 0xffff}${opts.map((o) => `,${o}`).join('')})`);
        }
        if (kind === 'icmp') {
            if (r() % 2)
                layers.push(`icmp(type=${pick(['echo-request', 'echo-reply'])},id=${r() & 0xffff},seq=${r() & 0xffff})`);
            else {
                layers.push(`icmp(type=${pick(['dest-unreachable', 'time-exceeded', '9'])},code=${r() % 16}${r() % 2 ? `,mtu=${r() & 0xffff}` : ''})`);
                layers.push(`ipv4(src=${ip()},dst=${ip()},proto=17,len=${28 + (r() % 1000)})`);
                layers.push('payload(hex=1234567800100000)');
                return layers.join(',');
            }
        }
        if (kind === 'vxlan') {
            layers.push(`udp(src=${r() & 0xffff})`, `vxlan(vni=${r() & 0xffffff})`);
            layers.push(randomSpec(r, depth + 1));
            return layers.join(',');
        }
        if (kind === 'gre') {
            const g = [...maybe(`key=${r()}`), ...maybe(`seq=${r()}`), ...maybe('csum')];
            layers.push(`gre(${g.join(',')})`);
            if (r() % 2)
                layers.push(randomSpec(r, depth + 1));
            else
                layers.push(`ipv4(src=${ip()},dst=${ip()})`, `udp(src=${r() & 0xffff},dst=9)`, `payload(len=${r() % 20})`);
            return layers.join(',');
        }
    }
    if (kind !== 'raw' && r() % 2)
        layers.push(r() % 2 ? `payload(len=${1 + (r() % 40)},fill=0x${(r() & 0xff).toString(16)})` : `payload(hex=${(r() >>> 0).toString(16).padStart(8, '0')})`);
    if (depth === 0 && r() % 5 === 0)
        layers.push(`pad(len=${1 + (r() % 20)})`);
    return layers.join(',');
}
//# sourceMappingURL=spec-fixtures.js.map