import type { IncomingMessage, ServerResponse } from 'node:http';
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request, type Route, sendJson } from '../src/index.js';
import { createTestCertificates, type TestCertificates } from './support/certificates.js';
import { Servers } from './support/servers.js';

const servers = new Servers();
afterEach(() => servers.stopAll());

let certificates: TestCertificates;
beforeAll(() => {
  certificates = createTestCertificates();
});
afterAll(() => certificates.remove());

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { location, 'content-length': 0 });
  res.end();
}

/** Requests parked by /hang, plus a way to wait for the next one. */
const hanging: { waiters: (() => void)[] } = { waiters: [] };

function encoded(res: ServerResponse, encoding: string, body: Buffer, accepted: string | undefined): void {
  res.writeHead(200, { 'content-encoding': encoding, 'x-accept': accepted ?? '' });
  res.end(body);
}

const routes: Route[] = [
  {
    method: 'GET',
    path: '/gzip',
    handler: (req, res) => encoded(res, 'gzip', zlib.gzipSync('hello gzip'), req.headers['accept-encoding']),
  },
  {
    method: 'GET',
    path: '/br',
    handler: (req, res) =>
      encoded(res, 'br', zlib.brotliCompressSync('hello br'), req.headers['accept-encoding']),
  },
  {
    method: 'GET',
    path: '/bomb',
    handler: (req, res) =>
      encoded(res, 'gzip', zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024)), req.headers['accept-encoding']),
  },
  {
    method: 'GET',
    path: '/not-gzip',
    handler: (req, res) =>
      encoded(res, 'gzip', Buffer.from('plain text, not gzip'), req.headers['accept-encoding']),
  },
  { method: 'GET', path: '/hello', handler: (_req, res) => res.end('hello') },
  {
    method: '*',
    path: '/echo',
    handler: async (req, res) => {
      const body = await readBody(req);
      res.writeHead(200, {
        'x-method': req.method ?? '',
        'x-content-type': req.headers['content-type'] ?? '',
      });
      res.end(body);
    },
  },
  {
    method: 'GET',
    path: '/redirect',
    match: 'prefix',
    handler: (_req, res, url) => {
      const left = Number(url.pathname.split('/')[2] ?? '0');
      if (left > 0) redirect(res, 302, `/redirect/${left - 1}`);
      else res.end('done');
    },
  },
  { method: 'GET', path: '/loop', handler: (_req, res) => redirect(res, 302, '/loop') },
  { method: 'POST', path: '/see-other', handler: (_req, res) => redirect(res, 303, '/echo') },
  { method: 'POST', path: '/temporary', handler: (_req, res) => redirect(res, 307, '/echo') },
  { method: 'GET', path: '/headers', handler: (req, res) => sendJson(res, 200, req.headers) },
  {
    method: 'GET',
    path: '/hang',
    handler: () => {
      for (const wake of hanging.waiters.splice(0)) wake();
    },
  },
  {
    method: 'GET',
    path: '/big',
    handler: (_req, res) => {
      res.writeHead(200, { 'content-length': 2000 });
      res.end(Buffer.alloc(2000, 0x62));
    },
  },
  {
    method: 'GET',
    path: '/big-chunked',
    handler: (_req, res) => {
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(100, 0x63));
      res.end();
    },
  },
];

function nextHang(): Promise<void> {
  return new Promise((resolve) => hanging.waiters.push(resolve));
}

