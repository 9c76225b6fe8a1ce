import { createClient, type Client } from '@parley/facade';
import { createInterface } from 'node:readline';
import { flag, integerOption, positionalArgs, parseHeaderList, stringList, UsageError } from '../args.js';
import { waitForBuffered } from '../client-flush.js';
import { type Command, ExitCode } from '../command.js';
import { CLIENT_TLS_OPTIONS, clientTlsConfig, clientTlsHelp } from '../tls-options.js';
import { type CliIo, writeLine } from '../io.js';
import { describeBinary, EventPrinter } from '../output.js';
import { INPUT_HELP, type InputAction, parseInputLine } from './connect-input.js';

const HELP = `usage: parley connect <url> [options]

Opens a WebSocket and sends each line typed (or piped) on stdin as a text message.
Incoming messages, pongs, close and reconnect attempts are printed.

  -H, --header 'k: v'   extra handshake header (repeatable)
  -p, --protocol P      offer a subprotocol (repeatable)
      --no-deflate      do not offer permessage-deflate
      --ping-interval MS  heartbeat ping interval (default 30000; 0 disables)
      --no-reconnect    exit when the connection drops instead of reconnecting
      --stay            with piped stdin: keep running after stdin ends
  -v, --verbose         also print the 101 response headers and pings from the server
      --json            one JSON object per event on stdout
${clientTlsHelp(24)}

${INPUT_HELP}

Piped stdin: every line is sent, then the client closes (1000) once they are flushed.
If the first connection attempt fails, it exits 1 with the error instead of
reconnecting (reconnecting applies once a connection was made, or at a terminal).`;

export const connectCommand: Command = {
  name: 'connect',
  summary: 'interactive WebSocket client: send lines, /ping, /close, /binary; prints what arrives',
  help: HELP,
  options: {
    header: { type: 'string', short: 'H', multiple: true },
    protocol: { type: 'string', short: 'p', multiple: true },
    'no-deflate': { type: 'boolean' },
    'ping-interval': { type: 'string' },
    'no-reconnect': { type: 'boolean' },
    stay: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    json: { type: 'boolean' },

    ...CLIENT_TLS_OPTIONS,
  },
  async run({ values, positionals }, io) {
    const args = positionalArgs(positionals, ['<url>']);
    if (args instanceof UsageError) return args;
    const [url] = args;
    const headers = parseHeaderList(stringList(values, 'header'));
    if (headers instanceof UsageError) return headers;
    const pingInterval = integerOption(values, 'ping-interval', 30_000, 0, 2 ** 31 - 1);
    if (pingInterval instanceof UsageError) return pingInterval;
    const tls = clientTlsConfig(values);
    if (tls instanceof UsageError) return tls;
    const created = createClient({
      ...tls,
      url,
      headers,
      protocols: stringList(values, 'protocol'),
      per_message_deflate: !flag(values, 'no-deflate'),
      ping_interval: pingInterval,
      reconnect: { enabled: !flag(values, 'no-reconnect') },
    });
    if (!created.ok) return new UsageError(created.error.issues.map((i) => i.message).join('; '));
    const printer = new EventPrinter(io.stdout, flag(values, 'json'));
    const session = new ConnectSession(created.value, io, printer, {
      verbose: flag(values, 'verbose'),
      stay: flag(values, 'stay'),
    });
    return session.run();
  },
};

/** One `parley connect` run: wires the client's events to the printer and stdin to the client. */
class ConnectSession {
  readonly #client: Client;
  readonly #io: CliIo;
  readonly #out: EventPrinter;
  readonly #verbose: boolean;
  readonly #stay: boolean;
  #opened = false;

  constructor(
    client: Client,
    io: CliIo,
    printer: EventPrinter,
    options: { verbose: boolean; stay: boolean },
  ) {
    this.#client = client;
    this.#io = io;
    this.#out = printer;
    this.#verbose = options.verbose;
    this.#stay = options.stay;
  }

  async run(): Promise<number> {
    const client = this.#client;
    const finished = new Promise<void>((resolve) => {
      client.on('close', (info) => {
        this.#out.event(
          'close',
          {
            code: info.code,
            reason: info.reason,
            wasClean: info.wasClean,
            initiatedBy: info.initiatedBy,
            willReconnect: info.willReconnect,
          },
          `closed: code ${info.code}${info.reason === '' ? '' : ` (${info.reason})`} wasClean=${info.wasClean} ` +
            `by=${info.initiatedBy}${info.willReconnect ? ', will reconnect' : ''}`,
        );
        if (!info.willReconnect) resolve();
      });
    });
    this.#watchEvents();
    const stopOnSignal = (): void => void client.stop(1000, 'interrupted');
    this.#io.signal.addEventListener('abort', stopOnSignal, { once: true });
    if (this.#io.signal.aborted) stopOnSignal();
    const lines = this.#readInput();
    void client.start();
    await finished;
    this.#out.attachPrompt(null);
    lines.close();
    this.#io.signal.removeEventListener('abort', stopOnSignal);
    return this.#opened ? ExitCode.Ok : ExitCode.Failure;
  }

