#!/usr/bin/env node
// Parley's benchmark suite: every workload against Parley's server, ws (without and with its
// native addons) and a raw node:net echo, back to back in one run; the server and the load
// generator run in separate processes pinned to different CPUs. Medians of N repetitions.
//   node bench/run.mjs [--quick] [--reps N] [--only echo,connRate,...] [--servers parley,ws,...]
//   node bench/run.mjs --render   (BENCH.md and the chart again from results/full.json, no run)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { nextMessage, pinned, startNode, stop } from './lib/proc.mjs';
import { renderMarkdown, renderSvg } from './lib/report.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
    reps: { type: 'string' },
    only: { type: 'string' },
    servers: { type: 'string' },
    out: { type: 'string', default: new URL('.', import.meta.url).pathname },
  },
});
const quick = opts.quick;
const reps = Number(opts.reps ?? (quick ? 1 : 3));
const only = opts.only ? new Set(opts.only.split(',')) : null;
const S = quick ? 1.0 : 3; // seconds per throughput cell

const parleyAvailable = existsSync(new URL('./servers/parley.mjs', import.meta.url));
const SERVERS = {
  raw: { label: 'raw node:net', script: 'servers/raw-net.mjs', ws: false },
  ws: { label: 'ws', script: 'servers/ws.mjs', env: { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' } },
  'ws+addons': { label: 'ws + bufferutil', script: 'servers/ws.mjs' },
  ...(parleyAvailable ? { parley: { label: 'Parley', script: 'servers/parley.mjs' } } : {}),
  // Only with --servers ...,parley+addons: Parley after useNativeMasking(bufferutil).
  ...(parleyAvailable
    ? {
        'parley+addons': {
          label: 'Parley + bufferutil',
          script: 'servers/parley.mjs',
          env: { PARLEY_NATIVE_MASKING: '1' },
          optional: true,
        },
        // In the connection-rate cell always, elsewhere only with --servers ...,parley+http:
        // Parley's node:http listener (upgrade event) instead of its raw listener.
        'parley+http': {
          label: 'Parley (node:http listener)',
          script: 'servers/parley.mjs',
          env: { PARLEY_LISTENER: 'node-http' },
          optional: true,
        },
      }
    : {}),
};
const serverFilter = opts.servers ? new Set(opts.servers.split(',')) : null;
const defaultServers = Object.keys(SERVERS).filter((k) => !SERVERS[k].optional || serverFilter?.has(k));
const wsServers = defaultServers.filter((k) => k !== 'raw');

const cells = [];
function want(w) {
  return !only || only.has(w);
}
const sizes = quick ? [32, 1024, 65536] : [32, 1024, 65536, 1048576];
if (want('echo')) {
  for (const size of sizes)
    cells.push({
      workload: 'echo',
      name: `echo binary ${fmtSize(size)}`,
      servers: defaultServers,
      params: { size, conns: 64, seconds: S },
    });
  cells.push({
    workload: 'echo',
    name: 'echo text 32 B',
    servers: defaultServers,
    params: { size: 32, text: true, conns: 64, seconds: S },
  });
}
if (want('latency'))
  cells.push({
    workload: 'latency',
    name: 'latency 1 conn, 32 B',
    servers: defaultServers,
    params: { size: 32, seconds: quick ? 1 : 2 },
  });
if (want('connRate'))
  cells.push({
    workload: 'connRate',
    name: 'connections/s (open, echo, close)',
    // The issue asks for node:http's upgrade path against Parley's raw listener here.
    servers: [
      ...defaultServers,
      ...(parleyAvailable &&
      !defaultServers.includes('parley+http') &&
      (!serverFilter || serverFilter.has('parley'))
        ? ['parley+http']
        : []),
    ],
    params: { seconds: S, parallel: 32 },
  });
if (want('idle'))
  cells.push({
    workload: 'idle',
    name: `idle ${quick ? '1,000' : '10,000'} connections`,
    servers: defaultServers,
    params: { conns: quick ? 1000 : 10000 },
  });
if (want('broadcast'))
  cells.push({
    workload: 'broadcast',
    name: `broadcast 1 → ${quick ? 200 : 1000}`,
    servers: wsServers,
    env: { BENCH_MODE: 'broadcast' },
    params: { receivers: quick ? 200 : 1000, seconds: S, size: 32, window: 4 },
  });
if (want('deflateEcho'))
  cells.push({
    workload: 'deflateEcho',
    name: `deflate echo 16 KiB JSON (${quick ? 100 : 1000} conns × ${quick ? 20 : 100})`,
    servers: wsServers.filter((s) => s !== 'ws'),
    env: { BENCH_DEFLATE: '1' },
    params: { conns: quick ? 100 : 1000, perConn: quick ? 20 : 100, parallel: 64 },
  });
// Client cells run against two peers: the ws server (the setup) and the reflector, a
// frame-reflecting peer cheap enough that the client under test is the bottleneck.
if (want('client'))
  for (const peer of ['reflector', 'ws'])
    for (const size of [32, 65536])
      cells.push({
        workload: 'client',
        name: `client ${fmtSize(size)}, 32 in flight (${peer === 'ws' ? 'ws server' : 'reflector'})`,
        clients: ['ws', 'ws+addons', ...(parleyAvailable ? ['parley'] : [])],
        peer,
        params: { size, inflight: 32, seconds: S },
      });

function fmtSize(n) {
  return n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

async function runServerCell(cell, serverKey) {
  const spec = SERVERS[serverKey];
  const server = startNode(spec.script, { cpu: 0, env: { ...(spec.env ?? {}), ...(cell.env ?? {}) } });
  const { port } = await nextMessage(server, 'ready');
  const gen = startNode('lib/loadgen.mjs', { cpu: 1 });
  const raw = serverKey === 'raw';
  try {
    let before;
    if (cell.workload === 'idle') before = await probeMem(server);
    // Server CPU over the cell: below ~90% busy the load generator (or the machine) was the limit.
    const cpuBefore = await probeCpu(server);
    gen.send({ workload: cell.workload, params: { ...cell.params, port, raw } });
    let result;
    if (cell.workload === 'idle') {
      const { open } = await nextMessage(gen, 'idle-open');
      await new Promise((r) => setTimeout(r, 500));
      const after = await probeMem(server);
      gen.send({ cmd: 'release' });
      await nextMessage(gen, 'result');
      result = {
        open,
        rssPerConnKB: (after.rss - before.rss) / open / 1024,
        heapPerConnKB: (after.heapUsed + after.external - before.heapUsed - before.external) / open / 1024,
      };
    } else if (cell.workload === 'deflateEcho') {
      await nextMessage(gen, 'deflate-done');
      const mem = await probeMem(server);
      gen.send({ cmd: 'release' });
      result = { ...(await nextMessage(gen, 'result')).result, serverRssMB: mem.rss / 1048576 };
    } else {
      result = (await nextMessage(gen, 'result')).result;
    }
    if (cell.workload !== 'idle') {
      const cpuAfter = await probeCpu(server);
      result.serverCpuPct = (100 * (cpuAfter.cpuUs - cpuBefore.cpuUs)) / (cpuAfter.wallUs - cpuBefore.wallUs);
      // Work per server CPU-second: on a shared machine where neither process gets a whole
      // CPU, this compares implementations better than the rate itself.
      const rate = result.msgsPerSec ?? result.connsPerSec ?? result.deliveriesPerSec;
      if (rate !== undefined && result.serverCpuPct > 0)
        result.perServerCpuSec = rate / (result.serverCpuPct / 100);
    }
    return result;
  } finally {
    await stop(gen);
    await stop(server);
  }
}

async function probeCpu(server) {
  server.send({ cmd: 'cpu' });
  return nextMessage(server, 'cpu');
}

async function probeMem(server) {
  server.send({ cmd: 'mem' });
  return nextMessage(server, 'mem');
}

async function runClientCell(cell, clientKey) {
  const server = startNode(cell.peer === 'reflector' ? 'servers/reflector.mjs' : 'servers/ws.mjs', {
    cpu: 0,
  });
  const { port } = await nextMessage(server, 'ready');
  // 'ws' is the ws client without its native addons (as the ws server rows), 'ws+addons' with.
  const client =
    clientKey === 'ws+addons'
      ? startNode('clients/ws-client.mjs', { cpu: 1 })
      : startNode(`clients/${clientKey}-client.mjs`, {
          cpu: 1,
          env: clientKey === 'ws' ? { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' } : {},
        });
  try {
    client.send({ params: { ...cell.params, url: `ws://127.0.0.1:${port}/` } });
    return (await nextMessage(client, 'result')).result;
  } finally {
    await stop(client);
    await stop(server);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  // An even count has two middles: their mean (taking the upper one flattered every cell).
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

if (opts.render) {
  // Re-render the report of the last full run (after editing the notes in lib/targets.mjs).
  const saved = JSON.parse(readFileSync(`${opts.out}/results/full.json`, 'utf8'));
  writeFileSync(`${opts.out}/results/full.svg`, renderSvg(saved.meta, saved.results));
  writeFileSync(`${opts.out}/../BENCH.md`, renderMarkdown(saved.meta, saved.results, SERVERS));
  console.log('wrote bench/results/full.svg, BENCH.md from bench/results/full.json');
  process.exit(0);
}

const results = [];
const started = Date.now();
for (const cell of cells) {
  const targets = cell.clients ?? cell.servers.filter((s) => !serverFilter || serverFilter.has(s));
  const row = { workload: cell.workload, name: cell.name, params: cell.params, targets: {} };
  // Repetitions are interleaved (A B C D, A B C D, ...) rather than A A A, B B B: on a shared,
  // noisy machine a burst of load from elsewhere then hits every target of the cell alike.
  const runsOf = new Map(targets.map((t) => [t, []]));
  for (let r = 0; r < reps; r++) {
    for (const t of targets) {
      try {
        runsOf.get(t).push(cell.clients ? await runClientCell(cell, t) : await runServerCell(cell, t));
      } catch (e) {
        console.error(`  ${cell.name} / ${t}: ${e.message}`);
      }
    }
  }
  for (const t of targets) {
    const runs = runsOf.get(t);
    if (!runs.length) continue;
    const agg = {};
    for (const k of Object.keys(runs[0])) {
      if (typeof runs[0][k] !== 'number') continue;
      const xs = runs.map((x) => x[k]);
      agg[k] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
    }
    row.targets[t] = agg;
    const main = Object.entries(agg)[0];
    console.log(`${cell.name.padEnd(48)} ${t.padEnd(10)} ${main[0]}=${main[1].median.toFixed(1)}`);
  }
  results.push(row);
}

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memGiB: Math.round(os.totalmem() / 2 ** 30),
  pinned,
  reps,
  quick,
  seconds: (Date.now() - started) / 1000,
};
const outDir = opts.out;
mkdirSync(`${outDir}/results`, { recursive: true });
const tag = quick ? 'quick' : 'full';
writeFileSync(`${outDir}/results/${tag}.json`, JSON.stringify({ meta, results }, null, 2));
writeFileSync(`${outDir}/results/${tag}.svg`, renderSvg(meta, results));
if (!quick) writeFileSync(`${outDir}/../BENCH.md`, renderMarkdown(meta, results, SERVERS));
else writeFileSync(`${outDir}/results/quick.md`, renderMarkdown(meta, results, SERVERS));
console.log(
  `\nwrote bench/results/${tag}.json, bench/results/${tag}.svg${quick ? ', bench/results/quick.md' : ', BENCH.md'} in ${meta.seconds.toFixed(0)} s`,
);
