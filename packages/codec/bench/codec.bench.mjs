// Codec micro-benchmark: Parley's protocol core side by side with ws's Receiver/Sender, in one
// process, with and without ws's native addon (bufferutil). Run: pnpm --filter @parley/codec bench
// (builds dist/ first). Prints mitata's table and a markdown summary (MB/s and ratios).
import { createRequire } from 'node:module';
import { isUtf8 } from 'node:buffer';
import { dirname, join } from 'node:path';
import { bench, do_not_optimize, group, run } from 'mitata';
import { applyMask, encodeFrame, useNativeMasking, Utf8Validator, WebSocketProtocol } from '../dist/index.js';

const require = createRequire(import.meta.url);
const wsLib = join(dirname(require.resolve('ws/package.json')), 'lib');

/** Loads ws's lib/ afresh so WS_NO_BUFFER_UTIL is read again. */
function loadWs(noBufferUtil) {
  for (const key of Object.keys(require.cache)) if (key.includes('/ws/lib/')) delete require.cache[key];
  if (noBufferUtil) process.env.WS_NO_BUFFER_UTIL = '1';
  else delete process.env.WS_NO_BUFFER_UTIL;
  const mod = {
    Receiver: require(join(wsLib, 'receiver.js')),
    Sender: require(join(wsLib, 'sender.js')),
    bufferUtil: require(join(wsLib, 'buffer-util.js')),
    validation: require(join(wsLib, 'validation.js')),
  };
  delete process.env.WS_NO_BUFFER_UTIL;
  return mod;
}
const wsJs = loadWs(true);
const wsNative = loadWs(false);
const nativeBufferUtil = require('bufferutil');
const utf8Validate = require('utf-8-validate');

const SIZES = [
  ['32 B', 32, 1000],
  ['1 KiB', 1024, 100],
  ['64 KiB', 64 * 1024, 1],
  ['1 MiB', 1024 * 1024, 1],
];
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** `count` masked binary frames of `size` bytes, as a client sends them. */
function clientStream(size, count) {
  const payload = Buffer.alloc(size, 0x61);
  const frames = [];
  for (let i = 0; i < count; i++) frames.push(encodeFrame(2, payload, { mask: MASK }));
  return Buffer.concat(frames);
}

let received = 0;
const sink = {
  write() {},
  message() {
    received++;
  },
  ping() {},
  pong() {},
  closed(info) {
    throw new Error(`bench connection closed: ${info.code} ${info.reason}`);
  },
};

function wsReceiver(ws) {
  const receiver = new ws.Receiver({ isServer: true, maxPayload: 0, binaryType: 'nodebuffer' });
  receiver.on('message', () => received++);
  receiver.on('error', (error) => {
    throw error;
  });
  return receiver;
}

function withNative(work) {
  useNativeMasking(nativeBufferUtil);
  work();
  useNativeMasking(null);
}

const fakeSocket = { write() {}, cork() {}, uncork() {} };
// ws hands unmasked text to socket.write() as a string, which converts it to UTF-8 bytes in
// C++. Our sink takes bytes, so convert here too or the comparison would skip the encoding.
const convertingSocket = {
  write(data) {
    if (typeof data === 'string') Buffer.from(data, 'utf8');
  },
  cork() {},
  uncork() {},
};
const meta = []; // [group, name, bytesPerIteration]

function add(groupName, name, bytes, fn) {
  meta.push({ group: groupName, name, bytes });
  bench(name, fn);
}

// Parse: a server receiving masked client frames (unmasking in place: binary payloads, so
// unmasking twice is harmless and the same buffer can be fed again).
for (const [label, size, count] of SIZES) {
  const groupName = `parse ${label} x${count}`;
  group(groupName, () => {
    const data = clientStream(size, count);
    const parley = new WebSocketProtocol(sink, { role: 'server', maxPayload: 2 ** 31 });
    const js = wsReceiver(wsJs);
    const native = wsReceiver(wsNative);
    add(groupName, 'parley', size * count, () => parley.receive(data));
    add(groupName, 'ws (JS)', size * count, () => js.write(data));
    add(groupName, 'ws + bufferutil', size * count, () => native.write(data));
    if (size >= 1024) {
      // Payloads under 256 bytes never reach the native masker.
      add(groupName, 'parley + useNativeMasking(bufferutil)', size * count, () =>
        withNative(() => parley.receive(data)),
      );
    }
  });
}

