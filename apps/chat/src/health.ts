/** The `GET /health` report. */
import type { Bus } from './bus.js';

export interface HealthReport {
  status: 'ok';
  /** Rooms with at least one member (across all servers in Redis mode). */
  rooms: number;
  /** WebSocket connections on this server. */
  connections: number;
  /** Seconds since this server started. */
  uptime: number;
  bus: Bus['kind'];
}

export async function healthReport(
  bus: Bus,
  connections: number,
  startedAt: number,
  now: number,
): Promise<HealthReport> {
  const rooms = await bus.rooms();
  return {
    status: 'ok',
    rooms: rooms.length,
    connections,
    uptime: Math.round((now - startedAt) / 1000),
    bus: bus.kind,
  };
}
