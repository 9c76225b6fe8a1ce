#!/usr/bin/env node
// `echo <subcommand> [options]`: a subcommand dispatcher (node:util parseArgs). Each
// subcommand is one entry in SUBCOMMANDS with its own options and run function.
import { parseArgs } from 'node:util';
import { ECHO_DEFAULTS, startEchoServer } from './server.js';

interface Subcommand {
  summary: string;
  usage: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  run(values: Record<string, string | boolean | undefined>): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  server: {
    summary: 'echo every text/binary message back with the same type',
    usage: 'echo server --port P [--host 127.0.0.1] [--path /] [--deflate]',
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      path: { type: 'string' },
      deflate: { type: 'boolean' },
    },
    run: runServer,
  },
};

async function runServer(values: Record<string, string | boolean | undefined>): Promise<number> {
  const port = values.port === undefined ? ECHO_DEFAULTS.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`echo server: --port must be 0..65535, got ${String(values.port)}\n`);
    return 2;
  }
  const started = await startEchoServer({
    port,
    host: typeof values.host === 'string' ? values.host : ECHO_DEFAULTS.host,
    path: typeof values.path === 'string' ? values.path : ECHO_DEFAULTS.path,
    deflate: values.deflate === true,
  });
  if (!started.ok) {
    process.stderr.write(`echo server: ${started.error.message}\n`);
    return 1;
  }
  const server = started.value;
  process.stdout.write(`listening on ${server.url()}\n`);
  return new Promise<number>((resolve) => {
    const shutdown = (): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      server.stop({ code: 1001, reason: 'echo server shutting down' }).then(() => resolve(0));
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(
    ([name, sub]) => `  ${sub.usage}\n      ${sub.summary} (${name})`,
  );
  return `usage:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const subcommand = name === undefined ? undefined : SUBCOMMANDS[name];
  if (subcommand === undefined) {
    const wanted = name === undefined || name === '--help' || name === '-h';
    (wanted ? process.stdout : process.stderr).write(usage());
    return wanted ? 0 : 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: subcommand.options,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${subcommand.usage}\n`);
    return 2;
  }
  return subcommand.run(values as Record<string, string | boolean | undefined>);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
