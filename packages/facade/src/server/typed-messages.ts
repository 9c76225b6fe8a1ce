import type { z } from 'zod';

/**
 * Typed messages: incoming text (or UTF-8 binary) is parsed as JSON and checked against a zod
 * schema. The outcome is a value, never an exception, so a bad message cannot take the
 * connection down unless the application decides to close it.
 */
export type TypedMessageOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'json'; readonly issues: readonly TypedMessageIssue[] }
  | { readonly ok: false; readonly reason: 'schema'; readonly issues: readonly TypedMessageIssue[] };

export interface TypedMessageIssue {
  readonly path: string;
  readonly message: string;
  readonly code: string;
}

export function parseTypedMessage<S extends z.ZodType>(
  schema: S,
  data: string | Buffer,
): TypedMessageOutcome<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : 'invalid JSON';
    return { ok: false, reason: 'json', issues: [{ path: '', message, code: 'invalid_json' }] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    reason: 'schema',
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
      code: issue.code,
    })),
  };
}
