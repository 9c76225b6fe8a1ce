import { createServer, type Server } from '@parley/facade';
import { afterEach, describe, expect, it } from 'vitest';
import { CliRegistry } from './support/cli-harness.js';

const clis = new CliRegistry();
const servers: Server[] = [];
afterEach(async () => {
  await clis.stopAll();
  await Promise.all(servers.splice(0).map((s) => s.stop({ timeout: 1000 })));
});

async function echoServerUrl(...options: string[]): Promise<string> {
  const server = clis.start(['echo-server', '--port', '0', ...options]);
  const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
  return url!;
}

describe('parley connect (interactive)', () => {
  it('sends typed lines, shows the echo, a pong for /ping and the code of /close', async () => {
    const url = await echoServerUrl('--deflate');
    const cli = clis.start(['connect', url, '--no-reconnect'], { tty: true });
    await cli.stdout.waitFor(
      /connected to ws:\/\/127\.0\.0\.1:\d+\/ \(protocol: none, extensions: permessage-deflate/,
    );
    cli.stdin.write('hello parley\n');
    await cli.stdout.waitFor(/< hello parley\n/);
    cli.stdin.write('/ping are you there\n');
    await cli.stdout.waitFor(/pong: are you there\n/);
    cli.stdin.write('/binary 00ff10\n');
    await cli.stdout.waitFor(/< \[binary 3 bytes\] 00ff10\n/);
    cli.stdin.write('//slash\n');
    await cli.stdout.waitFor(/< \/slash\n/);
    cli.stdin.write('/close 4000 done here\n');
    await cli.stdout.waitFor(/closed: code 4000 wasClean=true by=local/);
    expect(await cli.exit).toBe(0);
  });

  it('Ctrl-C at the prompt closes with 1000 and exits 0', async () => {
    const url = await echoServerUrl();
    const cli = clis.start(['connect', url, '--no-reconnect'], { tty: true });
    await cli.stdout.waitFor(/connected to/);
    cli.stdin.write('\x03');
    await cli.stdout.waitFor(/closed: code 1000 wasClean=true by=local/);
    expect(await cli.exit).toBe(0);
  });

  it('sends -H headers and offers -p protocols in the handshake', async () => {
    const seen: { token?: string | string[]; protocols?: readonly string[] } = {};
    const created = createServer(
      { port: 0, host: '127.0.0.1' },
      {
        validate(request) {
          seen.token = request.headers['x-token'];
          seen.protocols = request.protocols;
          return { accept: true, protocol: 'chat.v2' };
        },
      },
    );
    if (!created.ok) throw new Error(created.error.message);
    const server = created.value;
    servers.push(server);
    expect((await server.start()).ok).toBe(true);
    const cli = clis.start(
      ['connect', server.url()!, '--no-reconnect', '-H', 'X-Token: s3cret', '-p', 'chat.v1', '-p', 'chat.v2'],
      { tty: true },
    );
    await cli.stdout.waitFor(/connected to \S+ \(protocol: chat\.v2, extensions: none\)/);
    expect(seen).toEqual({ token: 's3cret', protocols: ['chat.v1', 'chat.v2'] });
    cli.stdin.write('/quit\n');
    expect(await cli.exit).toBe(0);
  });

  it('reports bad input lines on stderr and keeps the connection', async () => {
    const url = await echoServerUrl();
    const cli = clis.start(['connect', url, '--no-reconnect'], { tty: true });
    await cli.stdout.waitFor(/connected to ws:\S+ \(protocol: none, extensions: none\)/);
    cli.stdin.write('/binary 0g\n');
    await cli.stderr.waitFor(/\/binary: expects an even number of hex digits/);
    cli.stdin.write('/close 999\n');
    await cli.stderr.waitFor(/error: INVALID_CLOSE_CODE/);
    cli.stdin.write('/nope\n');
    await cli.stderr.waitFor(/unknown command \/nope/);
    cli.stdin.write('still here\n');
    await cli.stdout.waitFor(/< still here\n/);
    cli.stdin.write('/quit\n');
    await cli.stdout.waitFor(/closed: code 1000 wasClean=true/);
    expect(await cli.exit).toBe(0);
  });

  it('prints one JSON object per event with --json, headers included with --verbose', async () => {
    const url = await echoServerUrl();
    const cli = clis.start(['connect', url, '--no-reconnect', '--json', '--verbose', '--no-deflate'], {
      tty: true,
    });
    await cli.stdout.waitFor(/"event":"open"/);
    cli.stdin.write('json please\n');
    await cli.stdout.waitFor(/"event":"message"/);
    cli.stdin.write('/quit\n');
    expect(await cli.exit).toBe(0);
    const events = cli.stdout.text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['open', 'message', 'close']);
    expect(events[0]).toMatchObject({ extensions: '', protocol: '' });
    expect((events[0]!.headers as Record<string, string>).upgrade).toBe('websocket');
    expect(events[1]).toEqual({ event: 'message', binary: false, data: 'json please' });
    expect(events[2]).toMatchObject({ event: 'close', code: 1000, wasClean: true, willReconnect: false });
  });

  it('prints reconnect attempts with their wait time when the server goes away', async () => {
    const server = clis.start(['echo-server', '--port', '0']);
    const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
    const cli = clis.start(['connect', url!], { tty: true });
    await cli.stdout.waitFor(/connected to/);
    server.interrupt();
    expect(await server.exit).toBe(0);
    await cli.stdout.waitFor(
      /closed: code 1001 \(server shutting down\) wasClean=true by=remote, will reconnect/,
    );
    await cli.stdout.waitFor(/reconnecting in \d+ ms \(attempt 1\)/);
    cli.interrupt();
    await cli.stdout.waitFor(/closed: code 1006/);
    expect(await cli.exit).toBe(0);
  });

  it('exits 1 with the error when the server is unreachable and reconnect is off', async () => {
    const server = clis.start(['echo-server', '--port', '0']);
    const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
    server.interrupt();
    await server.exit;
    const cli = clis.start(['connect', url!, '--no-reconnect']);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr.text).toContain('error: CONNECTION_REFUSED');
  });
});

