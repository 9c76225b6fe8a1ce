import { createTestCa, LOCALHOST_SERVER } from '@parley/test-support';

/** Paths of a throwaway CA and a server certificate for localhost / 127.0.0.1 signed by it. */
export interface TestCertificates {
  caPath: string;
  certPath: string;
  keyPath: string;
  remove(): void;
}

/** Generated with the openssl CLI at test time; nothing secret is checked in. */
export function createTestCertificates(): TestCertificates {
  const pki = createTestCa('/CN=Parley HTTP Test CA', 'parley-http-pki-');
  const server = pki.issue('server', '/CN=localhost', LOCALHOST_SERVER);
  return { caPath: pki.ca.certPath, certPath: server.certPath, keyPath: server.keyPath, remove: pki.remove };
}
