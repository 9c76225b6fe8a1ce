import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild, waitForLine } from '@parley/test-support';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// One smoke test of the real executable: src/cli.ts bundled by esbuild (from TypeScript
// sources, through the @parley/source condition) and run by node as a child process, so the
// shebang entry, process signals and exit codes are exercised without a prior build.
let dir: string;
let bundle: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-bundle-'));
  bundle = join(dir, 'parley.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../src/cli.ts', import.meta.url))],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@parley/source'],
    // undici is CommonJS and require()s node built-ins, which an ESM bundle needs a require for.
    banner: {
      js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopChild(child)));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

function run(args: string[]): { child: ChildProcess; stdout: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, exit };
}

describe('the parley executable (child process)', () => {
  it('exits 2 on a usage error and 0 for --help', async () => {
    expect(await run(['connect']).exit).toBe(2);
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout()).toContain('usage: parley <command>');
  });

  it('runs echo-server until SIGINT while a piped connect talks to it', async () => {
    const server = run(['echo-server', '--port', '0']);
    const [, url] = await waitForLine(server.child, /listening on (ws:\/\/\S+)/);
    const client = run(['connect', url!, '--no-reconnect']);
    client.child.stdin!.end('over a real pipe\n');
    expect(await client.exit).toBe(0);
    expect(client.stdout()).toContain('< over a real pipe\n');
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
    expect(server.stdout()).toContain('stopped');
  });
});
