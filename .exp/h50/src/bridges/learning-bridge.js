/**
 * A learning bridge with Linux bridge semantics (`ip link add br0 type bridge`, optionally
 * `vlan_filtering 1` with `bridge vlan add`).
 *
 * Ports are the link port names the bridge is given (`br0.p1` makes port `p1`). Each port gets a
 * small index the first time its name appears (in the configuration or in a link) and keeps it for
 * the life of the app, so FDB entries, counters and flags live in arrays indexed by port number and
 * the data path never looks anything up by name.
 *
 * Per frame: learn the source (unless the port's learning is off; a group or all-zero source
 * address is a drop, as Linux's `is_valid_ether_addr` check), then forward known unicast to its port, or flood broadcast, multicast and unknown unicast
 * to every other port with flooding on (split horizon: never back out the ingress port unless the
 * port is in hairpin mode). Copies are clones except the last, which is the original. Reserved
 * 802.1D group addresses 01:80:c2:00:00:01..0f are never forwarded (as in Linux with the default
 * group_fwd_mask); 01:80:c2:00:00:00 (STP) is flooded because this bridge runs no STP.
 *
 * VLAN filtering: ingress untagged (or priority-tagged) frames take the port's PVID, tagged
 * frames must carry a member VLAN; egress only to members, untagged where the VLAN is in the
 * port's untagged set (the tag is removed by moving the MACs forward 4 bytes), tagged otherwise
 * (a missing tag is inserted in the packet headroom by moving the MACs back 4 bytes). Without
 * VLAN filtering the bridge is VLAN-unaware: one FDB (VLAN 0) and frames leave as they came.
 *
 * Ageing runs on the engine clock from `tick()`, once a second (or once per ageing time if that
 * is shorter): a dynamic entry not refreshed for the ageing time is removed at the next tick.
 */
