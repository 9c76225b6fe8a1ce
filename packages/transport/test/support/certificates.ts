import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text and file path of one certificate + key. */
export interface Issued {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

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

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function read(dir: string, name: string): Issued {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

function selfSign(dir: string, name: string, subject: string, extensions: string[]): Issued {
  const ext = extensions.flatMap((e) => ['-addext', e]);
  openssl(dir, [
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    subject,
    ...ext,
  ]);
  return read(dir, name);
}

function issue(dir: string, name: string, subject: string, extensions: string[]): Issued {
  writeFileSync(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  openssl(dir, ['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  ]);
  return read(dir, name);
}

/** Generates a throwaway CA and the certificates the TLS tests need, with the openssl CLI. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'parley-pki-'));
  const ca = selfSign(dir, 'ca', '/CN=Parley Test CA', [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const serverAuth = 'extendedKeyUsage=serverAuth';
  return {
    dir,
    ca,
    server: issue(dir, 'server', '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1', serverAuth]),
    wrongHost: issue(dir, 'wrong-host', '/CN=other.example', [
      'subjectAltName=DNS:other.example',
      serverAuth,
    ]),
    selfSigned: selfSign(dir, 'self-signed', '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1']),
    client: issue(dir, 'client', '/CN=parley-client', ['extendedKeyUsage=clientAuth']),
    rogueClient: selfSign(dir, 'rogue-client', '/CN=rogue-client', ['extendedKeyUsage=clientAuth']),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
