import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offloadsOption } from './real-lab.js';
test('real labs have TAP offloads unless --no-offloads says otherwise; both flags at once is an error', () => {
    assert.equal(offloadsOption(undefined, undefined), true);
    assert.equal(offloadsOption(true, undefined), true);
    assert.equal(offloadsOption(undefined, true), false);
    assert.throws(() => offloadsOption(true, true), /--offloads and --no-offloads contradict each other/);
});
//# sourceMappingURL=real-lab.test.js.map