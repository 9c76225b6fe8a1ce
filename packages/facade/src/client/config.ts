import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type ConfigError, configErrorFromZod } from '../config/config-error.js';
import { BackpressureSchema } from '../config/shared-schemas.js';
import { err, ok, type Result } from '../result.js';

/**
 * The client's configuration: one zod schema, snake_case keys, every default here.
 * Durations are milliseconds; sizes are bytes.
 *
 * | key                      | default     | why                                                                    |
 * | ------------------------ | ----------- | ---------------------------------------------------------------------- |
 * | ping_interval            | 30 000 ms   | under the 60 s idle cut of common load balancers; 0 disables           |
 * | close_timeout            | 5 000 ms    | how long to wait for the server's close reply / FIN before destroying  |
 * | handshake_timeout        | 10 000 ms   | TCP + TLS + upgrade on a slow link; a silent server must not hang us   |
 * | max_payload              | 100 MiB     | whole message after inflation; bounds memory against bombs             |
 * | max_fragments            | 100 000     | per incoming message (same as the server): bounds per-frame overhead   |
 * | per_message_deflate      | true        | offered by default like browsers and IXWebSocket                       |
 * | reconnect.min_wait       | 100 ms      | IXWebSocket's first wait                                               |
 * | reconnect.max_wait       | 10 000 ms   | IXWebSocket's cap                                                      |
 * | reconnect.factor         | 2           | doubling: 100, 200, 400 … 10 000                                       |
 * | reconnect.jitter         | 0.2         | each wait is cut by up to 20 % so a fleet does not reconnect in step   |
 * | reconnect.max_retries    | unlimited   | a client should come back whenever the server does                     |
 * | follow_redirects         | false       | browsers fail on a redirected upgrade; opt in like ws                  |
 * | max_redirects            | 10          | bounds redirect loops                                                  |
 * | proxy                    | 'env'       | HTTPS_PROXY / HTTP_PROXY / NO_PROXY, like curl                         |
 * | proxy_tls.ca             | 'system'    | an https:// proxy is verified on its own, like curl's --proxy-cacert   |
 * | proxy_tls.check_hostname | true        | the proxy's certificate must name the proxy's host                     |
 * | send_queue.max_messages  | 1 024       | messages kept while reconnecting, flushed in order on reopen           |
 * | send_queue.max_bytes     | 4 MiB       | bytes kept while reconnecting; beyond either bound send() is refused   |
 * | backpressure             | (server's)  | same block and defaults as the server: over 4 MiB unsent → close 1013  |
 *
 * Heartbeat: with `ping_interval` > 0 the client pings when nothing arrived for an interval
 * and reports `heartbeat timeout` (1006) when the next interval passes without a byte.
 */
const milliseconds = z.number().int().min(0);

const DeflateOptionsSchema = z
  .object({
    client_no_context_takeover: z.boolean().default(false),
    server_no_context_takeover: z.boolean().default(false),
    /** `true` offers the parameter without a value (the server picks). */
    client_max_window_bits: z.union([z.literal(true), z.number().int().min(8).max(15)]).default(true),
    server_max_window_bits: z.number().int().min(8).max(15).optional(),
    /** Compress outgoing messages of at least this many bytes. */
    threshold: z.number().int().min(0).default(1024),
  })
  .strict();

const TlsOptionsSchema = z
  .object({
    /** 'system' (default) trusts the OS store; 'none' disables verification; else a path or PEM. */
    ca: z.string().min(1).default('system'),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    passphrase: z.string().optional(),
    servername: z.string().min(1).optional(),
    check_hostname: z.boolean().default(true),
    alpn: z.array(z.string().min(1)).optional(),
  })
  .strict();

/**
 * How to verify an https:// proxy (TLS to the proxy itself). Separate from `tls`, which is
 * for the WebSocket server: a corporate proxy is usually signed by a different CA.
 */
