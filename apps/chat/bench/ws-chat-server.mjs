// The benchmark baseline: the SAME chat logic (ChatService + MemoryBus from dist/) bound to
// the `ws` library instead of the Parley facade. Also serves dist/public so the page can be
// tried against it. Usage: node bench/ws-chat-server.mjs [--port 0] [--rate N --burst N]
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { ChatService } from '../dist/chat-service.js';
import { MemoryBus } from '../dist/memory-bus.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    rate: { type: 'string', default: '10' },
    burst: { type: 'string', default: '30' },
  },
});

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'public');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** Topic fan-out the way a ws user writes it: a Set per topic, `send` to each. */
class WsFanout {
  topics = new Map();
  subscribe(peer, topic) {
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
    }
    set.add(peer);
  }
  unsubscribe(peer, topic) {
    this.topics.get(topic)?.delete(peer);
  }
  publish(topic, data) {
    const set = this.topics.get(topic);
    if (set) for (const peer of set) peer.send(data);
  }
}

class WsPeer {
  constructor(socket) {
    this.socket = socket;
  }
  send(data) {
    if (this.socket.readyState === 1) this.socket.send(data);
  }
  close(code, reason) {
    this.socket.close(code, reason);
  }
}

const chat = new ChatService(new MemoryBus(), new WsFanout(), {
  rateLimit: { ratePerSecond: Number(values.rate), burst: Number(values.burst) },
});

const http = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = normalize(path === '/' ? '/index.html' : path);
  try {
    const body = await readFile(join(publicDir, file));
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});

const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => (offered.has('parley-chat.v1') ? 'parley-chat.v1' : false),
});
http.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const match = /^\/chat(?:\/([^/]+))?$/.exec(url.pathname);
  if (!match) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const peer = new WsPeer(ws);
    const format = ws.protocol === 'parley-chat.v1' ? 'json' : 'text';
    const session = chat.open(peer, format, { nick: url.searchParams.get('name'), room: match[1] ?? null });
    ws.on('message', (data, isBinary) => chat.receive(session, isBinary ? '' : data.toString(), isBinary));
    ws.on('close', () => chat.closed(session));
  });
});

http.listen(Number(values.port), values.host, () => {
  const address = http.address();
  console.log(`listening ${address.port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    chat.shutdown();
    wss.close();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
