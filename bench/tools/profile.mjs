#!/usr/bin/env node
// Profiles one benchmark server under one workload: starts the server with --cpu-prof (pinned
// to CPU 0), drives it with the load generator (CPU 1), then prints the functions with the most
// self time. Used to decide what to optimise before touching code.
//   node bench/tools/profile.mjs --server parley --workload echo --size 32 [--seconds 5] [--top 25]
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nextMessage, startNode, stop } from '../lib/proc.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const { values: o } = parseArgs({
  options: {
    server: { type: 'string', default: 'parley' },
    workload: { type: 'string', default: 'echo' },
    size: { type: 'string', default: '32' },
    text: { type: 'boolean', default: false },
    conns: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '5' },
    top: { type: 'string', default: '25' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const scripts = { parley: 'servers/parley.mjs', ws: 'servers/ws.mjs', raw: 'servers/raw-net.mjs' };
const dir = mkdtempSync(join(tmpdir(), 'parley-prof-'));
const env = Object.fromEntries(o.env.map((kv) => kv.split('=')));
if (o.workload === 'broadcast') env.BENCH_MODE = 'broadcast';
const server = startNode(scripts[o.server], {
  cpu: 0,
  env,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
});
const { port } = await nextMessage(server, 'ready');
const gen = startNode('lib/loadgen.mjs', { cpu: 1 });
const seconds = Number(o.seconds);
const params = {
  echo: { size: Number(o.size), text: o.text, conns: Number(o.conns), seconds },
  connRate: { seconds, parallel: 32 },
  broadcast: { receivers: 1000, seconds, size: Number(o.size), window: 4 },
}[o.workload];
gen.send({ workload: o.workload, params: { ...params, port, raw: o.server === 'raw' } });
const { result } = await nextMessage(gen, 'result');
await stop(gen);
await stop(server);
console.log(JSON.stringify(result));
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
console.log(`profile: ${join(dir, file)}`);
console.log(summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(o.top)));
