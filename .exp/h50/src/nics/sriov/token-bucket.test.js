import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';
test('a full bucket passes one burst and then refuses until time refills it', () => {
    const b = new TokenBucket(8_000_000, 0, 8000); // 1 MB/s, 1000-byte burst
    assert.equal(b.take(1000, 0), true);
    assert.equal(b.take(1, 0), false);
    assert.equal(b.refused, 1);
    // 1000 bytes take 1 ms to earn back at 1 MB/s.
    assert.equal(b.take(1000, 999_000), false);
    assert.equal(b.take(1000, 1_000_000), true);
});
test('an idle bucket never holds more than its burst', () => {
    const b = new TokenBucket(1_000_000, 0, 10_000);
    assert.equal(b.available(10 * 1e9), 10_000);
});
test('over a long run the bucket passes the configured rate and no more', () => {
    const rate = 100e6; // 100 Mbit/s
    const b = new TokenBucket(rate, 0);
    let passed = 0;
    const frame = 1500;
    // Offer 1 Gbit/s for 100 ms: one 1500-byte frame every 12 us.
    for (let t = 0; t < 100e6; t += 12_000)
        if (b.take(frame, t))
            passed += frame * 8;
    const expected = rate * 0.1 + b.burstBits;
    assert.ok(passed <= expected, `passed ${passed} bits, at most ${expected} allowed`);
    assert.ok(passed >= rate * 0.1 * 0.98, `passed ${passed} bits, expected about ${rate * 0.1}`);
});
test('a rate that is not positive is refused with a message naming it', () => {
    assert.throws(() => new TokenBucket(0, 0), /rate must be a positive number of bits per second, got 0/);
});
//# sourceMappingURL=token-bucket.test.js.map