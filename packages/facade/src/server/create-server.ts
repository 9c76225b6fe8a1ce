import { err, ok, type Result } from '@parley/codec';
import type { ConfigError } from '../config/config-error.js';
import { parseServerConfig, type ServerConfig } from '../config/server-config.js';
import type { SessionHandler } from './handler.js';
import { Server } from './server.js';

/**
 * Creates a WebSocket server from a zod-validated config. Nothing listens until
 * `await server.start()`. An invalid config comes back as a `ConfigError` naming every bad field.
 *
 * ```ts
 * const created = createServer({ port: 9001, path: '/chat' }, {
 *   message(session, data) { session.send(data); },
 * });
 * if (!created.ok) throw new Error(created.error.message);
 * const started = await created.value.start();
 * ```
 */
export function createServer<D = unknown>(
  config: ServerConfig = {},
  handler?: SessionHandler<D>,
): Result<Server<D>, ConfigError> {
  const parsed = parseServerConfig(config);
  if (!parsed.ok) return err(parsed.error);
  return ok(new Server<D>(parsed.value, handler));
}
