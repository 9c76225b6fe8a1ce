// Public API of @parley/transport: TCP/TLS sockets with backpressure, corked writes and
// typed error values. Nothing here knows about WebSocket frames.
export { type ConnectOptions, connect } from './connect.js';
export { Connection, type ConnectionHandler, type ConnectionOptions, wrapSocket } from './connection.js';
export {
  DEFAULT_BACKLOG,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HIGH_WATER_MARK,
  DEFAULT_KEEP_ALIVE_DELAY_MS,
} from './defaults.js';
export {
  type Listener,
  type ListenerAddress,
  type ListenOptions,
  listen,
  reusePortSupported,
} from './listen.js';
export { type UpgradeToTlsOptions, upgradeToTls } from './upgrade-to-tls.js';
export {
  loadPem,
  resolveTlsClientOptions,
  resolveTlsServerOptions,
  type TlsClientOptions,
  type TlsServerOptions,
} from './tls-options.js';
export {
  classifyError,
  nodeErrorCode,
  formatTarget,
  type TransportError,
  type TransportErrorCode,
  toTransportError,
} from './transport-error.js';

export const PACKAGE_NAME = '@parley/transport';
