/**
 * Join/leave notices, coalesced per room over a short window (NOTICE_DELAY_MS). A room of n people where n
 * people (re)connect at once — every client after a server restart — would otherwise get
 * n² notices; batched, each wave costs one notice per receiver. Batches keep net changes
 * only: leaving and rejoining in the same turn is no change.
 */
import type { ServerMessage } from './protocol.js';

/**
 * How long joins and leaves are collected before the notice goes out. Connections arrive
 * spread over many event-loop turns (each handshake is its own turn), so batching per turn
 * catches little; a fifth of a second catches a reconnect wave and is not noticeable to people.
 * A chat message in the room flushes the batch at once, so order is never affected.
 */
export const NOTICE_DELAY_MS = 200;

export interface NoticeBatch {
  readonly room: string;
  readonly joined: ReadonlySet<string>;
  readonly left: ReadonlySet<string>;
  /** The online count reported by the latest event of the batch. */
  readonly online: number;
}

interface MutableBatch {
  room: string;
  joined: Set<string>;
  left: Set<string>;
  online: number;
}

export type PresenceEvent = { type: 'joined' | 'left'; room: string; nick: string; online: number };

export class PresenceNoticeBatcher {
  private readonly pending = new Map<string, MutableBatch>();
  private scheduled = false;

  constructor(
    private readonly deliver: (batch: NoticeBatch) => void,
    private readonly schedule: (task: () => void) => void = (task) => setTimeout(task, NOTICE_DELAY_MS),
  ) {}

  add(event: PresenceEvent): void {
    let batch = this.pending.get(event.room);
    if (!batch) {
      batch = { room: event.room, joined: new Set(), left: new Set(), online: event.online };
      this.pending.set(event.room, batch);
    }
    batch.online = event.online;
    if (event.type === 'joined') {
      if (!batch.left.delete(event.nick)) batch.joined.add(event.nick);
    } else if (!batch.joined.delete(event.nick)) {
      batch.left.add(event.nick);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flushAll());
    }
  }

  /** Delivers what is pending for `room` now (called before a message so order is kept). */
  flush(room: string): void {
    const batch = this.pending.get(room);
    if (!batch) return;
    this.pending.delete(room);
    this.emit(batch);
  }

  flushAll(): void {
    this.scheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const batch of batches) this.emit(batch);
  }

  private emit(batch: MutableBatch): void {
    if (batch.joined.size > 0 || batch.left.size > 0) this.deliver(batch);
  }
}

const NAMES_SHOWN = 5;

function listNames(nicks: ReadonlySet<string>): string {
  const names = [...nicks];
  if (names.length <= NAMES_SHOWN) return names.join(', ');
  return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${names.length - NAMES_SHOWN} others`;
}

/** Plain-text lines: `* alice joined lobby (3 online)`, `* a, b and 4 others left lobby (1 online)`. */
export function noticeLines(batch: NoticeBatch): string[] {
  const lines: string[] = [];
  if (batch.joined.size > 0)
    lines.push(`* ${listNames(batch.joined)} joined ${batch.room} (${batch.online} online)`);
  if (batch.left.size > 0)
    lines.push(`* ${listNames(batch.left)} left ${batch.room} (${batch.online} online)`);
  return lines;
}

/** JSON messages: one `joined` and/or one `left`; `nicks` lists everyone when more than one. */
export function noticeMessages(batch: NoticeBatch): ServerMessage[] {
  const out: ServerMessage[] = [];
  for (const type of ['joined', 'left'] as const) {
    const set = type === 'joined' ? batch.joined : batch.left;
    if (set.size === 0) continue;
    const nicks = [...set];
    out.push({
      type,
      room: batch.room,
      nick: nicks[0]!,
      online: batch.online,
      ...(nicks.length > 1 ? { nicks } : {}),
    });
  }
  return out;
}
