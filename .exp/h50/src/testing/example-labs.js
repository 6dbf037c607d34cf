/**
 * The two scenario tests every example lab gets: `vnet lab run` passes all its checks with
 * packets conserved, and its text and JSON reports match the golden files
 * `test/golden/<prefix><lab>.txt` and `.json`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './cli.js';
import { compareGolden } from './golden.js';
export function exampleLabTests(lab, goldenPrefix = 'lab-run-') {
    test(`vnet lab run passes every check of examples/${lab}.yml and prints the golden report`, () => {
        const r = runCli(['lab', 'run', `examples/${lab}.yml`]);
        assert.equal(r.stderr, '');
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /packets conserved/);
        compareGolden(`${goldenPrefix}${lab}.txt`, r.stdout);
    });
    test(`vnet lab run --json for examples/${lab}.yml matches its golden JSON`, () => {
        const r = runCli(['lab', 'run', `examples/${lab}.yml`, '--json']);
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout);
        assert.equal(report.failed, 0);
        assert.ok(report.conservation.ok);
        compareGolden(`${goldenPrefix}${lab}.json`, r.stdout);
    });
}
//# sourceMappingURL=example-labs.js.map