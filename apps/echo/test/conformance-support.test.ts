// The suite's own machinery is code too: its frame codec, UTF-8 oracle and deflate helpers
// must be right, or a "failure" could be the suite's. Properties over arbitrary input.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invalidAfter } from './support/cases/utf8.js';
import { MessageDeflater, MessageInflater } from './support/deflate.js';
import { chop, craftFrame, FrameDecoder, OP, xorMask } from './support/wire.js';

describe('suite frame codec', () => {
  it('matches the RFC 6455 §5.7 examples byte for byte', () => {
    expect(craftFrame({ opcode: OP.text, payload: 'Hello' }, false).toString('hex')).toBe('810548656c6c6f');
    const masked = craftFrame(
      { opcode: OP.text, payload: 'Hello', mask: Buffer.from('37fa213d', 'hex') },
      true,
    );
    expect(masked.toString('hex')).toBe('818537fa213d7f9f4d5158');
    expect(
      craftFrame({ opcode: OP.binary, payload: Buffer.alloc(256) }, false)
        .subarray(0, 4)
        .toString('hex'),
    ).toBe('827e0100');
    expect(
      craftFrame({ opcode: OP.binary, payload: Buffer.alloc(65536) }, false)
        .subarray(0, 10)
        .toString('hex'),
    ).toBe('827f0000000000010000');
  });

  it('decodes what it crafts, whatever the chunking', () => {
    const frameArb = fc.record({
      opcode: fc.integer({ min: 0, max: 15 }),
      payload: fc.uint8Array({ maxLength: 70_000 }).map((a) => Buffer.from(a)),
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      rsv2: fc.boolean(),
      rsv3: fc.boolean(),
      mask: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5000 }),
        (specs, size) => {
          const wire = Buffer.concat(specs.map((s) => craftFrame(s, false)));
          const decoder = new FrameDecoder();
          const frames = chop(wire, size).flatMap((piece) => decoder.push(piece));
          expect(decoder.pendingBytes).toBe(0);
          expect(
            frames.map((f) => [f.opcode, f.fin, f.rsv1, f.rsv2, f.rsv3, f.masked, f.payload.toString('hex')]),
          ).toEqual(
            specs.map((s) => [s.opcode, s.fin, s.rsv1, s.rsv2, s.rsv3, s.mask, s.payload.toString('hex')]),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('masking is its own inverse', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (data, key) => {
          const k = Buffer.from(key);
          expect(xorMask(xorMask(Buffer.from(data), k), k).equals(Buffer.from(data))).toBe(true);
        },
      ),
    );
  });
});

describe('suite UTF-8 oracle (invalidAfter)', () => {
  it('agrees with node:buffer isUtf8 on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (arr) => {
        const bytes = Buffer.from(arr);
        const at = invalidAfter(bytes);
        if (isUtf8(bytes)) expect(at).toBeNull();
        if (at !== null) {
          // The first `at` bytes already cannot start a valid text; one byte fewer still can.
          expect(isUtf8(bytes.subarray(0, at))).toBe(false);
          expect(invalidAfter(bytes.subarray(0, at - 1))).toBeNull();
        } else if (!isUtf8(bytes)) {
          // Only a truncated final sequence is left: completing it with continuations can help.
          expect(bytes.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every valid string and rejects it cut inside a character only at the end', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(invalidAfter(bytes)).toBeNull();
        for (let cut = 0; cut <= bytes.length; cut++) expect(invalidAfter(bytes.subarray(0, cut))).toBeNull();
      }),
    );
  });
});

describe('suite permessage-deflate helpers', () => {
  it('round-trips messages with and without context takeover, at every window size', async () => {
    for (const bits of [9, 12, 15]) {
      for (const noContext of [false, true]) {
        const deflater = new MessageDeflater(bits, noContext);
        const inflater = new MessageInflater(bits);
        try {
          for (const text of ['Hello', 'Hello', 'κόσμε '.repeat(500), '']) {
            const wire = await deflater.compress(Buffer.from(text));
            expect(wire.subarray(-4).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(false);
            if (noContext) inflater.reset();
            expect((await inflater.decompress(wire)).toString()).toBe(text);
          }
        } finally {
          deflater.reset();
          inflater.reset();
        }
      }
    }
  });
});
