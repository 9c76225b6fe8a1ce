// Loopback peers for the client tests: a `ws` echo server, raw `node:net` servers that do
// whatever a hostile server does, a tiny HTTP CONNECT proxy and test-time TLS certificates
// (made by @parley/test-support).
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { computeAccept } from '@parley/handshake';
import { createTestCa, LOCALHOST_SERVER } from '@parley/test-support';
import { afterAll, beforeAll } from 'vitest';
import { type ServerOptions, WebSocketServer } from 'ws';
import {
  type Client,
  type ClientConfigInput,
  type ClientRuntime,
  createClient,
} from '../src/client/index.js';

/** Everything a test opened; `closeAll()` in afterEach ends it all. */
export class Resources {
  #closers: (() => Promise<void> | void)[] = [];

  add(closer: () => Promise<void> | void): void {
    this.#closers.push(closer);
  }

  /** Registers a client: terminated on cleanup (raw test servers never answer a close). */
  client<T extends Client>(client: T): T {
    this.add(() => client.terminate());
    return client;
  }

  /** `createClient(config, undefined, runtime)`, registered; a config error throws (a bug in the test). */
  createClient(config: ClientConfigInput, runtime?: ClientRuntime): Client {
    const created = createClient(config, undefined, runtime);
    if (!created.ok) throw new Error(created.error.message);
    return this.client(created.value);
  }

  async closeAll(): Promise<void> {
    const closers = this.#closers.reverse();
    this.#closers = [];
    for (const close of closers) await close();
  }
}

export interface EchoServer {
  readonly url: string;
  readonly port: number;
  readonly wss: WebSocketServer;
  readonly server: http.Server | https.Server;
}

/** A `ws` server that echoes every message with its type (the independent peer). */
export async function startWsEchoServer(
  resources: Resources,
  options: Omit<ServerOptions, 'port' | 'server'> & {
    tls?: { cert: string; key: string };
    port?: number;
  } = {},
): Promise<EchoServer> {
  const { tls, port: wantedPort = 0, ...wsOptions } = options;
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }) : http.createServer();
  const wss = new WebSocketServer({ ...wsOptions, server });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  server.listen(wantedPort, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  resources.add(() => closeWsServer(wss, server));
  return { url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}/`, port, wss, server };
}

export async function closeWsServer(wss: WebSocketServer, server: http.Server | https.Server): Promise<void> {
  for (const socket of wss.clients) socket.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections?.();
  if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * A raw TCP server (TLS when `tlsOptions` is given: `onSocket` then gets the decrypted socket
 * after the handshake): `onSocket` decides everything. Sockets are destroyed on cleanup.
 */
export async function startRawServer(
  resources: Resources,
  onSocket: (socket: net.Socket) => void,
  tlsOptions?: { cert: string; key: string },
): Promise<{ port: number; url: string; server: net.Server; sockets: Set<net.Socket> }> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const handle = (socket: net.Socket): void => {
    track(socket);
    onSocket(socket);
  };
  const server = tlsOptions ? tls.createServer(tlsOptions, handle) : net.createServer(handle);
  if (tlsOptions) {
    server.on('connection', track); // the TCP sockets too, so a failed handshake is cleaned up
    server.on('tlsClientError', () => {});
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  resources.add(async () => {
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, url: `ws://127.0.0.1:${port}/`, server, sockets };
}

