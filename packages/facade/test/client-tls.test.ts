import type { ClientConfigInput } from '../src/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Resources, useCertificates, startWsEchoServer, nextEvent } from './client-fixtures.js';

const resources = new Resources();
const certs = useCertificates();
afterEach(() => resources.closeAll());

function makeClient(config: ClientConfigInput) {
  return resources.createClient({ proxy: false, reconnect: { enabled: false }, ...config });
}

describe('client over TLS (wss://)', () => {
  it('connects with a custom CA given as a file path and echoes', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const client = makeClient({ url: `wss://localhost:${server.port}/`, tls: { ca: certs.caPath } });
    const opened = await client.start();
    expect(opened.ok).toBe(true);
    const echoed = nextEvent<string>(client, 'message');
    client.send('over tls');
    expect(await echoed).toBe('over tls');
  });

  it('accepts the CA as inline PEM and an IP address in the certificate', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const client = makeClient({ url: `wss://127.0.0.1:${server.port}/`, tls: { ca: certs.ca } });
    expect((await client.start()).ok).toBe(true);
  });

  it('refuses a certificate nobody vouches for', async () => {
    const server = await startWsEchoServer(resources, {
      tls: { cert: certs.selfSignedCert, key: certs.selfSignedKey },
    });
    const client = makeClient({ url: `wss://localhost:${server.port}/`, tls: { ca: certs.caPath } });
    const closed = nextEvent<{ reason: string; code: number }>(client, 'close');
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TLS_FAILED');
      expect(result.error.message).toMatch(/^TLS: certificate invalid/);
    }
    const info = await closed;
    expect(info.code).toBe(1006);
    expect(info.reason).toMatch(/^TLS: certificate invalid/);
  });

  it('refuses a certificate for another host name', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      tls: { ca: certs.caPath, servername: 'wrong.example' },
    });
    const result = await client.start();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('TLS_FAILED');
      expect(result.error.message).toMatch(/^TLS: certificate does not match the host name/);
    }
  });

  it('check_hostname: false still verifies the chain but not the name', async () => {
    const server = await startWsEchoServer(resources, { tls: { cert: certs.cert, key: certs.key } });
    const client = makeClient({
      url: `wss://localhost:${server.port}/`,
      tls: { ca: certs.caPath, servername: 'wrong.example', check_hostname: false },
    });
    expect((await client.start()).ok).toBe(true);
  });

  it("ca: 'none' accepts anything (test-only escape hatch)", async () => {
    const server = await startWsEchoServer(resources, {
      tls: { cert: certs.selfSignedCert, key: certs.selfSignedKey },
    });
    const client = makeClient({ url: `wss://localhost:${server.port}/`, tls: { ca: 'none' } });
    expect((await client.start()).ok).toBe(true);
  });
});
