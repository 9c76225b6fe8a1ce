#!/usr/bin/env node
// Resident memory per connection of the permessage-deflate transform, Parley vs ws, in the
// shape of the server-wide deflate echo benchmark: N server-side transforms (connections),
// 64 active at a time, each echoing M compressed 16 KiB JSON messages (inflate the request,
// deflate the reply), all kept open; then RSS growth / N. Each cell runs in a fresh process.
// `--contexts` instead measures one raw zlib context (as the transform creates it) per
// windowBits / memLevel after compressing or inflating 16 KiB JSON three times.
//   npx tsc -p packages/codec/tsconfig.json && node packages/codec/bench/deflate-memory.mjs [N] [M]
//   node packages/codec/bench/deflate-memory.mjs --contexts [N]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { constants, createDeflateRaw, createInflateRaw } from 'node:zlib';
import { deflatedPayload, loadWsPerMessageDeflate, sampleJson } from './deflate-fixtures.mjs';

const here = fileURLToPath(import.meta.url);

const SCENARIOS = {
  'client_no_context_takeover (the benchmark client)': {
    server_no_context_takeover: false,
    client_no_context_takeover: true,
  },
  'takeover both ways (browsers)': { server_no_context_takeover: false, client_no_context_takeover: false },
  'no takeover either way': { server_no_context_takeover: true, client_no_context_takeover: true },
};

async function child(impl, scenario, n, m) {
  const flags = SCENARIOS[scenario];
  const message = sampleJson(16 * 1024, 1);
  const wire = deflatedPayload(message);
  const transforms = [];
  let create;
  if (impl === 'parley') {
    const { PerMessageDeflate } = await import('../dist/deflate/per-message-deflate.js');
    const params = {
      serverNoContextTakeover: flags.server_no_context_takeover,
      clientNoContextTakeover: flags.client_no_context_takeover,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    };
    create = () => new PerMessageDeflate(params, 'server', { maxPayload: 100 * 1024 * 1024 });
  } else {
    const Ws = loadWsPerMessageDeflate();
    create = () => {
      const pmd = new Ws({ isServer: true, maxPayload: 100 * 1024 * 1024 });
      pmd.params = { ...flags, server_max_window_bits: 15, client_max_window_bits: 15 };
      return pmd;
    };
  }
  const call = (t, op, data) =>
    new Promise((resolve, reject) => {
      const cb = (error, result) => (error ? reject(error) : resolve(result));
      if (op === 'decompress') t.decompress(data, true, cb);
      else if (impl === 'parley') t.compress(data, cb);
      else t.compress(data, true, cb);
    });
  globalThis.gc();
  const before = process.memoryUsage().rss;
  // Each request is its own deflate stream, so any inflater decodes it whatever its history.
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const t = create();
      transforms.push(t);
      next++;
      for (let i = 0; i < m; i++) await call(t, 'compress', await call(t, 'decompress', wire));
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  globalThis.gc();
  const after = process.memoryUsage().rss;
  const usage = process.memoryUsage();
  if (process.env.DEFLATE_MEMORY_DEBUG) console.error(impl, scenario, usage);
  process.stdout.write(JSON.stringify({ perConnectionKiB: (after - before) / 1024 / n }));
}

async function contextChild(kind, windowBits, memLevel, n) {
  const message = sampleJson(16 * 1024, 1);
  const wire = Buffer.concat([deflatedPayload(message, windowBits), Buffer.from([0, 0, 0xff, 0xff])]);
  const flush = constants.Z_SYNC_FLUSH;
  globalThis.gc();
  const before = process.memoryUsage().rss;
  const streams = Array.from({ length: n }, () =>
    kind === 'deflate'
      ? createDeflateRaw({ level: 1, windowBits, memLevel, flush })
      : createInflateRaw({ windowBits, flush }),
  );
  for (const stream of streams) stream.on('data', () => {});
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      streams.map(
        (stream) => new Promise((resolve) => stream.write(kind === 'deflate' ? message : wire, resolve)),
      ),
    );
    if (kind === 'inflate') for (const stream of streams) stream.reset();
  }
  globalThis.gc();
  process.stdout.write(JSON.stringify({ perContextKiB: (process.memoryUsage().rss - before) / 1024 / n }));
}

if (process.argv[2] === '--context-child') {
  await contextChild(
    process.argv[3],
    Number(process.argv[4]),
    Number(process.argv[5]),
    Number(process.argv[6]),
  );
} else if (process.argv[2] === '--contexts') {
  const n = Number(process.argv[3] ?? 1000);
  console.log(
    `RSS per zlib context (${n} contexts, each used 3 times on 16 KiB JSON; includes the 16 KiB output buffer)`,
  );
  console.log('| context | windowBits | memLevel | RSS per context |');
  console.log('| --- | ---: | ---: | ---: |');
  const cells = [
    ['deflate', 15, 9],
    ['deflate', 15, 8],
    ['deflate', 15, 7],
    ['deflate', 14, 8],
    ['deflate', 13, 8],
    ['deflate', 12, 8],
    ['deflate', 9, 8],
    ['inflate', 15, 0],
    ['inflate', 13, 0],
    ['inflate', 9, 0],
  ];
  for (const [kind, windowBits, memLevel] of cells) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', here, '--context-child', kind, String(windowBits), String(memLevel || 8), String(n)],
      { encoding: 'utf8' },
    );
    const { perContextKiB } = JSON.parse(out);
    console.log(`| ${kind} | ${windowBits} | ${memLevel || '–'} | ${perContextKiB.toFixed(1)} KiB |`);
  }
} else if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4], Number(process.argv[5]), Number(process.argv[6]));
} else {
  const n = Number(process.argv[2] ?? 1000);
  const m = Number(process.argv[3] ?? 100);
  console.log(
    `RSS growth per connection: ${n} server-side transforms, 64 at a time, ${m} echoes of 16 KiB JSON each`,
  );
  console.log('| scenario | ws | Parley | Parley / ws |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const scenario of Object.keys(SCENARIOS)) {
    const run = (impl) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--expose-gc', here, '--child', impl, scenario, String(n), String(m)],
          { encoding: 'utf8' },
        ),
      ).perConnectionKiB;
    const ws = run('ws');
    const parley = run('parley');
    console.log(
      `| ${scenario} | ${ws.toFixed(1)} KiB | ${parley.toFixed(1)} KiB | ${(parley / ws).toFixed(2)} |`,
    );
  }
}
