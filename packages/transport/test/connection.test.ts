import * as http from 'node:http';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Connection,
  type ConnectionHandler,
  connect,
  DEFAULT_HIGH_WATER_MARK,
  listen,
  type TransportError,
  wrapSocket,
} from '../src/index.js';
import { deferred, expectOk, Resources } from './support/resources.js';

const resources = new Resources();
afterEach(() => resources.closeAll());

/** A listener on 127.0.0.1 whose accepted connections are handed to the returned queue. */
async function startServer(): Promise<{ port: number; accepted: () => Promise<Connection> }> {
  const waiting: ((conn: Connection) => void)[] = [];
  const ready: Connection[] = [];
  const listener = resources.listener(
    expectOk(
      await listen({ host: '127.0.0.1', port: 0 }, (conn) => {
        const next = waiting.shift();
        if (next) next(conn);
        else ready.push(conn);
      }),
    ),
  );
  const accepted = (): Promise<Connection> => {
    const conn = ready.shift();
    return conn ? Promise.resolve(conn) : new Promise((resolve) => waiting.push(resolve));
  };
  return { port: listener.address().port, accepted };
}

/** Handler that collects bytes and reports the end. */
class Collector implements ConnectionHandler {
  chunks: Buffer[] = [];
  private readonly ended = deferred<TransportError | undefined>();
  private wanted = 0;
  private arrived: (() => void) | null = null;
  readonly endPromise = this.ended.promise;

  data(chunk: Buffer): void {
    this.chunks.push(chunk);
    if (this.arrived && this.size >= this.wanted) this.arrived();
  }
  end(error?: TransportError): void {
    this.ended.resolve(error);
  }
  get size(): number {
    return this.chunks.reduce((n, c) => n + c.length, 0);
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
  /** Resolves once at least `bytes` bytes have arrived. */
  received(bytes: number): Promise<void> {
    if (this.size >= bytes) return Promise.resolve();
    this.wanted = bytes;
    return new Promise((resolve) => {
      this.arrived = resolve;
    });
  }
}

describe('Connection over loopback TCP', () => {
  it('carries bytes both ways and reports addresses', async () => {
    const server = await startServer();
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port: server.port })));
    const serverSide = await server.accepted();
    const atServer = new Collector();
    const atClient = new Collector();
    serverSide.setHandler(atServer);
    client.setHandler(atClient);

    client.write(Buffer.from('ping'));
    await atServer.received(4);
    serverSide.write(Buffer.from('pong!'));
    await atClient.received(5);

