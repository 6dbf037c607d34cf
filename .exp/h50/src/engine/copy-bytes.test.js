import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOOP_MAX, copyBytes } from './copy-bytes.js';
test('copyBytes copies exactly the range asked, at every length and offset, by loop and by set', () => {
    const src = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37 + 11) & 0xff);
    for (const len of [0, 1, 3, 4, 5, 63, 64, 76, LOOP_MAX - 1, LOOP_MAX, LOOP_MAX + 1, 600]) {
        for (const [srcOff, dstOff] of [[0, 0], [1, 3], [7, 12], [100, 2]]) {
            const dst = new Uint8Array(1024).fill(0xee);
            copyBytes(dst, dstOff, src, srcOff, len);
            for (let i = 0; i < dst.length; i++) {
                const want = i >= dstOff && i < dstOff + len ? src[srcOff + i - dstOff] : 0xee;
                assert.equal(dst[i], want, `len ${len} src ${srcOff} dst ${dstOff} byte ${i}`);
            }
        }
    }
});
//# sourceMappingURL=copy-bytes.test.js.map