import { createClient } from '@parley/facade';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { flag, integerOption, positionalArgs, stringOption, UsageError } from '../args.js';
import { type Command, ExitCode } from '../command.js';
import { CLIENT_TLS_OPTIONS, clientTlsConfig, clientTlsHelp } from '../tls-options.js';
import { FileReceiver, type ReceiveOutcome } from '../file-receiver.js';
import { MAX_FILE_MESSAGE } from '../file-transfer-protocol.js';
import { writeLine } from '../io.js';
import { EventPrinter } from '../output.js';

export const receiveCommand: Command = {
  name: 'receive',
  summary: "save incoming files (from 'parley send') and binary messages to a directory",
  help: `usage: parley receive <url> [--out DIR] [--count N] [--json]

Connects and saves every file announced by 'parley send' under its own name, after
checking its size and SHA-256 (prints OK or mismatch; a mismatch stays as <name>.part).
A file arrives as one binary message (held in memory until written; at most 1 GiB).
A cancelled or cut transfer is discarded and reported as incomplete. Binary messages
sent outside a file are saved as message-N.bin. Other text messages are printed.

      --out DIR      where to write (default: the current directory; created if missing)
      --count N      exit after N files/messages (default 0: until Ctrl-C or the server closes)
      --no-deflate   do not offer permessage-deflate
      --json         one JSON object per event on stdout
${clientTlsHelp(21)}
Exit code 1 when any file was incomplete or did not match.`,
  options: {
    out: { type: 'string', short: 'o' },
    count: { type: 'string', short: 'n' },
    'no-deflate': { type: 'boolean' },
    json: { type: 'boolean' },

    ...CLIENT_TLS_OPTIONS,
  },
  async run({ values, positionals }, io) {
    const args = positionalArgs(positionals, ['<url>']);
    if (args instanceof UsageError) return args;
    const [url] = args;
    const count = integerOption(values, 'count', 0, 0, Number.MAX_SAFE_INTEGER);
    if (count instanceof UsageError) return count;
    const tls = clientTlsConfig(values);
    if (tls instanceof UsageError) return tls;
    const created = createClient({
      ...tls,
      url,
      per_message_deflate: !flag(values, 'no-deflate'),
      reconnect: { enabled: false },
      // A file arrives as one message, held whole until it is written out.
      max_payload: MAX_FILE_MESSAGE,
    });
    if (!created.ok) return new UsageError(created.error.issues.map((i) => i.message).join('; '));
    const client = created.value;
    const dir = resolve(stringOption(values, 'out') ?? '.');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      writeLine(io.stderr, `parley receive: cannot create ${dir}: ${(error as Error).message}`);
      return ExitCode.Failure;
    }
    const out = new EventPrinter(io.stdout, flag(values, 'json'));
    let finished = 0;
    let failures = 0;
    const receiver = new FileReceiver(dir, (outcome) => {
      printOutcome(out, outcome);
      if (outcome.kind === 'started') return;
      finished += 1;
      if (outcome.kind !== 'message' && !(outcome.kind === 'file' && outcome.status === 'ok')) failures += 1;
      if (count > 0 && finished >= count) void client.stop(1000, '');
    });
    client.on('open', (info) =>
      out.event('open', { url: info.url, dir }, `connected to ${info.url}, saving to ${dir}`),
    );
    client.on('message', (data, binary) => {
      if (binary) receiver.binary(data as Buffer);
      else if (!receiver.text(data as string)) out.event('message', { data }, `< ${String(data)}`);
    });
    const closed = new Promise<void>((done) =>
      client.on('close', (info) => {
        receiver.connectionClosed();
        out.event(
          'close',
          { code: info.code, reason: info.reason, wasClean: info.wasClean },
          `closed: code ${info.code}${info.reason === '' ? '' : ` (${info.reason})`} wasClean=${info.wasClean}`,
        );
        done();
      }),
    );
    const stopOnSignal = (): void => void client.stop(1000, 'interrupted');
    io.signal.addEventListener('abort', stopOnSignal, { once: true });
    const opened = await client.start();
    if (!opened.ok) {
      io.signal.removeEventListener('abort', stopOnSignal);
      writeLine(io.stderr, `parley receive: ${opened.error.code}: ${opened.error.message}`);
      return ExitCode.Failure;
    }
    await closed;
    io.signal.removeEventListener('abort', stopOnSignal);
    return failures === 0 ? ExitCode.Ok : ExitCode.Failure;
  },
};

function printOutcome(out: EventPrinter, outcome: ReceiveOutcome): void {
  switch (outcome.kind) {
    case 'started':
      out.event('file-start', outcome, `receiving ${outcome.name} (${outcome.expectedSize} bytes)`);
      return;
    case 'file':
      out.event(
        'file',
        outcome,
        outcome.status === 'ok'
          ? `OK ${outcome.name}: ${outcome.size} bytes, sha256 ${outcome.sha256} -> ${outcome.path}`
          : `mismatch ${outcome.name}: got ${outcome.size} bytes sha256 ${outcome.sha256}, expected ` +
              `${outcome.expectedSize} bytes sha256 ${outcome.expectedSha256} (kept at ${outcome.path})`,
      );
      return;
    case 'incomplete':
      out.event(
        'incomplete',
        outcome,
        `incomplete ${outcome.name}: received ${outcome.received} of ${outcome.expectedSize} bytes (${outcome.reason}); discarded`,
      );
      return;
    case 'message':
      out.event('binary', outcome, `saved ${outcome.path}: ${outcome.size} bytes, sha256 ${outcome.sha256}`);
      return;
    case 'refused':
      out.event('refused', outcome, `refused file '${outcome.name}': ${outcome.reason}`);
      return;
  }
}
