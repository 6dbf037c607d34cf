/**
 * Loads and validates a lab file.
 *
 * Every problem is reported as `file:line:col: path: message`, where path names the field
 * (`topology.nodes.h1.interfaces.eth0.ip`), so a user can go straight to it. All problems of a
 * file are collected before failing, not just the first.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { isHost } from './model.js';
import { CONTAINERLAB_NODE_FIELDS, LabFileError, Validator, describe } from './validator.js';
import { NODE_KINDS } from './kinds/index.js';
export { LabFileError, formatProblem } from './validator.js';
/** The node kinds, for listings. */
export function nodeKinds() {
    return NODE_KINDS;
}
function kindByName(name) {
    return NODE_KINDS.find((k) => k.name === name || k.aliases.includes(name));
}
/** Reads and validates a lab file; throws LabFileError listing every problem. */
export function loadLabFile(path) {
    let text;
    try {
        text = readFileSync(path, 'utf8');
    }
    catch (e) {
        throw new LabFileError([{ file: path, line: 1, col: 1, path: '', message: `cannot read: ${e.message}` }]);
    }
    return parseLab(text, path);
}
/** Validates lab file text; `file` is used in messages. */
export function parseLab(text, file = '<lab>') {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const shortFile = file;
    if (doc.errors.length > 0) {
        throw new LabFileError(doc.errors.map((e) => {
            const pos = lines.linePos(e.pos[0]);
            return { file: shortFile, line: pos.line, col: pos.col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
        }));
    }
    const v = new Validator(shortFile, doc, lines);
    const root = v.object(doc.toJS(), []);
    if (root === undefined)
        throw new LabFileError(v.problems);
    v.allowOnly(root, [], ['name', 'topology', 'checks'], new Set(['prefix', 'mgmt']));
    const name = root.name === undefined ? basename(file).replace(/\.(clab\.)?ya?ml$/, '') : v.string(root.name, ['name']) ?? 'lab';
    const topo = v.object(root.topology, ['topology']) ?? {};
    v.allowOnly(topo, ['topology'], ['nodes', 'links'], new Set(['kinds', 'defaults']));
    const nodes = {};
    const rawNodes = v.object(topo.nodes, ['topology', 'nodes']) ?? {};
    for (const [nodeName, raw] of Object.entries(rawNodes)) {
        const path = ['topology', 'nodes', nodeName];
        if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(nodeName))
            v.fail(path, 'node names start with a letter and hold letters, digits, _ and -', true);
        const node = v.object(raw, path);
        if (node === undefined)
            continue;
        const kindName = v.string(node.kind, [...path, 'kind']);
        if (kindName === undefined)
            continue;
        const kind = kindByName(kindName);
        if (kind === undefined) {
            v.fail([...path, 'kind'], `unknown kind ${JSON.stringify(kindName)} (known: ${NODE_KINDS.flatMap((k) => [k.name, ...k.aliases]).join(', ')})`);
            continue;
        }
        v.allowOnly(node, path, ['kind', ...Object.keys(kind.schemaProperties)], CONTAINERLAB_NODE_FIELDS);
        nodes[nodeName] = kind.parse(v, node, path);
    }
    const links = [];
    const used = new Map();
    const endpoints = [];
    const rawLinks = topo.links === undefined ? [] : topo.links;
    if (!Array.isArray(rawLinks))
        v.fail(['topology', 'links'], `must be a list, got ${describe(rawLinks)}`);
    else
        rawLinks.forEach((raw, i) => {
            const path = ['topology', 'links', i];
            const l = v.object(raw, path);
            if (l === undefined)
                return;
            v.allowOnly(l, path, ['endpoints', 'mtu'], new Set(['vars', 'labels']));
            const eps = l.endpoints;
            if (!Array.isArray(eps) || eps.length !== 2) {
                v.fail([...path, 'endpoints'], 'must be a list of two "node:iface" strings');
                return;
            }
            const parsed = eps.map((e, j) => {
                const s = v.string(e, [...path, 'endpoints', j]);
                if (s === undefined)
                    return undefined;
                const m = /^([^:]+):(.+)$/.exec(s);
                if (!m) {
                    v.fail([...path, 'endpoints', j], `${JSON.stringify(s)} is not "node:iface"`);
                    return undefined;
                }
                const [, node, iface] = m;
                if (nodes[node] === undefined && rawNodes[node] === undefined) {
                    v.fail([...path, 'endpoints', j], `unknown node ${JSON.stringify(node)}`);
                    return undefined;
                }
                const key = `${node}:${iface}`;
                if (used.has(key)) {
                    v.fail([...path, 'endpoints', j], `${key} is already used by link ${used.get(key)}`);
                    return undefined;
                }
                used.set(key, i);
                endpoints.push({ endpoint: { node, iface }, path: [...path, 'endpoints', j] });
                return { node, iface };
            });
            const mtu = l.mtu === undefined ? undefined : v.int(l.mtu, [...path, 'mtu'], 68, 65535);
            if (parsed[0] && parsed[1])
                links.push({ a: parsed[0], b: parsed[1], ...(mtu !== undefined ? { mtu } : {}) });
        });
    for (const [nodeName, n] of Object.entries(nodes)) {
        kindByName(n.kind)?.checkLinks?.(v, nodeName, n, endpoints.filter((e) => e.endpoint.node === nodeName), ['topology', 'nodes', nodeName]);
    }
    const checks = parseChecks(v, root.checks, nodes);
    if (v.problems.length > 0)
        throw new LabFileError(v.problems);
    return { name, file, nodes, links, checks };
}
function parseChecks(v, raw, nodes) {
    if (raw === undefined)
        return [];
    if (!Array.isArray(raw)) {
        v.fail(['checks'], 'must be a list');
        return [];
    }
    const checks = [];
    const host = (x, path) => {
        const s = v.string(x, path);
        if (s === undefined)
            return undefined;
        const node = nodes[s];
        if (!isHost(node) && NODE_KINDS.find((k) => k.name === node?.kind)?.ipStackApp === undefined) {
            v.fail(path, `${JSON.stringify(s)} is not a host of this lab or a VM`);
            return undefined;
        }
        return s;
    };
    const expect = (x, path) => {
        if (x === undefined)
            return 'success';
        if (x === 'success' || x === 'failure')
            return x;
        v.fail(path, `must be success or failure, got ${describe(x)}`);
        return undefined;
    };
    raw.forEach((c, i) => {
        const path = ['checks', i];
        if (c === 'pingall') {
            checks.push({ kind: 'pingall', count: 1 });
            return;
        }
        const obj = v.object(c, path);
        if (obj === undefined)
            return;
        const keys = Object.keys(obj);
        if (keys.length !== 1) {
            v.fail(path, `a check is pingall, or a mapping with one of: pingall, ping, udp`);
            return;
        }
        const kind = keys[0];
        const body = obj[kind];
        if (kind === 'pingall') {
            const b = body === null ? {} : v.object(body, [...path, kind]);
            if (!b)
                return;
            v.allowOnly(b, [...path, kind], ['count']);
            const count = b.count === undefined ? 1 : v.int(b.count, [...path, kind, 'count'], 1, 100);
            if (count !== undefined)
                checks.push({ kind: 'pingall', count });
        }
        else if (kind === 'ping' || kind === 'udp') {
            const b = v.object(body, [...path, kind]);
            if (!b)
                return;
            const bp = [...path, kind];
            v.allowOnly(b, bp, kind === 'ping' ? ['from', 'to', 'expect', 'count'] : ['from', 'to', 'port', 'expect']);
            const from = host(b.from, [...bp, 'from']);
            const to = v.ip(b.to, [...bp, 'to']);
            const ex = expect(b.expect, [...bp, 'expect']);
            if (kind === 'ping') {
                const count = b.count === undefined ? 1 : v.int(b.count, [...bp, 'count'], 1, 100);
                if (from && to && ex && count !== undefined)
                    checks.push({ kind: 'ping', from, to, expect: ex, count });
            }
            else {
                const port = v.int(b.port, [...bp, 'port'], 1, 65535);
                if (from && to && ex && port !== undefined)
                    checks.push({ kind: 'udp', from, to, port, expect: ex });
            }
        }
        else {
            v.fail([...path, kind], `unknown check (known: pingall, ping, udp)`, true);
        }
    });
    return checks;
}
/** The JSON schema of lab files, generated from the node kinds (schema/lab.schema.json is this). */
export function labSchema() {
    const ipv4 = '(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}';
    const clab = Object.fromEntries([...CONTAINERLAB_NODE_FIELDS].filter((f) => f !== 'kind').map((f) => [f, { description: 'containerlab field, ignored' }]));
    const kindDefs = Object.fromEntries(NODE_KINDS.map((k) => [k.name, {
            description: k.description,
            type: 'object',
            required: ['kind'],
            additionalProperties: false,
            properties: { ...clab, kind: { enum: [k.name, ...k.aliases] }, ...k.schemaProperties },
        }]));
    const check = (name, props, required) => ({
        type: 'object', additionalProperties: false, required: [name],
        properties: { [name]: { type: 'object', additionalProperties: false, required, properties: props } },
    });
    return {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: 'https://vnet.dev/schema/lab.schema.json',
        title: 'vnet lab file',
        description: 'A containerlab-compatible topology (name, topology.nodes with kind, topology.links[].endpoints as "node:iface") plus vnet\'s own fields.',
        type: 'object',
        additionalProperties: false,
        required: ['topology'],
        properties: {
            name: { type: 'string', minLength: 1 },
            prefix: { description: 'containerlab field, ignored' },
            mgmt: { description: 'containerlab field, ignored' },
            topology: {
                type: 'object',
                additionalProperties: false,
                required: ['nodes'],
                properties: {
                    kinds: { description: 'containerlab field, ignored' },
                    defaults: { description: 'containerlab field, ignored' },
                    nodes: {
                        type: 'object',
                        propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_-]*$' },
                        additionalProperties: { oneOf: NODE_KINDS.map((k) => ({ $ref: `#/definitions/kind-${k.name}` })) },
                    },
                    links: {
                        type: 'array',
                        items: {
                            type: 'object', additionalProperties: false, required: ['endpoints'],
                            properties: {
                                endpoints: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', pattern: '^[^:]+:.+$' } },
                                mtu: { type: 'integer', minimum: 68, maximum: 65535 },
                                vars: {},
                                labels: {},
                            },
                        },
                    },
                },
            },
            checks: {
                type: 'array',
                items: {
                    oneOf: [
                        { const: 'pingall' },
                        { type: 'object', additionalProperties: false, required: ['pingall'], properties: { pingall: { type: ['object', 'null'], additionalProperties: false, properties: { count: { type: 'integer', minimum: 1, maximum: 100 } } } } },
                        check('ping', { from: { type: 'string' }, to: { $ref: '#/definitions/ipv4' }, expect: { enum: ['success', 'failure'] }, count: { type: 'integer', minimum: 1, maximum: 100 } }, ['from', 'to']),
                        check('udp', { from: { type: 'string' }, to: { $ref: '#/definitions/ipv4' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, expect: { enum: ['success', 'failure'] } }, ['from', 'to', 'port']),
                    ],
                },
            },
        },
        definitions: {
            ipv4: { type: 'string', pattern: `^${ipv4}$` },
            cidr: { type: 'string', pattern: `^${ipv4}/([0-9]|[12][0-9]|3[0-2])$` },
            mac: { type: 'string', pattern: '^[0-9a-fA-F][02468aceACE](:[0-9a-fA-F]{2}){5}$' },
            vlan: { type: 'integer', minimum: 1, maximum: 4094 },
            vlanList: { oneOf: [{ $ref: '#/definitions/vlan' }, { type: 'array', items: { $ref: '#/definitions/vlan' } }] },
            ...Object.fromEntries(Object.entries(kindDefs).map(([k, d]) => [`kind-${k}`, d])),
        },
    };
}
//# sourceMappingURL=load.js.map