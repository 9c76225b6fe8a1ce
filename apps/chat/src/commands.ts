/** What `chat server` and `chat client` do, separated from argument parsing. */
import { startChatServer } from './chat-server.js';
import { runTerminalClient } from './terminal-client.js';

export interface ServerCommandOptions {
  port: number;
  host: string;
  redisUrl: string | null;
  rate?: number;
  burst?: number;
}

/** Starts the server, prints its URLs, and on SIGINT/SIGTERM shuts down gracefully (exit 0). */
export async function runServerCommand(options: ServerCommandOptions): Promise<number> {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    console.error(`chat server: --port must be 0..65535, got ${options.port}`);
    return 2;
  }
  const rate = options.rate ?? 10;
  const burst = options.burst ?? 30;
  if (!(rate > 0) || !(burst >= 1)) {
    console.error('chat server: --rate must be > 0 and --burst >= 1');
    return 2;
  }
  const started = await startChatServer({
    port: options.port,
    host: options.host,
    redisUrl: options.redisUrl,
    rateLimit: { ratePerSecond: rate, burst },
    log: (line) => console.error(`[chat] ${line}`),
  });
  if (!started.ok) {
    console.error(`chat server: ${started.error.message}`);
    return 1;
  }
  const server = started.value;
  console.log(`Parley chat is running (${server.bus.kind} bus)`);
  console.log(`  page:      ${server.pageUrl}`);
  console.log(`  websocket: ${server.wsUrl}  (plain text, or subprotocol parley-chat.v1)`);
  console.log(`  health:    ${server.pageUrl}health`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(
        `\n${signal}: closing ${server.connections} connection(s) with 1001 "server shutting down"`,
      );
      server.stop().then(
        () => resolve(0),
        (error: unknown) => {
          console.error(`shutdown failed: ${String(error)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}

export async function runClientCommand(options: {
  nick: string;
  room: string;
  url: string;
}): Promise<number> {
  return runTerminalClient({ ...options, input: process.stdin, output: process.stdout });
}