// Encode: a client sending binary messages (masking a copy: the caller's buffer is not touched).
for (const [label, size] of SIZES) {
  const groupName = `encode masked ${label}`;
  group(groupName, () => {
    const payload = Buffer.alloc(size, 0x61);
    const parley = new WebSocketProtocol(sink, { role: 'client' });
    const js = new wsJs.Sender(fakeSocket);
    const native = new wsNative.Sender(fakeSocket);
    const options = { binary: true, mask: true, fin: true, compress: false };
    add(groupName, 'parley', size, () => parley.send(payload));
    add(groupName, 'ws (JS)', size, () => js.send(payload, options));
    add(groupName, 'ws + bufferutil', size, () => native.send(payload, options));
    if (size >= 1024) {
      add(groupName, 'parley + useNativeMasking(bufferutil)', size, () =>
        withNative(() => parley.send(payload)),
      );
    }
  });
}

// Encode: a server sending text (unmasked).
for (const [label, size] of SIZES) {
  const groupName = `encode server text ${label}`;
  group(groupName, () => {
    const text = 'a'.repeat(size);
    const parley = new WebSocketProtocol(sink, { role: 'server' });
    const ws = new wsJs.Sender(convertingSocket);
    const options = { binary: false, mask: false, fin: true, compress: false };
    add(groupName, 'parley', size, () => parley.send(text));
    add(groupName, 'ws (string → bytes in the socket)', size, () => ws.send(text, options));
  });
}

// Masking in place.
for (const [label, size] of SIZES.slice(1)) {
  const groupName = `mask ${label}`;
  group(groupName, () => {
    const data = Buffer.alloc(size, 7);
    add(groupName, 'parley applyMask', size, () => applyMask(data, MASK));
    add(groupName, 'ws (JS) unmask', size, () => wsJs.bufferUtil.unmask(data, MASK));
    add(groupName, 'bufferutil unmask', size, () => nativeBufferUtil.unmask(data, MASK));
  });
}

// UTF-8 validation of 1 MiB of mixed text: whole, and in 1 KiB fragments (incremental).
{
  const text = Buffer.from('Parley κόσμε 🎉 websocket '.repeat(40_000)).subarray(0, 1024 * 1024);
  const valid = text.subarray(0, text.length - 3);
  const groupName = 'utf8 1 MiB';
  group(groupName, () => {
    const validator = new Utf8Validator();
    // As the parser delivers them: separate 1 KiB views.
    const pieces = [];
    for (let i = 0; i < valid.length; i += 1024)
      pieces.push(valid.subarray(i, Math.min(i + 1024, valid.length)));
    add(groupName, 'parley whole (isUtf8)', valid.length, () => do_not_optimize(isUtf8(valid)));
    add(groupName, 'parley incremental 1 KiB pieces', valid.length, () => {
      validator.reset();
      for (let i = 0; i < valid.length; i += 1024)
        validator.write(valid, i, Math.min(i + 1024, valid.length));
      do_not_optimize(validator.end());
    });
    add(groupName, 'ws isValidUTF8', valid.length, () => do_not_optimize(wsJs.validation.isValidUTF8(valid)));
    add(groupName, 'utf-8-validate', valid.length, () => do_not_optimize(utf8Validate(valid)));
  });
}

const result = await run({ colors: false });

// Markdown summary for BENCH.md.
const rows = [];
let index = 0;
const baseline = new Map();
for (const trial of result.benchmarks) {
  for (const r of trial.runs) {
    const m = meta[index++];
    const ns = r.stats.avg;
    const mbps = m.bytes / (ns / 1e9) / 1e6;
    if (!baseline.has(m.group)) baseline.set(m.group, ns);
    rows.push(
      `| ${m.group} | ${m.name} | ${fmtTime(ns)} | ${mbps.toFixed(0)} | ${(ns / baseline.get(m.group)).toFixed(2)}× |`,
    );
  }
}
console.log('\n| case | implementation | time/iter | MB/s | time vs parley |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log(`\n(${received} messages parsed)`);

function fmtTime(ns) {
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}
