import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connection,
  connect,
  type ConnectOptions,
  listen,
  type ListenOptions,
  type TransportError,
  type TlsServerOptions,
} from '../src/index.js';
import { createTestPki, type TestPki } from './support/certificates.js';
import { deferred, expectOk, Resources } from './support/resources.js';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki.remove());

const resources = new Resources();
afterEach(() => resources.closeAll());

interface TlsServer {
  port: number;
  accepted: Connection[];
  errors: TransportError[];
  /** Resolves with the next TLS client error the listener reports. */
  nextError: () => Promise<TransportError>;
}

/** A TLS listener on 127.0.0.1 that echoes whatever it receives. */
async function startTlsServer(tls: TlsServerOptions, extra: Partial<ListenOptions> = {}): Promise<TlsServer> {
  const accepted: Connection[] = [];
  const errors: TransportError[] = [];
  let errorWaiter: ((error: TransportError) => void) | null = null;
  const listener = resources.listener(
    expectOk(
      await listen(
        {
          host: '127.0.0.1',
          port: 0,
          tls,
          ...extra,
          onError: (error) => {
            errors.push(error);
            errorWaiter?.(error);
          },
        },
        (conn) => {
          accepted.push(conn);
          conn.setHandler({ data: (chunk) => conn.write(chunk) });
        },
      ),
    ),
  );
  expect(listener.secure).toBe(true);
  const nextError = (): Promise<TransportError> => {
    const seen = errors[0];
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      errorWaiter = resolve;
    });
  };
  return { port: listener.address().port, accepted, errors, nextError };
}

/** Sends `text` and resolves with the echo. */
function roundTrip(conn: Connection, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    conn.setHandler({
      data(chunk) {
        got += chunk.toString();
        if (got.length >= text.length) resolve(got);
      },
    });
    conn.write(Buffer.from(text));
  });
}

/**
 * How a TLS client attempt ended: 'ok' after a successful echo, otherwise the error code.
 * With TLS 1.3 the server checks the client certificate after the client's handshake is
 * done, so a rejection arrives as the connection's end error rather than from connect().
 */
async function outcome(options: ConnectOptions): Promise<string> {
  const result = await connect(options);
  if (!result.ok) return result.error.code;
  const conn = resources.connection(result.value);
  const ended = deferred<string>();
  conn.setHandler({
    data: () => ended.resolve('ok'),
    end: (error) => ended.resolve(error?.code ?? 'closed without error'),
  });
  conn.write(Buffer.from('?'));
  return ended.promise;
}

const server = (): TlsServerOptions => ({ cert: pki.server.certPath, key: pki.server.keyPath });

