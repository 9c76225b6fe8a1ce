import { request } from '@parley/http-client';
import { readFile, writeFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import {
  flag,
  integerOption,
  positionalArgs,
  parseHeaderList,
  stringList,
  stringOption,
  UsageError,
} from '../args.js';
import { type Command, ExitCode } from '../command.js';
import { writeLine } from '../io.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;

export const curlCommand: Command = {
  name: 'curl',
  summary: 'HTTP client: GET/POST/any method, redirects, headers, TLS options',
  help: `usage: parley curl <url> [options]

Prints the response body on stdout (or writes it to -o FILE). With -I or -v the status
line and headers come first. An HTTP error status still exits 0; a network or TLS
failure prints its code and message on stderr and exits 1.

  -X, --request METHOD   method (default GET, or POST with -d / --data-file)
  -H, --header 'k: v'    request header (repeatable)
  -d, --data DATA        request body
      --data-file F      request body read from a file
  -L, --location         follow redirects
      --max-redirects N  redirect limit with -L (default ${DEFAULT_MAX_REDIRECTS})
  -I, --head             HEAD request; print the status line and headers
  -v, --verbose          print the status line and headers before the body
  -o, --output FILE      write the body to FILE
      --timeout MS       budget for the whole exchange (default ${DEFAULT_TIMEOUT_MS}; 0 disables)
  -k, --insecure         do not verify the server certificate
      --cacert FILE      trust the CA certificate(s) in FILE (PEM)`,
  options: {
    request: { type: 'string', short: 'X' },
    header: { type: 'string', short: 'H', multiple: true },
    data: { type: 'string', short: 'd' },
    'data-file': { type: 'string' },
    location: { type: 'boolean', short: 'L' },
    'max-redirects': { type: 'string' },
    head: { type: 'boolean', short: 'I' },
    verbose: { type: 'boolean', short: 'v' },
    output: { type: 'string', short: 'o' },
    timeout: { type: 'string' },
    insecure: { type: 'boolean', short: 'k' },
    cacert: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const args = positionalArgs(positionals, ['<url>']);
    if (args instanceof UsageError) return args;
    const [url] = args;
    const headers = parseHeaderList(stringList(values, 'header'));
    if (headers instanceof UsageError) return headers;
    const timeout = integerOption(values, 'timeout', DEFAULT_TIMEOUT_MS, 0, 2 ** 31 - 1);
    if (timeout instanceof UsageError) return timeout;
    const maxRedirects = integerOption(values, 'max-redirects', DEFAULT_MAX_REDIRECTS, 0, 100);
    if (maxRedirects instanceof UsageError) return maxRedirects;
    const data = stringOption(values, 'data');
    const dataFile = stringOption(values, 'data-file');
    if (data !== undefined && dataFile !== undefined) return new UsageError('use either -d or --data-file');
    const head = flag(values, 'head');
    const cacert = stringOption(values, 'cacert');
    if (flag(values, 'insecure') && cacert !== undefined)
      return new UsageError('use either --insecure or --cacert');

    let body: string | Buffer | undefined = data;
    if (dataFile !== undefined) {
      try {
        body = await readFile(dataFile);
      } catch (error) {
        writeLine(io.stderr, `parley curl: cannot read ${dataFile}: ${(error as Error).message}`);
        return ExitCode.Failure;
      }
    }
    const method = stringOption(values, 'request') ?? (head ? 'HEAD' : body === undefined ? 'GET' : 'POST');
    const tls = flag(values, 'insecure') ? { ca: 'none' } : cacert === undefined ? undefined : { ca: cacert };
    const response = await request({
      url,
      method,
      headers,
      timeout,
      followRedirects: flag(values, 'location'),
      maxRedirects,
      ...(body === undefined ? {} : { body }),
      ...(tls === undefined ? {} : { tls }),
    });
    if (!response.ok) {
      writeLine(io.stderr, `parley curl: (${response.error.code}) ${response.error.message}`);
      return ExitCode.Failure;
    }
    const { status, headers: responseHeaders, body: responseBody } = response.value;
    if (head || flag(values, 'verbose')) {
      writeLine(io.stdout, `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd());
      for (const [name, value] of Object.entries(responseHeaders)) {
        for (const one of Array.isArray(value) ? value : [value]) writeLine(io.stdout, `${name}: ${one}`);
      }
      writeLine(io.stdout, '');
    }
    if (head) return ExitCode.Ok;
    const output = stringOption(values, 'output');
    if (output === undefined) {
      io.stdout.write(responseBody);
      return ExitCode.Ok;
    }
    try {
      await writeFile(output, responseBody);
    } catch (error) {
      writeLine(io.stderr, `parley curl: cannot write ${output}: ${(error as Error).message}`);
      return ExitCode.Failure;
    }
    return ExitCode.Ok;
  },
};
