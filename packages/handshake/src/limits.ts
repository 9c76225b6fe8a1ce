/**
 * Every bound the handshake parsers enforce, in one place. The reason for each number is in
 * packages/handshake/README.md ("Limits").
 */

/** Bounds for `parseRequestHead` / `parseResponseHead`. */
export interface HeadLimits {
  /** Bytes of the whole head including the final CRLFCRLF. Over → `HEAD_TOO_LARGE` (431). */
  maxHeadBytes: number;
  /** Header lines. Over → `TOO_MANY_HEADERS` (431). */
  maxHeaders: number;
  /** Bytes of one line without its CRLF. Over → `LINE_TOO_LONG` (414 request line, 431 header). */
  maxLineLength: number;
}

export const DEFAULT_HEAD_LIMITS: Readonly<HeadLimits> = Object.freeze({
  maxHeadBytes: 16 * 1024,
  maxHeaders: 100,
  maxLineLength: 8 * 1024,
});

/** Bounds for `parseExtensionsHeader`. */
export interface ExtensionsLimits {
  /** Characters of the (joined) header value. Over → `HEADER_TOO_LONG`. */
  maxLength: number;
  /** Extension offers in the list. Over → `TOO_MANY_EXTENSIONS`. */
  maxOffers: number;
  /** Parameters of one offer. Over → `TOO_MANY_PARAMS`. */
  maxParams: number;
}

export const DEFAULT_EXTENSIONS_LIMITS: Readonly<ExtensionsLimits> = Object.freeze({
  maxLength: 4096,
  maxOffers: 16,
  maxParams: 16,
});

/** Bounds for `parseProtocolHeader`. */
export interface ProtocolLimits {
  /** Characters of the (joined) header value. Over → `HEADER_TOO_LONG`. */
  maxLength: number;
  /** Subprotocols in the list. Over → `TOO_MANY_PROTOCOLS`. */
  maxProtocols: number;
}

export const DEFAULT_PROTOCOL_LIMITS: Readonly<ProtocolLimits> = Object.freeze({
  maxLength: 4096,
  maxProtocols: 64,
});

/** Bytes of a non-101 response body kept in an `UNEXPECTED_STATUS` error. */
export const MAX_ERROR_BODY_BYTES = 4096;
