import { err, type Result } from '@parley/codec';
import { ConnectAttempt, type ConnectOptions } from './connect-attempt.js';
import type { Connection } from './connection.js';
import type { TlsClientOptions } from './tls-options.js';
import { type TransportError, transportError } from './transport-error.js';

export interface UpgradeToTlsOptions {
  /**
   * The name of the server at the far end of the tunnel: SNI and certificate name check (unless
   * `tls.servername` is given). Required when `tls.servername` is absent.
   */
  host?: string;
  /** Port at the far end, for error messages only. */
  port?: number;
  /** Milliseconds for the TLS handshake. Default 10 000; 0 disables. */
  timeout?: number;
  signal?: AbortSignal;
  highWaterMark?: number;
}

/**
 * Starts TLS inside an open plain connection, e.g. an HTTP CONNECT tunnel through a proxy.
 * `connection` is consumed: it stops delivering events and must not be used again, whatever
 * the outcome (on failure its socket is destroyed). The result is verified exactly like
 * `connect({ tls })`: chain, then name.
 */
export function upgradeToTls(
  connection: Connection,
  tlsOptions: TlsClientOptions,
  options: UpgradeToTlsOptions = {},
): Promise<Result<Connection, TransportError>> {
  const host = options.host ?? tlsOptions.servername;
  if (host === undefined) {
    connection.destroy();
    const context = { target: 'tunnel', role: 'client' } as const;
    const detail = 'upgradeToTls needs options.host or tls.servername to verify the certificate against';
    return Promise.resolve(err(transportError('TLS_CONFIG_INVALID', context, detail)));
  }
  const socket = connection.detach();
  const connectOptions: ConnectOptions = {
    host,
    port: options.port ?? connection.remotePort,
    tls: tlsOptions,
    timeout: options.timeout,
    signal: options.signal,
    highWaterMark: options.highWaterMark ?? connection.highWaterMark,
  };
  return new Promise((resolve) => new ConnectAttempt(connectOptions, resolve, socket).start());
}
