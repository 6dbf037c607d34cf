/**
 * Generated labs for scale tests and benchmarks: `hosts` hosts spread over `bridges` bridges.
 *
 * Shape: bridge b0 is the core; b1..b(n-1) hang off it by one link each (a two-level tree, as
 * access switches under a core). Hosts are dealt round-robin over all bridges and share one
 * 10.0.0.0/16 subnet, so any host can reach any other through at most three bridges. The lab is
 * produced as YAML text, so the benchmark measures what a user's lab file costs to load and build.
 */
export function generateLabYaml(o) {
    if (!Number.isInteger(o.hosts) || o.hosts < 2 || o.hosts > 65000)
        throw new Error(`generate: hosts must be an integer from 2 to 65000, got ${o.hosts}`);
    if (!Number.isInteger(o.bridges) || o.bridges < 1 || o.bridges > 4000)
        throw new Error(`generate: bridges must be an integer from 1 to 4000, got ${o.bridges}`);
    const lines = [`name: ${o.name ?? `gen-${o.hosts}h-${o.bridges}b`}`, 'topology:', '  nodes:'];
    for (let b = 0; b < o.bridges; b++)
        lines.push(`    b${b}: { kind: bridge }`);
    for (let h = 0; h < o.hosts; h++)
        lines.push(`    h${h}: { kind: host, interfaces: { eth0: { ip: ${hostAddress(h)}/16 } } }`);
    lines.push('  links:');
    for (let b = 1; b < o.bridges; b++)
        lines.push(`    - endpoints: ["b0:up${b}", "b${b}:up"]`);
    for (let h = 0; h < o.hosts; h++)
        lines.push(`    - endpoints: ["h${h}:eth0", "b${h % o.bridges}:h${h}"]`);
    const last = o.hosts - 1;
    lines.push('checks:', `  - ping: { from: h0, to: ${hostAddress(last)} }`, `  - ping: { from: h${last}, to: ${hostAddress(0)} }`);
    return `${lines.join('\n')}\n`;
}
/** The address of generated host `h`: 10.0.x.y, skipping .0 and .255. */
export function hostAddress(h) {
    return `10.0.${Math.floor(h / 250)}.${(h % 250) + 1}`;
}
//# sourceMappingURL=generate.js.map