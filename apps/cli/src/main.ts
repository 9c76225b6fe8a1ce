import { parseCommandLine, UsageError } from './args.js';
import { type Command, ExitCode } from './command.js';
import { connectCommand } from './commands/connect.js';
import { curlCommand } from './commands/curl.js';
import { receiveCommand } from './commands/receive.js';
import { sendCommand } from './commands/send.js';
import {
  broadcastServerCommand,
  echoServerCommand,
  httpdCommand,
  transferCommand,
} from './commands/serve.js';
import { type CliIo, writeLine } from './io.js';

export const COMMANDS: readonly Command[] = [
  connectCommand,
  sendCommand,
  receiveCommand,
  transferCommand,
  echoServerCommand,
  broadcastServerCommand,
  curlCommand,
  httpdCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: parley <command> [options]

WebSocket and HTTP from the command line.

commands:
${lines.join('\n')}

'parley <command> --help' shows a command's options.
Exit codes: 0 ok, 1 runtime failure, 2 usage error.`;
}

/**
 * Runs `parley <argv...>` against `io` and resolves with the exit code. Tests call this
 * in-process with PassThrough streams; dist/cli.js calls it with the real process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    writeLine(io.stderr, overview());
    return ExitCode.Usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    writeLine(io.stdout, topic === undefined ? overview() : topic.help);
    return ExitCode.Ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    writeLine(io.stderr, `parley: unknown command '${name}'\n\n${overview()}`);
    return ExitCode.Usage;
  }
  const args = parseCommandLine(rest, command.options);
  if (!(args instanceof UsageError) && args.values.help === true) {
    writeLine(io.stdout, command.help);
    return ExitCode.Ok;
  }
  const outcome = args instanceof UsageError ? args : await command.run(args, io);
  if (outcome instanceof UsageError) {
    writeLine(io.stderr, `parley ${command.name}: ${outcome.message}\n\n${command.help}`);
    return ExitCode.Usage;
  }
  return outcome;
}
