#!/usr/bin/env node
// Chat-room benchmark: the Parley chat server and the same chat logic on `ws`, side by side
// in one run. Server and load generator are separate processes, pinned to different CPUs
// when `taskset` exists. Reports messages delivered per second (median of --reps runs).
//   pnpm --filter @parley/chat bench [-- --reps 3 --seconds 3 --clients 16,256]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    clients: { type: 'string', default: '16,256' },
  },
});

// Build the chat app and what it depends on (cached by turbo), so the run never measures a
// stale dist/ of the chat or of the facade under it.
const turbo = join(root, '..', '..', 'node_modules', '.bin', 'turbo');
const built = spawnSync(turbo, ['run', 'build', '--filter=@parley/chat...', '--output-logs=errors-only'], {
  cwd: join(root, '..', '..'),
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
if (built.status !== 0 || !existsSync(join(root, 'dist', 'chat-server.js'))) {
  console.error('build failed');
  process.exit(1);
}

const taskset = spawnSync('taskset', ['--version']).status === 0;
const cpus = (await import('node:os')).cpus().length;
function pinnedSpawn(cpu, args) {
  const command = taskset && cpus > 1 ? 'taskset' : process.execPath;
  const full = taskset && cpus > 1 ? ['-c', String(cpu), process.execPath, ...args] : args;
  return spawn(command, full, { stdio: ['ignore', 'pipe', 'inherit'] });
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(text.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing`)));
  });
}

const SERVERS = {
  parley: { label: 'Parley chat (facade)', script: join(here, 'parley-chat-server.mjs') },
  ws: { label: 'same chat logic on ws (+bufferutil)', script: join(here, 'ws-chat-server.mjs') },
};
// Unlimited rate for the benchmark: the limiter is not what is measured.
const serverArgs = ['--port', '0', '--rate', '1000000000', '--burst', '1000000000'];

async function runOnce(server, clients) {
  const child = pinnedSpawn(0, [SERVERS[server].script, ...serverArgs]);
  const port = Number((await firstLine(child)).split(' ')[1]);
  const batch = clients <= 16 ? 50 : 4;
  const load = pinnedSpawn(1, [
    join(here, 'chat-load.mjs'),
    '--port',
    String(port),
    '--clients',
    String(clients),
    '--batch',
    String(batch),
    '--seconds',
    values.seconds,
  ]);
  const result = JSON.parse(await firstLine(load));
  await new Promise((resolve) => load.once('exit', resolve));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return result;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reps = Number(values.reps);
const rows = [];
for (const clients of values.clients.split(',').map(Number)) {
  const rates = { parley: [], ws: [] };
  for (let rep = 0; rep < reps; rep++) {
    // alternate the order so neither server always runs on a warmer machine
    const order = rep % 2 === 0 ? ['parley', 'ws'] : ['ws', 'parley'];
    for (const server of order) {
      const result = await runOnce(server, clients);
      rates[server].push(result.perSecond);
      console.error(
        `${clients} clients, ${server}: ${Math.round(result.perSecond).toLocaleString('en')} msg/s (batch ${result.batch}, ${result.rounds} rounds)`,
      );
    }
  }
  rows.push({ clients, parley: median(rates.parley), ws: median(rates.ws) });
}

console.log(
  `\nnode ${process.version}, ${cpus} CPUs${taskset ? ', server on CPU 0, load generator on CPU 1' : ''}, median of ${reps}\n`,
);
console.log('| clients | Parley chat (msg/s delivered) | same logic on ws (msg/s) | Parley / ws |');
console.log('| ------: | ----------------------------: | -----------------------: | ----------: |');
for (const row of rows) {
  const f = (x) => Math.round(x).toLocaleString('en');
  console.log(`| ${row.clients} | ${f(row.parley)} | ${f(row.ws)} | ${(row.parley / row.ws).toFixed(2)}× |`);
}