describe('request', () => {
  it('GETs a body with status and headers', async () => {
    const { origin } = await servers.start({ routes });
    const result = await request({ url: `${origin}/hello` });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.status).toBe(200);
    expect(result.value.body.toString()).toBe('hello');
    expect(result.value.headers['content-length']).toBe('5');
    expect(result.value.redirects).toBe(0);
    expect(result.value.url).toBe(`${origin}/hello`);
  });

  it('sends method, headers and body', async () => {
    const { origin } = await servers.start({ routes });
    const result = await request({
      url: `${origin}/echo`,
      method: 'put',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.body.toString()).toBe('{"a":1}');
    expect(result.value.headers['x-method']).toBe('PUT');
    expect(result.value.headers['x-content-type']).toBe('application/json');
  });

  it('follows redirects and reports how many', async () => {
    const { origin } = await servers.start({ routes });
    const result = await request({ url: `${origin}/redirect/3` });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.body.toString()).toBe('done');
    expect(result.value.redirects).toBe(3);
    expect(result.value.url).toBe(`${origin}/redirect/0`);
  });

  it('stops at maxRedirects with TOO_MANY_REDIRECTS', async () => {
    const { origin } = await servers.start({ routes });
    const loop = await request({ url: `${origin}/loop`, maxRedirects: 4 });
    expect(loop.ok ? 'ok' : loop.error.code).toBe('TOO_MANY_REDIRECTS');
    const exact = await request({ url: `${origin}/redirect/2`, maxRedirects: 2 });
    expect(exact.ok && exact.value.redirects).toBe(2);
  });

  it('returns the 3xx itself when followRedirects is false', async () => {
    const { origin } = await servers.start({ routes });
    const result = await request({ url: `${origin}/redirect/1`, followRedirects: false });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.status).toBe(302);
    expect(result.value.headers.location).toBe('/redirect/0');
    expect(result.value.redirects).toBe(0);
  });

  it('turns a POST into a GET on 303 and keeps it on 307', async () => {
    const { origin } = await servers.start({ routes });
    const seeOther = await request({ url: `${origin}/see-other`, method: 'POST', body: 'payload' });
    if (!seeOther.ok) throw new Error(seeOther.error.message);
    expect(seeOther.value.headers['x-method']).toBe('GET');
    expect(seeOther.value.body.length).toBe(0);
    const temporary = await request({ url: `${origin}/temporary`, method: 'POST', body: 'payload' });
    if (!temporary.ok) throw new Error(temporary.error.message);
    expect(temporary.value.headers['x-method']).toBe('POST');
    expect(temporary.value.body.toString()).toBe('payload');
  });

  it('drops credentials when a redirect changes origin', async () => {
    const other = await servers.start({ routes });
    const { origin } = await servers.start({
      routes: [
        {
          method: 'GET',
          path: '/away',
          handler: (_req, res) => redirect(res, 307, `${other.origin}/headers`),
        },
      ],
    });
    const result = await request({
      url: `${origin}/away`,
      headers: { authorization: 'Bearer secret', 'x-keep': '1' },
    });
    if (!result.ok) throw new Error(result.error.message);
    const seen = JSON.parse(result.value.body.toString()) as Record<string, string>;
    expect(seen.authorization).toBeUndefined();
    expect(seen['x-keep']).toBe('1');
    expect(result.value.url).toBe(`${other.origin}/headers`);
  });

  it('ETIMEDOUT when the server never answers within timeout', async () => {
    const { origin } = await servers.start({ routes });
    const result = await request({ url: `${origin}/hang`, timeout: 100 });
    expect(result.ok ? 'ok' : result.error.code).toBe('ETIMEDOUT');
    expect(result.ok ? '' : result.error.message).toContain('100 ms');
  });

  it('ABORTED when the caller aborts', async () => {
    const { origin } = await servers.start({ routes });
    const controller = new AbortController();
    const arrived = nextHang();
    const pending = request({ url: `${origin}/hang`, signal: controller.signal });
    await arrived;
    controller.abort();
    const result = await pending;
    expect(result.ok ? 'ok' : result.error.code).toBe('ABORTED');
  });

  it('BODY_TOO_LARGE beyond maxBodySize, declared or chunked', async () => {
    const { origin } = await servers.start({ routes });
    const declared = await request({ url: `${origin}/big`, maxBodySize: 1999 });
    expect(declared.ok ? 'ok' : declared.error.code).toBe('BODY_TOO_LARGE');
    const chunked = await request({ url: `${origin}/big-chunked`, maxBodySize: 1500 });
    expect(chunked.ok ? 'ok' : chunked.error.code).toBe('BODY_TOO_LARGE');
    const fits = await request({ url: `${origin}/big-chunked`, maxBodySize: 2000 });
    expect(fits.ok && fits.value.body.length).toBe(2000);
  });

  it('ECONNREFUSED when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await request({ url: `http://127.0.0.1:${port}/` });
    expect(result.ok ? 'ok' : result.error.code).toBe('ECONNREFUSED');
    expect(result.ok ? undefined : result.error.cause).toBeInstanceOf(Error);
  });

  it('INVALID_URL for garbage and for non-HTTP schemes', async () => {
    const garbage = await request({ url: 'not a url' });
    expect(garbage.ok ? 'ok' : garbage.error.code).toBe('INVALID_URL');
    const ftp = await request({ url: 'ftp://127.0.0.1/file' });
    expect(ftp.ok ? 'ok' : ftp.error.message).toContain('ftp:');
  });
});

