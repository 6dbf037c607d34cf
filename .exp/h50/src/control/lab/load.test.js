import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { LabFileError, labSchema, loadLabFile, parseLab } from './load.js';
import { isHost } from './model.js';
import { repoRoot } from '../../testing/paths.js';
const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const schema = JSON.parse(readFileSync(join(repoRoot(), 'schema', 'lab.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const examples = readdirSync(join(repoRoot(), 'examples')).filter((f) => f.endsWith('.yml')).map((f) => join(repoRoot(), 'examples', f));
test('every example lab loads and matches the published JSON schema', () => {
    assert.ok(examples.length >= 3);
    for (const file of examples) {
        const model = loadLabFile(file);
        assert.ok(Object.keys(model.nodes).length > 0, file);
        const ok = validate(parseYaml(readFileSync(file, 'utf8')));
        assert.ok(ok, `${file}: ${JSON.stringify(validate.errors)}`);
    }
});
test('the two-hosts example means what it says', () => {
    const m = loadLabFile(join(repoRoot(), 'examples', 'two-hosts.yml'));
    assert.equal(m.name, 'two-hosts');
    assert.deepEqual(m.links.map((l) => `${l.a.node}:${l.a.iface}-${l.b.node}:${l.b.iface}`), ['h1:eth0-br0:p1', 'h2:eth0-br0:p2']);
    assert.deepEqual(m.checks, [{ kind: 'pingall', count: 1 }, { kind: 'ping', from: 'h1', to: '10.0.0.2', expect: 'success', count: 1 }]);
    const h1 = m.nodes.h1;
    assert.ok(isHost(h1));
    assert.deepEqual(h1.interfaces.eth0?.ips, ['10.0.0.1/24']);
});
function problems(text) {
    try {
        parseLab(text, 'bad.yml');
    }
    catch (e) {
        assert.ok(e instanceof LabFileError);
        return e.message.split('\n');
    }
    assert.fail('expected the lab to be rejected');
}
test('errors name the file, line, column and field', () => {
    const text = [
        'name: bad',
        'topology:',
        '  nodes:',
        '    br0: { kind: bridge, ports: { p1: { pvid: 5000 } } }',
        '    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/33 } } }',
        '    h2: { kind: toaster }',
        '  links:',
        '    - endpoints: ["h1:eth0", "br9:p1"]',
        'checks:',
        '  - ping: { from: h9, to: 10.0.0.2 }',
    ].join('\n');
    const msgs = problems(text);
    assert.ok(msgs.includes('bad.yml:4:47: topology.nodes.br0.ports.p1.pvid: must be an integer from 1 to 4094, got number 5000'), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('bad.yml:5:49: topology.nodes.h1.interfaces.eth0.ip: "10.0.0.1/33" is not an IPv4 address')), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('bad.yml:6:17: topology.nodes.h2.kind: unknown kind "toaster"')), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('bad.yml:8:30: topology.links.0.endpoints.1: unknown node "br9"')), msgs.join('\n'));
    assert.ok(msgs.some((m) => m.startsWith('bad.yml:10:19: checks.0.ping.from: "h9" is not a host of this lab')), msgs.join('\n'));
    // And the JSON schema rejects it too.
    assert.equal(validate(parseYaml(text)), false);
});
test('an unknown field points at its key', () => {
    const msgs = problems('topology:\n  nodes:\n    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24, colour: red } } }\n  links: [ { endpoints: ["h1:eth0", "h1:eth1"] } ]\n');
    assert.ok(msgs.some((m) => /^bad\.yml:3:62: topology\.nodes\.h1\.interfaces\.eth0\.colour: unknown field/.test(m)), msgs.join('\n'));
});
test('a host interface left unconnected is an error', () => {
    const msgs = problems('topology:\n  nodes:\n    h1: { kind: host, interfaces: { eth0: { ip: 10.0.0.1/24 } } }\n');
    assert.ok(msgs.some((m) => m.includes('h1:eth0 is not connected by any link')), msgs.join('\n'));
});
test('an endpoint used twice is an error', () => {
    const msgs = problems('topology:\n  nodes:\n    b: { kind: bridge }\n    h1: { kind: host, interfaces: { eth0: {} } }\n  links:\n    - endpoints: ["h1:eth0", "b:p1"]\n    - endpoints: ["h1:eth0", "b:p2"]\n');
    assert.ok(msgs.some((m) => m.includes('h1:eth0 is already used by link 0')), msgs.join('\n'));
});
test('YAML syntax errors carry a position', () => {
    const msgs = problems('topology:\n  nodes: {\n');
    assert.match(msgs[0], /^bad\.yml:\d+:\d+: YAML: /);
});
test('VLAN sub-interfaces take their VLAN and parent from the name', () => {
    const m = parseLab('topology:\n  nodes:\n    b: { kind: bridge }\n    h: { kind: host, interfaces: { eth0: {}, eth0.10: { ip: 10.1.0.1/24 } } }\n  links:\n    - endpoints: ["h:eth0", "b:p1"]\n');
    const h = m.nodes.h;
    assert.ok(isHost(h));
    assert.deepEqual(h.interfaces['eth0.10'], { ips: ['10.1.0.1/24'], vlan: 10, parent: 'eth0' });
});
test('the published schema file is the one the node kinds generate', () => {
    const published = JSON.parse(readFileSync(join(repoRoot(), 'schema', 'lab.schema.json'), 'utf8'));
    assert.deepEqual(published, labSchema(), 'run: vnet lab schema > schema/lab.schema.json');
});
//# sourceMappingURL=load.test.js.map