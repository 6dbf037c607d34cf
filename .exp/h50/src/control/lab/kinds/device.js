import { DeviceAssignments, PassthroughNic } from '../../../nics/passthrough.js';
import { isHost } from '../model.js';
export const deviceKind = {
    name: 'device',
    aliases: ['phys-nic'],
    description: 'a physical NIC port for PCI passthrough: port wire to the network; one instance owns it (nic: { passthrough: NAME }) or the host uses it (port host)',
    schemaProperties: {},
    parse() {
        return { kind: 'device' };
    },
    checkLinks(v, name, _node, links) {
        for (const { endpoint, path } of links) {
            if (endpoint.iface !== 'wire' && endpoint.iface !== 'host')
                v.fail(path, `${name} has no port ${endpoint.iface} (ports: wire, host)`);
        }
    },
    build(graph, name, _node, lab) {
        const assignments = new DeviceAssignments();
        let guest;
        for (const [host, n] of Object.entries(lab.nodes)) {
            if (!isHost(n))
                continue;
            for (const [iface, cfg] of Object.entries(n.interfaces)) {
                const ref = cfg.nic;
                if (ref === undefined || !('passthrough' in ref) || ref.passthrough !== name)
                    continue;
                try {
                    assignments.assign(name, host);
                }
                catch (e) {
                    throw new Error(`${host}:${iface}: ${e.message}`);
                }
                if (guest !== undefined)
                    throw new Error(`${host}:${iface}: device ${name} is already passed through to ${guest}`);
                guest = `${host}.${iface}`;
            }
        }
        for (const l of lab.links) {
            const other = l.a.node === name && l.a.iface === 'host' ? l.b : l.b.node === name && l.b.iface === 'host' ? l.a : undefined;
            if (other !== undefined)
                assignments.attachToBridge(name, other.node);
        }
        graph.app(name, PassthroughNic, { owner: assignments.owner(name) ?? null });
        if (guest !== undefined)
            graph.connect(`${name}.guest`, guest);
    },
};
//# sourceMappingURL=device.js.map