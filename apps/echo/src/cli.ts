#!/usr/bin/env node
// Placeholder until the echo server lands (issue 7): answers health checks on the echo port.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 9001);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('parley echo: coming soon\n');
});
server.listen(port, '127.0.0.1', () => console.log(`parley echo placeholder on http://127.0.0.1:${port}/`));
