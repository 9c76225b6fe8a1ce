import { describe, expect, it } from 'vitest';
import { classifyError, formatTarget, nodeErrorCode, toTransportError } from '../src/index.js';

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'ECONNREFUSED'],
    ['ECONNABORTED', 'ECONNRESET'],
    ['EAI_AGAIN', 'ENOTFOUND'],
    ['ENETUNREACH', 'EHOSTUNREACH'],
    ['EPERM', 'EACCES'],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'ETIMEDOUT'],
    ['ABORT_ERR', 'ABORTED'],
    ['CERT_HAS_EXPIRED', 'TLS_CERT_INVALID'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS_CERT_INVALID'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'TLS_CERT_INVALID'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'CLIENT_CERT_REQUIRED'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS_HANDSHAKE_FAILED'],
    ['ESOMETHINGELSE', 'UNKNOWN'],
  ])('%s → %s', (code, expected) => {
    expect(classifyError(errno(code), 'client')).toBe(expected);
  });

  it('reads an alert about a certificate from the point of view of the end that got it', () => {
    const alert = errno('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    expect(classifyError(alert, 'client')).toBe('CLIENT_CERT_REQUIRED');
    expect(classifyError(alert, 'server')).toBe('TLS_CERT_INVALID');
  });

  it('takes the code of the first member of an AggregateError (happy eyeballs)', () => {
    const aggregate = new AggregateError([errno('ECONNREFUSED'), errno('EHOSTUNREACH')]);
    expect(nodeErrorCode(aggregate)).toBe('ECONNREFUSED');
    expect(classifyError(aggregate, 'client')).toBe('ECONNREFUSED');
  });

  it('anything without a code is UNKNOWN', () => {
    expect(classifyError(new Error('plain'), 'client')).toBe('UNKNOWN');
    expect(classifyError('a string', 'client')).toBe('UNKNOWN');
    expect(classifyError(null, 'client')).toBe('UNKNOWN');
  });
});

describe('toTransportError', () => {
  it('keeps the original as cause and writes a message a person understands', () => {
    const original = errno('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:80');
    const error = toTransportError(original, { target: '10.0.0.1:80', role: 'client' });
    expect(error).toEqual({
      code: 'ECONNREFUSED',
      message: 'connection to 10.0.0.1:80 was refused: nothing is listening there',
      cause: original,
    });
  });

  it('names where to fix a TLS trust problem', () => {
    const error = toTransportError(
      errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      {
        target: 'example.com:443',
        role: 'client',
      },
    );
    expect(error.message).toBe(
      'the certificate of example.com:443 is not trusted (unable to verify the first certificate); pass its CA in tls.ca',
    );
  });
});

describe('formatTarget', () => {
  it('brackets IPv6 literals', () => {
    expect(formatTarget('::1', 80)).toBe('[::1]:80');
    expect(formatTarget('example.com', 443)).toBe('example.com:443');
  });
});