describe('parley connect (piped stdin)', () => {
  it('exits 1 with the error when the first attempt fails, although reconnect is on', async () => {
    const server = clis.start(['echo-server', '--port', '0']);
    const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
    server.interrupt();
    await server.exit;
    // stdin stays open (a pipe still being written): only the failed attempt can end the run.
    const cli = clis.start(['connect', url!]);
    cli.stdin.write('never sent\n');
    expect(await cli.exit).toBe(1);
    expect(cli.stderr.text).toContain('error: CONNECTION_REFUSED');
    expect(cli.stdout.text).not.toContain('reconnecting');
  });

  it('at a terminal, keeps retrying a server that is not there yet', async () => {
    const server = clis.start(['echo-server', '--port', '0']);
    const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
    server.interrupt();
    await server.exit;
    const cli = clis.start(['connect', url!], { tty: true });
    await cli.stdout.waitFor(/reconnecting in \d+ ms \(attempt 1\)/);
    expect(cli.stderr.text).toContain('error: CONNECTION_REFUSED');
    cli.interrupt();
    expect(await cli.exit).toBe(1);
  });

  it('sends every line, closes with 1000 once they are flushed and exits 0', async () => {
    const url = await echoServerUrl();
    const cli = clis.start(['connect', url, '--no-reconnect']);
    cli.stdin.end('one\ntwo\nthree\n');
    expect(await cli.exit).toBe(0);
    expect(cli.stdout.text).toMatch(/closed: code 1000 wasClean=true/);
    // The server answers the close after echoing what it received before it.
    expect(cli.stdout.text).toContain('< one\n< two\n< three\n');
  });

  it('keeps running after stdin ends with --stay', async () => {
    const server = clis.start(['broadcast-server', '--port', '0']);
    const [, url] = await server.stdout.waitFor(/listening on (ws:\/\/\S+)/);
    const stays = clis.start(['connect', url!, '--no-reconnect', '--stay']);
    stays.stdin.end('first\n');
    await stays.stdout.waitFor(/< first\n/);
    const other = clis.start(['connect', url!, '--no-reconnect']);
    other.stdin.end('later\n');
    expect(await other.exit).toBe(0);
    await stays.stdout.waitFor(/< later\n/);
    stays.interrupt();
    expect(await stays.exit).toBe(0);
  });
});
