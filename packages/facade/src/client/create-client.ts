import type { ConfigError } from '../config/config-error.js';
import { ok, type Result } from '../result.js';
import { Client, type ClientRuntime } from './client.js';
import type { ClientEventMap } from './client-events.js';
import { type ClientConfigInput, parseClientConfig } from './config.js';

/**
 * Handler object (websocketpp style): the same callbacks as `client.on(...)`, with the client
 * as last argument.
 */
export type ClientHandler = {
  [K in keyof ClientEventMap]?: (...args: [...Parameters<ClientEventMap[K]>, Client]) => void;
};

/**
 * Validates `config` and builds a client (not yet connected: call `await client.start()`).
 * A bad config is an error value naming every bad field.
 */
export function createClient(
  config: ClientConfigInput,
  handler?: ClientHandler,
  runtime?: ClientRuntime,
): Result<Client, ConfigError> {
  const parsed = parseClientConfig(config);
  if (!parsed.ok) return parsed;
  const client = new Client(parsed.value, runtime);
  if (handler !== undefined) attachHandler(client, handler);
  return ok(client);
}

function attachHandler(client: Client, handler: ClientHandler): void {
  const events = [
    'open',
    'message',
    'close',
    'error',
    'ping',
    'pong',
    'reconnecting',
    'highWater',
    'drain',
  ] as const;
  for (const event of events) {
    const method = handler[event] as ((...args: unknown[]) => void) | undefined;
    if (method === undefined) continue;
    client.on(event, ((...args: unknown[]) =>
      method.call(handler, ...args, client)) as ClientEventMap[typeof event]);
  }
}
