import { err, ok, type Result } from '@parley/codec/result';
import { isSafeFieldValue, isToken } from './chars.js';
import { type HandshakeError, handshakeError } from './errors.js';

/** Headers the client request builder writes itself; callers may not set them. */
export const CLIENT_RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'upgrade',
  'connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);

/** Headers the 101 response builder writes itself; callers may not set them. */
export const ACCEPT_RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);

/** Headers the rejection builder writes itself; callers may not set them. */
export const REJECT_RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'content-length',
  'transfer-encoding',
]);

/**
 * Checks caller-supplied headers before they are written into a head: names must be
 * tokens, values visible ASCII/SP/HTAB only (no CR, LF or NUL: header injection), and no
 * name may override one the builder owns (`reserved`, lowercase). Returns INVALID_HEADER.
 */
export function validateHeaders(
  headers: Readonly<Record<string, string>>,
  reserved: ReadonlySet<string> = new Set(),
): Result<void, HandshakeError> {
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!isToken(name)) {
      return err(handshakeError('INVALID_HEADER', `header name ${JSON.stringify(name)} is not a token`));
    }
    if (typeof value !== 'string' || !isSafeFieldValue(value)) {
      return err(
        handshakeError('INVALID_HEADER', `header ${name} has a value with control or non-ASCII characters`),
      );
    }
    if (reserved.has(name.toLowerCase())) {
      return err(
        handshakeError('INVALID_HEADER', `header ${name} is set by the handshake and cannot be overridden`),
      );
    }
  }
  return ok();
}

/** Appends `Name: value\r\n` lines for already validated headers. */
export function writeHeaderLines(headers: Readonly<Record<string, string>> | undefined): string {
  let text = '';
  if (headers === undefined) return text;
  for (const name of Object.keys(headers)) text += `${name}: ${headers[name]}\r\n`;
  return text;
}
