import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { WebSocketProtocol } from '../src/protocol.js';
import type { PerMessageDeflateParams, ProtocolOptions } from '../src/types.js';
import { clientFrame, closePayload, hex, RecordingSink, serverFrame } from './helpers.js';

const PARAMS: PerMessageDeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

const open: WebSocketProtocol[] = [];
afterEach(() => {
  for (const protocol of open.splice(0)) protocol.destroy();
});

function make(role: 'client' | 'server', options: Partial<ProtocolOptions> = {}) {
  const sink = new RecordingSink();
  const protocol = new WebSocketProtocol(sink, { deflate: PARAMS, ...options, role });
  open.push(protocol);
  return { sink, protocol };
}

/** Raw deflate with the sync-flush trailer removed, as RFC 7692 §7.2.1 puts it on the wire. */
function compress(data: Buffer | string): Buffer {
  const raw = deflateRawSync(typeof data === 'string' ? Buffer.from(data) : data, { finishFlush: 2 });
  return raw.subarray(0, raw.length - 4);
}

describe('RFC 7692 §7.2.3 examples (received by a client)', () => {
  const examples: [string, string[], string[]][] = [
    ['a message compressed in one frame', ['c1 07 f2 48 cd c9 c9 07 00'], ['Hello']],
    ['a compressed message in two fragments', ['41 03 f2 48 cd', '80 04 c9 c9 07 00'], ['Hello']],
    ['a stored (uncompressed) deflate block', ['c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00'], ['Hello']],
    [
      'two messages sharing the LZ77 window',
      ['c1 07 f2 48 cd c9 c9 07 00', 'c1 05 f2 00 11 00 00'],
      ['Hello', 'Hello'],
    ],
    ['a block with BFINAL set', ['c1 08 f3 48 cd c9 c9 07 00 00'], ['Hello']],
    ['an empty message', ['c1 01 00'], ['']],
  ];
  for (const [name, frames, messages] of examples) {
    it(`inflates ${name}`, async () => {
      const { sink, protocol } = make('client');
      for (const frame of frames) protocol.receive(hex(frame));
      await sink.until(() => sink.messages.length === messages.length || sink.closedInfo !== null);
      expect(sink.messages).toEqual(messages);
      expect(sink.closedInfo).toBeNull();
    });
  }
});

