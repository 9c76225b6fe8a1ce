// Small-message echo load against `echo server` (Parley, built) or a ws echo server, with a
// CPU profile of the server process. Not a test; numbers depend on the machine.
//
//   npx turbo run build --filter=@parley/echo...
//   node packages/facade/bench/echo-load.mjs parley|ws [seconds=4] [size=32] [profileDir]
//   (profiles land in <profileDir>/<kind>/*.cpuprofile when profileDir is given)
//
// 64 ws clients, 8 messages in flight each; every echo is answered with the next message.
// Reports wall-clock echoes/s and echoes per second of server CPU (from /proc).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../package.json', import.meta.url));
const WebSocket = require('ws');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const [, , kind = 'parley', seconds = '4', size = '32', profileDir] = process.argv;
const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${kind}`];
const wsServer =
  `const {WebSocketServer}=require(${JSON.stringify(require.resolve('ws'))});` +
  "const s=new WebSocketServer({port:0,host:'127.0.0.1'});" +
  "s.on('listening',()=>console.log('listening on ws://127.0.0.1:'+s.address().port+'/'));" +
  "s.on('connection',c=>c.on('message',(d,b)=>c.send(d,{binary:b})));process.on('SIGINT',()=>process.exit(0));";
const args =
  kind === 'ws'
    ? [...profile, '-e', wsServer]
    : [...profile, `${root}apps/echo/dist/cli.js`, 'server', '--port', '0'];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) =>
  child.stdout.once('data', (data) => resolve(/ws:\/\/\S+/.exec(String(data))[0])),
);
let count = 0;
const payload = Buffer.alloc(Number(size), 1);
const clients = [];
for (let i = 0; i < 64; i++) {
  const client = new WebSocket(url);
  clients.push(client);
  await new Promise((resolve) => client.once('open', resolve));
  client.on('message', () => {
    count++;
    client.send(payload);
  });
}
/** Server CPU seconds so far (Linux /proc, clock ticks of 10 ms). */
const serverCpu = () => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuBefore = serverCpu();
const started = Date.now();
for (const client of clients) for (let k = 0; k < 8; k++) client.send(payload);
await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
const cpu = serverCpu() - cpuBefore;
console.log(
  JSON.stringify({
    kind,
    size: Number(size),
    messagesPerSecond: Math.round(count / ((Date.now() - started) / 1000)),
    // echoes per second of server CPU: comparable when the load generator is the bottleneck
    messagesPerServerCpuSecond: Math.round(count / cpu),
  }),
);
for (const client of clients) client.terminate();
child.kill('SIGINT');
await new Promise((resolve) => child.on('exit', resolve));
