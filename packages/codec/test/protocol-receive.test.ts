import { describe, expect, it } from 'vitest';
import { CloseCode, Opcode } from '../src/constants.js';
import { WebSocketProtocol } from '../src/protocol.js';
import { chop, clientFrame, closePayload, hex, RecordingSink, serverFrame } from './helpers.js';

function server(options: Partial<ConstructorParameters<typeof WebSocketProtocol>[1]> = {}) {
  const sink = new RecordingSink();
  const protocol = new WebSocketProtocol(sink, { role: 'server', ...options });
  return { sink, protocol };
}

function client(options: Partial<ConstructorParameters<typeof WebSocketProtocol>[1]> = {}) {
  const sink = new RecordingSink();
  const protocol = new WebSocketProtocol(sink, { ...options, role: 'client' });
  return { sink, protocol };
}

/** The close frame the protocol wrote, as [code, reason] (code 1005 for an empty payload). */
function writtenClose(sink: RecordingSink, peerRole: 'client' | 'server'): [number, string] {
  const frame = sink.frames(peerRole).find((f) => f.opcode === Opcode.Close);
  if (frame === undefined) throw new Error('no close frame written');
  if (frame.payload.length === 0) return [1005, ''];
  return [frame.payload.readUInt16BE(0), frame.payload.subarray(2).toString()];
}

describe('WebSocketProtocol: receiving messages', () => {
  it('delivers text and binary messages from the RFC examples', () => {
    const { sink, protocol } = client();
    protocol.receive(hex('81 05 48 65 6c 6c 6f'));
    protocol.receive(hex('01 03 48 65 6c 80 02 6c 6f'));
    protocol.receive(serverFrame(Opcode.Binary, Buffer.from([1, 2, 3])));
    expect(sink.events).toEqual([
      { type: 'message', data: 'Hello', binary: false },
      { type: 'message', data: 'Hello', binary: false },
      { type: 'message', data: Buffer.from([1, 2, 3]), binary: true },
    ]);
  });

  it('delivers control frames between fragments at once and answers pings with the same payload', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Text, 'frag', { fin: false }));
    protocol.receive(clientFrame(Opcode.Ping, 'are you there'));
    protocol.receive(clientFrame(Opcode.Pong, 'unsolicited'));
    protocol.receive(clientFrame(Opcode.Continuation, 'ment'));
    expect(sink.events).toEqual([
      { type: 'ping', payload: Buffer.from('are you there') },
      { type: 'pong', payload: Buffer.from('unsolicited') },
      { type: 'message', data: 'fragment', binary: false },
    ]);
    expect(sink.frames('client')).toEqual([
      { fin: true, rsv1: false, opcode: Opcode.Pong, payload: Buffer.from('are you there') },
    ]);
  });

  it('does not answer pings when autoPong is off', () => {
    const { sink, protocol } = server({ autoPong: false });
    protocol.receive(clientFrame(Opcode.Ping, 'x'));
    expect(sink.writes).toEqual([]);
    expect(sink.events).toEqual([{ type: 'ping', payload: Buffer.from('x') }]);
  });

  it('gives the same events for a stream split at every byte', () => {
    const stream = Buffer.concat([
      clientFrame(Opcode.Text, 'κόσμε', { fin: false }),
      clientFrame(Opcode.Ping, ''),
      clientFrame(Opcode.Continuation, '🎉'),
      clientFrame(Opcode.Binary, Buffer.alloc(300, 9)),
      clientFrame(Opcode.Close, closePayload(1000, 'bye')),
    ]);
    const whole = server();
    whole.protocol.receive(Buffer.from(stream));
    const split = server();
    for (const chunk of chop(stream, 1)) split.protocol.receive(chunk);
    expect(split.sink.events).toEqual(whole.sink.events);
    expect(split.sink.writes).toEqual(whole.sink.writes);
    expect(whole.sink.messages).toEqual(['κόσμε🎉', Buffer.alloc(300, 9)]);
  });
});

