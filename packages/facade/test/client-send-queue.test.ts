import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundedSendQueue } from '../src/client/send-queue.js';

const message = (text: string) => ({ data: text, binary: false, size: Buffer.byteLength(text) });

describe('BoundedSendQueue', () => {
  it('keeps messages in order and tracks bytes', () => {
    const queue = new BoundedSendQueue({ max_messages: 10, max_bytes: 100 });
    expect(queue.push(message('one'))).toBe(true);
    expect(queue.push(message('three'))).toBe(true);
    expect(queue.length).toBe(2);
    expect(queue.bytes).toBe(8);
    expect(queue.shift()?.data).toBe('one');
    expect(queue.bytes).toBe(5);
    expect(queue.shift()?.data).toBe('three');
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });

  it('refuses past the message bound and past the byte bound', () => {
    const byCount = new BoundedSendQueue({ max_messages: 2, max_bytes: 1000 });
    expect(byCount.push(message('a'))).toBe(true);
    expect(byCount.push(message('b'))).toBe(true);
    expect(byCount.push(message('c'))).toBe(false);
    expect(byCount.length).toBe(2);

    const byBytes = new BoundedSendQueue({ max_messages: 100, max_bytes: 5 });
    expect(byBytes.push(message('abc'))).toBe(true);
    expect(byBytes.fits(3)).toBe(false);
    expect(byBytes.push(message('def'))).toBe(false);
    expect(byBytes.push(message('de'))).toBe(true);
    expect(byBytes.bytes).toBe(5);
  });

  it('takeAll empties the queue in order', () => {
    const queue = new BoundedSendQueue({ max_messages: 10, max_bytes: 100 });
    queue.push(message('x'));
    queue.push(message('y'));
    queue.shift();
    queue.push(message('z'));
    expect(queue.takeAll().map((m) => m.data)).toEqual(['y', 'z']);
    expect(queue.length).toBe(0);
    expect(queue.bytes).toBe(0);
  });

  it('never exceeds its bounds and preserves FIFO order under any push/shift sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)), { maxLength: 200 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 100 }),
        (ops, maxMessages, maxBytes) => {
          const queue = new BoundedSendQueue({ max_messages: maxMessages, max_bytes: maxBytes });
          const model: string[] = [];
          for (const op of ops) {
            if (op === null) {
              expect(queue.shift()?.data).toBe(model.shift());
            } else if (queue.push(message(op))) {
              model.push(op);
            }
            expect(queue.length).toBeLessThanOrEqual(maxMessages);
            expect(queue.bytes).toBeLessThanOrEqual(maxBytes);
            expect(queue.length).toBe(model.length);
          }
        },
      ),
    );
  });
});
