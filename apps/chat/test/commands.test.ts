import { afterEach, describe, expect, it, vi } from 'vitest';
import { runServerCommand } from '../src/commands.js';
import { LineClient } from './line-client.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('chat server command', () => {
  it('prints the page and WebSocket URLs, and on SIGTERM closes clients with 1001 and resolves 0', async () => {
    const printed: string[] = [];
    let listening = () => {};
    const started = new Promise<void>((resolve) => {
      listening = resolve;
    });
    vi.spyOn(console, 'log').mockImplementation((line: string) => {
      printed.push(line);
      if (line.includes('websocket:')) listening();
    });
    const running = runServerCommand({ port: 0, host: '127.0.0.1', redisUrl: null });
    await started;
    const pageLine = printed.find((l) => l.includes('page:'))!;
    const wsLine = printed.find((l) => l.includes('websocket:'))!;
    expect(pageLine).toMatch(/page: +http:\/\/127\.0\.0\.1:\d+\/$/);
    const wsUrl = /ws:\/\/127\.0\.0\.1:\d+\/chat/.exec(wsLine)![0];
    const client = await LineClient.connect(`${wsUrl}?name=zoe`);
    await client.waitFor((l) => l.startsWith('* zoe joined'));
    process.emit('SIGTERM');
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await running).toBe(0);
  });

  it('refuses a bad port before starting anything', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await runServerCommand({ port: 70000, host: '127.0.0.1', redisUrl: null })).toBe(2);
  });
});