describe('compressed messages through the protocol', () => {
  it('compresses messages at or above the threshold and round-trips them to a peer', async () => {
    const server = make('server', { deflateThreshold: 100 });
    const text = 'parley '.repeat(500);
    const big = server.protocol.send(text);
    expect(big).toEqual({
      ok: true,
      value: { payloadSize: 3500, wireSize: 0, compressed: true, pending: true },
    });
    const small = server.protocol.send('tiny');
    expect(small.ok && small.value).toMatchObject({ compressed: false, pending: true });
    const raw = server.protocol.send(Buffer.alloc(200), { compress: false });
    expect(raw.ok && raw.value.compressed).toBe(false);
    await server.sink.until(() => server.sink.frames('client').length === 3);
    const frames = server.sink.frames('client');
    expect(frames.map((f) => [f.rsv1, f.opcode])).toEqual([
      [true, Opcode.Text],
      [false, Opcode.Text],
      [false, Opcode.Binary],
    ]);
    expect(frames[0]!.payload.length).toBeLessThan(100);

    const client = make('client');
    client.protocol.receive(server.sink.takeWrites());
    await client.sink.until(() => client.sink.messages.length === 3);
    expect(client.sink.messages).toEqual([text, 'tiny', Buffer.alloc(200)]);
  });

  it('keeps arrival order when an uncompressed message follows a compressed one', async () => {
    const { sink, protocol } = make('server');
    protocol.receive(
      Buffer.concat([
        clientFrame(Opcode.Text, compress('first'), { rsv1: true }),
        clientFrame(Opcode.Text, 'second'),
        clientFrame(Opcode.Binary, compress(Buffer.alloc(50, 1)), { rsv1: true, fin: false }),
        clientFrame(Opcode.Continuation, Buffer.alloc(0)),
        clientFrame(Opcode.Close, closePayload(1000)),
      ]),
    );
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.events.map((e) => e.type)).toEqual(['message', 'message', 'message', 'closing', 'closed']);
    expect(sink.messages).toEqual(['first', 'second', Buffer.alloc(50, 1)]);
    expect(sink.closedInfo).toMatchObject({ code: 1000, wasClean: true });
  });

  it('handles a close that cuts off a compressed message (no wait for a FIN that never comes)', async () => {
    const { sink, protocol } = make('server');
    protocol.receive(
      Buffer.concat([
        clientFrame(Opcode.Text, compress('complete'), { rsv1: true }),
        clientFrame(Opcode.Text, compress('never finished'), { rsv1: true, fin: false }),
        clientFrame(Opcode.Close, closePayload(1000)),
      ]),
    );
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.messages).toEqual(['complete']);
    expect(sink.closedInfo).toMatchObject({ code: 1000, wasClean: true, initiatedBy: 'remote' });

    const alone = make('server');
    alone.protocol.receive(clientFrame(Opcode.Binary, compress('x'), { rsv1: true, fin: false }));
    alone.protocol.receive(clientFrame(Opcode.Close, closePayload(1001)));
    await alone.sink.until(() => alone.sink.closedInfo !== null);
    expect(alone.sink.closedInfo).toMatchObject({ code: 1001, wasClean: true });
  });

  it('inflates a compressed frame that arrives in pieces', async () => {
    const { sink, protocol } = make('server');
    const frame = clientFrame(Opcode.Binary, compress(Buffer.alloc(5000, 7)), { rsv1: true });
    for (let i = 0; i < frame.length; i += 3) protocol.receive(Buffer.from(frame.subarray(i, i + 3)));
    await sink.until(() => sink.messages.length === 1);
    expect(sink.messages[0]).toEqual(Buffer.alloc(5000, 7));
  });

  it('fails a compression bomb with 1009 instead of inflating it', async () => {
    const { sink, protocol } = make('server', { maxPayload: 64 * 1024 });
    protocol.receive(clientFrame(Opcode.Binary, compress(Buffer.alloc(10 * 1024 * 1024)), { rsv1: true }));
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.closedInfo).toMatchObject({ code: 1009, error: { code: 'MESSAGE_TOO_BIG' } });
    expect(sink.messages).toEqual([]);
  });

  it('fails with 1007 on corrupt compressed data and on inflated text that is not UTF-8', async () => {
    const corrupt = make('server');
    corrupt.protocol.receive(clientFrame(Opcode.Binary, hex('ff ff ff ff'), { rsv1: true }));
    await corrupt.sink.until(() => corrupt.sink.closedInfo !== null);
    expect(corrupt.sink.closedInfo).toMatchObject({ code: 1007, error: { code: 'INFLATE_FAILED' } });

    const notText = make('server');
    notText.protocol.receive(clientFrame(Opcode.Text, compress(hex('ce ba ff')), { rsv1: true }));
    await notText.sink.until(() => notText.sink.closedInfo !== null);
    expect(notText.sink.closedInfo).toMatchObject({ code: 1007, error: { code: 'INVALID_UTF8' } });
  });

  it('rejects RSV1 on a continuation frame even with deflate negotiated', () => {
    const { sink, protocol } = make('server');
    protocol.receive(clientFrame(Opcode.Text, compress('a'), { rsv1: true, fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, '', { rsv1: true }));
    expect(sink.closedInfo).toMatchObject({ code: 1002, error: { code: 'RESERVED_BITS' } });
  });

  it('sends our close only after a message that is still being compressed', async () => {
    const { sink, protocol } = make('client', { deflateThreshold: 0 });
    protocol.send('compressed first');
    expect(protocol.bufferedMessages).toBe(1);
    protocol.close(1000, 'bye');
    await sink.until(() => sink.frames('server').length === 2);
    expect(sink.frames('server').map((f) => [f.opcode, f.rsv1])).toEqual([
      [Opcode.Text, true],
      [Opcode.Close, false],
    ]);
    protocol.receive(serverFrame(Opcode.Close, closePayload(1000)));
    expect(sink.closedInfo).toMatchObject({ code: 1000, wasClean: true, initiatedBy: 'local' });
  });

  it('replies to a peer close only after a pending compressed message, then reports closed', async () => {
    const { sink, protocol } = make('server', { deflateThreshold: 0 });
    protocol.send('pending');
    protocol.receive(clientFrame(Opcode.Close, closePayload(1001)));
    expect(sink.closedInfo).toBeNull();
    expect(protocol.state).toBe('closing');
    await sink.until(() => sink.closedInfo !== null);
    expect(sink.frames('client').map((f) => f.opcode)).toEqual([Opcode.Text, Opcode.Close]);
    expect(sink.closedInfo).toMatchObject({ code: 1001, wasClean: true, initiatedBy: 'remote' });
  });

  it('fragments compressed output at fragmentSize with RSV1 only on the first frame', async () => {
    const { sink, protocol } = make('server', { deflateThreshold: 0, fragmentSize: 8 });
    const data = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 7919) & 0xff));
    protocol.send(data);
    await sink.until(() => sink.frames('client').some((f) => f.fin));
    const frames = sink.frames('client');
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[0]!.rsv1).toBe(true);
    expect(frames.slice(1).every((f) => !f.rsv1 && f.opcode === Opcode.Continuation)).toBe(true);
    const client = make('client');
    client.protocol.receive(sink.takeWrites());
    await client.sink.until(() => client.sink.messages.length === 1);
    expect(client.sink.messages[0]).toEqual(data);
  });

  it('drops pending work on transport close and frees zlib (no events after closed)', async () => {
    const { sink, protocol } = make('server', { deflateThreshold: 0 });
    protocol.send('never written');
    protocol.receive(clientFrame(Opcode.Text, compress('never delivered'), { rsv1: true }));
    protocol.transportClosed();
    expect(sink.closedInfo).toMatchObject({ code: 1006, initiatedBy: 'transport' });
    // Give zlib a chance to call back; nothing may reach the sink.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sink.events.map((e) => e.type)).toEqual(['closed']);
    expect(sink.writes).toEqual([]);
  });
});
