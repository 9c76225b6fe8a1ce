#!/usr/bin/env node
// `echo <subcommand> [options]`: a subcommand dispatcher (node:util parseArgs). Each
// subcommand is one entry in SUBCOMMANDS with its own options and run function.
import { parseArgs } from 'node:util';
import { runAutobahnClient } from './autobahn.js';
import { runEchoClient } from './client.js';
import { ECHO_DEFAULTS, startEchoServer } from './server.js';

interface Subcommand {
  summary: string;
  usage: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  /** Positional arguments the subcommand takes (default none). */
  positionals?: number;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  server: {
    summary: 'echo every text/binary message back with the same type',
    usage: 'echo server --port P [--host 127.0.0.1] [--path /] [--no-deflate]',
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      path: { type: 'string' },
      // permessage-deflate is accepted by default; --deflate stays accepted (it was the opt-in).
      deflate: { type: 'boolean' },
      'no-deflate': { type: 'boolean' },
    },
    run: runServer,
  },
  client: {
    summary: 'connect and echo every message back with the same type; exits 0 when the connection closes',
    usage: 'echo client <url> [--no-deflate]',
    options: { 'no-deflate': { type: 'boolean' } },
    positionals: 1,
    run: runClient,
  },
  autobahn: {
    summary:
      "run an Autobahn fuzzing server's client cases: getCaseCount, runCase for each (echoing), updateReports",
    usage: 'echo autobahn <ws://host:port> [--agent NAME] [--cases FROM-TO] [--no-deflate]',
    options: {
      agent: { type: 'string' },
      cases: { type: 'string' },
      'no-deflate': { type: 'boolean' },
    },
    positionals: 1,
    run: runAutobahn,
  },
};

async function runAutobahn(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
): Promise<number> {
  const usage = 'usage: echo autobahn <ws://host:port> [--agent NAME] [--cases FROM-TO] [--no-deflate]';
  const [base] = positionals;
  if (base === undefined) {
    process.stderr.write(`echo autobahn: missing the fuzzing server's URL\n${usage}\n`);
    return 2;
  }
  let range: { from?: number; to?: number } = {};
  if (typeof values.cases === 'string') {
    const match = /^(\d+)(?:-(\d+))?$/.exec(values.cases);
    if (
      match === null ||
      Number(match[1]) < 1 ||
      (match[2] !== undefined && Number(match[2]) < Number(match[1]))
    ) {
      process.stderr.write(
        `echo autobahn: --cases must be N or FROM-TO (1-based), got ${values.cases}\n${usage}\n`,
      );
      return 2;
    }
    range = { from: Number(match[1]), to: Number(match[2] ?? match[1]) };
  }
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  const result = await runAutobahnClient(base, {
    ...range,
    ...(typeof values.agent === 'string' ? { agent: values.agent } : {}),
    deflate: values['no-deflate'] !== true,
    signal: controller.signal,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.off('SIGINT', interrupt);
  if (result.caseCount === null) {
    process.stderr.write(`echo autobahn: no case count from ${base}/getCaseCount\n`);
    return 1;
  }
  process.stdout.write(
    `ran ${result.ran} of ${result.caseCount} cases; ${result.notOpened.length} did not open${result.notOpened.length > 0 ? ` (${result.notOpened.join(', ')})` : ''}\n`,
  );
  return result.reportsUpdated ? 0 : 1;
}

async function runClient(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
): Promise<number> {
  const [url] = positionals;
  if (url === undefined) {
    process.stderr.write('echo client: missing <url>\nusage: echo client <url> [--no-deflate]\n');
    return 2;
  }
  const result = await runEchoClient(url, {
    deflate: values['no-deflate'] !== true,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (!result.opened) process.stderr.write(`echo client: ${result.close.reason}\n`);
  return result.opened ? 0 : 1;
}

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
    deflate: values['no-deflate'] !== true,
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
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: subcommand.options,
      strict: true,
      allowPositionals: (subcommand.positionals ?? 0) > 0,
    }));
    if (positionals.length > (subcommand.positionals ?? 0))
      throw new Error(`unexpected argument ${positionals.at(-1)}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${subcommand.usage}\n`);
    return 2;
  }
  return subcommand.run(values as Record<string, string | boolean | undefined>, positionals);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
