import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { encodeFrame } from '../src/frame-encoder.js';
import { WebSocketProtocol } from '../src/protocol.js';
import { closePayload, RecordingSink } from './helpers.js';

const PARAMS = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function compress(data: Uint8Array): Buffer {
  const raw = deflateRawSync(data, { finishFlush: 2 });
  return raw.subarray(0, raw.length - 4);
}

const MASK = Buffer.from([9, 8, 7, 6]);

/** Frames a client might send with permessage-deflate on: valid, out of order, or garbage. */
const frameArb = fc.oneof(
  fc.record({
    kind: fc.constant('compressed' as const),
    fin: fc.boolean(),
    data: fc.uint8Array({ maxLength: 300 }),
  }),
  fc.record({ kind: fc.constant('plain' as const), fin: fc.boolean(), text: fc.string({ maxLength: 50 }) }),
  fc.record({
    kind: fc.constant('continuation' as const),
    fin: fc.boolean(),
    data: fc.uint8Array({ maxLength: 50 }),
  }),
  fc.record({ kind: fc.constant('ping' as const), data: fc.uint8Array({ maxLength: 20 }) }),
  // Well-delimited frames with any first byte: reserved bits and opcodes, FIN off on control frames...
  fc.record({
    kind: fc.constant('odd' as const),
    b0: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ maxLength: 20 }),
  }),
);

type FrameSpec = typeof frameArb extends fc.Arbitrary<infer T> ? T : never;

function encode(spec: FrameSpec): Buffer {
  switch (spec.kind) {
    case 'compressed':
      return encodeFrame(Opcode.Binary, compress(spec.data), { fin: spec.fin, rsv1: true, mask: MASK });
    case 'plain':
      return encodeFrame(Opcode.Text, Buffer.from(spec.text), { fin: spec.fin, mask: MASK });
    case 'continuation':
      return encodeFrame(Opcode.Continuation, Buffer.from(spec.data), { fin: spec.fin, mask: MASK });
    case 'ping':
      return encodeFrame(Opcode.Ping, Buffer.from(spec.data), { mask: MASK });
    case 'odd': {
      const frame = encodeFrame(Opcode.Binary, Buffer.from(spec.data), { mask: MASK });
      frame[0] = spec.b0;
      return frame;
    }
  }
}

describe('property: no hang with permessage-deflate', () => {
  it('any mix of compressed, plain, control and malformed frames followed by a close always finishes, once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { maxLength: 12 }), async (specs) => {
        const sink = new RecordingSink();
        const protocol = new WebSocketProtocol(sink, {
          role: 'server',
          deflate: PARAMS,
          deflateThreshold: 0,
        });
        for (const spec of specs) {
          protocol.receive(encode(spec));
          if (spec.kind === 'plain' && spec.fin) protocol.send(spec.text); // echo-like traffic out
        }
        // Every frame is complete, so this close frame is always read (unless the connection
        // already failed). It must finish the connection even behind pending zlib work or an
        // unfinished compressed message: a hang shows up as a test timeout here.
        protocol.receive(encodeFrame(Opcode.Close, closePayload(1000), { mask: MASK }));
        await sink.until(() => sink.closedInfo !== null);
        protocol.transportClosed();
        expect(sink.events.filter((e) => e.type === 'closed').length).toBe(1);
        expect(protocol.state).toBe('closed');
        expect(protocol.bufferedMessages).toBe(0);
        protocol.destroy();
      }),
      { numRuns: 150 },
    );
  });
});
