/**
 * A counting semaphore: at most `size` holders at once, the rest wait in arrival order.
 *
 * @module
 */

/** Limits how many tasks run at once. */
export class Semaphore {
  #free: number;
  #waiting: (() => void)[] = [];

  /** @param size How many may hold it at once (at least 1). */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`semaphore size must be a positive integer, got ${size}`);
    }
    this.#free = size;
  }

  /** Holders waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` once a slot is free, and frees the slot when it settles.
   *
   * @param task The work.
   * @returns What the task returns.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) {
      this.#free--;
    } else {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