/** Reads an HTTP request head from a raw socket. */
export function readRequestHead(socket: net.Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

export function headerOf(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** Completes the upgrade on a raw socket (no extensions) and returns the bytes after the request. */
export async function acceptUpgrade(
  socket: net.Socket,
  extraHeaders = '',
): Promise<{ head: string; rest: Buffer }> {
  const request = await readRequestHead(socket);
  const key = headerOf(request.head, 'sec-websocket-key') ?? '';
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${computeAccept(key)}\r\n${extraHeaders}\r\n`,
  );
  return request;
}

/** An unmasked server frame (or a masked one when `mask` is given: a protocol violation). */
export function serverFrame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; rsv?: number; mask?: Buffer } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  const maskBit = options.mask ? 0x80 : 0;
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, maskBit | data.length]);
  else if (data.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!options.mask) return Buffer.concat([header, data]);
  const masked = Buffer.from(data);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= options.mask[i % 4]!;
  return Buffer.concat([header, options.mask, masked]);
}

/** Decodes client frames (masked) from a raw socket stream; enough for small test frames. */
export class ClientFrameReader {
  #buffer = Buffer.alloc(0);
  readonly frames: { fin: boolean; opcode: number; payload: Buffer; masked: boolean }[] = [];
  #waiters: (() => void)[] = [];

  constructor(socket: net.Socket, initial: Buffer = Buffer.alloc(0)) {
    this.push(initial);
    socket.on('data', (chunk: Buffer) => this.push(chunk));
  }

  push(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const b = this.#buffer;
      if (b.length < 2) break;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b[1]! & 0x80) !== 0;
      const maskLength = masked ? 4 : 0;
      if (b.length < offset + maskLength + length) break;
      const mask = b.subarray(offset, offset + maskLength);
      const payload = Buffer.from(b.subarray(offset + maskLength, offset + maskLength + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      this.frames.push({ fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload, masked });
      this.#buffer = b.subarray(offset + maskLength + length);
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once `count` frames have arrived. */
  async waitFor(count: number): Promise<void> {
    while (this.frames.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

export interface TestCertificates {
  readonly caPath: string;
  readonly ca: string;
  /** Signed by the CA, valid for localhost and 127.0.0.1. */
  readonly cert: string;
  readonly key: string;
  /** A self-signed certificate for localhost nobody trusts. */
  readonly selfSignedCert: string;
  readonly selfSignedKey: string;
  /** Deletes the temporary directory. */
  remove(): void;
}

/** A CA and a server certificate for localhost/127.0.0.1 signed by it (@parley/test-support's openssl CA). */
export function makeCertificates(): TestCertificates {
  const pki = createTestCa('/CN=Parley Test CA', 'parley-client-tls-');
  const server = pki.issue('server', '/CN=localhost', LOCALHOST_SERVER);
  const self = pki.selfSign('self', '/CN=localhost', LOCALHOST_SERVER);
  return {
    caPath: pki.ca.certPath,
    ca: pki.ca.cert,
    cert: server.cert,
    key: server.key,
    selfSignedCert: self.cert,
    selfSignedKey: self.key,
    remove: pki.remove,
  };
}

/**
 * The test file's certificates: made in beforeAll and deleted in afterAll. The object is
 * filled in before the first test runs, so tests read its fields as usual.
 */
export function useCertificates(): TestCertificates {
  const certs = {} as TestCertificates;
  beforeAll(() => {
    Object.assign(certs, makeCertificates());
  });
  afterAll(() => certs.remove?.());
  return certs;
}

export interface ConnectProxy {
  readonly url: string;
  readonly port: number;
  /** `CONNECT` targets seen, in order. */
  readonly targets: string[];
  /** Proxy-Authorization header values seen. */
  readonly authorizations: (string | undefined)[];
  /** Bytes the proxy forwarded from the client to the target (what the tunnel carried). */
  readonly forwarded: Buffer[];
}

/**
 * A tiny HTTP CONNECT proxy: answers 200 and pipes bytes both ways (or 407 when `requireAuth`
 * does not match). With `tlsOptions` it is an https:// proxy: a node:tls server, CONNECT inside TLS.
 */
export async function startConnectProxy(
  resources: Resources,
  requireAuth?: string,
  tlsOptions?: { cert: string; key: string },
): Promise<ConnectProxy> {
  const targets: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const forwarded: Buffer[] = [];
  const onSocket = (socket: net.Socket): void => {
    void readRequestHead(socket).then(({ head, rest }) => {
      const [method, target] = head.split(' ');
      const auth = headerOf(head, 'proxy-authorization');
      targets.push(target ?? '');
      authorizations.push(auth);
      if (method !== 'CONNECT' || target === undefined) {
        socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (requireAuth !== undefined && auth !== requireAuth) {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nauth');
        return;
      }
      const [host, portText] = splitTarget(target);
      const upstream = net.connect(Number(portText), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length > 0) {
          forwarded.push(rest);
          upstream.write(rest);
        }
        socket.on('data', (chunk: Buffer) => forwarded.push(chunk));
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
  };
  const { port } = await startRawServer(resources, onSocket, tlsOptions);
  const scheme = tlsOptions ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${port}`, port, targets, authorizations, forwarded };
}

function splitTarget(target: string): [string, string] {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon).replace(/^\[|\]$/g, '');
  return [host, target.slice(colon + 1)];
}

/** Resolves with the first event of that name (typed loosely for tests). */
export function nextEvent<T = unknown>(client: Client, event: Parameters<Client['once']>[0]): Promise<T> {
  return new Promise((resolve) => {
    client.once(event, ((...args: unknown[]) => resolve(args[0] as T)) as never);
  });
}
