#!/usr/bin/env node
// Profiles a benchmark client (Parley's or ws's) sending to the reflector (or --peer ws): the client runs
// under --cpu-prof on CPU 1, the server on CPU 0; prints msgs/s and the top self-time functions.
//   node bench/tools/profile-client.mjs --client parley --size 32 [--seconds 4] [--top 25]
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nextMessage, startNode, stop } from '../lib/proc.mjs';
import { summarizeProfile } from './profile-summary.mjs';

const { values: o } = parseArgs({
  options: {
    client: { type: 'string', default: 'parley' },
    peer: { type: 'string', default: 'reflector' },
    size: { type: 'string', default: '32' },
    inflight: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '4' },
    top: { type: 'string', default: '25' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'parley-prof-'));
const server = startNode(o.peer === 'ws' ? 'servers/ws.mjs' : 'servers/reflector.mjs', { cpu: 0 });
const { port } = await nextMessage(server, 'ready');
const client = startNode(`clients/${o.client}-client.mjs`, {
  cpu: 1,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
});
client.send({
  params: {
    url: `ws://127.0.0.1:${port}/`,
    size: Number(o.size),
    inflight: Number(o.inflight),
    seconds: Number(o.seconds),
  },
});
const { result } = await nextMessage(client, 'result');
await new Promise((r) => client.once('exit', r));
await stop(server);
console.log(JSON.stringify(result));
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
console.log(summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), Number(o.top)));
