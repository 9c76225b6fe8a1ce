import { ok, type Result } from '@parley/codec/result';
import { CR, FIELD_VALUE_CHAR, LF, SP } from './chars.js';
import type { HandshakeError } from './errors.js';
import type { HeaderMap } from './header-map.js';
import {
  checkLineLength,
  fail,
  findHeadEnd,
  isDigit,
  parseHeaderLines,
  parseHttpVersion,
} from './head-lines.js';
import { DEFAULT_HEAD_LIMITS, type HeadLimits } from './limits.js';

export interface ResponseHead {
  complete: true;
  status: number;
  reason: string;
  /** "1.1", "1.0". */
  httpVersion: string;
  headers: HeaderMap;
  /** Bytes of the head including CRLFCRLF; `buf.subarray(headLength)` is body / first frame data. */
  headLength: number;
}

export type ResponseHeadProgress = { complete: false } | ResponseHead;

const INCOMPLETE: { complete: false } = Object.freeze({ complete: false });

/**
 * Parses an HTTP/1.x response head from the bytes received so far (the client side of the
 * handshake). Call it again with the grown buffer while it answers `{ complete: false }`.
 * Tolerates a missing reason phrase (`HTTP/1.1 101\r\n`); rejects bare LF, obs-fold and
 * control characters. Linear in `min(buf.length, maxHeadBytes)`.
 */
export function parseResponseHead(
  buf: Buffer,
  limits: Partial<HeadLimits> = DEFAULT_HEAD_LIMITS,
): Result<ResponseHeadProgress, HandshakeError> {
  const bounds = limits === DEFAULT_HEAD_LIMITS ? DEFAULT_HEAD_LIMITS : { ...DEFAULT_HEAD_LIMITS, ...limits };
  const found = findHeadEnd(buf, 0, bounds, 'response');
  if (!found.ok) return found;
  const headLength = found.value;
  if (headLength === 0) return ok(INCOMPLETE);

  const lineEnd = buf.indexOf(LF) - 1;
  if (buf[lineEnd] !== CR) return fail('response', 'MALFORMED_HEAD', 'status line ends in a bare LF', 400);
  const tooLong = checkLineLength(lineEnd, true, bounds, 'response');
  if (tooLong !== undefined) return tooLong;

  const httpVersion = parseHttpVersion(buf, 0, Math.min(8, lineEnd));
  if (httpVersion === undefined || (lineEnd > 8 && buf[8] !== SP)) {
    return fail('response', 'MALFORMED_HEAD', 'status line does not start with HTTP/<major>.<minor>', 400);
  }
  if (httpVersion.charCodeAt(0) !== 0x31) {
    return fail('response', 'BAD_HTTP_VERSION', `HTTP/${httpVersion} is not supported`, 505);
  }
  const d0 = buf[9]!;
  const d1 = buf[10]!;
  const d2 = buf[11]!;
  if (lineEnd < 12 || !isDigit(d0) || !isDigit(d1) || !isDigit(d2) || (lineEnd > 12 && buf[12] !== SP)) {
    return fail('response', 'BAD_STATUS', 'status code is not three digits', 400);
  }
  const status = (d0 - 0x30) * 100 + (d1 - 0x30) * 10 + (d2 - 0x30);
  for (let i = 13; i < lineEnd; i++) {
    if (FIELD_VALUE_CHAR[buf[i]!] !== 1) {
      return fail('response', 'MALFORMED_HEAD', 'reason phrase contains a control character', 400);
    }
  }
  const reason = lineEnd > 13 ? buf.toString('latin1', 13, lineEnd) : '';
  const headers = parseHeaderLines(
    buf.toString('latin1', 0, headLength),
    lineEnd + 2,
    headLength,
    bounds,
    'response',
  );
  if (!headers.ok) return headers;
  return ok({ complete: true, status, reason, httpVersion, headers: headers.value, headLength });
}
