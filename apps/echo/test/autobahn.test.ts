import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { runAutobahnClient } from '../src/index.js';
import { bundleCli, removeCliBundle } from './support/cli-targets.js';
import { children, closeEverything, servers } from './support/cleanup.js';

/** What one case sends; the fuzzing server closes 1000 once every message has come back. */
type Message = { data: string | Buffer; fragmented?: boolean };

interface FuzzingServer {
  url: string;
  /** Requests in arrival order: 'getCaseCount', 'runCase 2 Parley', 'updateReports Parley'. */
  requests: string[];
  /** Per case number: the echoes received, as [bytes, isBinary]. */
  echoes: Map<number, [Buffer, boolean][]>;
}

afterEach(closeEverything);

/**
 * A stand-in for autobahn-testsuite's fuzzingserver, speaking its client protocol over `ws`:
 * /getCaseCount answers `countText` and closes, /runCase?case=N sends case N's messages and
 * closes once they are echoed, /updateReports?agent=A closes. `refuse` lists cases whose
 * upgrade is answered 403.
 */
async function startFuzzingServer(
  cases: Message[][],
  { countText = String(cases.length), refuse = [] as number[] } = {},
): Promise<FuzzingServer> {
  const requests: string[] = [];
  const echoes = new Map<number, [Buffer, boolean][]>();
  const server = http.createServer();
  const wss = new WebSocketServer({
    server,
    verifyClient: ({ req }: { req: http.IncomingMessage }) => {
      const url = new URL(req.url ?? '/', 'ws://x');
      return !(url.pathname === '/runCase' && refuse.includes(Number(url.searchParams.get('case'))));
    },
  });
  wss.on('connection', (peer: WebSocket, request: http.IncomingMessage) => {
    const url = new URL(request.url ?? '/', 'ws://x');
    const agent = url.searchParams.get('agent');
    if (url.pathname === '/getCaseCount') {
      requests.push('getCaseCount');
      peer.send(countText);
      peer.close(1000);
    } else if (url.pathname === '/runCase') {
      const n = Number(url.searchParams.get('case'));
      requests.push(`runCase ${n} ${agent}`);
      const messages = cases[n - 1] ?? [];
      const got: [Buffer, boolean][] = [];
      echoes.set(n, got);
      peer.on('message', (data: RawData, isBinary: boolean) => {
        got.push([Buffer.from(data as Buffer), isBinary]);
        if (got.length === messages.length) peer.close(1000);
      });
      if (messages.length === 0) peer.close(1000);
      for (const { data, fragmented } of messages) {
        if (!fragmented) {
          peer.send(data);
          continue;
        }
        const bytes = Buffer.from(data);
        const binary = typeof data !== 'string';
        peer.send(bytes.subarray(0, 3), { binary, fin: false });
        peer.send(bytes.subarray(3), { binary, fin: true });
      }
    } else {
      requests.push(`${url.pathname.slice(1)} ${agent}`);
      peer.close(1000);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push({ wss, server });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, echoes };
}

const CASES: Message[][] = [
  [{ data: 'hello' }, { data: Buffer.from([1, 2, 3]) }],
  [{ data: Buffer.alloc(70_000, 0x5a) }, { data: 'fragmented text', fragmented: true }],
  [],
];

describe('runAutobahnClient', () => {
  it('asks for the case count, runs every case in order echoing each message, then updates the reports', async () => {
    const fuzzing = await startFuzzingServer(CASES);
    const lines: string[] = [];
    const result = await runAutobahnClient(`${fuzzing.url}/`, { log: (line) => lines.push(line) });
    expect(result).toEqual({ caseCount: 3, ran: 3, notOpened: [], reportsUpdated: true });
    expect(fuzzing.requests).toEqual([
      'getCaseCount',
      'runCase 1 Parley',
      'runCase 2 Parley',
      'runCase 3 Parley',
      'updateReports Parley',
    ]);
    expect(fuzzing.echoes.get(1)).toEqual([
      [Buffer.from('hello'), false],
      [Buffer.from([1, 2, 3]), true],
    ]);
    expect(fuzzing.echoes.get(2)).toEqual([
      [Buffer.alloc(70_000, 0x5a), true],
      [Buffer.from('fragmented text'), false],
    ]);
    expect(lines).toEqual([
      'case 1/3: closed 1000, 2 echoed',
      'case 2/3: closed 1000, 2 echoed',
      'case 3/3: closed 1000, 0 echoed',
      'reports updated',
    ]);
  });

  it('runs only the cases asked for, files them under the agent given, and reports cases that did not open', async () => {
    const fuzzing = await startFuzzingServer(CASES, { refuse: [3] });
    const result = await runAutobahnClient(fuzzing.url, { agent: 'Parley 1.0/test', from: 2, to: 9 });
    expect(result).toEqual({ caseCount: 3, ran: 2, notOpened: [3], reportsUpdated: true });
    expect(fuzzing.requests).toEqual([
      'getCaseCount',
      'runCase 2 Parley 1.0/test',
      'updateReports Parley 1.0/test',
    ]);
  });

  it('runs nothing when the case count is not a number', async () => {
    const fuzzing = await startFuzzingServer(CASES, { countText: 'three' });
    const result = await runAutobahnClient(fuzzing.url);
    expect(result).toEqual({ caseCount: null, ran: 0, notOpened: [], reportsUpdated: false });
    expect(fuzzing.requests).toEqual(['getCaseCount']);
  });

  it('stops after an aborted case and still updates the reports', async () => {
    const fuzzing = await startFuzzingServer(CASES);
    const controller = new AbortController();
    const result = await runAutobahnClient(fuzzing.url, {
      signal: controller.signal,
      log: (line) => {
        if (line.startsWith('case 1/')) controller.abort();
      },
    });
    expect(result).toMatchObject({ caseCount: 3, ran: 1, reportsUpdated: true });
    expect(fuzzing.requests).toEqual(['getCaseCount', 'runCase 1 Parley', 'updateReports Parley']);
  });
});

describe('echo autobahn (CLI)', () => {
  let cli: string;

  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(removeCliBundle);

  function runCli(args: string[]): { exit: Promise<number>; output: () => string } {
    const child = spawn(process.execPath, [cli, 'autobahn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exit = once(child, 'exit').then(([code]) => code as number);
    return { exit, output: () => output };
  }

  it('runs the cases and exits 0 once the reports are updated', async () => {
    const fuzzing = await startFuzzingServer(CASES);
    const run = runCli([fuzzing.url, '--agent', 'cli', '--cases', '1-2']);
    expect(await run.exit).toBe(0);
    expect(fuzzing.requests).toEqual(['getCaseCount', 'runCase 1 cli', 'runCase 2 cli', 'updateReports cli']);
    expect(fuzzing.echoes.get(2)![0]).toEqual([Buffer.alloc(70_000, 0x5a), true]);
    expect(run.output()).toMatch(/^ran 2 of 3 cases; 0 did not open$/m);
  });

  it('exits 2 on bad arguments and 1 when there is no fuzzing server', async () => {
    const missing = runCli([]);
    expect(await missing.exit).toBe(2);
    expect(missing.output()).toContain("missing the fuzzing server's URL");
    const badRange = runCli(['ws://127.0.0.1:9', '--cases', '5-2']);
    expect(await badRange.exit).toBe(2);
    expect(badRange.output()).toContain('--cases must be N or FROM-TO');
    const refused = runCli(['ws://127.0.0.1:9']);
    expect(await refused.exit).toBe(1);
    expect(refused.output()).toContain('no case count from ws://127.0.0.1:9/getCaseCount');
  });
});
