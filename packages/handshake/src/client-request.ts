import { err, ok, type Result } from '@parley/codec/result';
import { isSafeFieldValue, isToken } from './chars.js';
import { formatPerMessageDeflateOffer, type PerMessageDeflateOffer } from './deflate-client.js';
import { type HandshakeError, handshakeError } from './errors.js';
import { CLIENT_RESERVED_HEADERS, validateHeaders, writeHeaderLines } from './extra-headers.js';
import { generateKey, isValidKey } from './key.js';

export interface ClientRequestOptions {
  /** ws:// or wss:// (http:// and https:// are accepted as aliases, as browsers do). */
  url: string | URL;
  /** A fixed `Sec-WebSocket-Key` (tests); generated when absent. */
  key?: string;
  /** Subprotocols to offer, in preference order: unique tokens. */
  protocols?: string[];
  origin?: string;
  /** Extra request headers; may not override the handshake's own headers. */
  headers?: Record<string, string>;
  /** permessage-deflate offer; default `{}` (offer with client_max_window_bits); false = none. */
  perMessageDeflate?: PerMessageDeflateOffer | false;
}

export interface ClientRequest {
  /** The complete request head, CRLFCRLF-terminated; write it as latin1 (it is ASCII). */
  head: string;
  key: string;
  /** Host name or IP to connect to (IPv6 without brackets). */
  host: string;
  port: number;
  secure: boolean;
  /** Path and query sent in the request line. */
  path: string;
}

/**
 * Builds the opening handshake request (RFC 6455 §4.1) for `opts.url`. Every caller value
 * that ends up in the head is validated, so the result cannot carry injected header lines.
 * Credentials in the URL (`wss://user:pass@host/`) become `Authorization: Basic` unless
 * an `authorization` header is given.
 */
export function buildClientRequest(opts: ClientRequestOptions): Result<ClientRequest, HandshakeError> {
  const target = parseUrl(opts.url);
  if (!target.ok) return target;
  const url = target.value;
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const hostname = url.hostname;
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const path = url.pathname + url.search;

  const key = opts.key ?? generateKey();
  if (!isValidKey(key)) return err(handshakeError('BAD_KEY', 'key must be the base64 form of 16 bytes'));

  let head =
    `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`;

  const headers = opts.headers ?? {};
  const checked = validateHeaders(headers, CLIENT_RESERVED_HEADERS);
  if (!checked.ok) return checked;
  const headerNames = new Set(Object.keys(headers).map((name) => name.toLowerCase()));

  if (opts.origin !== undefined) {
    if (opts.origin === '' || !isSafeFieldValue(opts.origin)) {
      return err(handshakeError('INVALID_HEADER', 'origin contains control or non-ASCII characters'));
    }
    if (headerNames.has('origin')) {
      return err(handshakeError('INVALID_HEADER', 'origin is given both as an option and as a header'));
    }
    head += `Origin: ${opts.origin}\r\n`;
  }

  const protocols = opts.protocols ?? [];
  const protocolError = checkProtocols(protocols);
  if (protocolError !== undefined) return err(handshakeError('BAD_PROTOCOL', protocolError));
  if (protocols.length > 0) head += `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n`;

  const offer = opts.perMessageDeflate ?? {};
  if (offer !== false) {
    const extensions = formatPerMessageDeflateOffer(offer);
    if (!extensions.ok) return extensions;
    head += `Sec-WebSocket-Extensions: ${extensions.value}\r\n`;
  }

  if (url.username !== '' && !headerNames.has('authorization')) {
    const credentials = `${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`;
    head += `Authorization: Basic ${Buffer.from(credentials, 'utf8').toString('base64')}\r\n`;
  }
  head += writeHeaderLines(headers) + '\r\n';
  return ok({ head, key, host, port, secure, path });
}

const SCHEMES: ReadonlySet<string> = new Set(['ws:', 'wss:', 'http:', 'https:']);

function parseUrl(input: string | URL): Result<URL, HandshakeError> {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : new URL(input.href);
  } catch {
    return err(handshakeError('INVALID_URL', `not a URL: ${String(input)}`));
  }
  if (!SCHEMES.has(url.protocol)) {
    return err(handshakeError('INVALID_URL', `scheme ${url.protocol} is not ws: or wss:`));
  }
  if (url.href.includes('#')) {
    return err(handshakeError('INVALID_URL', 'WebSocket URLs must not have a fragment (RFC 6455 §3)'));
  }
  return ok(url);
}

/** Percent-decodes URL userinfo; a malformed escape is kept as written rather than thrown. */
function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function checkProtocols(protocols: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (!isToken(protocol)) return `subprotocol ${JSON.stringify(protocol)} is not a token`;
    if (seen.has(protocol)) return `subprotocol ${protocol} is listed twice`;
    seen.add(protocol);
  }
  return undefined;
}
