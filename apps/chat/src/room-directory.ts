/**
 * Who is in which room, in memory: nick uniqueness per room, online counts, room list.
 * Pure data structure; the in-memory bus is built on it and the Redis bus mirrors its rules
 * with Redis hashes.
 */
import type { RoomSummary } from './protocol.js';

export class RoomDirectory {
  private readonly rooms = new Map<string, Set<string>>();

  /** Claims `nick` in `room`; `false` when someone in the room already uses it. */
  claim(room: string, nick: string): boolean {
    let members = this.rooms.get(room);
    if (!members) {
      members = new Set();
      this.rooms.set(room, members);
    }
    if (members.has(nick)) return false;
    members.add(nick);
    return true;
  }

  /** Releases `nick` in `room`; an empty room disappears from the list. */
  release(room: string, nick: string): boolean {
    const members = this.rooms.get(room);
    if (!members?.delete(nick)) return false;
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  online(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])].sort();
  }

  /** Rooms with at least one member, sorted by name. */
  list(): RoomSummary[] {
    return [...this.rooms]
      .map(([name, members]) => ({ name, online: members.size }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
