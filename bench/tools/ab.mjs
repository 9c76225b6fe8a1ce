#!/usr/bin/env node
// A/B runs of one workload: each variant (a server script plus environment) is started fresh,
// driven by the load generator, stopped — variants alternate round by round, so a burst of
// load from elsewhere on a noisy machine hits them alike. Prints every run and the median.
// Used to decide whether a change wins before keeping it (the full suite is bench/run.mjs).
//   node bench/tools/ab.mjs --workload echo --size 65536 --rounds 3 parley ws+addons raw
//   node bench/tools/ab.mjs --workload connRate --rounds 3 parley ws
//   node bench/tools/ab.mjs --size 32 --rounds 3 new=parley old=parley:SOME_ENV=1
//   node bench/tools/ab.mjs --workload client --peer reflector --size 65536 parley ws+addons
// With --workload client the variants name clients (sending to a reflector or ws server pinned
// to the other CPU); their environment and --server-args go to the client process, the one
// measured (e.g. "--server-args=--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the client).
import { parseArgs } from 'node:util';
import { nextMessage, startNode, stop } from '../lib/proc.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workload: { type: 'string', default: 'echo' },
    size: { type: 'string', default: '32' },
    text: { type: 'boolean', default: false },
    conns: { type: 'string', default: '64' },
    parallel: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'server-args': { type: 'string', default: '' },
    peer: { type: 'string', default: 'reflector' },
    inflight: { type: 'string', default: '32' },
  },
});

const SERVERS = {
  parley: { script: 'servers/parley.mjs' },
  ws: { script: 'servers/ws.mjs', env: { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' } },
  'ws+addons': { script: 'servers/ws.mjs' },
  raw: { script: 'servers/raw-net.mjs' },
};

const CLIENTS = {
  parley: { script: 'clients/parley-client.mjs' },
  ws: { script: 'clients/ws-client.mjs', env: { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1' } },
  'ws+addons': { script: 'clients/ws-client.mjs' },
};
const PEERS = { reflector: 'servers/reflector.mjs', ws: 'servers/ws.mjs' };
const clientMode = o.workload === 'client';

/** `label=server:K=V,K=V`, `server:K=V` or just `server`. */
function parseVariant(text) {
  const eq = text.indexOf('=');
  const colon = text.indexOf(':');
  const hasLabel = eq !== -1 && (colon === -1 || eq < colon);
  const label = hasLabel ? text.slice(0, eq) : text;
  const rest = hasLabel ? text.slice(eq + 1) : text;
  const [name, envText = ''] = rest.split(/:(.*)/s);
  const table = clientMode ? CLIENTS : SERVERS;
  const server = table[name];
  if (!server)
    throw new Error(
      `unknown ${clientMode ? 'client' : 'server'} '${name}' (one of ${Object.keys(table).join(', ')})`,
    );
  const env = { ...server.env };
  for (const kv of envText.split(',').filter(Boolean)) {
    const at = kv.indexOf('=');
    env[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return { label, name, script: server.script, env };
}

const variants = (positionals.length ? positionals : ['parley', 'ws']).map(parseVariant);
const seconds = Number(o.seconds);
const runs = new Map(variants.map((v) => [v.label, []]));

/** One client-side run: the peer on CPU 0, the client under test (with the variant's env) on CPU 1. */
async function runClient(v) {
  const peer = PEERS[o.peer];
  if (!peer) throw new Error(`unknown peer '${o.peer}' (one of ${Object.keys(PEERS).join(', ')})`);
  const server = startNode(peer, { cpu: 0 });
  const { port } = await nextMessage(server, 'ready');
  const client = startNode(v.script, {
    cpu: 1,
    env: v.env,
    nodeArgs: o['server-args'].split(' ').filter(Boolean),
  });
  try {
    const params = {
      url: `ws://127.0.0.1:${port}/`,
      size: Number(o.size),
      inflight: Number(o.inflight),
      seconds,
    };
    client.send({ params });
    return (await nextMessage(client, 'result')).result;
  } finally {
    await stop(client);
    await stop(server);
  }
}

for (let round = 0; round < Number(o.rounds); round++) {
  for (const v of variants) {
    if (clientMode) {
      const { msgsPerSec } = await runClient(v);
      runs.get(v.label).push(msgsPerSec);
      console.log(`round ${round + 1}  ${v.label.padEnd(14)} ${Math.round(msgsPerSec)}/s`);
      continue;
    }
    const server = startNode(v.script, {
      cpu: 0,
      env: v.env,
      nodeArgs: o['server-args'].split(' ').filter(Boolean),
    });
    const { port } = await nextMessage(server, 'ready');
    const gen = startNode('lib/loadgen.mjs', { cpu: 1 });
    const raw = v.name === 'raw';
    const params =
      o.workload === 'connRate'
        ? { port, raw, seconds, parallel: Number(o.parallel) }
        : { port, raw, seconds, size: Number(o.size), text: o.text, conns: Number(o.conns) };
    gen.send({ workload: o.workload, params });
    const { result } = await nextMessage(gen, 'result');
    await stop(gen);
    await stop(server);
    const rate = result.msgsPerSec ?? result.connsPerSec;
    runs.get(v.label).push(rate);
    console.log(
      `round ${round + 1}  ${v.label.padEnd(14)} ${Math.round(rate)}/s  (generator CPU ${Math.round(result.genCpuPct)}%)`,
    );
  }
}

console.log('');
for (const [label, xs] of runs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(`${label.padEnd(14)} median ${Math.round(median)}/s   runs ${xs.map(Math.round).join(' ')}`);
}