import { App } from '../engine/app.js';
import { NS_PER_S } from '../engine/clock.js';
import { formatMac, isMulticast as isGroupMac, parseMac } from '../wire/mac.js';
import { HashMacTable, LEARN_FULL, LEARN_MOVED, LEARN_NEW } from './mac-table.js';
const BRIDGE_DROPS = {
    runt: 'frame shorter than the 14-byte Ethernet header',
    'truncated-tag': '802.1Q ethertype but the frame ends inside the tag',
    'multicast-source': 'source MAC is a group address (I/G bit set)',
    'zero-source': 'source MAC is 00:00:00:00:00:00',
    'link-local': 'destination is a reserved 802.1D group address (01:80:c2:00:00:01..0f) that bridges do not forward',
    'no-pvid': 'untagged frame on a port without a PVID (VLAN filtering)',
    'vlan-not-member': 'tagged frame for a VLAN the ingress port is not a member of (VLAN filtering)',
    'egress-filtered': 'the FDB points to a port that is not a member of the frame VLAN',
    'same-port': 'destination is on the ingress port and hairpin mode is off',
    'port-unlinked': 'the FDB points to a port with no output link',
    'no-egress': 'nothing to flood to: no other port in the VLAN has flooding on',
    'no-headroom': 'no headroom to insert an 802.1Q tag',
};
const DEFAULT_AGEING_S = 300;
const DEFAULT_FDB_MAX = 4096;
const VLANS = 4096;
const NOT_MEMBER = 0;
const TAGGED = 1;
const UNTAGGED = 2;
const TWO_POW_32 = 4294967296;
export class LearningBridge extends App {
    offloadHandling = 'passes-on';
    #fdb;
    #ageingNs = DEFAULT_AGEING_S * NS_PER_S;
    #vlanFiltering = false;
    /** Port name <-> index; indices are never reused. Control plane only. */
    #portIndex = new Map();
    #portNames = [];
    // Per-port state, indexed by port number (grown when a port appears).
    #outLinks = [];
    #learning = new Uint8Array(0);
    #floodOn = new Uint8Array(0);
    #hairpin = new Uint8Array(0);
    #pvid = new Uint16Array(0);
    /** port * 4096 + vlan -> NOT_MEMBER | TAGGED | UNTAGGED. */
    #member = new Uint8Array(0);
    #rxPackets = new Float64Array(0);
    #rxBytes = new Float64Array(0);
    /**
     * Transmit counters per port come from the port's output link, which counts what it takes
     * anyway (a count fewer per frame on the short path); these hold what earlier links of the
     * port carried, added when a relink replaces one.
     */
    #txPacketsBefore = new Float64Array(0);
    #txBytesBefore = new Float64Array(0);
    #floods = new Float64Array(0);
    #learned = new Float64Array(0);
    #drops = new Float64Array(0);
    /** Input links and their port numbers, for the push loop. */
    #inLinks = [];
    #inPorts = new Int32Array(0);
    /** Static entries installed from the configuration, so a reconfiguration can replace them. */
    #confStatics = [];
    /** Flood copies not made because the packet pool was empty. */
    cloneFailures = 0;
    constructor(ctx, conf = {}) {
        super(ctx, conf ?? {}, BRIDGE_DROPS);
        this.#fdb = new HashMacTable(this.#fdbMax(conf ?? {}));
        this.#apply(conf ?? {});
    }
    reconfig(conf) {
        conf = conf ?? {};
        const max = this.#fdbMax(conf);
        const wasFiltering = this.#vlanFiltering;
        if (max !== this.#fdb.capacity) {
            // Keep what fits, static entries first.
            const old = this.#fdb.entries().sort((a, b) => Number(b.isStatic) - Number(a.isStatic));
            this.#fdb = new HashMacTable(max);
            for (const e of old) {
                if (this.#fdb.size >= max)
                    break;
                if (e.isStatic)
                    this.#fdb.addStatic(e.mac, e.vlan, e.port, e.lastSeen);
                else
                    this.#fdb.learn(e.mac, e.vlan, e.port, e.lastSeen);
            }
        }
        this.#apply(conf);
        if (wasFiltering !== this.#vlanFiltering)
            this.#fdb.flush();
    }
    #fdbMax(conf) {
        const max = conf.fdbMax ?? DEFAULT_FDB_MAX;
        if (!Number.isInteger(max) || max < 1)
            throw new Error(`bridge ${this.name}: fdbMax must be a positive integer, got ${JSON.stringify(conf.fdbMax)}`);
        return max;
    }
    #apply(conf) {
        const ageing = conf.ageingTime ?? DEFAULT_AGEING_S;
        if (typeof ageing !== 'number' || !(ageing > 0) || !Number.isFinite(ageing)) {
            throw new Error(`bridge ${this.name}: ageingTime must be a positive number of seconds, got ${JSON.stringify(conf.ageingTime)}`);
        }
        const filtering = conf.vlanFiltering ?? false;
        if (typeof filtering !== 'boolean')
            throw new Error(`bridge ${this.name}: vlanFiltering must be true or false`);
        // Validate everything before changing anything.
        const settings = new Map();
        for (const [port, pc] of Object.entries(conf.ports ?? {}))
            settings.set(port, this.#portSettings(port, pc));
        const statics = (conf.static ?? []).map((s, i) => {
            const where = `bridge ${this.name}: static[${i}]`;
            if (typeof s !== 'object' || s === null || typeof s.port !== 'string')
                throw new Error(`${where}: expected { mac, port, vlan? }`);
            let mac;
            try {
                mac = parseMac(s.mac);
            }
            catch (e) {
                throw new Error(`${where}: ${e.message}`);
            }
            if (isGroupMac(mac))
                throw new Error(`${where}: ${s.mac} is a group address and cannot be an FDB entry`);
            if (s.vlan !== undefined)
                checkVlan(s.vlan, `${where}.vlan`);
            return { mac, port: s.port, vlan: s.vlan };
        });
        this.#ageingNs = ageing * NS_PER_S;
        this.tickInterval = Math.min(NS_PER_S, this.#ageingNs);
        this.#vlanFiltering = filtering;
        for (const port of settings.keys())
            this.#ensurePort(port);
        for (const s of statics)
            this.#ensurePort(s.port);
        for (let i = 0; i < this.#portNames.length; i++) {
            const s = settings.get(this.#portNames[i]) ?? this.#portSettings(this.#portNames[i], {});
            this.#setPort(i, s);
        }
        for (const s of this.#confStatics)
            this.#fdb.remove(s.mac, s.vlan);
        this.#confStatics = [];
        for (const s of statics) {
            for (const vlan of this.#staticVlans(this.#portIndex.get(s.port), s.vlan)) {
                this.#fdb.addStatic(s.mac, vlan, this.#portIndex.get(s.port), this.engine.now());
                this.#confStatics.push({ mac: s.mac, vlan });
            }
        }
    }
    #portSettings(port, pc) {
        const where = `bridge ${this.name}: ports.${port}`;
        if (typeof pc !== 'object' || pc === null)
            throw new Error(`${where}: expected an object`);
        const member = new Uint8Array(VLANS);
        let pvid = 0;
        if (pc.pvid === undefined && pc.untagged === undefined && pc.tagged === undefined) {
            // Linux gives every port of a VLAN-filtering bridge VLAN 1 as PVID, untagged.
            pvid = 1;
            member[1] = UNTAGGED;
        }
        else {
            for (const v of pc.untagged ?? [])
                member[checkVlan(v, `${where}.untagged`)] = UNTAGGED;
            for (const v of pc.tagged ?? []) {
                if (member[checkVlan(v, `${where}.tagged`)] === UNTAGGED)
                    throw new Error(`${where}: VLAN ${v} is listed as both untagged and tagged`);
                member[v] = TAGGED;
            }
            if (pc.pvid !== undefined && pc.pvid !== 0) {
                pvid = checkVlan(pc.pvid, `${where}.pvid`);
                if (member[pvid] === NOT_MEMBER)
                    member[pvid] = UNTAGGED;
            }
        }
        for (const flag of ['learning', 'flood', 'hairpin']) {
            if (pc[flag] !== undefined && typeof pc[flag] !== 'boolean')
                throw new Error(`${where}.${flag}: expected true or false`);
        }
        return { pvid, member, learning: pc.learning ?? true, flood: pc.flood ?? true, hairpin: pc.hairpin ?? false };
    }
    #setPort(i, s) {
        this.#pvid[i] = s.pvid;
        this.#member.set(s.member, i * VLANS);
        this.#learning[i] = s.learning ? 1 : 0;
        this.#floodOn[i] = s.flood ? 1 : 0;
        this.#hairpin[i] = s.hairpin ? 1 : 0;
    }
    /** The VLANs a static entry goes into: the given one, 0 when VLAN-unaware, else every member VLAN. */
    #staticVlans(port, vlan) {
        if (!this.#vlanFiltering)
            return [0];
        if (vlan !== undefined)
            return [vlan];
        const out = [];
        for (let v = 1; v < VLANS; v++)
            if (this.#member[port * VLANS + v] !== NOT_MEMBER)
                out.push(v);
        return out;
    }
    /** The index of a port, allocating it (with default settings) on first sight. */
    #ensurePort(name) {
        const known = this.#portIndex.get(name);
        if (known !== undefined)
            return known;
        const i = this.#portNames.length;
        const n = i + 1;
        this.#portIndex.set(name, i);
        this.#portNames.push(name);
        this.#outLinks.push(null);
        this.#learning = grow(this.#learning, n);
        this.#floodOn = grow(this.#floodOn, n);
        this.#hairpin = grow(this.#hairpin, n);
        this.#pvid = grow(this.#pvid, n);
        this.#member = grow(this.#member, n * VLANS);
        this.#rxPackets = grow(this.#rxPackets, n);
        this.#rxBytes = grow(this.#rxBytes, n);
        this.#txPacketsBefore = grow(this.#txPacketsBefore, n);
        this.#txBytesBefore = grow(this.#txBytesBefore, n);
        this.#floods = grow(this.#floods, n);
        this.#learned = grow(this.#learned, n);
        this.#drops = grow(this.#drops, n);
        this.#setPort(i, this.#portSettings(name, this.conf?.ports?.[name] ?? {}));
        return i;
    }
    relink() {
        for (const name of Object.keys(this.input))
            this.#ensurePort(name);
        for (const name of Object.keys(this.output))
            this.#ensurePort(name);
        const inLinks = [];
        const inPorts = [];
        for (let i = 0; i < this.#portNames.length; i++) {
            const name = this.#portNames[i];
            const hadLinks = this.#outLinks[i] !== null || this.#inLinks.some((_, k) => this.#inPorts[k] === i);
            const out = this.output[name] ?? null;
            const inp = this.input[name];
            const old = this.#outLinks[i];
            if (old !== null && old !== undefined && old !== out) {
                this.#txPacketsBefore[i] += old.txPackets;
                this.#txBytesBefore[i] += old.txBytes;
            }
            this.#outLinks[i] = out;
            if (inp !== undefined) {
                inLinks.push(inp);
                inPorts.push(i);
            }
            // A port that lost its links left the bridge: forget what was learned on it.
            if (hadLinks && out === null && inp === undefined)
                this.#fdb.flush(i);
        }
        this.#inLinks = inLinks;
        this.#inPorts = Int32Array.from(inPorts);
    }
    ports() {
        return this.#portNames;
    }
    tick(now) {
        this.#fdb.age(now, this.#ageingNs);
    }
    /**
     * Takes every input link in turn. Known unicast between two learned addresses on a VLAN-unaware
     * bridge (the bulk of the traffic) goes through a short inline path: three header loads (through
     * the pool-wide DataView, so the packet's own view object is not touched), one
     * refresh-and-lookup, transmit. Anything else (and any frame the short path is unsure of) goes
     * to `#forward`, which implements every rule; the short path changes nothing before handing over,
     * so both give the same result. Receive counters are summed per link, not per frame.
     */
    push() {
        const now = this.engine.now();
        const links = this.#inLinks;
        const ports = this.#inPorts;
        const short = !this.#vlanFiltering;
        const fdb = this.#fdb;
        fdb.clock = now;
        const outLinks = this.#outLinks;
        const pool = this.pool;
        const mem = pool.memory;
        for (let k = 0; k < links.length; k++) {
            const l = links[k];
            if (l.empty())
                continue;
            const port = ports[k];
            let packets = 0;
            let bytes = 0;
            if (short && this.#learning[port] !== 0) {
                while (!l.empty()) {
                    const p = l.receive();
                    const len = p.len;
                    packets++;
                    bytes += len;
                    if (len >= 18 && p.traceId === 0 && p.pool === pool) {
                        const at = p.base + p.off;
                        const w0 = mem.getUint32(at);
                        const w1 = mem.getUint32(at + 4);
                        const srcHi = w1 & 0xffff;
                        const srcLo = mem.getUint32(at + 8);
                        // Unicast source that is not all zeros, unicast destination.
                        if ((srcHi & 0x100) === 0 && (srcHi | srcLo) !== 0 && (w0 & 0x1000000) === 0) {
                            const out = fdb.refreshAndLookup(srcHi, srcLo | 0, w0 >>> 16, (w0 << 16) | (w1 >>> 16), 0, port);
                            if (out >= 0 && out !== port) {
                                const link = outLinks[out];
                                if (link !== null) {
                                    link.transmit(p);
                                    continue;
                                }
                            }
                        }
                    }
                    this.#forward(p, port, now);
                }
            }
            else {
                while (!l.empty()) {
                    const p = l.receive();
                    packets++;
                    bytes += p.len;
                    this.#forward(p, port, now);
                }
            }
            this.#rxPackets[port] += packets;
            this.#rxBytes[port] += bytes;
        }
    }
    #forward(p, inPort, now) {
        const buf = p.buf;
        const off = p.off;
        const len = p.len;
        if (len < 14)
            return this.#dropFrom(p, inPort, 'runt');
        const view = p.view;
        const srcHi = view.getUint16(off + 6);
        if ((srcHi & 0x100) !== 0)
            return this.#dropFrom(p, inPort, 'multicast-source');
        const srcLo = view.getUint32(off + 8);
        if (srcHi === 0 && srcLo === 0)
            return this.#dropFrom(p, inPort, 'zero-source');
        const tagged = buf[off + 12] === 0x81 && buf[off + 13] === 0x00;
        if (tagged && len < 18)
            return this.#dropFrom(p, inPort, 'truncated-tag');
        let vlan = 0;
        if (this.#vlanFiltering) {
            if (tagged)
                vlan = ((buf[off + 14] << 8) | buf[off + 15]) & 0xfff;
            if (vlan === 0) {
                vlan = this.#pvid[inPort];
                if (vlan === 0)
                    return this.#dropFrom(p, inPort, 'no-pvid');
            }
            if (this.#member[inPort * VLANS + vlan] === NOT_MEMBER)
                return this.#dropFrom(p, inPort, 'vlan-not-member');
        }
        p.inPort = inPort;
        p.vlan = vlan;
        if (this.#learning[inPort] !== 0) {
            this.#fdb.clock = now;
            const learned = this.#fdb.learnWords(srcHi, srcLo | 0, vlan, inPort);
            if (learned === LEARN_NEW) {
                this.#learned[inPort]++;
                if (p.traceId !== 0)
                    this.note(p, `learned ${formatMac(srcHi * TWO_POW_32 + srcLo)} on ${this.#portNames[inPort]} vlan ${vlan}`);
            }
            else if (learned === LEARN_MOVED) {
                if (p.traceId !== 0)
                    this.note(p, `moved ${formatMac(srcHi * TWO_POW_32 + srcLo)} to ${this.#portNames[inPort]} vlan ${vlan}`);
            }
            else if (learned === LEARN_FULL && p.traceId !== 0) {
                this.note(p, `fdb full, not learning ${formatMac(srcHi * TWO_POW_32 + srcLo)}`);
            }
        }
        const dstHi = view.getUint16(off);
        const dstLo = view.getUint32(off + 2);
        if ((dstHi & 0x100) !== 0) {
            if (dstHi === 0x0180 && (dstLo & 0xfffffff0) >>> 0 === 0xc2000000 && dstLo !== 0xc2000000) {
                return this.#dropFrom(p, inPort, 'link-local');
            }
            return this.#flood(p, inPort, vlan);
        }
        const out = this.#fdb.lookupWords(dstHi, dstLo | 0, vlan);
        if (out < 0)
            return this.#flood(p, inPort, vlan);
        if (out === inPort && this.#hairpin[inPort] === 0)
            return this.#dropFrom(p, inPort, 'same-port');
        const link = this.#outLinks[out];
        if (link === null)
            return this.#dropFrom(p, inPort, 'port-unlinked');
        if (this.#vlanFiltering && this.#member[out * VLANS + vlan] === NOT_MEMBER)
            return this.#dropFrom(p, inPort, 'egress-filtered');
        if (p.traceId !== 0)
            this.note(p, `fdb hit -> ${this.#portNames[out]}`);
        this.#emit(p, out, link, vlan, inPort);
    }
    /** Sends a copy to every eligible port: clones for all but the last, which gets the original. */
    #flood(p, inPort, vlan) {
        this.#floods[inPort]++;
        const outLinks = this.#outLinks;
        const flood = this.#floodOn;
        const filtering = this.#vlanFiltering;
        const member = this.#member;
        let prev = -1;
        for (let q = 0; q < outLinks.length; q++) {
            if (outLinks[q] === null || flood[q] === 0)
                continue;
            if (q === inPort && this.#hairpin[q] === 0)
                continue;
            if (filtering && member[q * VLANS + vlan] === NOT_MEMBER)
                continue;
            if (prev >= 0) {
                const copy = this.clone(p);
                if (copy === null)
                    this.cloneFailures++;
                else
                    this.#emit(copy, prev, outLinks[prev], vlan, inPort);
            }
            prev = q;
        }
        if (prev < 0)
            return this.#dropFrom(p, inPort, 'no-egress');
        if (p.traceId !== 0)
            this.note(p, `flood to ${this.#floodTargets(inPort, vlan)}`);
        this.#emit(p, prev, outLinks[prev], vlan, inPort);
    }
    #floodTargets(inPort, vlan) {
        const names = [];
        for (let q = 0; q < this.#outLinks.length; q++) {
            if (this.#outLinks[q] === null || this.#floodOn[q] === 0)
                continue;
            if (q === inPort && this.#hairpin[q] === 0)
                continue;
            if (this.#vlanFiltering && this.#member[q * VLANS + vlan] === NOT_MEMBER)
                continue;
            names.push(this.#portNames[q]);
        }
        return names.join(',');
    }
    /** Puts the frame in the egress port's tag format (VLAN filtering) and transmits it. */
    #emit(p, port, link, vlan, inPort) {
        if (this.#vlanFiltering && !setTag(p, this.#member[port * VLANS + vlan] === UNTAGGED, vlan)) {
            return this.#dropFrom(p, inPort, 'no-headroom');
        }
        link.transmit(p);
    }
    #dropFrom(p, inPort, reason) {
        this.#drops[inPort]++;
        this.drop(p, reason);
    }
    // ---- Control API ----
    #port(name) {
        const i = this.#portIndex.get(name);
        if (i === undefined)
            throw new Error(`bridge ${this.name}: no port ${JSON.stringify(name)} (ports: ${this.#portNames.join(', ') || 'none'})`);
        return i;
    }
    /** Current ageing time in seconds. */
    get ageingTime() {
        return this.#ageingNs / NS_PER_S;
    }
    get vlanFiltering() {
        return this.#vlanFiltering;
    }
    /** FDB entries in use (the gauge), its capacity and refused learns (the overflow counter). */
    fdbStats() {
        return { size: this.#fdb.size, capacity: this.#fdb.capacity, overflows: this.#fdb.overflows };
    }
    /** The forwarding database, sorted by VLAN then MAC, like `bridge fdb show`. */
    fdb() {
        const now = this.engine.now();
        return this.#fdb
            .entries()
            .sort((a, b) => a.vlan - b.vlan || a.mac - b.mac)
            .map((e) => ({
            mac: formatMac(e.mac),
            port: this.#portNames[e.port] ?? `#${e.port}`,
            vlan: e.vlan,
            age: e.isStatic ? null : (now - e.lastSeen) / NS_PER_S,
            static: e.isStatic,
        }));
    }
    /** Adds a static entry (`bridge fdb add MAC dev PORT master static [vlan VID]`). */
    addStatic(mac, port, vlan) {
        const m = parseMac(mac);
        if (isGroupMac(m))
            throw new Error(`bridge ${this.name}: ${mac} is a group address and cannot be an FDB entry`);
        if (vlan !== undefined)
            checkVlan(vlan, `bridge ${this.name}: vlan`);
        const i = this.#port(port);
        const vlans = this.#staticVlans(i, vlan);
        if (vlans.length === 0)
            throw new Error(`bridge ${this.name}: port ${port} is in no VLAN, give a vlan`);
        for (const v of vlans)
            this.#fdb.addStatic(m, v, i, this.engine.now());
    }
    /** Removes the entry for a MAC (in one VLAN, or in all); returns how many were removed. */
    removeEntry(mac, vlan) {
        const m = parseMac(mac);
        let n = 0;
        if (vlan !== undefined)
            return this.#fdb.remove(m, vlan) ? 1 : 0;
        for (let v = 0; v < VLANS; v++)
            if (this.#fdb.remove(m, v))
                n++;
        return n;
    }
    /** Removes dynamic entries, of one port or of all; returns how many. */
    flush(port) {
        return this.#fdb.flush(port === undefined ? -1 : this.#port(port));
    }
    setPortFlags(port, flags) {
        const i = this.#port(port);
        for (const [k, v] of Object.entries(flags)) {
            if (k !== 'learning' && k !== 'flood' && k !== 'hairpin')
                throw new Error(`bridge ${this.name}: unknown port flag ${k} (learning, flood, hairpin)`);
            if (typeof v !== 'boolean')
                throw new Error(`bridge ${this.name}: port flag ${k} must be true or false`);
        }
        if (flags.learning !== undefined)
            this.#learning[i] = flags.learning ? 1 : 0;
        if (flags.flood !== undefined)
            this.#floodOn[i] = flags.flood ? 1 : 0;
        if (flags.hairpin !== undefined)
            this.#hairpin[i] = flags.hairpin ? 1 : 0;
    }
    portFlags(port) {
        const i = this.#port(port);
        return { learning: this.#learning[i] !== 0, flood: this.#floodOn[i] !== 0, hairpin: this.#hairpin[i] !== 0 };
    }
    portCounters(port) {
        const i = this.#port(port);
        return {
            rxPackets: this.#rxPackets[i],
            rxBytes: this.#rxBytes[i],
            txPackets: this.#txPacketsBefore[i] + (this.#outLinks[i]?.txPackets ?? 0),
            txBytes: this.#txBytesBefore[i] + (this.#outLinks[i]?.txBytes ?? 0),
            floods: this.#floods[i],
            learned: this.#learned[i],
            drops: this.#drops[i],
        };
    }
}
function checkVlan(v, where) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4094)
        throw new Error(`${where}: VLAN id must be an integer 1..4094, got ${JSON.stringify(v)}`);
    return v;
}
function grow(a, n) {
    const b = new a.constructor(n);
    b.set(a);
    return b;
}
/**
 * Puts an 802.1Q tag with `vlan` on the frame, or takes it off when `untagged`.
 * Works in place: removing moves the 12 MAC bytes forward over the tag; inserting moves them
 * back into the headroom. Returns false when there is no headroom for a tag.
 */
export function setTag(p, untagged, vlan) {
    const buf = p.buf;
    const off = p.off;
    const tagged = p.len >= 18 && buf[off + 12] === 0x81 && buf[off + 13] === 0x00;
    if (untagged) {
        if (tagged) {
            buf.copyWithin(off + 4, off, off + 12);
            p.off = off + 4;
            p.len -= 4;
        }
        return true;
    }
    if (tagged) {
        // Keep PCP and DEI, set the VID (a priority-tagged frame gets its VLAN here).
        buf[off + 14] = (buf[off + 14] & 0xf0) | (vlan >> 8);
        buf[off + 15] = vlan & 0xff;
        return true;
    }
    if (!p.prepend(4))
        return false;
    const o = p.off;
    buf.copyWithin(o, o + 4, o + 16);
    buf[o + 12] = 0x81;
    buf[o + 13] = 0x00;
    buf[o + 14] = vlan >> 8;
    buf[o + 15] = vlan & 0xff;
    return true;
}
//# sourceMappingURL=learning-bridge.js.map