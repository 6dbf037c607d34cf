import { deriveMac } from '../../../hosts/config.js';
import { SriovNic } from '../../../nics/sriov/sriov-nic.js';
import { formatMac } from '../../../wire/mac.js';
import { isHost } from '../model.js';
export const sriovNicKind = {
    name: 'sriov-nic',
    aliases: ['sriov'],
    description: 'an SR-IOV NIC: PF, VFs up to a hardware limit, an embedded switch by MAC and VLAN, per-VF mac/vlan/qos/spoofchk/trust/state/max_tx_rate',
    schemaProperties: {
        max_vfs: { type: 'integer', minimum: 0, maximum: 256, description: 'VFs the hardware supports (sriov_totalvfs)' },
        vfs: { type: 'integer', minimum: 0, maximum: 256, description: 'VFs enabled (sriov_numvfs), at most max_vfs' },
        uplink: { type: 'string', description: 'port name of the lab link to the network (default uplink)' },
        veb_entries: { type: 'integer', minimum: 1, maximum: 65536, description: 'entries of the embedded switch\'s MAC table (default 128)' },
        mac: { $ref: '#/definitions/mac' },
        vf_settings: {
            type: 'object',
            propertyNames: { pattern: '^[0-9]+$' },
            additionalProperties: {
                type: 'object',
                additionalProperties: false,
                properties: {
                    mac: { $ref: '#/definitions/mac' },
                    vlan: { type: 'integer', minimum: 0, maximum: 4094 },
                    qos: { type: 'integer', minimum: 0, maximum: 7 },
                    spoofchk: { type: 'boolean' },
                    trust: { type: 'boolean' },
                    state: { enum: ['auto', 'enable', 'disable'] },
                    max_tx_rate: { type: 'integer', minimum: 0, description: 'Mbit/s, 0 = unlimited' },
                },
            },
        },
    },
    parse: parseSriovNic,
    checkLinks(v, name, node, links) {
        for (const { endpoint, path } of links) {
            const iface = endpoint.iface;
            const vf = /^vf(\d+)$/.exec(iface);
            if (vf)
                v.fail(path, `${name}:${iface} is a VF port: VFs are wired by the NIC; give the host interface nic: { sriov: ${name}, vf: ${vf[1]} }`);
            else if (iface !== node.uplink && iface !== 'pf')
                v.fail(path, `${name} has no port ${iface} (ports: ${node.uplink}, pf)`);
        }
    },
    build(graph, name, node, lab) {
        const owners = {};
        const driverMacs = {};
        const wires = [];
        for (const [host, n] of Object.entries(lab.nodes)) {
            if (!isHost(n))
                continue;
            for (const [iface, cfg] of Object.entries(n.interfaces)) {
                const ref = cfg.nic;
                if (ref === undefined || !('sriov' in ref) || ref.sriov !== name)
                    continue;
                if (ref.vf >= node.vfs)
                    throw new Error(`${host}:${iface}: ${name} has no vf ${ref.vf} (${node.vfs} VFs enabled, hardware limit ${node.maxVfs})`);
                const taken = owners[ref.vf];
                if (taken !== undefined)
                    throw new Error(`${name} vf ${ref.vf} is already assigned to ${taken}; ${host}:${iface} cannot also have it`);
                owners[ref.vf] = `${host}:${iface}`;
                driverMacs[ref.vf] = cfg.mac ?? node.vfSettings[ref.vf]?.mac ?? formatMac(deriveMac(host, iface));
                wires.push([`${host}.${iface}`, `${name}.vf${ref.vf}`]);
            }
        }
        const conf = {
            maxVfs: node.maxVfs,
            vfs: node.vfs,
            uplinkPort: node.uplink,
            vfSettings: node.vfSettings,
            driverMacs,
            owners,
            ...(node.vebEntries !== undefined ? { vebEntries: node.vebEntries } : {}),
            ...(node.mac !== undefined ? { mac: node.mac } : {}),
        };
        graph.app(name, SriovNic, conf);
        for (const [a, b] of wires)
            graph.connect(a, b);
    },
};
/** The administrator's MAC of the VF an interface sits on, which the guest's driver adopts. */
export function adminVfMac(lab, nic) {
    if (!('sriov' in nic))
        return undefined;
    const node = lab.nodes[nic.sriov];
    return node?.kind === 'sriov-nic' ? node.vfSettings[nic.vf]?.mac : undefined;
}
function parseSriovNic(v, node, path) {
    const name = String(path[path.length - 1]);
    const maxVfs = v.int(node.max_vfs, [...path, 'max_vfs'], 0, 256) ?? 0;
    const vfs = node.vfs === undefined ? 0 : v.int(node.vfs, [...path, 'vfs'], 0, 256) ?? 0;
    if (vfs > maxVfs)
        v.fail([...path, 'vfs'], `${name} supports at most ${maxVfs} VFs (max_vfs); cannot enable ${vfs}`);
    const uplink = node.uplink === undefined ? 'uplink' : v.string(node.uplink, [...path, 'uplink']) ?? 'uplink';
    const vfSettings = {};
    const raw = node.vf_settings === undefined ? {} : v.object(node.vf_settings, [...path, 'vf_settings']) ?? {};
    for (const [key, body] of Object.entries(raw)) {
        const sp = [...path, 'vf_settings', key];
        const vf = Number(key);
        if (!/^\d+$/.test(key) || vf >= vfs) {
            v.fail(sp, `${name} has no vf ${key} (${vfs} VFs enabled, hardware limit ${maxVfs})`, true);
            continue;
        }
        const s = v.object(body, sp);
        if (s === undefined)
            continue;
        v.allowOnly(s, sp, ['mac', 'vlan', 'qos', 'spoofchk', 'trust', 'state', 'max_tx_rate']);
        const out = {};
        if (s.mac !== undefined)
            out.mac = v.mac(s.mac, [...sp, 'mac']);
        if (s.vlan !== undefined)
            out.vlan = v.int(s.vlan, [...sp, 'vlan'], 0, 4094);
        if (s.qos !== undefined) {
            out.qos = v.int(s.qos, [...sp, 'qos'], 0, 7);
            if (out.qos !== undefined && out.qos > 0 && !(typeof s.vlan === 'number' && s.vlan > 0))
                v.fail([...sp, 'qos'], 'qos needs a port vlan');
        }
        if (s.spoofchk !== undefined)
            out.spoofchk = v.bool(s.spoofchk, [...sp, 'spoofchk']);
        if (s.trust !== undefined)
            out.trust = v.bool(s.trust, [...sp, 'trust']);
        if (s.state !== undefined) {
            if (s.state === 'auto' || s.state === 'enable' || s.state === 'disable')
                out.state = s.state;
            else
                v.fail([...sp, 'state'], 'must be auto, enable or disable');
        }
        if (s.max_tx_rate !== undefined)
            out.maxTxRate = v.int(s.max_tx_rate, [...sp, 'max_tx_rate'], 0, 1_000_000);
        vfSettings[vf] = out;
    }
    return {
        kind: 'sriov-nic',
        maxVfs,
        vfs,
        uplink,
        vfSettings,
        ...(node.veb_entries !== undefined ? { vebEntries: v.int(node.veb_entries, [...path, 'veb_entries'], 1, 65536) ?? 128 } : {}),
        ...(node.mac !== undefined ? { mac: v.mac(node.mac, [...path, 'mac']) } : {}),
    };
}
//# sourceMappingURL=sriov-nic.js.map