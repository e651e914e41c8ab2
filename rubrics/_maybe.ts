// Internal: chaining values that may or may not be promises, so a rubric tree
// made only of sync rubrics stays synchronous.

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `fn` to a value or, once it settles, to a promise's value. */
export function then<T, U>(
  value: MaybePromise<T>,
  fn: (value: T) => MaybePromise<U>,
): MaybePromise<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/** Runs callbacks in order, awaiting each one that returns a promise. */
export function runInOrder(
  calls: readonly (() => unknown)[],
  from = 0,
): MaybePromise<void> {
  for (let i = from; i < calls.length; i++) {
    const out = calls[i]();
    if (out instanceof Promise) return out.then(() => runInOrder(calls, i + 1));
  }
}
