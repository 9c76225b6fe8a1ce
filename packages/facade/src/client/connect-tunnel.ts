import { type Connection, connect, upgradeToTls } from '@parley/transport';
import { err, ok, type Result } from '../result.js';
import { type AttemptFailure, attemptFailure } from './client-error.js';
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

/**
 * Opens a tunnel through an HTTP CONNECT proxy: TCP to the proxy, `CONNECT host:port`, a 2xx
 * answer read with the bounded response reader, then TLS inside the tunnel for wss://.
 */
export async function openTunnel(
  options: DialOptions & { proxy: URL },
): Promise<Result<Connection, AttemptFailure>> {
  const { url, proxy, signal } = options;
  const proxyWhere = `proxy ${proxy.host}`;
  const connected = await connect({
    host: socketHost(proxy),
    port: effectivePort(proxy),
    tls: false,
    signal,
    noDelay: true,
    highWaterMark: options.highWaterMark,
  });
  if (!connected.ok) {
    if (signal.aborted) return err(timeoutFailure(proxyWhere));
    const failure = failureFromTransport(connected.error);
    return err({ ...failure, code: 'PROXY_FAILED', message: `proxy: ${failure.message}` });
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
  // The tunnel connection is consumed by upgradeToTls (destroyed on failure).
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
