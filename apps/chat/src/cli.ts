#!/usr/bin/env node
/**
 * `chat server [--port 8080] [--host 127.0.0.1] [--redis URL]`
 * `chat client --nick alice [--room lobby] [url]`
 */
import { parseArgs } from 'node:util';
import { runServerCommand, runClientCommand } from './commands.js';

const USAGE = `usage:
  chat server [--port 8080] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379] [--rate 10] [--burst 30]
  chat client --nick alice [--room lobby] [ws://127.0.0.1:8080/chat]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'server') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string', default: process.env.PORT ?? '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        redis: { type: 'string' },
        rate: { type: 'string' },
        burst: { type: 'string' },
      },
    });
    return runServerCommand({
      port: Number(values.port),
      host: values.host,
      redisUrl: values.redis ?? null,
      rate: values.rate === undefined ? undefined : Number(values.rate),
      burst: values.burst === undefined ? undefined : Number(values.burst),
    });
  }
  if (command === 'client') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        nick: { type: 'string' },
        room: { type: 'string', default: 'lobby' },
      },
    });
    if (!values.nick) {
      console.error('chat client: --nick is required\n' + USAGE);
      return 2;
    }
    return runClientCommand({
      nick: values.nick,
      room: values.room,
      url: positionals[0] ?? 'ws://127.0.0.1:8080/chat',
    });
  }
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  console.error(command === undefined ? USAGE : `unknown command ${command}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed and flushed by now; don't let a stray handle keep the process up.
    setTimeout(() => process.exit(code), 2_000).unref();
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
