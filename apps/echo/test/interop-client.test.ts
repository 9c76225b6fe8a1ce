// Echo clients with independent servers: the `ws` package and Python's websockets (10.x, a
// child process). Parley's echo client is the testee; the ws client runs the Python leg too,
// which validates the harness itself.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { payloadOf } from './support/cases/framing.js';
import { loadParleyClient } from './support/parley-targets.js';
import { type EchoClientTarget, type RunningEchoClient, wsReferenceClient } from './support/targets.js';
import { OP, opcodeName } from './support/wire.js';

const parley = await loadParleyClient();
const MiB = 1024 * 1024;
/** How long one echo may take before the interop test fails naming it (no timing claims). */
const REPORT_WAIT_MS = 15_000;
const PYTHON = '/usr/bin/python3';
const PY_SCRIPT = fileURLToPath(new URL('./support/python-echo-peer.py', import.meta.url));
const pythonProbe = spawnSync(PYTHON, ['-c', 'import websockets; print(websockets.__version__)'], {
  encoding: 'utf8',
});
const pythonVersion = pythonProbe.status === 0 ? pythonProbe.stdout.trim() : null;

const children: ChildProcess[] = [];
const clients: RunningEchoClient[] = [];
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          for (const c of s.clients) c.terminate();
          s.close(() => resolve());
        }),
    ),
  );
});

interface PythonDone {
  event: 'done';
  checks: { kind: string; size: number; ok: boolean }[];
  extensions: string | null;
  close_code: number;
}

/** Starts the Python server; resolves with its port and a promise of its first report. */
async function startPython(mode: 'plain' | 'deflate'): Promise<{ port: number; done: Promise<PythonDone> }> {
  const child = spawn(PYTHON, [PY_SCRIPT, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const lines: ((line: Record<string, unknown>) => void)[] = [];
  const next = () => new Promise<Record<string, unknown>>((resolve) => lines.push(resolve));
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      lines.shift()?.(JSON.parse(line));
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`python exited (${code}): ${stderr}`))),
  );
  const listening = await Promise.race([next(), exited]);
  // Skip progress lines; give up (naming the message in flight) after REPORT_WAIT_MS of silence.
  const done = (async (): Promise<PythonDone> => {
    let inFlight = 'nothing yet';
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no echo within ${REPORT_WAIT_MS} ms; Python was waiting for: ${inFlight}`)),
          REPORT_WAIT_MS,
        );
      });
      const line = await Promise.race([next(), exited, silence]).finally(() => clearTimeout(timer));
      if (line.event === 'done') return line as unknown as PythonDone;
      inFlight = `the echo of ${line.kind} ${line.size}`;
    }
  })();
  return { port: Number(listening.port), done };
}

function pythonLeg(target: EchoClientTarget) {
  for (const mode of ['plain', 'deflate'] as const) {
    it(`echoes what Python websockets ${pythonVersion} sends (${mode}), answers its ping, echoes its close`, {
      timeout: 60_000,
    }, async () => {
      const py = await startPython(mode);
      const client = target.run(`ws://127.0.0.1:${py.port}/`);
      clients.push(client);
      const report = await py.done;
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.checks.length).toBe(15);
      expect(report.close_code).toBe(4002);
      if (mode === 'deflate') expect(report.extensions ?? '').toContain('permessage-deflate');
      await client.done; // the echo client finishes once the server has closed
    });
  }
}

/** A ws server that plays the same script as the Python one. */
function wsLeg(target: EchoClientTarget) {
  for (const deflate of [false, true]) {
    it(`echoes what a ws server sends ${deflate ? 'with' : 'without'} permessage-deflate`, {
      timeout: 60_000,
    }, async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: deflate });
      servers.push(wss);
      await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
      const { port } = wss.address() as { port: number };
      const connected = new Promise<import('ws').WebSocket>((resolve) => wss.once('connection', resolve));
      const client = target.run(`ws://127.0.0.1:${port}/`);
      clients.push(client);
      const ws = await connected;
      expect(ws.extensions).toBe(deflate ? 'permessage-deflate' : '');
      const echoes: { data: Buffer; binary: boolean }[] = [];
      const waiters: (() => void)[] = [];
      ws.on('message', (data, binary) => {
        echoes.push({ data: data as Buffer, binary });
        waiters.shift()?.();
      });
      let inFlight = '';
      const nextEcho = async () => {
        if (!echoes.length) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((resolve) => waiters.push(resolve)),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`no echo of ${inFlight} within ${REPORT_WAIT_MS} ms`)),
                REPORT_WAIT_MS,
              );
            }),
          ]).finally(() => clearTimeout(timer));
        }
        return echoes.shift()!;
      };
      for (const size of [0, 1, 125, 126, 65535, 65536, MiB, 16 * MiB]) {
        for (const opcode of [OP.text, OP.binary]) {
          const payload = payloadOf(opcode, size, size);
          ws.send(payload, { binary: opcode === OP.binary });
          inFlight = `${opcodeName(opcode)} ${size} B`;
          const echo = await nextEcho();
          expect({ size, binary: echo.binary, same: echo.data.equals(payload) }).toEqual({
            size,
            binary: opcode === OP.binary,
            same: true,
          });
        }
      }
      const parts = ['frag-', 'men-', 'ted ', 'κόσμε'];
      for (const [i, p] of parts.entries()) ws.send(p, { fin: i === parts.length - 1 });
      expect((await nextEcho()).data.toString()).toBe(parts.join(''));
      const pong = new Promise<Buffer>((resolve) => ws.once('pong', resolve));
      ws.ping('ws ping');
      expect((await pong).toString()).toBe('ws ping');
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.close(4003, 'ws done');
      expect(await closed).toBe(4003);
      await client.done;
    });
  }
}

describe.skipIf(!pythonVersion)(
  `ws client ↔ Python websockets (harness check${pythonVersion ? '' : ': no python3 websockets'})`,
  () => {
    pythonLeg(wsReferenceClient);
  },
);

describe.skipIf(!parley.target)(
  `Parley echo client ↔ ws server${parley.target ? '' : ` (${parley.reason})`}`,
  () => {
    wsLeg(parley.target!);
  },
);

describe.skipIf(!parley.target || !pythonVersion)(
  `Parley echo client ↔ Python websockets${parley.target ? '' : ` (${parley.reason})`}`,
  () => {
    pythonLeg(parley.target!);
  },
);
