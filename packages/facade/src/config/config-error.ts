import type { z } from 'zod';
import type { ParleyError } from '@parley/codec';

/** One bad config field: where it is (`'per_message_deflate.threshold'`) and what is wrong with it. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Returned (never thrown) by `createServer` / `createClient` when the config does not validate. */
export interface ConfigError extends ParleyError<'INVALID_CONFIG'> {
  readonly issues: readonly ConfigIssue[];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(config)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns zod issues into a `ConfigError` whose message names every bad field. */
export function configErrorFromZod(error: z.ZodError, what = 'config'): ConfigError {
  const issues = error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return { code: 'INVALID_CONFIG', message: `invalid ${what}: ${summary}`, issues };
}
