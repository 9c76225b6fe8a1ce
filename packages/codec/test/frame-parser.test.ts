import { describe, expect, it } from 'vitest';
import { CloseCode, Opcode } from '../src/constants.js';
import { FrameParser, type FrameHandler } from '../src/frame-parser.js';
import { chop, clientFrame, hex, parseFrames, serverFrame } from './helpers.js';

describe('FrameParser validation (each rule fails with 1002)', () => {
  const cases: [string, Buffer, 'client' | 'server', string][] = [
    ['RSV2 set', hex('a1 00'), 'client', 'RESERVED_BITS'],
    ['RSV3 set', hex('91 00'), 'client', 'RESERVED_BITS'],
    ['RSV1 set without deflate', hex('c1 00'), 'client', 'RESERVED_BITS'],
    ['opcode 3', hex('83 00'), 'client', 'RESERVED_OPCODE'],
    ['opcode 7', hex('87 00'), 'client', 'RESERVED_OPCODE'],
    ['opcode 11', hex('8b 00'), 'client', 'RESERVED_OPCODE'],
    ['opcode 15', hex('8f 00'), 'client', 'RESERVED_OPCODE'],
    ['ping without FIN', hex('09 00'), 'client', 'FRAGMENTED_CONTROL'],
    ['close without FIN', hex('08 00'), 'client', 'FRAGMENTED_CONTROL'],
    [
      'ping of 126 bytes',
      Buffer.concat([hex('89 7e 00 7e'), Buffer.alloc(126)]),
      'client',
      'CONTROL_TOO_LONG',
    ],
    ['unmasked client frame', serverFrame(Opcode.Text, 'hi'), 'server', 'MASK_EXPECTED'],
    ['masked server frame', clientFrame(Opcode.Text, 'hi'), 'client', 'MASK_UNEXPECTED'],
    [
      '64-bit length with the top bit set',
      hex('82 7f 80 00 00 00 00 00 00 01'),
      'client',
      'LENGTH_TOO_LARGE',
    ],
  ];
  for (const [name, bytes, role, code] of cases) {
    it(`rejects ${name}`, () => {
      const outcome = parseFrames(bytes, role, false);
      expect(outcome.error).toEqual({ closeCode: CloseCode.ProtocolError, code });
      expect(outcome.frames).toEqual([]);
      // Same result one byte at a time.
      expect(parseFrames(chop(bytes, 1), role, false).error).toEqual({
        closeCode: CloseCode.ProtocolError,
        code,
      });
    });
  }

  it('allows RSV1 on the first data frame only when deflate is negotiated', () => {
    expect(parseFrames(hex('c1 00'), 'client', true).frames).toEqual([
      { fin: true, rsv1: true, opcode: 1, payload: Buffer.alloc(0) },
    ]);
    expect(parseFrames(hex('c9 00'), 'client', true).error?.code).toBe('RESERVED_BITS');
    expect(parseFrames(hex('41 00 c0 00'), 'client', true).error?.code).toBe('RESERVED_BITS');
  });

  it('accepts the largest control payload (125 bytes)', () => {
    const frame = serverFrame(Opcode.Ping, Buffer.alloc(125, 1));
    expect(parseFrames(frame, 'client').frames[0]!.payload.length).toBe(125);
  });

  it('ignores everything after a failure or stop()', () => {
    const events: string[] = [];
    const handler: FrameHandler = {
      frame: (_fin, _rsv1, opcode) => events.push(`frame ${opcode}`),
      frameStart: () => events.push('start'),
      frameData: () => events.push('data'),
      frameEnd: () => events.push('end'),
      frameError: (_close, code) => events.push(code),
    };
    const parser = new FrameParser(handler, { role: 'client', allowRsv1: false });
    parser.push(Buffer.concat([hex('83 00'), serverFrame(Opcode.Text, 'x')]));
    parser.push(serverFrame(Opcode.Text, 'y'));
    expect(events).toEqual(['RESERVED_OPCODE']);
    expect(parser.stopped).toBe(true);

    const stopping = new FrameParser(
      {
        ...handler,
        frame: (_f, _r, opcode) => {
          events.push(`frame ${opcode}`);
          stopping.stop();
        },
      },
      { role: 'client', allowRsv1: false },
    );
    events.length = 0;
    stopping.push(Buffer.concat([serverFrame(Opcode.Text, 'a'), serverFrame(Opcode.Text, 'b')]));
    expect(events).toEqual(['frame 1']);
  });

  it('stops streaming a frame when the handler stops it mid-payload', () => {
    const events: string[] = [];
    const parser: FrameParser = new FrameParser(
      {
        frame: () => events.push('frame'),
        frameStart: () => events.push('start'),
        frameData: () => {
          events.push('data');
          parser.stop();
        },
        frameEnd: () => events.push('end'),
        frameError: () => events.push('error'),
      },
      { role: 'client', allowRsv1: false },
    );
    const frame = serverFrame(Opcode.Binary, Buffer.alloc(300));
    parser.push(frame.subarray(0, 100));
    parser.push(frame.subarray(100));
    expect(events).toEqual(['start', 'data']);
  });
});

describe('FrameParser chunking', () => {
  it('streams a data frame that spans chunks as start/data/end and unmasks across chunk borders', () => {
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
    const frame = clientFrame(Opcode.Binary, payload, { mask: hex('01 02 03 04') });
    for (const size of [1, 2, 3, 5, 7, 64, 999]) {
      expect(parseFrames(chop(frame, size), 'server').frames[0]!.payload).toEqual(payload);
    }
  });

  it('gathers a control frame split across chunks and delivers it whole', () => {
    const events: [number, string][] = [];
    const parser = new FrameParser(
      {
        frame: (_fin, _rsv1, opcode, payload) => events.push([opcode, payload.toString()]),
        frameStart: () => events.push([-1, 'start']),
        frameData: () => events.push([-1, 'data']),
        frameEnd: () => events.push([-1, 'end']),
        frameError: () => events.push([-1, 'error']),
      },
      { role: 'server', allowRsv1: false },
    );
    for (const chunk of chop(clientFrame(Opcode.Ping, 'ping payload'), 3)) parser.push(chunk);
    expect(events).toEqual([[Opcode.Ping, 'ping payload']]);
  });

  it('parses many frames from one chunk and empty chunks change nothing', () => {
    const stream = Buffer.concat([
      serverFrame(Opcode.Text, 'a'),
      serverFrame(Opcode.Binary, ''),
      serverFrame(Opcode.Pong, 'p'),
    ]);
    const outcome = parseFrames([Buffer.alloc(0), stream, Buffer.alloc(0)], 'client');
    expect(outcome.frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [1, 'a'],
      [2, ''],
      [10, 'p'],
    ]);
  });
});
