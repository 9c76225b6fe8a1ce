import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A bad command line: printed with the command's usage, exit code 2. */
export class UsageError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

export interface ParsedArgs {
  readonly values: OptionValues;
  readonly positionals: string[];
}

/**
 * node:util parseArgs in strict mode, with its thrown TypeError (unknown option, missing
 * value) turned into a UsageError value. `--help` is added to every command.
 */
export function parseCommandLine(argv: string[], options: OptionSpec): ParsedArgs | UsageError {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    return new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Exactly `names.length` positional arguments (`['<url>']`, `['<url>', '<file>']`, or none),
 * or a UsageError saying what is missing or which argument is one too many.
 */
export function positionalArgs<const N extends readonly string[]>(
  positionals: string[],
  names: N,
): { -readonly [K in keyof N]: string } | UsageError {
  if (positionals.length < names.length) {
    return new UsageError(names.length === 1 ? `missing ${names[0]}` : `expects ${names.join(' and ')}`);
  }
  if (positionals.length > names.length) {
    return new UsageError(`unexpected argument '${positionals[names.length]}'`);
  }
  return positionals as { -readonly [K in keyof N]: string };
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (!Array.isArray(value)) return typeof value === 'string' ? [value] : [];
  return value.filter((v): v is string => typeof v === 'string');
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** An integer option within [min, max], the default when absent, a UsageError when malformed. */
export function integerOption(
  values: OptionValues,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number | UsageError {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return new UsageError(`--${name} must be an integer in ${min}..${max}, got '${raw}'`);
  }
  return value;
}

/** Parses `name: value` / `name=value`-free curl style headers ("k: v" or "k:v"). */
export function parseHeaderList(list: string[]): Record<string, string> | UsageError {
  const headers: Record<string, string> = {};
  for (const entry of list) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon).trim() : '';
    if (name === '' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      return new UsageError(`header '${entry}' must look like 'Name: value'`);
    }
    headers[name.toLowerCase()] = entry.slice(colon + 1).trim();
  }
  return headers;
}
