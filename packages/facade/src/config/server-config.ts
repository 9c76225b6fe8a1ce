import type { Server as HttpServer } from 'node:http';
import { z } from 'zod';
import { err, ok, type Result } from '@parley/codec';
import { type ConfigError, configErrorFromZod } from './config-error.js';
import { BackpressureSchema, MiB, PerMessageDeflateSchema, RateLimitSchema } from './shared-schemas.js';

/** A plain HTTP request that reached a standalone server (no `Upgrade: websocket`). */
export interface PlainHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly remoteAddress: string;
}

/** The answer to a plain HTTP request. */
export interface PlainHttpResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

export type PlainHttpHandler = (request: PlainHttpRequest) => PlainHttpResponse | Promise<PlainHttpResponse>;

const TlsSchema = z
  .object({
    cert: z.string().min(1),
    key: z.string().min(1),
    ca: z.string().optional(),
    passphrase: z.string().optional(),
    requestClientCert: z.boolean().optional(),
    alpn: z.array(z.string()).optional(),
  })
  .strict();

const pathSchema = z.string().startsWith('/', 'must start with "/"');
const isFunction = (value: unknown): boolean => typeof value === 'function';
const isHttpServer = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as HttpServer).on === 'function';

/**
 * Config of `createServer`. Keys are snake_case; every default is here and documented in the
 * package README (table "Defaults and why").
 */
export const ServerConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().min(1).default('0.0.0.0'),
    path: pathSchema.default('/'),
    server_id: z.string().min(1).default('parley'),
    /** Ping sessions idle this long; close the ones that miss the pong. 0 disables. */
    ping_interval: z.number().int().min(0).default(30_000),
    max_payload: z
      .number()
      .int()
      .min(1)
      .default(16 * MiB),
    max_fragments: z.number().int().min(1).default(100_000),
    fragment_size: z.number().int().min(0).default(0),
    per_message_deflate: PerMessageDeflateSchema,
    handshake_timeout: z.number().int().min(1).default(10_000),
    close_timeout: z.number().int().min(1).default(5_000),
    max_connections: z.number().int().min(0).default(10_000),
    backlog: z.number().int().min(1).default(511),
    max_head_size: z
      .number()
      .int()
      .min(256)
      .default(8 * 1024),
    max_headers: z.number().int().min(1).default(100),
    tls: z.union([z.literal(false), TlsSchema]).default(false),
    subprotocols: z.array(z.string().min(1)).default([]),
    /** `null` accepts any Origin (and requests without one). */
    allowed_origins: z.array(z.string().min(1)).nullable().default(null),
    backpressure: BackpressureSchema.prefault({}),
    /** `false` = no limit (default). */
    rate_limit: z.union([z.literal(false), RateLimitSchema]).default(false),
    /** Capacity of the `server.events()` queue; reading from every session pauses when it is full. */
    event_queue_size: z.number().int().min(1).default(1024),
    /** Answer to plain HTTP requests on a standalone server; default 426 Upgrade Required. */
    http_handler: z.custom<PlainHttpHandler>(isFunction, 'must be a function').optional(),
    /** Serve WebSockets on this existing node:http / node:https server instead of listening. */
    attach_to: z.custom<HttpServer>(isHttpServer, 'must be a node:http or node:https Server').optional(),
    /** Standalone listener: `raw` (transport + bounded head parser) or `node-http`. */
    listener: z.enum(['raw', 'node-http']).default('raw'),
  })
  .strict();

export type ServerConfig = z.input<typeof ServerConfigSchema>;
export type ResolvedServerConfig = z.output<typeof ServerConfigSchema>;

/** Validates a server config, filling defaults; every bad field is named in the error. */
export function parseServerConfig(config: unknown): Result<ResolvedServerConfig, ConfigError> {
  const parsed = ServerConfigSchema.safeParse(config ?? {});
  return parsed.success ? ok(parsed.data) : err(configErrorFromZod(parsed.error, 'server config'));
}
