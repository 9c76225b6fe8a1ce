// A recording transport for the chat logic: peers collect what they are sent, topics are Sets.
import type { ChatPeer, RoomFanout } from '../src/chat-service.js';

export class RecordingPeer implements ChatPeer {
  readonly received: string[] = [];
  closedWith: { code: number; reason: string } | null = null;
  constructor(readonly name: string) {}
  send(data: string): void {
    this.received.push(data);
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  json(): Array<Record<string, unknown>> {
    return this.received.map((r) => JSON.parse(r) as Record<string, unknown>);
  }
}

export class SetFanout implements RoomFanout<RecordingPeer> {
  readonly topics = new Map<string, Set<RecordingPeer>>();
  subscribe(peer: RecordingPeer, topic: string): void {
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
    }
    set.add(peer);
  }
  unsubscribe(peer: RecordingPeer, topic: string): void {
    this.topics.get(topic)?.delete(peer);
  }
  publish(topic: string, data: string): void {
    for (const peer of this.topics.get(topic) ?? []) peer.send(data);
  }
}

/** Lets queued promise callbacks (the in-memory bus answers) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
}
