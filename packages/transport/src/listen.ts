import * as net from 'node:net';
import * as tls from 'node:tls';
import { err, ok, type Result } from '@parley/codec';
import { Connection } from './connection.js';
import { DEFAULT_BACKLOG, DEFAULT_TLS_HANDSHAKE_TIMEOUT } from './defaults.js';
import { resolveTlsServerOptions, type TlsServerOptions } from './tls-options.js';
import {
  type ErrorContext,
  formatTarget,
  type TransportError,
  toTransportError,
  transportError,
} from './transport-error.js';

export interface ListenOptions {
  /** Address to bind. Default: all interfaces (`::` with IPv4 mapped, or `0.0.0.0`). */
  host?: string;
  /** 0 picks a free port; read it back from `address()`. */
  port: number;
  /** Kernel accept queue length. Default 511. */
  backlog?: number;
  tls?: TlsServerOptions | false;
  /** SO_REUSEPORT: several processes share a port. Needs Node >= 22.12 (else `UNSUPPORTED`). */
  reusePort?: boolean;
  /** With `host: '::'`, accept IPv6 only. */
  ipv6Only?: boolean;
  /** Refuse (close) connections beyond this many open ones. Default unlimited. */
  maxConnections?: number;
  /** Write-buffer high-water mark for accepted connections. Default 1 MiB. */
  highWaterMark?: number;
  /** Default true. */
  noDelay?: boolean;
  /**
   * TLS only: milliseconds a client may take to finish the TLS handshake before its socket is
   * destroyed (reported to `onError`). Default 10 s — Node's own default of 120 s lets a slow
   * client hold a socket for two minutes before any WebSocket timeout can start.
   */
  tlsHandshakeTimeout?: number;
  /** Failures that belong to no connection handed out: TLS handshakes that failed, accept errors. */
  onError?: (error: TransportError) => void;
}

export interface ListenerAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export interface Listener {
  address(): ListenerAddress;
  /** Open connections handed to `onConnection` and not closed yet. */
  readonly connections: number;
  /** True for a TLS listener. */
  readonly secure: boolean;
  /**
   * Stops accepting, destroys the connections still open (close them gracefully first if you
   * care), and resolves once the listening socket is closed.
   */
  close(): Promise<void>;
}

/** Node added `reusePort` to `server.listen` in 22.12 (and 23.1); older versions ignore it. */
export function reusePortSupported(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 23) return major > 23 || minor >= 1;
  return major === 22 && minor >= 12;
}

const kTrackedIn = Symbol('parley.trackedIn');
type TrackedSocket = net.Socket & { [kTrackedIn]?: Set<net.Socket> };

/** Module-level 'close' listener (`this` is the socket): no closure per accepted socket. */
function untrackSocket(this: TrackedSocket): void {
  this[kTrackedIn]?.delete(this);
}

class NetListener implements Listener {
  readonly open = new Set<Connection>();
  /** TLS only: raw sockets still in their handshake, which `close()` must not wait for. */
  readonly handshaking = new Set<net.Socket>();

  constructor(
    private readonly server: net.Server,
    readonly secure: boolean,
  ) {}

  address(): ListenerAddress {
    const address = this.server.address() as net.AddressInfo;
    return {
      address: address.address,
      port: address.port,
      family: address.family === 'IPv6' ? 'IPv6' : 'IPv4',
    };
  }

  get connections(): number {
    return this.open.size;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const conn of this.open) conn.destroy();
      for (const socket of this.handshaking) socket.destroy();
    });
  }
}

/**
 * Node verifies client certificates after the handshake and, when `rejectUnauthorized` is set,
 * destroys the socket with only a generic error; the real reason is `authorizationError`.
 */
function clientCertificateError(socket: tls.TLSSocket, error: Error): Error {
  const reason = socket.authorizationError as unknown;
  if (typeof reason !== 'string' && !(reason instanceof Error)) return error;
  const code =
    typeof reason === 'string' ? reason : ((reason as NodeJS.ErrnoException).code ?? reason.message);
  return Object.assign(new Error(`client certificate rejected: ${code}`, { cause: error }), { code });
}

/**
 * Listens for TCP (or TLS) connections and hands each one, connected and (for TLS) with the
 * handshake done, to `onConnection`. `EADDRINUSE` and friends come back as error values.
 */
export function listen(
  options: ListenOptions,
  onConnection: (conn: Connection) => void,
): Promise<Result<Listener, TransportError>> {
  const context: ErrorContext = { target: formatTarget(options.host ?? '*', options.port), role: 'server' };
  if (options.reusePort === true && !reusePortSupported()) {
    const detail = `reusePort needs Node >= 22.12, this is ${process.versions.node}`;
    return Promise.resolve(err(transportError('UNSUPPORTED', context, detail)));
  }
  let server: net.Server;
  const serverOptions = { noDelay: options.noDelay ?? true };
  if (options.tls) {
    const tlsOptions = resolveTlsServerOptions(options.tls);
    if (!tlsOptions.ok) return Promise.resolve(err(tlsOptions.error));
    server = tls.createServer({
      ...serverOptions,
      ...tlsOptions.value,
      handshakeTimeout: options.tlsHandshakeTimeout ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT,
    });
  } else {
    server = net.createServer(serverOptions);
  }
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  const listener = new NetListener(server, Boolean(options.tls));
  const connectionOptions = {
    highWaterMark: options.highWaterMark,
    noDelay: options.noDelay,
    role: 'server' as const,
  };
  const untrack = (conn: Connection): void => {
    listener.open.delete(conn);
  };
  const accept = (socket: net.Socket): void => {
    const conn = new Connection(socket, connectionOptions);
    if (!conn.open) return;
    conn.onClosed = untrack;
    listener.open.add(conn);
    onConnection(conn);
  };
  server.on(options.tls ? 'secureConnection' : 'connection', accept);
  const onError = options.onError;
  if (options.tls) {
    // A client that never finishes its handshake would hold close() for Node's 120 s handshake
    // timeout; remember raw sockets until they close (handshake done or not).
    const handshaking = listener.handshaking;
    server.on('connection', (raw: TrackedSocket) => {
      handshaking.add(raw);
      raw[kTrackedIn] = handshaking;
      raw.once('close', untrackSocket);
    });
    server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
      const peer = formatTarget(socket.remoteAddress ?? 'client', socket.remotePort ?? 0);
      onError?.(toTransportError(clientCertificateError(socket, error), { target: peer, role: 'server' }));
      // A listener here stops Node from tearing the socket down itself (a handshake timeout
      // would otherwise leave it open): a failed handshake always ends its socket.
      socket.destroy();
    });
  }

  return new Promise((resolve) => {
    const onListenError = (error: Error): void => {
      resolve(err(toTransportError(error, context)));
    };
    server.once('error', onListenError);
    server.listen(
      {
        host: options.host,
        port: options.port,
        backlog: options.backlog ?? DEFAULT_BACKLOG,
        ipv6Only: options.ipv6Only,
        ...(options.reusePort === true ? { reusePort: true } : {}),
      },
      () => {
        server.removeListener('error', onListenError);
        server.on('error', (error: Error) => onError?.(toTransportError(error, context)));
        resolve(ok(listener));
      },
    );
  });
}
