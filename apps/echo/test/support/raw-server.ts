// A raw node:net WebSocket server for the client-side suite: it reads the upgrade request by
// hand and hands the socket to whoever waits for that request path; the case decides the
// response (a normal 101, a 101 with extension parameters, or a broken one).
import { createServer, type Server, type Socket } from 'node:net';
import { type HttpHead, readHead } from './handshake.js';

export interface IncomingUpgrade {
  socket: Socket;
  head: HttpHead;
  path: string;
  key: string;
  /** The client's Sec-WebSocket-Extensions offer, if any. */
  offer: string | undefined;
}

export class RawWebSocketServer {
  private readonly server: Server;
  private readonly waiting = new Map<string, (u: IncomingUpgrade) => void>();
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor() {
    this.server = createServer((socket) => this.onConnection(socket));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    this.port = address.port;
  }

  private async onConnection(socket: Socket): Promise<void> {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    const head = await readHead(socket);
    const path = head?.startLine.split(' ')[1];
    const waiter = path === undefined ? undefined : this.waiting.get(path);
    if (!head || !path || !waiter) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.waiting.delete(path);
    waiter({
      socket,
      head,
      path,
      key: head.headers.get('sec-websocket-key') ?? '',
      offer: head.headers.get('sec-websocket-extensions'),
    });
  }

  /** Resolves with the upgrade request for `path` (null after `ms` without one). */
  expect(path: string, ms: number): Promise<IncomingUpgrade | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(path);
        resolve(null);
      }, ms);
      this.waiting.set(path, (u) => {
        clearTimeout(timer);
        resolve(u);
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
