// Micro-benchmark: Parley's bounded upgrade-request parser against node's own HTTP parser
// (llhttp through node:_http_common, the one node:http servers use) on a typical browser
// upgrade request. Run: npx pnpm --filter @parley/handshake bench  (builds dist/ first).
// Both sides produce a lowercase header object; node's side re-initialises its parser per
// request as node:http does per connection.
import { createRequire } from 'node:module';
import { parseRequestHead, validateUpgradeRequest } from '../dist/index.js';

const require = createRequire(import.meta.url);
const { HTTPParser } = require('node:_http_common');

const REQUEST = Buffer.from(
  'GET /chat?room=lobby HTTP/1.1\r\n' +
    'Host: localhost:8080\r\n' +
    'Connection: Upgrade\r\n' +
    'Pragma: no-cache\r\n' +
    'Cache-Control: no-cache\r\n' +
    'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n' +
    'Upgrade: websocket\r\n' +
    'Origin: http://localhost:8080\r\n' +
    'Sec-WebSocket-Version: 13\r\n' +
    'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
    'Accept-Language: en-US,en;q=0.9\r\n' +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
    'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n',
  'latin1',
);

const ITERATIONS = Number(process.env.ITERATIONS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 31);

let sink = 0;

function parley() {
  const result = parseRequestHead(REQUEST);
  if (!result.ok || !result.value.complete) throw new Error('parse failed');
  sink += result.value.headLength;
}

function parleyWithValidation() {
  const result = parseRequestHead(REQUEST);
  if (!result.ok || !result.value.complete) throw new Error('parse failed');
  const upgrade = validateUpgradeRequest(result.value);
  if (!upgrade.ok) throw new Error('validation failed');
  sink += upgrade.value.key.length;
}

const kOnHeadersComplete = HTTPParser.kOnHeadersComplete | 0;
const parser = new HTTPParser();
let nodeHeaders = null;
parser[kOnHeadersComplete] = (_major, _minor, raw, _method, url) => {
  const headers = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const previous = headers[name];
    headers[name] = previous === undefined ? raw[i + 1] : `${previous}, ${raw[i + 1]}`;
  }
  nodeHeaders = headers;
  sink += url.length;
};

function node() {
  parser.initialize(HTTPParser.REQUEST, {});
  parser.execute(REQUEST);
  if (nodeHeaders === null || nodeHeaders.upgrade !== 'websocket') throw new Error('node parse failed');
  nodeHeaders = null;
}

function timeRound(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return (ITERATIONS * 1e9) / Number(process.hrtime.bigint() - start);
}

// Rounds are interleaved (a, b, c, a, b, c, ...) so load from other processes on a shared
// machine hits every contender alike; the median round is reported.
const contenders = [
  ['node llhttp (_http_common) + header object', node],
  ['parley parseRequestHead', parley],
  ['parley parseRequestHead + validateUpgradeRequest', parleyWithValidation],
];
for (const [, fn] of contenders) for (let i = 0; i < 20_000; i++) fn(); // warm-up
const samples = contenders.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < contenders.length; i++) samples[i].push(timeRound(contenders[i][1]));
}
const rows = contenders.map(([name], i) => {
  const sorted = samples[i].sort((a, b) => a - b);
  return [name, sorted[Math.floor(sorted.length / 2)]];
});
console.log(
  `request head: ${REQUEST.length} bytes, ${ITERATIONS} iterations x ${ROUNDS} rounds, node ${process.version}`,
);
for (const [name, rate] of rows) {
  console.log(
    `${name.padEnd(52)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} ops/s  ${(1e9 / rate).toFixed(0).padStart(6)} ns/op`,
  );
}
if (sink === 0) console.log('unreachable');
