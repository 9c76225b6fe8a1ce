import { err, ok, type Result } from '@parley/codec';
import { type HttpError, httpError } from './http-error.js';

/** One request of a redirect chain. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

/** Headers that carry credentials for one origin: never forwarded to another. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * The request a redirect asks for (RFC 9110 §15.4): 303 (and 301/302 after a POST, as every
 * browser does) becomes a GET without body; 307/308 repeat method and body. Credentials are
 * dropped when the origin changes, and https → http is refused.
 */
export function nextHop(previous: Hop, status: number, location: string): Result<Hop, HttpError> {
  let url: URL;
  try {
    url = new URL(location, previous.url);
  } catch (cause) {
    return err(httpError('BAD_RESPONSE', `redirect to an invalid location: ${location}`, cause));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return err(httpError('BAD_RESPONSE', `redirect to an unsupported scheme: ${url.protocol}`));
  }
  if (previous.url.protocol === 'https:' && url.protocol === 'http:') {
    return err(httpError('INSECURE_REDIRECT', `refusing to follow a redirect from https to ${url.href}`));
  }
  const becomesGet = status === 303 || ((status === 301 || status === 302) && previous.method === 'POST');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(previous.headers)) {
    const lower = name.toLowerCase();
    if (url.origin !== previous.url.origin && CREDENTIAL_HEADERS.includes(lower)) continue;
    if (becomesGet && (lower === 'content-type' || lower === 'content-length')) continue;
    if (lower === 'host') continue;
    headers[name] = value;
  }
  const method = becomesGet && previous.method !== 'HEAD' ? 'GET' : previous.method;
  return ok({ url, method, headers, body: becomesGet ? undefined : previous.body });
}
