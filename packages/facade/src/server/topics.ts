/**
 * Topic (room) registry in the uWebSockets.js / Bun way: members subscribe to named topics,
 * `publish` reaches every member of one topic. Members keep their own topic set (created on
 * first subscribe) so leaving everything on disconnect costs only what was joined.
 */
export interface TopicMember {
  /** Topics this member joined; `null` until the first subscribe (keeps idle sessions small). */
  topics: Set<string> | null;
}

export class TopicRegistry<M extends TopicMember> {
  private readonly byTopic = new Map<string, Set<M>>();

  subscribe(member: M, topic: string): boolean {
    let members = this.byTopic.get(topic);
    if (members === undefined) {
      members = new Set();
      this.byTopic.set(topic, members);
    }
    if (members.has(member)) return false;
    members.add(member);
    if (member.topics === null) member.topics = new Set();
    member.topics.add(topic);
    return true;
  }

  unsubscribe(member: M, topic: string): boolean {
    const members = this.byTopic.get(topic);
    if (members === undefined || !members.delete(member)) return false;
    if (members.size === 0) this.byTopic.delete(topic);
    member.topics?.delete(topic);
    return true;
  }

  /** Removes a member from every topic it joined (on disconnect). */
  leaveAll(member: M): void {
    const topics = member.topics;
    if (topics === null) return;
    for (const topic of topics) {
      const members = this.byTopic.get(topic);
      if (members === undefined) continue;
      members.delete(member);
      if (members.size === 0) this.byTopic.delete(topic);
    }
    member.topics = null;
  }

  /** The live member set of a topic (do not mutate); empty when nobody is subscribed. */
  members(topic: string): ReadonlySet<M> {
    return this.byTopic.get(topic) ?? EMPTY;
  }

  subscriberCount(topic: string): number {
    return this.byTopic.get(topic)?.size ?? 0;
  }

  topicNames(): string[] {
    return [...this.byTopic.keys()];
  }
}

const EMPTY: ReadonlySet<never> = new Set();
