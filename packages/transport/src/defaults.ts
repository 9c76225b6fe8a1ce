/**
 * Every default transport applies, in one place. The README's defaults table explains each.
 */

/** 1 MiB: big enough that a burst of messages never trips it, small enough to bound memory per slow peer. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/** 10 s for TCP connect plus TLS handshake: generous for WAN round trips, short enough to fail visibly. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** 511: the value node:net and most servers use; the kernel caps it at net.core.somaxconn anyway. */
export const DEFAULT_BACKLOG = 511;

/** 30 s before the first TCP keep-alive probe when `keepAlive: true` (Linux default is 2 h). */
export const DEFAULT_KEEP_ALIVE_DELAY_MS = 30_000;

/** Time a TLS client gets to finish its handshake on a listener (Node's own default is 120 s). */
export const DEFAULT_TLS_HANDSHAKE_TIMEOUT = 10_000;
