import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameRing } from './frame-ring.js';

test('frames come out in order with their lengths, and a full ring refuses more until a slot is released', () => {
  const ring = new FrameRing({ slots: 4, slotSize: 64 });
  for (let i = 0; i < 4; i++) {
    assert.ok(ring.writable());
    ring.nextSlot().fill(i + 1, 0, 10 + i);
    ring.publish(10 + i);
  }
  assert.equal(ring.writable(), false);
  assert.equal(ring.queued, 4);
  const other = new FrameRing({ slots: 4, slotSize: 64 }, ring.sab);
  for (let i = 0; i < 4; i++) {
    assert.ok(other.readable());
    assert.equal(other.peekLength(), 10 + i);
    assert.equal(other.bytes[other.peekOffset()], i + 1);
    other.release();
    if (i === 0) assert.ok(ring.writable(), 'one slot free again');
  }
  assert.equal(other.readable(), false);
});

test('a publish wakes a consumer that announced sleep, and only then', () => {
  const ring = new FrameRing({ slots: 2, slotSize: 64 });
  assert.equal(ring.publish(1), false);
  ring.release();
  assert.equal(ring.prepareSleep(), true);
  assert.equal(ring.publish(1), true);
  assert.equal(ring.consumerSleeping(), false);
  assert.equal(ring.prepareSleep(), false, 'a frame is waiting: no sleep');
});

test('a ring refuses layouts it cannot index and buffers of the wrong size', () => {
  assert.throws(() => new FrameRing({ slots: 3, slotSize: 64 }), /power of two/);
  assert.throws(() => new FrameRing({ slots: 4, slotSize: 63 }), /multiple of 8/);
  assert.throws(() => new FrameRing({ slots: 4, slotSize: 64 }, new SharedArrayBuffer(8)), /layout needs/);
});

test('a consumer that has caught up sees frames published afterwards, in order, and none twice', () => {
  const producer = new FrameRing({ slots: 4, slotSize: 64 });
  const consumer = new FrameRing({ slots: 4, slotSize: 64 }, producer.sab);
  assert.equal(consumer.readable(), false);
  let next = 1;
  const seen: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < round % 4 + 1; k++) {
      producer.nextSlot()[0] = next;
      producer.publish(next++);
    }
    while (consumer.readable()) {
      assert.equal(consumer.peekLength(), consumer.bytes[consumer.peekOffset()]);
      seen.push(consumer.peekLength());
      consumer.release();
    }
    assert.equal(producer.queued, 0);
  }
  assert.deepEqual(seen, Array.from({ length: next - 1 }, (_, i) => i + 1));
});
