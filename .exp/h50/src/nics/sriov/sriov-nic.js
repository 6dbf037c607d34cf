/**
 * An SR-IOV NIC: one physical function (PF), up to `maxVfs` virtual functions (VFs), and the
 * embedded switch (VEB) that forwards between them and the uplink in hardware.
 *
 * What it models: the part of an SR-IOV NIC a cloud operator drives with
 * `ip link set DEV vf N ...` — per-VF MAC, port VLAN (tag inserted on transmit and stripped on
 * receive by the NIC), spoof checking, trust, link state and a transmit rate limit — and the
 * forwarding the NIC does without the host's software bridge. A guest that owns a VF talks to
 * the NIC directly: no software switch, no copy by the host CPU, no exit to the hypervisor.
 *
 * How it forwards: the VEB is a small exact-match table (MAC, VLAN) -> port, programmed by the
 * PF driver (never learned), bounded like the receive-address registers of a real NIC. Ports are
 * numbered 0 = uplink, 1 = PF, 2 + i = VF i. A frame's VLAN is the VF's port VLAN when it has one,
 * else the frame's own 802.1Q tag, else 0. A unicast hit goes to that port; a unicast miss from a
 * function goes out of the uplink (the VEB does not know the outside) and from the uplink goes to
 * trusted promiscuous VFs only; broadcast and multicast go to every port in the VLAN except the
 * one it came from. VFs without a port VLAN also match their MAC on any VLAN (VLAN filtering off).
 *
 * Invariants: a VF belongs to at most one instance (`assign` refuses a second owner); the VEB
 * never holds more than `vebEntries` entries (a request past that is refused and counted); the
 * data path never throws and every refused frame is a drop with a reason.
 */
