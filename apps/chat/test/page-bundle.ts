// Bundles the web page (web/) into a directory the way build.mjs does, so the browser test
// runs against the current sources without a prior build.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const webDir = fileURLToPath(new URL('../web/', import.meta.url));

export async function bundlePage(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(webDir, 'main.ts')],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(webDir, file), join(outDir, file));
}
