import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { err, ok, type ParleyError, type Result } from '@parley/codec';
import { type Connection, listen, resolveTlsServerOptions } from '@parley/transport';
import type { PlainHttpRequest, PlainHttpResponse, ResolvedServerConfig } from '../config/server-config.js';

export interface ServerAddress {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  readonly secure: boolean;
}

/** The three ways a server receives connections, behind one small interface. */
export interface ServerListener {
  address(): ServerAddress;
  /** New connections are refused from now on; open ones are left alone. */
  stopAccepting(): void;
  /** Releases the port (standalone) or detaches (attach mode). */
  close(): Promise<void>;
}

/** What the listener drives on the server. */
export interface ListenerTarget {
  acceptConnection(conn: Connection): void;
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  reportError(error: ParleyError): void;
  readonly httpHandler:
    | ((request: PlainHttpRequest) => PlainHttpResponse | Promise<PlainHttpResponse>)
    | undefined;
}

export function startListener(
  config: ResolvedServerConfig,
  target: ListenerTarget,
): Promise<Result<ServerListener, ParleyError>> {
  if (config.attach_to !== undefined) return Promise.resolve(ok(attach(config.attach_to, target, config)));
  if (config.listener === 'node-http') return listenNodeHttp(config, target);
  return listenRaw(config, target);
}

function listenFailed(config: ResolvedServerConfig, error: ParleyError): ParleyError {
  const where = `${config.host}:${config.port}`;
  const message =
    error.code === 'EADDRINUSE'
      ? `port ${config.port} is already in use (${where})`
      : `cannot listen on ${where}: ${error.message}`;
  return { code: error.code, message, cause: error };
}

async function listenRaw(
  config: ResolvedServerConfig,
  target: ListenerTarget,
): Promise<Result<ServerListener, ParleyError>> {
  let accepting = true;
  const listening = await listen(
    {
      host: config.host,
      port: config.port,
      backlog: config.backlog,
      tls: config.tls,
      highWaterMark: config.backpressure.high_water_mark,
      tlsHandshakeTimeout: config.handshake_timeout,
      onError: (error) => target.reportError(error),
    },
    (conn) => {
      if (accepting) target.acceptConnection(conn);
      else conn.destroy();
    },
  );
  if (!listening.ok) return err(listenFailed(config, listening.error));
  const listener = listening.value;
  return ok({
    address: () => ({ ...listener.address(), secure: listener.secure }),
    stopAccepting: () => {
      accepting = false;
    },
    close: () => listener.close(),
  });
}

/** Upgrade listener + plain-request answer, shared by `node-http` mode and attach mode. */
function plainRequestHandler(target: ListenerTarget) {
  return (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const handler = target.httpHandler;
    const url = request.url ?? '/';
    const q = url.indexOf('?');
    if (handler === undefined) {
      response.writeHead(426, { upgrade: 'websocket', 'content-type': 'text/plain' });
      response.end('This is a WebSocket endpoint: send an Upgrade: websocket request.\n');
      return;
    }
    Promise.resolve()
      .then(() =>
        handler({
          method: request.method ?? 'GET',
          path: q < 0 ? url : url.slice(0, q),
          query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
          headers: request.headers,
          remoteAddress: request.socket.remoteAddress ?? '',
        }),
      )
      .then(
        (answer) => {
          response.writeHead(answer.status, answer.headers);
          response.end(answer.body);
        },
        () => {
          response.writeHead(500).end('internal error\n');
        },
      );
  };
}

async function listenNodeHttp(
  config: ResolvedServerConfig,
  target: ListenerTarget,
): Promise<Result<ServerListener, ParleyError>> {
  let server: http.Server;
  if (config.tls === false) {
    server = http.createServer();
  } else {
    const tlsOptions = resolveTlsServerOptions(config.tls);
    if (!tlsOptions.ok) return err(tlsOptions.error);
    server = https.createServer({ ...tlsOptions.value, handshakeTimeout: config.handshake_timeout });
  }
  server.headersTimeout = config.handshake_timeout;
  server.requestTimeout = config.handshake_timeout;
  server.maxHeadersCount = config.max_headers;
  server.on('request', plainRequestHandler(target));
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void =>
    target.handleUpgrade(request, socket, head);
  server.on('upgrade', onUpgrade);
  const started = await new Promise<ParleyError | null>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ code: error.code ?? 'UNKNOWN', message: error.message, cause: error }),
    );
    server.listen({ host: config.host, port: config.port, backlog: config.backlog }, () => resolve(null));
  });
  if (started !== null) return err(listenFailed(config, started));
  server.on('error', (error: NodeJS.ErrnoException) =>
    target.reportError({ code: error.code ?? 'UNKNOWN', message: error.message, cause: error }),
  );
  return ok({
    address: () => addressOf(server, config.tls !== false),
    stopAccepting: () => {
      server.off('upgrade', onUpgrade);
      server.on('upgrade', (_request: http.IncomingMessage, socket: Duplex) => socket.destroy());
      server.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  });
}

function attach(server: http.Server, target: ListenerTarget, config: ResolvedServerConfig): ServerListener {
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer): void =>
    target.handleUpgrade(request, socket, head);
  server.on('upgrade', onUpgrade);
  const secure = server instanceof https.Server;
  return {
    address: () => addressOf(server, secure, config),
    stopAccepting: () => {
      server.off('upgrade', onUpgrade);
    },
    close: () => Promise.resolve(),
  };
}

function addressOf(server: http.Server, secure: boolean, config?: ResolvedServerConfig): ServerAddress {
  const address = server.address() as AddressInfo | null;
  if (address === null || typeof address === 'string') {
    return { address: config?.host ?? '', port: 0, family: 'IPv4', secure };
  }
  return {
    address: address.address,
    port: address.port,
    family: address.family === 'IPv6' ? 'IPv6' : 'IPv4',
    secure,
  };
}
