import { createHttpServer, type HttpServer, type HttpServerOptions } from '../../src/index.js';

/** Starts servers on 127.0.0.1:0 and stops all of them in afterEach. */
export class Servers {
  private readonly running: HttpServer[] = [];

  async start(options: Omit<HttpServerOptions, 'port'>): Promise<{ server: HttpServer; origin: string }> {
    const created = createHttpServer({ host: '127.0.0.1', port: 0, ...options });
    if (!created.ok) throw new Error(created.error.message);
    const server = created.value;
    this.running.push(server);
    const started = await server.start();
    if (!started.ok) throw new Error(started.error.message);
    const scheme = options.tls ? 'https' : 'http';
    return { server, origin: `${scheme}://127.0.0.1:${started.value.port}` };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((s) => s.stop()));
  }
}
