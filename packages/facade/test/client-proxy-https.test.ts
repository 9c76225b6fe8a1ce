import type { ClientConfigInput } from '../src/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  nextEvent,
  Resources,
  useCertificates,
  startConnectProxy,
  startWsEchoServer,
} from './client-fixtures.js';

// An https:// proxy: TLS to the proxy (verified with `proxy_tls`), CONNECT inside that TLS
// session, and for wss:// a second TLS session to the server inside the tunnel (`tls`).

const resources = new Resources();
const certs = useCertificates();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput, env: Record<string, string> = {}) {
  return resources.createClient({ reconnect: { enabled: false }, ...config }, { env });
}

function startHttpsProxy(requireAuth?: string, cert = { cert: certs.cert, key: certs.key }) {
  return startConnectProxy(resources, requireAuth, cert);
}

async function roundTrip(client: ReturnType<typeof makeClient>, text: string): Promise<string> {
  const echoed = nextEvent<string>(client, 'message');
  client.send(text);
  return echoed;
}

describe('client through an https:// CONNECT proxy', () => {
  it('tunnels ws:// through TLS to the proxy', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy();
    expect(proxy.url).toMatch(/^https:\/\//);
    const client = makeClient({ url: server.url, proxy: proxy.url, proxy_tls: { ca: certs.caPath } });
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    expect(await roundTrip(client, 'plain ws inside proxy TLS')).toBe('plain ws inside proxy TLS');
    // The proxy decrypted its own TLS layer and forwarded the upgrade request in the clear.
    expect(Buffer.concat(proxy.forwarded).toString('latin1')).toMatch(/^GET \/ HTTP\/1\.1\r\n/);
  });

  it('tunnels wss:// with a second TLS session to the server inside the proxy TLS session', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const proxy = await startHttpsProxy();
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      proxy: proxy.url,
      proxy_tls: { ca: certs.ca },
      tls: { ca: certs.caPath },
    });
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    expect(proxy.targets).toEqual([`localhost:${server.port}`]);
    expect(await roundTrip(client, 'two TLS layers')).toBe('two TLS layers');
    // What the proxy forwarded is the inner TLS session: a handshake record first, no plaintext.
    const carried = Buffer.concat(proxy.forwarded);
    expect(carried[0]).toBe(0x16);
    expect(carried.includes('two TLS layers')).toBe(false);
    expect(carried.includes('Upgrade: websocket')).toBe(false);
  });

  it('sends Basic credentials inside the proxy TLS session; wrong or missing ones get a 407', async () => {
    const server = await startWsEchoServer(resources);
    const expected = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
    const proxy = await startHttpsProxy(expected);
    const good = makeClient({
      url: server.url,
      proxy: `https://user:p%40ss@127.0.0.1:${proxy.port}`,
      proxy_tls: { ca: certs.caPath },
    });
    expect((await good.start()).ok).toBe(true);
    expect(proxy.authorizations).toEqual([expected]);
    expect(await roundTrip(good, 'authorised')).toBe('authorised');

    for (const proxyUrl of [proxy.url, `https://user:wrong@127.0.0.1:${proxy.port}`]) {
      const bad = makeClient({ url: server.url, proxy: proxyUrl, proxy_tls: { ca: certs.caPath } });
      const result = await bad.start();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ code: 'PROXY_FAILED', http_status: 407, body: 'auth' });
        expect(result.error.message).toMatch(/^proxy: CONNECT .* refused with HTTP 407/);
      }
    }
    expect(proxy.authorizations).toEqual([
      expected,
      undefined,
      `Basic ${Buffer.from('user:wrong').toString('base64')}`,
    ]);
  });

  it('an untrusted proxy certificate is PROXY_TLS_FAILED, and nothing is sent to the proxy', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy(undefined, { cert: certs.selfSignedCert, key: certs.selfSignedKey });
    const client = makeClient({ url: server.url, proxy: proxy.url, proxy_tls: { ca: certs.caPath } });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('PROXY_TLS_FAILED');
      expect(result.error.message).toMatch(/^proxy: TLS: certificate invalid/);
      expect(result.error.cause).toMatchObject({ code: 'TLS_CERT_INVALID' });
    }
    expect(proxy.targets).toEqual([]);
  });

  it('the target TLS settings do not make the proxy trusted (proxy_tls defaults to the system store)', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy();
    const client = makeClient({ url: server.url, proxy: proxy.url, tls: { ca: certs.caPath } });
    const result = await client.start();
    expect(!result.ok && result.error.code).toBe('PROXY_TLS_FAILED');
    expect(proxy.targets).toEqual([]);
  });

  it('a proxy certificate for another name is PROXY_TLS_FAILED (hostname mismatch)', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy();
    const client = makeClient({
      url: server.url,
      proxy: proxy.url,
      proxy_tls: { ca: certs.caPath, servername: 'proxy.example.org' },
    });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('PROXY_TLS_FAILED');
      expect(result.error.message).toMatch(/^proxy: TLS: certificate does not match the host name/);
      expect(result.error.cause).toMatchObject({ code: 'HOSTNAME_MISMATCH' });
    }
  });

  it('proxy_tls.check_hostname: false accepts the name but still verifies the chain', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy();
    const client = makeClient({
      url: server.url,
      proxy: proxy.url,
      proxy_tls: { ca: certs.caPath, servername: 'proxy.example.org', check_hostname: false },
    });
    expect((await client.start()).ok).toBe(true);
    expect(await roundTrip(client, 'name not checked')).toBe('name not checked');
  });

  it('an untrusted server behind a trusted https proxy is TLS_FAILED, not a proxy error', async () => {
    const server = await startWsEchoServer(resources, {
      tls: { cert: certs.selfSignedCert, key: certs.selfSignedKey },
    });
    const proxy = await startHttpsProxy();
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      proxy: proxy.url,
      proxy_tls: { ca: certs.caPath },
      tls: { ca: certs.caPath },
    });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TLS_FAILED');
      expect(result.error.message).toMatch(/^TLS: certificate invalid/);
    }
    expect(proxy.targets).toEqual([`localhost:${server.port}`]);
  });

  it('uses an https:// HTTPS_PROXY from the environment and still honours NO_PROXY', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const proxy = await startHttpsProxy();
    const config = {
      url: `wss://localhost:${server.port}/`,
      proxy_tls: { ca: certs.caPath },
      tls: { ca: certs.caPath },
    };
    const viaProxy = makeClient(config, { HTTPS_PROXY: proxy.url });
    expect((await viaProxy.start()).ok).toBe(true);
    expect(proxy.targets).toEqual([`localhost:${server.port}`]);
    expect(await roundTrip(viaProxy, 'env proxy')).toBe('env proxy');

    const direct = makeClient(config, { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' });
    expect((await direct.start()).ok).toBe(true);
    expect(await roundTrip(direct, 'bypassed')).toBe('bypassed');
    expect(proxy.targets).toHaveLength(1);
  });

  it('uses an https:// HTTP_PROXY for ws:// targets', async () => {
    const server = await startWsEchoServer(resources);
    const proxy = await startHttpsProxy();
    const client = makeClient(
      { url: server.url, proxy_tls: { ca: certs.caPath } },
      { http_proxy: proxy.url },
    );
    expect((await client.start()).ok).toBe(true);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
  });
});
