/**
 * Bounding how long we wait for something, without cancelling it.
 *
 * @module
 */

/**
 * Waits for `promise` at most `ms` milliseconds.
 *
 * @param promise What to wait for; a rejection counts as settled.
 * @param ms The longest wait.
 * @returns True when it settled in time, false when the wait ran out.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits `ms` milliseconds unless `signal` aborts first.
 *
 * @param ms How long to wait.
 * @param signal Ends the wait early.
 * @returns True when the full time passed, false when aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      resolve(false);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