    expect(atServer.text).toBe('ping');
    expect(atClient.text).toBe('pong!');
    expect(client.remotePort).toBe(server.port);
    expect(serverSide.localPort).toBe(server.port);
    expect(serverSide.remotePort).toBe(client.localPort);
    expect(client.remoteAddress).toBe('127.0.0.1');
    expect(client.secure).toBe(false);
    expect(client.peerCertificate).toBeUndefined();
    expect(client.highWaterMark).toBe(DEFAULT_HIGH_WATER_MARK);
  });

  it('coalesces writes made in one tick into one syscall, per connection', async () => {
    const server = await startServer();
    const sockets = await Promise.all(
      [0, 1].map(
        (i) =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
            resources.onCleanup(() => void s.destroy());
            return i;
          }),
      ),
    );
    const writevCalls: number[][] = [[], []];
    const writeCalls = [0, 0];
    const conns = sockets.map((socket, i) => {
      const raw = socket as net.Socket & {
        _writev: (chunks: unknown[], cb: unknown) => void;
        _write: (chunk: unknown, enc: unknown, cb: unknown) => void;
      };
      const writev = raw._writev.bind(raw);
      const write = raw._write.bind(raw);
      raw._writev = (chunks, cb) => {
        writevCalls[i]!.push(chunks.length);
        writev(chunks, cb);
      };
      raw._write = (chunk, enc, cb) => {
        writeCalls[i]!++;
        write(chunk, enc, cb);
      };
      return resources.connection(wrapSocket(socket));
    });
    const peers = [await server.accepted(), await server.accepted()];
    const collectors = peers.map((peer) => {
      const c = new Collector();
      peer.setHandler(c);
      return c;
    });

    // A "broadcast": five frames to each of two connections in the same tick.
    for (let n = 0; n < 5; n++) for (const conn of conns) conn.write(Buffer.from(`m${n};`));
    expect(conns[0]!.bufferedAmount).toBe(15); // corked: still ours, not the kernel's

    await Promise.all(collectors.map((c) => c.received(15)));
    expect(writevCalls).toEqual([[5], [5]]);
    expect(writeCalls).toEqual([0, 0]);
    // Both peers got the same bytes; which socket is which peer depends on accept order.
    expect(collectors.map((c) => c.text)).toEqual(['m0;m1;m2;m3;m4;', 'm0;m1;m2;m3;m4;']);

    // One write in a tick (a frame, a broadcast) goes out as one plain write, no writev.
    for (const conn of conns) conn.write(Buffer.from('solo'));
    expect(conns[1]!.bufferedAmount).toBe(4);
    await Promise.all(collectors.map((c) => c.received(19)));
    expect(writeCalls).toEqual([1, 1]);
    expect(writevCalls).toEqual([[5], [5]]);
  });

  it('sends what the data handler wrote (one writev for several) as soon as the handler returns', async () => {
    const server = await startServer();
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port: server.port })));
    const atClient = new Collector();
    client.setHandler(atClient);
    const peer = await server.accepted();
    const socket = (peer as unknown as { socket: net.Socket }).socket;
    const handedToSocket: string[] = [];
    const raw = socket as net.Socket & {
      _writev: (chunks: { chunk: Buffer }[], cb: unknown) => void;
      _write: (chunk: Buffer, enc: unknown, cb: unknown) => void;
    };
    const writev = raw._writev.bind(raw);
    const write = raw._write.bind(raw);
    raw._writev = (chunks, cb) => {
      handedToSocket.push(`writev(${chunks.map((c) => c.chunk.toString()).join(',')})`);
      writev(chunks, cb);
    };
    raw._write = (chunk, enc, cb) => {
      handedToSocket.push(`write(${chunk.toString()})`);
      write(chunk, enc, cb);
    };
    // A listener added after ours runs in the same 'data' emit, before any tick: what it
    // sees is what left while our handler's call was still on the stack.
    const seenAfterHandler: string[][] = [];
    let round = 0;
    peer.setHandler({
      data(chunk) {
        round++;
        peer.write(Buffer.from(`echo:${chunk}`));
        if (round === 2) peer.write(Buffer.from('more'));
      },
    });
    socket.on('data', () => seenAfterHandler.push([...handedToSocket]));

    client.write(Buffer.from('a'));
    await atClient.received('echo:a'.length);
    client.write(Buffer.from('b'));
    await atClient.received('echo:aecho:bmore'.length);
    expect(seenAfterHandler).toEqual([['write(echo:a)'], ['write(echo:a)', 'writev(echo:b,more)']]);
    expect(atClient.text).toBe('echo:aecho:bmore');
  });

  it('signals highWater to a writer whose reader is paused, then drain once it reads', async () => {
    const server = await startServer();
    const highWaterMark = 256 * 1024;
    const client = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port: server.port, highWaterMark })),
    );
    const reader = await server.accepted();
    const atServer = new Collector();
    reader.setHandler(atServer);
    reader.pause();

    const highWater = deferred<number>();
    const drained = deferred();
    client.setHandler({ data() {}, highWater: highWater.resolve, drain: drained.resolve });

    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let reportedAt = 0;
    let acceptedMore = true;
    highWater.promise.then((amount) => {
      reportedAt = amount;
    });
    // One chunk per macrotask, so the kernel gets each one before we decide to go on.
    while (acceptedMore && reportedAt === 0) {
      acceptedMore = client.write(chunk);
      written += chunk.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(acceptedMore).toBe(false);
    expect(reportedAt).toBeGreaterThanOrEqual(highWaterMark);
    expect(client.bufferedAmount).toBeGreaterThanOrEqual(highWaterMark);
    expect(client.write(chunk)).toBe(false); // still above: keeps saying "wait"
    written += chunk.length;

    reader.resume();
    await drained.promise;
    expect(client.bufferedAmount).toBe(0);
    await atServer.received(written);
    expect(atServer.size).toBe(written);
  });

  it('pairs highWater with drain even when the kernel takes a held write at once', async () => {
    const server = await startServer();
    const client = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port: server.port, highWaterMark: 64 * 1024 })),
    );
    const reader = await server.accepted();
    const atServer = new Collector();
    reader.setHandler(atServer);
    let highWaters = 0;
    let drains = 0;
    const drained = deferred();
    client.setHandler({
      data() {},
      highWater: () => highWaters++,
      drain: () => {
        drains++;
        drained.resolve();
      },
    });
    // Above our mark but small enough for a loopback socket buffer: the socket flushes it
    // without ever needing a 'drain' of its own, so the pairing is transport's job.
    const frame = Buffer.alloc(96 * 1024, 0x61);
    expect(client.write(frame)).toBe(false);
    await drained.promise;
    await atServer.received(frame.length);
    expect([highWaters, drains]).toEqual([1, 1]);
    expect(client.write(Buffer.from('after'))).toBe(true);
  });

  it('one write bigger than the mark signals highWater at once, and drain after it is flushed', async () => {
    const server = await startServer();
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port: server.port })));
    const reader = await server.accepted();
    const atServer = new Collector();
    reader.setHandler(atServer);
    reader.pause();
    const reported: number[] = [];
    const drained = deferred();
    client.setHandler({ data() {}, highWater: (amount) => reported.push(amount), drain: drained.resolve });

    const big = Buffer.alloc(4 * DEFAULT_HIGH_WATER_MARK, 0x7a);
    expect(client.write(big)).toBe(false);
    expect(reported).toEqual([big.length]); // synchronous, while the write is still held by us
    expect(client.bufferedAmount).toBe(big.length);

    reader.resume();
    await drained.promise;
    await atServer.received(big.length);
    expect(atServer.size).toBe(big.length);
    expect(reported).toHaveLength(1);
    expect(client.write(Buffer.from('after'))).toBe(true);
  });

  it('buffers bytes that arrive before setHandler and delivers them in order', async () => {
    const server = await startServer();
    const socket = await new Promise<net.Socket>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
    });
    resources.onCleanup(() => void socket.destroy());
    const peer = await server.accepted();
    socket.write('early ');
    // The end callback runs once the bytes and the FIN are in the kernel, i.e. at the peer.
    await new Promise<void>((resolve) => socket.end('bytes', resolve));
    const collector = new Collector();
    peer.setHandler(collector);
    expect(await collector.endPromise).toBeUndefined();
    expect(collector.text).toBe('early bytes');
  });

  it('reports a reset by the peer as ECONNRESET with the original error as cause', async () => {
    const server = await startServer();
    const socket = await new Promise<net.Socket>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
    });
    resources.onCleanup(() => void socket.destroy());
    const peer = await server.accepted();
    const collector = new Collector();
    peer.setHandler(collector);
    socket.resetAndDestroy();
    const error = await collector.endPromise;
    expect(error?.code).toBe('ECONNRESET');
    expect((error?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
    expect(error?.message).toContain('reset');
    expect(peer.open).toBe(false);
    expect(peer.write(Buffer.from('late'))).toBe(false);
  });

  it('calls the idle callback when nothing moves, and not after it is disabled', async () => {
    const server = await startServer();
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port: server.port })));
    const peer = await server.accepted();
    peer.setHandler(new Collector());
    let idleCalls = 0;
    await new Promise<void>((resolve) =>
      client.setIdleTimeout(20, () => {
        idleCalls++;
        resolve();
      }),
    );
    expect(idleCalls).toBe(1);
    expect(client.open).toBe(true); // idle is a signal; closing is the owner's call
    client.setIdleTimeout(0, () => {
      idleCalls++;
    });
    // Activity after disabling: a round trip, then the connection closes without an idle call.
    const collector = new Collector();
    client.setHandler(collector);
    client.end();
    expect(await collector.endPromise).toBeUndefined();
    expect(idleCalls).toBe(1);
  });

  it('tracks open connections on the listener and destroys them on close', async () => {
    const accepted = deferred<Connection>();
    const listener = expectOk(await listen({ host: '127.0.0.1', port: 0 }, accepted.resolve));
    const client = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port: listener.address().port })),
    );
    const peer = await accepted.promise;
    expect(listener.connections).toBe(1);
    const clientEnd = new Collector();
    client.setHandler(clientEnd);
    peer.setHandler(new Collector());
    await listener.close();
    await clientEnd.endPromise;
    expect(listener.connections).toBe(0);
  });

  it('ends a wrapped node:http socket (half-open capable) when the peer sends FIN', async () => {
    const httpServer = http.createServer();
    resources.onCleanup(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));
    const serverEnded = deferred<TransportError | undefined>();
    httpServer.on('upgrade', (_req, socket: net.Socket) => {
      expect(socket.allowHalfOpen).toBe(true);
      const conn = resources.connection(wrapSocket(socket));
      conn.setHandler({ data() {}, end: serverEnded.resolve });
      conn.write(
        Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'),
      );
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const port = (httpServer.address() as net.AddressInfo).port;
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port })));
    const clientSide = new Collector();
    client.setHandler(clientSide);
    client.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'));
    await clientSide.received(12);
    client.end();
    expect(await serverEnded.promise).toBeUndefined();
    expect(await clientSide.endPromise).toBeUndefined();
  });

  it('wraps a socket handed over by node:http upgrade', async () => {
    const httpServer = http.createServer();
    resources.onCleanup(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));
    httpServer.on('upgrade', (_req, socket: net.Socket, head: Buffer) => {
      const conn = resources.connection(wrapSocket(socket));
      conn.write(
        Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n'),
      );
      conn.setHandler({ data: (chunk) => conn.write(chunk) });
      if (head.length > 0) conn.write(head);
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const port = (httpServer.address() as net.AddressInfo).port;
    const client = resources.connection(expectOk(await connect({ host: '127.0.0.1', port })));
    const collector = new Collector();
    client.setHandler(collector);
    client.write(
      Buffer.from(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n`,
      ),
    );
    await collector.received(4);
    const head = collector.text;
    expect(head.startsWith('HTTP/1.1 101')).toBe(true);
    const headLength = collector.size;
    client.write(Buffer.from('echo me'));
    await collector.received(headLength + 7);
    expect(collector.text.slice(head.indexOf('\r\n\r\n') + 4)).toBe('echo me');
  });
});
