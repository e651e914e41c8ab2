/**
 * The `Rubric` base class (RFC 004): computes a reward from an action and the
 * observation it produced, synchronously or asynchronously, with hooks and a
 * tree of child rubrics.
 *
 * @module
 */
import { type MaybePromise, runInOrder, then } from "./_maybe.ts";

export type { MaybePromise };

/** Called before a rubric scores: `(rubric, action, observation)`. */
// deno-lint-ignore no-explicit-any
export type ForwardPreHook<A = any, O = any> = (
  rubric: Rubric<A, O>,
  action: A,
  observation: O,
) => unknown;

/** Called after a rubric scored: `(rubric, action, observation, score)`. */
// deno-lint-ignore no-explicit-any
export type ForwardHook<A = any, O = any> = (
  rubric: Rubric<A, O>,
  action: A,
  observation: O,
  score: number,
) => unknown;

/**
 * Base class of reward computations, modelled on the reference's
 * `nn.Module`-like `Rubric`: implement {@linkcode Rubric.forward}, call
 * {@linkcode Rubric.score}.
 *
 * - `forward` may return a number or a promise of one; `score` is then
 *   synchronous or asynchronous accordingly (a tree of sync rubrics never
 *   awaits).
 * - `score` runs the pre-hooks, then `forward`, records `lastScore`, then
 *   runs the post-hooks. Hooks that return promises are awaited in order.
 * - Any own property holding a rubric is a child (like attribute assignment
 *   in the reference); containers register theirs by name. Children can be
 *   walked with `children`, `namedChildren`, `rubrics`, `namedRubrics` and
 *   `getRubric("a.b")`.
 * - `reset()` resets every child too (the reference's base `reset` does not
 *   reach children; see docs/COMPATIBILITY.md).
 *
 * @typeParam A The action type.
 * @typeParam O The observation type.
 *
 * @example A rubric with a child
 * ```ts
 * import { FunctionRubric, Rubric } from "@openenv/core/rubrics";
 *
 * class LengthBonus extends Rubric<{ text: string }, unknown> {
 *   long = new FunctionRubric((a: { text: string }) => (a.text.length > 10 ? 1 : 0));
 *   forward(action: { text: string }, observation: unknown): number {
 *     return 0.5 + 0.5 * (this.long.score(action, observation) as number);
 *   }
 * }
 *
 * const r = new LengthBonus();
 * r.score({ text: "hi" }, {}); // 0.5
 * [...r.namedRubrics()].map(([name]) => name); // ["long"]
 * ```
 */
// deno-lint-ignore no-explicit-any
export abstract class Rubric<A = any, O = any> {
  /** The score of the latest call, or null before the first one. */
  lastScore: number | null = null;
  readonly #registered = new Map<string, Rubric>();
  readonly #preHooks: ForwardPreHook<A, O>[] = [];
  readonly #hooks: ForwardHook<A, O>[] = [];

  /**
   * Computes the reward. Implement it; call {@linkcode Rubric.score}.
   *
   * @param action The action taken.
   * @param observation The observation it produced.
   * @returns The reward (typically in [0, 1]), or a promise of it.
   */
  abstract forward(action: A, observation: O): MaybePromise<number>;