describe('request over TLS', () => {
  const tls = () => ({ cert: certificates.certPath, key: certificates.keyPath });

  it('trusts a server signed by the CA given in tls.ca (path), by IP and by name', async () => {
    const { origin, server } = await servers.start({ routes, tls: tls() });
    const byIp = await request({ url: `${origin}/hello`, tls: { ca: certificates.caPath } });
    expect(byIp.ok && byIp.value.body.toString()).toBe('hello');
    const byName = await request({
      url: `https://localhost:${server.address()!.port}/hello`,
      tls: { ca: certificates.caPath },
    });
    expect(byName.ok && byName.value.status).toBe(200);
  });

  it('TLS_CERT_INVALID without the CA', async () => {
    const { origin } = await servers.start({ routes, tls: tls() });
    const result = await request({ url: `${origin}/hello` });
    expect(result.ok ? 'ok' : result.error.code).toBe('TLS_CERT_INVALID');
    expect(result.ok ? '' : result.error.message).toContain('tls.ca');
  });

  it('HOSTNAME_MISMATCH when the pinned servername is not in the certificate', async () => {
    const { origin } = await servers.start({ routes, tls: tls() });
    const result = await request({
      url: `${origin}/hello`,
      tls: { ca: certificates.caPath, servername: 'other.example' },
    });
    expect(result.ok ? 'ok' : result.error.code).toBe('HOSTNAME_MISMATCH');
  });

  it('refuses a redirect from https to http', async () => {
    const plain = await servers.start({ routes });
    const { origin } = await servers.start({
      tls: tls(),
      routes: [
        { method: 'GET', path: '/down', handler: (_req, res) => redirect(res, 302, `${plain.origin}/hello`) },
      ],
    });
    const result = await request({ url: `${origin}/down`, tls: { ca: certificates.caPath } });
    expect(result.ok ? 'ok' : result.error.code).toBe('INSECURE_REDIRECT');
  });
});

describe('request decompression', () => {
  it('asks for gzip/deflate/br and decodes gzip and br bodies', async () => {
    const { origin } = await servers.start({ routes });
    const gzip = await request({ url: `${origin}/gzip` });
    if (!gzip.ok) throw new Error(gzip.error.message);
    expect(gzip.value.body.toString()).toBe('hello gzip');
    expect(gzip.value.headers['x-accept']).toBe('gzip, deflate, br');
    expect(gzip.value.headers['content-encoding']).toBe('gzip');
    const br = await request({ url: `${origin}/br` });
    expect(br.ok && br.value.body.toString()).toBe('hello br');
  });

  it('decompress: false sends no accept-encoding and returns the bytes as sent', async () => {
    const { origin } = await servers.start({ routes });
    const raw = await request({ url: `${origin}/gzip`, decompress: false });
    if (!raw.ok) throw new Error(raw.error.message);
    expect(raw.value.headers['x-accept']).toBe('');
    expect(zlib.gunzipSync(raw.value.body).toString()).toBe('hello gzip');
  });

  it('limits the decoded size: a small compressed body cannot expand past maxBodySize', async () => {
    const { origin } = await servers.start({ routes });
    const bomb = await request({ url: `${origin}/bomb`, maxBodySize: 64 * 1024 });
    expect(bomb.ok ? 'ok' : bomb.error.code).toBe('BODY_TOO_LARGE');
  });

  it('BAD_RESPONSE when the body is not in the encoding it claims', async () => {
    const { origin } = await servers.start({ routes });
    const bad = await request({ url: `${origin}/not-gzip` });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('BAD_RESPONSE');
  });
});

describe('request connect timeout', () => {
  it('ETIMEDOUT when TCP connects but the TLS handshake never completes within connectTimeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const result = await request({ url: `https://127.0.0.1:${port}/`, connectTimeout: 100, timeout: 0 });
      expect(result.ok ? 'ok' : result.error.code).toBe('ETIMEDOUT');
      expect(result.ok ? undefined : (result.error.cause as { code?: string }).code).toBe(
        'UND_ERR_CONNECT_TIMEOUT',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
