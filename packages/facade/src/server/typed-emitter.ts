/**
 * A tiny typed event emitter: `on(name, listener)` where `name` and the listener's arguments
 * come from an event map. Listeners are kept in arrays (no closures created per emit), and
 * `emit` with no listeners costs one property read.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument tuples are checked per event map
export type EventMap = { [event: string]: (...args: any[]) => void };

export class TypedEmitter<E extends EventMap> {
  private readonly listeners: { [K in keyof E]?: E[K][] } = {};

  on<K extends keyof E>(event: K, listener: E[K]): this {
    const list = this.listeners[event];
    if (list === undefined) this.listeners[event] = [listener];
    else list.push(listener);
    return this;
  }

  off<K extends keyof E>(event: K, listener: E[K]): this {
    const list = this.listeners[event];
    if (list === undefined) return this;
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) delete this.listeners[event];
    return this;
  }

  /** Registers a listener that is removed after its first call. */
  once<K extends keyof E>(event: K, listener: E[K]): this {
    const wrapper = ((...args: Parameters<E[K]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as E[K];
    return this.on(event, wrapper);
  }

  hasListeners(event: keyof E): boolean {
    return this.listeners[event] !== undefined;
  }

  protected emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const list = this.listeners[event];
    if (list === undefined) return;
    if (list.length === 1) {
      list[0]!(...args);
      return;
    }
    for (const listener of list.slice()) listener(...args);
  }
}
