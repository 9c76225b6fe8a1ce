#!/usr/bin/env node
// Messages per second through the permessage-deflate transform alone, Parley vs ws: the work a
// server does to echo compressed 16 KiB JSON (inflate the request, deflate the reply), for C
// connections with one message in flight each. Both sides use their own defaults otherwise.
// CPU per message (process.cpuUsage, which includes the zlib threads) is the steadier figure
// on a shared machine; msgs/s swings with other load.
//   npx tsc -p packages/codec/tsconfig.json && node packages/codec/bench/deflate-throughput.mjs [C] [seconds] [level]
import { PerMessageDeflate } from '../dist/deflate/per-message-deflate.js';
import { deflatedPayload, loadWsPerMessageDeflate, sampleJson } from './deflate-fixtures.mjs';

const connections = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 3);
const level = process.argv[4] === undefined ? undefined : Number(process.argv[4]);

const WsPerMessageDeflate = loadWsPerMessageDeflate();

const message = sampleJson(16 * 1024, 1);
// Each request is its own stream (as from a client without context takeover), so every
// connection can inflate it whatever its history.
const request = deflatedPayload(message);

function adapter(impl, flags) {
  if (impl === 'parley') {
    const t = new PerMessageDeflate(
      {
        serverNoContextTakeover: flags.serverNoContextTakeover,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      },
      'server',
      { maxPayload: 100 * 1024 * 1024, level },
    );
    return {
      inflate: (d, cb) => t.decompress(d, true, cb),
      deflate: (d, cb) => t.compress(d, cb),
      close: () => t.close(),
    };
  }
  const t = new WsPerMessageDeflate({ isServer: true, maxPayload: 100 * 1024 * 1024 });
  t.params = {
    server_no_context_takeover: flags.serverNoContextTakeover,
    client_no_context_takeover: true,
    server_max_window_bits: 15,
    client_max_window_bits: 15,
  };
  return {
    inflate: (d, cb) => t.decompress(d, true, cb),
    deflate: (d, cb) => t.compress(d, true, cb),
    close: () => t.cleanup(),
  };
}

function run(impl, flags) {
  return new Promise((resolve) => {
    const adapters = Array.from({ length: connections }, () => adapter(impl, flags));
    let done = 0;
    let wireBytes = 0;
    let stopping = false;
    let active = connections;
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const loop = (a) => {
      if (stopping) {
        if (--active === 0) finish();
        return;
      }
      a.inflate(request, (error, inflated) => {
        if (error) throw error;
        a.deflate(inflated, (error2, reply) => {
          if (error2) throw error2;
          done++;
          wireBytes += reply.length;
          loop(a);
        });
      });
    };
    const finish = () => {
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      for (const a of adapters) a.close();
      resolve({
        rate: done / elapsed,
        cpuPerMessage: (cpu.user + cpu.system) / done,
        avgReply: wireBytes / done,
      });
    };
    setTimeout(() => {
      stopping = true;
    }, seconds * 1000);
    for (const a of adapters) loop(a);
  });
}

console.log(`deflate echo work, ${connections} connections, 16 KiB JSON, ${seconds}s per cell`);
console.log(
  '| our side | ws msgs/s | Parley msgs/s | Parley / ws | CPU µs/msg ws / Parley (main + zlib threads) | reply bytes ws / Parley |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const serverNoContextTakeover of [false, true]) {
  const flags = { serverNoContextTakeover };
  const ws = await run('ws', flags);
  const parley = await run('parley', flags);
  const label = serverNoContextTakeover ? 'server_no_context_takeover' : 'context takeover';
  console.log(
    `| ${label} | ${ws.rate.toFixed(0)} | ${parley.rate.toFixed(0)} | ${(parley.rate / ws.rate).toFixed(2)} | ${ws.cpuPerMessage.toFixed(0)} / ${parley.cpuPerMessage.toFixed(0)} | ${ws.avgReply.toFixed(0)} / ${parley.avgReply.toFixed(0)} |`,
  );
}
