/**
 * Close status code rules (RFC 6455 §7.4 and the IANA registry).
 *
 * - 1000–1003, 1007–1014: defined/registered, may appear in a close frame.
 * - 1004 reserved, 1005/1006/1015 are "no status"/"abnormal"/"TLS failure" markers that MUST NOT
 *   be sent in a close frame.
 * - 1016–2999: reserved for future standards; nothing is registered there today, so invalid.
 * - 3000–3999: registered for libraries/frameworks; 4000–4999: private use. Both valid.
 * - < 1000 and >= 5000: invalid.
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

const descriptions: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1004: 'reserved',
  1005: 'no status received',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension missing',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/** A short human description of a close code, e.g. `describeCloseCode(1009) === 'message too big'`. */
export function describeCloseCode(code: number): string {
  const known = descriptions[code];
  if (known !== undefined) return known;
  if (code >= 3000 && code <= 3999) return 'library/framework code';
  if (code >= 4000 && code <= 4999) return 'application code';
  if (code >= 1016 && code <= 2999) return 'reserved';
  return 'invalid';
}
