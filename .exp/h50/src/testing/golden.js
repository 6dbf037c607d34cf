/**
 * Golden-output comparison for scenario tests. Set UPDATE_GOLDEN=1 to rewrite the files after a
 * change you have checked by eye; a missing golden file is written and the test fails once, so a
 * new golden is always looked at before it is trusted.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
export function compareGolden(name, actual) {
    const file = join(repoRoot(), 'test', 'golden', name);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        writeFileSync(file, actual);
        if (process.env.UPDATE_GOLDEN !== '1')
            assert.fail(`golden file ${name} did not exist; wrote it — check it and run again`);
        return;
    }
    assert.equal(actual, readFileSync(file, 'utf8'), `output differs from test/golden/${name}`);
}
//# sourceMappingURL=golden.js.map