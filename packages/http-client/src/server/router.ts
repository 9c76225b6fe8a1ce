import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Handles one request. `url` is the parsed request target (path and query). May be async:
 * a returned promise is awaited, and a rejection becomes a 500. Other return values are ignored.
 */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown;

export interface Route {
  /** Method(s) this route answers, upper case; `'*'` for any. A GET route also answers HEAD. */
  method: string | string[];
  /** Path to match against the request path (query string excluded). */
  path: string;
  /**
   * `'exact'` (default): the path must be equal. `'prefix'`: the path or anything below it at
   * a segment boundary (`/api` matches `/api` and `/api/x`, not `/apix`).
   */
  match?: 'exact' | 'prefix';
  handler: Handler;
}

export type RouteLookup =
  | { kind: 'found'; handler: Handler }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'none' };

interface CompiledRoute {
  methods: Set<string> | null; // null: any method
  path: string;
  prefix: boolean;
  handler: Handler;
}

function pathMatches(route: CompiledRoute, path: string): boolean {
  if (!route.prefix) return path === route.path;
  if (!path.startsWith(route.path)) return false;
  return (
    path.length === route.path.length ||
    route.path.endsWith('/') ||
    path.charCodeAt(route.path.length) === 0x2f
  );
}

/** The route table: first route whose path and method match wins, in declaration order. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => {
      const list = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
      const methods = list.includes('*') ? null : new Set(list);
      if (methods?.has('GET')) methods.add('HEAD');
      return { methods, path: route.path, prefix: route.match === 'prefix', handler: route.handler };
    });
  }

  lookup(method: string, path: string): RouteLookup {
    const allow = new Set<string>();
    for (const route of this.routes) {
      if (!pathMatches(route, path)) continue;
      if (route.methods === null || route.methods.has(method))
        return { kind: 'found', handler: route.handler };
      for (const m of route.methods) allow.add(m);
    }
    return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow].sort() } : { kind: 'none' };
  }
}
