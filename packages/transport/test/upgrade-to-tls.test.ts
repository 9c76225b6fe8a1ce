import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, connect, listen, upgradeToTls } from '../src/index.js';
import { createTestPki, type TestPki } from './support/certificates.js';
import { expectOk, Resources } from './support/resources.js';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki.remove());

const resources = new Resources();
afterEach(() => resources.closeAll());

/**
 * A toy tunnel: reads one line (the "CONNECT" preamble), then relays bytes both ways to
 * `upstreamPort`. Resolves `preambles` with each line it consumed.
 */
async function startTunnel(upstreamPort: number): Promise<{ port: number; preambles: string[] }> {
  const preambles: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline < 0) return;
      client.removeListener('data', onData);
      client.pause();
      preambles.push(buffered.subarray(0, newline).toString());
      const rest = buffered.subarray(newline + 1);
      const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort }, () => {
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('error', () => {});
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  resources.onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, preambles };
}

async function tlsEchoPort(): Promise<number> {
  const listener = resources.listener(
    expectOk(
      await listen(
        { host: '127.0.0.1', port: 0, tls: { cert: pki.server.certPath, key: pki.server.keyPath } },
        (conn) => conn.setHandler({ data: (chunk) => conn.write(chunk) }),
      ),
    ),
  );
  return listener.address().port;
}

async function openTunnel(tunnelPort: number): Promise<Connection> {
  const plain = expectOk(await connect({ host: '127.0.0.1', port: tunnelPort }));
  plain.write(Buffer.from('CONNECT localhost\n'));
  return plain;
}

describe('upgradeToTls', () => {
  it('runs TLS inside an open connection after flushing what was written before', async () => {
    const tunnel = await startTunnel(await tlsEchoPort());
    const plain = await openTunnel(tunnel.port);
    // Same tick as the preamble write: the corked preamble must leave before the ClientHello.
    const secured = resources.connection(
      expectOk(await upgradeToTls(plain, { ca: pki.ca.certPath }, { host: 'localhost' })),
    );
    expect(tunnel.preambles).toEqual(['CONNECT localhost']);
    expect(secured.secure).toBe(true);
    expect(plain.open).toBe(false);
    const echoed = await new Promise<string>((resolve) => {
      secured.setHandler({ data: (chunk) => resolve(chunk.toString()) });
      secured.write(Buffer.from('through the tunnel'));
    });
    expect(echoed).toBe('through the tunnel');
  });

  it('verifies the name given as host: HOSTNAME_MISMATCH for a wrong one', async () => {
    const tunnel = await startTunnel(await tlsEchoPort());
    const plain = await openTunnel(tunnel.port);
    const result = await upgradeToTls(plain, { ca: pki.ca.certPath }, { host: 'other.example' });
    expect(result.ok ? 'ok' : result.error.code).toBe('HOSTNAME_MISMATCH');
  });

  it('verifies the chain: TLS_CERT_INVALID without the CA', async () => {
    const tunnel = await startTunnel(await tlsEchoPort());
    const plain = await openTunnel(tunnel.port);
    const result = await upgradeToTls(plain, {}, { host: 'localhost' });
    expect(result.ok ? 'ok' : result.error.code).toBe('TLS_CERT_INVALID');
  });

  it('needs a name to verify against', async () => {
    const tunnel = await startTunnel(await tlsEchoPort());
    const plain = await openTunnel(tunnel.port);
    const result = await upgradeToTls(plain, { ca: pki.ca.certPath });
    expect(result.ok ? 'ok' : result.error.code).toBe('TLS_CONFIG_INVALID');
    expect(plain.open).toBe(false);
  });
});
