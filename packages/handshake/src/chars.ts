/**
 * Character classes of RFC 7230 §3.2.6 as byte lookup tables, so every grammar check is a
 * single indexed load per character (no regular expressions, no backtracking).
 */

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
export const TOKEN_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let c = 0x30; c <= 0x39; c++) table[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) table[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (const ch of "!#$%&'*+-.^_`|~") table[ch.charCodeAt(0)] = 1;
  return table;
})();

/**
 * Bytes allowed inside a received field value: HTAB, SP, VCHAR and obs-text (0x80-0xff).
 * Everything else (NUL, CR, LF, other CTLs, DEL) is rejected.
 */
export const FIELD_VALUE_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(256);
  table[0x09] = 1;
  for (let c = 0x20; c <= 0x7e; c++) table[c] = 1;
  for (let c = 0x80; c <= 0xff; c++) table[c] = 1;
  return table;
})();

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const DQUOTE = 0x22;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const BACKSLASH = 0x5c;
export const COLON = 0x3a;

/** True when `value` is a non-empty RFC 7230 token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f || TOKEN_CHAR[c] !== 1) return false;
  }
  return true;
}

/**
 * True when `value` may be written as an outgoing header value: HTAB, SP and visible ASCII
 * only. CR/LF/NUL (header injection) and non-ASCII (ambiguous encoding) are refused.
 */
export function isSafeFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === HTAB) continue;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
