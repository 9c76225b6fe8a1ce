import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpServer, type HttpServer, sendText } from '@parley/http-client';
import { selfSign } from '@parley/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-harness.js';

// A self-signed certificate for 127.0.0.1, made by openssl at test time (no keys in the repo).
let dir: string;
let cert: string;
let server: HttpServer;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-tls-'));
  const made = selfSign(dir, 'server', '/CN=parley-test', ['subjectAltName=IP:127.0.0.1']);
  cert = made.certPath;
  const key = made.keyPath;
  const created = createHttpServer({
    port: 0,
    host: '127.0.0.1',
    tls: { cert, key },
    routes: [{ method: 'GET', path: '/', handler: (_req, res) => sendText(res, 200, 'secure hello\n') }],
  });
  if (!created.ok) throw new Error(created.error.message);
  server = created.value;
  const started = await server.start();
  if (!started.ok) throw new Error(started.error.message);
  url = `https://127.0.0.1:${started.value.port}/`;
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('parley curl over TLS', () => {
  it('refuses an untrusted certificate with exit 1 and the TLS error code', async () => {
    const { code, stderr } = await runCli(['curl', url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^parley curl: \(TLS_CERT_INVALID\) /);
  });

  it('trusts the certificate given with --cacert', async () => {
    const { code, stdout } = await runCli(['curl', '--cacert', cert, url]);
    expect(code).toBe(0);
    expect(stdout).toBe('secure hello\n');
  });

  it('skips verification with -k', async () => {
    const { code, stdout } = await runCli(['curl', '-k', url]);
    expect(code).toBe(0);
    expect(stdout).toBe('secure hello\n');
  });

  it('rejects -k together with --cacert as a usage error', async () => {
    const { code } = await runCli(['curl', '-k', '--cacert', cert, url]);
    expect(code).toBe(2);
  });
});
