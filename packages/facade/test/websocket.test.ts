import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseEvent, WebSocket } from '../src/client/index.js';
import { Resources, startRawServer, startWsEchoServer } from './client-fixtures.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

function open(url: string, protocols?: string | string[]): WebSocket {
  const socket = new WebSocket(url, protocols, { proxy: false });
  resources.add(async () => {
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = once(socket, 'close');
    socket.close();
    await closed;
  });
  return socket;
}

function domError(fn: () => unknown): DOMException {
  try {
    fn();
  } catch (error) {
    if (error instanceof DOMException) return error;
    throw error;
  }
  throw new Error('expected a DOMException');
}

describe('WebSocket (WHATWG API)', () => {
  it('has the readyState constants on the class, the prototype and instances', async () => {
    const server = await startWsEchoServer(resources);
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    const socket = open(server.url);
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect(Object.hasOwn(WebSocket.prototype, 'OPEN')).toBe(true);
    expect(socket).toBeInstanceOf(EventTarget);
  });

  it('validates the URL and protocols like the standard (SyntaxError)', () => {
    expect(domError(() => new WebSocket('not a url')).name).toBe('SyntaxError');
    expect(domError(() => new WebSocket('ftp://host/')).name).toBe('SyntaxError');
    expect(domError(() => new WebSocket('ws://host/#frag')).name).toBe('SyntaxError');
    expect(domError(() => new WebSocket('ws://host/', ['a', 'a'])).name).toBe('SyntaxError');
    expect(domError(() => new WebSocket('ws://host/', 'bad proto')).name).toBe('SyntaxError');
  });

  it('maps http:// to ws:// in url', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(`http://127.0.0.1:${server.port}/x?y=1`);
    expect(socket.url).toBe(`ws://127.0.0.1:${server.port}/x?y=1`);
  });

  it('goes CONNECTING → OPEN → CLOSING → CLOSED with open, message, close in order', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    const events: string[] = [];
    expect(socket.readyState).toBe(WebSocket.CONNECTING);
    expect(domError(() => socket.send('too early')).name).toBe('InvalidStateError');
    socket.onopen = () => {
      events.push(`open ${socket.readyState}`);
      socket.send('ping?');
    };
    socket.onmessage = (event) => {
      events.push(`message ${(event as MessageEvent).data} ${socket.readyState}`);
      socket.close(1000, 'finished');
      events.push(`after close() ${socket.readyState}`);
    };
    const closed = new Promise<CloseEvent>((resolve) => {
      socket.addEventListener('close', (event) => resolve(event as CloseEvent));
    });
    socket.onclose = () => events.push(`close ${socket.readyState}`);
    const event = await closed;
    expect(events).toEqual(['open 1', 'message ping? 1', 'after close() 2', 'close 3']);
    expect(event).toBeInstanceOf(CloseEvent);
    expect(event).toBeInstanceOf(Event);
    expect([event.code, event.reason, event.wasClean]).toEqual([1000, 'finished', true]);
  });

  it('binaryType: arraybuffer by default, nodebuffer and blob on request', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    expect(socket.binaryType).toBe('arraybuffer');
    await once(socket, 'open');
    const received: unknown[] = [];
    socket.addEventListener('message', (event) => received.push((event as MessageEvent).data));
    const nextMessage = () => once(socket, 'message');

    socket.send(new Uint8Array([1, 2, 3]));
    await nextMessage();
    socket.binaryType = 'nodebuffer';
    socket.send(new Uint8Array([4, 5]).buffer);
    await nextMessage();
    socket.binaryType = 'blob';
    socket.send(Buffer.from([6]));
    await nextMessage();
    socket.binaryType = 'bogus' as never; // ignored, like browsers
    expect(socket.binaryType).toBe('blob');

    expect(received[0]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(received[0] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(Buffer.isBuffer(received[1])).toBe(true);
    expect([...(received[1] as Buffer)]).toEqual([4, 5]);
    expect(received[2]).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (received[2] as Blob).arrayBuffer())]).toEqual([6]);
  });

  it('sends a Blob in order with the messages after it', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    await once(socket, 'open');
    const texts: string[] = [];
    const done = new Promise<void>((resolve) => {
      socket.onmessage = (event) => {
        const data = (event as MessageEvent).data;
        texts.push(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString());
        if (texts.length === 3) resolve();
      };
    });
    socket.send(new Blob(['first']));
    socket.send('second');
    socket.send(new TextEncoder().encode('third'));
    await done;
    expect(texts).toEqual(['first', 'second', 'third']);
  });

  it("close()'s argument checks: InvalidAccessError for codes, SyntaxError for long reasons", async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    await once(socket, 'open');
    expect(domError(() => socket.close(1001)).name).toBe('InvalidAccessError');
    expect(domError(() => socket.close(2999)).name).toBe('InvalidAccessError');
    expect(domError(() => socket.close(5000)).name).toBe('InvalidAccessError');
    expect(domError(() => socket.close(1000, 'é'.repeat(62))).name).toBe('SyntaxError');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    const closed = once(socket, 'close');
    socket.close(4999, 'x'.repeat(123));
    const [event] = (await closed) as [CloseEvent];
    expect(event.code).toBe(4999);
  });

  it('a failed connection fires error then close (1006, not clean)', async () => {
    const { url } = await startRawServer(resources, (socket) => socket.destroy());
    const socket = open(url);
    const order: string[] = [];
    socket.onerror = (event) => order.push(`error ${(event as Event & { message: string }).message !== ''}`);
    const closed = new Promise<CloseEvent>((resolve) => {
      socket.onclose = (event) => {
        order.push('close');
        resolve(event as CloseEvent);
      };
    });
    const event = await closed;
    expect(order).toEqual(['error true', 'close']);
    expect(event.code).toBe(1006);
    expect(event.wasClean).toBe(false);
    expect(event.reason).not.toBe('');
    expect(socket.readyState).toBe(WebSocket.CLOSED);
  });

  it('close() while CONNECTING: CLOSING at once, then error and close events (asynchronously)', async () => {
    const { url } = await startRawServer(resources, () => {});
    const socket = open(url);
    socket.close();
    expect(socket.readyState).toBe(WebSocket.CLOSING);
    const order: string[] = [];
    socket.addEventListener('error', () => order.push('error'));
    const [event] = (await once(socket, 'close')) as [CloseEvent];
    expect(order).toEqual(['error']);
    expect(event.code).toBe(1006);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
  });

  it('exposes protocol and extensions after open', async () => {
    const server = await startWsEchoServer(resources, {
      perMessageDeflate: true,
      handleProtocols: (protocols) => (protocols.has('b') ? 'b' : false),
    });
    const socket = open(server.url, ['a', 'b']);
    expect(socket.protocol).toBe('');
    await once(socket, 'open');
    expect(socket.protocol).toBe('b');
    expect(socket.extensions).toContain('permessage-deflate');
  });

  it('an event handler attribute replaced later keeps its place; null removes it', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    const calls: string[] = [];
    socket.onopen = () => calls.push('first handler');
    socket.addEventListener('open', () => calls.push('listener'));
    socket.onopen = () => calls.push('second handler');
    expect(typeof socket.onopen).toBe('function');
    await once(socket, 'open');
    expect(calls).toEqual(['second handler', 'listener']);
    socket.onmessage = () => calls.push('message');
    socket.onmessage = null;
    expect(socket.onmessage).toBeNull();
  });

  it('sending after close neither throws nor sends; bufferedAmount grows', async () => {
    const server = await startWsEchoServer(resources);
    const socket = open(server.url);
    await once(socket, 'open');
    const closed = once(socket, 'close');
    socket.close();
    await closed;
    const before = socket.bufferedAmount;
    socket.send('into the void');
    expect(socket.bufferedAmount).toBe(before + 13);
  });

  it('reports the server closing with its code and reason', async () => {
    const server = await startWsEchoServer(resources);
    server.wss.on('connection', (peer) => peer.close(4321, 'server says bye'));
    const socket = open(server.url);
    const [event] = (await once(socket, 'close')) as [CloseEvent];
    expect([event.code, event.reason, event.wasClean]).toEqual([4321, 'server says bye', true]);
  });
});
