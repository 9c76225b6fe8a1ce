import { isIP } from 'node:net';
import { type Connection, connect, type TlsClientOptions, upgradeToTls } from '@parley/transport';
import { err, ok, type ParleyError, type Result } from '../result.js';
import { type AttemptFailure, attemptFailure } from './client-error.js';
import type { ClientProxyTlsConfig } from './config.js';
import type { DialOptions } from './dial.js';
import { isSecure, socketHost, transportTlsOptions } from './dial.js';
import { effectivePort } from './proxy-env.js';
import { ResponseReader, timeoutFailure } from './response-reader.js';
import { failureFromTransport } from './transport-failure.js';

/** The CONNECT request for `target` (`host:port`), with Basic credentials from the proxy URL. */
export function buildConnectRequest(target: string, proxy: URL): string {
  let head = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
  if (proxy.username !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    head += `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
  }
  return `${head}\r\n`;
}

/** The `proxy_tls` block as transport options for TLS to an https:// proxy (SNI: the proxy's host). */
export function proxyTransportTlsOptions(tls: ClientProxyTlsConfig, proxy: URL): TlsClientOptions {
  const host = socketHost(proxy);
  const options: TlsClientOptions = { ca: tls.ca, checkHostname: tls.check_hostname };
  const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) options.servername = servername;
  return options;
}

/**
 * A failure to reach the proxy: `PROXY_TLS_FAILED` when TLS to an https:// proxy failed
 * (`proxy: TLS: certificate invalid: …`), else `PROXY_FAILED` (`proxy: connection refused: …`).
 * The target's own TLS failures stay `TLS_FAILED`.
 */
function proxyFailure(error: ParleyError): AttemptFailure {
  const failure = failureFromTransport(error);
  const code = failure.code === 'TLS_FAILED' ? 'PROXY_TLS_FAILED' : 'PROXY_FAILED';
  return { ...failure, code, message: `proxy: ${failure.message}` };
}

/**
 * Opens a tunnel through an HTTP CONNECT proxy: TCP to the proxy (plus TLS to the proxy for an
 * https:// proxy, verified with `proxy_tls`), `CONNECT host:port`, a 2xx answer read with the
 * bounded response reader, then TLS to the server inside the tunnel for wss:// (verified with
 * `tls`) — two nested TLS sessions when both are secure.
 */
export async function openTunnel(
  options: DialOptions & { proxy: URL },
): Promise<Result<Connection, AttemptFailure>> {
  const { url, proxy, signal } = options;
  const proxyWhere = `proxy ${proxy.host}`;
  const connected = await connect({
    host: socketHost(proxy),
    port: effectivePort(proxy),
    tls: isSecure(proxy) ? proxyTransportTlsOptions(options.proxyTls, proxy) : false,
    signal,
    noDelay: true,
    highWaterMark: options.highWaterMark,
  });
  if (!connected.ok) {
    if (signal.aborted) return err(timeoutFailure(proxyWhere));
    return err(proxyFailure(connected.error));
  }
  const tunnel = connected.value;
  const target = `${url.hostname}:${effectivePort(url)}`;
  const reader = new ResponseReader(tunnel, proxyWhere);
  tunnel.write(Buffer.from(buildConnectRequest(target, proxy), 'latin1'));
  const head = await reader.readHead(signal);
  if (!head.ok) {
    tunnel.destroy();
    return err({ ...head.error, code: 'PROXY_FAILED', message: `proxy: ${head.error.message}` });
  }
  const { status, reason } = head.value;
  if (status < 200 || status >= 300) {
    const body = (await reader.readBody(head.value, signal)).toString('utf8');
    tunnel.destroy();
    return err(
      attemptFailure(
        'PROXY_FAILED',
        `proxy: CONNECT ${target} refused with HTTP ${status} ${reason}`.trim(),
        {
          http_status: status,
          headers: head.value.headers,
          body,
        },
      ),
    );
  }
  if (reader.takeRest().length > 0) {
    tunnel.destroy();
    return err(attemptFailure('PROXY_FAILED', 'proxy: sent bytes after the CONNECT answer'));
  }
  if (!isSecure(url)) return ok(tunnel);
  // The tunnel connection (plain or TLS to the proxy) is consumed by upgradeToTls (destroyed on failure).
  const secured = await upgradeToTls(tunnel, transportTlsOptions(options.tls, url), {
    host: socketHost(url),
    port: effectivePort(url),
    signal,
    highWaterMark: options.highWaterMark,
  });
  if (!secured.ok) {
    if (signal.aborted) return err(timeoutFailure(url.host));
    return err(failureFromTransport(secured.error));
  }
  return ok(secured.value);
}
