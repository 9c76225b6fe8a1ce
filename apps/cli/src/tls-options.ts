import { flag, type OptionValues, stringOption, UsageError } from './args.js';

/** Client TLS flags shared by connect, send and receive (curl spells them the same way). */
export const CLIENT_TLS_OPTIONS = {
  cacert: { type: 'string' },
  insecure: { type: 'boolean', short: 'k' },
} as const;

/** Help lines for the client TLS flags, descriptions starting at column `width`. */
export function clientTlsHelp(width: number): string {
  return [
    ['      --cacert FILE', 'trust the CA certificate(s) in FILE (PEM) for wss://'],
    ['  -k, --insecure', 'do not verify the server certificate'],
  ]
    .map(([flags, text]) => `${flags!.padEnd(width)}${text}`)
    .join('\n');
}

/** `{ tls: { ca } }` for createClient, `{}` for the defaults (system trust store). */
export function clientTlsConfig(values: OptionValues): { tls?: { ca: string } } | UsageError {
  const cacert = stringOption(values, 'cacert');
  const insecure = flag(values, 'insecure');
  if (insecure && cacert !== undefined) return new UsageError('use either --insecure or --cacert');
  if (insecure) return { tls: { ca: 'none' } };
  return cacert === undefined ? {} : { tls: { ca: cacert } };
}

/** Server TLS flags of the relay servers. */
export const SERVER_TLS_OPTIONS = {
  cert: { type: 'string' },
  key: { type: 'string' },
} as const;

export const SERVER_TLS_HELP = `      --cert FILE  certificate chain (PEM) to serve wss:// (with --key)
      --key FILE   private key (PEM)`;

/** `{ tls: { cert, key } }` for createServer when both are given. */
export function serverTlsConfig(values: OptionValues): { tls?: { cert: string; key: string } } | UsageError {
  const cert = stringOption(values, 'cert');
  const key = stringOption(values, 'key');
  if ((cert === undefined) !== (key === undefined)) return new UsageError('--cert and --key go together');
  return cert === undefined || key === undefined ? {} : { tls: { cert, key } };
}