  #watchEvents(): void {
    const client = this.#client;
    client.on('open', (info) => {
      this.#opened = true;
      const fields: Record<string, unknown> = {
        url: info.url,
        protocol: info.protocol,
        extensions: info.extensions,
        reconnects: info.reconnects,
      };
      if (this.#verbose) fields.headers = info.headers;
      this.#out.event(
        'open',
        fields,
        `connected to ${info.url} (protocol: ${info.protocol || 'none'}, extensions: ${info.extensions || 'none'})`,
      );
      if (this.#verbose && !this.#out.json) {
        for (const [name, value] of Object.entries(info.headers))
          writeLine(this.#io.stdout, `  ${name}: ${value}`);
      }
    });
    client.on('message', (data, binary) => {
      if (binary) {
        const bytes = data as Buffer;
        this.#out.event(
          'message',
          { binary: true, size: bytes.length, hex: bytes.toString('hex') },
          `< ${describeBinary(bytes)}`,
        );
      } else {
        this.#out.event('message', { binary: false, data }, `< ${String(data)}`);
      }
    });
    client.on('pong', (payload) => {
      this.#out.event('pong', { payload: payload.toString() }, `pong: ${payload.toString()}`);
    });
    client.on('ping', (payload) => {
      if (this.#verbose)
        this.#out.event('ping', { payload: payload.toString() }, `ping: ${payload.toString()}`);
    });
    client.on('reconnecting', (info) => {
      this.#out.event(
        'reconnecting',
        { retries: info.retries, wait: info.wait_time, reason: info.reason },
        `reconnecting in ${info.wait_time} ms (attempt ${info.retries}): ${info.reason}`,
      );
    });
    client.on('error', (error) => {
      const fields = { code: error.code, message: error.message, retries: error.retries };
      if (this.#out.json) this.#out.event('error', fields, '');
      else writeLine(this.#io.stderr, `error: ${error.code}: ${error.message}`);
      // A script (stdin not a terminal) should fail fast on a dead server, not retry forever.
      if (!this.#opened && !this.#io.stdinIsTTY) void client.stop(1000, 'first connection failed');
    });
  }

  /** Reads stdin line by line; in piped mode closes the client once stdin ends and sends flushed. */
  #readInput(): ReturnType<typeof createInterface> {
    // A prompt only for a person at a terminal; --json output stays one object per line.
    const tty = this.#io.stdinIsTTY && !this.#out.json;
    const lines = createInterface({
      input: this.#io.stdin,
      ...(tty ? { output: this.#io.stdout, terminal: true, prompt: '> ' } : { terminal: false }),
    });
    lines.on('line', (line) => {
      this.#perform(parseInputLine(line));
      if (tty) lines.prompt();
    });
    lines.on('close', () => {
      if (tty || !this.#stay) void this.#finishInput();
    });
    // In a terminal readline turns Ctrl-C into this event instead of a process signal.
    lines.on('SIGINT', () => void this.#client.stop(1000, 'interrupted'));
    if (tty) {
      this.#out.attachPrompt(lines);
      lines.prompt();
    }
    return lines;
  }

  async #finishInput(): Promise<void> {
    await waitForBuffered(this.#client, 0);
    await this.#client.stop(1000, '');
  }

  #perform(action: InputAction): void {
    const client = this.#client;
    switch (action.kind) {
      case 'text':
        this.#report(client.send(action.text));
        return;
      case 'binary':
        this.#report(client.send(action.data, { binary: true }));
        return;
      case 'ping':
        this.#report(client.ping(action.payload));
        return;
      case 'close':
        this.#report(client.close(action.code, action.reason));
        return;
      case 'quit':
        void client.stop(1000, '');
        return;
      case 'help':
        this.#out.line(INPUT_HELP);
        return;
      case 'invalid':
        writeLine(this.#io.stderr, action.message);
        return;
    }
  }

  #report(result: { ok: true } | { ok: false; error: { code: string; message: string } }): void {
    if (!result.ok) writeLine(this.#io.stderr, `error: ${result.error.code}: ${result.error.message}`);
  }
}