describe('WebSocketProtocol: failing the connection', () => {
  const rules: [string, Buffer, number, string][] = [
    ['unmasked client frame', serverFrame(Opcode.Text, 'x'), 1002, 'MASK_EXPECTED'],
    ['reserved opcode', clientFrame(3, ''), 1002, 'RESERVED_OPCODE'],
    ['RSV1 without deflate', clientFrame(Opcode.Text, 'x', { rsv1: true }), 1002, 'RESERVED_BITS'],
    [
      'continuation without a message',
      clientFrame(Opcode.Continuation, 'x'),
      1002,
      'UNEXPECTED_CONTINUATION',
    ],
    [
      'new data frame inside a fragmented message',
      Buffer.concat([clientFrame(Opcode.Text, 'a', { fin: false }), clientFrame(Opcode.Text, 'b')]),
      1002,
      'EXPECTED_CONTINUATION',
    ],
    [
      'invalid UTF-8 in a single frame',
      clientFrame(Opcode.Text, hex('ce ba ed a0 80')),
      1007,
      'INVALID_UTF8',
    ],
    [
      'text ending inside a code point',
      Buffer.concat([
        clientFrame(Opcode.Text, hex('61 e2'), { fin: false }),
        clientFrame(Opcode.Continuation, ''),
      ]),
      1007,
      'INVALID_UTF8',
    ],
    ['1-byte close payload', clientFrame(Opcode.Close, hex('03')), 1002, 'INVALID_CLOSE_PAYLOAD'],
    ['close code 999', clientFrame(Opcode.Close, closePayload(999)), 1002, 'INVALID_CLOSE_CODE'],
    ['close code 1005', clientFrame(Opcode.Close, closePayload(1005)), 1002, 'INVALID_CLOSE_CODE'],
    [
      'close reason not UTF-8',
      clientFrame(Opcode.Close, Buffer.concat([closePayload(1000), hex('ff')])),
      1007,
      'INVALID_UTF8',
    ],
  ];
  for (const [name, bytes, code, errorCode] of rules) {
    it(`fails with ${code} on ${name}, writes the close frame, then reports closed`, () => {
      const { sink, protocol } = server();
      protocol.receive(bytes);
      expect(writtenClose(sink, 'client')[0]).toBe(code);
      expect(sink.closedInfo).toMatchObject({
        code,
        wasClean: false,
        initiatedBy: 'local',
        error: { code: errorCode },
      });
      expect(protocol.state).toBe('closed');
      // Nothing more is read or written.
      const writes = sink.writes.length;
      protocol.receive(clientFrame(Opcode.Ping, 'late'));
      expect(sink.writes.length).toBe(writes);
      expect(sink.events.filter((e) => e.type === 'ping')).toEqual([]);
    });
  }

  it('fails fast on invalid UTF-8 inside a fragment before the message ends', () => {
    const { sink, protocol } = server();
    protocol.receive(clientFrame(Opcode.Text, 'valid', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, hex('f4 90 80 80'), { fin: false }));
    expect(sink.closedInfo?.code).toBe(CloseCode.InvalidPayload);
  });

  it('fails fast on invalid UTF-8 in the first part of a frame that is still arriving', () => {
    const { sink, protocol } = server();
    const frame = clientFrame(Opcode.Text, Buffer.concat([hex('c0 80'), Buffer.alloc(1000, 0x61)]));
    protocol.receive(frame.subarray(0, 20));
    expect(sink.closedInfo?.code).toBe(CloseCode.InvalidPayload);
  });

  it('fails at the exact fragment that makes text invalid when fragmented at every byte', () => {
    const payload = Buffer.concat([Buffer.from('κόσμε'), hex('ed a0 80'), Buffer.from('edited')]);
    const { sink, protocol } = server();
    const failAt = Buffer.from('κόσμε').length + 1; // the A0 after ED (a surrogate)
    for (let i = 0; i < payload.length; i++) {
      const opcode = i === 0 ? Opcode.Text : Opcode.Continuation;
      protocol.receive(clientFrame(opcode, payload.subarray(i, i + 1), { fin: i === payload.length - 1 }));
      if (i < failAt) expect(sink.closedInfo).toBeNull();
      else expect(sink.closedInfo?.code).toBe(CloseCode.InvalidPayload);
    }
    expect(sink.messages).toEqual([]);
  });

  it('fails a client on a masked server frame', () => {
    const { sink, protocol } = client();
    protocol.receive(clientFrame(Opcode.Text, 'x'));
    expect(sink.closedInfo).toMatchObject({ code: 1002, error: { code: 'MASK_UNEXPECTED' } });
    // The client's close frame is masked.
    expect(sink.writes[0]![1]! & 0x80).toBe(0x80);
  });

  it('fails with 1009 when a message is over maxPayload (single frame, fragments, header only)', () => {
    const single = server({ maxPayload: 10 });
    single.protocol.receive(clientFrame(Opcode.Binary, Buffer.alloc(11)));
    expect(single.sink.closedInfo?.code).toBe(1009);

    const fragments = server({ maxPayload: 10 });
    fragments.protocol.receive(clientFrame(Opcode.Binary, Buffer.alloc(6), { fin: false }));
    fragments.protocol.receive(clientFrame(Opcode.Continuation, Buffer.alloc(6)));
    expect(fragments.sink.closedInfo?.code).toBe(1009);

    const headerOnly = server({ maxPayload: 1000 });
    headerOnly.protocol.receive(hex('82 fe 10 00 11 22 33 44'));
    expect(headerOnly.sink.closedInfo?.code).toBe(1009);
  });

  it('fails with 1009 on too many fragments', () => {
    const { sink, protocol } = server({ maxFragments: 3 });
    protocol.receive(clientFrame(Opcode.Binary, '', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, '', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, '', { fin: false }));
    expect(sink.closedInfo).toBeNull();
    protocol.receive(clientFrame(Opcode.Continuation, '', { fin: false }));
    expect(sink.closedInfo).toMatchObject({ code: 1009, error: { code: 'TOO_MANY_FRAGMENTS' } });
  });
});
