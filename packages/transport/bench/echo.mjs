// Side-by-side: raw node:net echo vs @parley/transport echo, alternating rounds so both see
// the same machine noise. Reports round trips per second (wall clock: noisy on a shared
// machine) and the server's CPU time per round trip (user + system: what transport itself
// costs, far less sensitive to other load). Needs a build first
// (`pnpm --filter @parley/transport build`).
// Usage: node bench/echo.mjs [rounds=5] [connections=32] [size=32] [ms=2000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const [rounds = 5, connections = 32, size = 32, ms = 2000] = process.argv.slice(2).map(Number);

function jsonLines(child) {
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => JSON.parse((await lines.next()).value);
}

async function measure(mode) {
  const server = spawn(process.execPath, [`${here}echo-server.mjs`, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const fromServer = jsonLines(server);
  const { port } = await fromServer();
  server.stdin.write('cpu\n');
  const before = await fromServer();
  const load = spawn(process.execPath, [`${here}echo-load.mjs`, port, connections, size, ms], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { roundTrips, roundTripsPerSecond } = await jsonLines(load)();
  server.stdin.write('cpu\n');
  const after = await fromServer();
  server.kill();
  await once(server, 'exit');
  return { roundTripsPerSecond, cpuMicrosPerRoundTrip: (after.cpuMicros - before.cpuMicros) / roundTrips };
}

const results = { raw: [], transport: [] };
for (let i = 0; i < rounds; i++) {
  for (const mode of i % 2 === 0 ? ['raw', 'transport'] : ['transport', 'raw']) {
    results[mode].push(await measure(mode));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Other load on the machine only ever adds time, so the best round is the least-disturbed one.
const summary = (mode) => ({
  roundTripsPerSecond: median(results[mode].map((r) => r.roundTripsPerSecond)),
  cpuMicrosPerRoundTrip: +median(results[mode].map((r) => r.cpuMicrosPerRoundTrip)).toFixed(2),
  bestCpuMicrosPerRoundTrip: +Math.min(...results[mode].map((r) => r.cpuMicrosPerRoundTrip)).toFixed(2),
});
const raw = summary('raw');
const transport = summary('transport');
console.log(
  JSON.stringify({
    connections,
    size,
    ms,
    rounds,
    raw,
    transport,
    throughputRatio: +(transport.roundTripsPerSecond / raw.roundTripsPerSecond).toFixed(3),
    cpuEfficiencyRatio: +(raw.cpuMicrosPerRoundTrip / transport.cpuMicrosPerRoundTrip).toFixed(3),
    bestCpuEfficiencyRatio: +(raw.bestCpuMicrosPerRoundTrip / transport.bestCpuMicrosPerRoundTrip).toFixed(3),
  }),
);
