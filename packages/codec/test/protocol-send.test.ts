import { describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { prepareMessage } from '../src/prepared-message.js';
import { WebSocketProtocol } from '../src/protocol.js';
import type { ProtocolOptions } from '../src/types.js';
import { clientFrame, closePayload, hex, RecordingSink } from './helpers.js';

function make(role: 'client' | 'server', options: Partial<ProtocolOptions> = {}) {
  const sink = new RecordingSink();
  return { sink, protocol: new WebSocketProtocol(sink, { ...options, role }) };
}

describe('send', () => {
  it('writes an unmasked server text frame as one buffer', () => {
    const { sink, protocol } = make('server');
    const result = protocol.send('Hello');
    expect(result).toEqual({
      ok: true,
      value: { payloadSize: 5, wireSize: 7, compressed: false, pending: false },
    });
    expect(sink.writes).toEqual([hex('81 05 48 65 6c 6c 6f')]);
  });

  it('masks client frames with a fresh key each time', () => {
    const { sink, protocol } = make('client');
    protocol.send('Hello');
    protocol.send('Hello');
    const [a, b] = sink.writes;
    expect(a![1]).toBe(0x85);
    expect(a!.subarray(2, 6).equals(b!.subarray(2, 6))).toBe(false);
    expect(sink.frames('server').map((f) => f.payload.toString())).toEqual(['Hello', 'Hello']);
  });

  it('accepts Buffer, Uint8Array and ArrayBuffer as binary, and binary: false as text', () => {
    const { sink, protocol } = make('server');
    protocol.send(Buffer.from([1]));
    protocol.send(new Uint8Array([9, 2, 3]).subarray(1));
    protocol.send(new Uint8Array([4]).buffer);
    protocol.send(Buffer.from('text'), { binary: false });
    protocol.send('bin', { binary: true });
    expect(sink.frames('client').map((f) => [f.opcode, f.payload.toString('hex')])).toEqual([
      [Opcode.Binary, '01'],
      [Opcode.Binary, '0203'],
      [Opcode.Binary, '04'],
      [Opcode.Text, Buffer.from('text').toString('hex')],
      [Opcode.Binary, Buffer.from('bin').toString('hex')],
    ]);
  });

  it('refuses a Buffer sent as text when it is not UTF-8', () => {
    const { sink, protocol } = make('server');
    const result = protocol.send(hex('ff'), { binary: false });
    expect(!result.ok && result.error.code).toBe('INVALID_UTF8');
    expect(sink.writes).toEqual([]);
  });

  it('writes large unmasked payloads as header + payload without copying', () => {
    const { sink, protocol } = make('server');
    const payload = Buffer.alloc(10_000, 1);
    protocol.send(payload);
    expect(sink.originals.length).toBe(2);
    expect(sink.originals[0]).toEqual(hex('82 7e 27 10'));
    expect(sink.originals[1]).toBe(payload);
    expect(sink.frames('client')[0]!.payload).toEqual(payload);
  });

  it('auto-fragments at fragmentSize', () => {
    const { sink, protocol } = make('client', { fragmentSize: 4 });
    const result = protocol.send('abcdefghij');
    expect(result.ok && result.value.wireSize).toBe(3 * 6 + 4 + 4 + 2);
    expect(sink.frames('server').map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual([
      [false, Opcode.Text, 'abcd'],
      [false, Opcode.Continuation, 'efgh'],
      [true, Opcode.Continuation, 'ij'],
    ]);
  });

  it('sends a message in pieces with fin: false', () => {
    const { sink, protocol } = make('server');
    protocol.send('one ', { fin: false });
    protocol.send('two ', { fin: false, binary: true });
    protocol.send('three');
    protocol.send(Buffer.from([1]));
    expect(sink.frames('client').map((f) => [f.fin, f.opcode])).toEqual([
      [false, Opcode.Text],
      [false, Opcode.Continuation],
      [true, Opcode.Continuation],
      [true, Opcode.Binary],
    ]);
  });

  it('sends an empty message as one empty frame', () => {
    const { sink, protocol } = make('server');
    protocol.send('');
    expect(sink.writes).toEqual([hex('81 00')]);
  });
});

describe('ping and pong', () => {
  it('sends pings and pongs with up to 125 bytes', () => {
    const { sink, protocol } = make('server');
    expect(protocol.ping('hi').ok).toBe(true);
    expect(protocol.pong(Buffer.alloc(125, 1)).ok).toBe(true);
    expect(protocol.ping().ok).toBe(true);
    expect(sink.frames('client').map((f) => [f.opcode, f.payload.length])).toEqual([
      [Opcode.Ping, 2],
      [Opcode.Pong, 125],
      [Opcode.Ping, 0],
    ]);
  });

  it('returns an error value for payloads over 125 bytes', () => {
    const { sink, protocol } = make('client');
    const ping = protocol.ping(Buffer.alloc(126));
    expect(!ping.ok && ping.error.code).toBe('CONTROL_PAYLOAD_TOO_LARGE');
    const pong = protocol.pong('x'.repeat(126));
    expect(!pong.ok && pong.error.code).toBe('CONTROL_PAYLOAD_TOO_LARGE');
    expect(sink.writes).toEqual([]);
  });
});

describe('prepareMessage / sendPrepared', () => {
  it('writes the very same frame buffers to every server connection', () => {
    const prepared = prepareMessage('broadcast');
    const a = make('server');
    const b = make('server');
    expect(a.protocol.sendPrepared(prepared)).toEqual({
      ok: true,
      value: { payloadSize: 9, wireSize: 11, compressed: false, pending: false },
    });
    b.protocol.sendPrepared(prepared);
    expect(a.sink.originals[0]).toBe(b.sink.originals[0]);
    expect(a.sink.originals[0]).toEqual(Buffer.concat([hex('81 09'), Buffer.from('broadcast')]));
  });

  it('fragments when asked and frames large payloads as header + payload', () => {
    const prepared = prepareMessage(Buffer.alloc(10_000, 3), { fragmentSize: 6000 });
    expect(prepared.frames.length).toBe(3);
    expect(prepared.wireSize).toBe(4 + 6000 + 4 + 4000);
    const { sink, protocol } = make('server');
    protocol.sendPrepared(prepared);
    expect(sink.frames('client').map((f) => [f.fin, f.opcode, f.payload.length])).toEqual([
      [false, Opcode.Binary, 6000],
      [true, Opcode.Continuation, 4000],
    ]);
  });

  it('re-encodes with a mask on a client connection', () => {
    const { sink, protocol } = make('client');
    protocol.sendPrepared(prepareMessage(new Uint8Array([1, 2]), { binary: false }));
    expect(sink.writes[0]![1]! & 0x80).toBe(0x80);
    expect(sink.frames('server')).toEqual([
      { fin: true, rsv1: false, opcode: Opcode.Text, payload: hex('01 02') },
    ]);
  });

  it('refuses while a fin: false message is open, and when not open', () => {
    const { protocol } = make('server');
    protocol.send('a', { fin: false });
    const open = protocol.sendPrepared(prepareMessage('x'));
    expect(!open.ok && open.error.code).toBe('MESSAGE_IN_PROGRESS');
    protocol.close(1000);
    const closed = protocol.sendPrepared(prepareMessage('x'));
    expect(!closed.ok && closed.error.code).toBe('NOT_OPEN');
  });
});

describe('sendStream', () => {
  it('frames each write as a fragment, reports progress, ends with FIN', () => {
    const { sink, protocol } = make('client', { fragmentSize: 3 });
    const progress: number[] = [];
    const stream = protocol.sendStream({
      binary: false,
      total: 8,
      onProgress: (p) => {
        progress.push(p.sent);
        expect(p.total).toBe(8);
        return true;
      },
    });
    expect(stream.write('abcde').ok).toBe(true);
    expect(stream.end('fgh').ok).toBe(true);
    expect(stream.finished).toBe(true);
    expect(stream.sent).toBe(8);
    expect(progress).toEqual([3, 5, 8]);
    expect(sink.frames('server').map((f) => [f.fin, f.opcode, f.payload.toString()])).toEqual([
      [false, Opcode.Text, 'abc'],
      [false, Opcode.Continuation, 'de'],
      [true, Opcode.Continuation, 'fgh'],
    ]);
    expect(stream.wireSize).toBe(Buffer.concat(sink.writes).length);
    const late = stream.write('x');
    expect(!late.ok && late.error.code).toBe('STREAM_ENDED');
  });

  it('ends an empty stream with one empty final frame', () => {
    const { sink, protocol } = make('server');
    protocol.sendStream().end();
    expect(sink.writes).toEqual([hex('82 00')]);
  });

  it('queues other messages behind the stream but lets pings through', () => {
    const { sink, protocol } = make('server');
    const stream = protocol.sendStream({ binary: true });
    stream.write(Buffer.from('a'));
    const queued = protocol.send('after');
    expect(queued.ok && queued.value.pending).toBe(true);
    protocol.ping('p');
    stream.end(Buffer.from('b'));
    expect(sink.frames('client').map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [Opcode.Binary, 'a'],
      [Opcode.Ping, 'p'],
      [Opcode.Continuation, 'b'],
      [Opcode.Text, 'after'],
    ]);
    expect(protocol.bufferedMessages).toBe(0);
  });

  it('cancels when onProgress returns false: no more fragments, clean close 1000', () => {
    const { sink, protocol } = make('server', { fragmentSize: 2 });
    const stream = protocol.sendStream({ onProgress: (p) => p.sent < 4 });
    protocol.send('queued behind the stream');
    const result = stream.write(Buffer.from('abcdefgh'));
    expect(!result.ok && result.error.code).toBe('CANCELLED');
    expect(stream.finished).toBe(true);
    const frames = sink.frames('client');
    expect(frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [Opcode.Binary, 'ab'],
      [Opcode.Continuation, 'cd'],
      [Opcode.Close, closePayload(1000, 'message cancelled').toString()],
    ]);
    expect(protocol.state).toBe('closing');
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.closedInfo).toMatchObject({ code: 1000, wasClean: true, initiatedBy: 'local' });
  });

  it('cuts the stream when the peer closes, and refuses later writes', () => {
    const { sink, protocol } = make('server');
    const stream = protocol.sendStream();
    stream.write(Buffer.from('a'));
    protocol.receive(clientFrame(Opcode.Close, closePayload(1000)));
    expect(sink.closedInfo?.wasClean).toBe(true);
    const result = stream.write(Buffer.from('b'));
    expect(!result.ok && result.error.code).toBe('NOT_OPEN');
    expect(sink.frames('client').map((f) => f.opcode)).toEqual([Opcode.Binary, Opcode.Close]);
  });

  it('a stream started on a closed connection refuses writes; cancel() is idempotent', () => {
    const { sink, protocol } = make('server');
    protocol.close(1000);
    const stream = protocol.sendStream();
    const result = stream.end();
    expect(!result.ok && result.error.code).toBe('NOT_OPEN');
    stream.cancel();
    stream.cancel();
    expect(sink.frames('client').length).toBe(1);
  });
});
