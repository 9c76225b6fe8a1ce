import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { contentTypeFor } from './content-types.js';
import { sendText } from './json.js';

export interface StaticFilesOptions {
  /** Cache-Control for every file. Default `no-cache` (revalidate; the ETag makes it a 304). */
  cacheControl: string;
  /** File served for a directory. Default `index.html`. */
  indexFile: string;
}

/** A weak validator from size and modification time: cheap, and changes whenever the file does. */
export function etagFor(stats: Stats): string {
  return `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
}

function notModified(req: IncomingMessage, etag: string, stats: Stats): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch.split(',').some((tag) => {
      const t = tag.trim();
      return t === '*' || t === etag || `W/${t}` === etag;
    });
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && Math.floor(stats.mtimeMs / 1000) * 1000 <= since;
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * Serves files below one directory. A request can never leave it: `..` (plain or encoded),
 * NUL bytes, dot-files and symlinks pointing outside are all answered as not found.
 */
export class StaticFiles {
  /** `root` must be a real path (symlinks resolved) of an existing directory. */
  constructor(
    private readonly root: string,
    private readonly options: StaticFilesOptions,
  ) {}

  private inside(path: string): boolean {
    return path === this.root || path.startsWith(this.root + sep);
  }

  /** Resolves the file for `pathname`, or null when there is none we may serve. */
  private async locate(pathname: string): Promise<{ path: string; stats: Stats } | 'bad-request' | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return 'bad-request';
    }
    if (decoded.includes('\0')) return 'bad-request';
    if (decoded.split(/[\\/]/).some((segment) => segment.startsWith('.'))) return null;
    let path = join(this.root, decoded);
    if (!this.inside(path)) return null;
    let stats = await statOrNull(path);
    if (stats?.isDirectory()) {
      path = join(path, this.options.indexFile);
      stats = await statOrNull(path);
    }
    if (stats === null || !stats.isFile()) return null;
    const real = await realpath(path).catch(() => null);
    if (real === null || !this.inside(real)) return null;
    return { path, stats };
  }

  /** Answers GET/HEAD for a file; returns false when there is no such file (the caller 404s). */
  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const found = await this.locate(url.pathname);
    if (found === 'bad-request') {
      sendText(res, 400, 'Bad Request\n');
      return true;
    }
    if (found === null) return false;
    const { path, stats } = found;
    const etag = etagFor(stats);
    const headers = {
      etag,
      'last-modified': stats.mtime.toUTCString(),
      'cache-control': this.options.cacheControl,
    };
    if (notModified(req, etag, stats)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': contentTypeFor(path),
      'content-length': stats.size,
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await pipeline(createReadStream(path), res).catch(() => res.destroy());
    return true;
  }
}
