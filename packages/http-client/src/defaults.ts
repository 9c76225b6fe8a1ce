/**
 * Every default of the HTTP helpers, in one place. The README's defaults table explains each.
 */

/** 30 s for the whole exchange (connect, headers, body, every redirect hop). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** 10 s per TCP connect + TLS handshake: the same budget as @parley/transport's connect. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** 5 redirects: real chains are 1-2 hops; more is usually a loop. */
export const DEFAULT_MAX_REDIRECTS = 5;

/** 10 MiB: bodies are buffered in memory, so the cap bounds memory per call. */
export const DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024;

/** 1 MiB for request bodies read with readRequestBody: forms and JSON, not uploads. */
export const DEFAULT_MAX_REQUEST_BODY_SIZE = 1024 * 1024;

/** `no-cache` for static files: browsers revalidate every time, and get a cheap 304 via ETag. */
export const DEFAULT_STATIC_CACHE_CONTROL = 'no-cache';

/** The file served for a directory request (`/` and `/docs/`). */
export const DEFAULT_INDEX_FILE = 'index.html';
