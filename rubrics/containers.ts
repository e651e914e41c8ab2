/**
 * Containers that compose rubrics: {@linkcode Sequential}, {@linkcode Gate},
 * {@linkcode WeightedSum}, {@linkcode RubricList} and {@linkcode RubricDict},
 * with the reference's semantics (RFC 004).
 *
 * @module
 */
import { type MaybePromise, then } from "./_maybe.ts";
import { Rubric } from "./rubric.ts";

/**
 * Runs children in order and stops at the first that scores 0 (returning
 * 0); otherwise returns the last child's score, or 1.0 with no children.
 * Asynchronous children are awaited in order; no child is ever called twice.
 *
 * @example
 * ```ts
 * import { FunctionRubric, Gate, Sequential } from "@openenv/core/rubrics";
 *
 * const compiles = new FunctionRubric((a: { ok: boolean }) => (a.ok ? 1 : 0));
 * const quality = new FunctionRubric(() => 0.7);
 * const rubric = new Sequential(new Gate(compiles), quality);
 * rubric.score({ ok: true }, {}); // 0.7
 * rubric.score({ ok: false }, {}); // 0 (quality is not called)
 * ```
 */
// deno-lint-ignore no-explicit-any
export class Sequential<A = any, O = any> extends Rubric<A, O> {
  readonly #list: Rubric[];

  /**
   * Creates the sequence.
   *
   * @param rubrics Children, run in this order.
   */
  constructor(...rubrics: Rubric[]) {
    super();
    rubrics.forEach((r, i) => this.addChild(`rubric_${i}`, r));
    this.#list = [...rubrics];
  }

  /** Scores children in order, failing fast on 0. */
  forward(action: A, observation: O): MaybePromise<number> {
    const list = this.#list;
    const from = (start: number, last: number): MaybePromise<number> => {
      for (let i = start; i < list.length; i++) {
        const score = list[i].score(action, observation);
        if (score instanceof Promise) {
          return score.then((s) => (s === 0 ? 0 : from(i + 1, s)));
        }
        if (score === 0) return 0;
        last = score;
      }
      return last;
    };
    return from(0, 1.0);
  }

  /** Number of children. */
  get length(): number {
    return this.#list.length;
  }

  /** The child at an index (negative counts from the end). */
  at(index: number): Rubric | undefined {
    return this.#list.at(index);
  }
}

/** Options for {@linkcode Gate}. */
export interface GateOptions {
  /** Lowest passing score; a score equal to it passes. @default {1.0} */
  threshold?: number;
}

/**
 * Passes its child's score through when it reaches the threshold, else 0.
 *
 * @example
 * ```ts
 * import { FunctionRubric, Gate } from "@openenv/core/rubrics";
 *
 * const tests = new FunctionRubric((a: { passed: number }) => a.passed);
 * const gate = new Gate(tests, { threshold: 0.5 });
 * gate.score({ passed: 0.4 }, {}); // 0
 * gate.score({ passed: 0.5 }, {}); // 0.5
 * ```
 */
// deno-lint-ignore no-explicit-any
export class Gate<A = any, O = any> extends Rubric<A, O> {
  /** The gated rubric (child `rubric`). */
  readonly rubric: Rubric;
  /** Lowest passing score. */
  threshold: number;

  /**
   * Creates the rubric.
   *
   * @param rubric The rubric to gate.
   * @param options The threshold.
   */
  constructor(rubric: Rubric, options: GateOptions = {}) {
    super();
    this.addChild("rubric", rubric);
    this.rubric = rubric;
    this.threshold = options.threshold ?? 1.0;
  }

  /** The child's score if it reaches the threshold, else 0. */
  forward(action: A, observation: O): MaybePromise<number> {
    return then(this.rubric.score(action, observation), (s) => (s < this.threshold ? 0 : s));
  }

  /** The threshold. */
  override stateDict(): Record<string, unknown> {
    return { threshold: this.threshold };
  }

  /** Loads the threshold. */
  override loadStateDict(state: Record<string, unknown>): void {
    if (typeof state.threshold === "number") this.threshold = state.threshold;
  }
}

/**
 * Σ score·weight over its children; weights must sum to 1. Asynchronous
 * children run concurrently.
 *
 * @example
 * ```ts
 * import { FunctionRubric, WeightedSum } from "@openenv/core/rubrics";
 *
 * const r = new WeightedSum([new FunctionRubric(() => 1), new FunctionRubric(() => 0.5)], [0.7, 0.3]);
 * r.score({}, {}); // 0.85
 * ```
 */
// deno-lint-ignore no-explicit-any
export class WeightedSum<A = any, O = any> extends Rubric<A, O> {
  readonly #list: Rubric[];
  readonly #weights: number[];

