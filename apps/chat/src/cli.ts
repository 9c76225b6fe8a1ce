#!/usr/bin/env node
// Placeholder until the chat server lands (issue 7): answers health checks on the chat port.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' }).end('parley chat: coming soon\n');
});
server.listen(port, '127.0.0.1', () => console.log(`parley chat placeholder on http://127.0.0.1:${port}/`));
