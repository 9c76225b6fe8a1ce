// Public API of @parley/facade: createServer / createClient from zod-validated configs,
// returning Result values. Server side and the session core shared with the client.
export { err, ok, parleyError } from './result.js';
export type { Err, Ok, ParleyError, Result } from './result.js';

export { type ConfigError, type ConfigIssue, configErrorFromZod } from './config/config-error.js';
export {
  BackpressureSchema,
  type BackpressureConfig,
  PerMessageDeflateSchema,
  type PerMessageDeflateConfig,
  RateLimitSchema,
  type RateLimitConfig,
} from './config/shared-schemas.js';
export {
  parseServerConfig,
  type PlainHttpHandler,
  type PlainHttpRequest,
  type PlainHttpResponse,
  type ResolvedServerConfig,
  type ServerConfig,
  ServerConfigSchema,
} from './config/server-config.js';

export { BoundedQueue, type QueuePressure } from './core/bounded-queue.js';
export { describeClose } from './core/close-diagnostics.js';
export { HeartbeatWheel, type HeartbeatMember, sharedHeartbeatWheel } from './core/heartbeat-wheel.js';
export {
  type BackpressureOptions,
  PauseReason,
  ProtocolConnection,
  type ProtocolConnectionOptions,
} from './core/protocol-connection.js';
export type { CloseDetails, ConnectionOwner, SendError, SendOutcome, SendResult } from './core/types.js';

export { createServer } from './server/create-server.js';
export type { FanOutOptions, FanOutReport } from './server/fan-out.js';
export {
  type AcceptDecision,
  type HeaderMap,
  type RejectDecision,
  type SessionHandler,
  type TypedHandler,
  type UpgradeRequest,
  type ValidateResult,
  withSchema,
} from './server/handler.js';
export {
  Server,
  type ServerError,
  type ServerErrorCode,
  type ServerEvent,
  type ServerEvents,
  type StopOptions,
} from './server/server.js';
export type { ServerAddress } from './server/server-listener.js';
export { Session, type SessionMessage, type SessionReadyState } from './server/session.js';
export type { TypedMessageIssue, TypedMessageOutcome } from './server/typed-messages.js';

// Opt-in native (SIMD) unmasking of large payloads, e.g. useNativeMasking(require('bufferutil')).
export { type NativeMasking, useNativeMasking } from '@parley/codec';

// Client side: createClient (reconnect, proxy, redirects) and the WHATWG WebSocket class.
export * from './client/index.js';

export const PACKAGE_NAME = '@parley/facade';
