import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPem, resolveTlsClientOptions, resolveTlsServerOptions } from '../src/index.js';
import { createTestPki, type TestPki } from './support/certificates.js';
import { expectOk } from './support/resources.js';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki();
});
afterAll(() => pki.remove());

describe('resolveTlsClientOptions', () => {
  it('uses the host as SNI name, except for IP literals; an explicit servername wins', () => {
    expect(expectOk(resolveTlsClientOptions({}, 'example.com')).servername).toBe('example.com');
    expect(expectOk(resolveTlsClientOptions({}, '127.0.0.1')).servername).toBeUndefined();
    expect(expectOk(resolveTlsClientOptions({}, '::1')).servername).toBeUndefined();
    expect(expectOk(resolveTlsClientOptions({ servername: 'b.example' }, '10.0.0.1')).servername).toBe(
      'b.example',
    );
  });

  it("verifies by default; only ca: 'none' turns verification off", () => {
    expect(expectOk(resolveTlsClientOptions({}, 'a.example')).rejectUnauthorized).toBe(true);
    expect(expectOk(resolveTlsClientOptions({ ca: 'system' }, 'a.example')).rejectUnauthorized).toBe(true);
    expect(expectOk(resolveTlsClientOptions({ ca: 'none' }, 'a.example')).rejectUnauthorized).toBe(false);
  });

  it('checkHostname: false replaces the name check with one that accepts, and keeps the chain check', () => {
    const resolved = expectOk(resolveTlsClientOptions({ checkHostname: false }, 'a.example'));
    expect(resolved.checkServerIdentity?.('a.example', {} as never)).toBeUndefined();
    expect(resolved.rejectUnauthorized).toBe(true);
    expect(expectOk(resolveTlsClientOptions({}, 'a.example')).checkServerIdentity).toBeUndefined();
  });

  it('passes ALPN through', () => {
    expect(
      expectOk(resolveTlsClientOptions({ alpn: ['h2', 'http/1.1'] }, 'a.example')).ALPNProtocols,
    ).toEqual(['h2', 'http/1.1']);
  });

  it('builds one secure context per distinct option set; files are read once', () => {
    const caCopy = join(pki.dir, 'ca-copy.pem');
    copyFileSync(pki.ca.certPath, caCopy);
    const first = expectOk(resolveTlsClientOptions({ ca: caCopy }, 'localhost'));
    rmSync(caCopy);
    const second = expectOk(resolveTlsClientOptions({ ca: caCopy }, 'localhost'));
    expect(second.secureContext).toBe(first.secureContext);
    const inline = expectOk(resolveTlsClientOptions({ ca: pki.ca.cert }, 'localhost'));
    expect(inline.secureContext).not.toBe(first.secureContext);
  });
});

describe('resolveTlsServerOptions and loadPem', () => {
  it('reads files, keeps inline PEM, and turns requestClientCert into requestCert + rejectUnauthorized', () => {
    const resolved = expectOk(
      resolveTlsServerOptions({
        cert: pki.server.certPath,
        key: pki.server.key,
        ca: pki.ca.certPath,
        requestClientCert: true,
        alpn: ['parley'],
      }),
    );
    expect(resolved.cert).toBe(pki.server.cert);
    expect(resolved.key).toBe(pki.server.key);
    expect(resolved.ca).toBe(pki.ca.cert);
    expect(resolved.requestCert).toBe(true);
    expect(resolved.rejectUnauthorized).toBe(true);
    expect(resolved.ALPNProtocols).toEqual(['parley']);
  });

  it('a certificate that does not match its key is a TLS_CONFIG_INVALID value', () => {
    const mismatched = resolveTlsServerOptions({ cert: pki.server.certPath, key: pki.client.keyPath });
    expect(mismatched.ok ? 'ok' : mismatched.error.code).toBe('TLS_CONFIG_INVALID');
  });

  it('loadPem tells PEM from paths', () => {
    expect(expectOk(loadPem(pki.ca.cert, 'ca'))).toBe(pki.ca.cert);
    expect(expectOk(loadPem(pki.ca.certPath, 'ca'))).toBe(pki.ca.cert);
    const missing = loadPem(join(pki.dir, 'missing.pem'), 'ca');
    expect(missing.ok ? 'ok' : missing.error.message).toContain('cannot read ca file');
  });
});
