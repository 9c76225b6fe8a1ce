// Public API of the facade's client side.
export { isRetryableStatus, reconnectDelay } from './backoff.js';
export { Client, type ClientRuntime, type ClientSendError } from './client.js';
export type { ClientError, ClientErrorCode } from './client-error.js';
export type {
  ClientCloseInfo,
  ClientEventMap,
  ClientState,
  OpenInfo,
  ReconnectInfo,
} from './client-events.js';
export {
  type ClientConfig,
  type ClientConfigInput,
  ClientConfigSchema,
  parseClientConfig,
} from './config.js';
export { type ClientHandler, createClient } from './create-client.js';
export { resolveProxy } from './proxy-env.js';
export { type BinaryType, WebSocket, type WebSocketOptions } from './websocket.js';
export { CloseEvent, type CloseEventInit, WebSocketErrorEvent } from './websocket-events.js';
