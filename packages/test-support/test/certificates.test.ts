import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestCa, LOCALHOST_SERVER, selfSign, type TestCa } from '../src/index.js';

let cleanup: (() => void)[] = [];

afterEach(() => {
  for (const remove of cleanup) remove();
  cleanup = [];
});

function ca(): TestCa {
  const made = createTestCa('/CN=Support Test CA', 'parley-support-pki-');
  cleanup.push(made.remove);
  return made;
}

describe('createTestCa', () => {
  it('issues certificates the CA signed, for the names asked for', () => {
    const pki = ca();
    const server = pki.issue('server', '/CN=localhost', LOCALHOST_SERVER);
    const authority = new X509Certificate(pki.ca.cert);
    const cert = new X509Certificate(server.cert);
    expect(authority.ca).toBe(true);
    expect(cert.checkIssued(authority)).toBe(true);
    expect(cert.verify(authority.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('other.example')).toBe(undefined);
    expect(server.key).toContain('PRIVATE KEY');
    expect(server.certPath).toBe(join(pki.dir, 'server.pem'));
  });

  it('self-signs outside the CA, and remove() deletes everything', () => {
    const pki = ca();
    const rogue = pki.selfSign('rogue', '/CN=rogue', ['extendedKeyUsage=clientAuth']);
    expect(new X509Certificate(rogue.cert).checkIssued(new X509Certificate(pki.ca.cert))).toBe(false);
    pki.remove();
    expect(existsSync(pki.dir)).toBe(false);
  });
});

describe('selfSign', () => {
  it('writes <name>.pem and <name>.key into the directory given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-support-self-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const made = selfSign(dir, 'cert', '/CN=parley-test', ['subjectAltName=IP:127.0.0.1']);
    expect(made.certPath).toBe(join(dir, 'cert.pem'));
    expect(made.keyPath).toBe(join(dir, 'cert.key'));
    const cert = new X509Certificate(made.cert);
    expect(cert.subject).toBe('CN=parley-test');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });
});
