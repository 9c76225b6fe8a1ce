/**
 * Lowercase names of the header fields an upgrade request or response usually carries.
 * Returning one of these constants (already internalized by V8) instead of a freshly
 * lowercased slice saves a string-table lookup per field when it becomes an object key;
 * on a typical browser upgrade request this is most of the cost of building the header map.
 */
const COMMON_NAMES = [
  'accept',
  'accept-encoding',
  'accept-language',
  'authorization',
  'cache-control',
  'connection',
  'content-length',
  'content-type',
  'cookie',
  'date',
  'host',
  'location',
  'origin',
  'pragma',
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'sec-websocket-key',
  'sec-websocket-protocol',
  'sec-websocket-version',
  'server',
  'set-cookie',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'www-authenticate',
  'x-forwarded-for',
];

const BY_LENGTH: (string[] | undefined)[] = [];
for (const name of COMMON_NAMES) {
  const sameLength = BY_LENGTH[name.length];
  if (sameLength === undefined) BY_LENGTH[name.length] = [name];
  else sameLength.push(name);
}

/**
 * The lowercase form of the field name `text[start..end)` (already known to be a token):
 * a shared constant for common names, otherwise a new lowercased slice.
 */
export function lowercaseHeaderName(text: string, start: number, end: number): string {
  const candidates = BY_LENGTH[end - start];
  if (candidates !== undefined) {
    next: for (const candidate of candidates) {
      for (let i = 0; i < candidate.length; i++) {
        let c = text.charCodeAt(start + i);
        if (c >= 0x41 && c <= 0x5a) c |= 0x20;
        if (c !== candidate.charCodeAt(i)) continue next;
      }
      return candidate;
    }
  }
  return text.slice(start, end).toLowerCase();
}
