/**
 * Event classes of the WHATWG WebSocket API. Node 20 has `Event`, `EventTarget` and
 * `MessageEvent` globally but no `CloseEvent`, so one is defined here (and the global one
 * is used where the runtime provides it, so `instanceof CloseEvent` keeps working).
 */
export interface CloseEventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
  code?: number;
  reason?: string;
  wasClean?: boolean;
}

class ParleyCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
}

type CloseEventConstructor = new (
  type: string,
  init?: CloseEventInit,
) => Event & { readonly code: number; readonly reason: string; readonly wasClean: boolean };

const globalCloseEvent = (globalThis as { CloseEvent?: CloseEventConstructor }).CloseEvent;

/** The runtime's `CloseEvent` when it has one (Node ≥ 23), else Parley's. */
export const CloseEvent: CloseEventConstructor = globalCloseEvent ?? ParleyCloseEvent;
export type CloseEvent = InstanceType<CloseEventConstructor>;

/**
 * The `error` event. Browsers fire a plain `Event`; Parley adds a `message` (the same reason
 * the close event carries) because Node code wants to know what went wrong.
 */
export class WebSocketErrorEvent extends Event {
  readonly message: string;
  readonly error: unknown;

  constructor(message: string, error?: unknown) {
    super('error');
    this.message = message;
    this.error = error;
  }
}
