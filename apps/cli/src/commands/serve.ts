import { createHttpServer } from '@parley/http-client';
import { resolve } from 'node:path';
import { flag, integerOption, positionalArgs, type ParsedArgs, stringOption, UsageError } from '../args.js';
import { type Command, ExitCode } from '../command.js';
import { type CliIo, whenAborted, writeLine } from '../io.js';
import { type RelayMode, startRelayServer } from '../relay-server.js';
import { SERVER_TLS_HELP, SERVER_TLS_OPTIONS, serverTlsConfig } from '../tls-options.js';

const DEFAULT_WS_PORT = 8008;
const DEFAULT_HTTP_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';

/** Runs one relay server until the io signal (SIGINT/SIGTERM) aborts, then closes with 1001. */
async function serveRelay(mode: RelayMode, args: ParsedArgs, io: CliIo): Promise<number | UsageError> {
  const none = positionalArgs(args.positionals, []);
  if (none instanceof UsageError) return none;
  const port = integerOption(args.values, 'port', DEFAULT_WS_PORT, 0, 65535);
  if (port instanceof UsageError) return port;
  const tls = serverTlsConfig(args.values);
  if (tls instanceof UsageError) return tls;
  const started = await startRelayServer({
    mode,
    port,
    host: stringOption(args.values, 'host') ?? DEFAULT_HOST,
    deflate: flag(args.values, 'deflate'),
    ...tls,
  });
  if (!started.ok) {
    writeLine(io.stderr, `parley: ${started.error.code}: ${started.error.message}`);
    return ExitCode.Failure;
  }
  const server = started.value;
  writeLine(io.stdout, `listening on ${server.url()}`);
  await whenAborted(io.signal);
  const stopped = await server.stop({ code: 1001, reason: 'server shutting down' });
  if (stopped.ok)
    writeLine(io.stdout, `stopped (${stopped.value.closed} closed, ${stopped.value.terminated} terminated)`);
  return ExitCode.Ok;
}

const relayOptions = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  deflate: { type: 'boolean' },
  ...SERVER_TLS_OPTIONS,
} as const;

const relayOptionHelp = `  -p, --port P     port to listen on (default ${DEFAULT_WS_PORT}; 0 picks a free port)
      --host H     address to bind (default ${DEFAULT_HOST})
      --deflate    accept permessage-deflate
${SERVER_TLS_HELP}
Stops gracefully (close code 1001) on SIGINT/SIGTERM.`;

export const echoServerCommand: Command = {
  name: 'echo-server',
  summary: 'WebSocket server that echoes every message back to its sender',
  help: `usage: parley echo-server [--port ${DEFAULT_WS_PORT}] [--host ${DEFAULT_HOST}] [--deflate]\n\n${relayOptionHelp}`,
  options: relayOptions,
  run: (args, io) => serveRelay('echo', args, io),
};

export const broadcastServerCommand: Command = {
  name: 'broadcast-server',
  summary: 'WebSocket server that sends every message to every client, the sender included',
  help: `usage: parley broadcast-server [--port ${DEFAULT_WS_PORT}] [--host ${DEFAULT_HOST}] [--deflate]\n\n${relayOptionHelp}`,
  options: relayOptions,
  run: (args, io) => serveRelay('broadcast', args, io),
};

export const transferCommand: Command = {
  name: 'transfer',
  summary: "WebSocket server that relays every message to all other clients (for 'send' → 'receive')",
  help: `usage: parley transfer [--port ${DEFAULT_WS_PORT}] [--host ${DEFAULT_HOST}] [--deflate]\n\n${relayOptionHelp}
Slow receivers are queued for, not disconnected: 'parley send' paces itself.`,
  options: relayOptions,
  run: (args, io) => serveRelay('transfer', args, io),
};

export const httpdCommand: Command = {
  name: 'httpd',
  summary: 'static file HTTP server',
  help: `usage: parley httpd [--port ${DEFAULT_HTTP_PORT}] [--host ${DEFAULT_HOST}] [--dir .]

  -p, --port P     port to listen on (default ${DEFAULT_HTTP_PORT}; 0 picks a free port)
      --host H     address to bind (default ${DEFAULT_HOST})
      --dir D      directory to serve (default: the current directory); index.html for directories,
                   ETag/Last-Modified, 404 for missing files, dot-files and paths leaving D
Stops on SIGINT/SIGTERM.`,
  options: {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    dir: { type: 'string' },
  },
  async run(args, io) {
    const none = positionalArgs(args.positionals, []);
    if (none instanceof UsageError) return none;
    const port = integerOption(args.values, 'port', DEFAULT_HTTP_PORT, 0, 65535);
    if (port instanceof UsageError) return port;
    const dir = resolve(stringOption(args.values, 'dir') ?? '.');
    const created = createHttpServer({
      port,
      host: stringOption(args.values, 'host') ?? DEFAULT_HOST,
      staticDir: dir,
    });
    if (!created.ok) {
      writeLine(io.stderr, `parley httpd: ${created.error.code}: ${created.error.message}`);
      return ExitCode.Failure;
    }
    const server = created.value;
    const started = await server.start();
    if (!started.ok) {
      writeLine(io.stderr, `parley httpd: ${started.error.code}: ${started.error.message}`);
      return ExitCode.Failure;
    }
    const { address, family, port: bound } = started.value;
    const host = family === 'IPv6' ? `[${address}]` : address;
    writeLine(io.stdout, `serving ${dir} on http://${host}:${bound}/`);
    await whenAborted(io.signal);
    await server.stop();
    writeLine(io.stdout, 'stopped');
    return ExitCode.Ok;
  },
};
