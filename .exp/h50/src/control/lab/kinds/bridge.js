/** `kind: bridge` — a Linux-bridge-style learning bridge with optional VLAN filtering. */
import { LearningBridge } from '../../../bridges/learning-bridge.js';
const vlan = { $ref: '#/definitions/vlan' };
const vlanList = { $ref: '#/definitions/vlanList' };
export const bridgeKind = {
    name: 'bridge',
    aliases: ['linux-bridge'],
    description: 'a learning bridge with Linux bridge semantics (FDB ageing, flooding, VLAN filtering)',
    schemaProperties: {
        vlan_filtering: { type: 'boolean', description: 'on by default when any port has VLAN settings' },
        ageing_time: { type: 'integer', minimum: 0, maximum: 1000000, description: 'seconds a learned address lives (default 300)' },
        fdb_max: { type: 'integer', minimum: 1, description: 'FDB bound (default 4096); learning past it is refused and counted' },
        static_fdb: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['mac', 'port'], properties: { mac: { $ref: '#/definitions/mac' }, port: { type: 'string' }, vlan } },
        },
        ports: {
            type: 'object',
            additionalProperties: {
                type: ['object', 'null'],
                additionalProperties: false,
                properties: { pvid: vlan, untagged: vlanList, tagged: vlanList, learning: { type: 'boolean' }, flood: { type: 'boolean' }, hairpin: { type: 'boolean' } },
            },
        },
    },
    parse: parseBridge,
    build(graph, name, node) {
        const conf = {
            vlanFiltering: node.vlanFiltering,
            ports: node.ports,
            static: node.staticFdb,
            ...(node.ageingTime !== undefined ? { ageingTime: node.ageingTime } : {}),
            ...(node.fdbMax !== undefined ? { fdbMax: node.fdbMax } : {}),
        };
        graph.app(name, LearningBridge, conf);
    },
};
function parseBridge(v, node, path) {
    const ports = {};
    let anyVlan = false;
    const rawPorts = node.ports === undefined ? {} : v.object(node.ports, [...path, 'ports']) ?? {};
    for (const [portName, raw] of Object.entries(rawPorts)) {
        const pp = [...path, 'ports', portName];
        const p = raw === null ? {} : v.object(raw, pp);
        if (p === undefined)
            continue;
        v.allowOnly(p, pp, ['pvid', 'untagged', 'tagged', 'learning', 'flood', 'hairpin']);
        const port = {};
        if (p.pvid !== undefined) {
            port.pvid = v.int(p.pvid, [...pp, 'pvid'], 1, 4094);
            anyVlan = true;
        }
        if (p.untagged !== undefined) {
            port.untagged = v.vlanList(p.untagged, [...pp, 'untagged']);
            anyVlan = true;
        }
        if (p.tagged !== undefined) {
            port.tagged = v.vlanList(p.tagged, [...pp, 'tagged']);
            anyVlan = true;
        }
        if (p.learning !== undefined)
            port.learning = v.bool(p.learning, [...pp, 'learning']);
        if (p.flood !== undefined)
            port.flood = v.bool(p.flood, [...pp, 'flood']);
        if (p.hairpin !== undefined)
            port.hairpin = v.bool(p.hairpin, [...pp, 'hairpin']);
        ports[portName] = port;
    }
    const vlanFiltering = node.vlan_filtering === undefined ? anyVlan : v.bool(node.vlan_filtering, [...path, 'vlan_filtering']) ?? false;
    const staticFdb = [];
    if (node.static_fdb !== undefined) {
        if (!Array.isArray(node.static_fdb))
            v.fail([...path, 'static_fdb'], 'must be a list of { mac, port, vlan? }');
        else
            node.static_fdb.forEach((raw, i) => {
                const sp = [...path, 'static_fdb', i];
                const e = v.object(raw, sp);
                if (e === undefined)
                    return;
                v.allowOnly(e, sp, ['mac', 'port', 'vlan']);
                const mac = v.mac(e.mac, [...sp, 'mac']);
                const port = v.string(e.port, [...sp, 'port']);
                const vlan = e.vlan === undefined ? undefined : v.int(e.vlan, [...sp, 'vlan'], 1, 4094);
                if (mac && port)
                    staticFdb.push({ mac, port, ...(vlan !== undefined ? { vlan } : {}) });
            });
    }
    return {
        kind: 'bridge',
        vlanFiltering,
        ports,
        staticFdb,
        ...(node.ageing_time !== undefined ? { ageingTime: v.int(node.ageing_time, [...path, 'ageing_time'], 0, 1_000_000) } : {}),
        ...(node.fdb_max !== undefined ? { fdbMax: v.int(node.fdb_max, [...path, 'fdb_max'], 1, 1 << 24) } : {}),
    };
}
//# sourceMappingURL=bridge.js.map