/**
 * A minimal typed event emitter: listeners per event name in insertion order, no wildcard,
 * no error magic. A listener that throws is reported asynchronously (like an uncaught
 * exception from any callback) so one bad listener cannot corrupt the client's state machine.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument lists are checked through EventMap
type Listener = (...args: any[]) => void;

export class TypedEmitter<EventMap extends { [K in keyof EventMap]: Listener }> {
  #listeners = new Map<keyof EventMap, EventMap[keyof EventMap][]>();

  on<K extends keyof EventMap>(event: K, listener: EventMap[K]): this {
    const list = this.#listeners.get(event);
    if (list === undefined) this.#listeners.set(event, [listener]);
    else list.push(listener);
    return this;
  }

  once<K extends keyof EventMap>(event: K, listener: EventMap[K]): this {
    const wrapper = ((...args: Parameters<EventMap[K]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as EventMap[K];
    return this.on(event, wrapper);
  }

  off<K extends keyof EventMap>(event: K, listener: EventMap[K]): this {
    const list = this.#listeners.get(event);
    if (list === undefined) return this;
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
    return this;
  }

  listenerCount(event: keyof EventMap): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  protected emit<K extends keyof EventMap>(event: K, ...args: Parameters<EventMap[K]>): void {
    const list = this.#listeners.get(event);
    if (list === undefined || list.length === 0) return;
    for (const listener of list.length === 1 ? list : [...list]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
