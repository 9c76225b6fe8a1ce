import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidCloseCode } from '../src/close-codes.js';
import { Opcode } from '../src/constants.js';
import { encodeFrame } from '../src/frame-encoder.js';
import { applyMask } from '../src/mask.js';
import { WebSocketProtocol } from '../src/protocol.js';
import { Utf8Validator } from '../src/utf8-validator.js';
import { parseFrames, RecordingSink } from './helpers.js';

/** Splits `data` at the given cut points (copies, so in-place unmasking never aliases). */
function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    chunks.push(Buffer.from(data.subarray(last, point)));
    last = point;
  }
  chunks.push(Buffer.from(data.subarray(last)));
  return chunks;
}

const frameArb = fc.record({
  opcode: fc.constantFrom(
    Opcode.Continuation,
    Opcode.Text,
    Opcode.Binary,
    Opcode.Close,
    Opcode.Ping,
    Opcode.Pong,
  ),
  fin: fc.boolean(),
  rsv1: fc.boolean(),
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 130 }),
    fc.uint8Array({ minLength: 126, maxLength: 70_000 }).map((a) => a),
  ),
  mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
});

const messageArb = fc.record({
  binary: fc.boolean(),
  text: fc.string({ unit: 'grapheme', maxLength: 200 }),
  bytes: fc.uint8Array({ maxLength: 3000 }),
  fragmentSize: fc.constantFrom(0, 1, 2, 7, 64, 1000),
});

