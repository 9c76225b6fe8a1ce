import type { OptionSpec, ParsedArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

/** Exit codes: 0 ok, 1 runtime failure, 2 usage error. */
export const ExitCode = { Ok: 0, Failure: 1, Usage: 2 } as const;

/** One subcommand: its options, its help text and what it does. */
export interface Command {
  readonly name: string;
  /** One line for `parley --help`. */
  readonly summary: string;
  /** The full `parley <name> --help` text (synopsis and options). */
  readonly help: string;
  readonly options: OptionSpec;
  /** Returns the exit code, or a UsageError (printed with the help, exit 2). */
  run(args: ParsedArgs, io: CliIo): Promise<number | UsageError>;
}
