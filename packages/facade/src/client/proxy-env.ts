/**
 * Which HTTP CONNECT proxy (http:// or https://, if any) to use for a WebSocket URL, from an explicit setting or
 * the environment like curl: `HTTPS_PROXY` for wss://, `HTTP_PROXY` for ws:// (lowercase
 * names win over uppercase), skipped for hosts matched by `NO_PROXY`. Pure: the environment
 * is passed in.
 */
export type ProxySetting = false | 'env' | string;
export type Environment = Readonly<Record<string, string | undefined>>;

export function resolveProxy(target: URL, setting: ProxySetting, env: Environment): URL | null {
  if (setting === false) return null;
  if (setting !== 'env') return new URL(setting);
  const secure = target.protocol === 'wss:' || target.protocol === 'https:';
  const raw = secure ? firstSet(env.https_proxy, env.HTTPS_PROXY) : firstSet(env.http_proxy, env.HTTP_PROXY);
  if (raw === undefined) return null;
  const noProxy = firstSet(env.no_proxy, env.NO_PROXY) ?? '';
  if (isExcluded(target, noProxy)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  if (!URL.canParse(withScheme)) return null;
  const proxy = new URL(withScheme);
  return proxy.protocol === 'http:' || proxy.protocol === 'https:' ? proxy : null;
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  for (const value of values) if (value !== undefined && value.trim() !== '') return value.trim();
  return undefined;
}

/** NO_PROXY: comma/space separated; `*` matches all; `.example.com`, `*.example.com` and `example.com` match the domain and its subdomains; `host:port` matches that port only. */
export function isExcluded(target: URL, noProxy: string): boolean {
  const host = stripBrackets(target.hostname.toLowerCase());
  const port = effectivePort(target);
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    const entry = rawEntry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (domain === '') continue;
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitHostPort(entry: string): { name: string; entryPort: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, entryPort: toPort(bracketed[2]) };
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [name, port] = entry.split(':') as [string, string];
    return { name, entryPort: toPort(port) };
  }
  return { name: entry, entryPort: undefined }; // bare name or bare IPv6 address
}

function toPort(value: string | undefined): number | undefined {
  return value === undefined || value === '' ? undefined : Number(value);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'wss:' || url.protocol === 'https:' ? 443 : 80;
}
