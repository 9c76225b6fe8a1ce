// Shared plumbing for benchmark servers: each runs as a child process (pinned to its own
// CPU by run.mjs), reports its port over IPC and answers memory probes.
export function serve(startFn) {
  const mode = process.env.BENCH_MODE ?? 'echo';
  const deflate = process.env.BENCH_DEFLATE === '1';
  Promise.resolve(startFn({ mode, deflate }))
    .then((port) => process.send?.({ type: 'ready', port }))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
  process.on('message', (msg) => {
    if (msg?.cmd === 'mem') {
      for (let i = 0; i < 3; i++) globalThis.gc?.();
      const m = process.memoryUsage();
      process.send?.({ type: 'mem', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
    } else if (msg?.cmd === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ type: 'cpu', cpuUs: u.user + u.system, wallUs: performance.now() * 1000 });
    } else if (msg?.cmd === 'stop') process.exit(0);
  });
  process.on('disconnect', () => process.exit(0));
}
