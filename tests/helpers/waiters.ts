/**
 * Waiting for something a server records, without polling: the server calls `notify()` after
 * each change, and each waiter checks its condition then.
 *
 * @module
 */

/** Options for {@linkcode Waiters.until}. */
export interface UntilOptions {
  /** How long to wait, in ms. */
  timeoutMs: number;
  /** Describes what was missing, for the error. */
  failure: () => string;
}

/** Conditions waiting for the next change. */
export class Waiters {
  readonly #checks = new Set<() => void>();

  /** Re-checks every waiting condition; call after each change. */
  notify(): void {
    for (const check of this.#checks) check();
  }

  /**
   * Resolves once `done()` holds (checked now and on each `notify()`), or rejects after
   * `timeoutMs` with the message `failure()` gives then.
   *
   * @param done The condition.
   * @param options Timeout and failure message.
   */
  until(done: () => boolean, options: UntilOptions): Promise<void> {
    const { timeoutMs, failure } = options;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(failure()));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#checks.delete(check);
      };
      this.#checks.add(check);
      check();
    });
  }
}
