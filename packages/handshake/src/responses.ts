import { err, ok, type Result } from '@parley/codec/result';
import { isSafeFieldValue, isToken } from './chars.js';
import { type HandshakeError, type HandshakeRejection, handshakeError } from './errors.js';
import {
  ACCEPT_RESERVED_HEADERS,
  REJECT_RESERVED_HEADERS,
  validateHeaders,
  writeHeaderLines,
} from './extra-headers.js';
import { computeAccept } from './key.js';
import { reasonPhrase } from './status-reasons.js';

export interface AcceptResponseOptions {
  /** The client's Sec-WebSocket-Key (already validated by validateUpgradeRequest). */
  key: string;
  protocol?: string | null;
  /** The agreed Sec-WebSocket-Extensions value ('' or absent: none). */
  extensions?: string;
  /** Extra response headers (Set-Cookie, ...); may not override the handshake's own. */
  headers?: Record<string, string>;
}

/** The 101 response head, or INVALID_HEADER / BAD_PROTOCOL for values that would corrupt it. */
export function tryBuildAcceptResponse(opts: AcceptResponseOptions): Result<string, HandshakeError> {
  const protocol = opts.protocol ?? null;
  if (protocol !== null && !isToken(protocol)) {
    return err(handshakeError('BAD_PROTOCOL', `subprotocol ${JSON.stringify(protocol)} is not a token`));
  }
  const extensions = opts.extensions ?? '';
  if (!isSafeFieldValue(extensions)) {
    return err(handshakeError('INVALID_HEADER', 'extensions value contains control or non-ASCII characters'));
  }
  const checked = validateHeaders(opts.headers ?? {}, ACCEPT_RESERVED_HEADERS);
  if (!checked.ok) return checked;
  let head =
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${computeAccept(opts.key)}\r\n`;
  if (protocol !== null) head += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  if (extensions !== '') head += `Sec-WebSocket-Extensions: ${extensions}\r\n`;
  return ok(head + writeHeaderLines(opts.headers) + '\r\n');
}

/**
 * The 101 Switching Protocols head (RFC 6455 §4.2.2), ASCII, CRLFCRLF-terminated.
 * Throws TypeError for invalid input (a programming error: validate user-supplied headers
 * with `validateHeaders` or use `tryBuildAcceptResponse`).
 */
export function buildAcceptResponse(opts: AcceptResponseOptions): string {
  const built = tryBuildAcceptResponse(opts);
  if (!built.ok) throw new TypeError(built.error.message);
  return built.value;
}

/**
 * A complete HTTP error response for a refused upgrade: status line with the standard
 * reason phrase, `Content-Type` (default `text/plain; charset=utf-8`), `Content-Length`,
 * `Connection: close`, the rejection's headers and its body (default: its message).
 * A 426 also carries `Upgrade: websocket` and `Sec-WebSocket-Version: 13` unless given.
 */
export function tryBuildRejectResponse(rejection: HandshakeRejection): Result<Buffer, HandshakeError> {
  const { status } = rejection;
  if (!Number.isInteger(status) || status < 300 || status > 599) {
    return err(handshakeError('INVALID_OPTIONS', `status ${status} is not a 3xx-5xx rejection`));
  }
  const headers = rejection.headers ?? {};
  const checked = validateHeaders(headers, REJECT_RESERVED_HEADERS);
  if (!checked.ok) return checked;
  const given = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
  const body =
    typeof rejection.body === 'string'
      ? Buffer.from(rejection.body, 'utf8')
      : (rejection.body ?? Buffer.from(rejection.message, 'utf8'));

  let head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
  if (status === 426) {
    if (!given.has('upgrade')) head += 'Upgrade: websocket\r\n';
    if (!given.has('sec-websocket-version')) head += 'Sec-WebSocket-Version: 13\r\n';
    head += 'Connection: Upgrade, close\r\n';
  } else {
    head += 'Connection: close\r\n';
  }
  if (!given.has('content-type')) head += 'Content-Type: text/plain; charset=utf-8\r\n';
  head += `Content-Length: ${body.length}\r\n` + writeHeaderLines(headers) + '\r\n';
  return ok(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

/** `tryBuildRejectResponse` for trusted input; throws TypeError when the rejection is invalid. */
export function buildRejectResponse(rejection: HandshakeRejection): Buffer {
  const built = tryBuildRejectResponse(rejection);
  if (!built.ok) throw new TypeError(built.error.message);
  return built.value;
}
