// Test fixtures shared by the rubric tests: constant rubrics that count their calls.
import { Rubric } from "./mod.ts";

export class Const extends Rubric {
  calls = 0;
  constructor(readonly value: number) {
    super();
  }
  forward(): number {
    this.calls++;
    return this.value;
  }
}

export class AsyncConst extends Rubric {
  calls = 0;
  constructor(readonly value: number) {
    super();
  }
  async forward(): Promise<number> {
    this.calls++;
    await new Promise((r) => setTimeout(r, 1));
    return this.value;
  }
}