const ProxyTlsOptionsSchema = z
  .object({
    /** 'system' (default) trusts the OS store; 'none' disables verification; else a path or PEM. */
    ca: z.string().min(1).default('system'),
    /** SNI and the name the proxy's certificate must match; default the proxy URL's host. */
    servername: z.string().min(1).optional(),
    check_hostname: z.boolean().default(true),
  })
  .strict();

const proxyUrl = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const protocol = new URL(value).protocol;
    return protocol === 'http:' || protocol === 'https:';
  },
  { message: "must be false, 'env' or an http:// or https:// proxy URL" },
);

const ReconnectSchema = z
  .object({
    enabled: z.boolean().default(true),
    min_wait: milliseconds.default(100),
    max_wait: milliseconds.default(10_000),
    factor: z.number().min(1).max(100).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
    /** Omit for unlimited retries. */
    max_retries: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.max_wait >= r.min_wait, { message: 'max_wait must be >= min_wait', path: ['max_wait'] });

const SendQueueSchema = z
  .object({
    max_messages: z.number().int().min(0).default(1024),
    max_bytes: z
      .number()
      .int()
      .min(0)
      .default(4 * 1024 * 1024),
  })
  .strict();

const webSocketUrl = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return ['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol) && url.hash === '';
  },
  { message: 'must be an absolute ws:// or wss:// URL without a fragment' },
);

const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const ClientConfigSchema = z
  .object({
    url: webSocketUrl,
    client_id: z
      .string()
      .min(1)
      .default(() => `client-${randomUUID().slice(0, 8)}`),
    ping_interval: milliseconds.default(30_000),
    close_timeout: milliseconds.default(5_000),
    protocols: z.array(z.string().regex(headerName, 'must be an HTTP token')).default([]),
    headers: z
      .record(
        z.string().regex(headerName, 'must be an HTTP token'),
        z.string().regex(/^[^\r\n\0]*$/, 'must not contain CR, LF or NUL'),
      )
      .default({}),
    origin: z.string().min(1).optional(),
    handshake_timeout: milliseconds.default(10_000),
    per_message_deflate: z.union([z.boolean(), DeflateOptionsSchema]).default(true),
    max_payload: z
      .number()
      .int()
      .min(1)
      .default(100 * 1024 * 1024),
    /** Most frames one incoming message may be split into. */
    max_fragments: z.number().int().min(1).default(100_000),
    /** Outgoing messages above this size are split into fragments; 0 = never. */
    fragment_size: z.number().int().min(0).default(0),
    tls: TlsOptionsSchema.prefault({}),
    reconnect: ReconnectSchema.prefault({}),
    follow_redirects: z.boolean().default(false),
    max_redirects: z.number().int().min(0).max(100).default(10),
    /** false: direct; 'env': from HTTPS_PROXY/HTTP_PROXY/NO_PROXY; a URL: always that proxy. */
    proxy: z.union([z.literal(false), z.literal('env'), proxyUrl]).default('env'),
    /** Verification of an https:// proxy (TLS to the proxy; `tls` is for the server). */
    proxy_tls: ProxyTlsOptionsSchema.prefault({}),
    send_queue: SendQueueSchema.prefault({}),
    backpressure: BackpressureSchema.prefault({}),
  })
  .strict();

/** What the caller writes (defaults optional). */
export type ClientConfigInput = z.input<typeof ClientConfigSchema>;
/** The parsed configuration with every default filled in. */
export type ClientConfig = z.output<typeof ClientConfigSchema>;
export type ClientTlsConfig = ClientConfig['tls'];
export type ClientProxyTlsConfig = ClientConfig['proxy_tls'];
export type ReconnectConfig = ClientConfig['reconnect'];

/** Validates a client config, filling in defaults; the error names every bad field. */
export function parseClientConfig(input: unknown): Result<ClientConfig, ConfigError> {
  const parsed = ClientConfigSchema.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(configErrorFromZod(parsed.error, 'client config'));
}
