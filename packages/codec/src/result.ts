/**
 * Errors that cross a package boundary in Parley are values, not exceptions.
 * `Result<T, E>` is the one shape every package returns; exceptions are for bugs.
 */
export type Result<T, E = ParleyError> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

/** The error shape used across packages: a stable machine-readable `code`, a human `message`. */
export interface ParleyError<C extends string = string> {
  readonly code: C;
  readonly message: string;
  readonly cause?: unknown;
}

export function ok<T>(value: T): Ok<T>;
export function ok(): Ok<void>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** Builds a `ParleyError` value; `cause` is kept only when given. */
export function parleyError<C extends string>(code: C, message: string, cause?: unknown): ParleyError<C> {
  return cause === undefined ? { code, message } : { code, message, cause };
}
