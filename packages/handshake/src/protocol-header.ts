import { err, ok, type Result } from '@parley/codec/result';
import { COMMA, HTAB, SP, TOKEN_CHAR } from './chars.js';
import { type HandshakeError, handshakeError } from './errors.js';
import { DEFAULT_PROTOCOL_LIMITS, type ProtocolLimits } from './limits.js';

/**
 * Parses a `Sec-WebSocket-Protocol` value: `1#token` (RFC 6455 §4.1, §11.3.4). Empty list
 * elements are skipped (RFC 7230 §7); duplicates are an error because RFC 6455 requires the
 * client's subprotocols to be unique. Subprotocol names are case-sensitive. One forward pass.
 */
export function parseProtocolHeader(
  value: string,
  limits: Partial<ProtocolLimits> = DEFAULT_PROTOCOL_LIMITS,
): Result<string[], HandshakeError> {
  const bounds =
    limits === DEFAULT_PROTOCOL_LIMITS ? DEFAULT_PROTOCOL_LIMITS : { ...DEFAULT_PROTOCOL_LIMITS, ...limits };
  if (value.length > bounds.maxLength) {
    return err(
      handshakeError('HEADER_TOO_LONG', `Sec-WebSocket-Protocol exceeds ${bounds.maxLength} characters`),
    );
  }
  const protocols: string[] = [];
  const seen = new Set<string>();
  const length = value.length;
  let pos = 0;
  while (pos < length) {
    let c = value.charCodeAt(pos);
    if (c === SP || c === HTAB || c === COMMA) {
      pos++;
      continue;
    }
    const start = pos;
    while (c < 0x80 && TOKEN_CHAR[c] === 1) c = value.charCodeAt(++pos);
    if (pos === start) {
      return err(handshakeError('BAD_PROTOCOL', `Sec-WebSocket-Protocol: invalid character at ${pos}`));
    }
    const protocol = value.slice(start, pos);
    while (c === SP || c === HTAB) c = value.charCodeAt(++pos);
    if (pos < length && c !== COMMA) {
      return err(handshakeError('BAD_PROTOCOL', `Sec-WebSocket-Protocol: expected "," at ${pos}`));
    }
    if (seen.has(protocol)) {
      return err(handshakeError('BAD_PROTOCOL', `Sec-WebSocket-Protocol lists "${protocol}" twice`));
    }
    if (protocols.length === bounds.maxProtocols) {
      return err(handshakeError('TOO_MANY_PROTOCOLS', `more than ${bounds.maxProtocols} subprotocols`));
    }
    seen.add(protocol);
    protocols.push(protocol);
  }
  if (protocols.length === 0) {
    return err(handshakeError('BAD_PROTOCOL', 'Sec-WebSocket-Protocol lists no subprotocol'));
  }
  return ok(protocols);
}

/** The header value for `protocols`. */
export function formatProtocols(protocols: readonly string[]): string {
  return protocols.join(', ');
}
