/**
 * The lab topology model: what a lab file means once it is validated.
 *
 * A lab file is a containerlab-compatible subset (`name`, `topology.nodes` with `kind`,
 * `topology.links[].endpoints` as "node:iface") plus vnet's own fields (bridge ports and
 * VLANs, host interfaces and routes, `checks`). Field names follow the file (snake_case).
 */
export function isHost(n) {
    return n?.kind === 'host';
}
export function isBridge(n) {
    return n?.kind === 'bridge';
}
/** The port names a node exposes: bridge ports and host interfaces that carry frames. */
export function physicalInterfaces(model, node) {
    const names = [];
    for (const l of model.links) {
        if (l.a.node === node)
            names.push(l.a.iface);
        if (l.b.node === node)
            names.push(l.b.iface);
    }
    return names;
}
//# sourceMappingURL=model.js.map