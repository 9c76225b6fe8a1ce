import { createTestCa, type Issued, LOCALHOST_SERVER } from '@parley/test-support';

export interface TestPki {
  dir: string;
  ca: Issued;
  /** Signed by `ca`, valid for localhost and 127.0.0.1. */
  server: Issued;
  /** Signed by `ca`, valid only for other.example. */
  wrongHost: Issued;
  /** Self-signed, valid for localhost and 127.0.0.1. */
  selfSigned: Issued;
  /** Client certificate signed by `ca`. */
  client: Issued;
  /** Client certificate signed by nobody the server trusts. */
  rogueClient: Issued;
  remove(): void;
}

/** Generates a throwaway CA and the certificates the TLS tests need, with the openssl CLI. */
export function createTestPki(): TestPki {
  const pki = createTestCa('/CN=Parley Test CA', 'parley-pki-');
  const clientAuth = 'extendedKeyUsage=clientAuth';
  return {
    dir: pki.dir,
    ca: pki.ca,
    server: pki.issue('server', '/CN=localhost', LOCALHOST_SERVER),
    wrongHost: pki.issue('wrong-host', '/CN=other.example', [
      'subjectAltName=DNS:other.example',
      'extendedKeyUsage=serverAuth',
    ]),
    selfSigned: pki.selfSign('self-signed', '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1']),
    client: pki.issue('client', '/CN=parley-client', [clientAuth]),
    rogueClient: pki.selfSign('rogue-client', '/CN=rogue-client', [clientAuth]),
    remove: pki.remove,
  };
}
