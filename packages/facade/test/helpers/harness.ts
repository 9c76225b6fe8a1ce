import { once } from 'node:events';
import * as net from 'node:net';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import {
  createServer,
  type Server,
  type ServerConfig,
  type ServerEvents,
  type SessionHandler,
} from '../../src/index.js';

/**
 * Test harness: servers, ws clients and raw sockets opened through it are closed in
 * `afterEach`, so every test starts from nothing and leaks nothing.
 */
const servers: Server<never>[] = [];
const clients: WebSocket[] = [];
const sockets: net.Socket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((server) => (server.running ? server.stop({ timeout: 200 }) : null)),
  );
});

export async function startServer<D = unknown>(
  config: ServerConfig = {},
  handler?: SessionHandler<D>,
): Promise<{ server: Server<D>; url: string; port: number }> {
  const created = createServer<D>({ host: '127.0.0.1', port: 0, ...config }, handler);
  if (!created.ok) throw new Error(created.error.message);
  const server = created.value;
  const started = await server.start();
  if (!started.ok) throw new Error(started.error.message);
  servers.push(server as unknown as Server<never>);
  return { server, url: server.url()!, port: started.value.port };
}

export function track(server: Server<unknown>): void {
  servers.push(server as unknown as Server<never>);
}

export function wsClient(
  url: string,
  protocols?: string | string[],
  options?: WebSocket.ClientOptions,
): WebSocket {
  const client = new WebSocket(url, protocols, options);
  clients.push(client);
  return client;
}

/** Opens a ws client and waits until it is open. */
export async function openClient(
  url: string,
  protocols?: string | string[],
  options?: WebSocket.ClientOptions,
): Promise<WebSocket> {
  const client = wsClient(url, protocols, options);
  await once(client, 'open');
  return client;
}

/** Next message of a ws client as { data, isBinary }. */
export async function nextMessage(client: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  const [data, isBinary] = (await once(client, 'message')) as [Buffer, boolean];
  return { data, isBinary };
}

export async function closedWith(client: WebSocket): Promise<{ code: number; reason: string }> {
  if (client.readyState === WebSocket.CLOSED) throw new Error('already closed');
  const [code, reason] = (await once(client, 'close')) as [number, Buffer];
  return { code, reason: reason.toString() };
}

/** A raw TCP socket to the server (for crafted bytes); closed in afterEach. */
export async function rawSocket(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
}

export function upgradeRequest(path = '/', extra: Record<string, string> = {}): string {
  let head =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
  for (const [name, value] of Object.entries(extra)) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

/** Reads from a raw socket until `predicate(all bytes so far)` holds; resolves with the bytes. */
export function readUntil(socket: net.Socket, predicate: (data: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      if (predicate(data)) {
        cleanup();
        resolve(data);
      }
    };
    const onEnd = (): void => {
      cleanup();
      if (predicate(data)) resolve(data);
      else
        reject(
          new Error(`socket ended after ${data.length} bytes: ${data.toString('latin1').slice(0, 200)}`),
        );
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.on('close', onEnd);
  });
}

/** Reads everything until the server closes the socket. */
export function readAll(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Completes an upgrade on a raw socket; resolves with the bytes after the 101 head. */
export async function rawUpgrade(port: number, path = '/'): Promise<{ socket: net.Socket; rest: Buffer }> {
  const socket = await rawSocket(port);
  socket.write(upgradeRequest(path));
  const data = await readUntil(socket, (d) => d.includes('\r\n\r\n'));
  const end = data.indexOf('\r\n\r\n') + 4;
  if (!data.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) throw new Error(data.toString());
  return { socket, rest: data.subarray(end) };
}

/** A masked client frame. */
export function clientFrame(opcode: number, payload: Buffer | string, fin = true): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = body.length;
  const header =
    length < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length])
      : length < 65536
        ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = (fin ? 0x80 : 0) | opcode;
            h[1] = 0x80 | 127;
            h.writeBigUInt64BE(BigInt(length), 2);
            return h;
          })();
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = body[i]! ^ mask[i & 3]!;
  return Buffer.concat([header, mask, masked]);
}

/** Resolves with the arguments of the server's next `event`. */
export function nextEvent<D, K extends keyof ServerEvents<D>>(
  server: Server<D>,
  event: K,
): Promise<Parameters<ServerEvents<D>[K]>> {
  return new Promise((resolve) => {
    server.once(event, ((...args: Parameters<ServerEvents<D>[K]>) => resolve(args)) as ServerEvents<D>[K]);
  });
}
