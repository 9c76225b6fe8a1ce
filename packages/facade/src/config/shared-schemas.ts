import { z } from 'zod';

/**
 * Schema pieces both sides of the facade use. Durations are milliseconds, sizes are bytes.
 * Defaults live here and nowhere else; the README table gives the reason for each number.
 */

export const MiB = 1024 * 1024;

const closeCode = z.union([z.literal(1008), z.literal(1013)]);

/**
 * What to do when a session's outgoing buffer is over `max_buffered`:
 * `wait` keeps queueing (memory grows, nothing lost), `drop` discards the new message
 * (the send returns outcome `dropped`), `close` ends the session with `close_code`.
 */
export const BackpressureSchema = z
  .object({
    high_water_mark: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    max_buffered: z
      .number()
      .int()
      .min(0)
      .default(4 * MiB),
    policy: z.enum(['wait', 'drop', 'close']).default('close'),
    close_code: closeCode.default(1013),
    pause_reading: z.boolean().default(true),
  })
  .strict();

export const RateLimitSchema = z
  .object({
    messages_per_second: z.number().positive().default(1000),
    bytes_per_second: z
      .number()
      .positive()
      .default(16 * MiB),
    burst_seconds: z.number().positive().default(1),
    policy: z.enum(['drop', 'close']).default('close'),
  })
  .strict();

const windowBits = z.number().int().min(8).max(15);

export const PerMessageDeflateOptionsSchema = z
  .object({
    threshold: z.number().int().min(0).default(1024),
    server_no_context_takeover: z.boolean().default(false),
    client_no_context_takeover: z.boolean().default(false),
    server_max_window_bits: z.number().int().min(9).max(15).default(15),
    client_max_window_bits: windowBits.default(15),
    mem_level: z.number().int().min(1).max(9).default(8),
  })
  .strict();

/** `true` = accept offers with the defaults above, `false` = never negotiate, object = tuned. */
export const PerMessageDeflateSchema = z
  .union([z.boolean(), PerMessageDeflateOptionsSchema])
  .default(false)
  .transform((value) => {
    if (value === false) return false as const;
    return PerMessageDeflateOptionsSchema.parse(value === true ? {} : value);
  });

export type BackpressureConfig = z.infer<typeof BackpressureSchema>;
export type RateLimitConfig = z.infer<typeof RateLimitSchema>;
export type PerMessageDeflateConfig = z.infer<typeof PerMessageDeflateOptionsSchema>;
