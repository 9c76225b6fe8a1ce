import { createClient } from '@parley/facade';
import { flag, integerOption, positionalArgs, stringOption, UsageError } from '../args.js';
import { type Command, ExitCode } from '../command.js';
import { CLIENT_TLS_OPTIONS, clientTlsConfig, clientTlsHelp } from '../tls-options.js';
import { DEFAULT_FRAGMENT_SIZE, MAX_FRAGMENT_SIZE, sendFile } from '../file-sender.js';
import { writeLine } from '../io.js';
import { formatBytes, formatRate } from '../output.js';

export const sendCommand: Command = {
  name: 'send',
  summary: 'send a file with per-fragment progress (Ctrl-C cancels cleanly)',
  help: `usage: parley send <url> <file> [options]

Sends a header {"type":"file",name,size}, the file as ONE binary WebSocket message
streamed in fragments of --fragment-size bytes, then {"type":"end",size,sha256} so
'parley receive' can verify it. Prints "Step i of n" with bytes and rate after each
fragment, then payloadSize and wireSize (payload plus one frame header per fragment).
Reading from disk follows the connection's backpressure (highWater/drain). At most
1 GiB and 100000 fragments per file (what 'parley receive' and 'transfer' accept).
Ctrl-C stops before the next fragment: the message ends short, the receiver is told
{"type":"cancel"} and the connection closes with 1000; the exit code is then 1.

      --fragment-size N  bytes per fragment (default ${DEFAULT_FRAGMENT_SIZE}, at most ${MAX_FRAGMENT_SIZE})
      --throttle-ms N    wait N ms between fragments (default 0)
      --name NAME        file name announced to the receiver (default: the file's base name)
      --deflate          offer permessage-deflate for the text header/trailer (the file's
                         stream itself is never compressed)
  -q, --quiet            no per-fragment progress lines
${clientTlsHelp(25)}`,
  options: {
    'fragment-size': { type: 'string' },
    'throttle-ms': { type: 'string' },
    name: { type: 'string' },
    deflate: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },

    ...CLIENT_TLS_OPTIONS,
  },
  async run({ values, positionals }, io) {
    const args = positionalArgs(positionals, ['<url>', '<file>']);
    if (args instanceof UsageError) return args;
    const [url, path] = args;
    const fragmentSize = integerOption(values, 'fragment-size', DEFAULT_FRAGMENT_SIZE, 1, MAX_FRAGMENT_SIZE);
    if (fragmentSize instanceof UsageError) return fragmentSize;
    const throttleMs = integerOption(values, 'throttle-ms', 0, 0, 60_000);
    if (throttleMs instanceof UsageError) return throttleMs;
    const tls = clientTlsConfig(values);
    if (tls instanceof UsageError) return tls;
    const created = createClient({
      ...tls,
      url,
      per_message_deflate: flag(values, 'deflate'),
      ping_interval: 0,
      reconnect: { enabled: false },
    });
    if (!created.ok) return new UsageError(created.error.issues.map((i) => i.message).join('; '));
    const client = created.value;
    let closeLine = '';
    client.on('close', (info) => {
      closeLine = `closed: code ${info.code}${info.reason === '' ? '' : ` (${info.reason})`} wasClean=${info.wasClean}`;
    });
    const opened = await client.start();
    if (!opened.ok) {
      writeLine(io.stderr, `parley send: ${opened.error.code}: ${opened.error.message}`);
      return ExitCode.Failure;
    }
    const quiet = flag(values, 'quiet');
    const name = stringOption(values, 'name');
    const outcome = await sendFile({
      client,
      path,
      fragmentSize,
      throttleMs,
      signal: io.signal,
      ...(name === undefined ? {} : { name }),
      onProgress: (p) => {
        if (quiet) return;
        writeLine(
          io.stdout,
          `Step ${p.step} of ${p.steps}: ${formatBytes(p.sent)} of ${formatBytes(p.total)} (${formatRate(p.sent, p.elapsedMs)})`,
        );
      },
    });
    if (!outcome.ok) {
      writeLine(io.stderr, `parley send: ${outcome.error.code}: ${outcome.error.message}`);
      client.terminate();
      return ExitCode.Failure;
    }
    const report = outcome.value;
    writeLine(
      io.stdout,
      report.completed
        ? `sent ${report.name}: sha256 ${report.sha256} in ${Math.round(report.elapsedMs)} ms`
        : `cancelled after ${report.stepsSent} of ${report.steps} fragments (${report.payloadSize} bytes)`,
    );
    writeLine(io.stdout, `payloadSize: ${report.payloadSize} wireSize: ${report.wireSize}`);
    // The close frame queues behind everything still buffered; stop() waits for the reply.
    await client.stop(1000, report.completed ? '' : 'cancelled');
    writeLine(io.stdout, closeLine);
    if (!report.completed) return ExitCode.Failure;
    return ExitCode.Ok;
  },
};
