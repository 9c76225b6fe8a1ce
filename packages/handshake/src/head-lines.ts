import { err, ok, type Result } from '@parley/codec/result';
import { COLON, CR, FIELD_VALUE_CHAR, HTAB, LF, SP, TOKEN_CHAR } from './chars.js';
import { type HandshakeError, handshakeError } from './errors.js';
import type { HeaderMap } from './header-map.js';
import { lowercaseHeaderName } from './header-names.js';
import type { HeadLimits } from './limits.js';

/**
 * The line-level machinery shared by the request and response head parsers: find the end
 * of the head within the byte budget, reject over-limit or malformed partial heads early,
 * and parse header field lines. Everything is a forward scan over the head; each byte is
 * looked at a constant number of times per call.
 */

/** `side` decides whether errors carry the HTTP status a server answers with. */
export type HeadSide = 'request' | 'response';

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

export function fail(
  side: HeadSide,
  code: HandshakeError['code'],
  message: string,
  status: number,
): Result<never, HandshakeError> {
  return err(side === 'request' ? handshakeError(code, message, { status }) : handshakeError(code, message));
}

/**
 * Where the head ends: the index just past CRLFCRLF, `0` when the head is not complete yet
 * (and nothing seen so far breaks a limit or the line grammar), or an error.
 * `begin` is where the start line begins (after tolerated leading empty lines).
 */
export function findHeadEnd(
  buf: Buffer,
  begin: number,
  limits: HeadLimits,
  side: HeadSide,
): Result<number, HandshakeError> {
  const budget = limits.maxHeadBytes;
  const window = buf.length > budget ? buf.subarray(0, budget) : buf;
  const end = window.indexOf(CRLFCRLF, begin);
  if (end !== -1) return ok(end + 4);
  if (buf.length >= budget) {
    return fail(side, 'HEAD_TOO_LARGE', `head exceeds ${budget} bytes`, 431);
  }
  const partial = checkPartialLines(buf, begin, limits, side);
  return partial.ok ? ok(0) : partial;
}

/** Early rejection of an incomplete head: bare LF, an over-long line, too many lines. */
function checkPartialLines(
  buf: Buffer,
  begin: number,
  limits: HeadLimits,
  side: HeadSide,
): Result<void, HandshakeError> {
  let lineStart = begin;
  let lines = 0;
  for (;;) {
    const lf = buf.indexOf(LF, lineStart);
    if (lf === -1) break;
    if (buf[lf - 1] !== CR) {
      return fail(side, 'MALFORMED_HEAD', 'line ends in a bare LF (CRLF required)', 400);
    }
    const lineError = checkLineLength(lf - 1 - lineStart, lines === 0, limits, side);
    if (lineError !== undefined) return lineError;
    lines++;
    if (lines > limits.maxHeaders + 1) {
      return fail(side, 'TOO_MANY_HEADERS', `more than ${limits.maxHeaders} header fields`, 431);
    }
    lineStart = lf + 1;
  }
  const tail = buf.length - lineStart;
  // A trailing CR may be the first half of the line's CRLF.
  const tailLength = tail > 0 && buf[buf.length - 1] === CR ? tail - 1 : tail;
  return checkLineLength(tailLength, lines === 0, limits, side) ?? ok();
}

export function checkLineLength(
  length: number,
  isStartLine: boolean,
  limits: HeadLimits,
  side: HeadSide,
): Result<never, HandshakeError> | undefined {
  if (length <= limits.maxLineLength) return undefined;
  const what = isStartLine ? (side === 'request' ? 'request line' : 'status line') : 'header line';
  return fail(
    side,
    'LINE_TOO_LONG',
    `${what} exceeds ${limits.maxLineLength} bytes`,
    isStartLine ? 414 : 431,
  );
}

/**
 * Parses the header field lines of `text` (the head decoded as latin1, like node does)
 * between `start` (first header line) and `headLength` (just past CRLFCRLF). Names are
 * lowercased; repeated fields are joined with ", " except `set-cookie`, which becomes an
 * array. Working on one latin1 string (one decode per head) instead of per-field Buffer
 * slices keeps this about as fast as node's native parser.
 */
export function parseHeaderLines(
  text: string,
  start: number,
  headLength: number,
  limits: HeadLimits,
  side: HeadSide,
): Result<HeaderMap, HandshakeError> {
  const headers: HeaderMap = Object.create(null);
  const last = headLength - 2; // the final empty line's CRLF
  let count = 0;
  let pos = start;
  while (pos < last) {
    const lf = text.indexOf('\n', pos);
    if (text.charCodeAt(lf - 1) !== CR) {
      return fail(side, 'MALFORMED_HEAD', 'line ends in a bare LF (CRLF required)', 400);
    }
    const end = lf - 1;
    const tooLong = checkLineLength(end - pos, false, limits, side);
    if (tooLong !== undefined) return tooLong;
    if (++count > limits.maxHeaders) {
      return fail(side, 'TOO_MANY_HEADERS', `more than ${limits.maxHeaders} header fields`, 431);
    }
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) {
      return fail(side, 'MALFORMED_HEAD', 'obsolete line folding is not accepted', 400);
    }
    let colon = pos;
    while (colon < end && TOKEN_CHAR[text.charCodeAt(colon)] === 1) colon++;
    if (colon === pos || colon === end || text.charCodeAt(colon) !== COLON) {
      return fail(side, 'MALFORMED_HEAD', 'header field name is not a token followed by ":"', 400);
    }
    let valueStart = colon + 1;
    let valueEnd = end;
    let c = text.charCodeAt(valueStart);
    while (valueStart < valueEnd && (c === SP || c === HTAB)) c = text.charCodeAt(++valueStart);
    c = text.charCodeAt(valueEnd - 1);
    while (valueEnd > valueStart && (c === SP || c === HTAB)) c = text.charCodeAt(--valueEnd - 1);
    for (let i = valueStart; i < valueEnd; i++) {
      if (FIELD_VALUE_CHAR[text.charCodeAt(i)] !== 1) {
        return fail(side, 'MALFORMED_HEAD', 'header field value contains a control character', 400);
      }
    }
    const name = lowercaseHeaderName(text, pos, colon);
    const value = text.slice(valueStart, valueEnd);
    const previous = headers[name];
    if (previous === undefined) {
      headers[name] = name === 'set-cookie' ? [value] : value;
    } else if (typeof previous === 'string') {
      if (name === 'host') return fail(side, 'BAD_HOST', 'Host header is repeated', 400);
      headers[name] = `${previous}, ${value}`;
    } else {
      previous.push(value);
    }
    pos = lf + 1;
  }
  return ok(headers);
}

/** Parses "HTTP/<d>.<d>" at `buf[pos..pos+8)`; returns the "d.d" form or undefined. */
export function parseHttpVersion(buf: Buffer, pos: number, end: number): string | undefined {
  if (end - pos !== 8) return undefined;
  if (buf[pos] !== 0x48 || buf[pos + 1] !== 0x54 || buf[pos + 2] !== 0x54 || buf[pos + 3] !== 0x50) {
    return undefined;
  }
  const major = buf[pos + 5]!;
  const minor = buf[pos + 7]!;
  if (buf[pos + 4] !== 0x2f || buf[pos + 6] !== 0x2e || !isDigit(major) || !isDigit(minor)) return undefined;
  return String.fromCharCode(major, 0x2e, minor);
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