describe('property: frame encode → decode', () => {
  it('round-trips any frame, masked or not, whole or re-chunked', () => {
    fc.assert(
      fc.property(frameArb, fc.array(fc.nat(), { maxLength: 8 }), (frame, cuts) => {
        const payload = Buffer.from(frame.payload);
        const wire = encodeFrame(frame.opcode, payload, {
          fin: frame.fin,
          rsv1: frame.rsv1,
          mask: frame.mask,
        });
        const role = frame.mask === undefined ? 'client' : 'server';
        for (const input of [Buffer.from(wire), splitAt(wire, cuts)]) {
          const outcome = parseFrames(input, role, true);
          const control = frame.opcode >= 8;
          if (control && (!frame.fin || payload.length > 125 || frame.rsv1)) {
            expect(outcome.error?.closeCode).toBe(1002);
          } else if (frame.rsv1 && frame.opcode === Opcode.Continuation) {
            expect(outcome.error?.code).toBe('RESERVED_BITS');
          } else {
            expect(outcome.error).toBeNull();
            expect(outcome.frames).toEqual([
              { fin: frame.fin, rsv1: frame.rsv1, opcode: frame.opcode, payload },
            ]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: protocol round trip', () => {
  it('messages sent by one side arrive intact at the other, whatever the fragmentation and chunking', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<'client' | 'server'>('client', 'server'),
        fc.array(fc.nat(), { maxLength: 20 }),
        (messages, senderRole, cuts) => {
          const senderSink = new RecordingSink();
          const sender = new WebSocketProtocol(senderSink, { role: senderRole });
          const expected: (string | Buffer)[] = [];
          for (const m of messages) {
            const fragmented = new WebSocketProtocol(senderSink, {
              role: senderRole,
              fragmentSize: m.fragmentSize,
            });
            const data = m.binary ? Buffer.from(m.bytes) : m.text;
            expect((m.fragmentSize > 0 ? fragmented : sender).send(data).ok).toBe(true);
            expected.push(data);
          }
          const receiverSink = new RecordingSink();
          const receiver = new WebSocketProtocol(receiverSink, {
            role: senderRole === 'client' ? 'server' : 'client',
          });
          for (const chunk of splitAt(Buffer.concat(senderSink.writes), cuts)) receiver.receive(chunk);
          expect(receiverSink.closedInfo).toBeNull();
          expect(receiverSink.messages).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any re-chunking of a valid stream gives identical events and writes', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (messages, cuts) => {
          const clientSink = new RecordingSink();
          const client = new WebSocketProtocol(clientSink, { role: 'client', fragmentSize: 5 });
          for (const m of messages) client.send(m.binary ? Buffer.from(m.bytes) : m.text);
          client.ping('p');
          client.close(1000, 'done');
          const wire = Buffer.concat(clientSink.writes);
          const whole = new RecordingSink();
          new WebSocketProtocol(whole, { role: 'server' }).receive(Buffer.from(wire));
          const chunked = new RecordingSink();
          const server = new WebSocketProtocol(chunked, { role: 'server' });
          for (const chunk of splitAt(wire, cuts)) server.receive(chunk);
          expect(chunked.events).toEqual(whole.events);
          expect(chunked.writes.map((w) => w.toString('hex')).join('')).toBe(
            whole.writes.map((w) => w.toString('hex')).join(''),
          );
          expect(whole.closedInfo).toMatchObject({ code: 1000, reason: 'done', wasClean: true });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: bad input', () => {
  it('random bytes never throw and always end in at most one close report with a valid code', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }),
        fc.constantFrom<'client' | 'server'>('client', 'server'),
        fc.boolean(),
        (chunks, role, deflate) => {
          const sink = new RecordingSink();
          const protocol = new WebSocketProtocol(sink, {
            role,
            maxPayload: 1000,
            deflate: deflate
              ? {
                  serverNoContextTakeover: true,
                  clientNoContextTakeover: true,
                  serverMaxWindowBits: 15,
                  clientMaxWindowBits: 15,
                }
              : null,
          });
          for (const chunk of chunks) protocol.receive(Buffer.from(chunk));
          protocol.destroy();
          if (sink.closedInfo !== null) {
            // The random bytes may hold a well-formed close frame from the peer, whose code (any
            // valid one, 3000–4999 included) is what gets reported; 1005 when it carried none.
            const { code } = sink.closedInfo;
            expect(code === 1005 || isValidCloseCode(code), `close code ${code}`).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('text frames whose payload is arbitrary bytes are delivered iff valid UTF-8, at any fragmentation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (bytes, size) => {
        const payload = Buffer.from(bytes);
        const valid = Buffer.from(payload.toString('utf8')).equals(payload);
        const sink = new RecordingSink();
        const protocol = new WebSocketProtocol(sink, { role: 'client', maxFragments: 1000 });
        const count = Math.max(1, Math.ceil(payload.length / size));
        for (let i = 0; i < count; i++) {
          const piece = payload.subarray(i * size, (i + 1) * size);
          protocol.receive(
            encodeFrame(i === 0 ? Opcode.Text : Opcode.Continuation, piece, { fin: i === count - 1 }),
          );
        }
        if (valid) expect(sink.messages).toEqual([payload.toString('utf8')]);
        else expect(sink.closedInfo?.code).toBe(1007);
      }),
      { numRuns: 1000 },
    );
  });

  it('the incremental validator agrees with a whole-buffer check for any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const data = Buffer.from(bytes);
        const validator = new Utf8Validator();
        let ok = true;
        for (const piece of splitAt(data, cuts)) ok = ok && validator.write(piece);
        ok = ok && validator.end();
        expect(ok).toBe(Buffer.from(data.toString('utf8')).equals(data));
      }),
      { numRuns: 1000 },
    );
  });

  it('masking twice restores the data for any alignment and phase', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 7 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (bytes, shift, mask, phase) => {
          const backing = Buffer.alloc(bytes.length + 8);
          const view = backing.subarray(shift, shift + bytes.length);
          view.set(bytes);
          applyMask(view, mask, phase);
          for (let i = 0; i < bytes.length; i++) expect(view[i]).toBe(bytes[i]! ^ mask[(i + phase) & 3]!);
          applyMask(view, mask, phase);
          expect(Buffer.from(view)).toEqual(Buffer.from(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
