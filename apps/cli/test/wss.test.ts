import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSign } from '@parley/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliRegistry } from './support/cli-harness.js';

const clis = new CliRegistry();
let dir: string;
let cert: string;
let key: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-wss-'));
  const made = selfSign(dir, 'server', '/CN=parley-test', ['subjectAltName=IP:127.0.0.1']);
  ({ certPath: cert, keyPath: key } = made);
});
afterEach(() => clis.stopAll());
afterAll(() => rm(dir, { recursive: true, force: true }));

async function secureEchoServer(): Promise<string> {
  const server = clis.start(['echo-server', '--port', '0', '--cert', cert, '--key', key]);
  const [, url] = await server.stdout.waitFor(/listening on (wss:\/\/\S+)/);
  return url!;
}

describe('wss:// with the relay servers and clients', () => {
  it('connect --cacert talks to echo-server --cert/--key', async () => {
    const url = await secureEchoServer();
    const cli = clis.start(['connect', url, '--no-reconnect', '--cacert', cert]);
    cli.stdin.end('over tls\n');
    expect(await cli.exit).toBe(0);
    expect(cli.stdout.text).toContain('< over tls\n');
  });

  it('connect -k skips verification', async () => {
    const url = await secureEchoServer();
    const cli = clis.start(['connect', url, '--no-reconnect', '-k']);
    cli.stdin.end('insecure\n');
    expect(await cli.exit).toBe(0);
    expect(cli.stdout.text).toContain('< insecure\n');
  });

  it('connect refuses the untrusted certificate and exits 1', async () => {
    const url = await secureEchoServer();
    const cli = clis.start(['connect', url, '--no-reconnect']);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr.text).toMatch(/error: TLS_FAILED: /);
  });

  it('--cert without --key is a usage error', async () => {
    const cli = clis.start(['transfer', '--port', '0', '--cert', cert]);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr.text).toContain('--cert and --key go together');
  });
});
