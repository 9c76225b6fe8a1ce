/**
 * The web page's files (built into dist/public by build.mjs), read once at startup and
 * served from memory: the page is a few kilobytes and never changes while running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** `/index.html` → file, plus `/` for the index. Missing directory → empty map (API-only server). */
export function loadPageFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return files;
  }
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    files.set(`/${name}`, { body: readFileSync(join(dir, name)), contentType });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}
