// A `ws` client wrapped for tests: messages, pongs and the close arrive as awaitable events.
import { WebSocket } from 'ws';

export interface WsMessage {
  data: Buffer;
  binary: boolean;
}

class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((v: T) => void)[] = [];

  push(v: T): void {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }

  next(): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class WsTestClient {
  readonly messages = new EventQueue<WsMessage>();
  readonly pongs = new EventQueue<Buffer>();
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data, binary) => this.messages.push({ data: data as Buffer, binary }));
    socket.on('pong', (data) => this.pongs.push(data));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      socket.once('close', () => reject(new Error('closed before open')));
    });
  }

  static async connect(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}) {
    const client = new WsTestClient(new WebSocket(url, { maxPayload: 100 * 1024 * 1024, ...options }));
    await client.opened;
    return client;
  }

  /** Sends and waits for the echo. */
  async roundTrip(data: Buffer | string, binary: boolean): Promise<WsMessage> {
    this.socket.send(data, { binary });
    return this.messages.next();
  }

  terminate(): void {
    this.socket.terminate();
  }
}
