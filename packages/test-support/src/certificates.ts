// Throwaway certificates made with the openssl CLI at test time, so no key is ever checked in.
// Every key is EC P-256 and every certificate is valid for two days.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM text and file path of one certificate and its key. */
export interface Issued {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** Extensions of a server certificate for localhost and 127.0.0.1. */
export const LOCALHOST_SERVER = ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth'];

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const DAYS = ['-days', '2'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function read(dir: string, name: string): Issued {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

/**
 * Writes `<name>.pem` and `<name>.key` into `dir`: a self-signed certificate for `subject`
 * (e.g. '/CN=localhost') with the given `-addext` extensions (e.g. 'subjectAltName=IP:127.0.0.1').
 */
export function selfSign(dir: string, name: string, subject: string, extensions: string[]): Issued {
  const ext = extensions.flatMap((e) => ['-addext', e]);
  openssl(dir, [
    'req',
    '-x509',
    ...KEY,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    ...DAYS,
    '-subj',
    subject,
    ...ext,
  ]);
  return read(dir, name);
}

/** A certificate authority in a temporary directory, and what it signs. */
export interface TestCa {
  /** The temporary directory holding every file. */
  dir: string;
  /** The CA's own certificate (ca.pem) and key (ca.key). */
  ca: Issued;
  /** Writes `<name>.pem` and `<name>.key` into `dir`, signed by the CA (same arguments as selfSign). */
  issue(name: string, subject: string, extensions: string[]): Issued;
  /** selfSign into `dir`: a certificate nobody the CA's trusters trust. */
  selfSign(name: string, subject: string, extensions: string[]): Issued;
  /** Deletes `dir`. */
  remove(): void;
}

/** Makes a throwaway CA named `subject` in a new temporary directory starting with `prefix`. */
export function createTestCa(subject = '/CN=Parley Test CA', prefix = 'parley-pki-'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ca = selfSign(dir, 'ca', subject, [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return {
    dir,
    ca,
    issue(name, subjectName, extensions) {
      writeFileSync(join(dir, `${name}.ext`), `${extensions.join('\n')}\n`);
      openssl(dir, ['req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subjectName]);
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
        ...DAYS,
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      ]);
      return read(dir, name);
    },
    selfSign: (name, subjectName, extensions) => selfSign(dir, name, subjectName, extensions),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
