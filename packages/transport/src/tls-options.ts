import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { err, ok, type Result } from '@parley/codec';
import { type TransportError, transportError } from './transport-error.js';

export interface TlsClientOptions {
  /**
   * Whom to trust. `'system'` (default): Node's bundled roots, plus the OS store where Node can
   * read it (`tls.getCACertificates('system')`, Node 22.15+). `'none'`: accept ANY certificate —
   * for tests against throwaway certs only, never in production. Otherwise a PEM string or a
   * path to a PEM file; it replaces the default roots.
   */
  ca?: 'system' | 'none' | string;
  /** Client certificate (PEM or path), for servers that require one. */
  cert?: string;
  /** Private key of `cert` (PEM or path). */
  key?: string;
  passphrase?: string;
  /** SNI name and the name the certificate must match. Default: the host, unless it is an IP literal. */
  servername?: string;
  /** Default true. `false` skips the name check but still verifies the chain. */
  checkHostname?: boolean;
  alpn?: string[];
}

export interface TlsServerOptions {
  /** Server certificate chain (PEM or path). */
  cert: string;
  /** Private key (PEM or path). */
  key: string;
  /** CA (PEM or path) that client certificates must chain to when `requestClientCert` is set. */
  ca?: string;
  /** Require a client certificate signed by `ca`; connections without one never reach the handler. */
  requestClientCert?: boolean;
  passphrase?: string;
  alpn?: string[];
}

const CONFIG_CONTEXT = { target: 'tls options', role: 'client' } as const;

/** Reads `value` as PEM when it looks like PEM, else as a path to a file holding PEM. */
export function loadPem(value: string, field: string): Result<string, TransportError> {
  if (value.includes('-----BEGIN')) return ok(value);
  try {
    return ok(readFileSync(value, 'utf8'));
  } catch (cause) {
    return err(
      transportError('TLS_CONFIG_INVALID', CONFIG_CONTEXT, `cannot read ${field} file ${value}`, cause),
    );
  }
}

type CaCertificateReader = (store: 'default' | 'system' | 'bundled') => string[];

/** Bundled roots plus the OS store, or undefined (Node's default context) where Node cannot read it. */
function systemCa(): string[] | undefined {
  const reader = (tls as unknown as { getCACertificates?: CaCertificateReader }).getCACertificates;
  if (reader === undefined) return undefined;
  try {
    return [...reader('bundled'), ...reader('system')];
  } catch {
    return undefined;
  }
}

function skipHostnameCheck(): undefined {
  return undefined;
}

// A SecureContext parses every CA certificate; building one per connection costs milliseconds.
// Contexts are cached per distinct (ca, cert, key, passphrase): files are read once per process.
const contextCache = new Map<string, tls.SecureContext>();
const CONTEXT_CACHE_LIMIT = 64;

function createCachedContext(
  ca: string | string[] | undefined,
  cert: string | undefined,
  key: string | undefined,
  passphrase: string | undefined,
  cacheKey: string,
): Result<tls.SecureContext, TransportError> {
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ ca, cert, key, passphrase });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return err(
      transportError('TLS_CONFIG_INVALID', CONFIG_CONTEXT, `cannot use certificate/key: ${detail}`, cause),
    );
  }
  if (contextCache.size >= CONTEXT_CACHE_LIMIT) contextCache.delete(contextCache.keys().next().value!);
  contextCache.set(cacheKey, context);
  return ok(context);
}

/**
 * Turns Parley's TLS client options into `tls.connect` options (also usable as undici
 * `connect` options). `host` is the name we dial: it becomes the SNI name unless it is an IP.
 */
export function resolveTlsClientOptions(
  options: TlsClientOptions,
  host: string,
): Result<tls.ConnectionOptions, TransportError> {
  const resolved: tls.ConnectionOptions = {};
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) resolved.servername = servername;
  if (options.alpn !== undefined) resolved.ALPNProtocols = options.alpn;
  if (options.checkHostname === false) resolved.checkServerIdentity = skipHostnameCheck;

  const caOption = options.ca ?? 'system';
  resolved.rejectUnauthorized = caOption !== 'none';
  if ((options.cert === undefined) !== (options.key === undefined)) {
    return err(
      transportError('TLS_CONFIG_INVALID', CONFIG_CONTEXT, 'tls.cert and tls.key must be given together'),
    );
  }
  // Fast path for every connection after the first: no file reads, no certificate parsing.
  const cacheKey = `${caOption}\0${options.cert ?? ''}\0${options.key ?? ''}\0${options.passphrase ?? ''}`;
  const cached = contextCache.get(cacheKey);
  if (cached !== undefined) {
    resolved.secureContext = cached;
    return ok(resolved);
  }

  let ca: string | string[] | undefined;
  if (caOption === 'system') ca = systemCa();
  else if (caOption !== 'none') {
    const pem = loadPem(caOption, 'ca');
    if (!pem.ok) return pem;
    ca = pem.value;
  }
  let cert: string | undefined;
  let key: string | undefined;
  if (options.cert !== undefined && options.key !== undefined) {
    const certPem = loadPem(options.cert, 'cert');
    if (!certPem.ok) return certPem;
    const keyPem = loadPem(options.key, 'key');
    if (!keyPem.ok) return keyPem;
    cert = certPem.value;
    key = keyPem.value;
  }

  // Nothing custom: Node's default context already shares its parsed root store.
  if (ca === undefined && cert === undefined) return ok(resolved);
  const context = createCachedContext(ca, cert, key, options.passphrase, cacheKey);
  if (!context.ok) return context;
  resolved.secureContext = context.value;
  return ok(resolved);
}

/** Turns Parley's TLS server options into `tls.createServer` options. */
export function resolveTlsServerOptions(options: TlsServerOptions): Result<tls.TlsOptions, TransportError> {
  const cert = loadPem(options.cert, 'cert');
  if (!cert.ok) return cert;
  const key = loadPem(options.key, 'key');
  if (!key.ok) return key;
  const resolved: tls.TlsOptions = { cert: cert.value, key: key.value };
  if (options.passphrase !== undefined) resolved.passphrase = options.passphrase;
  if (options.alpn !== undefined) resolved.ALPNProtocols = options.alpn;
  if (options.ca !== undefined) {
    const ca = loadPem(options.ca, 'ca');
    if (!ca.ok) return ca;
    resolved.ca = ca.value;
  }
  if (options.requestClientCert === true) {
    if (resolved.ca === undefined) {
      return err(
        transportError(
          'TLS_CONFIG_INVALID',
          CONFIG_CONTEXT,
          'requestClientCert needs tls.ca to verify clients against',
        ),
      );
    }
    resolved.requestCert = true;
    resolved.rejectUnauthorized = true;
  }
  // Validate now so a bad key is a value from listen(), not an exception at the first handshake.
  try {
    tls.createSecureContext(resolved);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return err(
      transportError('TLS_CONFIG_INVALID', CONFIG_CONTEXT, `cannot use certificate/key: ${detail}`, cause),
    );
  }
  return ok(resolved);
}
