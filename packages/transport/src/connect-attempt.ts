import * as net from 'node:net';
import * as tls from 'node:tls';
import { err, ok, type Result } from '@parley/codec';
import { Connection } from './connection.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_DELAY_MS } from './defaults.js';
import { resolveTlsClientOptions, type TlsClientOptions } from './tls-options.js';
import {
  type ErrorContext,
  formatTarget,
  type TransportError,
  toTransportError,
  transportError,
} from './transport-error.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** TLS options, or false / absent for plain TCP. */
  tls?: TlsClientOptions | false;
  /** Milliseconds for TCP connect plus TLS handshake. Default 10 000; 0 disables. */
  timeout?: number;
  /** Aborting it cancels the attempt with an `ABORTED` error value. */
  signal?: AbortSignal;
  /** TCP keep-alive: true (first probe after 30 s) or the delay in ms. Default off. */
  keepAlive?: boolean | number;
  /** Default true. */
  noDelay?: boolean;
  /** Write-buffer high-water mark in bytes. Default 1 MiB. */
  highWaterMark?: number;
}

export type Settle = (result: Result<Connection, TransportError>) => void;

/** One connect attempt: owns the socket until it is connected (or failed) and settles once. */
export class ConnectAttempt {
  private socket: net.Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private settled = false;
  private readonly context: ErrorContext;

  constructor(
    private readonly options: ConnectOptions,
    private readonly settle: Settle,
    /** Run TLS over this already-connected socket instead of dialing (see upgradeToTls). */
    private readonly over: net.Socket | null = null,
  ) {
    this.context = { target: formatTarget(options.host, options.port), role: 'client' };
  }

  start(): void {
    const { options, over } = this;
    if (over === null && (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)) {
      this.fail(
        transportError('UNKNOWN', this.context, `port must be an integer 1..65535, got ${options.port}`),
      );
      return;
    }
    const signal = options.signal;
    if (signal?.aborted) {
      this.fail(transportError('ABORTED', this.context, 'aborted before start', signal.reason));
      return;
    }
    let socket: net.Socket;
    if (options.tls) {
      const tlsOptions = resolveTlsClientOptions(options.tls, options.host);
      if (!tlsOptions.ok) {
        this.fail(tlsOptions.error);
        return;
      }
      const target = over === null ? { port: options.port } : { socket: over };
      socket = tls.connect({ ...tlsOptions.value, host: options.host, ...target });
      socket.once('secureConnect', this.onConnected);
    } else {
      socket = net.connect({ host: options.host, port: options.port });
      socket.once('connect', this.onConnected);
    }
    this.socket = socket;
    socket.once('error', this.onError);
    socket.once('close', this.onClose);
    signal?.addEventListener('abort', this.onAbort, { once: true });
    const timeout = options.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (timeout > 0) this.timer = setTimeout(this.onTimeout, timeout);
  }

  private readonly onConnected = (): void => {
    const socket = this.socket!;
    this.cleanup();
    if (this.settled) return;
    this.settled = true;
    const keepAlive = this.options.keepAlive;
    if (keepAlive !== undefined && keepAlive !== false) {
      socket.setKeepAlive(true, keepAlive === true ? DEFAULT_KEEP_ALIVE_DELAY_MS : keepAlive);
    }
    const conn = new Connection(socket, {
      highWaterMark: this.options.highWaterMark,
      noDelay: this.options.noDelay,
      role: 'client',
    });
    this.settle(ok(conn));
  };

  private readonly onError = (error: Error): void => {
    this.fail(toTransportError(error, this.context));
  };

  private readonly onClose = (): void => {
    this.fail(transportError('ECONNRESET', this.context, 'closed before the connection was established'));
  };

  private readonly onTimeout = (): void => {
    if (this.over !== null) {
      const ms = this.options.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
      this.fail(transportError('ETIMEDOUT', this.context, `TLS handshake took longer than ${ms} ms`));
      return;
    }
    const ms = this.options.timeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const phase = this.options.tls ? 'TCP connect + TLS handshake' : 'TCP connect';
    this.fail(transportError('ETIMEDOUT', this.context, `${phase} took longer than ${ms} ms`));
  };

  private readonly onAbort = (): void => {
    this.fail(transportError('ABORTED', this.context, 'aborted by signal', this.options.signal?.reason));
  };

  private fail(error: TransportError): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanup();
    // Keep a no-op error listener: destroy() may still surface a late error on this socket.
    this.socket?.on('error', ignoreError);
    this.socket?.destroy();
    this.over?.destroy();
    this.settle(err(error));
  }

  private cleanup(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const socket = this.socket;
    if (socket === null) return;
    socket.removeListener('error', this.onError);
    socket.removeListener('close', this.onClose);
    socket.removeListener('connect', this.onConnected);
    socket.removeListener('secureConnect', this.onConnected);
  }
}

function ignoreError(): void {}