  /**
   * Scores an action with hooks (the reference's `rubric(action, obs)`).
   *
   * @param action The action taken.
   * @param observation The observation it produced.
   * @returns The score; a promise when `forward` or a hook is asynchronous.
   */
  score(action: A, observation: O): MaybePromise<number> {
    const pre = runInOrder(this.#preHooks.map((h) => () => h(this, action, observation)));
    return then(pre, () =>
      then(this.forward(action, observation), (result) => {
        this.lastScore = result;
        const post = runInOrder(this.#hooks.map((h) => () => h(this, action, observation, result)));
        return then(post, () => result);
      }));
  }

  /** Adds a hook run after each score: `(rubric, action, observation, score)`. */
  registerForwardHook(hook: ForwardHook<A, O>): void {
    this.#hooks.push(hook);
  }

  /** Adds a hook run before each score: `(rubric, action, observation)`. */
  registerForwardPreHook(hook: ForwardPreHook<A, O>): void {
    this.#preHooks.push(hook);
  }

  /**
   * Registers a child under a name (containers use `rubric_0`, `rubric_1`, …).
   *
   * @param name Child name; it may not contain ".".
   * @param rubric The child.
   * @throws {TypeError} When the name contains "." or the value is not a rubric.
   */
  protected addChild(name: string, rubric: Rubric): void {
    if (name.includes(".") || name === "") {
      throw new TypeError(
        `Rubric child name ${JSON.stringify(name)} must be non-empty without "."`,
      );
    }
    if (!(rubric instanceof Rubric)) {
      throw new TypeError(`Child '${name}' must be a Rubric, got ${typeof rubric}`);
    }
    this.#registered.set(name, rubric);
  }

  /** Immediate children with their names, in registration order. */
  *namedChildren(): IterableIterator<[string, Rubric]> {
    yield* this.#registered.entries();
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Rubric && !this.#registered.has(name)) yield [name, value];
    }
  }

  /** Immediate children. */
  *children(): IterableIterator<Rubric> {
    for (const [, child] of this.namedChildren()) yield child;
  }

  /** Every descendant, depth-first. */
  *rubrics(): IterableIterator<Rubric> {
    for (const child of this.children()) {
      yield child;
      yield* child.rubrics();
    }
  }

  /** Every descendant with its dot-separated path, depth-first. */
  *namedRubrics(prefix = ""): IterableIterator<[string, Rubric]> {
    for (const [name, child] of this.namedChildren()) {
      const path = prefix ? `${prefix}.${name}` : name;
      yield [path, child];
      yield* child.namedRubrics(path);
    }
  }

  /**
   * The descendant at a dot-separated path.
   *
   * @param path For example `"code.syntax"`.
   * @throws {RangeError} When no rubric lives at that path.
   */
  getRubric(path: string): Rubric {
    // deno-lint-ignore no-this-alias
    let current: Rubric = this;
    for (const part of path.split(".")) {
      const next = [...current.namedChildren()].find(([name]) => name === part)?.[1];
      if (!next) throw new RangeError(`Rubric path not found: ${path}`);
      current = next;
    }
    return current;
  }

  /** Clears episode state; the base resets every child. Overrides call `super.reset()`. */
  reset(): MaybePromise<void> {
    return runInOrder([...this.children()].map((c) => () => c.reset()));
  }

  /** Configuration for checkpointing (not episode data). The base has none. */
  stateDict(): Record<string, unknown> {
    return {};
  }

  /** Loads configuration saved by {@linkcode Rubric.stateDict}; unknown keys are ignored. */
  loadStateDict(_state: Record<string, unknown>): void {}
}

/**
 * A rubric from a function, for one-line rules.
 *
 * @example
 * ```ts
 * import { FunctionRubric } from "@openenv/core/rubrics";
 *
 * const won = new FunctionRubric((_a, obs: { won: boolean }) => (obs.won ? 1 : 0));
 * won.score({}, { won: true }); // 1
 * ```
 */
// deno-lint-ignore no-explicit-any
export class FunctionRubric<A = any, O = any> extends Rubric<A, O> {
  readonly #fn: (action: A, observation: O) => MaybePromise<number>;

  /**
   * Wraps a function.
   *
   * @param fn Computes the score; may be async.
   */
  constructor(fn: (action: A, observation: O) => MaybePromise<number>) {
    super();
    if (typeof fn !== "function") throw new TypeError("FunctionRubric needs a function");
    this.#fn = fn;
  }

  /** Calls the function. */
  forward(action: A, observation: O): MaybePromise<number> {
    return this.#fn(action, observation);
  }
}
