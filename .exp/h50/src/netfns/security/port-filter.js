/**
 * Port security and security groups for one VM port: a bump in the wire between a host's
 * interface (port `vm`) and its bridge port (port `net`), as OpenStack puts them on a port.
 *
 * Anti-spoofing (frames from the VM): the Ethernet source must be the port's MAC or the MAC
 * of an allowed address pair; IPv4 sources must be one of the port's addresses (or inside an
 * allowed pair's prefix, with that pair's MAC); ARP must carry an allowed sender MAC and IP
 * (0.0.0.0 probes pass); DHCP discovery from 0.0.0.0 passes; other EtherTypes are dropped.
 *
 * Security groups are stateful on top of conntrack: a packet of a tracked connection passes in
 * either direction (that is how return traffic gets in), an ICMP error passes when the
 * connection it quotes is tracked, and a new connection needs a rule of its direction:
 * ingress (to the VM) is denied unless a rule allows it; egress is allowed unless egress
 * rules are given, then only what they allow (OpenStack's default group). Rules match
 * protocol, destination port range and remote prefix. TCP opens only with a SYN; impossible
 * flag combinations and packets that do not fit their connection's state are dropped.
 * Broadcast and multicast IPv4 is matched against the rules without being tracked.
 */
import { App } from '../../engine/app.js';
import { NS_PER_S } from '../../engine/clock.js';
import { ETHERNET_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../../wire/ethernet.js';
import { IPV4_BROADCAST, inPrefix, isIpv4Multicast, parseCidr, readIpv4Addr } from '../../wire/ipv4-addr.js';
import { Ipv4View } from '../../wire/ipv4.js';
import { parseMac, readMac } from '../../wire/mac.js';
import { CT_CLASH, CT_INVALID, Conntrack } from '../conntrack/conntrack.js';
import { tcpFlagsValid } from '../conntrack/tcp-state.js';
import { isIcmpError, translateIcmpError } from '../nat/translate.js';
export const PORT_FILTER_DROPS = {
    truncated: 'frame shorter than an Ethernet header',
    'spoofed-mac': 'frame from the VM with a source MAC that is not the port\'s or an allowed pair\'s',
    'spoofed-ip': 'IPv4 from the VM with a source address it does not own',
    'arp-spoofed': 'ARP from the VM with a foreign sender MAC or IP',
    'arp-malformed': 'ARP packet truncated or not Ethernet/IPv4',
    'ethertype-not-allowed': 'neither IPv4 nor ARP',
    'ip-malformed': 'IPv4 header that does not parse',
    fragment: 'IPv4 fragment: ports are unknown, so no rule can match',
    'l4-truncated': 'TCP, UDP or ICMP header cut short',
    'tcp-bad-flags': 'TCP flag combination no stack sends (SYN+FIN, SYN+RST, no flags...)',
    'ct-invalid': 'TCP packet that fits no state of its connection, or a non-SYN with no connection',
    'sg-ingress-denied': 'new connection to the VM that no ingress rule allows',
    'sg-egress-denied': 'new connection from the VM that no egress rule allows',
    'conntrack-full': 'no room in the connection table for a new connection',
    'no-link': 'the other side of the filter is not connected',
};
const PROTOS = { any: 0, icmp: 1, tcp: 6, udp: 17 };
const VM = 0;
const NET = 1;
function parseRule(where, r) {
    const proto = PROTOS[r.protocol ?? 'any'];
    if (proto === undefined)
        throw new Error(`${where}.protocol must be tcp, udp, icmp or any, got ${JSON.stringify(r.protocol)}`);
    let portMin = 0;
    let portMax = 65535;
    if (r.ports !== undefined) {
        if (proto !== 6 && proto !== 17)
            throw new Error(`${where}.ports needs protocol tcp or udp`);
        [portMin, portMax] = typeof r.ports === 'number' ? [r.ports, r.ports] : r.ports;
        if (!Number.isInteger(portMin) || !Number.isInteger(portMax) || portMin < 1 || portMax > 65535 || portMin > portMax)
            throw new Error(`${where}.ports must be a port or [min, max] within 1-65535`);
    }
    let remote = 0;
    let remoteLen = 0;
    if (r.remote !== undefined) {
        try {
            ({ addr: remote, prefixLen: remoteLen } = parseCidr(r.remote));
        }
        catch (e) {
            throw new Error(`${where}.remote: ${e.message}`);
        }
    }
    return { proto, portMin, portMax, remote, remoteLen };
}
export class PortFilter extends App {
    /**
     * A TAP's offloaded packets (a 64 KB TSO packet, a partial checksum) are judged on their
     * headers and pass unchanged: the filter reads addresses, ports and TCP flags and rewrites only
     * ICMP errors, which are never offloaded.
     */
    offloadHandling = 'passes-on';
    conntrack;
    #mac;
    #ips;
    #pairs;
    #portSecurity;
    #ingress;
    #egress;
    #ip = new Ipv4View();
    #in = [undefined, undefined];
    #out = [undefined, undefined];
    constructor(ctx, conf) {
        super(ctx, conf, PORT_FILTER_DROPS);
        const w = `port filter ${ctx.name}`;
        try {
            this.#mac = parseMac(conf.mac);
        }
        catch (e) {
            throw new Error(`${w}: mac: ${e.message}`);
        }
        this.#ips = (conf.ips ?? []).map((t, i) => {
            try {
                return parseCidr(t).addr;
            }
            catch (e) {
                throw new Error(`${w}: ips[${i}]: ${e.message}`);
            }
        });
        this.#pairs = (conf.allowedAddressPairs ?? []).map((p, i) => {
            try {
                const c = parseCidr(p.ip);
                return { ip: c.addr, prefixLen: c.prefixLen, mac: p.mac === undefined ? this.#mac : parseMac(p.mac) };
            }
            catch (e) {
                throw new Error(`${w}: allowedAddressPairs[${i}]: ${e.message}`);
            }
        });
        this.#portSecurity = conf.portSecurity ?? true;
        this.#ingress = (conf.ingress ?? []).map((r, i) => parseRule(`${w}: ingress[${i}]`, r));
        this.#egress = conf.egress === undefined ? null : conf.egress.map((r, i) => parseRule(`${w}: egress[${i}]`, r));
        this.conntrack = new Conntrack({ capacity: conf.conntrack?.capacity ?? 4096 });
        this.tickInterval = NS_PER_S;
        this.relink();
    }
    ports() {
        return ['vm', 'net'];
    }
    relink() {
        this.#in = [this.input.vm, this.input.net];
        this.#out = [this.output.vm, this.output.net];
    }
    tick(now) {
        this.conntrack.sweep(now);
    }
    /** The connection table as `conntrack -L` prints it. */
    showConntrack() {
        return this.conntrack.format(this.engine.now());
    }
    push() {
        for (let s = 0; s < 2; s++) {
            const link = this.#in[s];
            if (link === undefined)
                continue;
            while (!link.empty())
                this.#filter(link.receive(), s);
        }
    }
    #filter(p, from) {
        if (p.len < ETHERNET_HEADER_LEN)
            return this.drop(p, 'truncated');
        const b = p.buf;
        const off = p.off;
        const etherType = (b[off + 12] << 8) | b[off + 13];
        const fromVm = from === VM;
        if (fromVm && this.#portSecurity) {
            const srcMac = readMac(b, off + 6);
            if (srcMac !== this.#mac && !this.#pairMac(srcMac))
                return this.drop(p, 'spoofed-mac');
            if (etherType === ETHERTYPE_ARP) {
                if (p.len < ETHERNET_HEADER_LEN + 28 || b[off + 14] !== 0 || b[off + 15] !== 1 || b[off + 16] !== 8 || b[off + 17] !== 0)
                    return this.drop(p, 'arp-malformed');
                const sha = readMac(b, off + 22);
                const spa = readIpv4Addr(b, off + 28);
                if (sha !== srcMac || (spa !== 0 && !this.#owns(spa, sha)))
                    return this.drop(p, 'arp-spoofed');
                return this.#pass(p, from);
            }
        }
        if (etherType === ETHERTYPE_ARP)
            return this.#pass(p, from);
        if (etherType !== ETHERTYPE_IPV4)
            return this.drop(p, 'ethertype-not-allowed');
        const ip = this.#ip;
        const ipOff = off + ETHERNET_HEADER_LEN;
        if (ip.wrap(b, ipOff, p.len - ETHERNET_HEADER_LEN) !== null)
            return this.drop(p, 'ip-malformed');
        const src = ip.src;
        const dst = ip.dst;
        const proto = ip.protocol;
        const l4 = ip.payloadOffset;
        const l4Len = ip.payloadLength;
        if (fromVm && this.#portSecurity && !this.#owns(src, readMac(b, off + 6))) {
            const dhcp = src === 0 && proto === 17 && l4Len >= 8 && b[l4] === 0 && b[l4 + 1] === 68 && b[l4 + 2] === 0 && b[l4 + 3] === 67;
            if (!dhcp)
                return this.drop(p, 'spoofed-ip');
        }
        if (ip.isFragment)
            return this.drop(p, 'fragment');
        let sport = 0;
        let dport = 0;
        let flags = 0;
        if (proto === 6 || proto === 17) {
            if (l4Len < (proto === 6 ? 20 : 8))
                return this.drop(p, 'l4-truncated');
            sport = (b[l4] << 8) | b[l4 + 1];
            dport = (b[l4 + 2] << 8) | b[l4 + 3];
            if (proto === 6) {
                flags = ((b[l4 + 12] & 1) << 8) | b[l4 + 13];
                if (!tcpFlagsValid(flags))
                    return this.drop(p, 'tcp-bad-flags');
            }
        }
        else if (proto === 1) {
            if (l4Len < 8)
                return this.drop(p, 'l4-truncated');
            const type = b[l4];
            if ((type === 8 || type === 0) && b[l4 + 1] === 0) {
                sport = (b[l4 + 4] << 8) | b[l4 + 5];
                dport = type << 8;
            }
            else if (isIcmpError(type) && translateIcmpError(this.conntrack, 0, b, ipOff, l4, l4Len, this.engine.now()) >= 0) {
                return this.#pass(p, from);
            }
            else {
                return this.#stateless(p, from, proto, 0, fromVm ? dst : src);
            }
        }
        if (dst === IPV4_BROADCAST || isIpv4Multicast(dst))
            return this.#stateless(p, from, proto, dport, fromVm ? dst : src);
        const now = this.engine.now();
        const ct = this.conntrack;
        let ref = ct.find(0, proto, src, dst, sport, dport, now);
        if (ref < 0) {
            const remote = fromVm ? dst : src;
            if (!this.#allowed(fromVm, proto, dport, remote))
                return this.drop(p, fromVm ? 'sg-egress-denied' : 'sg-ingress-denied');
            if (proto === 6 && !Conntrack.tcpOpens(flags))
                return this.drop(p, 'ct-invalid');
            if (proto === 1 && dport !== 0x0800)
                return this.drop(p, fromVm ? 'sg-egress-denied' : 'sg-ingress-denied');
            const e = ct.create(0, proto, src, dst, sport, dport, dst, src, proto === 1 ? sport : dport, proto === 1 ? 0 : sport, now);
            if (e < 0)
                return this.drop(p, e === CT_CLASH ? 'ct-invalid' : 'conntrack-full');
            ref = 2 * e;
            this.note(p, `security group: new ${fromVm ? 'egress' : 'ingress'} connection allowed`);
        }
        if (ct.track(ref, flags, now) === CT_INVALID)
            return this.drop(p, 'ct-invalid');
        this.#pass(p, from);
    }
    #stateless(p, from, proto, dport, remote) {
        const fromVm = from === VM;
        if (!this.#allowed(fromVm, proto, dport, remote))
            return this.drop(p, fromVm ? 'sg-egress-denied' : 'sg-ingress-denied');
        this.#pass(p, from);
    }
    #allowed(egress, proto, dport, remote) {
        const rules = egress ? this.#egress : this.#ingress;
        if (rules === null)
            return true;
        for (let i = 0; i < rules.length; i++) {
            const r = rules[i];
            if (r.proto !== 0 && r.proto !== proto)
                continue;
            if ((proto === 6 || proto === 17) && (dport < r.portMin || dport > r.portMax))
                continue;
            if (r.remoteLen !== 0 && !inPrefix(remote, r.remote, r.remoteLen))
                continue;
            return true;
        }
        return false;
    }
    #pairMac(mac) {
        const pairs = this.#pairs;
        for (let i = 0; i < pairs.length; i++)
            if (pairs[i].mac === mac)
                return true;
        return false;
    }
    /** True when the VM may send from `ip` with source MAC `mac`. */
    #owns(ip, mac) {
        if (mac === this.#mac) {
            const ips = this.#ips;
            for (let i = 0; i < ips.length; i++)
                if (ips[i] === ip)
                    return true;
        }
        const pairs = this.#pairs;
        for (let i = 0; i < pairs.length; i++) {
            const pr = pairs[i];
            if (pr.mac === mac && inPrefix(ip, pr.ip, pr.prefixLen))
                return true;
        }
        return false;
    }
    #pass(p, from) {
        const out = this.#out[from === VM ? NET : VM];
        if (out === undefined)
            return this.drop(p, 'no-link');
        out.transmit(p);
    }
}
//# sourceMappingURL=port-filter.js.map