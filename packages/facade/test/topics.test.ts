import { describe, expect, it } from 'vitest';
import { type TopicMember, TopicRegistry } from '../src/server/topics.js';

const member = (): TopicMember => ({ topics: null });

describe('TopicRegistry', () => {
  it('subscribes, lists members and unsubscribes', () => {
    const registry = new TopicRegistry<TopicMember>();
    const a = member();
    const b = member();
    expect(registry.subscribe(a, 'room')).toBe(true);
    expect(registry.subscribe(a, 'room')).toBe(false);
    registry.subscribe(b, 'room');
    expect([...registry.members('room')]).toEqual([a, b]);
    expect(registry.subscriberCount('room')).toBe(2);
    expect(registry.unsubscribe(a, 'room')).toBe(true);
    expect(registry.unsubscribe(a, 'room')).toBe(false);
    expect([...registry.members('room')]).toEqual([b]);
    expect(a.topics?.has('room')).toBe(false);
  });

  it('keeps idle members small: no topic set until the first subscribe', () => {
    const registry = new TopicRegistry<TopicMember>();
    const a = member();
    expect(a.topics).toBeNull();
    registry.subscribe(a, 'x');
    expect(a.topics).toEqual(new Set(['x']));
  });

  it('leaveAll removes a member from every topic and drops empty topics', () => {
    const registry = new TopicRegistry<TopicMember>();
    const a = member();
    const b = member();
    registry.subscribe(a, 'one');
    registry.subscribe(a, 'two');
    registry.subscribe(b, 'two');
    registry.leaveAll(a);
    expect(a.topics).toBeNull();
    expect(registry.topicNames()).toEqual(['two']);
    expect(registry.members('one').size).toBe(0);
    registry.leaveAll(a);
    expect(registry.subscriberCount('two')).toBe(1);
  });
});
