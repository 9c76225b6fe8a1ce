import { isIP } from 'node:net';
import { type Connection, connect, type TlsClientOptions } from '@parley/transport';
import { err, ok, type Result } from '../result.js';
import { type AttemptFailure, attemptFailure } from './client-error.js';
import type { ClientProxyTlsConfig, ClientTlsConfig } from './config.js';
import { effectivePort } from './proxy-env.js';
import { openTunnel } from './connect-tunnel.js';
import { failureFromTransport } from './transport-failure.js';

export interface DialOptions {
  readonly url: URL;
  readonly tls: ClientTlsConfig;
  readonly proxy: URL | null;
  /** How to verify an https:// proxy (unused for http:// proxies and direct connections). */
  readonly proxyTls: ClientProxyTlsConfig;
  readonly signal: AbortSignal;
  /** Write-buffer high-water mark of the connection (backpressure.high_water_mark). */
  readonly highWaterMark: number;
}

/** The hostname of a URL as a socket wants it (IPv6 without brackets). */
export function socketHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function isSecure(url: URL): boolean {
  return url.protocol === 'wss:' || url.protocol === 'https:';
}

/** The config's snake_case TLS block as transport options, with SNI from the URL's host name. */
export function transportTlsOptions(tls: ClientTlsConfig, url: URL): TlsClientOptions {
  const host = socketHost(url);
  const options: TlsClientOptions = { ca: tls.ca, checkHostname: tls.check_hostname };
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) options.servername = servername;
  if (tls.cert !== undefined) options.cert = tls.cert;
  if (tls.key !== undefined) options.key = tls.key;
  if (tls.passphrase !== undefined) options.passphrase = tls.passphrase;
  if (tls.alpn !== undefined) options.alpn = tls.alpn;
  return options;
}

/**
 * Opens the byte stream the WebSocket handshake runs over: TCP (plus TLS for wss://)
 * straight to the server, or through an HTTP CONNECT proxy tunnel (http:// or https:// proxy).
 */
export async function dial(options: DialOptions): Promise<Result<Connection, AttemptFailure>> {
  const { url, proxy, signal } = options;
  const target = `${url.host}`;
  if (proxy !== null) return openTunnel({ ...options, proxy });
  const connected = await connect({
    host: socketHost(url),
    port: effectivePort(url),
    tls: isSecure(url) ? transportTlsOptions(options.tls, url) : false,
    signal,
    noDelay: true,
    highWaterMark: options.highWaterMark,
  });
  if (!connected.ok) {
    if (signal.aborted) {
      return err(
        attemptFailure('HANDSHAKE_TIMEOUT', `handshake timeout: connecting to ${target} took too long`),
      );
    }
    return err(failureFromTransport(connected.error));
  }
  return ok(connected.value);
}
