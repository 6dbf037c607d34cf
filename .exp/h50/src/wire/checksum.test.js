import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksumUpdate16, checksumUpdate32, foldSum, internetChecksum, internetSum, internetSumView, ipv4PseudoHeaderSum } from './checksum.js';
import { hex, VXLAN_ICMP_FRAME } from './fixtures.js';
test('the RFC 1071 section 3 example sums to 0xddf2 and checksums to 0x220d', () => {
    const bytes = hex('0001f203f4f5f6f7');
    assert.equal(internetSum(bytes, 0, 8), 0xddf2);
    assert.equal(internetChecksum(bytes, 0, 8), 0x220d);
});
test('an odd trailing byte is summed as if padded with zero', () => {
    const bytes = hex('0001f203f4f5f6f7ab');
    assert.equal(internetSum(bytes, 0, 9), internetSum(hex('0001f203f4f5f6f7ab00'), 0, 10));
});
test('the seed chains partial sums, and a range holding its own correct checksum sums to 0xffff', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    assert.equal(internetSum(frame, 14, 20), 0xffff, 'outer IPv4 header checksum 0x6691 verifies');
    assert.equal(internetChecksum(frame, 14, 20), 0);
    const first = internetSum(frame, 34, 10);
    assert.equal(internetSum(frame, 44, 59, first), internetSum(frame, 34, 69));
});
test('the IPv4 pseudo-header sum makes the VXLAN packet UDP checksum 0x2673 verify', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const seed = ipv4PseudoHeaderSum(0x0a000001, 0x0a000002, 17, 69);
    assert.equal(internetSum(frame, 34, 69, seed), 0xffff);
    const copy = frame.slice();
    copy[40] = 0;
    copy[41] = 0;
    assert.equal(internetChecksum(copy, 34, 69, seed), 0x2673);
});
test('foldSum folds repeated carries', () => {
    assert.equal(foldSum(0x1fffe), 0xffff);
    assert.equal(foldSum(0x2_fffd), 0xffff);
    assert.equal(foldSum(0x12345678), 0x68ac);
});
test('checksumUpdate16 matches a full recomputation after a TTL decrement in a real header', () => {
    const frame = hex(VXLAN_ICMP_FRAME);
    const oldWord = (frame[22] << 8) | frame[23];
    frame[22] = frame[22] - 1;
    const newWord = (frame[22] << 8) | frame[23];
    const patched = checksumUpdate16((frame[24] << 8) | frame[25], oldWord, newWord);
    frame[24] = 0;
    frame[25] = 0;
    assert.equal(patched, internetChecksum(frame, 14, 20));
});
test('incremental updates agree with full recomputation over random headers and words', () => {
    let seed = 0x2545f491;
    const rand = () => {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return seed >>> 0;
    };
    const buf = new Uint8Array(20);
    for (let round = 0; round < 2000; round++) {
        for (let i = 0; i < 20; i++)
            buf[i] = rand() & 0xff;
        buf[10] = 0;
        buf[11] = 0;
        const before = internetChecksum(buf, 0, 20);
        const wordAt = (rand() % 10) * 2;
        if (wordAt === 10)
            continue;
        const old16 = (buf[wordAt] << 8) | buf[wordAt + 1];
        const new16 = rand() & 0xffff;
        buf[wordAt] = new16 >>> 8;
        buf[wordAt + 1] = new16;
        const after = internetChecksum(buf, 0, 20);
        // 0x0000 and 0xffff are the same value in ones'-complement; RFC 1624 eqn 3 may yield either.
        const got = checksumUpdate16(before, old16, new16);
        assert.equal(got === 0xffff ? 0 : got, after === 0xffff ? 0 : after, `round ${round}`);
        const before32 = after;
        const old32 = ((buf[12] << 24) | (buf[13] << 16) | (buf[14] << 8) | buf[15]) >>> 0;
        const new32 = rand();
        buf[12] = new32 >>> 24;
        buf[13] = new32 >>> 16;
        buf[14] = new32 >>> 8;
        buf[15] = new32;
        const after32 = internetChecksum(buf, 0, 20);
        const got32 = checksumUpdate32(before32, old32, new32);
        assert.equal(got32 === 0xffff ? 0 : got32, after32 === 0xffff ? 0 : after32, `round ${round} (32-bit)`);
    }
});
test('internetSumView agrees with the byte loop at every alignment, length and seed', () => {
    const bytes = new Uint8Array(3000);
    let x = 0x12345;
    for (let i = 0; i < bytes.length; i++)
        bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    const view = new DataView(bytes.buffer);
    for (let off = 0; off < 8; off++) {
        for (const len of [0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 33, 63, 64, 65, 1447, 1448, 2990]) {
            for (const seed of [0, 0xffff, 0x1234])
                assert.equal(internetSumView(view, off, len, seed), internetSum(bytes, off, len, seed), `off ${off} len ${len} seed ${seed}`);
        }
    }
    // All-ones words make every chain carry as far as it can.
    const ones = new Uint8Array(65536).fill(0xff);
    assert.equal(internetSumView(new DataView(ones.buffer), 0, 65536), 0xffff);
    assert.equal(internetSumView(new DataView(ones.buffer), 1, 65535, 0xffff), internetSum(ones, 1, 65535, 0xffff));
});
//# sourceMappingURL=checksum.test.js.map