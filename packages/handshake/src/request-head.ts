import { ok, type Result } from '@parley/codec/result';
import { CR, LF, SP, TOKEN_CHAR } from './chars.js';
import type { HandshakeError } from './errors.js';
import type { HeaderMap } from './header-map.js';
import { checkLineLength, fail, findHeadEnd, parseHeaderLines, parseHttpVersion } from './head-lines.js';
import { DEFAULT_HEAD_LIMITS, type HeadLimits } from './limits.js';

export interface RequestHead {
  complete: true;
  method: string;
  /** The request-target exactly as sent (origin-form `/path?query` for WebSocket clients). */
  target: string;
  /** "1.1", "1.0" — the form node's `IncomingMessage.httpVersion` uses. */
  httpVersion: string;
  headers: HeaderMap;
  /** Bytes of the head including CRLFCRLF; `buf.subarray(headLength)` is the first frame data. */
  headLength: number;
}

export type RequestHeadProgress = { complete: false } | RequestHead;

const INCOMPLETE: { complete: false } = Object.freeze({ complete: false });

/**
 * Parses an HTTP/1.1 request head from the bytes received so far. Call it again with the
 * grown buffer while it answers `{ complete: false }`. Errors carry the status to answer
 * with: 400 malformed, 414 request line too long, 431 head/header too large or too many
 * headers, 505 HTTP major version other than 1. Linear in `min(buf.length, maxHeadBytes)`.
 */
export function parseRequestHead(
  buf: Buffer,
  limits: Partial<HeadLimits> = DEFAULT_HEAD_LIMITS,
): Result<RequestHeadProgress, HandshakeError> {
  const bounds = limits === DEFAULT_HEAD_LIMITS ? DEFAULT_HEAD_LIMITS : { ...DEFAULT_HEAD_LIMITS, ...limits };
  // RFC 7230 §3.5: a server SHOULD ignore empty lines received before the request line.
  let begin = 0;
  while (begin < bounds.maxHeadBytes && buf[begin] === CR && buf[begin + 1] === LF) begin += 2;
  const found = findHeadEnd(buf, begin, bounds, 'request');
  if (!found.ok) return found;
  const headLength = found.value;
  if (headLength === 0) return ok(INCOMPLETE);

  const lineEnd = buf.indexOf(LF, begin) - 1;
  if (buf[lineEnd] !== CR) return fail('request', 'MALFORMED_HEAD', 'request line ends in a bare LF', 400);
  const tooLong = checkLineLength(lineEnd - begin, true, bounds, 'request');
  if (tooLong !== undefined) return tooLong;

  let pos = begin;
  while (pos < lineEnd && TOKEN_CHAR[buf[pos]!] === 1) pos++;
  if (pos === begin || buf[pos] !== SP) {
    return fail('request', 'MALFORMED_HEAD', 'request method is not a token followed by one space', 400);
  }
  const text = buf.toString('latin1', 0, headLength);
  const method = text.slice(begin, pos);
  const targetStart = ++pos;
  while (pos < lineEnd && buf[pos]! > SP && buf[pos]! < 0x7f) pos++;
  if (pos === targetStart || buf[pos] !== SP) {
    return fail('request', 'MALFORMED_HEAD', 'request target is empty or holds invalid characters', 400);
  }
  const target = text.slice(targetStart, pos);
  const httpVersion = parseHttpVersion(buf, pos + 1, lineEnd);
  if (httpVersion === undefined) {
    return fail('request', 'MALFORMED_HEAD', 'request line does not end in HTTP/<major>.<minor>', 400);
  }
  if (httpVersion.charCodeAt(0) !== 0x31) {
    return fail('request', 'BAD_HTTP_VERSION', `HTTP/${httpVersion} is not supported`, 505);
  }
  const headers = parseHeaderLines(text, lineEnd + 2, headLength, bounds, 'request');
  if (!headers.ok) return headers;
  return ok({ complete: true, method, target, httpVersion, headers: headers.value, headLength });
}