import { App } from '../../engine/app.js';
import { HashMacTable } from '../../bridges/mac-table.js';
import { setTag } from '../../bridges/learning-bridge.js';
import { formatMac, parseMac, readMac } from '../../wire/mac.js';
import { TokenBucket } from './token-bucket.js';
const SRIOV_DROPS = {
    runt: 'frame shorter than the 14-byte Ethernet header',
    spoofed: 'spoof check: the source MAC is not the VF\'s MAC',
    'rate-limited': 'over the VF\'s max_tx_rate (token bucket empty)',
    'vf-link-down': 'the VF\'s link state is down (disabled, or auto with the uplink down)',
    'uplink-down': 'the uplink has no carrier',
    'tagged-on-port-vlan': 'a VF with a port VLAN sent a frame that already carries an 802.1Q tag',
    'no-match': 'unicast from the uplink to a MAC the VEB does not hold',
    'same-port': 'the VEB entry for the destination is the port the frame came from',
    'port-unlinked': 'the destination function has no link (no driver bound)',
    'no-headroom': 'no headroom to insert the port VLAN tag',
    'pool-empty': 'no free buffer to replicate a broadcast into',
};
const UPLINK = 0;
const PF = 1;
const VF_BASE = 2;
const DEFAULT_VEB_ENTRIES = 128;
const TWO_32 = 0x1_0000_0000;
const STATES = ['auto', 'enable', 'disable'];
export class SriovNic extends App {
    maxVfs;
    numVfs;
    pfMac;
    /** The VEB's exact-match table: (MAC, VLAN) -> port. */
    #veb;
    // Per-VF state, indexed by VF number.
    #mac;
    #adminMac;
    #vlan;
    #qos;
    #spoofchk;
    #trust;
    #state;
    #promisc;
    #rateMbit;
    #limiter;
    #owner;
    // Per-port counters, indexed by port number.
    #rxPackets;
    #rxBytes;
    #txPackets;
    #txBytes;
    #rxDropped;
    #txDropped;
    #outs = [];
    #ins = [];
    #inPorts = [];
    #carrier = true;
    #uplinkPort;
    /** Mailbox requests refused because the VEB table was full (the table's overflow counter). */
    vebRefused = 0;
    /** Mailbox requests refused because the VF is not trusted or has an admin MAC. */
    mailboxRefused = 0;
    constructor(ctx, conf) {
        super(ctx, conf, SRIOV_DROPS);
        const where = `sriov nic ${ctx.name}`;
        if (!Number.isInteger(conf.maxVfs) || conf.maxVfs < 0 || conf.maxVfs > 256)
            throw new Error(`${where}: max_vfs must be an integer 0..256, got ${JSON.stringify(conf.maxVfs)}`);
        if (!Number.isInteger(conf.vfs) || conf.vfs < 0)
            throw new Error(`${where}: vfs must be a non-negative integer, got ${JSON.stringify(conf.vfs)}`);
        if (conf.vfs > conf.maxVfs)
            throw new Error(`${where}: cannot enable ${conf.vfs} VFs, the hardware supports at most ${conf.maxVfs}`);
        this.maxVfs = conf.maxVfs;
        this.#uplinkPort = conf.uplinkPort ?? 'uplink';
        this.numVfs = conf.vfs;
        const n = conf.vfs;
        const entries = conf.vebEntries ?? DEFAULT_VEB_ENTRIES;
        if (!Number.isInteger(entries) || entries < 1 || entries > 65536)
            throw new Error(`${where}: veb_entries must be an integer 1..65536, got ${JSON.stringify(conf.vebEntries)}`);
        this.#veb = new HashMacTable(entries);
        this.#mac = new Float64Array(n);
        this.#adminMac = new Uint8Array(n);
        this.#vlan = new Uint16Array(n);
        this.#qos = new Uint8Array(n);
        this.#spoofchk = new Uint8Array(n).fill(1);
        this.#trust = new Uint8Array(n);
        this.#state = new Uint8Array(n);
        this.#promisc = new Uint8Array(n);
        this.#rateMbit = new Float64Array(n);
        this.#limiter = new Array(n).fill(null);
        this.#owner = new Array(n).fill(null);
        const ports = VF_BASE + n;
        this.#rxPackets = new Float64Array(ports);
        this.#rxBytes = new Float64Array(ports);
        this.#txPackets = new Float64Array(ports);
        this.#txBytes = new Float64Array(ports);
        this.#rxDropped = new Float64Array(ports);
        this.#txDropped = new Float64Array(ports);
        this.pfMac = conf.mac !== undefined ? parseMacAt(conf.mac, `${where}: mac`) : 0x02_00_00_00_00_00 + (hashName(ctx.name) & 0xffffff) * 256;
        this.#veb.addStatic(this.pfMac, 0, PF);
        for (const [k, s] of Object.entries(conf.vfSettings ?? {}))
            this.setVf(Number(k), s);
        // The guests' drivers ask for their MACs after the administrator has configured the VFs.
        for (const [k, mac] of Object.entries(conf.driverMacs ?? {})) {
            const vf = this.#checkVf(Number(k));
            const r = this.requestMac(vf, mac);
            if (r !== 'ok')
                throw new Error(`${where} vf ${vf}: the guest driver's MAC ${mac} was refused (${r === 'admin-mac-set' ? `the administrator set ${formatMac(this.#mac[vf])} and the VF is not trusted` : r})`);
        }
        for (const [k, owner] of Object.entries(conf.owners ?? {}))
            this.assign(Number(k), owner);
    }
    ports() {
        const names = [this.#uplinkPort, 'pf'];
        for (let i = 0; i < this.numVfs; i++)
            names.push(`vf${i}`);
        return names;
    }
    relink() {
        const outs = new Array(VF_BASE + this.numVfs).fill(undefined);
        const ins = [];
        const inPorts = [];
        for (const [name, link] of Object.entries(this.output))
            outs[this.#portIndex(name)] = link;
        for (const [name, link] of Object.entries(this.input)) {
            ins.push(link);
            inPorts.push(this.#portIndex(name));
        }
        this.#outs = outs;
        this.#ins = ins;
        this.#inPorts = inPorts;
    }
    #portIndex(name) {
        if (name === this.#uplinkPort)
            return UPLINK;
        if (name === 'pf')
            return PF;
        const m = /^vf(\d+)$/.exec(name);
        const vf = m ? Number(m[1]) : -1;
        if (vf < 0 || vf >= this.numVfs)
            throw new Error(`sriov nic ${this.name}: no port ${JSON.stringify(name)} (ports: ${this.#uplinkPort}, pf, vf0..vf${this.numVfs - 1})`);
        return VF_BASE + vf;
    }
    #checkVf(vf) {
        if (!Number.isInteger(vf) || vf < 0 || vf >= this.numVfs) {
            throw new Error(`sriov nic ${this.name}: vf ${vf} does not exist (${this.numVfs} VFs enabled, hardware limit ${this.maxVfs})`);
        }
        return vf;
    }
    // ---- control plane: what the PF driver does for `ip link set DEV vf N ...` ----
    /** Applies `ip link set DEV vf N ...` settings; throws naming the NIC, the VF and the field. */
    setVf(vf, s) {
        this.#checkVf(vf);
        const where = `sriov nic ${this.name} vf ${vf}`;
        const vlan = s.vlan ?? this.#vlan[vf];
        if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4094)
            throw new Error(`${where}: vlan must be 0..4094, got ${JSON.stringify(s.vlan)}`);
        const qos = s.qos ?? (s.vlan !== undefined ? 0 : this.#qos[vf]);
        if (!Number.isInteger(qos) || qos < 0 || qos > 7)
            throw new Error(`${where}: qos must be 0..7, got ${JSON.stringify(s.qos)}`);
        if (qos !== 0 && vlan === 0)
            throw new Error(`${where}: qos needs a port vlan`);
        if (s.state !== undefined && !STATES.includes(s.state))
            throw new Error(`${where}: state must be auto, enable or disable, got ${JSON.stringify(s.state)}`);
        const rate = s.maxTxRate ?? this.#rateMbit[vf];
        if (!Number.isFinite(rate) || rate < 0)
            throw new Error(`${where}: max_tx_rate must be a non-negative number of Mbit/s, got ${JSON.stringify(s.maxTxRate)}`);
        const mac = s.mac !== undefined ? parseMacAt(s.mac, `${where}: mac`) : this.#mac[vf];
        if (s.mac !== undefined && mac !== 0 && Math.floor(mac / 0x100_0000_0000) % 2 === 1)
            throw new Error(`${where}: mac ${s.mac} is a multicast address`);
        this.#program(vf, mac, vlan);
        if (s.mac !== undefined)
            this.#adminMac[vf] = mac !== 0 ? 1 : 0;
        this.#qos[vf] = qos;
        if (s.spoofchk !== undefined)
            this.#spoofchk[vf] = s.spoofchk ? 1 : 0;
        if (s.trust !== undefined) {
            this.#trust[vf] = s.trust ? 1 : 0;
            if (!s.trust)
                this.#promisc[vf] = 0;
        }
        if (s.state !== undefined)
            this.#state[vf] = STATES.indexOf(s.state);
        if (rate !== this.#rateMbit[vf]) {
            this.#rateMbit[vf] = rate;
            this.#limiter[vf] = rate > 0 ? new TokenBucket(rate * 1e6, this.engine.now()) : null;
        }
    }
    /** Moves the VF's VEB entry to (mac, vlan); throws when the table is full. */
    #program(vf, mac, vlan) {
        const r = this.#reprogram(vf, mac, vlan);
        if (r === 'veb-full')
            throw new Error(`sriov nic ${this.name} vf ${vf}: the VEB table is full (${this.#veb.capacity} entries); cannot add ${formatMac(mac)}`);
        if (r === 'mac-in-use')
            throw new Error(`sriov nic ${this.name} vf ${vf}: mac ${formatMac(mac)} on vlan ${vlan} is already used by ${this.#portName(this.#veb.lookup(mac, vlan))}`);
    }
    #reprogram(vf, mac, vlan) {
        const oldMac = this.#mac[vf];
        const oldVlan = this.#vlan[vf];
        if (oldMac === mac && oldVlan === vlan)
            return 'ok';
        const holder = mac === 0 ? -1 : this.#veb.lookup(mac, vlan);
        if (holder >= 0 && holder !== VF_BASE + vf)
            return 'mac-in-use';
        if (holder < 0 && mac !== 0 && oldMac === 0 && this.#veb.size >= this.#veb.capacity) {
            this.vebRefused++;
            return 'veb-full';
        }
        if (oldMac !== 0 && this.#veb.lookup(oldMac, oldVlan) === VF_BASE + vf)
            this.#veb.remove(oldMac, oldVlan);
        if (mac !== 0)
            this.#veb.addStatic(mac, vlan, VF_BASE + vf);
        this.#mac[vf] = mac;
        this.#vlan[vf] = vlan;
        return 'ok';
    }
    /** The VF driver asks the PF for a MAC (the mailbox): allowed without an admin MAC, or when trusted. */
    requestMac(vf, mac) {
        this.#checkVf(vf);
        const m = parseMacAt(mac, `sriov nic ${this.name} vf ${vf}: requested mac`);
        if (this.#adminMac[vf] === 1 && this.#trust[vf] === 0 && m !== this.#mac[vf]) {
            this.mailboxRefused++;
            return 'admin-mac-set';
        }
        const r = this.#reprogram(vf, m, this.#vlan[vf]);
        if (r === 'mac-in-use')
            this.mailboxRefused++;
        return r;
    }
    /** The VF driver asks for promiscuous mode; only a trusted VF gets it. */
    requestPromisc(vf, on) {
        this.#checkVf(vf);
        if (on && this.#trust[vf] === 0) {
            this.mailboxRefused++;
            return 'not-trusted';
        }
        this.#promisc[vf] = on ? 1 : 0;
        return 'ok';
    }
    /** Plugs or pulls the uplink cable; VFs in link-state auto follow it. */
    setCarrier(up) {
        this.#carrier = up;
    }
    get carrier() {
        return this.#carrier;
    }
    /** Gives the VF to one instance; a second owner is refused with both names. */
    assign(vf, owner) {
        this.#checkVf(vf);
        const cur = this.#owner[vf];
        if (cur !== null && cur !== undefined && cur !== owner)
            throw new Error(`sriov nic ${this.name}: vf ${vf} is already assigned to ${cur}; it cannot also be assigned to ${owner}`);
        this.#owner[vf] = owner;
    }
    /** Takes the VF back from its instance. */
    release(vf) {
        this.#checkVf(vf);
        this.#owner[vf] = null;
    }
    owner(vf) {
        return this.#owner[this.#checkVf(vf)] ?? null;
    }
    /** Entries in the VEB table (its gauge) and its bound. */
    get vebSize() {
        return this.#veb.size;
    }
    get vebCapacity() {
        return this.#veb.capacity;
    }
    /** The VEB table as (MAC, VLAN, port name) rows, for show commands. */
    vebEntries() {
        return this.#veb.entries()
            .map((e) => ({ mac: formatMac(e.mac), vlan: e.vlan, port: e.port === PF ? 'pf' : e.port === UPLINK ? 'uplink' : `vf${e.port - VF_BASE}` }))
            .sort((a, b) => (a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
    }
    #linkUp(vf) {
        const s = this.#state[vf];
        return s === 1 || (s === 0 && this.#carrier);
    }
    vf(vf) {
        this.#checkVf(vf);
        const port = VF_BASE + vf;
        return {
            vf,
            mac: formatMac(this.#mac[vf]),
            vlan: this.#vlan[vf],
            qos: this.#qos[vf],
            spoofchk: this.#spoofchk[vf] === 1,
            trust: this.#trust[vf] === 1,
            state: STATES[this.#state[vf]],
            maxTxRate: this.#rateMbit[vf],
            promisc: this.#promisc[vf] === 1,
            owner: this.#owner[vf] ?? null,
            linkUp: this.#linkUp(vf),
            rxPackets: this.#rxPackets[port],
            rxBytes: this.#rxBytes[port],
            txPackets: this.#txPackets[port],
            txBytes: this.#txBytes[port],
            rxDropped: this.#rxDropped[port],
            txDropped: this.#txDropped[port],
        };
    }
    vfList() {
        const out = [];
        for (let i = 0; i < this.numVfs; i++)
            out.push(this.vf(i));
        return out;
    }
    // ---- data path ----
    push() {
        const ins = this.#ins;
        const ports = this.#inPorts;
        for (let i = 0; i < ins.length; i++) {
            const l = ins[i];
            const port = ports[i];
            while (!l.empty())
                this.#forward(l.receive(), port);
        }
    }
    #forward(p, src) {
        if (p.len < 14) {
            this.#txDropped[src]++;
            this.drop(p, 'runt');
            return;
        }
        const buf = p.buf;
        const o = p.off;
        const tagged = p.len >= 18 && buf[o + 12] === 0x81 && buf[o + 13] === 0x00;
        let vid = tagged ? ((buf[o + 14] & 0x0f) << 8) | buf[o + 15] : 0;
        let pcp = 0;
        if (src === UPLINK) {
            if (!this.#carrier) {
                this.drop(p, 'uplink-down');
                return;
            }
        }
        else if (src >= VF_BASE) {
            const vf = src - VF_BASE;
            if (!this.#linkUp(vf)) {
                this.#txDropped[src]++;
                this.drop(p, 'vf-link-down');
                return;
            }
            if (this.#spoofchk[vf] === 1 && !macAt(buf, o + 6, this.#mac[vf])) {
                this.#txDropped[src]++;
                this.drop(p, 'spoofed');
                return;
            }
            const pvid = this.#vlan[vf];
            if (pvid !== 0) {
                if (tagged) {
                    this.#txDropped[src]++;
                    this.drop(p, 'tagged-on-port-vlan');
                    return;
                }
                vid = pvid;
                pcp = this.#qos[vf];
            }
            const limiter = this.#limiter[vf];
            if (limiter !== null && limiter !== undefined && !limiter.take(p.len, this.engine.now())) {
                this.#txDropped[src]++;
                this.drop(p, 'rate-limited');
                return;
            }
        }
        this.#txPackets[src]++;
        this.#txBytes[src] += p.len;
        if ((buf[o] & 1) === 1) {
            this.#flood(p, src, vid, pcp, false);
            return;
        }
        const hi = (buf[o] << 8) | buf[o + 1];
        const lo = (buf[o + 2] << 24) | (buf[o + 3] << 16) | (buf[o + 4] << 8) | buf[o + 5];
        let dst = this.#veb.lookupWords(hi, lo, vid);
        if (dst < 0 && vid !== 0) {
            // VFs without a port VLAN match their MAC on any VLAN; a VF with one never matches here.
            const any = this.#veb.lookupWords(hi, lo, 0);
            if (any >= VF_BASE && this.#vlan[any - VF_BASE] === 0)
                dst = any;
            else if (any === PF)
                dst = any;
        }
        if (dst < 0) {
            if (src !== UPLINK) {
                this.#deliver(p, UPLINK, vid, pcp);
                return;
            }
            if (this.#anyPromisc()) {
                this.#flood(p, src, vid, pcp, true);
                return;
            }
            this.drop(p, 'no-match');
            return;
        }
        if (dst === src) {
            this.drop(p, 'same-port');
            return;
        }
        if (p.traceId !== 0)
            this.note(p, `veb: ${formatMac(readMac(buf, o))} vlan ${vid} -> ${this.#portName(dst)}`);
        this.#deliver(p, dst, vid, pcp);
    }
    #anyPromisc() {
        const pr = this.#promisc;
        for (let i = 0; i < pr.length; i++)
            if (pr[i] === 1)
                return true;
        return false;
    }
    /** Replicates to every eligible port of the VLAN (only promiscuous VFs when `promiscOnly`). */
    #flood(p, src, vid, pcp, promiscOnly) {
        const outs = this.#outs;
        let last = -1;
        for (let port = 0; port < outs.length; port++) {
            if (port === src || !this.#eligible(port, vid, promiscOnly))
                continue;
            if (last >= 0) {
                const q = this.clone(p);
                if (q === null)
                    this.countDrop('pool-empty');
                else
                    this.#deliver(q, last, vid, pcp);
            }
            last = port;
        }
        if (last < 0)
            this.consume(p);
        else
            this.#deliver(p, last, vid, pcp);
    }
    #eligible(port, vid, promiscOnly) {
        if (this.#outs[port] === undefined)
            return false;
        if (port === UPLINK)
            return !promiscOnly && this.#carrier;
        if (port === PF)
            return !promiscOnly;
        const vf = port - VF_BASE;
        if (promiscOnly && this.#promisc[vf] === 0)
            return false;
        const pvid = this.#vlan[vf];
        return pvid === 0 || pvid === vid;
    }
    /** Shapes the tag for the destination port (`pcp` > 0: the port VLAN's priority) and sends. */
    #deliver(p, dst, vid, pcp) {
        const out = this.#outs[dst];
        if (dst === UPLINK && !this.#carrier) {
            this.drop(p, 'uplink-down');
            return;
        }
        if (out === undefined) {
            this.#rxDropped[dst]++;
            this.drop(p, 'port-unlinked');
            return;
        }
        let untag = vid === 0;
        if (dst >= VF_BASE) {
            const vf = dst - VF_BASE;
            if (!this.#linkUp(vf)) {
                this.#rxDropped[dst]++;
                this.drop(p, 'vf-link-down');
                return;
            }
            if (this.#vlan[vf] !== 0)
                untag = true;
        }
        if (!setTag(p, untag, vid)) {
            this.drop(p, 'no-headroom');
            return;
        }
        if (pcp > 0 && !untag)
            p.buf[p.off + 14] = (p.buf[p.off + 14] & 0x1f) | (pcp << 5);
        this.#rxPackets[dst]++;
        this.#rxBytes[dst] += p.len;
        out.transmit(p);
    }
    #portName(port) {
        return port === UPLINK ? 'uplink' : port === PF ? 'pf' : `vf${port - VF_BASE}`;
    }
}
function macAt(buf, off, mac) {
    const hi = (buf[off] << 8) | buf[off + 1];
    const lo = ((buf[off + 2] << 24) | (buf[off + 3] << 16) | (buf[off + 4] << 8) | buf[off + 5]) >>> 0;
    return hi * TWO_32 + lo === mac;
}
function parseMacAt(text, where) {
    try {
        return parseMac(text);
    }
    catch (e) {
        throw new Error(`${where}: ${e.message}`);
    }
}
function hashName(name) {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++)
        h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    return h >>> 0;
}
//# sourceMappingURL=sriov-nic.js.map