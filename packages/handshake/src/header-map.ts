import { HTAB, SP } from './chars.js';

/** Header fields by lowercase name, the shape of node's `IncomingHttpHeaders`. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** The value of `name` (lowercase), repeated fields joined with ", " as RFC 7230 §3.2.2 allows. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/**
 * True when the comma-separated list `value` holds `token` (ASCII case-insensitive), e.g.
 * `Connection: keep-alive, Upgrade` holds `upgrade`. One pass, no allocation per element.
 */
export function listHasToken(value: string, token: string): boolean {
  const length = value.length;
  let start = 0;
  while (start <= length) {
    let end = value.indexOf(',', start);
    if (end === -1) end = length;
    let a = start;
    let b = end;
    while (a < b && isOws(value.charCodeAt(a))) a++;
    while (b > a && isOws(value.charCodeAt(b - 1))) b--;
    if (b - a === token.length && equalsIgnoreAsciiCase(value, a, token)) return true;
    start = end + 1;
  }
  return false;
}

/** Compares `value[offset..offset+expected.length)` with the lowercase `expected`. */
function equalsIgnoreAsciiCase(value: string, offset: number, expected: string): boolean {
  for (let i = 0; i < expected.length; i++) {
    let c = value.charCodeAt(offset + i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== expected.charCodeAt(i)) return false;
  }
  return true;
}
