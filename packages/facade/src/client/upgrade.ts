import {
  type AcceptedHandshake,
  buildClientRequest,
  type PerMessageDeflateOffer,
  validateServerResponse,
} from '@parley/handshake';
import type { Connection } from '@parley/transport';
import { err, ok, type Result } from '../result.js';
import { type AttemptFailure, attemptFailure } from './client-error.js';
import type { ClientConfig } from './config.js';
import { dial } from './dial.js';
import { type Environment, resolveProxy } from './proxy-env.js';
import { type HeaderMap, ResponseReader } from './response-reader.js';

/** A finished WebSocket handshake: the connection, what was negotiated, and the bytes that followed the 101. */
export interface Upgraded {
  readonly connection: Connection;
  /** Frames that arrived in the same read as the response head; fed to the protocol first. */
  readonly rest: Buffer;
  /** The URL that answered 101 (differs from the configured one after redirects). */
  readonly url: URL;
  readonly headers: HeaderMap;
  readonly protocol: string | null;
  readonly extensions: string;
  readonly deflate: AcceptedHandshake['deflate'];
  readonly redirects: number;
}

/** ws:// for http://, wss:// for https:// (a Location header or a config may use either). */
export function toWebSocketUrl(value: string | URL, base?: URL): URL {
  const url = new URL(String(value), base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  url.hash = '';
  return url;
}

export function deflateOffer(setting: ClientConfig['per_message_deflate']): PerMessageDeflateOffer | false {
  if (setting === false) return false;
  if (setting === true) return { clientMaxWindowBits: true };
  const offer: PerMessageDeflateOffer = {
    clientNoContextTakeover: setting.client_no_context_takeover,
    serverNoContextTakeover: setting.server_no_context_takeover,
    clientMaxWindowBits: setting.client_max_window_bits,
  };
  if (setting.server_max_window_bits !== undefined)
    offer.serverMaxWindowBits = setting.server_max_window_bits;
  return offer;
}

const CROSS_HOST_SENSITIVE = new Set(['authorization', 'cookie']);

/**
 * Runs the opening handshake: dial (direct or via proxy), send the upgrade request, read the
 * answer with a bounded reader, validate a 101, follow 3xx redirects when configured. Any
 * other status becomes an `HTTP_STATUS` failure carrying the status, headers and body.
 */
export async function performUpgrade(
  config: ClientConfig,
  signal: AbortSignal,
  env: Environment,
): Promise<Result<Upgraded, AttemptFailure>> {
  let url = toWebSocketUrl(config.url);
  let headers = { ...config.headers };
  const offer = deflateOffer(config.per_message_deflate);
  for (let redirects = 0; ; redirects++) {
    const proxy = resolveProxy(url, config.proxy, env);
    const request = buildClientRequest({
      url,
      protocols: config.protocols,
      headers,
      perMessageDeflate: offer,
      ...(config.origin === undefined ? {} : { origin: config.origin }),
    });
    if (!request.ok) {
      return err(
        attemptFailure('HANDSHAKE_FAILED', `handshake: cannot build the request: ${request.error.message}`),
      );
    }
    const dialed = await dial({
      url,
      tls: config.tls,
      proxy,
      proxyTls: config.proxy_tls,
      signal,
      highWaterMark: config.backpressure.high_water_mark,
    });
    if (!dialed.ok) return err({ ...dialed.error, url: url.href });
    const connection = dialed.value;
    const reader = new ResponseReader(connection, url.host);
    connection.write(Buffer.from(request.value.head, 'latin1'));
    const head = await reader.readHead(signal);
    if (!head.ok) {
      connection.destroy();
      return err({ ...head.error, url: url.href });
    }
    const { status, reason } = head.value;
    if (status === 101) {
      const validated = validateServerResponse(head.value, {
        key: request.value.key,
        protocols: config.protocols,
        perMessageDeflate: offer,
      });
      if (!validated.ok) {
        connection.destroy();
        return err(
          attemptFailure('HANDSHAKE_FAILED', `handshake: ${validated.error.message}`, { url: url.href }),
        );
      }
      connection.pause();
      return ok({
        connection,
        rest: reader.takeRest(),
        url,
        headers: head.value.headers,
        redirects,
        ...validated.value,
      });
    }
    const location = head.value.headers.location;
    if (status >= 300 && status < 400 && typeof location === 'string' && config.follow_redirects) {
      connection.destroy();
      if (redirects >= config.max_redirects) {
        return err(
          attemptFailure('TOO_MANY_REDIRECTS', `handshake: more than ${config.max_redirects} redirects`, {
            http_status: status,
            url: url.href,
          }),
        );
      }
      const next = URL.canParse(location, url.href) ? toWebSocketUrl(location, url) : null;
      if (next === null || (next.protocol !== 'ws:' && next.protocol !== 'wss:')) {
        return err(
          attemptFailure(
            'HANDSHAKE_FAILED',
            `handshake: unusable redirect Location ${JSON.stringify(location)}`,
            {
              http_status: status,
              url: url.href,
            },
          ),
        );
      }
      if (next.host !== url.host) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    const body = (await reader.readBody(head.value, signal)).toString('utf8');
    connection.destroy();
    return err(
      attemptFailure('HTTP_STATUS', `handshake: HTTP ${status} ${reason}`.trim(), {
        http_status: status,
        headers: head.value.headers,
        body,
        url: url.href,
      }),
    );
  }
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!CROSS_HOST_SENSITIVE.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}
