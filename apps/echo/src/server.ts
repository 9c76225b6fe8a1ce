import { createServer, type ParleyError, type Result, type Server, type ServerConfig } from '@parley/facade';

export interface EchoServerOptions {
  port?: number;
  host?: string;
  path?: string;
  /**
   * Accept permessage-deflate offers (with their parameters). Default true: a conformance
   * suite's compression cases need it, and a client that does not offer it is unaffected.
   */
  deflate?: boolean;
  /** Largest message echoed; default 64 MiB (Autobahn sends up to 16 MiB). */
  maxPayload?: number;
  /** Anything else of the facade's server config. */
  config?: ServerConfig;
}

export const ECHO_DEFAULTS = {
  port: 9001,
  host: '127.0.0.1',
  path: '/',
  maxPayload: 64 * 1024 * 1024,
} as const;

/**
 * The facade's config for an echo server: conformance-sized limits, and backpressure that
 * stops reading from a peer while its echoes are not being read (instead of closing it), so
 * memory per session stays bounded by the high-water mark plus one message.
 */
export function echoServerConfig(options: EchoServerOptions = {}): ServerConfig {
  return {
    port: options.port ?? ECHO_DEFAULTS.port,
    host: options.host ?? ECHO_DEFAULTS.host,
    path: options.path ?? ECHO_DEFAULTS.path,
    server_id: 'parley-echo',
    max_payload: options.maxPayload ?? ECHO_DEFAULTS.maxPayload,
    max_fragments: 1 << 20,
    per_message_deflate: options.deflate === false ? false : { threshold: 0 },
    backpressure: { policy: 'wait', pause_reading: true },
    ...options.config,
  };
}

/** Starts an echo server: every text/binary message goes back with the same type. */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<Result<Server, ParleyError>> {
  const created = createServer(echoServerConfig(options), {
    message(session, data, binary) {
      session.send(data, { binary });
    },
  });
  if (!created.ok) return created;
  const server = created.value;
  const started = await server.start();
  if (!started.ok) return started;
  return { ok: true, value: server };
}
