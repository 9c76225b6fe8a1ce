import { err, ok, type Result } from '@parley/codec/result';
import { BACKSLASH, COMMA, DQUOTE, EQUALS, HTAB, isToken, SEMICOLON, SP, TOKEN_CHAR } from './chars.js';
import { type HandshakeError, handshakeError } from './errors.js';
import { DEFAULT_EXTENSIONS_LIMITS, type ExtensionsLimits } from './limits.js';

/** One `name[=value]` parameter of an extension; `value` is null when the parameter has none. */
export interface ExtensionParam {
  name: string;
  value: string | null;
}

/** One element of `Sec-WebSocket-Extensions`: an extension name and its parameters, in order. */
export interface ExtensionOffer {
  name: string;
  params: ExtensionParam[];
}

/**
 * Parses a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1 with RFC 7230 list rules):
 *
 *   extension-list = 1#extension
 *   extension      = token *( OWS ";" OWS param )
 *   param          = token [ BWS "=" BWS ( token / quoted-string ) ]
 *
 * Empty list elements (`a, , b`) are skipped as RFC 7230 §7 requires. A quoted value must
 * unescape to a token (RFC 6455 §9.1). Several header lines may be joined with ", " first.
 * A hand-written forward scanner: every character is read once, so time is linear and the
 * limits (value length, offers, parameters per offer) stop hostile input early.
 */
export function parseExtensionsHeader(
  value: string,
  limits: Partial<ExtensionsLimits> = DEFAULT_EXTENSIONS_LIMITS,
): Result<ExtensionOffer[], HandshakeError> {
  const bounds =
    limits === DEFAULT_EXTENSIONS_LIMITS
      ? DEFAULT_EXTENSIONS_LIMITS
      : { ...DEFAULT_EXTENSIONS_LIMITS, ...limits };
  if (value.length > bounds.maxLength) {
    return err(
      handshakeError('HEADER_TOO_LONG', `Sec-WebSocket-Extensions exceeds ${bounds.maxLength} characters`),
    );
  }
  const scanner = new Scanner(value);
  const offers: ExtensionOffer[] = [];
  for (;;) {
    scanner.skipOws();
    if (scanner.atEnd()) break;
    if (scanner.peek() === COMMA) {
      scanner.pos++;
      continue;
    }
    const name = scanner.token();
    if (name === '') return malformed(scanner, 'an extension name');
    const params: ExtensionParam[] = [];
    scanner.skipOws();
    while (scanner.peek() === SEMICOLON) {
      scanner.pos++;
      scanner.skipOws();
      const paramName = scanner.token();
      if (paramName === '') return malformed(scanner, 'a parameter name');
      scanner.skipOws();
      let paramValue: string | null = null;
      if (scanner.peek() === EQUALS) {
        scanner.pos++;
        scanner.skipOws();
        paramValue = scanner.peek() === DQUOTE ? scanner.quotedToken() : scanner.token();
        if (paramValue === null || paramValue === '')
          return malformed(scanner, 'a token or quoted token value');
        scanner.skipOws();
      }
      if (params.length === bounds.maxParams) {
        return err(
          handshakeError(
            'TOO_MANY_PARAMS',
            `extension "${name}" has more than ${bounds.maxParams} parameters`,
          ),
        );
      }
      params.push({ name: paramName, value: paramValue });
    }
    if (offers.length === bounds.maxOffers) {
      return err(handshakeError('TOO_MANY_EXTENSIONS', `more than ${bounds.maxOffers} extension offers`));
    }
    offers.push({ name, params });
    if (scanner.atEnd()) break;
    if (scanner.peek() !== COMMA) return malformed(scanner, '"," or ";"');
    scanner.pos++;
  }
  if (offers.length === 0)
    return err(handshakeError('BAD_EXTENSION', 'Sec-WebSocket-Extensions lists no extension'));
  return ok(offers);
}

/** The header value for `offers`; the inverse of `parseExtensionsHeader` for valid input. */
export function formatExtensions(offers: readonly ExtensionOffer[]): string {
  return offers.map(formatExtension).join(', ');
}

export function formatExtension(offer: ExtensionOffer): string {
  let text = offer.name;
  for (const param of offer.params) {
    text += param.value === null ? `; ${param.name}` : `; ${param.name}=${param.value}`;
  }
  return text;
}

/** True when every name and value in `offer` is a token, so it formats to a valid header. */
export function isValidExtension(offer: ExtensionOffer): boolean {
  if (!isToken(offer.name)) return false;
  for (const param of offer.params) {
    if (!isToken(param.name) || (param.value !== null && !isToken(param.value))) return false;
  }
  return true;
}

function malformed(scanner: Scanner, expected: string): Result<never, HandshakeError> {
  return err(
    handshakeError(
      'BAD_EXTENSION',
      `Sec-WebSocket-Extensions: expected ${expected} at character ${scanner.pos}`,
    ),
  );
}

/** A cursor over a header value. Every method only moves forward. */
class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  skipOws(): void {
    let c = this.peek();
    while (c === SP || c === HTAB) c = this.text.charCodeAt(++this.pos);
  }

  /** The longest run of token characters at the cursor ('' when there is none). */
  token(): string {
    const start = this.pos;
    let c = this.peek();
    while (c < 0x80 && TOKEN_CHAR[c] === 1) c = this.text.charCodeAt(++this.pos);
    return this.text.slice(start, this.pos);
  }

  /** A quoted-string whose unescaped content is a token; null when it is not (or unterminated). */
  quotedToken(): string | null {
    this.pos++; // opening DQUOTE
    let value = '';
    for (;;) {
      if (this.atEnd()) return null;
      let c = this.peek();
      this.pos++;
      if (c === DQUOTE) return value;
      if (c === BACKSLASH) {
        if (this.atEnd()) return null;
        c = this.peek();
        this.pos++;
      }
      if (c >= 0x80 || TOKEN_CHAR[c] !== 1) return null;
      value += String.fromCharCode(c);
    }
  }
}
