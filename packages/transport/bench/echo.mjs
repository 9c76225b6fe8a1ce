// Side-by-side: raw node:net echo vs @parley/transport echo, alternating rounds so both see
// the same machine noise. Needs a build first (`pnpm --filter @parley/transport build`).
// Usage: node bench/echo.mjs [rounds=3] [connections=32] [size=32] [ms=3000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const [rounds = 3, connections = 32, size = 32, ms = 3000] = process.argv.slice(2).map(Number);

async function firstLine(child) {
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  return JSON.parse(line);
}

async function measure(mode) {
  const server = spawn(process.execPath, [`${here}echo-server.mjs`, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const { port } = await firstLine(server);
  const load = spawn(process.execPath, [`${here}echo-load.mjs`, port, connections, size, ms], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { roundTripsPerSecond } = await firstLine(load);
  server.kill();
  await once(server, 'exit');
  return roundTripsPerSecond;
}

const results = { raw: [], transport: [] };
for (let i = 0; i < rounds; i++) {
  for (const mode of i % 2 === 0 ? ['raw', 'transport'] : ['transport', 'raw']) {
    results[mode].push(await measure(mode));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const raw = median(results.raw);
const transport = median(results.transport);
console.log(
  JSON.stringify({
    connections,
    size,
    ms,
    rounds,
    results,
    raw,
    transport,
    ratio: +(transport / raw).toFixed(3),
  }),
);