describe('TLS client verification', () => {
  it('connects to a server signed by a CA given as a file path, and negotiates ALPN', async () => {
    const tlsServer = await startTlsServer({ ...server(), alpn: ['parley', 'http/1.1'] });
    const conn = resources.connection(
      expectOk(
        await connect({
          host: 'localhost',
          port: tlsServer.port,
          tls: { ca: pki.ca.certPath, alpn: ['parley'] },
        }),
      ),
    );
    expect(conn.secure).toBe(true);
    expect(conn.alpnProtocol).toBe('parley');
    expect((conn.peerCertificate as { subject: { CN: string } }).subject.CN).toBe('localhost');
    expect(await roundTrip(conn, 'hello over tls')).toBe('hello over tls');
  });

  it('accepts inline PEM and an IP literal host matched against the IP SAN', async () => {
    const tlsServer = await startTlsServer({ cert: pki.server.cert, key: pki.server.key });
    const conn = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port: tlsServer.port, tls: { ca: pki.ca.cert } })),
    );
    expect(await roundTrip(conn, 'pem')).toBe('pem');
  });

  it('rejects a certificate from a CA not in the default trust store: TLS_CERT_INVALID', async () => {
    const tlsServer = await startTlsServer(server());
    const result = await connect({ host: 'localhost', port: tlsServer.port, tls: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('TLS_CERT_INVALID');
    expect((result.error.cause as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(result.error.message).toContain('tls.ca');
  });

  it('rejects a self-signed certificate unless ca is "none"', async () => {
    const tlsServer = await startTlsServer({ cert: pki.selfSigned.certPath, key: pki.selfSigned.keyPath });
    const rejected = await connect({ host: 'localhost', port: tlsServer.port, tls: { ca: 'system' } });
    expect(rejected.ok).toBe(false);
    if (rejected.ok) return;
    expect(rejected.error.code).toBe('TLS_CERT_INVALID');
    expect((rejected.error.cause as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');

    const trustingAnything = resources.connection(
      expectOk(await connect({ host: 'localhost', port: tlsServer.port, tls: { ca: 'none' } })),
    );
    expect(await roundTrip(trustingAnything, 'insecure')).toBe('insecure');
  });

  it('rejects a trusted certificate for another name: HOSTNAME_MISMATCH', async () => {
    const tlsServer = await startTlsServer({ cert: pki.wrongHost.certPath, key: pki.wrongHost.keyPath });
    const result = await connect({ host: 'localhost', port: tlsServer.port, tls: { ca: pki.ca.certPath } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('HOSTNAME_MISMATCH');
    expect((result.error.cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(result.error.message).toContain('localhost');
  });

  it('checks the servername instead of the host when one is given', async () => {
    const tlsServer = await startTlsServer({ cert: pki.wrongHost.certPath, key: pki.wrongHost.keyPath });
    const tls = { ca: pki.ca.certPath, servername: 'other.example' };
    const conn = resources.connection(
      expectOk(await connect({ host: '127.0.0.1', port: tlsServer.port, tls })),
    );
    expect(await roundTrip(conn, 'sni')).toBe('sni');
  });

  it('checkHostname: false skips the name but still verifies the chain', async () => {
    const wrongName = await startTlsServer({ cert: pki.wrongHost.certPath, key: pki.wrongHost.keyPath });
    const tls = { ca: pki.ca.certPath, checkHostname: false };
    expect(await outcome({ host: 'localhost', port: wrongName.port, tls })).toBe('ok');

    const untrusted = await startTlsServer({ cert: pki.selfSigned.certPath, key: pki.selfSigned.keyPath });
    expect(await outcome({ host: 'localhost', port: untrusted.port, tls })).toBe('TLS_CERT_INVALID');
  });
});

describe('TLS client certificates', () => {
  const requiring = (): TlsServerOptions => ({ ...server(), ca: pki.ca.certPath, requestClientCert: true });

  it('a server requiring a client certificate rejects a client without one: CLIENT_CERT_REQUIRED', async () => {
    const tlsServer = await startTlsServer(requiring());
    const code = await outcome({ host: 'localhost', port: tlsServer.port, tls: { ca: pki.ca.certPath } });
    expect(code).toBe('CLIENT_CERT_REQUIRED');
    const serverSide = await tlsServer.nextError();
    expect(serverSide.code).toBe('CLIENT_CERT_REQUIRED');
    expect(tlsServer.accepted).toHaveLength(0);
  });

  it('rejects a client certificate not signed by the server CA', async () => {
    const tlsServer = await startTlsServer(requiring());
    const tls = { ca: pki.ca.certPath, cert: pki.rogueClient.certPath, key: pki.rogueClient.keyPath };
    // Node's TLS server verifies the client chain after the handshake and closes without an
    // alert, so the client only sees the close; the listener reports why.
    expect(await outcome({ host: 'localhost', port: tlsServer.port, tls })).not.toBe('ok');
    const serverSide = await tlsServer.nextError();
    expect(serverSide.code).toBe('TLS_CERT_INVALID');
    expect((serverSide.cause as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(serverSide.message).toContain('client certificate rejected');
    expect(serverSide.message).toContain('client');
    expect(tlsServer.accepted).toHaveLength(0);
  });

  it('accepts a client certificate signed by the server CA and shows it to the server', async () => {
    const tlsServer = await startTlsServer(requiring());
    const tls = { ca: pki.ca.certPath, cert: pki.client.certPath, key: pki.client.keyPath };
    const conn = resources.connection(
      expectOk(await connect({ host: 'localhost', port: tlsServer.port, tls })),
    );
    expect(await roundTrip(conn, 'mutual')).toBe('mutual');
    const peer = tlsServer.accepted[0]!;
    expect((peer.peerCertificate as { subject: { CN: string } }).subject.CN).toBe('parley-client');
  });
});

describe('TLS configuration errors are values', () => {
  it('a missing CA file', async () => {
    const result = await connect({ host: 'localhost', port: 1, tls: { ca: '/nonexistent/ca.pem' } });
    expect(result.ok ? 'ok' : result.error.code).toBe('TLS_CONFIG_INVALID');
    expect(result.ok ? '' : result.error.message).toContain('/nonexistent/ca.pem');
  });

  it('a client cert without its key', async () => {
    const result = await connect({ host: 'localhost', port: 1, tls: { cert: pki.client.certPath } });
    expect(result.ok ? 'ok' : result.error.message).toContain('tls.cert and tls.key must be given together');
  });

  it('a key that does not parse, and requestClientCert without a CA', async () => {
    const badKey = await listen(
      { port: 0, tls: { cert: pki.server.cert, key: '-----BEGIN PRIVATE KEY-----\nnope\n' } },
      () => {},
    );
    expect(badKey.ok ? 'ok' : badKey.error.code).toBe('TLS_CONFIG_INVALID');
    const noCa = await listen({ port: 0, tls: { ...server(), requestClientCert: true } }, () => {});
    expect(noCa.ok ? 'ok' : noCa.error.message).toContain('requestClientCert needs tls.ca');
  });
});

describe('TLS listener lifecycle', () => {
  it('close() does not wait for a client stuck in its handshake', async () => {
    const accepted = deferred<void>();
    const listener = expectOk(
      await listen({ host: '127.0.0.1', port: 0, tls: server() }, () => accepted.resolve()),
    );
    // Plain TCP to a TLS port, never sending a ClientHello.
    const stuck = net.connect({ host: '127.0.0.1', port: listener.address().port });
    resources.onCleanup(() => void stuck.destroy());
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
    const closedByServer = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
    stuck.on('error', () => {});
    // The server may not have seen the TCP connection yet; wait until it has.
    while (
      (await new Promise<number>((resolve, reject) =>
        (listener as unknown as { server: net.Server }).server.getConnections((e, n) =>
          e ? reject(e) : resolve(n),
        ),
      )) === 0
    ) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await listener.close();
    await closedByServer;
    expect(listener.connections).toBe(0);
  });
});
