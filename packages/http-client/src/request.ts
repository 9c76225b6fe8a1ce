import { err, ok, type Result } from '@parley/codec';
import { resolveTlsClientOptions, type TlsClientOptions } from '@parley/transport';
import { Agent, request as undiciRequest } from 'undici';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_BODY_SIZE,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './defaults.js';
import { type HttpError, httpError, toHttpError } from './http-error.js';
import { type Hop, nextHop } from './redirects.js';
import { ACCEPTED_ENCODINGS, discard, readBody } from './response-body.js';

export interface RequestOptions {
  url: string;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Milliseconds for the whole exchange, redirects included. Default 30 000; 0 disables. */
  timeout?: number;
  /** Milliseconds for each TCP connect + TLS handshake. Default 10 000. */
  connectTimeout?: number;
  /**
   * Default true: ask for `gzip, deflate, br` (unless `accept-encoding` is set) and decode such
   * bodies; `maxBodySize` then limits the decoded size. Headers are returned as received.
   */
  decompress?: boolean;
  /** Default true. When false, a 3xx comes back as the response. */
  followRedirects?: boolean;
  /** Default 5. One more redirect is a `TOO_MANY_REDIRECTS` error value. */
  maxRedirects?: number;
  /** TLS for https URLs, resolved exactly as @parley/transport does (ca, client cert, SNI). */
  tls?: TlsClientOptions;
  /** Bytes of response body to buffer at most. Default 10 MiB; more is `BODY_TOO_LARGE`. */
  maxBodySize?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The URL that produced this response (after redirects). */
  url: string;
  /** How many redirects were followed. */
  redirects: number;
}

function parseUrl(url: string): Result<URL, HttpError> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    return err(httpError('INVALID_URL', `not a URL: ${url}`, cause));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return err(httpError('INVALID_URL', `only http: and https: URLs are supported, got ${parsed.protocol}`));
  }
  return ok(parsed);
}

function connectOptions(tls: TlsClientOptions | undefined, host: string): Result<object, HttpError> {
  if (tls === undefined) return ok({});
  const resolved = resolveTlsClientOptions(tls, host);
  if (!resolved.ok) return resolved;
  // undici derives SNI per origin; keep ours only when the caller pinned one.
  const { servername, ...rest } = resolved.value;
  return ok(tls.servername === undefined ? rest : { ...rest, servername });
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const flat: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = value;
  return flat;
}

/**
 * One HTTP/1.1 request on undici, with the response body buffered. Redirects are followed
 * by hand (so they are counted and bounded); every failure is an `HttpError` value. Each call
 * uses its own connection pool, closed before it returns: no sockets outlive the call.
 */
export async function request(options: RequestOptions): Promise<Result<HttpResponse, HttpError>> {
  const first = parseUrl(options.url);
  if (!first.ok) return first;
  const connect = connectOptions(options.tls, first.value.hostname);
  if (!connect.ok) return connect;

  const timeoutMs = options.timeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : null;
  const onCallerAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onCallerAbort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const agent = new Agent({ connect: { ...connect.value, timeout: connectTimeout } });
  try {
    return await exchange(options, first.value, agent, controller.signal);
  } catch (cause) {
    if (timedOut)
      return err(
        httpError('ETIMEDOUT', `${options.url}: no complete response within ${timeoutMs} ms`, cause),
      );
    if (options.signal?.aborted) return err(httpError('ABORTED', `${options.url}: aborted by signal`, cause));
    return err(toHttpError(cause, options.url));
  } finally {
    if (timer !== null) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    await agent.destroy().catch(() => {});
  }
}

async function exchange(
  options: RequestOptions,
  firstUrl: URL,
  agent: Agent,
  signal: AbortSignal,
): Promise<Result<HttpResponse, HttpError>> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  const decompress = options.decompress ?? true;
  const requestHeaders: Record<string, string> = { ...options.headers };
  const asked = Object.keys(requestHeaders).some((name) => name.toLowerCase() === 'accept-encoding');
  if (decompress && !asked) requestHeaders['accept-encoding'] = ACCEPTED_ENCODINGS;
  let hop: Hop = {
    url: firstUrl,
    method: (options.method ?? 'GET').toUpperCase(),
    headers: requestHeaders,
    body: options.body,
  };
  for (let redirects = 0; ; redirects++) {
    signal.throwIfAborted();
    const response = await undiciRequest(hop.url, {
      dispatcher: agent,
      method: hop.method as 'GET',
      headers: hop.headers,
      body: hop.body,
      signal,
    });
    const headers = flattenHeaders(response.headers);
    const location = headers.location;
    const follow = options.followRedirects ?? true;
    if (follow && typeof location === 'string' && [301, 302, 303, 307, 308].includes(response.statusCode)) {
      await response.body.dump();
      if (redirects >= maxRedirects) {
        return err(httpError('TOO_MANY_REDIRECTS', `${options.url}: more than ${maxRedirects} redirects`));
      }
      const next = nextHop(hop, response.statusCode, location);
      if (!next.ok) return next;
      hop = next.value;
      continue;
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodySize) {
      discard(response.body);
      return err(tooLarge(hop.url, maxBodySize));
    }
    const encoding = headers['content-encoding'];
    const read = await readBody(
      response.body,
      typeof encoding === 'string' ? encoding : undefined,
      decompress,
      maxBodySize,
    );
    if (read.kind === 'too-large') return err(tooLarge(hop.url, maxBodySize));
    if (read.kind === 'bad-encoding') {
      return err(httpError('BAD_RESPONSE', `${hop.url.href}: body is not valid ${encoding}`, read.cause));
    }
    return ok({ status: response.statusCode, headers, body: read.body, url: hop.url.href, redirects });
  }
}

function tooLarge(url: URL, limit: number): HttpError {
  return httpError(
    'BODY_TOO_LARGE',
    `${url.href}: response body is larger than maxBodySize (${limit} bytes)`,
  );
}
