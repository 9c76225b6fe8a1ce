// The testees. `ws-reference` (the `ws` package, which passes Autobahn) validates the suite
// itself; `parley` is apps/echo, picked up by dynamic import once it exports its entry points.
import { WebSocket, WebSocketServer } from 'ws';

export interface RunningEchoServer {
  port: number;
  /** The path the server accepts WebSocket upgrades on ('/' when any path is fine). */
  path: string;
  /** True when only `path` is served (unknown paths must get 404). */
  pathEnforced: boolean;
  close(): Promise<void>;
}

export interface EchoServerTarget {
  name: string;
  /** Known lax behaviour (so the suite does not wait for what will never come). */
  strictFailFast: boolean;
  /** Case ids this testee is known to fail, with the reason (reported, not hidden). */
  knownDeviations?: Record<string, string>;
  /** `path`: where to serve, for testees that route by path (others accept any path). */
  start(options: { deflate: boolean; path: string }): Promise<RunningEchoServer>;
}

export interface RunningEchoClient {
  /** Settles when the client has finished (connection closed). */
  done: Promise<unknown>;
  stop(): void;
}

export interface EchoClientTarget {
  name: string;
  strictFailFast: boolean;
  knownDeviations?: Record<string, string>;
  run(url: string): RunningEchoClient;
}

/** Same limit for every testee so the compression-bomb case means the same thing. */
export const MAX_PAYLOAD = 100 * 1024 * 1024;

export const wsReferenceServer: EchoServerTarget = {
  name: 'ws-reference',
  // ws validates UTF-8 once the whole message is in (Autobahn rates that NON-STRICT).
  strictFailFast: false,
  knownDeviations: {
    '0.1.7': 'ws leaves the HTTP version to node:http and upgrades HTTP/1.0 requests',
    '0.2.4': 'ws without handleProtocols selects the first offered subprotocol',
  },
  async start({ deflate }) {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      maxPayload: MAX_PAYLOAD,
      perMessageDeflate: deflate ? { threshold: 0 } : false,
    });
    wss.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const address = wss.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected pipe address');
    return {
      port: address.port,
      path: '/',
      pathEnforced: false,
      close: () =>
        new Promise<void>((resolve) => {
          for (const c of wss.clients) c.terminate();
          wss.close(() => resolve());
        }),
    };
  },
};

export const wsReferenceClient: EchoClientTarget = {
  name: 'ws-reference',
  strictFailFast: false,
  knownDeviations: {
    '0.4.10': 'ws uses the first of two permessage-deflate elements in the response instead of failing',
  },
  run(url) {
    const socket = new WebSocket(url, { maxPayload: MAX_PAYLOAD, perMessageDeflate: { threshold: 0 } });
    const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
    return { done, stop: () => socket.terminate() };
  },
};
