import { createHttpServer, type HttpServer, sendJson, sendText } from '@parley/http-client';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli-harness.js';

let server: HttpServer;
let base: string;
let work: string;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'parley-cli-curl-'));
  const created = createHttpServer({
    port: 0,
    host: '127.0.0.1',
    routes: [
      {
        method: 'GET',
        path: '/hello',
        handler: (_req, res) => sendText(res, 200, 'hello from the server\n', { 'x-test': 'yes' }),
      },
      {
        method: '*',
        path: '/echo',
        handler: async (req, res) =>
          sendJson(res, 200, {
            method: req.method,
            body: await bodyOf(req),
            type: req.headers['x-type'] ?? null,
          }),
      },
      {
        method: 'GET',
        path: '/moved',
        handler: (_req, res) => sendText(res, 302, 'moved\n', { location: '/hello' }),
      },
      { method: 'GET', path: '/loop', handler: (_req, res) => sendText(res, 302, '', { location: '/loop' }) },
      { method: 'GET', path: '/missing', handler: (_req, res) => sendText(res, 404, 'not here\n') },
      // Never answers: the request can only end by the client's timeout (or the server's stop).
      { method: 'GET', path: '/stall', handler: () => new Promise<void>(() => {}) },
    ],
  });
  if (!created.ok) throw new Error(created.error.message);
  server = created.value;
  const started = await server.start();
  if (!started.ok) throw new Error(started.error.message);
  base = `http://127.0.0.1:${started.value.port}`;
});

afterEach(async () => {
  await server.stop();
  await rm(work, { recursive: true, force: true });
});

describe('parley curl', () => {
  it('GET prints the body only', async () => {
    const { code, stdout } = await runCli(['curl', `${base}/hello`]);
    expect(code).toBe(0);
    expect(stdout).toBe('hello from the server\n');
  });

  it('-v prints the status line and headers before the body', async () => {
    const { code, stdout } = await runCli(['curl', '-v', `${base}/hello`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(stdout).toContain('x-test: yes\n');
    expect(stdout).toMatch(/\n\nhello from the server\n$/);
  });

  it('-I sends HEAD and prints the status line and headers without a body', async () => {
    const { code, stdout } = await runCli(['curl', '-I', `${base}/echo`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(stdout).toContain('content-type: application/json; charset=utf-8\n');
    expect(stdout).not.toContain('{');
  });

  it('-d POSTs the data with the given headers; -X overrides the method', async () => {
    const post = await runCli(['curl', '-d', 'name=parley', '-H', 'X-Type: form', `${base}/echo`]);
    expect(post.code).toBe(0);
    expect(JSON.parse(post.stdout)).toEqual({ method: 'POST', body: 'name=parley', type: 'form' });
    const put = await runCli(['curl', '-X', 'PUT', '-d', 'x', `${base}/echo`]);
    expect(JSON.parse(put.stdout)).toEqual({ method: 'PUT', body: 'x', type: null });
  });

  it('--data-file sends a file as the body and -o writes the response to a file', async () => {
    const input = join(work, 'in.txt');
    const output = join(work, 'out.json');
    await writeFile(input, 'from a file');
    const { code, stdout } = await runCli(['curl', '--data-file', input, '-o', output, `${base}/echo`]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(JSON.parse(await readFile(output, 'utf8'))).toMatchObject({ method: 'POST', body: 'from a file' });
  });

  it('returns a 3xx as is without -L and follows it with -L', async () => {
    const plain = await runCli(['curl', '-v', `${base}/moved`]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^HTTP\/1\.1 302 Found\n/);
    const followed = await runCli(['curl', '-L', `${base}/moved`]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe('hello from the server\n');
  });

  it('stops a redirect loop at --max-redirects with exit 1', async () => {
    const { code, stderr } = await runCli(['curl', '-L', '--max-redirects', '2', `${base}/loop`]);
    expect(code).toBe(1);
    expect(stderr).toContain('parley curl: (TOO_MANY_REDIRECTS)');
  });

  it('an HTTP error status still exits 0 (like curl without --fail)', async () => {
    const { code, stdout } = await runCli(['curl', `${base}/missing`]);
    expect(code).toBe(0);
    expect(stdout).toBe('not here\n');
  });

  it('exits 1 with ETIMEDOUT when the server does not answer within --timeout', async () => {
    const { code, stderr } = await runCli(['curl', '--timeout', '200', `${base}/stall`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^parley curl: \(ETIMEDOUT\) .+/);
  });

  it('exits 1 with ECONNREFUSED when nothing listens', async () => {
    const port = new URL(base).port;
    await server.stop();
    const { code, stderr } = await runCli(['curl', `http://127.0.0.1:${port}/hello`]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^parley curl: \(ECONNREFUSED\) .+/);
  });

  it('exits 1 naming a --data-file that cannot be read', async () => {
    const { code, stderr } = await runCli(['curl', '--data-file', join(work, 'nope'), `${base}/echo`]);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot read');
  });
});
