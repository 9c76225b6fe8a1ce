// The echo programs as the independent suite runs them: `echo server --port P [--deflate]` and
// `echo client <url>`, from apps/echo/src/cli.ts bundled with esbuild (workspace packages
// resolved to their sources), so no prior build is needed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnAndWaitForLine, stopChild } from '@parley/test-support';
import type { EchoClientTarget, EchoServerTarget, RunningEchoServer } from './targets.js';

const CLI_SOURCE = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

function cliSource(): string {
  try {
    return readFileSync(CLI_SOURCE, 'utf8');
  } catch {
    return '';
  }
}

let bundled: Promise<{ file: string; dir: string }> | null = null;

/** The path of cli.ts bundled once per test file (removeCliBundle deletes it). */
export async function bundleCli(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'parley-echo-conformance-'));
    const file = join(dir, 'cli.mjs');
    await build({
      entryPoints: [CLI_SOURCE],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['@parley/source'],
      logLevel: 'silent',
    });
    return { file, dir };
  })();
  return (await bundled).file;
}

/** Removes the bundle (call from afterAll of the file that used a CLI target). */
export async function removeCliBundle(): Promise<void> {
  if (!bundled) return;
  const { dir } = await bundled;
  rmSync(dir, { recursive: true, force: true });
  bundled = null;
}

/** `echo server` as a child process, if cli.ts has that subcommand. */
export function cliServerTarget(): EchoServerTarget | null {
  if (!/\bserver\s*:\s*\{/.test(cliSource())) return null;
  return {
    name: 'parley-cli',
    strictFailFast: true,
    async start({ deflate, path }) {
      const cli = await bundleCli();
      const args = [cli, 'server', '--port', '0', '--path', path, ...(deflate ? ['--deflate'] : [])];
      const { child, match } = await spawnAndWaitForLine(
        process.execPath,
        args,
        /^listening on (ws:\/\/\S+)$/,
        {
          first: true,
        },
      );
      const url = new URL(match[1]!);
      const server: RunningEchoServer = {
        port: Number(url.port),
        path: url.pathname,
        pathEnforced: url.pathname !== '/',
        close: () => stopChild(child),
      };
      return server;
    },
  };
}

/** `echo client <url>` as a child process per connection, if cli.ts has that subcommand. */
export function cliClientTarget(): EchoClientTarget | null {
  if (!/\bclient\s*:\s*\{/.test(cliSource())) return null;
  return {
    name: 'parley-cli',
    strictFailFast: true,
    run(url) {
      let child: ChildProcess | null = null;
      const done = bundleCli().then(
        (cli) =>
          new Promise<void>((resolve) => {
            child = spawn(process.execPath, [cli, 'client', url], { stdio: 'ignore' });
            child.once('exit', () => resolve());
          }),
      );
      return {
        done,
        stop: () => {
          if (child) void stopChild(child);
        },
      };
    },
  };
}