  /**
   * Creates the rubric.
   *
   * @param rubrics Children.
   * @param weights One weight per child, summing to 1 (within 1e-6).
   * @throws {RangeError} When the lengths differ or the weights do not sum to 1.
   */
  constructor(rubrics: Rubric[], weights: number[]) {
    super();
    if (rubrics.length !== weights.length) {
      throw new RangeError(
        `Number of rubrics (${rubrics.length}) must match number of weights (${weights.length})`,
      );
    }
    const sum = weights.reduce((a, b) => a + b, 0);
    if (!(Math.abs(sum - 1.0) <= 1e-6)) {
      throw new RangeError(`Weights must sum to 1.0, got ${sum}`);
    }
    rubrics.forEach((r, i) => this.addChild(`rubric_${i}`, r));
    this.#list = [...rubrics];
    this.#weights = [...weights];
  }

  /** The weighted sum of the children's scores. */
  forward(action: A, observation: O): MaybePromise<number> {
    // Every child is started before any is awaited, so async ones overlap.
    const scores = this.#list.map((r) => r.score(action, observation));
    const total = (values: number[]) => values.reduce((t, s, i) => t + s * this.#weights[i], 0);
    return scores.some((s) => s instanceof Promise)
      ? Promise.all(scores).then(total)
      : total(scores as number[]);
  }

  /** A copy of the weights. */
  get weights(): number[] {
    return [...this.#weights];
  }
}

/**
 * A list of rubrics (children `rubric_0`, `rubric_1`, …) for a parent that
 * defines the aggregation; it cannot score by itself.
 *
 * @example
 * ```ts
 * import { FunctionRubric, RubricList } from "@openenv/core/rubrics";
 *
 * const games = new RubricList([new FunctionRubric(() => 1)]);
 * games.append(new FunctionRubric(() => 0));
 * games.length; // 2
 * ```
 */
// deno-lint-ignore no-explicit-any
export class RubricList<A = any, O = any> extends Rubric<A, O> implements Iterable<Rubric> {
  readonly #list: Rubric[] = [];

  /**
   * Creates the list.
   *
   * @param rubrics Initial children.
   */
  constructor(rubrics: Rubric[] = []) {
    super();
    this.extend(rubrics);
  }

  /** Always throws: a list does not aggregate. */
  forward(): number {
    throw new TypeError(
      "RubricList.forward() is not implemented: use the list inside a parent rubric that combines its children",
    );
  }

  /** Adds a rubric at the end. */
  append(rubric: Rubric): void {
    this.addChild(`rubric_${this.#list.length}`, rubric);
    this.#list.push(rubric);
  }

  /** Adds several rubrics at the end. */
  extend(rubrics: Iterable<Rubric>): void {
    for (const r of rubrics) this.append(r);
  }

  /** Number of rubrics. */
  get length(): number {
    return this.#list.length;
  }

  /** The rubric at an index (negative counts from the end). */
  at(index: number): Rubric | undefined {
    return this.#list.at(index);
  }

  /** Iterates the rubrics in order. */
  [Symbol.iterator](): Iterator<Rubric> {
    return this.#list[Symbol.iterator]();
  }
}

/**
 * Rubrics by name (children named by their keys) for a parent that picks
 * one, e.g. per task or game; it cannot score by itself.
 *
 * @example
 * ```ts
 * import { FunctionRubric, RubricDict } from "@openenv/core/rubrics";
 *
 * const games = new RubricDict({ pong: new FunctionRubric(() => 1) });
 * games.has("pong"); // true
 * games.get("pong").score({}, {}); // 1
 * ```
 */
// deno-lint-ignore no-explicit-any
export class RubricDict<A = any, O = any> extends Rubric<A, O> implements Iterable<string> {
  readonly #map = new Map<string, Rubric>();

  /**
   * Creates the dict.
   *
   * @param rubrics Initial entries.
   */
  constructor(rubrics: Record<string, Rubric> = {}) {
    super();
    this.update(rubrics);
  }

  /** Always throws: a dict does not aggregate. */
  forward(): number {
    throw new TypeError(
      "RubricDict.forward() is not implemented: use the dict inside a parent rubric that picks a rubric",
    );
  }

  /** Adds or replaces the rubric under a key (a key may not contain "."). */
  set(key: string, rubric: Rubric): void {
    this.addChild(key, rubric);
    this.#map.set(key, rubric);
  }

  /**
   * The rubric under a key.
   *
   * @throws {RangeError} When the key is missing.
   */
  get(key: string): Rubric {
    const rubric = this.#map.get(key);
    if (!rubric) {
      throw new RangeError(
        `No rubric under key '${key}'; keys are: ${JSON.stringify([...this.#map.keys()])}`,
      );
    }
    return rubric;
  }

  /** Whether a key exists. */
  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Adds or replaces several entries. */
  update(rubrics: Record<string, Rubric> | Iterable<[string, Rubric]>): void {
    const entries = Symbol.iterator in rubrics
      ? rubrics as Iterable<[string, Rubric]>
      : Object.entries(rubrics);
    for (const [k, r] of entries) this.set(k, r);
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** The keys. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** The rubrics. */
  values(): IterableIterator<Rubric> {
    return this.#map.values();
  }

  /** Key and rubric pairs. */
  entries(): IterableIterator<[string, Rubric]> {
    return this.#map.entries();
  }

  /** Iterates the keys (like a Python dict). */
  [Symbol.iterator](): Iterator<string> {
    return this.#map.keys();
  }
}
