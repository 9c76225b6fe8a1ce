import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrowingBuffer } from '../src/core/growing-buffer.js';

describe('GrowingBuffer', () => {
  it('keeps a lone first chunk without copying it', () => {
    const buffer = new GrowingBuffer();
    const chunk = Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    buffer.append(chunk);
    expect(buffer.bytes).toBe(chunk);
    expect(buffer.take()).toBe(chunk);
    expect(buffer.length).toBe(0);
  });

  it('grows by doubling: a byte per chunk allocates a handful of times, not once per byte', () => {
    const buffer = new GrowingBuffer();
    const seen = new Set<ArrayBufferLike>();
    for (let i = 0; i < 6000; i++) {
      buffer.append(Buffer.from([i & 0xff]));
      seen.add(buffer.bytes.buffer);
    }
    expect(buffer.length).toBe(6000);
    expect(buffer.bytes[5999]).toBe(5999 & 0xff);
    expect(seen.size).toBeLessThan(10); // the first chunk, then 1 KiB, 2 KiB, 4 KiB, 8 KiB storage
  });

  it('what take() and skip() handed out is never overwritten by later chunks', () => {
    const buffer = new GrowingBuffer();
    buffer.append(Buffer.from('ab'));
    buffer.append(Buffer.from('cd'));
    buffer.skip(1);
    const afterSkip = buffer.bytes;
    buffer.append(Buffer.from('XY'));
    expect(afterSkip.toString()).toBe('bcd');
    const taken = buffer.take();
    buffer.append(Buffer.from('1'));
    buffer.append(Buffer.from('2'));
    expect(taken.toString()).toBe('bcdXY');
    expect(buffer.bytes.toString()).toBe('12');
  });

  it('holds exactly what was appended and not yet skipped or taken, in order', () => {
    const op = fc.oneof(
      fc.record({ append: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ skip: fc.nat({ max: 50 }) }),
      fc.constant({ take: true as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const buffer = new GrowingBuffer();
        let model = Buffer.alloc(0);
        const handedOut: [Buffer, Buffer][] = [];
        for (const o of ops) {
          if ('append' in o) {
            buffer.append(Buffer.from(o.append));
            model = Buffer.concat([model, o.append]);
          } else if ('skip' in o) {
            const count = Math.min(o.skip, model.length);
            buffer.skip(count);
            model = model.subarray(count);
          } else {
            const taken = buffer.take();
            handedOut.push([taken, Buffer.from(model)]);
            model = Buffer.alloc(0);
          }
          expect(buffer.bytes.equals(model)).toBe(true);
        }
        for (const [taken, expected] of handedOut) expect(taken.equals(expected)).toBe(true);
      }),
    );
  });
});
