// Cross-checks against an independent implementation: the `ws` package's Sender and Receiver
// (dev dependency), driven in-process without sockets.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Opcode } from '../src/constants.js';
import { WebSocketProtocol } from '../src/protocol.js';
import type { PerMessageDeflateParams } from '../src/types.js';
import { RecordingSink } from './helpers.js';

const require = createRequire(import.meta.url);
const {
  Receiver,
  Sender,
  PerMessageDeflate: WsDeflate,
  extension,
} = require('ws') as typeof import('ws') & {
  Receiver: new (options: object) => WsReceiver;
  Sender: new (socket: object, extensions?: object) => WsSender;
  PerMessageDeflate: new (options: object) => WsPerMessageDeflate;
  extension: { parse(header: string): Record<string, object[]> };
};

interface WsReceiver {
  write(chunk: Buffer): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}
interface WsSender {
  send(data: Buffer | string, options: object): void;
  ping(data: Buffer, mask: boolean): void;
  close(code: number, reason: string, mask: boolean): void;
}
interface WsPerMessageDeflate {
  offer(): object;
  accept(configurations: object[]): object;
  cleanup(): void;
}

const DEFAULT_PARAMS: PerMessageDeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Resolves when `check()` holds; `poke()` re-checks (called from event listeners). */
function waiter(check: () => boolean) {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const poke = () => {
    if (check()) resolve();
  };
  return { promise, poke };
}

/** A fake socket collecting what ws's Sender writes. */
function captureSocket(onWrite: () => void = () => {}) {
  const chunks: Buffer[] = [];
  return {
    chunks,
    socket: {
      write(data: Buffer | string, cb?: () => void) {
        chunks.push(Buffer.from(data));
        cb?.();
        onWrite();
        return true;
      },
      cork() {},
      uncork() {},
    },
  };
}

function wsServerDeflate(): WsPerMessageDeflate {
  const deflate = new WsDeflate({ isServer: true, maxPayload: 0 });
  deflate.accept(extension.parse('permessage-deflate')['permessage-deflate']!);
  cleanups.push(() => deflate.cleanup());
  return deflate;
}

function wsReceiver(isServer: boolean, deflate?: WsPerMessageDeflate, onEvent: () => void = () => {}) {
  const messages: (string | Buffer)[] = [];
  const events: string[] = [];
  const receiver = new Receiver({
    isServer,
    maxPayload: 0,
    binaryType: 'nodebuffer',
    extensions: deflate ? { 'permessage-deflate': deflate } : {},
  });
  receiver.on('message', (data, isBinary) => {
    messages.push(isBinary ? (data as Buffer) : String(data));
    onEvent();
  });
  receiver.on('ping', () => events.push('ping'));
  receiver.on('conclude', (code) => events.push(`close ${code}`));
  receiver.on('error', (error) => {
    events.push(`error ${(error as Error).message}`);
    onEvent();
  });
  return { receiver, messages, events };
}

describe('interop with ws', () => {
  it('our server parses what a ws client sends (masked, fragmented, control frames)', () => {
    const { chunks, socket } = captureSocket();
    const sender = new Sender(socket);
    sender.send('héllo', { binary: false, mask: true, fin: true, compress: false });
    sender.send(Buffer.alloc(70_000, 5), { binary: true, mask: true, fin: true, compress: false });
    sender.send('frag', { binary: false, mask: true, fin: false, compress: false });
    sender.ping(Buffer.from('p'), true);
    sender.send('mented', { binary: false, mask: true, fin: true, compress: false });
    sender.close(4000, 'done', true);
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, { role: 'server' });
    for (const chunk of chunks) protocol.receive(chunk);
    expect(sink.messages.length).toBe(3);
    expect(sink.messages[0]).toBe('héllo');
    expect(Buffer.alloc(70_000, 5).equals(sink.messages[1] as Buffer)).toBe(true);
    expect(sink.messages[2]).toBe('fragmented');
    expect(sink.events.filter((e) => e.type === 'ping').length).toBe(1);
    expect(sink.closedInfo).toMatchObject({ code: 4000, reason: 'done', wasClean: true });
  });

  it('a ws server receiver parses what our client sends, fragmented and whole', () => {
    const { receiver, messages, events } = wsReceiver(true);
    const sink = new RecordingSink();
    const protocol = new WebSocketProtocol(sink, { role: 'client', fragmentSize: 1000 });
    protocol.send('κόσμε'.repeat(500));
    protocol.send(Buffer.alloc(3000, 1));
    protocol.ping('x');
    const stream = protocol.sendStream({ binary: false });
    stream.write('streamed ');
    stream.end('text');
    protocol.close(1000, 'bye');
    for (const chunk of sink.writes) receiver.write(chunk);
    expect(messages).toEqual(['κόσμε'.repeat(500), Buffer.alloc(3000, 1), 'streamed text']);
    expect(events).toEqual(['ping', 'close 1000']);
  });

  it('compressed messages round-trip with ws permessage-deflate in both directions', async () => {
    // Our client → ws server.
    const deflate = wsServerDeflate();
    const texts = ['first message', 'first message again', 'x'.repeat(20_000)];
    let received: { messages: (string | Buffer)[]; events: string[] } = { messages: [], events: [] };
    const arrived = waiter(() => received.messages.length === texts.length || received.events.length > 0);
    const { receiver, messages, events } = wsReceiver(true, deflate, () => arrived.poke());
    received = { messages, events };
    const clientSink = new RecordingSink();
    const client = new WebSocketProtocol(clientSink, {
      role: 'client',
      deflate: DEFAULT_PARAMS,
      deflateThreshold: 0,
    });
    cleanups.push(() => client.destroy());
    for (const text of texts) client.send(text);
    await clientSink.until(() => clientSink.frames('server').length === texts.length);
    expect(clientSink.frames('server').every((f) => f.rsv1)).toBe(true);
    for (const chunk of clientSink.writes) receiver.write(chunk);
    await arrived.promise;
    expect(events).toEqual([]);
    expect(messages).toEqual(texts);

    // ws server → our client.
    let written: Buffer[] = [];
    // ws writes each frame as header + payload (or one merged buffer); the close frame is last.
    const flushed = waiter(() => written.some((chunk) => chunk[0] === 0x88));
    const { chunks, socket } = captureSocket(() => flushed.poke());
    written = chunks;
    const sender = new Sender(socket, { 'permessage-deflate': deflate });
    sender.send('compressed by ws '.repeat(100), { binary: false, mask: false, fin: true, compress: true });
    sender.send(Buffer.alloc(5000, 9), { binary: true, mask: false, fin: true, compress: true });
    sender.send('plain', { binary: false, mask: false, fin: true, compress: false });
    sender.close(1000, '', false);
    await flushed.promise;
    for (const chunk of chunks) client.receive(chunk);
    await clientSink.until(() => clientSink.closedInfo !== null);
    expect(clientSink.messages).toEqual(['compressed by ws '.repeat(100), Buffer.alloc(5000, 9), 'plain']);
    expect(clientSink.closedInfo).toMatchObject({ code: 1000, wasClean: true, initiatedBy: 'remote' });
    expect(Opcode.Close).toBe(8);
  });
});
