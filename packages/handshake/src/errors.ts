import type { ParleyError } from '@parley/codec/result';
import type { HeaderMap } from './header-map.js';

/** Every way a handshake step can fail. Stable strings: callers switch on them. */
export type HandshakeErrorCode =
  /** The head (request/status line + headers) exceeds `maxHeadBytes`. */
  | 'HEAD_TOO_LARGE'
  /** More header lines than `maxHeaders`. */
  | 'TOO_MANY_HEADERS'
  /** A single line exceeds `maxLineLength`. */
  | 'LINE_TOO_LONG'
  /** The head does not follow the HTTP/1.1 message grammar (RFC 7230 §3). */
  | 'MALFORMED_HEAD'
  /** The HTTP version is not acceptable (not HTTP/1.x, or below 1.1 for an upgrade). */
  | 'BAD_HTTP_VERSION'
  /** The request method is not GET. */
  | 'BAD_METHOD'
  /** The status line's code is not three digits. */
  | 'BAD_STATUS'
  /** `Upgrade: websocket` or `Connection: upgrade` is missing. */
  | 'BAD_UPGRADE'
  /** `Sec-WebSocket-Key` is missing or not the base64 form of 16 bytes. */
  | 'BAD_KEY'
  /** `Sec-WebSocket-Version` is missing or not 13. */
  | 'BAD_WEBSOCKET_VERSION'
  /** `Host` is missing, empty or repeated. */
  | 'BAD_HOST'
  /** The request carries a body (`Content-Length` > 0 or `Transfer-Encoding`). */
  | 'UNEXPECTED_BODY'
  /** `Sec-WebSocket-Accept` does not match the key we sent. */
  | 'BAD_ACCEPT'
  /** `Sec-WebSocket-Protocol` is malformed, repeated or not one we offered. */
  | 'BAD_PROTOCOL'
  /** `Sec-WebSocket-Extensions` is malformed or names an extension/parameter we did not offer. */
  | 'BAD_EXTENSION'
  /** A header value handed to a parser is longer than its limit. */
  | 'HEADER_TOO_LONG'
  /** More extension offers than `maxOffers`. */
  | 'TOO_MANY_EXTENSIONS'
  /** More parameters in one extension offer than `maxParams`. */
  | 'TOO_MANY_PARAMS'
  /** More subprotocols than `maxProtocols`. */
  | 'TOO_MANY_PROTOCOLS'
  /** The server answered with a status other than 101 (redirect, auth failure, ...). */
  | 'UNEXPECTED_STATUS'
  /** The URL is not a valid ws:// or wss:// URL (or has a fragment). */
  | 'INVALID_URL'
  /** A caller-supplied header name/value is not valid or would override a handshake header. */
  | 'INVALID_HEADER'
  /** Caller-supplied options are out of range (a configuration bug). */
  | 'INVALID_OPTIONS';

/**
 * A handshake failure. `status` is the HTTP status a server should answer with for
 * request-side errors, or the status the server sent for `UNEXPECTED_STATUS`.
 */
export interface HandshakeError extends ParleyError<HandshakeErrorCode> {
  readonly status?: number;
  /** `UNEXPECTED_STATUS` only: the response headers (redirect `location`, `www-authenticate`, ...). */
  readonly headers?: HeaderMap;
  /** `UNEXPECTED_STATUS` only: the body bytes received so far, at most `MAX_ERROR_BODY_BYTES`. */
  readonly body?: Buffer;
}

/**
 * A reason to answer an upgrade request with an HTTP error instead of 101.
 * `buildRejectResponse` turns it into bytes; `body` defaults to `message`.
 */
export interface HandshakeRejection {
  readonly status: number;
  readonly message: string;
  readonly code?: HandshakeErrorCode;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export function handshakeError(
  code: HandshakeErrorCode,
  message: string,
  extra?: { status?: number; headers?: HeaderMap; body?: Buffer },
): HandshakeError {
  return extra === undefined ? { code, message } : { code, message, ...extra };
}

export function rejection(
  status: number,
  code: HandshakeErrorCode,
  message: string,
  headers?: Record<string, string>,
): HandshakeRejection {
  return headers === undefined ? { status, code, message } : { status, code, message, headers };
}
