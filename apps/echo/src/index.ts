// Public API of apps/echo: the echo server (and, from the client issue, the echo client).
export { ECHO_DEFAULTS, type EchoServerOptions, echoServerConfig, startEchoServer } from './server.js';
export {
  type EchoClientOptions,
  type EchoClientResult,
  echoClientConfig,
  runEchoClient,
} from './client.js';
export { type AutobahnOptions, type AutobahnResult, runAutobahnClient } from './autobahn.js';

export const PACKAGE_NAME = '@parley/echo';
